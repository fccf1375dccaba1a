//! What one client has seen of each model's real completion times, so the
//! next predictions' status checks follow the observed distribution rather
//! than a documented estimate that may be wrong (`1-3s` for a model that
//! takes 6 to 9 s on this account today).
//!
//! A completion is known only to lie between the last check that found the
//! prediction running and the first that found it done; the midpoint is
//! recorded. The predictions still running count too: a prediction that
//! has run 60 s so far will take at least 60 s. Counting only the finished
//! ones learns from the short ones first (while the long ones of the same
//! wave still run) and closes the window too early. So the window comes
//! from a Kaplan-Meier estimate over the last [`COHORT`] waits a client
//! started for the model, each either finished (an event at its
//! completion time) or still running (censored at its age now):
//!
//! - the window opens at the estimate's 5th percentile;
//! - it closes at its 95th percentile when the estimate reaches it; while
//!   more than a twentieth of the cohort is still to come beyond everything
//!   seen, it closes where the mass still to come would end at the density
//!   seen so far (exact for a uniform spread, and pushed further by every
//!   prediction still running when the next waits start).
//!
//! Until [`ENOUGH`] waits of the cohort have finished, the window is the
//! 5th to 95th percentile of the last [`KEPT`] completions (as it was before
//! running predictions were counted), and with fewer completions than that
//! nothing is learned.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::info::EstimatedTime;

/// Completions per model kept for the window without censoring: recent
/// ones, so it follows a service that speeds up or slows down.
pub const KEPT: usize = 64;

/// Completions needed before an observed window replaces the estimate.
pub const ENOUGH: usize = 8;

/// Waits per model whose outcome (finished, or still running) the
/// Kaplan-Meier estimate reads: the most recently started.
pub const COHORT: usize = 512;

/// How long a computed window is reused before the cohort is read again
/// (a batch of 10,000 starts its waits within a second).
const REUSE: Duration = Duration::from_millis(200);

/// The estimate's quantiles that bound the window.
const LOW: f64 = 0.05;
const HIGH: f64 = 0.95;

/// Observed completion times, by model id.
#[derive(Debug, Default)]
pub(crate) struct Learned {
    models: Mutex<HashMap<String, Model>>,
}

#[derive(Debug, Default)]
struct Model {
    /// Completion times (ms after submission), the last [`KEPT`].
    completions: VecDeque<u64>,
    /// The last [`COHORT`] waits started, oldest first.
    cohort: VecDeque<Wait>,
    next_wait: u64,
    /// The last window computed, and when.
    cached: Option<(Instant, Option<EstimatedTime>)>,
}

#[derive(Debug, Clone, Copy)]
struct Wait {
    id: u64,
    /// When the prediction was submitted.
    submitted: Instant,
    outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    Running,
    /// Completed this many ms after submission.
    Completed(u64),
    /// Abandoned (a deadline, an error) after running this long: it took at
    /// least that.
    Abandoned(u64),
}

/// A wait in a model's cohort. Dropped without [`completed`](Self::completed)
/// (the wait failed or was cancelled), the prediction is counted as having
/// run at least as long as it was watched.
#[derive(Debug)]
pub(crate) struct Watch<'a> {
    learned: &'a Learned,
    model: String,
    id: u64,
    submitted: Instant,
    done: AtomicBool,
}

impl Learned {
    /// Enters a wait for a prediction of `model` submitted at `submitted`
    /// in the model's cohort.
    pub(crate) fn watch(&self, model: &str, submitted: Instant) -> Watch<'_> {
        let mut models = self.lock();
        let entry = models.entry(model.to_owned()).or_default();
        let id = entry.next_wait;
        entry.next_wait += 1;
        if entry.cohort.len() == COHORT {
            entry.cohort.pop_front();
        }
        entry.cohort.push_back(Wait {
            id,
            submitted,
            outcome: Outcome::Running,
        });
        Watch {
            learned: self,
            model: model.to_owned(),
            id,
            submitted,
            done: AtomicBool::new(false),
        }
    }

    /// Records that a prediction of `model` completed between `before` (the
    /// last check that found it running, if any) and `after` (the first
    /// that found it done), measured from its submission, outside any
    /// cohort.
    #[cfg(test)]
    fn record(&self, model: &str, before: Option<Duration>, after: Duration) {
        self.finish(model, None, midpoint(before, after));
    }

    fn finish(&self, model: &str, wait: Option<u64>, outcome_ms: u64) {
        let mut models = self.lock();
        let entry = models.entry(model.to_owned()).or_default();
        if entry.completions.len() == KEPT {
            entry.completions.pop_front();
        }
        entry.completions.push_back(outcome_ms);
        if let Some(wait) = wait.and_then(|id| entry.cohort.iter_mut().find(|w| w.id == id)) {
            wait.outcome = Outcome::Completed(outcome_ms);
        }
        entry.cached = None;
    }

    /// The window most of `model`'s predictions complete in, once enough
    /// are known.
    pub(crate) fn window(&self, model: &str) -> Option<EstimatedTime> {
        self.window_at(model, Instant::now())
    }

    fn window_at(&self, model: &str, now: Instant) -> Option<EstimatedTime> {
        let mut models = self.lock();
        let entry = models.get_mut(model)?;
        if let Some((at, window)) = entry.cached
            && now.saturating_duration_since(at) < REUSE
        {
            return window;
        }
        let window =
            censored_window(&entry.cohort, now).or_else(|| midpoint_window(&entry.completions));
        entry.cached = Some((now, window));
        window
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Model>> {
        self.models
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Watch<'_> {
    /// The prediction completed between `before` (the last check that found
    /// it running, if any) and `after` (the first that found it done),
    /// measured from its submission.
    pub(crate) fn completed(&self, before: Option<Duration>, after: Duration) {
        if !self.done.swap(true, Ordering::AcqRel) {
            self.learned
                .finish(&self.model, Some(self.id), midpoint(before, after));
        }
    }
}

impl Drop for Watch<'_> {
    fn drop(&mut self) {
        if *self.done.get_mut() {
            return;
        }
        let ran = millis(self.submitted.elapsed());
        let mut models = self.learned.lock();
        if let Some(wait) = models
            .get_mut(&self.model)
            .and_then(|entry| entry.cohort.iter_mut().find(|w| w.id == self.id))
        {
            wait.outcome = Outcome::Abandoned(ran);
        }
    }
}

fn midpoint(before: Option<Duration>, after: Duration) -> u64 {
    let at = match before {
        Some(before) if before <= after => before + (after - before) / 2,
        _ => after,
    };
    millis(at)
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The 5th to 95th percentile of the recent completions alone.
fn midpoint_window(completions: &VecDeque<u64>) -> Option<EstimatedTime> {
    if completions.len() < ENOUGH {
        return None;
    }
    let mut sorted: Vec<u64> = completions.iter().copied().collect();
    sorted.sort_unstable();
    let last = sorted.len() - 1;
    Some(EstimatedTime {
        min_ms: sorted[last * 5 / 100],
        max_ms: sorted[(last * 95).div_ceil(100)],
    })
}

/// The window from a Kaplan-Meier estimate over the cohort (see the module
/// docs); `None` until [`ENOUGH`] of it have completed.
fn censored_window(cohort: &VecDeque<Wait>, now: Instant) -> Option<EstimatedTime> {
    // (time, completed): completions are events, the rest censored.
    let mut observed: Vec<(u64, bool)> = cohort
        .iter()
        .map(|wait| match wait.outcome {
            Outcome::Completed(ms) => (ms, true),
            Outcome::Abandoned(ms) => (ms, false),
            Outcome::Running => (millis(now.saturating_duration_since(wait.submitted)), false),
        })
        .collect();
    if observed.iter().filter(|(_, event)| *event).count() < ENOUGH {
        return None;
    }
    // At a tie, completions first: one censored at t was still running at t.
    observed.sort_unstable_by_key(|&(time, event)| (time, !event));
    kaplan_meier_window(&observed)
}

/// The window from sorted `(time, completed)` observations.
fn kaplan_meier_window(observed: &[(u64, bool)]) -> Option<EstimatedTime> {
    let mut survival = 1.0_f64;
    let mut at_risk = observed.len() as f64;
    let mut low = None;
    for &(time, event) in observed {
        if event {
            survival *= 1.0 - 1.0 / at_risk;
            if low.is_none() && 1.0 - survival >= LOW {
                low = Some(time);
            }
            if 1.0 - survival >= HIGH {
                return Some(EstimatedTime {
                    min_ms: low.unwrap_or(time),
                    max_ms: time,
                });
            }
        }
        at_risk -= 1.0;
    }
    // More than a twentieth is still to come beyond everything seen: close
    // the window where it would end at the density seen since it opened.
    let low = low?;
    let latest = observed.last().map_or(low, |&(time, _)| time);
    let seen = 1.0 - survival - LOW;
    let to_come = HIGH - (1.0 - survival);
    let span = latest.saturating_sub(low) as f64;
    if seen <= 0.0 || span <= 0.0 {
        return None;
    }
    let extra = (span * to_come / seen).min(span * 10.0);
    Some(EstimatedTime {
        min_ms: low,
        max_ms: latest.saturating_add(extra as u64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(value: u64) -> Duration {
        Duration::from_millis(value)
    }

    #[test]
    fn nothing_is_learned_from_too_few_completions() {
        let learned = Learned::default();
        for k in 0..ENOUGH as u64 - 1 {
            learned.record("m", Some(ms(6000 + k * 100)), ms(6200 + k * 100));
        }
        assert_eq!(learned.window("m"), None);
        assert_eq!(learned.window("other"), None);
    }

    #[test]
    fn the_window_spans_most_recent_completions_at_their_midpoints() {
        let learned = Learned::default();
        // Between 6 and 9 s, checked every 200 ms.
        for k in 0..40_u64 {
            let done = 6000 + k * 75;
            learned.record("m", Some(ms(done - 100)), ms(done + 100));
        }
        let window = learned.window("m").unwrap();
        assert!((6000..6300).contains(&window.min_ms), "{window:?}");
        assert!((8700..=9000).contains(&window.max_ms), "{window:?}");
    }

    #[test]
    fn old_completions_give_way_to_recent_ones() {
        let learned = Learned::default();
        for _ in 0..KEPT {
            learned.record("m", None, ms(2000));
        }
        for _ in 0..KEPT {
            learned.record("m", None, ms(20_000));
        }
        assert_eq!(
            learned.window("m"),
            Some(EstimatedTime {
                min_ms: 20_000,
                max_ms: 20_000
            })
        );
    }

    /// A wave of 120 predictions spread uniformly over 20-150 s, looked at
    /// 60 s in: the 37 finished are the short ones.
    fn wave_at_60_s() -> (Learned, Instant) {
        let learned = Learned::default();
        let start = Instant::now();
        let mut watches = Vec::new();
        for k in 0..120_u64 {
            watches.push((20_000 + k * 130_000 / 120, learned.watch("m", start)));
        }
        for (completes, watch) in watches {
            if completes <= 60_000 {
                watch.completed(Some(ms(completes - 250)), ms(completes + 250));
            } else {
                std::mem::forget(watch); // still running at 60 s
            }
        }
        (learned, start + ms(60_000))
    }

    #[test]
    fn predictions_still_running_keep_the_window_open() {
        let (learned, now) = wave_at_60_s();
        let window = learned.window_at("m", now).unwrap();
        // The completions alone say 20-60 s; the estimate, counting the 83
        // still running, says the spread goes on to about 150 s.
        assert!((20_000..30_000).contains(&window.min_ms), "{window:?}");
        assert!((135_000..165_000).contains(&window.max_ms), "{window:?}");
        let alone = midpoint_window(&learned.lock()["m"].completions).unwrap();
        assert!(alone.max_ms <= 60_000, "{alone:?}");
    }

    #[test]
    fn once_the_wave_is_over_the_window_is_its_spread() {
        let learned = Learned::default();
        let start = Instant::now();
        for k in 0..120_u64 {
            let completes = 20_000 + k * 130_000 / 120;
            learned
                .watch("m", start)
                .completed(Some(ms(completes - 250)), ms(completes + 250));
        }
        let window = learned.window_at("m", start + ms(200_000)).unwrap();
        assert!((20_000..30_000).contains(&window.min_ms), "{window:?}");
        assert!((138_000..=150_250).contains(&window.max_ms), "{window:?}");
    }

    #[test]
    fn an_abandoned_wait_counts_as_at_least_its_age() {
        let learned = Learned::default();
        let start = Instant::now();
        for k in 0..10_u64 {
            learned.watch("m", start).completed(None, ms(1_000 + k));
        }
        drop(learned.watch("m", start - ms(50_000)));
        let cohort = &learned.lock()["m"].cohort;
        assert!(matches!(cohort.back().unwrap().outcome, Outcome::Abandoned(ran) if ran >= 50_000));
    }
}
