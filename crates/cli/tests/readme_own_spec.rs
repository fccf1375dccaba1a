//! README's "Your own model" commands, run as written in a copy of
//! `examples/own-spec` (a project of its own, outside the workspace), with
//! the `imagegen` under test on the PATH; and the example's generated crate
//! is what `imagegen codegen` writes from its spec.

use std::path::{Path, PathBuf};
use std::process::Command;

mod cli_support;

use cli_support::readme_block;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == "out" {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(&name));
        } else {
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}

#[test]
fn the_committed_example_crate_is_what_codegen_writes() {
    let example = root().join("examples/own-spec");
    let output = Command::new(env!("CARGO_BIN_EXE_imagegen"))
        .arg("codegen")
        .arg("--specs")
        .arg(example.join("specs"))
        .arg("--out")
        .arg(&example)
        .arg("--check")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "run `imagegen codegen --specs examples/own-spec/specs --out examples/own-spec`:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn readmes_own_model_commands_work_as_shown() {
    let scratch = tempfile::tempdir().unwrap();
    let example = scratch.path().join("examples/own-spec");
    copy_dir(&root().join("examples/own-spec"), &example);
    // The copy's [patch] points at this repository's crates wherever it is.
    let crates = root().join("crates").canonicalize().unwrap();
    let manifest = std::fs::read_to_string(example.join("Cargo.toml")).unwrap();
    std::fs::write(
        example.join("Cargo.toml"),
        manifest.replace("../../crates", &crates.display().to_string()),
    )
    .unwrap();

    let binary = PathBuf::from(env!("CARGO_BIN_EXE_imagegen"));
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let script = format!("set -euxo pipefail\n{}", readme_block("## Your own model"));
    let output = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(scratch.path())
        .env("PATH", path)
        // Its own target directory, kept between runs: the project's
        // dependencies build once.
        .env("CARGO_TARGET_DIR", root().join("target/own-spec"))
        .env_remove("RUSTC_WRAPPER")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("wavespeed/acme/house-style"), "{stdout}");
    assert!(
        stdout.contains("crate: ") && stdout.contains("build.rs: "),
        "{stdout}"
    );
    assert!(stdout.contains("refused: invalid `strength`"), "{stdout}");
    // One image from `generate --sim`, one from each way in the app.
    let images = std::fs::read_dir(example.join("out")).unwrap().count();
    assert_eq!(images, 3, "{stdout}");
}
