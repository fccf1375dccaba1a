//! `cargo xtask bench waits-sample`: how many checks the ideal schedules
//! make on the run times the emulator deals `bench waits`, so its check
//! ratios can be read against what the sample alone gives.
//!
//! Every client of a `bench waits` scenario gets the same run times (the
//! emulator's seeded sequence, restarted by each reset). For a completion
//! uniform over the window, imagegen's schedule makes as many checks on
//! average as a poller checking exactly every second; on a finite sample
//! the two differ by chance. This replays the sample and counts, for each
//! run time, the checks of both ideal schedules (imagegen's averaged over
//! every phase, the poller's exactly on the second, no latency), and does
//! the same for 1,000 other seeds to show the spread.

use std::process::ExitCode;

/// The `bench waits` scenarios whose run times are uniform over their
/// documented window: (name, window in ms, checks in the window).
const SCENARIOS: [(&str, u64, u64, u32); 2] = [
    ("1-3s documented, 1-3 s real", 1000, 3000, 4),
    ("5-15s documented, 5-15 s real", 5000, 15_000, 20),
];

/// Predictions per scenario in the full run.
const PREDICTIONS: usize = 200;

/// Other seeds the spread is taken over.
const SEEDS: u64 = 1000;

/// Phases averaged over (the schedule's phase is uniform over a fifth of a
/// spacing, centred on zero).
const PHASES: u32 = 100;

pub(crate) fn bench() -> ExitCode {
    let mut table = String::from(
        "| scenario | ideal checks, imagegen's schedule | ideal checks, every second | ratio | ratio over 1,000 other seeds: mean | standard deviation |\n\
         |---|---:|---:|---:|---:|---:|\n",
    );
    for (name, low, high, checks) in SCENARIOS {
        let (ours, fixed) = ideal_checks(imagegen_sim::RUN_TIME_SEED, low, high, checks);
        let others: Vec<f64> = (1..=SEEDS)
            .map(|seed| {
                let (ours, fixed) = ideal_checks(seed, low, high, checks);
                ours / fixed
            })
            .collect();
        let mean = others.iter().sum::<f64>() / others.len() as f64;
        let spread =
            (others.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / others.len() as f64).sqrt();
        table.push_str(&format!(
            "| {name} | {ours:.3} | {fixed:.3} | {:.3}x | {mean:.3}x | {spread:.3}x |\n",
            ours / fixed
        ));
    }
    table.push_str(&format!(
        "\n`cargo xtask bench waits-sample`: the first {PREDICTIONS} run times the emulator deals \
         (seed {:#x}), checks per prediction of ideal schedules, no latency\n",
        imagegen_sim::RUN_TIME_SEED
    ));
    super::report(Ok(table))
}

/// Mean checks per prediction of imagegen's schedule (averaged over its
/// phases) and of a poller exactly on every second, for the first
/// [`PREDICTIONS`] run times drawn over `low..=high` ms from `seed`.
fn ideal_checks(seed: u64, low: u64, high: u64, checks: u32) -> (f64, f64) {
    let mut draws = fastrand::Rng::with_seed(seed);
    let times: Vec<f64> = (0..PREDICTIONS)
        .map(|_| draws.u64(low..=high) as f64)
        .collect();
    let spacing = (high - low) as f64 / f64::from(checks);
    let fixed = times.iter().map(|t| (t / 1000.0).ceil()).sum::<f64>();
    let mut ours = 0.0;
    for phase in 0..PHASES {
        let shift = 0.2 * (f64::from(phase) / f64::from(PHASES) - 0.5);
        // The k-th check is at low + spacing × (k − shift); one past the
        // window is enough for a run time inside it.
        ours += times
            .iter()
            .map(|t| {
                ((t - low as f64) / spacing + shift)
                    .ceil()
                    .clamp(1.0, f64::from(checks) + 1.0)
            })
            .sum::<f64>();
    }
    let n = times.len() as f64;
    (ours / f64::from(PHASES) / n, fixed / n)
}
