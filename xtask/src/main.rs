//! Project automation, run as `cargo xtask <task>` (an alias in `.cargo/config.toml`).
//!
//! `cargo xtask codegen` regenerates every provider crate from `specs/`;
//! `cargo xtask codegen --check` changes nothing and fails, naming each file,
//! when the committed output is stale; `cargo xtask bench` prints how codegen
//! time grows with the number of models; `cargo xtask bench scale` drives
//! thousands of predictions through one client against the emulator.

mod bench;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use imagegen_codegen::{Mode, generate, sync};

const USAGE: &str = "\
usage: cargo xtask <task>

  codegen          regenerate crates/providers/* and specs/*.schema.json from specs/
  codegen --check  change nothing; exit 1 naming each stale, missing or orphaned file
  bench [codegen]  time loading and generating 10, 100 and 1,000 synthetic models
  bench scale      one `imagegen batch` driving 10,000 predictions in flight (and 1,000
                   on each protocol shape) against the emulator in its own process;
                   --quick: 2,000 and 200, in a few minutes
  bench crates     cargo check/build time and memory of a generated provider crate with
                   1, 100 and 500 models enabled; generated lines per model and parameter
  chaos            the fault matrix: 1,000 generations per fault class over every model,
                   against the emulator (release build); --quick: 100 per class";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["codegen"] => Mode::Write,
        ["codegen", "--check"] => Mode::Check,
        ["bench", rest @ ..] => return bench::bench(&project_root(), rest),
        ["__measure", ..] => return bench::measure_child(&args[1..]),
        ["chaos", rest @ ..] => return chaos(&project_root(), rest),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    codegen(&project_root(), mode)
}

/// `cargo run --release -p imagegen-chaos`: the matrix is its own crate, so
/// this one (and `cargo xtask codegen`) never builds the transport.
fn chaos(root: &Path, args: &[&str]) -> ExitCode {
    let per_class = match args {
        [] => "1000",
        ["--quick"] => "100",
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = std::process::Command::new(cargo)
        .current_dir(root)
        .args(["run", "--quiet", "--release", "-p", "imagegen-chaos", "--"])
        .args(["--per-class", per_class])
        .status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: cannot run cargo: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: this crate lives in `<root>/xtask`.
fn project_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

fn codegen(root: &Path, mode: Mode) -> ExitCode {
    let started = Instant::now();
    let specs = match imagegen_spec::load(&root.join("specs")) {
        Ok(specs) => specs,
        Err(diagnostics) => {
            eprintln!("{}", relative(&diagnostics.to_string(), root));
            eprintln!(
                "error: {} problem(s) in specs/; nothing was generated",
                diagnostics.len()
            );
            return ExitCode::FAILURE;
        }
    };
    let files = match generate(&specs, root) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let report = match sync(root, &files, mode) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let elapsed = started.elapsed();
    let summary = format!(
        "{} providers, {} models, {} files: {} written, {} unchanged, {} removed, in {:.0?}",
        specs.providers.len(),
        specs.model_count(),
        files.len(),
        report.written.len(),
        report.unchanged,
        report.removed.len(),
        elapsed
    );
    if mode == Mode::Check && !report.stale.is_empty() {
        for stale in &report.stale {
            eprintln!("stale: {stale}");
        }
        eprintln!(
            "error: {} generated file(s) are stale; run `cargo xtask codegen` and commit the result",
            report.stale.len()
        );
        return ExitCode::FAILURE;
    }
    for path in report.written.iter().chain(&report.removed) {
        println!("  {path}");
    }
    println!("codegen: {summary}");
    ExitCode::SUCCESS
}

/// Diagnostics name files by absolute path; show them relative to the root.
fn relative(text: &str, root: &Path) -> String {
    let prefix = format!("{}/", root.display());
    text.replace(&prefix, "")
}
