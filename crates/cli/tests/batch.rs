//! `imagegen batch` against the emulator: interrupted and re-run, every
//! prompt ends with exactly one submission and one set of outputs; the rate
//! limit holds in the emulator's own log; bad files send nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use imagegen_sim::{Fault, FaultRule, RetryAfter, Sim, SimConfig, SubmitOutcome, Target};

const MODEL: &str = "vibedream/z-image-turbo";

mod cli_support;

use cli_support::{Emulator, final_records, signal, text};

fn emulator(complete_after: Duration) -> Emulator {
    Emulator::with(SimConfig::new().complete_after(complete_after))
}

fn batch(emulator: &Emulator, prompts: &Path, out: &Path, extra: &[&str]) -> Command {
    let mut command = emulator.imagegen_std("vibedream");
    command
        .args(["batch", MODEL, "--prompts"])
        .arg(prompts)
        .arg("--out")
        .arg(out)
        .args(["--base-url", &emulator.sim.base_url("vibedream")])
        .args(["--size", "512*512"])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn write_prompts(dir: &Path, count: usize) -> (PathBuf, Vec<String>) {
    let prompts: Vec<String> = (1..=count).map(|i| format!("prompt number {i}")).collect();
    let path = dir.join("prompts.txt");
    std::fs::write(&path, prompts.join("\n") + "\n").unwrap();
    (path, prompts)
}

/// Accepted submissions per prompt, from the emulator's log.
fn accepted_per_prompt(sim: &Sim) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for submission in sim.log().submissions {
        if matches!(submission.outcome, SubmitOutcome::Accepted { .. })
            && let Some(prompt) = submission.body["prompt"].as_str()
        {
            *counts.entry(prompt.to_owned()).or_default() += 1;
        }
    }
    counts
}

fn done_records(out: &Path) -> usize {
    std::fs::read_to_string(out.join("manifest.jsonl"))
        .map(|text| text.matches("\"status\":\"done\"").count())
        .unwrap_or(0)
}

/// Waits (bounded) until the running batch has finished `lines` lines.
fn wait_for_progress(child: &mut Child, out: &Path, lines: usize) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while done_records(out) < lines {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the batch ended before it could be interrupted"
        );
        assert!(Instant::now() < deadline, "the batch made no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn finish(child: Child) -> Output {
    child.wait_with_output().unwrap()
}

/// Every line done, with one decodable 512x512 image each, none shared.
fn assert_all_done_once(out: &Path, count: usize) {
    let states = final_records(out);
    assert_eq!(states.len(), count);
    let mut paths = std::collections::BTreeSet::new();
    for (line, record) in &states {
        assert_eq!(record["status"], "done", "line {line}: {record}");
        let outputs = record["outputs"].as_array().unwrap();
        assert_eq!(outputs.len(), 1, "line {line}: {record}");
        let path = PathBuf::from(outputs[0]["path"].as_str().unwrap());
        let image = image::open(&path).unwrap();
        assert_eq!((image.width(), image.height()), (512, 512));
        assert!(paths.insert(path), "line {line} shares its output");
    }
    let images = std::fs::read_dir(out)
        .unwrap()
        .filter(|entry| {
            let name = entry.as_ref().unwrap().file_name();
            // The manifest, and the gallery written beside the images.
            name != "manifest.jsonl" && name != "index.html"
        })
        .count();
    assert_eq!(images, count, "one image per line and nothing else");
}

#[cfg(unix)]
#[test]
fn interrupted_midway_and_rerun_every_prompt_is_submitted_once() {
    let emulator = emulator(Duration::from_millis(400));
    // Transient faults the runtime rides through without resubmitting.
    let sim = &emulator.sim;
    sim.inject(
        FaultRule::new(Fault::RateLimit {
            retry_after: RetryAfter::Millis(50),
        })
        .on(Target::Submit)
        .times(4),
    );
    sim.inject(
        FaultRule::new(Fault::ServerError { status: 503 })
            .on(Target::Poll)
            .times(6),
    );
    sim.inject(
        FaultRule::new(Fault::DropConnection)
            .on(Target::Poll)
            .times(3),
    );
    sim.inject(
        FaultRule::new(Fault::TruncatedBody)
            .on(Target::Download)
            .times(3),
    );
    let dir = tempfile::tempdir().unwrap();
    let (prompts, texts) = write_prompts(dir.path(), 50);
    let out = dir.path().join("out");

    let mut first = batch(&emulator, &prompts, &out, &["--concurrency", "8"])
        .spawn()
        .unwrap();
    wait_for_progress(&mut first, &out, 10);
    signal(&first, "-TERM");
    let first = finish(first);
    assert_eq!(first.status.code(), Some(1), "{}", text(&first.stderr));
    let summary = text(&first.stderr);
    assert!(summary.contains("run the same command again"), "{summary}");
    assert!(done_records(&out) < 50, "interrupted before the end");

    let second = batch(&emulator, &prompts, &out, &["--concurrency", "8"])
        .output()
        .unwrap();
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));
    assert!(text(&second.stdout).contains("skipped (done before)"));
    assert!(second.stderr.is_empty(), "{}", text(&second.stderr));

    let accepted = accepted_per_prompt(sim);
    for prompt in &texts {
        assert_eq!(
            accepted.get(prompt),
            Some(&1),
            "{prompt} submitted {accepted:?}"
        );
    }
    assert_eq!(accepted.len(), 50);
    assert!(
        !sim.log().faults_fired().is_empty(),
        "the faults were exercised"
    );
    assert_all_done_once(&out, 50);

    // A third run has nothing left to do and sends nothing.
    let before = sim.log().submissions.len();
    let third = batch(&emulator, &prompts, &out, &[]).output().unwrap();
    assert_eq!(third.status.code(), Some(0), "{}", text(&third.stderr));
    assert!(text(&third.stdout).contains("0 done now, 50 skipped"));
    assert_eq!(sim.log().submissions.len(), before);
}

#[cfg(unix)]
#[test]
fn killed_outright_nothing_is_submitted_twice() {
    let emulator = emulator(Duration::from_millis(300));
    let sim = &emulator.sim;
    let dir = tempfile::tempdir().unwrap();
    let (prompts, _) = write_prompts(dir.path(), 30);
    let out = dir.path().join("out");

    let mut first = batch(&emulator, &prompts, &out, &["--concurrency", "8"])
        .spawn()
        .unwrap();
    wait_for_progress(&mut first, &out, 8);
    signal(&first, "-KILL");
    let _ = finish(first);

    let second = batch(&emulator, &prompts, &out, &["--concurrency", "8"])
        .output()
        .unwrap();
    let accepted = accepted_per_prompt(sim);
    assert!(accepted.values().all(|n| *n == 1), "{accepted:?}");
    // A line cut off mid-submission (the server may have it) is reported
    // as uncertain (vibedream has no history to look it up in), not
    // silently sent again; every other line is done.
    for (line, record) in final_records(&out) {
        match record["status"].as_str().unwrap() {
            "done" => {}
            "uncertain" => assert!(
                text(&second.stderr).contains(&format!(
                    "line {line}: an earlier run was cut off while submitting"
                )),
                "{}",
                text(&second.stderr)
            ),
            other => panic!("line {line} ended {other}: {record}"),
        }
    }
    if second.status.code() == Some(0) {
        assert_all_done_once(&out, 30);
    }
}

#[test]
fn the_rate_limit_holds_in_the_emulators_log() {
    let emulator = emulator(Duration::from_millis(100));
    let dir = tempfile::tempdir().unwrap();
    let (prompts, _) = write_prompts(dir.path(), 5);
    let out = dir.path().join("out");
    // 120 a minute: at least 500 ms apart, even with 5 slots free.
    let output = batch(
        &emulator,
        &prompts,
        &out,
        &["--concurrency", "5", "--rate", "120/min"],
    )
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let mut arrivals: Vec<Duration> = emulator
        .sim
        .log()
        .submissions
        .iter()
        .filter(|s| matches!(s.outcome, SubmitOutcome::Accepted { .. }))
        .map(|s| s.at)
        .collect();
    arrivals.sort();
    assert_eq!(arrivals.len(), 5);
    // Lower bounds only: a slow machine spreads them further, never closer,
    // except that one request may be held up more than the next (the
    // tolerance).
    let tolerance = Duration::from_millis(150);
    for pair in arrivals.windows(2) {
        assert!(
            pair[1] - pair[0] + tolerance >= Duration::from_millis(500),
            "submissions {:?} apart at 120/min: {arrivals:?}",
            pair[1] - pair[0]
        );
    }
    assert!(arrivals[4] - arrivals[0] + tolerance >= Duration::from_secs(2));
}

#[test]
fn invalid_lines_send_nothing_and_exit_2() {
    let emulator = emulator(Duration::from_millis(100));
    let dir = tempfile::tempdir().unwrap();
    let prompts = dir.path().join("prompts.jsonl");
    std::fs::write(
        &prompts,
        "{\"prompt\": \"fine\"}\n{\"prompt\": \"bad\", \"size\": \"1024x1024\"}\n",
    )
    .unwrap();
    let output = batch(&emulator, &prompts, &dir.path().join("out"), &[])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("line 2: invalid `size`: `1024x1024`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `1024*1024`?"), "{stderr}");
    assert!(emulator.sim.log().submissions.is_empty());
}

#[test]
fn a_changed_prompts_file_is_refused_rather_than_matched_to_old_predictions() {
    let emulator = emulator(Duration::from_millis(50));
    let dir = tempfile::tempdir().unwrap();
    let (prompts, _) = write_prompts(dir.path(), 2);
    let out = dir.path().join("out");
    let first = batch(&emulator, &prompts, &out, &[]).output().unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    std::fs::write(&prompts, "prompt number 1\nsomething else\n").unwrap();
    let before = emulator.sim.log().submissions.len();
    let second = batch(&emulator, &prompts, &out, &[]).output().unwrap();
    assert_eq!(second.status.code(), Some(2));
    assert!(
        text(&second.stderr).contains("at line 2"),
        "{}",
        text(&second.stderr)
    );
    assert_eq!(emulator.sim.log().submissions.len(), before);
}

#[test]
fn failed_lines_are_retried_only_when_asked() {
    let emulator = emulator(Duration::from_millis(50));
    let sim = &emulator.sim;
    sim.inject(FaultRule::new(Fault::Moderation).for_prompt("prompt number 2"));
    let dir = tempfile::tempdir().unwrap();
    let (prompts, _) = write_prompts(dir.path(), 3);
    let out = dir.path().join("out");
    let first = batch(&emulator, &prompts, &out, &[]).output().unwrap();
    assert_eq!(first.status.code(), Some(1));
    assert!(
        text(&first.stderr).contains("line 2: "),
        "{}",
        text(&first.stderr)
    );
    assert!(text(&first.stderr).contains("--retry-failed"));

    let again = batch(&emulator, &prompts, &out, &[]).output().unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(accepted_per_prompt(sim)["prompt number 2"], 1);

    sim.clear_faults();
    let retried = batch(&emulator, &prompts, &out, &["--retry-failed"])
        .output()
        .unwrap();
    assert_eq!(retried.status.code(), Some(0), "{}", text(&retried.stderr));
    let accepted = accepted_per_prompt(sim);
    assert_eq!(accepted["prompt number 2"], 2);
    assert_eq!(accepted["prompt number 1"], 1);
    assert_all_done_once(&out, 3);
}
