//! Exit codes and their messages, as the CLI contract says: 2 for invalid
//! arguments or values with nothing sent (the emulator's log proves it), 1
//! for any other failure with the prediction id once one exists and a
//! `--resume` command that finishes it without a second submission; a
//! missing key names its variable, and no key is ever printed.

mod cli_support;

use std::time::Duration;

use imagegen_sim::{Fault, FaultRule, SimConfig, Target};

#[cfg(unix)]
use cli_support::signal;
use cli_support::{Emulator, env_var, imagegen, text};

#[test]
fn an_invalid_value_exits_2_naming_it_and_sends_nothing() {
    let emulator = Emulator::start();
    let output = emulator
        .generate(
            "vibedream/z-image-turbo",
            &[
                "--prompt",
                "a lighthouse",
                "--size",
                "1024x1024",
                "--strength",
                "0.65",
            ],
        )
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    // The parameter, the value, what is allowed, and the near miss.
    assert!(stderr.contains("invalid `size`: `1024x1024`"), "{stderr}");
    assert!(stderr.contains("allowed: one of 512*512"), "{stderr}");
    assert!(stderr.contains("did you mean `1024*1024`?"), "{stderr}");
    // Every problem at once.
    assert!(stderr.contains("invalid `strength`: `0.65`"), "{stderr}");
    assert_eq!(emulator.submissions(), 0, "nothing may be sent");
}

#[test]
fn negative_numbers_are_values_and_out_of_range_ones_are_named() {
    let emulator = Emulator::start();
    // 004 documents `seed` -1 as "random": it is a value, not a flag.
    let output = emulator
        .generate(
            "vibedream/z-image-turbo",
            &[
                "--prompt",
                "a lighthouse",
                "--seed",
                "-1",
                "--size",
                "512*512",
            ],
        )
        .args([
            "--out",
            &tempfile::tempdir().unwrap().path().to_string_lossy(),
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let log = emulator.sim.log();
    assert_eq!(log.accepted()[0].body["seed"], -1);
    // Below the documented range: exit 2, naming the parameter, nothing sent.
    let output = emulator
        .generate(
            "vibedream/z-image-turbo",
            &["--prompt", "a lighthouse", "--seed", "-2"],
        )
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("invalid `seed`: `-2`"), "{stderr}");
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    assert_eq!(emulator.submissions(), 1);
}

#[test]
fn what_can_be_checked_before_sending_is_checked_before_sending() {
    let emulator = Emulator::start();
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("a-file");
    std::fs::write(&file, b"").unwrap();
    let timeout = ["--timeout", "1e-9"];
    let out = ["--out", &*file.to_string_lossy()];
    for (flags, expected) in [
        (&out, "it is not a directory"),
        (&timeout, "from 0.1 to 604800"),
    ] {
        let output = emulator
            .generate(
                "vibedream/z-image-turbo",
                &[&["--prompt", "x"][..], &flags[..]].concat(),
            )
            .output()
            .expect("runs");
        assert_eq!(
            output.status.code(),
            Some(2),
            "{flags:?}: {}",
            text(&output.stderr)
        );
        assert!(
            text(&output.stderr).contains(expected),
            "{}",
            text(&output.stderr)
        );
    }
    assert_eq!(emulator.submissions(), 0, "nothing was sent");
}

#[test]
fn a_submission_that_may_have_been_taken_says_so() {
    let emulator = Emulator::start();
    emulator.sim.inject(
        FaultRule::new(Fault::SlowBody {
            chunk_delay: Duration::from_millis(500),
        })
        .on(Target::Submit),
    );
    let out = tempfile::tempdir().unwrap();
    let output = emulator
        .generate(
            "vibedream/z-image-turbo",
            &[
                "--prompt",
                "slow",
                "--timeout",
                "1",
                "--out",
                &out.path().to_string_lossy(),
            ],
        )
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("may have accepted it (and charged for it)"),
        "{stderr}"
    );
    assert!(stderr.contains("did not send it again"), "{stderr}");
    assert_eq!(emulator.submissions(), 1, "never resent");
}

#[test]
fn an_unknown_model_exits_2_with_the_closest_id() {
    let emulator = Emulator::start();
    let output = emulator
        .generate("vibedream/z-image-turb", &["--prompt", "a lighthouse"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("vibedream/z-image-turb'"), "{stderr}");
    assert!(stderr.contains("vibedream/z-image-turbo"), "{stderr}");
    assert!(stderr.contains("imagegen list"), "{stderr}");
    assert_eq!(emulator.submissions(), 0);

    let output = imagegen()
        .args(["describe", "vibedream/z-image-turb"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(
            "unknown model `vibedream/z-image-turb`; did you mean `vibedream/z-image-turbo`?"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("imagegen list"), "{stderr}");
}

#[test]
fn a_missing_required_flag_exits_2_and_sends_nothing() {
    let emulator = Emulator::start();
    // wavespeed's gpt-image-1 edits an image: `--image` is required.
    let output = emulator
        .generate("wavespeed/openai/gpt-image-1", &["--prompt", "add a hat"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("--image <URL|FILE>"), "{stderr}");
    let output = emulator
        .generate("vibedream/z-image-turbo", &[])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("--prompt <TEXT>"));
    assert_eq!(emulator.submissions(), 0);
}

#[test]
fn resume_takes_no_parameters_and_needs_a_resumable_api() {
    let emulator = Emulator::start();
    let output = emulator
        .generate(
            "vibedream/z-image-turbo",
            &["--resume", "abc", "--prompt", "a lighthouse"],
        )
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("--prompt"));
    // aimlapi answers with the images: there is nothing to resume.
    let output = emulator
        .generate("aimlapi/openai/gpt-image-1", &["--resume", "abc"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("cannot be resumed"));
    assert_eq!(emulator.submissions(), 0);
    assert_eq!(emulator.sim.log().total_polls(), 0);
}

#[test]
fn a_failure_after_submission_exits_1_with_the_prediction_id() {
    let emulator = Emulator::start();
    emulator.sim.inject(FaultRule::new(Fault::Moderation));
    let out = tempfile::tempdir().expect("a temporary directory");
    let output = emulator
        .generate(
            "vibedream/z-image-turbo",
            &[
                "--prompt",
                "a lighthouse",
                "--json",
                "--out",
                &out.path().to_string_lossy(),
            ],
        )
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    // `--json` and a failure: nothing on stdout, the message on stderr.
    assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
    let id = emulator
        .first_prediction_id()
        .expect("the prediction was created");
    let stderr = text(&output.stderr);
    assert!(stderr.contains(&id), "{stderr}");
    assert!(stderr.contains("content policy"), "{stderr}");
}

#[test]
fn a_timeout_prints_the_resume_command_which_finishes_without_resubmitting() {
    let emulator = Emulator::with(SimConfig::new().complete_after(Duration::from_millis(1_500)));
    let out = tempfile::tempdir().expect("a temporary directory");
    let out_flag = out.path().to_string_lossy().into_owned();
    let model = "vibedream/z-image-turbo";
    let output = emulator
        .generate(
            model,
            &[
                "--prompt",
                "a lighthouse",
                "--timeout",
                "0.3",
                "--out",
                &out_flag,
            ],
        )
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(output.stdout.is_empty());
    let id = emulator
        .first_prediction_id()
        .expect("the prediction was created");
    let stderr = text(&output.stderr);
    assert!(stderr.contains(&format!("prediction {id}")), "{stderr}");
    // The command to paste, with the same output directory and API.
    let base_url = emulator.sim.base_url("vibedream");
    let expected = [
        "imagegen",
        "generate",
        model,
        "--resume",
        &id,
        "--out",
        &out_flag,
        "--base-url",
        &base_url,
    ];
    let printed: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with("imagegen generate"))
        .unwrap_or_else(|| panic!("no resume command in {stderr}"))
        .split_whitespace()
        .collect();
    assert_eq!(printed, expected);
    assert_eq!(std::fs::read_dir(out.path()).expect("out").count(), 0);

    let output = emulator
        .imagegen("vibedream")
        .args(&printed[1..])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let saved = text(&output.stdout);
    assert_eq!(saved.lines().count(), 1, "{saved}");
    assert!(
        saved.contains(&id),
        "files are named by prediction: {saved}"
    );
    cli_support::assert_image(std::path::Path::new(saved.trim()), Some((1024, 1024)));
    assert_eq!(emulator.submissions(), 1, "resuming submits nothing");
    assert!(emulator.sim.log().polls(&id) >= 1);
}

#[test]
fn a_missing_key_names_its_variable() {
    let emulator = Emulator::start();
    let base_url = emulator.sim.base_url("vibedream");
    let output = imagegen()
        .args([
            "generate",
            "vibedream/z-image-turbo",
            "--prompt",
            "a lighthouse",
        ])
        .args(["--base-url", &base_url])
        .output()
        .expect("runs");
    // Not an argument error: the command line was fine.
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains(env_var("vibedream")), "{stderr}");
    assert!(stderr.contains("--sim"), "{stderr}");
    assert_eq!(emulator.submissions(), 0);
}

#[test]
fn a_wrong_key_is_refused_and_never_printed() {
    let emulator = Emulator::start();
    let secret = "wrong-secret-key-4217";
    for json in [false, true] {
        let mut command =
            emulator.generate("vibedream/z-image-turbo", &["--prompt", "a lighthouse"]);
        if json {
            command.arg("--json");
        }
        let output = command
            .env(env_var("vibedream"), secret)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(1));
        let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
        assert!(stderr.contains("unauthorised"), "{stderr}");
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{stdout}{stderr}"
        );
        assert!(!stderr.contains(emulator.sim.api_key()), "{stderr}");
    }
}

/// The `imagegen generate ...` line a failure printed, as arguments.
fn resume_args(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with("imagegen generate"))
        .unwrap_or_else(|| panic!("no resume command in {stderr}"))
        .split_whitespace()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_failed_download_is_resumed_without_resubmitting() {
    let emulator = Emulator::start();
    emulator
        .sim
        .inject(FaultRule::new(Fault::ServerError { status: 404 }).on(Target::Download));
    let out = tempfile::tempdir().expect("a temporary directory");
    let output = emulator
        .generate(
            "vibedream/z-image-turbo",
            &[
                "--prompt",
                "a lighthouse",
                "--out",
                &out.path().to_string_lossy(),
            ],
        )
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let id = emulator
        .first_prediction_id()
        .expect("the prediction was created");
    let stderr = text(&output.stderr);
    assert!(stderr.contains(&id), "{stderr}");
    let args = resume_args(&stderr);
    assert!(args.contains(&id), "{args:?}");

    let output = emulator
        .imagegen("vibedream")
        .args(&args)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout).lines().count(), 1);
    assert_eq!(emulator.submissions(), 1, "resuming submits nothing");
}

#[cfg(unix)]
#[test]
fn ctrl_c_while_waiting_prints_the_resume_command() {
    let emulator = Emulator::with(SimConfig::new().complete_after(Duration::from_secs(30)));
    let out = tempfile::tempdir().expect("a temporary directory");
    let child = emulator
        .generate_std(
            "vibedream/z-image-turbo",
            &[
                "--prompt",
                "a lighthouse",
                "--out",
                &out.path().to_string_lossy(),
            ],
        )
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    // Once the prediction has been polled, the command is waiting for it.
    let polled = std::time::Instant::now();
    let id = loop {
        if let Some(id) = emulator.first_prediction_id()
            && emulator.sim.log().polls(&id) >= 1
        {
            break id;
        }
        assert!(polled.elapsed() < Duration::from_secs(20), "never polled");
        std::thread::sleep(Duration::from_millis(20));
    };
    signal(&child, "-INT");
    let output = child.wait_with_output().expect("it ends");
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(resume_args(&stderr).contains(&id), "{stderr}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_a_submission_still_prints_its_id() {
    // Sync mode: the submission itself lasts until the prediction is done.
    let emulator = Emulator::with(SimConfig::new().complete_after(Duration::from_secs(2)));
    let out = tempfile::tempdir().expect("a temporary directory");
    let child = emulator
        .generate_std(
            "wavespeed/openai/gpt-image-1",
            &[
                "--prompt",
                "a lighthouse",
                "--image",
                "https://example.com/in.png",
                "--enable-sync-mode",
                "true",
                "--out",
                &out.path().to_string_lossy(),
            ],
        )
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    // The emulator holds the prediction from the moment the submission is
    // taken; the submission is logged (with its id) only once answered.
    let started = std::time::Instant::now();
    while emulator.sim.prediction_count() == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "never submitted"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    signal(&child, "-INT");
    let output = child.wait_with_output().expect("it ends");
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let id = emulator
        .first_prediction_id()
        .expect("the submission was answered");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(resume_args(&stderr).contains(&id), "{stderr}");
    assert_eq!(emulator.submissions(), 1);
}
