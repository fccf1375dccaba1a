//! `cargo xtask bench waits-sample`: how many checks imagegen's schedule
//! and an exact one-second poller make on the run times the emulator deals
//! `bench waits`, with no latency, so its check ratios can be read against
//! what the sample alone gives.
//!
//! Every client of a `bench waits` scenario gets the same run times (the
//! emulator's seeded sequence, restarted by each reset). For a completion
//! uniform over the window, imagegen's schedule makes as many checks on
//! average as a poller checking exactly every second; on a finite sample
//! the two differ by chance. This replays the sample through the runtime's
//! own [`PollSchedule`] (averaged over its random phase) and does the same
//! for other seeds to show the spread.

use std::process::ExitCode;
use std::time::Duration;

use imagegen_runtime::PollPolicy;
use imagegen_runtime::info::EstimatedTime;
use imagegen_runtime::schedule::PollSchedule;

/// Other seeds the spread is taken over.
const SEEDS: u64 = 300;

/// Random draws the schedule's phase is averaged over: for the emulator's
/// seed, and for each of the others.
const PHASES: u32 = 100;
const PHASES_PER_OTHER_SEED: u32 = 20;

pub(crate) fn bench() -> ExitCode {
    let mut table = String::from(
        "| scenario | checks, imagegen's schedule | checks, exactly every second | ratio | ratio over other seeds: mean | standard deviation |\n\
         |---|---:|---:|---:|---:|---:|\n",
    );
    let scenarios = super::waits::documented_and_real();
    for &(name, low, high, predictions) in &scenarios {
        let window = EstimatedTime {
            min_ms: low,
            max_ms: high,
        };
        let sample = |seed: u64, phases: u32| {
            let mut draws = fastrand::Rng::with_seed(seed);
            let times: Vec<u64> = (0..predictions).map(|_| draws.u64(low..=high)).collect();
            (
                schedule_checks(window, &times, phases),
                every_second_checks(&times),
            )
        };
        let (ours, fixed) = sample(imagegen_sim::RUN_TIME_SEED, PHASES);
        let others: Vec<f64> = (1..=SEEDS)
            .map(|seed| {
                let (ours, fixed) = sample(seed, PHASES_PER_OTHER_SEED);
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
    let predictions = scenarios.first().map_or(0, |scenario| scenario.3);
    table.push_str(&format!(
        "\n`cargo xtask bench waits-sample`: checks per prediction on the first {predictions} run \
         times the emulator deals (seed {:#x}; {SEEDS} other seeds for the spread), no latency\n",
        imagegen_sim::RUN_TIME_SEED
    ));
    super::report(Ok(table))
}

/// Mean checks per prediction of the runtime's schedule for `window`,
/// averaged over `phases` evenly spread random draws, for predictions
/// finishing `times` ms after submission.
fn schedule_checks(window: EstimatedTime, times: &[u64], phases: u32) -> f64 {
    let mut checks = 0_u64;
    for phase in 0..phases {
        let random = f64::from(phase) / f64::from(phases);
        for &done in times {
            let done = Duration::from_millis(done);
            let mut schedule = PollSchedule::new(PollPolicy::default(), Some(window));
            let mut now = Duration::ZERO;
            loop {
                now += schedule.next_delay(now, random);
                checks += 1;
                if now >= done {
                    break;
                }
            }
        }
    }
    checks as f64 / (f64::from(phases) * times.len() as f64)
}

/// Mean checks per prediction of a poller checking exactly every second.
fn every_second_checks(times: &[u64]) -> f64 {
    times
        .iter()
        .map(|&done| done.div_ceil(1000) as f64)
        .sum::<f64>()
        / times.len() as f64
}
