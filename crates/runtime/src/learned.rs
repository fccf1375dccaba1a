//! What one client has seen of each model's real completion times, so the
//! next predictions' status checks follow the observed distribution rather
//! than a documented estimate that may be wrong (`1-3s` for a model that
//! takes 6 to 9 s on this account today).
//!
//! A completion is known only to lie between the last check that found the
//! prediction running and the first that found it done; the midpoint is
//! recorded. Once [`ENOUGH`] are recorded for a model, its window is the
//! 5th to 95th percentile of the last [`KEPT`].

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use crate::info::EstimatedTime;

/// Completions per model kept: recent ones, so the window follows a
/// service that speeds up or slows down.
pub const KEPT: usize = 64;

/// Completions needed before the observed window replaces the estimate.
pub const ENOUGH: usize = 8;

/// Observed completion times, by model id.
#[derive(Debug, Default)]
pub(crate) struct Learned {
    models: Mutex<HashMap<String, VecDeque<u64>>>,
}

impl Learned {
    /// Records that a prediction of `model` completed between `before` (the
    /// last check that found it running, if any) and `after` (the first
    /// that found it done), measured from its submission.
    pub(crate) fn record(&self, model: &str, before: Option<Duration>, after: Duration) {
        let at = match before {
            Some(before) if before <= after => before + (after - before) / 2,
            _ => after,
        };
        let millis = u64::try_from(at.as_millis()).unwrap_or(u64::MAX);
        let mut models = self
            .models
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let seen = models.entry(model.to_owned()).or_default();
        if seen.len() == KEPT {
            seen.pop_front();
        }
        seen.push_back(millis);
    }

    /// The window most of `model`'s recent completions fell in, once
    /// enough are known.
    pub(crate) fn window(&self, model: &str) -> Option<EstimatedTime> {
        let models = self
            .models
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let seen = models.get(model)?;
        if seen.len() < ENOUGH {
            return None;
        }
        let mut sorted: Vec<u64> = seen.iter().copied().collect();
        sorted.sort_unstable();
        let last = sorted.len() - 1;
        let low = sorted[last * 5 / 100];
        let high = sorted[(last * 95).div_ceil(100)];
        Some(EstimatedTime {
            min_ms: low,
            max_ms: high,
        })
    }
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
}
