//! A user's own specs from the command line: `--spec FILE` (a model file
//! that is not in `specs/`, naming its provider) with `describe`,
//! `generate` and `batch`, checked and sent as a compiled-in model is and
//! served by `--sim`; a spec that does not load exits 2 at its
//! `file:line:column`; and `imagegen codegen --specs DIR --out DIR
//! [--check]`.

mod cli_support;

use std::path::{Path, PathBuf};

use imagegen_sim::SimConfig;
use serde_json::Value;

use cli_support::{COMPLETION, Emulator, assert_image, imagegen, text};

fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs")
}

/// `provider`'s model `id` as a user's own file outside `specs/`, naming
/// its provider, in `dir`: renamed `own/<id>`, or (`rename` false) under its
/// own id, where it takes the compiled-in model's place.
fn own_copy(dir: &Path, provider: &str, id: &str, rename: bool) -> PathBuf {
    let text = std::fs::read_to_string(specs_dir().join(provider).join(format!("{id}.yaml")))
        .unwrap_or_else(|e| panic!("{provider}/{id}: {e}"));
    let new_id = if rename {
        format!("own/{id}")
    } else {
        id.to_owned()
    };
    let text = text.replacen(
        &format!("id: {id}\n"),
        &format!("id: {new_id}\nprovider: {provider}\n"),
        1,
    );
    assert!(
        text.contains("provider: "),
        "{provider}/{id} has an `id:` line"
    );
    let path = dir.join(format!("{}.yaml", id.replace('/', "-")));
    std::fs::write(&path, text).unwrap();
    path
}

/// Every model's spec, read alone under its own id (a model whose provider
/// puts the id in the body fixes it there, so a renamed copy would be a
/// different spec).
#[test]
fn every_model_can_be_read_from_its_own_file_and_described() {
    let dir = tempfile::tempdir().unwrap();
    for (provider, model) in imagegen::models() {
        let (provider, id) = (provider.info.name, model.info.id);
        let file = own_copy(dir.path(), provider, id, false);
        let output = imagegen()
            .args(["describe", "--spec"])
            .arg(&file)
            .output()
            .unwrap();
        let stdout = text(&output.stdout);
        assert!(
            output.status.success(),
            "{provider}/{id}: {}",
            text(&output.stderr)
        );
        assert!(stdout.starts_with(&format!("{provider}/{id} ")), "{stdout}");
        assert!(stdout.contains(model.info.source), "{stdout}");
        for param in model.info.parameters {
            assert!(
                stdout.contains(param.name),
                "{provider}/{id}: {}",
                param.name
            );
        }
    }
}

#[test]
fn a_model_read_from_its_file_generates_against_the_emulator_and_with_sim() {
    let dir = tempfile::tempdir().unwrap();
    let file = own_copy(dir.path(), "vibedream", "z-image-turbo", true);

    let emulator = Emulator::with(SimConfig::new().complete_after(COMPLETION).own_specs(&file));
    let out = dir.path().join("out");
    let output = emulator
        .imagegen("vibedream")
        .args(["generate", "--spec"])
        .arg(&file)
        .args(["--prompt", "a fox", "--size", "512*512", "--json", "--out"])
        .arg(&out)
        .args(["--base-url", &emulator.sim.base_url("vibedream")])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["model"], "own/z-image-turbo");
    let saved = json["outputs"][0]["path"].as_str().unwrap();
    assert_image(Path::new(saved), Some((512, 512)));
    let log = emulator.sim.log();
    assert_eq!(log.submissions.len(), 1);
    assert_eq!(
        log.submissions[0].model.as_deref(),
        Some("own/z-image-turbo")
    );
    assert_eq!(log.submissions[0].body["size"], "512*512");

    // `--sim` starts an emulator that serves the file too.
    let output = imagegen()
        .args(["generate", "--spec"])
        .arg(&file)
        .args(["--prompt", "a fox", "--sim", "--out"])
        .arg(dir.path().join("sim"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        std::fs::read_dir(dir.path().join("sim")).unwrap().count(),
        1
    );
}

#[test]
fn bad_values_for_a_model_read_from_its_file_exit_2_and_send_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = own_copy(dir.path(), "vibedream", "z-image-turbo", true);
    let emulator = Emulator::with(SimConfig::new().complete_after(COMPLETION).own_specs(&file));
    let output = emulator
        .imagegen("vibedream")
        .args(["generate", "--spec"])
        .arg(&file)
        .args([
            "--prompt",
            "a fox",
            "--strength",
            "0.65",
            "--size",
            "1024x1024",
        ])
        .args(["--base-url", &emulator.sim.base_url("vibedream")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("invalid `strength`: `0.65`"), "{stderr}");
    assert!(stderr.contains("from 0 to 1 in steps of 0.1"), "{stderr}");
    assert!(stderr.contains("invalid `size`"), "{stderr}");
    assert_eq!(emulator.submissions(), 0);
}

#[test]
fn a_batch_runs_a_model_read_from_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = own_copy(dir.path(), "vibedream", "z-image-turbo", true);
    let emulator = Emulator::with(SimConfig::new().complete_after(COMPLETION).own_specs(&file));
    let prompts = dir.path().join("prompts.txt");
    std::fs::write(&prompts, "a fox\na cat\n").unwrap();
    let out = dir.path().join("out");
    let output = emulator
        .imagegen("vibedream")
        .args(["batch", "--spec"])
        .arg(&file)
        .arg("--prompts")
        .arg(&prompts)
        .arg("--out")
        .arg(&out)
        .args(["--base-url", &emulator.sim.base_url("vibedream")])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let manifest = std::fs::read_to_string(out.join("manifest.jsonl")).unwrap();
    assert!(manifest.contains("own/z-image-turbo"), "{manifest}");
    assert_eq!(emulator.sim.log().accepted().len(), 2);
}

#[test]
fn a_spec_that_does_not_load_exits_2_at_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let file = own_copy(dir.path(), "vibedream", "z-image-turbo", true);
    let text_before = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text_before.replacen("type: number", "type: nmber", 1),
    )
    .unwrap();
    let line = text_before
        .lines()
        .position(|l| l.contains("type: number"))
        .unwrap()
        + 1;
    for subcommand in ["generate", "batch", "describe"] {
        let output = imagegen()
            .args([subcommand, "--spec"])
            .arg(&file)
            .args(["--prompt", "a fox"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{subcommand}");
        let stderr = text(&output.stderr);
        assert!(
            stderr.contains(&format!("{}:{line}:", file.display())),
            "{subcommand}: {stderr}"
        );
        assert!(stderr.contains("nmber"), "{stderr}");
    }

    let output = imagegen()
        .args(["generate", "vibedream/z-image-turbo", "--spec"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("not both"),
        "{}",
        text(&output.stderr)
    );

    let output = imagegen()
        .args(["generate", "--spec"])
        .arg(dir.path().join("missing.yaml"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn codegen_writes_a_users_crate_and_check_finds_it_stale() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    let provider_dir = specs.join("wavespeed").join("acme");
    std::fs::create_dir_all(&provider_dir).unwrap();
    let spec = provider_dir.join("tiny.yaml");
    let text_before =
        std::fs::read_to_string(specs_dir().join("wavespeed/wavespeed-ai/flux-schnell.yaml"))
            .unwrap();
    std::fs::write(
        &spec,
        text_before.replacen("id: wavespeed-ai/flux-schnell", "id: acme/tiny", 1),
    )
    .unwrap();
    let out = dir.path().join("crates");
    let codegen = |extra: &[&str]| {
        imagegen()
            .arg("codegen")
            .arg("--specs")
            .arg(&specs)
            .arg("--out")
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };

    let output = codegen(&[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let krate = out.join("wavespeed-models");
    for file in [
        "Cargo.toml",
        "README.md",
        "src/lib.rs",
        "src/provider.rs",
        "src/acme_tiny.rs",
    ] {
        assert!(krate.join(file).is_file(), "{file}");
    }
    let manifest = std::fs::read_to_string(krate.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("name = \"wavespeed-models\""),
        "{manifest}"
    );
    assert!(manifest.contains("imagegen-core = \"0.1.0\""), "{manifest}");
    assert!(!manifest.contains("workspace = true"), "{manifest}");
    assert!(codegen(&["--check"]).status.success());

    // An edited spec leaves the crate stale; --check names the file.
    std::fs::write(
        &spec,
        std::fs::read_to_string(&spec)
            .unwrap()
            .replacen("Flux Schnell", "Tiny", 1),
    )
    .unwrap();
    let output = codegen(&["--check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("acme_tiny.rs"),
        "{}",
        text(&output.stderr)
    );
    assert!(codegen(&[]).status.success());
    assert!(codegen(&["--check"]).status.success());

    // A spec error: exit 2 at the file, line and column; nothing written.
    std::fs::write(
        &spec,
        text_before
            .replacen("id: wavespeed-ai/flux-schnell", "id: acme/tiny", 1)
            .replacen("type: string", "type: strng", 1),
    )
    .unwrap();
    let output = codegen(&[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains(&format!("{}:", spec.display())), "{stderr}");
    assert!(stderr.contains("strng"), "{stderr}");
}

#[test]
fn codegen_writes_a_crate_for_a_provider_of_the_users_own() {
    let dir = tempfile::tempdir().unwrap();
    let provider_dir = dir.path().join("specs/acme");
    std::fs::create_dir_all(&provider_dir).unwrap();
    // A provider of a known protocol shape: vibedream's, renamed.
    let provider = std::fs::read_to_string(specs_dir().join("vibedream/provider.yaml")).unwrap();
    let provider = provider
        .replacen("name: vibedream", "name: acme", 1)
        .replacen("display_name: VibeDream", "display_name: Acme", 1);
    std::fs::write(provider_dir.join("provider.yaml"), provider).unwrap();
    std::fs::copy(
        specs_dir().join("vibedream/z-image-turbo.yaml"),
        provider_dir.join("z-image-turbo.yaml"),
    )
    .unwrap();
    let out = dir.path().join("crates");
    let output = imagegen()
        .args(["codegen", "--package", "acme-images", "--specs"])
        .arg(dir.path().join("specs"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let provider_rs = std::fs::read_to_string(out.join("acme-images/src/provider.rs")).unwrap();
    assert!(provider_rs.contains("name: \"acme\""), "{provider_rs}");
    let manifest = std::fs::read_to_string(out.join("acme-images/Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"acme-images\""), "{manifest}");
    assert!(out.join("acme-images/src/z_image_turbo.rs").is_file());
}
