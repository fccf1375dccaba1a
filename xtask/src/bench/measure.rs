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
    pub peak_rss_mib: f64,
    pub exit_code: i32,
}

impl Cost {
    fn line(&self) -> String {
        format!(
            "cost wall_s={} cpu_s={} peak_rss_mib={} exit_code={}",
            self.wall_s, self.cpu_s, self.peak_rss_mib, self.exit_code
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
        // Linux reports kibibytes.
        peak_rss_mib: usage.max_rss() as f64 / 1024.0,
        exit_code: status.code().unwrap_or(-1),
    };
    println!("{}", cost.line());
    ExitCode::SUCCESS
}
