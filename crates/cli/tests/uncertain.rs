//! `imagegen batch` when submissions are answered by nobody: the request
//! reached the emulator (which created and recorded the prediction) and the
//! connection was closed before the answer. A line whose request may have
//! been received is recorded as uncertain, looked for in the provider's
//! prediction history, and never submitted twice: not by a re-run, not by
//! `--retry-failed`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use imagegen_sim::{Fault, FaultRule, Sim, SubmitOutcome, Target};

mod cli_support;

use cli_support::{Emulator, final_records, text};

const MODEL: &str = "wavespeed/wavespeed-ai/flux-dev";

fn batch(emulator: &Emulator, prompts: &Path, out: &Path, extra: &[&str]) -> Output {
    emulator
        .imagegen_std("wavespeed")
        .args(["batch", MODEL, "--prompts"])
        .arg(prompts)
        .arg("--out")
        .arg(out)
        .args(["--base-url", &emulator.sim.base_url("wavespeed")])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

fn write_prompts(dir: &Path, count: usize) -> PathBuf {
    let prompts: Vec<String> = (1..=count).map(|i| format!("prompt number {i}")).collect();
    let path = dir.join("prompts.txt");
    std::fs::write(&path, prompts.join("\n") + "\n").unwrap();
    path
}

/// Predictions the emulator created per prompt (answered or not).
fn created_per_prompt(sim: &Sim) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for submission in sim.log().submissions {
        if submission.prediction_id.is_some()
            && let Some(prompt) = submission.body["prompt"].as_str()
        {
            *counts.entry(prompt.to_owned()).or_default() += 1;
        }
    }
    counts
}

fn lose_answers(sim: &Sim, times: u32) {
    sim.inject(
        FaultRule::new(Fault::DropConnection)
            .on(Target::Submit)
            .times(times),
    );
}

fn statuses(out: &Path) -> Vec<String> {
    final_records(out)
        .values()
        .map(|record| record["status"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn lost_answers_are_found_in_the_history_and_every_line_is_done_once() {
    let emulator = Emulator::start();
    lose_answers(&emulator.sim, 2);
    let dir = tempfile::tempdir().unwrap();
    let prompts = write_prompts(dir.path(), 4);
    let out = dir.path().join("out");
    let run = batch(&emulator, &prompts, &out, &["--concurrency", "1"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert_eq!(statuses(&out), ["done"; 4]);
    let created = created_per_prompt(&emulator.sim);
    assert_eq!(created.len(), 4, "{created:?}");
    assert!(created.values().all(|n| *n == 1), "{created:?}");
    let manifest = std::fs::read_to_string(out.join("manifest.jsonl")).unwrap();
    assert_eq!(
        manifest.matches("found in the provider's history").count(),
        2,
        "{manifest}"
    );
    assert_eq!(
        emulator
            .sim
            .log()
            .submissions
            .iter()
            .filter(|s| s.outcome == SubmitOutcome::Dropped)
            .count(),
        2
    );
}

#[test]
fn overlapping_lost_answers_stay_uncertain_and_no_flag_sends_them_again() {
    let emulator = Emulator::start();
    lose_answers(&emulator.sim, 2);
    let dir = tempfile::tempdir().unwrap();
    let prompts = write_prompts(dir.path(), 4);
    let out = dir.path().join("out");
    // Four in flight at once: the two unanswered overlap, and the history
    // cannot tell whose prediction is whose.
    let first = batch(&emulator, &prompts, &out, &["--concurrency", "4"]);
    assert_eq!(first.status.code(), Some(1), "{}", text(&first.stderr));
    let stderr = text(&first.stderr);
    assert!(stderr.contains("2 uncertain"), "{stderr}");
    assert!(stderr.contains("cannot tell which"), "{stderr}");
    assert!(stderr.contains("--resubmit-unfound"), "{stderr}");
    let mut found = statuses(&out);
    found.sort();
    assert_eq!(found, ["done", "done", "uncertain", "uncertain"]);
    for record in final_records(&out).values() {
        if record["status"] == "uncertain" {
            let candidates = record["finding"]["candidates"].as_array().unwrap();
            assert_eq!(candidates.len(), 2, "{record}");
            assert!(
                record["uncertain"]["sent_ms"].as_u64().is_some(),
                "{record}"
            );
        }
    }
    for flags in [&[][..], &["--retry-failed"], &["--resubmit-unfound"]] {
        let again = batch(&emulator, &prompts, &out, flags);
        assert_eq!(
            again.status.code(),
            Some(1),
            "{flags:?}: {}",
            text(&again.stderr)
        );
        let created = created_per_prompt(&emulator.sim);
        assert_eq!(created.len(), 4, "{flags:?}: {created:?}");
        assert!(created.values().all(|n| *n == 1), "{flags:?}: {created:?}");
    }
}

#[test]
fn a_line_the_history_does_not_show_is_sent_again_only_when_asked() {
    let emulator = Emulator::start();
    // Answered 502 without creating anything: the line may have been taken
    // as far as the client can tell, until the history says otherwise.
    emulator
        .sim
        .inject(FaultRule::new(Fault::ServerError { status: 502 }).on(Target::Submit));
    let dir = tempfile::tempdir().unwrap();
    let prompts = write_prompts(dir.path(), 2);
    let out = dir.path().join("out");
    let first = batch(&emulator, &prompts, &out, &["--concurrency", "1"]);
    assert_eq!(first.status.code(), Some(1), "{}", text(&first.stderr));
    assert!(
        text(&first.stderr).contains("lists no prediction"),
        "{}",
        text(&first.stderr)
    );
    let again = batch(&emulator, &prompts, &out, &["--retry-failed"]);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(created_per_prompt(&emulator.sim).len(), 1);
    let resubmitted = batch(&emulator, &prompts, &out, &["--resubmit-unfound"]);
    assert_eq!(
        resubmitted.status.code(),
        Some(0),
        "{}",
        text(&resubmitted.stderr)
    );
    assert_eq!(statuses(&out), ["done", "done"]);
    let created = created_per_prompt(&emulator.sim);
    assert!(created.values().all(|n| *n == 1), "{created:?}");
}

/// A free port on loopback (bound, then released for the batch to take).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn with_a_webhook_receiver_lost_answers_are_recovered_from_their_deliveries() {
    let emulator = Emulator::start();
    let sim = &emulator.sim;
    // Overlapping lost answers (eight in flight) that the history alone
    // could not tell apart, and deliveries forged, replayed and repeated.
    lose_answers(sim, 4);
    sim.inject(
        FaultRule::new(Fault::ForgedDelivery)
            .on(Target::Webhook)
            .times(3),
    );
    sim.inject(
        FaultRule::new(Fault::StaleDelivery)
            .on(Target::Webhook)
            .times(3),
    );
    sim.inject(
        FaultRule::new(Fault::DuplicateDelivery)
            .on(Target::Webhook)
            .times(3),
    );
    let dir = tempfile::tempdir().unwrap();
    let prompts = write_prompts(dir.path(), 24);
    let out = dir.path().join("out");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/imagegen/hooks");
    let listen = format!("127.0.0.1:{port}");
    let run = batch(
        &emulator,
        &prompts,
        &out,
        &[
            "--concurrency",
            "8",
            "--webhook-url",
            &url,
            "--webhook-listen",
            &listen,
        ],
    );
    let stdout = text(&run.stdout);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}{}",
        stdout,
        text(&run.stderr)
    );
    assert_eq!(statuses(&out), ["done"; 24]);
    let created = created_per_prompt(sim);
    assert_eq!(created.len(), 24, "{created:?}");
    assert!(created.values().all(|n| *n == 1), "{created:?}");
    let manifest = std::fs::read_to_string(out.join("manifest.jsonl")).unwrap();
    assert_eq!(
        manifest
            .matches("delivered to the webhook as prediction")
            .count(),
        4,
        "{manifest}"
    );
    assert!(stdout.contains("24 recorded"), "{stdout}");
    assert!(stdout.contains("3 duplicates"), "{stdout}");
    assert!(stdout.contains("6 refused"), "{stdout}");
}

#[test]
fn a_webhook_receiver_needs_a_webhook_url_and_a_provider_with_webhooks() {
    let emulator = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let prompts = write_prompts(dir.path(), 1);
    let out = dir.path().join("out");
    let alone = batch(
        &emulator,
        &prompts,
        &out,
        &["--webhook-listen", "127.0.0.1:0"],
    );
    assert_eq!(alone.status.code(), Some(2), "{}", text(&alone.stderr));
    let remote = batch(
        &emulator,
        &prompts,
        &out,
        &[
            "--webhook-url",
            "http://example.com/hook",
            "--webhook-listen",
            "127.0.0.1:0",
        ],
    );
    assert_eq!(remote.status.code(), Some(2), "{}", text(&remote.stderr));
    assert!(
        text(&remote.stderr).contains("use https"),
        "{}",
        text(&remote.stderr)
    );
    assert!(emulator.sim.log().submissions.is_empty());
}
