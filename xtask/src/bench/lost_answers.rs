//! `cargo xtask bench lost-answers [--quick]`: `imagegen batch` over
//! WaveSpeed's flux-dev against the emulator (a process of its own) when one
//! submission in 20 is answered by nobody after the prediction was made
//! (`drop_connection` on the submission, scoped to those lines' prompts).
//! Three runs of the same prompts file:
//!
//! 1. `--concurrency 1`, then a plain re-run: the history settles each lost
//!    line (no other submission overlaps it);
//! 2. `--concurrency 64`, then re-runs with `--retry-failed` and
//!    `--resubmit-unfound`: lost lines in flight together overlap, and stay
//!    uncertain with their candidates unless one of them is alone;
//! 3. `--concurrency 64 --webhook-listen` on loopback, every delivery
//!    preceded by a forgery and a replay and followed by a duplicate, and
//!    one line in 20 (not a lost one) losing its delivery: lost answers are
//!    recovered from their deliveries, lines whose delivery is lost are
//!    polled.
//!
//! Counted from the emulator's log and the manifests: predictions made per
//! prompt (never more than one), lines done, recovered, left uncertain,
//! deliveries refused.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::emulator::Emulator;

const MODEL: &str = "wavespeed/wavespeed-ai/flux-dev";
/// One line in this many loses its submission's answer.
const LOST_EVERY: usize = 20;

pub(crate) fn bench(root: &Path, quick: bool) -> std::process::ExitCode {
    super::report(run(root, if quick { 200 } else { 1000 }))
}

/// What one scenario did.
struct Row {
    scenario: String,
    lines: usize,
    lost: usize,
    done: usize,
    recovered_history: usize,
    recovered_delivery: usize,
    uncertain: usize,
    max_per_prompt: usize,
    twice: usize,
    polls_delivered: f64,
    polls_undelivered: f64,
    refused: String,
    wall: Duration,
}

fn run(root: &Path, lines: usize) -> Result<String, String> {
    let binaries = super::release_binaries(root)?;
    let imagegen = binaries.join("imagegen");
    let emulator = Emulator::start(&binaries.join("imagegen-sim"), Duration::from_millis(200))?;
    let scratch =
        std::env::temp_dir().join(format!("imagegen-lost-answers-{}", std::process::id()));
    let prompts = scratch.join("prompts.txt");
    if let Some(dir) = prompts.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    // Lines 20, 40, ... lose their answers; lines 10, 30, ... (in the
    // webhook run) lose their deliveries.
    let text: String = (1..=lines)
        .map(|n| {
            let tag = if n % LOST_EVERY == 0 {
                " lost-answer."
            } else if n % LOST_EVERY == LOST_EVERY / 2 {
                " lost-delivery."
            } else {
                ""
            };
            format!("a lighthouse at dusk number {n}{tag}\n")
        })
        .collect();
    std::fs::write(&prompts, text).map_err(|e| e.to_string())?;
    let lost = lines / LOST_EVERY;
    let lose_answers = json!({
        "fault": {"type": "drop_connection"}, "target": "submit",
        "scope": {"prompt": "lost-answer."}, "times": lost,
    });

    let mut rows = Vec::new();
    for (scenario, concurrency, reruns, webhook) in [
        ("concurrency 1, then a plain re-run", 1, vec![vec![]], false),
        (
            "concurrency 64, then --retry-failed, then --resubmit-unfound",
            64,
            vec![vec!["--retry-failed"], vec!["--resubmit-unfound"]],
            false,
        ),
        ("concurrency 64 with --webhook-listen", 64, vec![], true),
    ] {
        emulator.reset()?;
        emulator.inject(&lose_answers)?;
        if webhook {
            // Every delivery is preceded by a forgery and a replay and
            // followed by a duplicate; one line in 20 loses its delivery.
            for (fault, scope, times) in [
                ("forged_delivery", "dusk number", lines),
                ("stale_delivery", "dusk number", lines),
                ("duplicate_delivery", "dusk number", lines),
                ("drop_connection", "lost-delivery.", lost),
            ] {
                emulator.inject(&json!({
                    "fault": {"type": fault}, "target": "webhook",
                    "scope": {"prompt": scope}, "times": times,
                }))?;
            }
        }
        let out = scratch.join(format!("out-{}", rows.len()));
        let _ = std::fs::remove_dir_all(&out);
        let started = Instant::now();
        let port = free_port()?;
        let mut flags: Vec<String> = vec!["--concurrency".into(), concurrency.to_string()];
        if webhook {
            flags.extend([
                "--webhook-url".into(),
                format!("http://127.0.0.1:{port}/imagegen"),
                "--webhook-listen".into(),
                format!("127.0.0.1:{port}"),
            ]);
        }
        let mut stdout = batch(&imagegen, &emulator, &prompts, &out, &flags)?;
        for extra in &reruns {
            let mut again = flags.clone();
            again.extend(extra.iter().map(|flag| (*flag).to_owned()));
            stdout.push_str(&batch(&imagegen, &emulator, &prompts, &out, &again)?);
        }
        let wall = started.elapsed();
        rows.push(count(
            scenario,
            lines,
            lost,
            &emulator.log()?,
            &out,
            &stdout,
            wall,
        )?);
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(table(&rows))
}

fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|error| format!("no free port: {error}"))
}

/// One `imagegen batch` run; its stdout and stderr (it may exit 1: lines
/// left uncertain are the point of some runs).
fn batch(
    imagegen: &Path,
    emulator: &Emulator,
    prompts: &Path,
    out: &Path,
    flags: &[String],
) -> Result<String, String> {
    let output = Command::new(imagegen)
        .args(["batch", MODEL, "--prompts"])
        .arg(prompts)
        .arg("--out")
        .arg(out)
        .args(["--base-url", &emulator.base_url("wavespeed")])
        .args(flags)
        .env("WAVESPEED_API_KEY", "sim-key")
        .output()
        .map_err(|error| format!("cannot run imagegen: {error}"))?;
    if !matches!(output.status.code(), Some(0 | 1)) {
        return Err(format!(
            "imagegen batch failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr))
}

fn count(
    scenario: &str,
    lines: usize,
    lost: usize,
    log: &Value,
    out: &Path,
    stdout: &str,
    wall: Duration,
) -> Result<Row, String> {
    let mut per_prompt: BTreeMap<&str, usize> = BTreeMap::new();
    for submission in log["submissions"].as_array().into_iter().flatten() {
        if submission["prediction_id"].is_string()
            && let Some(prompt) = submission["body"]["prompt"].as_str()
        {
            *per_prompt.entry(prompt).or_default() += 1;
        }
    }
    let manifest = std::fs::read_to_string(out.join("manifest.jsonl"))
        .map_err(|error| format!("no manifest: {error}"))?;
    let mut last: BTreeMap<u64, Value> = BTreeMap::new();
    for row in manifest.lines() {
        let record: Value = serde_json::from_str(row).map_err(|e| e.to_string())?;
        if let Some(line) = record["line"].as_u64() {
            last.insert(line, record);
        }
    }
    let status = |wanted: &str| last.values().filter(|r| r["status"] == wanted).count();
    // Polls of the predictions whose delivery arrived, and of the others.
    let delivered: std::collections::HashSet<&str> = log["webhooks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["kind"] == "genuine" && d["status"] == 200)
        .filter_map(|d| d["prediction_id"].as_str())
        .collect();
    let polls = log["polls"].as_object().cloned().unwrap_or_default();
    let mean = |keep: &dyn Fn(&str) -> bool| {
        let counts: Vec<u64> = polls
            .iter()
            .filter(|(id, _)| keep(id))
            .filter_map(|(_, n)| n.as_u64())
            .collect();
        if counts.is_empty() {
            0.0
        } else {
            counts.iter().sum::<u64>() as f64 / counts.len() as f64
        }
    };
    let refused = stdout
        .lines()
        .find(|line| line.starts_with("webhook deliveries:"))
        .map_or_else(
            || "-".to_owned(),
            |line| line.trim_start_matches("webhook deliveries: ").to_owned(),
        );
    Ok(Row {
        scenario: scenario.to_owned(),
        lines,
        lost,
        done: status("done"),
        recovered_history: manifest.matches("found in the provider's history").count(),
        recovered_delivery: manifest
            .matches("delivered to the webhook as prediction")
            .count(),
        uncertain: status("uncertain"),
        max_per_prompt: per_prompt.values().copied().max().unwrap_or(0),
        twice: per_prompt.values().filter(|n| **n > 1).count(),
        polls_delivered: if delivered.is_empty() {
            f64::NAN
        } else {
            mean(&|id| delivered.contains(id))
        },
        polls_undelivered: if delivered.is_empty() {
            f64::NAN
        } else {
            mean(&|id| !delivered.contains(id))
        },
        refused,
        wall,
    })
}

fn table(rows: &[Row]) -> String {
    let mut text = String::from(
        "| run | lines | answers lost | done | recovered (history) | recovered (delivery) | left uncertain | most predictions for one prompt | prompts paid twice | checks per delivered prediction | checks per other prediction | deliveries | wall |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n",
    );
    let figure = |value: f64| {
        if value.is_nan() {
            "-".to_owned()
        } else {
            format!("{value:.1}")
        }
    };
    for row in rows {
        text.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1} s |\n",
            row.scenario,
            row.lines,
            row.lost,
            row.done,
            row.recovered_history,
            row.recovered_delivery,
            row.uncertain,
            row.max_per_prompt,
            row.twice,
            figure(row.polls_delivered),
            figure(row.polls_undelivered),
            row.refused,
            row.wall.as_secs_f64(),
        ));
    }
    text
}
