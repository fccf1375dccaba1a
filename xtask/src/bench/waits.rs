//! `cargo xtask bench waits [--quick]`: how soon a finished prediction is
//! noticed, and what the status checks cost, for imagegen's schedule and
//! for the fixed-interval polling the provider docs advise (0.5, 1 and 2 s,
//! `xtask/bench/fixed_poller.py`, Python's standard library).
//!
//! Everything is measured by the emulator (`imagegen-sim`, a process of its
//! own, release build): each prediction's completion instant (drawn over a
//! range per scenario), its status checks, and the first download of its
//! output. Delay = first download − completion; it includes the download
//! request's own latency, the same for every client.

use std::path::Path;
use std::process::{Command, ExitCode};

use super::delays;
use super::emulator::Emulator;

/// One workload: a model, what it documents, and how long its predictions
/// really take.
struct Scenario {
    name: &'static str,
    model: &'static str,
    size: &'static str,
    /// `LOW-HIGH` ms, the emulator's completion range.
    completion: &'static str,
    predictions: usize,
    /// imagegen's predictions in flight at once (all, unless the scenario is
    /// about what the client learns from the first ones).
    concurrency: usize,
}

/// A client's figures on one scenario.
struct Row {
    scenario: &'static str,
    client: String,
    predictions: usize,
    median_ms: u64,
    p95_ms: u64,
    checks: f64,
    /// After how many predictions, and the same figures for those after
    /// them (which could use what the first ones taught).
    later: Option<(usize, u64, u64, f64)>,
}

const KEY: &str = "sim-key";

fn scenarios(quick: bool) -> Vec<Scenario> {
    let n = if quick { 40 } else { 200 };
    vec![
        Scenario {
            name: "1-3s documented, 1-3 s real",
            model: "z-image-turbo",
            size: "512*512",
            completion: "1000-3000",
            predictions: n,
            concurrency: n,
        },
        Scenario {
            name: "5-15s documented, 5-15 s real",
            model: "gpt-image-1",
            size: "1024*1024",
            completion: "5000-15000",
            predictions: n,
            concurrency: n,
        },
        Scenario {
            name: "1-3s documented, 6-9 s real (learning)",
            model: "z-image-turbo",
            size: "512*512",
            completion: "6000-9000",
            predictions: 2 * n,
            concurrency: n / 5,
        },
    ]
}

pub(crate) fn bench(root: &Path, quick: bool) -> ExitCode {
    super::report(run(root, quick))
}

fn run(root: &Path, quick: bool) -> Result<String, String> {
    let release = super::release_binaries(root)?;
    let poller = root.join("xtask/bench/fixed_poller.py");
    let scratch = std::env::temp_dir().join(format!("imagegen-bench-waits-{}", std::process::id()));
    let mut rows = Vec::new();
    for scenario in scenarios(quick) {
        let emulator = Emulator::start_with(&release.join("imagegen-sim"), scenario.completion)?;
        let base = emulator.base_url("vibedream");
        eprintln!("{}: imagegen ...", scenario.name);
        let dir = scratch.join(scenario.name.replace(' ', "_"));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let prompts = dir.join("prompts.txt");
        let text: String = (0..scenario.predictions)
            .map(|n| format!("waits {n}\n"))
            .collect();
        std::fs::write(&prompts, text).map_err(|e| e.to_string())?;
        let status = Command::new(release.join("imagegen"))
            .args([
                "batch",
                &format!("vibedream/{}", scenario.model),
                "--prompts",
            ])
            .arg(&prompts)
            .arg("--out")
            .arg(dir.join("out"))
            .args(["--base-url", &base, "--size", scenario.size])
            .args(["--concurrency", &scenario.concurrency.to_string()])
            .env("VIBEDREAM_API_KEY", KEY)
            .stdout(std::process::Stdio::null())
            .status()
            .map_err(|e| format!("cannot run imagegen: {e}"))?;
        if !status.success() {
            return Err(format!("imagegen batch failed on {}", scenario.name));
        }
        rows.push(row(&scenario, "imagegen".to_owned(), &emulator.log()?));
        for interval in ["0.5", "1", "2"] {
            emulator.reset()?;
            eprintln!("{}: fixed {interval} s ...", scenario.name);
            let status = Command::new("python3")
                .arg(&poller)
                .args([&base, KEY, scenario.model, scenario.size])
                .args([&scenario.predictions.to_string(), interval, "waits"])
                .status()
                .map_err(|e| format!("cannot run python3: {e}"))?;
            if !status.success() {
                return Err(format!("the fixed poller failed on {}", scenario.name));
            }
            rows.push(row(
                &scenario,
                format!("fixed {interval} s"),
                &emulator.log()?,
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(table(&rows, quick))
}

/// A client's figures on one scenario, from the emulator's log.
fn row(scenario: &Scenario, client: String, log: &serde_json::Value) -> Row {
    let measured = delays::per_prediction(log);
    let all = delays::summary(&measured);
    let first = scenario.concurrency.min(measured.len());
    let later = (scenario.concurrency < scenario.predictions && client == "imagegen").then(|| {
        let later = delays::summary(&measured[first..]);
        (first, later.median_ms, later.p95_ms, later.checks)
    });
    Row {
        scenario: scenario.name,
        client,
        predictions: measured.len(),
        median_ms: all.median_ms,
        p95_ms: all.p95_ms,
        checks: all.checks,
        later,
    }
}

fn table(rows: &[Row], quick: bool) -> String {
    let mut text = format!(
        "\n`cargo xtask bench waits{}`: delay = the emulator's first download of an output minus its completion instant\n\n\
         | scenario | client | predictions | median delay | p95 delay | status checks per prediction | vs fixed 1 s: median delay | vs fixed 1 s: checks |\n\
         |---|---|---:|---:|---:|---:|---:|---:|\n",
        if quick { " --quick" } else { "" }
    );
    for row in rows {
        let reference = rows
            .iter()
            .find(|r| r.scenario == row.scenario && r.client == "fixed 1 s");
        let (delay_ratio, checks_ratio) = reference.map_or((f64::NAN, f64::NAN), |r| {
            (
                row.median_ms as f64 / r.median_ms.max(1) as f64,
                row.checks / r.checks.max(f64::MIN_POSITIVE),
            )
        });
        text.push_str(&format!(
            "| {} | {} | {} | {} ms | {} ms | {:.2} | {:.2}x | {:.2}x |\n",
            row.scenario,
            row.client,
            row.predictions,
            row.median_ms,
            row.p95_ms,
            row.checks,
            delay_ratio,
            checks_ratio
        ));
        if let Some((first, median, p95, checks)) = row.later {
            text.push_str(&format!(
                "| {} | imagegen, after the first {first} (learned) | | {median} ms | {p95} ms | {checks:.2} | | |\n",
                row.scenario,
            ));
        }
    }
    text
}
