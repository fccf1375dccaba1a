//! `imagegen import`: specs from OpenAPI documents and WaveSpeed's models
//! API, with the exit codes the contract gives: 0 written or no drift, 1
//! drift (or a spec the checker refuses), 2 a document that cannot be read
//! or has no request schema, naming it and where.

mod cli_support;

use std::path::{Path, PathBuf};

use cli_support::{imagegen, text};

fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// An OpenAPI document with one model, `acme/paint`, whose `steps` go up to
/// `max_steps`.
fn document(max_steps: u32) -> String {
    serde_json::json!({
        "openapi": "3.0.0",
        "paths": {"/v1/images/generations": {"post": {"requestBody": {"content": {"application/json": {"schema": {
            "type": "object",
            "required": ["model", "prompt"],
            "properties": {
                "model": {"type": "string", "enum": ["acme/paint"]},
                "prompt": {"type": "string", "description": "What to paint."},
                "steps": {"type": "integer", "minimum": 1, "maximum": max_steps}
            }
        }}}}}}}
    })
    .to_string()
}

#[test]
fn wavespeeds_listing_on_the_emulator_matches_every_committed_spec() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&specs_dir().join("wavespeed"), dir.path());
    let output = imagegen()
        .args(["import", "wavespeed", "--sim", "--check", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert!(
        stdout.contains("0 change(s) from the committed specs"),
        "{stdout}"
    );
}

#[test]
fn an_openapi_document_is_written_checked_and_its_drift_classed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("specs/aimlapi");
    let file = dir.path().join("paint.json");
    std::fs::write(&file, document(50)).unwrap();
    let import = |check: bool| {
        let mut command = imagegen();
        command
            .args(["import", "openapi"])
            .arg(&file)
            .args([
                "--provider",
                "aimlapi",
                "--cite-as",
                "https://example.com/{path}",
                "--out",
            ])
            .arg(&out);
        if check {
            command.arg("--check");
        }
        command.output().unwrap()
    };
    let written = import(false);
    assert!(written.status.success(), "{}", text(&written.stderr));
    let spec = std::fs::read_to_string(out.join("acme/paint.yaml")).unwrap();
    assert!(spec.contains("maximum: 50"), "{spec}");
    assert!(spec.contains(&format!("document: https://example.com/{}", file.display())));
    assert_eq!(import(true).status.code(), Some(0));

    std::fs::write(&file, document(20)).unwrap();
    let drift = import(true);
    let stdout = text(&drift.stdout);
    assert_eq!(drift.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("`steps`: maximum: 50 → 20 (breaking)"),
        "{stdout}"
    );
    // Checking wrote nothing.
    let spec = std::fs::read_to_string(out.join("acme/paint.yaml")).unwrap();
    assert!(spec.contains("maximum: 50"));
}

#[test]
fn unreadable_documents_exit_2_naming_the_document_and_where() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = |file: &Path| {
        imagegen()
            .args(["import", "openapi"])
            .arg(file)
            .args(["--provider", "aimlapi", "--out"])
            .arg(&out)
            .output()
            .unwrap()
    };
    let missing = dir.path().join("missing.json");
    let output = run(&missing);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("missing.json"));

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{ not json").unwrap();
    let output = run(&broken);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("broken.json") && stderr.contains("not JSON"),
        "{stderr}"
    );

    let empty = dir.path().join("empty.json");
    std::fs::write(
        &empty,
        r#"{"openapi": "3.0.0", "paths": {"/v1/x": {"get": {}}}}"#,
    )
    .unwrap();
    let output = run(&empty);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("empty.json at #/paths"), "{stderr}");
    assert!(!out.exists(), "nothing is written");

    let output = imagegen()
        .args(["import", "wavespeed", "--from"])
        .arg(&broken)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}
