//! The official Python `openai` package, pointed at the emulator's aimlapi
//! prefix, generates images: the emulator speaks the OpenAI-compatible API
//! as a real OpenAI client expects it (`201`, `{created, data: [{url} |
//! {b64_json}], usage}`, outputs on an origin that takes no credentials).
//!
//! Needs `python3` with `openai` installed (`pip install openai`). Without
//! it the test says so and passes, except under CI (`CI` set), where a
//! missing package is a failure: CI installs it.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use imagegen_sim::{Sim, SimConfig, SubmitOutcome};

const SCRIPT: &str = "python/openai_generate.py";

/// Whether `python3 -c "import openai"` works.
fn openai_installed() -> bool {
    Command::new("python3")
        .args(["-c", "import openai"])
        .output()
        .is_ok_and(|output| output.status.success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openai_python_package_generates_images() {
    if !openai_installed() {
        if std::env::var_os("CI").is_some() {
            panic!(
                "the Python openai package is not installed, and CI must run this test: \
                 python3 -m pip install openai"
            );
        }
        println!("SKIPPED: the Python openai package is not installed (pip install openai)");
        return;
    }

    let sim = Sim::start(SimConfig::new().complete_after(Duration::from_millis(100)))
        .await
        .expect("the emulator starts");
    // The script asks for base64 with `response_format: b64_json`: the spec
    // must say that is how this model selects it.
    let aimlapi = sim
        .providers()
        .find(|p| p.name == "aimlapi")
        .expect("aimlapi");
    let model = aimlapi
        .models
        .iter()
        .find(|m| m.id == "openai/gpt-image-1")
        .expect("aimlapi's openai/gpt-image-1");
    let (parameter, value) = model.base64_output.clone().expect("a base64 switch");
    assert_eq!(
        (parameter.as_str(), value.to_wire_text()),
        ("response_format", "b64_json".to_owned())
    );

    let out = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(SCRIPT);
    let base_url = format!("{}/v1", sim.base_url("aimlapi"));
    let key = sim.api_key().to_owned();
    let out_dir = out.path().to_path_buf();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .arg(&script)
            .arg(&base_url)
            .arg(&key)
            .arg(&out_dir)
            // The emulator is on loopback: no proxy may intercept it.
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env("no_proxy", "127.0.0.1,localhost")
            .env_remove("OPENAI_BASE_URL")
            .output()
    })
    .await
    .unwrap()
    .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the script failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    let summary: serde_json::Value = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("the script's summary is not JSON ({e}): {stdout}"));
    assert!(
        summary["url"]
            .as_str()
            .unwrap()
            .starts_with(&sim.assets_url()),
        "{summary}"
    );
    assert!(summary["created"].as_u64().is_some(), "{summary}");

    for name in ["url.png", "b64.png"] {
        let bytes = std::fs::read(out.path().join(name)).unwrap();
        assert_eq!(
            image::guess_format(&bytes).unwrap(),
            image::ImageFormat::Png
        );
        let decoded = image::load_from_memory(&bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (1024, 1024), "{name}");
    }

    let log = sim.log();
    let submissions = log.submissions_for("aimlapi/openai/gpt-image-1");
    assert_eq!(submissions.len(), 2, "{submissions:#?}");
    assert!(
        submissions
            .iter()
            .all(|s| s.outcome == SubmitOutcome::Accepted { status: 201 })
    );
    assert_eq!(submissions[1].body["response_format"], "b64_json");
    assert_eq!(log.downloads().len(), 1);
    assert!(
        log.credential_leaks().is_empty(),
        "{:?}",
        log.credential_leaks()
    );
    sim.shutdown().await;
}
