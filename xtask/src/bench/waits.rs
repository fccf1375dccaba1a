//! `cargo xtask bench waits [--quick]`: how soon a finished prediction is
//! noticed, and what the status checks cost, for imagegen's schedule and
//! for the fixed-interval polling the provider docs advise (0.5, 1 and 2 s,
//! `xtask/bench/fixed_poller.py`, Python's standard library).
//!
//! Everything is measured by the emulator (`imagegen-sim`, a process of its
//! own, release build): each prediction's completion instant (drawn over a
//! range per scenario), its status checks, and the first download of its
//! output. Delay = first download − completion; it includes the download
//! request's own latency, the same for every client.

use std::path::Path;
use std::process::{Command, ExitCode};

use super::delays;
use super::emulator::Emulator;

/// One workload: a model, what it documents, and how long its predictions
/// really take.
struct Scenario {
    name: &'static str,
    api: Api,
    /// The request's parameters besides the prompt, as wire names and
    /// text: imagegen's flags (`--size 512*512`) and the fixed poller's
    /// JSON input are both made from them.
    params: &'static [(&'static str, &'static str)],
    /// `LOW-HIGH` ms, the emulator's completion range.
    completion: &'static str,
    predictions: usize,
    /// imagegen's predictions in flight at once (all, unless the scenario is
    /// about what the client learns from the first ones).
    concurrency: usize,
    /// The fixed-interval pollers run (s); none for sync mode, which does
    /// not poll.
    pollers: &'static [&'static str],
}

/// Which provider's API a scenario runs on.
#[derive(Debug, Clone, Copy)]
enum Api {
    /// vibedream's flat API, `z-image-turbo` (documented `1-3s`) or
    /// `gpt-image-1` (`5-15s`).
    Vibedream(&'static str),
    /// WaveSpeed's envelope API, `openai/gpt-image-1`, which documents no
    /// estimated time.
    WaveSpeed,
}

impl Api {
    fn provider(self) -> &'static str {
        match self {
            Api::Vibedream(_) => "vibedream",
            Api::WaveSpeed => "wavespeed",
        }
    }

    fn model(self) -> &'static str {
        match self {
            Api::Vibedream(model) => model,
            Api::WaveSpeed => "openai/gpt-image-1",
        }
    }

    /// `fixed_poller.py`'s name for its shape.
    fn poller_shape(self) -> &'static str {
        match self {
            Api::Vibedream(_) => "flat",
            Api::WaveSpeed => "envelope",
        }
    }
}

const EVERY_POLLER: &[&str] = &["0.5", "1", "2"];

/// A client's figures on one scenario.
struct Row {
    scenario: &'static str,
    client: String,
    predictions: usize,
    median_ms: u64,
    p95_ms: u64,
    checks: f64,
    /// After how many predictions, and the same figures for those after
    /// them (which could use what the first ones taught).
    later: Option<(usize, u64, u64, f64)>,
}

const KEY: &str = "sim-key";

/// The full run's scenarios whose run times are uniform over the model's
/// documented window (all in flight at once, so nothing is learned, and
/// polled): name, window in ms and predictions, for `bench waits-sample`.
pub(crate) fn documented_and_real() -> Vec<(&'static str, u64, u64, usize)> {
    scenarios(false)
        .into_iter()
        .filter(|scenario| {
            scenario.concurrency == scenario.predictions && !scenario.pollers.is_empty()
        })
        .filter_map(|scenario| {
            let (low, high) = scenario.completion.split_once('-')?;
            Some((
                scenario.name,
                low.parse().ok()?,
                high.parse().ok()?,
                scenario.predictions,
            ))
        })
        .collect()
}

fn scenarios(quick: bool) -> Vec<Scenario> {
    let n = if quick { 40 } else { 200 };
    const WAVESPEED_EDIT: &[(&str, &str)] = &[
        ("size", "1024*1024"),
        ("image", "https://example.com/photo.png"),
    ];
    vec![
        Scenario {
            name: "1-3s documented, 1-3 s real",
            api: Api::Vibedream("z-image-turbo"),
            params: &[("size", "512*512")],
            completion: "1000-3000",
            predictions: n,
            concurrency: n,
            pollers: EVERY_POLLER,
        },
        Scenario {
            name: "5-15s documented, 5-15 s real",
            api: Api::Vibedream("gpt-image-1"),
            params: &[("size", "1024*1024")],
            completion: "5000-15000",
            predictions: n,
            concurrency: n,
            pollers: EVERY_POLLER,
        },
        Scenario {
            name: "1-3s documented, 6-9 s real (learning)",
            api: Api::Vibedream("z-image-turbo"),
            params: &[("size", "512*512")],
            completion: "6000-9000",
            predictions: 2 * n,
            concurrency: n / 5,
            pollers: EVERY_POLLER,
        },
        // A third of them at a time, so the later ones can use what the
        // first taught (a batch of a model with no estimate).
        Scenario {
            name: "no estimate, 20-150 s real (learning)",
            api: Api::WaveSpeed,
            params: WAVESPEED_EDIT,
            completion: "20000-150000",
            predictions: if quick { 60 } else { 120 },
            concurrency: if quick { 30 } else { 40 },
            pollers: if quick { &["1"] } else { EVERY_POLLER },
        },
        Scenario {
            name: "sync mode, 1-3 s real",
            api: Api::WaveSpeed,
            params: &[
                ("size", "1024*1024"),
                ("image", "https://example.com/photo.png"),
                ("enable_sync_mode", "true"),
            ],
            completion: "1000-3000",
            predictions: n,
            concurrency: 10,
            pollers: &[],
        },
    ]
}

impl Scenario {
    /// imagegen's flags for the parameters: `--size 512*512`.
    fn flags(&self) -> Vec<String> {
        self.params
            .iter()
            .flat_map(|(name, value)| {
                [format!("--{}", name.replace('_', "-")), (*value).to_owned()]
            })
            .collect()
    }

    /// The fixed poller's input for them: `{"size": "512*512"}`.
    fn input(&self) -> String {
        let object: serde_json::Map<String, serde_json::Value> = self
            .params
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).into()))
            .collect();
        serde_json::Value::Object(object).to_string()
    }
}

pub(crate) fn bench(root: &Path, quick: bool) -> ExitCode {
    super::report(run(root, quick))
}

fn run(root: &Path, quick: bool) -> Result<String, String> {
    let release = super::release_binaries(root)?;
    let poller = root.join("xtask/bench/fixed_poller.py");
    let scratch = std::env::temp_dir().join(format!("imagegen-bench-waits-{}", std::process::id()));
    let mut rows = Vec::new();
    for scenario in scenarios(quick) {
        let emulator = Emulator::start_with(&release.join("imagegen-sim"), scenario.completion)?;
        let api = scenario.api;
        let base = emulator.base_url(api.provider());
        eprintln!("{}: imagegen ...", scenario.name);
        let dir = scratch.join(scenario.name.replace(' ', "_"));
        let prompts = dir.join("prompts.txt");
        super::write_prompts(&prompts, "waits", scenario.predictions)?;
        let status = Command::new(release.join("imagegen"))
            .args([
                "batch",
                &format!("{}/{}", api.provider(), api.model()),
                "--prompts",
            ])
            .arg(&prompts)
            .arg("--out")
            .arg(dir.join("out"))
            .args(["--base-url", &base])
            .args(scenario.flags())
            .args(["--concurrency", &scenario.concurrency.to_string()])
            .env(format!("{}_API_KEY", api.provider().to_uppercase()), KEY)
            .stdout(std::process::Stdio::null())
            .status()
            .map_err(|e| format!("cannot run imagegen: {e}"))?;
        if !status.success() {
            return Err(format!("imagegen batch failed on {}", scenario.name));
        }
        rows.push(row(&scenario, "imagegen".to_owned(), &emulator.log()?));
        for interval in scenario.pollers {
            emulator.reset()?;
            eprintln!("{}: fixed {interval} s ...", scenario.name);
            let status = Command::new("python3")
                .arg(&poller)
                .args([
                    api.poller_shape(),
                    &base,
                    KEY,
                    api.model(),
                    &scenario.input(),
                ])
                .args([scenario.predictions.to_string().as_str(), interval, "waits"])
                .status()
                .map_err(|e| format!("cannot run python3: {e}"))?;
            if !status.success() {
                return Err(format!("the fixed poller failed on {}", scenario.name));
            }
            rows.push(row(
                &scenario,
                format!("fixed {interval} s"),
                &emulator.log()?,
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(table(&rows, quick))
}

/// A client's figures on one scenario, from the emulator's log.
fn row(scenario: &Scenario, client: String, log: &serde_json::Value) -> Row {
    let measured = delays::per_prediction(log);
    let all = delays::summary(&measured);
    let first = scenario.concurrency.min(measured.len());
    // What the first predictions taught shows in the later ones' waits;
    // sync mode does not wait by polling.
    let learns = !scenario.pollers.is_empty() && scenario.concurrency < scenario.predictions;
    let later = (learns && client == "imagegen").then(|| {
        let later = delays::summary(&measured[first..]);
        (first, later.median_ms, later.p95_ms, later.checks)
    });
    Row {
        scenario: scenario.name,
        client,
        predictions: measured.len(),
        median_ms: all.median_ms,
        p95_ms: all.p95_ms,
        checks: all.checks,
        later,
    }
}

fn table(rows: &[Row], quick: bool) -> String {
    let mut text = format!(
        "\n`cargo xtask bench waits{}`: delay = the emulator's first download of an output minus its completion instant\n\n\
         | scenario | client | predictions | median delay | p95 delay | status checks per prediction | vs fixed 1 s: median delay | vs fixed 1 s: checks |\n\
         |---|---|---:|---:|---:|---:|---:|---:|\n",
        if quick { " --quick" } else { "" }
    );
    for row in rows {
        let reference = rows
            .iter()
            .find(|r| r.scenario == row.scenario && r.client == "fixed 1 s");
        // Against the fixed 1 s poller of the same scenario, if it ran.
        let ratios = |median_ms: u64, checks: f64| {
            reference.map_or(("-".to_owned(), "-".to_owned()), |r| {
                (
                    format!("{:.2}x", median_ms as f64 / r.median_ms.max(1) as f64),
                    format!("{:.2}x", checks / r.checks.max(f64::MIN_POSITIVE)),
                )
            })
        };
        let (delay_ratio, checks_ratio) = ratios(row.median_ms, row.checks);
        text.push_str(&format!(
            "| {} | {} | {} | {} ms | {} ms | {:.2} | {delay_ratio} | {checks_ratio} |\n",
            row.scenario, row.client, row.predictions, row.median_ms, row.p95_ms, row.checks,
        ));
        if let Some((first, median, p95, checks)) = row.later {
            let (delay_ratio, checks_ratio) = ratios(median, checks);
            text.push_str(&format!(
                "| {} | imagegen, after the first {first} (learned) | {} | {median} ms | {p95} ms | {checks:.2} | {delay_ratio} | {checks_ratio} |\n",
                row.scenario,
                row.predictions.saturating_sub(first),
            ));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_become_imagegen_flags_and_the_pollers_json() {
        let sync = scenarios(true)
            .into_iter()
            .find(|s| s.name.starts_with("sync"))
            .unwrap();
        assert_eq!(
            sync.flags(),
            [
                "--size",
                "1024*1024",
                "--image",
                "https://example.com/photo.png",
                "--enable-sync-mode",
                "true"
            ]
        );
        let first = &scenarios(true)[0];
        assert_eq!(first.input(), r#"{"size":"512*512"}"#);
    }
}
