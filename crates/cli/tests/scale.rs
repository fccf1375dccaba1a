//! `imagegen batch` and `generate` at the scale users run them, small enough
//! for `cargo test`: a thousand synchronous answers, each in its own file;
//! thousands of predictions in flight under a low open-file limit; runs that
//! share an output directory. The models come from the catalog by what
//! their providers do, and their values from their specs. Nothing here
//! measures time: the figures are in BENCHMARKS.md (`cargo xtask bench scale`).

mod cli_support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use imagegen::info::{Meaning, ModelInfo};
use imagegen::{ModelEntry, ProviderEntry};
use imagegen_sim::{SimConfig, SubmitOutcome};

use cli_support::{Emulator, assert_image, final_records, text};

/// The first model (in catalog order) whose provider `answers_at_once` or
/// not, and that needs nothing but a prompt.
fn model_where(answers_at_once: bool) -> (&'static ProviderEntry, &'static ModelEntry) {
    imagegen::models()
        .find(|(provider, model)| {
            provider.info.result.is_none() == answers_at_once
                && model
                    .info
                    .parameters
                    .iter()
                    .all(|p| !p.required || p.meaning == Some(Meaning::Prompt))
        })
        .unwrap_or_else(|| {
            panic!("no model needing only a prompt with answers_at_once={answers_at_once}")
        })
}

/// Flags that make a model's images cheap to make and check: its smallest
/// documented size preset, and JPEG where it offers one.
fn cheap_flags(model: &ModelInfo) -> Vec<String> {
    let mut flags = Vec::new();
    if let Some(size) = model.parameter_meaning(Meaning::Size)
        && let Some(separator) = size.size_separator
        && let Some(smallest) = size
            .choices
            .iter()
            .filter_map(|choice| {
                let (w, h) = choice.split_once(separator)?;
                Some((w.parse::<u64>().ok()? * h.parse::<u64>().ok()?, *choice))
            })
            .min()
    {
        flags.extend([flag(size.name), smallest.1.to_owned()]);
    }
    if let Some(format) = model.parameter_meaning(Meaning::OutputFormat)
        && let Some(jpeg) = format
            .choices
            .iter()
            .find(|c| c.eq_ignore_ascii_case("jpeg") || c.eq_ignore_ascii_case("jpg"))
    {
        flags.extend([flag(format.name), (*jpeg).to_owned()]);
    }
    flags
}

fn flag(name: &str) -> String {
    format!("--{}", name.replace('_', "-"))
}

fn write_prompts(dir: &Path, count: usize) -> PathBuf {
    let path = dir.join("prompts.txt");
    let lines: Vec<String> = (1..=count).map(|n| format!("prompt {n}")).collect();
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

/// `imagegen batch` against the emulator, with `limit` open files if given.
fn batch(
    emulator: &Emulator,
    (provider, model): (&ProviderEntry, &ModelEntry),
    prompts: &Path,
    out: &Path,
    concurrency: usize,
    open_file_limit: Option<u32>,
) -> Output {
    let mut inner = emulator.imagegen_std(provider.info.name);
    inner
        .args(["batch", &model.qualified_id(), "--prompts"])
        .arg(prompts)
        .arg("--out")
        .arg(out)
        .args(["--base-url", &emulator.sim.base_url(provider.info.name)])
        .args(["--concurrency", &concurrency.to_string()])
        .args(cheap_flags(model.info));
    let mut command = match open_file_limit {
        // The limit applies to the imagegen process alone (exec replaces
        // the shell), not to the emulator serving it from this process.
        Some(limit) => {
            let mut shell = Command::new("bash");
            shell
                .arg("-c")
                .arg(format!("ulimit -n {limit} && exec \"$@\""))
                .arg("bash")
                .arg(inner.get_program())
                .args(inner.get_args());
            for (key, value) in inner.get_envs() {
                match value {
                    Some(value) => shell.env(key, value),
                    None => shell.env_remove(key),
                };
            }
            shell
        }
        None => inner,
    };
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = command.spawn().expect("the batch starts");
    let output = wait_bounded(child, Duration::from_secs(600));
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        text(&output.stdout),
        text(&output.stderr)
    );
    output
}

/// Waits for a child, killing it past `limit` so a hang fails the test.
fn wait_bounded(mut child: std::process::Child, limit: Duration) -> Output {
    let started = std::time::Instant::now();
    while child
        .try_wait()
        .expect("the child can be waited on")
        .is_none()
    {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("the command ran past {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("its output")
}

/// Every image file in `dir` (not the manifest or the gallery), each decoded.
fn images_in(dir: &Path) -> BTreeSet<PathBuf> {
    let files: BTreeSet<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.file_name()
                .is_some_and(|n| n != "manifest.jsonl" && n != "index.html")
        })
        .collect();
    for path in &files {
        assert!(
            !path.to_string_lossy().ends_with(".part"),
            "a .part file was left: {}",
            path.display()
        );
        assert_image(path, None);
    }
    files
}

/// Asserts every line is done with its own files, which are all the files.
fn assert_every_line_has_its_own_files(out: &Path, lines: usize) {
    let records = final_records(out);
    assert_eq!(records.len(), lines);
    let mut recorded = BTreeSet::new();
    for (line, record) in &records {
        assert_eq!(record["status"], "done", "line {line}: {record}");
        for output in record["outputs"].as_array().unwrap() {
            let path = PathBuf::from(output["path"].as_str().unwrap());
            assert!(
                recorded.insert(path.clone()),
                "line {line} reuses {}",
                path.display()
            );
        }
    }
    let on_disk = images_in(out);
    assert_eq!(recorded, on_disk, "the manifest and the directory disagree");
}

#[test]
fn a_thousand_synchronous_answers_each_get_their_own_file() {
    const LINES: usize = 1_000;
    let model = model_where(true);
    let emulator = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // The same prompt on every line: alike answers, in the same
    // millisecond, must still not share a name.
    let prompts = dir.path().join("prompts.txt");
    std::fs::write(&prompts, "the same prompt\n".repeat(LINES)).unwrap();
    let output = batch(&emulator, model, &prompts, &out, 100, None);
    assert!(
        text(&output.stdout).contains(&format!("{LINES} done now")),
        "{}",
        text(&output.stdout)
    );
    assert_every_line_has_its_own_files(&out, LINES);
    let records = final_records(&out);
    let local_ids: BTreeSet<&str> = records
        .values()
        .map(|record| {
            record["local_id"]
                .as_str()
                .expect("a client-made id is recorded")
        })
        .collect();
    assert_eq!(local_ids.len(), LINES);
    assert_eq!(emulator.sim.log().accepted().len(), LINES);
}

#[cfg(unix)]
#[test]
fn thousands_in_flight_under_a_low_open_file_limit_all_complete_once() {
    const LINES: usize = 3_000;
    let model = model_where(false);
    // Long enough that every prediction is in flight at once.
    let emulator = Emulator::with(SimConfig::new().complete_after(Duration::from_secs(4)));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let prompts = write_prompts(dir.path(), LINES);
    batch(&emulator, model, &prompts, &out, LINES, Some(256));
    assert_every_line_has_its_own_files(&out, LINES);
    let log = emulator.sim.log();
    let mut per_prompt: BTreeMap<String, usize> = BTreeMap::new();
    for submission in &log.submissions {
        assert!(
            matches!(submission.outcome, SubmitOutcome::Accepted { .. }),
            "{submission:?}"
        );
        *per_prompt
            .entry(submission.body["prompt"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert_eq!(per_prompt.len(), LINES);
    assert!(per_prompt.values().all(|count| *count == 1));
    let cap = imagegen::runtime::ConnectionLimits::default().per_origin as u64;
    // Bounded by the cap, not by the 3,000 in flight (see tests/limits.rs
    // for why the bound is twice the cap).
    assert!(
        log.api_connections.peak_open <= 2 * cap,
        "{:?}",
        log.api_connections
    );
}

#[test]
fn runs_sharing_an_output_directory_replace_no_file() {
    let (provider, model) = model_where(false);
    let emulator = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_string_lossy().into_owned();
    let mut args = vec!["--prompt".to_owned(), "shared".to_owned()];
    args.extend(cheap_flags(model.info));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let first = emulator
        .generate(
            &model.qualified_id(),
            &[&args[..], &["--out", &out]].concat(),
        )
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let id = emulator.first_prediction_id().unwrap();
    let saved_first = std::fs::read_dir(dir.path()).unwrap().count();
    // Two more runs save the same prediction into the same directory at
    // once: each gets a name of its own, and the first file is untouched.
    let before: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    let resume = |_: usize| {
        emulator
            .generate_std(&model.qualified_id(), &["--resume", &id, "--out", &out])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let children: Vec<_> = (0..2).map(resume).collect();
    for child in children {
        let output = wait_bounded(child, Duration::from_secs(120));
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    }
    let files = images_in(dir.path());
    assert_eq!(files.len(), saved_first * 3, "{files:?}");
    for (path, bytes) in before {
        assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "{} changed",
            path.display()
        );
    }
    assert_eq!(emulator.submissions(), 1, "{}", provider.info.name);
}
