//! What a command costs: run in a process of its own (`xtask __measure`),
//! so that the resource use its operating system reports for "children" is
//! that one command's: CPU time and peak resident memory, under an
//! open-file limit set before it starts (limits are inherited).

use std::process::{Command, ExitCode};
use std::time::Instant;

use nix::sys::resource::{Resource, UsageWho, getrlimit, getrusage, setrlimit};

/// What one command cost.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Cost {
    pub wall_s: f64,
    pub cpu_s: f64,
    /// The user-space part of `cpu_s`.
    pub user_s: f64,
    pub peak_rss_mib: f64,
    pub exit_code: i32,
}

impl Cost {
    fn line(&self) -> String {
        format!(
            "cost wall_s={} cpu_s={} user_s={} peak_rss_mib={} exit_code={}",
            self.wall_s, self.cpu_s, self.user_s, self.peak_rss_mib, self.exit_code
        )
    }

    /// Reads [`Cost::line`] back.
    pub(crate) fn parse(text: &str) -> Option<Cost> {
        let line = text.lines().rev().find(|line| line.starts_with("cost "))?;
        let mut cost = Cost::default();
        for pair in line.split_whitespace().skip(1) {
            let (key, value) = pair.split_once('=')?;
            match key {
                "wall_s" => cost.wall_s = value.parse().ok()?,
                "cpu_s" => cost.cpu_s = value.parse().ok()?,
                "user_s" => cost.user_s = value.parse().ok()?,
                "peak_rss_mib" => cost.peak_rss_mib = value.parse().ok()?,
                "exit_code" => cost.exit_code = value.parse().ok()?,
                _ => {}
            }
        }
        Some(cost)
    }
}

/// `xtask __measure <open files|-> <program> <args>...`: runs the program
/// with its output passed through and prints its [`Cost`] as the last line.
pub(crate) fn measure_child(args: &[String]) -> ExitCode {
    let [limit, program, rest @ ..] = args else {
        eprintln!("usage: xtask __measure <open-file limit|-> <program> [args...]");
        return ExitCode::from(2);
    };
    if limit != "-" {
        let Ok(soft) = limit.parse::<u64>() else {
            eprintln!("`{limit}` is not an open-file limit");
            return ExitCode::from(2);
        };
        let hard = getrlimit(Resource::RLIMIT_NOFILE).map_or(soft, |(_, hard)| hard);
        if let Err(error) = setrlimit(Resource::RLIMIT_NOFILE, soft, hard.max(soft)) {
            eprintln!("cannot set the open-file limit to {soft}: {error}");
            return ExitCode::FAILURE;
        }
    }
    let started = Instant::now();
    let status = match Command::new(program).args(rest).status() {
        Ok(status) => status,
        Err(error) => {
            eprintln!("cannot run {program}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let wall_s = started.elapsed().as_secs_f64();
    let usage = match getrusage(UsageWho::RUSAGE_CHILDREN) {
        Ok(usage) => usage,
        Err(error) => {
            eprintln!("cannot read the resource use: {error}");
            return ExitCode::FAILURE;
        }
    };
    let seconds = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6;
    let cost = Cost {
        wall_s,
        cpu_s: seconds(usage.user_time()) + seconds(usage.system_time()),
        user_s: seconds(usage.user_time()),
        // Linux reports kibibytes.
        peak_rss_mib: usage.max_rss() as f64 / 1024.0,
        exit_code: status.code().unwrap_or(-1),
    };
    println!("{}", cost.line());
    ExitCode::SUCCESS
}

/// What a measured command cost, and the end of what it printed to stderr.
pub(crate) struct Measured {
    pub cost: Cost,
    pub stderr_tail: String,
}

/// Runs `command` (its program, arguments and environment) under
/// `xtask __measure`, with its stdout discarded, under `open_files` if
/// given; an error only if no cost came back (the command's own exit code
/// is in the cost).
pub(crate) fn measure(command: &Command, open_files: Option<u64>) -> Result<Measured, String> {
    let measurer = std::env::current_exe().map_err(|error| format!("no xtask binary: {error}"))?;
    let mut measured = Command::new(measurer);
    measured
        .arg("__measure")
        .arg(open_files.map_or_else(|| "-".to_owned(), |n| n.to_string()))
        .arg(command.get_program())
        .args(command.get_args());
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => measured.env(key, value),
            None => measured.env_remove(key),
        };
    }
    let output = measured
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|error| format!("cannot run the measurer: {error}"))?;
    let printed = String::from_utf8_lossy(&output.stdout);
    let stderr_tail = last_lines(&String::from_utf8_lossy(&output.stderr), 10);
    match Cost::parse(&printed) {
        Some(cost) => Ok(Measured { cost, stderr_tail }),
        None => Err(format!(
            "the measurer printed no cost for {}:\n{}\n{stderr_tail}",
            command.get_program().to_string_lossy(),
            last_lines(&printed, 5),
        )),
    }
}

/// [`measure`] without an open-file limit, for a command that must succeed.
pub(crate) fn cost_of(command: &Command) -> Result<Cost, String> {
    let Measured { cost, stderr_tail } = measure(command, None)?;
    if cost.exit_code != 0 {
        return Err(format!(
            "{} exited {}:\n{stderr_tail}",
            command.get_program().to_string_lossy(),
            cost.exit_code
        ));
    }
    Ok(cost)
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
