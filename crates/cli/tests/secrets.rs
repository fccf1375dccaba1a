//! Secret hygiene: against a server that echoes the key in everything it
//! answers (error bodies, `Bearer` tokens, a prediction id, a failure
//! message), nothing the command line prints in any mode, nor the batch
//! manifest it writes, contains the key.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

mod cli_support;

use cli_support::{env_var, imagegen, text};

const KEY: &str = "sk-echo-everywhere-5c1f0a9e7d3b";

/// A loopback server giving every request `status` and `body`, until the
/// test ends (a bounded number of connections).
fn echoing(status: u16, body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(64) {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
            let mut request = [0_u8; 16 * 1024];
            let _ = stream.read(&mut request);
            let answer = format!(
                "HTTP/1.1 {status} Echo\r\ncontent-type: application/json\r\nx-echo: Bearer {KEY}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    format!("http://{address}")
}

/// The answers tried: each echoes the key a different way.
fn answers() -> Vec<(u16, String)> {
    vec![
        (
            401,
            format!(r#"{{"error": {{"message": "Incorrect API key provided: {KEY}"}}}}"#),
        ),
        (500, format!("upstream said: Authorization: Bearer {KEY}")),
        (
            200,
            format!(r#"{{"id": "Incorrect API key provided: {KEY}"}}"#),
        ),
        (
            200,
            format!(
                r#"{{"id": "p-1", "status": "failed", "error": "key {KEY} is not allowed", "statusUrl": "/api/v1/predictions/p-1"}}"#
            ),
        ),
    ]
}

fn assert_clean(what: &str, output: &std::process::Output, manifest: Option<&Path>) {
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(
        !stdout.contains(KEY) && !stderr.contains(KEY),
        "{what}:\n{stdout}\n{stderr}"
    );
    if let Some(manifest) = manifest
        && let Ok(written) = std::fs::read_to_string(manifest)
    {
        assert!(!written.contains(KEY), "{what}: manifest\n{written}");
    }
}

#[test]
fn no_mode_prints_or_records_an_echoed_key() {
    for (status, body) in answers() {
        let base_url = echoing(status, body.clone());
        let what = format!("{status} {body}");
        let dir = tempfile::tempdir().unwrap();
        let model = "vibedream/z-image-turbo";
        // A new generation, and a resumed one, each as text and as JSON.
        for (first, second) in [("--prompt", "echo"), ("--resume", "p-1")] {
            for extra in [&[][..], &["--json"][..]] {
                let output = imagegen()
                    .env(env_var("vibedream"), KEY)
                    .args(["generate", model, first, second, "--base-url", &base_url])
                    .args(["--timeout", "3", "--out"])
                    .arg(dir.path())
                    .args(extra)
                    .output()
                    .unwrap();
                assert_ne!(output.status.code(), Some(0), "{what}");
                assert_clean(&format!("{first} {extra:?}: {what}"), &output, None);
            }
        }
        let prompts = dir.path().join("prompts.txt");
        std::fs::write(&prompts, "one\ntwo\n").unwrap();
        let out = dir.path().join("batch");
        let output = imagegen()
            .env(env_var("vibedream"), KEY)
            .args(["batch", model, "--prompts"])
            .arg(&prompts)
            .arg("--out")
            .arg(&out)
            .args(["--base-url", &base_url, "--timeout", "3"])
            .output()
            .unwrap();
        assert_clean(
            &format!("batch: {what}"),
            &output,
            Some(&out.join("manifest.jsonl")),
        );
    }
}
