//! `cargo xtask bench <what>`: measurements that print a table and never
//! assert, so a busy machine cannot fail them.
//!
//! - `codegen` (the default): codegen time by number of models.
//! - `scale [--quick]`: one `imagegen batch` process driving thousands of
//!   predictions against the emulator in a process of its own.
//! - `crates`: compile time and memory of a generated provider crate with
//!   1, 100 and 500 models enabled; generated lines per model and parameter.
//! - `waits [--quick]`: delay in noticing a finished prediction and status
//!   checks per prediction, imagegen against fixed-interval pollers.
//! - `waits-sample`: the checks ideal schedules make on the run times the
//!   emulator deals `waits`, to read its check ratios against the sample.
//! - `peers [--quick]`: client CPU per generation, delay and checks,
//!   imagegen against the floor (the least a correct client does,
//!   `xtask/floor`) and WaveSpeed's and OpenAI's Python SDKs.
//! - `profile WRAPPER CLIENT MODE [COUNT]`: one client of `peers` under a
//!   profiler (`strace -c`, `perf record`).
//! - `requests`: building, validating and serialising a request, imagegen
//!   against async-openai (criterion).
//! - `lost-answers [--quick]`: batches in which one submission in 20 is
//!   answered by nobody: recovered from the history or from webhook
//!   deliveries, left uncertain, never paid twice.

mod codegen;
mod crates;
mod delays;
mod emulator;
mod lost_answers;
mod measure;
mod peers;
mod requests;
mod scale;
mod waits;
mod waits_sample;

use std::path::Path;
use std::process::ExitCode;

pub(crate) use measure::measure_child;

/// Prints a benchmark's table, or its error.
fn report(result: Result<String, String>) -> ExitCode {
    match result {
        Ok(table) => {
            print!("{table}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Writes a prompts file for `imagegen batch`: `count` lines, `<prefix> 1`
/// to `<prefix> <count>` (distinct, so each draws its own image), creating
/// its directory.
fn write_prompts(path: &Path, prefix: &str, count: usize) -> Result<(), String> {
    let failed = |error: std::io::Error| format!("{}: {error}", path.display());
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let text: String = (1..=count).map(|n| format!("{prefix} {n}\n")).collect();
    std::fs::write(path, text).map_err(failed)
}

/// Builds `imagegen`, `imagegen-sim` and the floor client (`bench peers`)
/// in release; returns `target/release`.
fn release_binaries(root: &Path) -> Result<std::path::PathBuf, String> {
    eprintln!("building imagegen, imagegen-sim and imagegen-floor in release ...");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let built = std::process::Command::new(cargo)
        .current_dir(root)
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "imagegen-cli",
            "-p",
            "imagegen-sim",
            "-p",
            "imagegen-floor",
        ])
        .status()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    if !built.success() {
        return Err("the release build failed".to_owned());
    }
    Ok(root.join("target").join("release"))
}

pub(crate) fn bench(root: &Path, args: &[&str]) -> ExitCode {
    match args {
        [] | ["codegen"] => codegen::bench(root),
        ["scale"] => scale::bench(root, scale::Size::Full),
        ["scale", "--quick"] => scale::bench(root, scale::Size::Quick),
        ["crates"] => crates::bench(root),
        ["waits"] => waits::bench(root, false),
        ["waits", "--quick"] => waits::bench(root, true),
        ["waits-sample"] => waits_sample::bench(),
        ["peers"] => peers::bench(root, false),
        ["peers", "--quick"] => peers::bench(root, true),
        ["profile", rest @ ..] => peers::profile::bench(root, rest),
        ["requests"] => requests::bench(root),
        ["lost-answers"] => lost_answers::bench(root, false),
        ["lost-answers", "--quick"] => lost_answers::bench(root, true),
        _ => {
            eprintln!(
                "usage: cargo xtask bench [codegen | scale [--quick] | crates | waits [--quick] | peers [--quick] | requests | lost-answers [--quick]]"
            );
            ExitCode::from(2)
        }
    }
}
