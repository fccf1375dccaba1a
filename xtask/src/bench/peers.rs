//! `cargo xtask bench peers [--quick]`: imagegen against what its users
//! would pick instead, in one run on one emulator: WaveSpeed's Python SDK
//! (`wavespeed`, polling and sync mode) on WaveSpeed's API, and OpenAI's
//! Python SDK (`openai`, async) on aimlapi's OpenAI-compatible endpoint;
//! and against the floor (`xtask/floor`), the least a correct client does
//! for the same generations, with and without `fsync`, checking each
//! prediction at the instants imagegen chose in the same run.
//!
//! Each client makes the same generations (1024×1024 PNG, each downloaded
//! and written to a file of its own) at the same concurrency, in a process
//! of its own, so the operating system's CPU figures are that client's
//! alone. CPU per generation is the marginal cost: (CPU of N generations −
//! CPU of 1) / (N − 1), so interpreter start-up and imports are not
//! counted against the Python SDKs. Delay and status checks come from the
//! emulator's log (see `delays.rs`).
//!
//! The peers are installed, at the versions in
//! `xtask/bench/peers-requirements.txt`, into `target/bench-venv`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

pub(crate) mod profile;

use super::delays;
use super::emulator::Emulator;
use super::measure::{Cost, cost_of};

const KEY: &str = "sim-key";

/// Every prediction's completion, drawn per prediction (ms).
const COMPLETION: &str = "1000-3000";

/// Generations in flight at once, for every client.
const CONCURRENCY: usize = 100;

/// Which API a client is measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Api {
    /// WaveSpeed's queue: `wavespeed/openai/gpt-image-1`.
    WaveSpeed,
    /// aimlapi's synchronous OpenAI-compatible images endpoint.
    OpenAi,
}

impl Api {
    fn label(self) -> &'static str {
        match self {
            Api::WaveSpeed => "WaveSpeed queue (openai/gpt-image-1)",
            Api::OpenAi => "OpenAI-compatible (aimlapi openai/gpt-image-1)",
        }
    }
}

/// One client on one API.
#[derive(Debug, Clone, Copy)]
enum Peer {
    Imagegen {
        api: Api,
        sync: bool,
    },
    /// The floor client; `fsync`: whether it syncs each file it writes
    /// (imagegen always does).
    Floor {
        api: Api,
        sync: bool,
        fsync: bool,
    },
    WaveSpeedSdk {
        sync: bool,
    },
    OpenAiSdk,
}

impl Peer {
    fn api(self) -> Api {
        match self {
            Peer::Imagegen { api, .. } | Peer::Floor { api, .. } => api,
            Peer::WaveSpeedSdk { .. } => Api::WaveSpeed,
            Peer::OpenAiSdk => Api::OpenAi,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Peer::Imagegen { sync: false, .. } => "imagegen",
            Peer::Imagegen { sync: true, .. } => "imagegen, sync mode",
            Peer::Floor { sync, fsync, .. } => match (sync, fsync) {
                (false, true) => "floor, fsync",
                (false, false) => "floor, no fsync",
                (true, true) => "floor, sync mode, fsync",
                (true, false) => "floor, sync mode, no fsync",
            },
            Peer::WaveSpeedSdk { sync: false } => "wavespeed SDK run() (polls every 1 s)",
            Peer::WaveSpeedSdk { sync: true } => "wavespeed SDK run(enable_sync_mode=True)",
            Peer::OpenAiSdk => "openai SDK AsyncOpenAI images.generate",
        }
    }

    fn is_imagegen(self) -> bool {
        matches!(self, Peer::Imagegen { .. })
    }

    /// Whether this client checks predictions at the instants of the
    /// imagegen run before it (so needs its schedule).
    fn replays_checks(self) -> bool {
        matches!(
            self,
            Peer::Floor {
                api: Api::WaveSpeed,
                sync: false,
                ..
            }
        )
    }

    /// Whether one request waits for the images (sync mode, or a
    /// synchronous API).
    fn waits_in_one_request(self) -> bool {
        match self {
            Peer::Imagegen { api, sync } | Peer::Floor { api, sync, .. } => {
                sync || api == Api::OpenAi
            }
            Peer::WaveSpeedSdk { sync } => sync,
            Peer::OpenAiSdk => true,
        }
    }

    /// The command making `count` generations into `out` (for imagegen,
    /// with its prompts file written beside `out`; for the floor on a
    /// queue, checking at the instants in `schedule`).
    fn command(
        self,
        tools: &Tools,
        emulator: &Emulator,
        count: usize,
        out: &Path,
        schedule: &Path,
    ) -> Result<Command, String> {
        let image = "https://example.com/photo.png";
        let prefix = format!("peers {}", self.label());
        match self {
            Peer::Imagegen { api, sync } => {
                let (provider, model, size) = match api {
                    Api::WaveSpeed => ("wavespeed", "openai/gpt-image-1", "1024*1024"),
                    Api::OpenAi => ("aimlapi", "openai/gpt-image-1", "1024x1024"),
                };
                let prompts = out.with_extension("prompts.txt");
                super::write_prompts(&prompts, &prefix, count)?;
                let mut command = Command::new(tools.release.join("imagegen"));
                command
                    .args(["batch", &format!("{provider}/{model}"), "--prompts"])
                    .arg(&prompts)
                    .arg("--out")
                    .arg(out)
                    .args(["--base-url", &emulator.base_url(provider)])
                    .args(["--size", size])
                    .args(["--concurrency", &CONCURRENCY.to_string()])
                    .env(format!("{}_API_KEY", provider.to_uppercase()), KEY);
                if api == Api::WaveSpeed {
                    command.args(["--image", image]);
                }
                if sync {
                    command.args(["--enable-sync-mode", "true"]);
                }
                // A request that waits for the images holds its connection
                // throughout: as many as the peers open, or the default
                // per-origin cap (64) would hold imagegen under 100 at once.
                if self.waits_in_one_request() {
                    command.args(["--connections", &CONCURRENCY.to_string()]);
                }
                Ok(command)
            }
            Peer::Floor { api, sync, fsync } => {
                // The model and input the other clients of this API get.
                let (mode, base, input) = match api {
                    Api::WaveSpeed => (
                        if sync { "sync" } else { "queue" },
                        emulator.base_url("wavespeed"),
                        format!(r#"{{"size": "1024*1024", "image": "{image}"}}"#),
                    ),
                    Api::OpenAi => (
                        "openai",
                        emulator.base_url("aimlapi"),
                        r#"{"size": "1024x1024"}"#.to_owned(),
                    ),
                };
                let mut command = Command::new(tools.release.join("imagegen-floor"));
                command
                    .args([mode, &base, KEY, "openai/gpt-image-1", &input])
                    .args([count.to_string(), CONCURRENCY.to_string()])
                    .arg(out)
                    .arg(&prefix);
                if self.replays_checks() {
                    command.arg("--schedule").arg(schedule);
                }
                if fsync {
                    command.arg("--fsync");
                }
                Ok(command)
            }
            Peer::WaveSpeedSdk { sync } => {
                let mut command = Command::new(&tools.python);
                command
                    .arg(tools.scripts.join("wavespeed_peer.py"))
                    .arg(emulator.base_url("wavespeed"))
                    .args([KEY, "openai/gpt-image-1"])
                    .arg(format!(r#"{{"size": "1024*1024", "image": "{image}"}}"#))
                    .args([count.to_string(), CONCURRENCY.to_string()])
                    .arg(out)
                    .arg(&prefix)
                    .arg(if sync { "sync" } else { "poll" });
                Ok(command)
            }
            Peer::OpenAiSdk => {
                let mut command = Command::new(&tools.python);
                command
                    .arg(tools.scripts.join("openai_peer.py"))
                    .arg(format!("{}/v1", emulator.base_url("aimlapi")))
                    .args([KEY, "openai/gpt-image-1", "1024x1024"])
                    .args([count.to_string(), CONCURRENCY.to_string()])
                    .arg(out)
                    .arg(&prefix);
                Ok(command)
            }
        }
    }
}

/// In this order: a floor that replays imagegen's checks runs after the
/// imagegen run on its API.
const PEERS: [Peer; 12] = [
    Peer::Imagegen {
        api: Api::WaveSpeed,
        sync: false,
    },
    Peer::Floor {
        api: Api::WaveSpeed,
        sync: false,
        fsync: true,
    },
    Peer::Floor {
        api: Api::WaveSpeed,
        sync: false,
        fsync: false,
    },
    Peer::WaveSpeedSdk { sync: false },
    Peer::Imagegen {
        api: Api::WaveSpeed,
        sync: true,
    },
    Peer::Floor {
        api: Api::WaveSpeed,
        sync: true,
        fsync: true,
    },
    Peer::Floor {
        api: Api::WaveSpeed,
        sync: true,
        fsync: false,
    },
    Peer::WaveSpeedSdk { sync: true },
    Peer::Imagegen {
        api: Api::OpenAi,
        sync: false,
    },
    Peer::Floor {
        api: Api::OpenAi,
        sync: false,
        fsync: true,
    },
    Peer::Floor {
        api: Api::OpenAi,
        sync: false,
        fsync: false,
    },
    Peer::OpenAiSdk,
];

/// What the commands need.
struct Tools {
    release: PathBuf,
    python: PathBuf,
    scripts: PathBuf,
}

/// One client's figures.
struct Row {
    peer: Peer,
    generations: usize,
    cost: Cost,
    cpu_ms_per_generation: f64,
    user_ms_per_generation: f64,
    delays: delays::Summary,
}

impl Row {
    fn system_ms_per_generation(&self) -> f64 {
        (self.cpu_ms_per_generation - self.user_ms_per_generation).max(0.0)
    }
}

pub(crate) fn bench(root: &Path, quick: bool) -> ExitCode {
    super::report(run(root, quick))
}

fn run(root: &Path, quick: bool) -> Result<String, String> {
    let count = if quick { 200 } else { 1000 };
    let tools = Tools {
        release: super::release_binaries(root)?,
        python: venv(root)?,
        scripts: root.join("xtask/bench"),
    };
    let versions = peer_versions(&tools.python)?;
    let emulator = Emulator::start_with(&tools.release.join("imagegen-sim"), COMPLETION)?;
    let scratch = std::env::temp_dir().join(format!("imagegen-bench-peers-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|error| format!("{}: {error}", scratch.display()))?;
    // The instants imagegen checked each prediction at, for the floor.
    let schedule = scratch.join("schedule.json");
    let mut rows = Vec::new();
    for (n, peer) in PEERS.into_iter().enumerate() {
        eprintln!(
            "{}: {} ({count} generations) ...",
            peer.api().label(),
            peer.label()
        );
        // The start-up run first, then the measured one; their own
        // directories, never reused (a just-emptied directory makes the
        // file system slower to create files in).
        emulator.reset()?;
        let one = cost_of(&peer.command(
            &tools,
            &emulator,
            1,
            &scratch.join(format!("{n}-one")),
            &schedule,
        )?)?;
        emulator.reset()?;
        let out = scratch.join(format!("{n}-all"));
        let cost = cost_of(&peer.command(&tools, &emulator, count, &out, &schedule)?)?;
        let log = emulator.log()?;
        if peer.is_imagegen() && !peer.waits_in_one_request() {
            write_schedule(&log, &schedule)?;
        }
        let measured = delays::per_prediction(&log);
        let files = std::fs::read_dir(&out)
            .map_err(|error| format!("{}: {error}", out.display()))?
            .filter_map(Result::ok)
            .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "png"))
            .count();
        if files != count {
            return Err(format!(
                "{}: {files} images written for {count} generations",
                peer.label()
            ));
        }
        let marginal = |all: f64, first: f64| (all - first).max(0.0) * 1000.0 / (count - 1) as f64;
        rows.push(Row {
            peer,
            generations: count,
            cost,
            cpu_ms_per_generation: marginal(cost.cpu_s, one.cpu_s),
            user_ms_per_generation: marginal(cost.user_s, one.user_s),
            delays: delays::summary(&measured),
        });
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(table(&rows, quick, &versions))
}

/// Writes, per prediction of a run in submission order, the instants (ms
/// after its submission) at which the emulator answered its status checks.
fn write_schedule(log: &serde_json::Value, path: &Path) -> Result<(), String> {
    let mut submissions: Vec<(u64, &str)> = log["submissions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| Some((s["at_ms"].as_u64()?, s["prediction_id"].as_str()?)))
        .collect();
    submissions.sort_unstable();
    let schedule: Vec<Vec<u64>> = submissions
        .into_iter()
        .map(|(submitted, id)| {
            log["poll_at_ms"][id]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(serde_json::Value::as_u64)
                .map(|at| at.saturating_sub(submitted))
                .collect()
        })
        .filter(|checks: &Vec<u64>| !checks.is_empty())
        .collect();
    if schedule.is_empty() {
        return Err("imagegen's run left no status checks to replay".to_owned());
    }
    std::fs::write(path, serde_json::Value::from(schedule).to_string())
        .map_err(|error| format!("{}: {error}", path.display()))
}

/// `target/bench-venv/bin/python`, the venv created and the peers installed
/// first if need be.
fn venv(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join("target/bench-venv");
    let python = dir.join("bin/python");
    let requirements = root.join("xtask/bench/peers-requirements.txt");
    let run = |command: &mut Command, what: &str| -> Result<(), String> {
        let status = command
            .status()
            .map_err(|error| format!("cannot {what}: {error}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("could not {what}"))
        }
    };
    if !python.exists() {
        eprintln!("creating {} ...", dir.display());
        run(
            Command::new("python3").args(["-m", "venv"]).arg(&dir),
            "create the virtualenv (python3 -m venv; on Debian: apt-get install python3-venv)",
        )?;
    }
    eprintln!(
        "installing the Python peers ({}) ...",
        requirements.display()
    );
    run(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(&requirements),
        "install the Python peers with pip",
    )?;
    Ok(python)
}

/// `wavespeed 2.0.5, openai 3.57.0`, as installed.
fn peer_versions(python: &Path) -> Result<String, String> {
    let output = Command::new(python)
        .args([
            "-c",
            "import importlib.metadata as m, platform; \
             print(', '.join(f'{p} {m.version(p)}' for p in ('wavespeed', 'openai')), \
             '(Python', platform.python_version() + ')')",
        ])
        .output()
        .map_err(|error| format!("cannot run {}: {error}", python.display()))?;
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn table(rows: &[Row], quick: bool, versions: &str) -> String {
    let mut text = format!(
        "\n`cargo xtask bench peers{}`: {} generations per client at concurrency {CONCURRENCY}, \
         each prediction finishing {COMPLETION} ms after submission; {versions}\n\n\
         | API | client | CPU per generation (user + system) | user | system | vs imagegen: CPU | \
         imagegen vs this floor: CPU (user, system) | \
         median delay | p95 delay | status checks per prediction | wall | peak RSS |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        if quick { " --quick" } else { "" },
        rows.first().map_or(0, |row| row.generations),
    );
    let ratio = |a: f64, b: f64| a / b.max(f64::MIN_POSITIVE);
    for row in rows {
        let reference = rows.iter().find(|r| {
            r.peer.is_imagegen()
                && r.peer.api() == row.peer.api()
                && r.peer.waits_in_one_request() == row.peer.waits_in_one_request()
        });
        let vs_imagegen = reference.map_or(String::new(), |r| {
            format!(
                "{:.2}x",
                ratio(row.cpu_ms_per_generation, r.cpu_ms_per_generation)
            )
        });
        let vs_floor = match (reference, matches!(row.peer, Peer::Floor { .. })) {
            (Some(imagegen), true) => format!(
                "{:.2}x ({:.2}x, {:.2}x)",
                ratio(imagegen.cpu_ms_per_generation, row.cpu_ms_per_generation),
                ratio(imagegen.user_ms_per_generation, row.user_ms_per_generation),
                ratio(
                    imagegen.system_ms_per_generation(),
                    row.system_ms_per_generation()
                ),
            ),
            _ => String::new(),
        };
        text.push_str(&format!(
            "| {} | {} | {:.2} ms | {:.2} ms | {:.2} ms | {} | {} | {} ms | {} ms | {:.2} | {:.1} s | {:.0} MiB |\n",
            row.peer.api().label(),
            row.peer.label(),
            row.cpu_ms_per_generation,
            row.user_ms_per_generation,
            row.system_ms_per_generation(),
            vs_imagegen,
            vs_floor,
            row.delays.median_ms,
            row.delays.p95_ms,
            row.delays.checks,
            row.cost.wall_s,
            row.cost.peak_rss_mib,
        ));
    }
    text
}
