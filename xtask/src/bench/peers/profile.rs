//! `cargo xtask bench profile WRAPPER CLIENT MODE [COUNT]`: one client of
//! `bench peers`, with the very command that benchmark runs, under a
//! profiler, against the emulator (BENCHMARKS.md, "Against the floor").
//!
//! - WRAPPER: a command prefix, split on spaces (`"strace -c -f -o
//!   calls.txt"`, `"perf record -F 4000 -o perf.data"`; `""` for none);
//! - CLIENT: `imagegen` or `floor` (the floor with fsync);
//! - MODE: `sync` (WaveSpeed's sync mode) or `openai` (aimlapi's
//!   OpenAI-compatible endpoint): the workloads whose checks need no
//!   schedule replayed from another run;
//! - COUNT: generations, 1,000 by default;
//! - `OUTBASE` (environment): where the outputs go (the system's temporary
//!   directory by default; `/dev/shm` takes the file system out).

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use super::{Api, COMPLETION, Peer, Tools};
use crate::bench::emulator::Emulator;
use crate::bench::measure::cost_of;

const USAGE: &str = "usage: cargo xtask bench profile WRAPPER imagegen|floor sync|openai [COUNT]";

pub(crate) fn bench(root: &std::path::Path, args: &[&str]) -> ExitCode {
    crate::bench::report(run(root, args))
}

fn run(root: &std::path::Path, args: &[&str]) -> Result<String, String> {
    let (wrapper, client, mode, count) = match args {
        [wrapper, client, mode] => (*wrapper, *client, *mode, 1000),
        [wrapper, client, mode, count] => (
            *wrapper,
            *client,
            *mode,
            count
                .parse::<usize>()
                .ok()
                .filter(|count| *count > 0)
                .ok_or_else(|| format!("COUNT {count:?}: a number above 0; {USAGE}"))?,
        ),
        _ => return Err(USAGE.to_owned()),
    };
    let peer = match (client, mode) {
        ("imagegen", "sync") => Peer::Imagegen {
            api: Api::WaveSpeed,
            sync: true,
        },
        ("imagegen", "openai") => Peer::Imagegen {
            api: Api::OpenAi,
            sync: false,
        },
        ("floor", "sync") => Peer::Floor {
            api: Api::WaveSpeed,
            sync: true,
            fsync: true,
        },
        ("floor", "openai") => Peer::Floor {
            api: Api::OpenAi,
            sync: false,
            fsync: true,
        },
        _ => return Err(format!("{client} {mode}: {USAGE}")),
    };
    let tools = Tools {
        release: crate::bench::release_binaries(root)?,
        // Only the Python peers need the venv; these clients do not.
        python: PathBuf::new(),
        scripts: root.join("xtask/bench"),
    };
    let emulator = Emulator::start_with(&tools.release.join("imagegen-sim"), COMPLETION)?;
    let base = std::env::var_os("OUTBASE").map_or_else(std::env::temp_dir, PathBuf::from);
    let out = base.join(format!("imagegen-bench-profile-{}", std::process::id()));
    // No schedule: these workloads do not poll.
    let command = peer.command(
        &tools,
        &emulator,
        count,
        &out,
        &out.with_extension("schedule"),
    )?;
    let cost = cost_of(&wrapped(wrapper, &command));
    let _ = std::fs::remove_dir_all(&out);
    let _ = std::fs::remove_file(out.with_extension("prompts.txt"));
    let cost = cost?;
    Ok(format!(
        "{} ({count} generations, {wrapper:?}): wall {:.2} s, user {:.2} s, system {:.2} s, peak RSS {:.0} MiB (the wrapper's own time included)\n",
        peer.label(),
        cost.wall_s,
        cost.user_s,
        cost.cpu_s - cost.user_s,
        cost.peak_rss_mib,
    ))
}

/// `command` run under `wrapper`'s words, with the same arguments and
/// environment.
fn wrapped(wrapper: &str, command: &Command) -> Command {
    let mut words = wrapper.split_whitespace();
    let mut wrapped = match words.next() {
        Some(program) => {
            let mut wrapped = Command::new(program);
            wrapped.args(words).arg(command.get_program());
            wrapped
        }
        None => Command::new(command.get_program()),
    };
    wrapped.args(command.get_args());
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => wrapped.env(key, value),
            None => wrapped.env_remove(key),
        };
    }
    wrapped
}
