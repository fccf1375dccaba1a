//! `imagegen generate` against the emulator: every model in the catalog
//! (so a new spec is covered with no test written), the saved images, the
//! `--json` object, the output directory, `--sim`; and stderr staying empty
//! when it is not a terminal.

mod cli_support;

use std::path::{Path, PathBuf};

use heck::ToKebabCase;
use imagegen::info::{Meaning, ModelInfo, ParamKind};
use serde_json::Value;

use cli_support::{Emulator, assert_image, imagegen, text};

/// An input image for image-to-image parameters: the emulator accepts any
/// https URL without fetching it.
const INPUT_IMAGE: &str = "https://example.com/in.png";

/// The flags for one model: a prompt (if it has one), a value for every other required
/// parameter, a size other than the default where there are presets (so the
/// size is checked), and sync mode where waiting for the first poll would
/// take seconds. Returns the flags and the size asked for.
fn flags_for(model: &ModelInfo) -> (Vec<String>, Option<(u32, u32)>) {
    let mut flags = Vec::new();
    let mut size = None;
    for param in model.parameters.iter().filter(|p| p.fixed.is_none()) {
        let flag = format!("--{}", param.name.to_kebab_case());
        let value = if param.meaning == Some(Meaning::Prompt) {
            "a lighthouse at dusk".to_owned()
        } else if param.meaning == Some(Meaning::Size) {
            let separator = param.size_separator.unwrap_or('x');
            let preset = param.choices.iter().find_map(|choice| {
                let (w, h) = choice.split_once(separator)?;
                let parsed = (w.parse().ok()?, h.parse().ok()?);
                (Some(*choice) != param.default).then_some((*choice, parsed))
            });
            match preset {
                Some((choice, parsed)) => {
                    size = Some(parsed);
                    choice.to_owned()
                }
                None => continue,
            }
        } else if param.required {
            match param.kind {
                ParamKind::ImageUrl | ParamKind::ImageList => INPUT_IMAGE.to_owned(),
                ParamKind::Boolean => "false".to_owned(),
                _ => match (param.default, param.choices.first()) {
                    (Some(default), _) => default.to_owned(),
                    (None, Some(choice)) => (*choice).to_owned(),
                    (None, None) => "a value".to_owned(),
                },
            }
        } else {
            continue;
        };
        flags.extend([flag, value]);
    }
    let slow = model.estimated_time.is_some_and(|e| e.min_ms > 2_000);
    if let (true, Some(sync)) = (slow, model.sync_mode) {
        flags.extend([format!("--{}", sync.to_kebab_case()), "true".to_owned()]);
    }
    (flags, size)
}

/// The paths printed on stdout, one per line.
fn printed_paths(stdout: &[u8]) -> Vec<PathBuf> {
    text(stdout).lines().map(PathBuf::from).collect()
}

#[test]
fn every_model_generates_and_saves_its_images() {
    let emulator = Emulator::start();
    let models: Vec<_> = imagegen::models().collect();
    assert!(!models.is_empty(), "the catalog is empty");
    std::thread::scope(|scope| {
        for (_, model) in &models {
            let emulator = &emulator;
            scope.spawn(move || {
                let name = model.qualified_id();
                let (flags, size) = flags_for(model.info);
                let out = tempfile::tempdir().expect("a temporary directory");
                let out_flag = out.path().to_string_lossy().into_owned();
                let mut args: Vec<&str> = flags.iter().map(String::as_str).collect();
                args.extend(["--out", &out_flag]);
                let output = emulator.generate(&name, &args).output().expect("runs");
                assert_eq!(
                    output.status.code(),
                    Some(0),
                    "{name} {args:?}: {}",
                    text(&output.stderr)
                );
                // Not a terminal: no progress, nothing at all on stderr.
                assert!(output.stderr.is_empty(), "{name}: {}", text(&output.stderr));
                let paths = printed_paths(&output.stdout);
                assert!(!paths.is_empty(), "{name}: no paths printed");
                for path in &paths {
                    assert!(path.starts_with(out.path()), "{name}: {}", path.display());
                    assert_image(path, size);
                }
                let saved = std::fs::read_dir(out.path()).expect("the out dir").count();
                assert_eq!(saved, paths.len(), "{name}: one line per saved image");
                assert!(
                    !text(&output.stdout).contains(emulator.sim.api_key()),
                    "{name}: the key was printed"
                );
            });
        }
    });
    let log = emulator.sim.log();
    for (_, model) in &models {
        let name = model.qualified_id();
        assert_eq!(
            log.submissions_for(&name).len(),
            1,
            "{name}: one submission"
        );
    }
    assert!(
        log.credential_leaks().is_empty(),
        "{:?}",
        log.credential_leaks()
    );
}

/// Parses stdout as exactly one JSON object (anything after it fails).
fn one_object(stdout: &[u8]) -> serde_json::Map<String, Value> {
    let value: Value = serde_json::from_slice(stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON value ({e}): {}", text(stdout)));
    match value {
        Value::Object(object) => object,
        other => panic!("not an object: {other}"),
    }
}

#[test]
fn json_prints_one_object_and_out_is_created() {
    let emulator = Emulator::start();
    let root = tempfile::tempdir().expect("a temporary directory");
    let out = root.path().join("nested").join("images");
    let output = emulator
        .generate(
            "vibedream/z-image-turbo",
            &[
                "--prompt",
                "a lighthouse",
                "--size",
                "1280*720",
                "--output-format",
                "png",
                "--json",
                "--out",
                &out.to_string_lossy(),
            ],
        )
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(output.stderr.is_empty(), "{}", text(&output.stderr));
    let object = one_object(&output.stdout);
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    assert_eq!(
        keys.iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>(),
        [
            "cost", "id", "model", "outputs", "provider", "status", "timings"
        ]
        .into(),
        "{object:?}"
    );
    assert_eq!(object["provider"], "vibedream");
    // vibedream reports what each generation cost (`costCents`).
    assert_eq!(object["cost"]["source"], "reported", "{object:?}");
    assert_eq!(object["cost"]["currency"], "USD", "{object:?}");
    assert_eq!(object["model"], "z-image-turbo");
    let log = emulator.sim.log();
    let submitted = log.accepted();
    assert_eq!(submitted.len(), 1);
    assert_eq!(
        object["id"].as_str(),
        submitted[0].prediction_id.as_deref(),
        "the id is the prediction's"
    );
    assert!(
        object["status"].as_str().is_some_and(|s| !s.is_empty()),
        "{object:?}"
    );
    let outputs = object["outputs"].as_array().expect("outputs is an array");
    assert_eq!(outputs.len(), 1);
    let path = Path::new(outputs[0]["path"].as_str().expect("a path"));
    assert!(path.starts_with(&out), "{}", path.display());
    assert_image(path, Some((1280, 720)));
    let url = outputs[0]["url"].as_str().expect("a source URL");
    assert!(url.starts_with(&emulator.sim.assets_url()), "{url}");
    let timings = &object["timings"];
    assert!(timings["elapsed_ms"].is_u64(), "{timings}");
    assert!(
        timings["polls"].as_u64().is_some_and(|polls| polls >= 1),
        "{timings}"
    );
}

#[test]
fn json_outputs_in_base64_have_no_url() {
    let emulator = Emulator::start();
    let out = tempfile::tempdir().expect("a temporary directory");
    let output = emulator
        .generate(
            "vibedream/gpt-image-1",
            &[
                "--prompt",
                "a fox",
                "--enable-base64-output",
                "true",
                "--enable-sync-mode",
                "true",
                "--json",
                "--out",
                &out.path().to_string_lossy(),
            ],
        )
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let object = one_object(&output.stdout);
    let outputs = object["outputs"].as_array().expect("outputs is an array");
    assert_eq!(outputs.len(), 1);
    assert!(outputs[0]["url"].is_null(), "{object:?}");
    assert_image(
        Path::new(outputs[0]["path"].as_str().expect("a path")),
        None,
    );
}

#[test]
fn out_defaults_to_the_current_directory() {
    let emulator = Emulator::start();
    let cwd = tempfile::tempdir().expect("a temporary directory");
    let output = emulator
        .generate("vibedream/z-image-turbo", &["--prompt", "a lighthouse"])
        .current_dir(cwd.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let paths = printed_paths(&output.stdout);
    assert_eq!(paths.len(), 1);
    assert!(paths[0].is_relative(), "{}", paths[0].display());
    // The documented defaults: 1024*1024 JPEG.
    assert_image(&cwd.path().join(&paths[0]), Some((1024, 1024)));
}

#[test]
fn sim_flag_needs_no_account() {
    let out = tempfile::tempdir().expect("a temporary directory");
    let output = imagegen()
        .args([
            "generate",
            "vibedream/z-image-turbo",
            "--prompt",
            "a lighthouse",
        ])
        .args(["--size", "512*512", "--sim", "--out"])
        .arg(out.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(output.stderr.is_empty(), "{}", text(&output.stderr));
    let paths = printed_paths(&output.stdout);
    assert_eq!(paths.len(), 1);
    assert_image(&paths[0], Some((512, 512)));
}
