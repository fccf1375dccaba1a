//! `imagegen sim`: the emulator in the foreground, printing (at once, while
//! it keeps running) the base URLs and the `export` lines that point the
//! CLI at it; a `generate` with those variables set then works.

mod cli_support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use cli_support::{imagegen, text};

/// Kills the emulator process when the test ends, passed or not.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn sim_prints_its_urls_and_serves_until_stopped() {
    let mut child = cli_support::imagegen_std()
        .arg("sim")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("imagegen sim starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let _running = Running(child);
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                return;
            }
        }
    });
    let mut exports = Vec::new();
    let mut printed = Vec::new();
    while !printed
        .iter()
        .any(|line: &String| line.starts_with("Control:"))
    {
        let line = received
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no complete banner; printed so far: {printed:?}"));
        if let Some(assignment) = line.strip_prefix("export ") {
            let (name, value) = assignment.split_once('=').expect("NAME=value");
            exports.push((name.to_owned(), value.to_owned()));
        }
        printed.push(line);
    }
    assert!(
        printed[0].starts_with("imagegen sim: API on http://127.0.0.1:"),
        "{printed:?}"
    );
    for (provider, _) in imagegen::models() {
        let name = provider.info.name;
        assert!(
            printed
                .iter()
                .any(|line| line.trim_start().starts_with(name)
                    && line.contains(&format!("/{name}"))),
            "{name}: {printed:?}"
        );
        for var in [provider.info.base_url_env_var, provider.info.auth.env_var] {
            assert!(exports.iter().any(|(n, _)| n == var), "{var}: {printed:?}");
        }
    }
    // The export lines are all a client needs.
    let out = tempfile::tempdir().expect("a temporary directory");
    let output = imagegen()
        .envs(exports.iter().map(|(n, v)| (n.as_str(), v.as_str())))
        .args([
            "generate",
            "vibedream/z-image-turbo",
            "--prompt",
            "a lighthouse",
        ])
        .args(["--size", "512*512", "--out"])
        .arg(out.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let path = text(&output.stdout);
    cli_support::assert_image(std::path::Path::new(path.trim()), Some((512, 512)));
}
