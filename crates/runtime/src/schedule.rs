//! When to poll a prediction, given what the provider estimates.
//!
//! Inside the estimated window the checks are evenly spaced, starting one
//! spacing after the window opens (a check at the very start finds nothing
//! to see), and as many of them that on average a prediction is checked as
//! often as by a poller checking every second (at least `polls_per_window`
//! checks). For a completion uniform over the window, that is
//! the fewest checks for the delay, and half the delay of the one-second
//! poller for the same checks: `1-3s` is checked at 1.5, 2, 2.5 and 3 s
//! (2.5 checks and 250 ms median delay on average, against 2.5 and 500 ms).
//! Past the window the interval grows, jittered, up to a cap, so a late
//! prediction costs few requests. The schedule is a pure function of elapsed
//! time and a random number, so it is tested by simulation, without
//! sleeping.

use std::time::Duration;

use crate::info::EstimatedTime;

/// How polls are spaced. The defaults suit image models taking seconds to
/// minutes.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct PollPolicy {
    /// First poll after submission when the model has no estimate.
    pub first_poll: Duration,
    /// The shortest interval between two polls.
    pub min_interval: Duration,
    /// The longest interval between two polls (the backoff cap).
    pub max_interval: Duration,
    /// The fewest polls spread over the estimated window (more for a window
    /// far from submission, to match a one-second poller's average count).
    pub polls_per_window: u32,
    /// Growth of the interval per poll once past the window.
    pub backoff_factor: f64,
    /// Fraction (0..1) by which each interval is randomly shortened, so many
    /// predictions submitted together do not poll in lockstep.
    pub jitter: f64,
    /// Polls in a row that may report an undocumented status before the wait
    /// gives up with an error instead of looping on it.
    pub max_unknown_status_polls: u32,
    /// Whether a client schedules a model's checks from the completion
    /// times it has seen for that model (once it has seen a few), instead
    /// of the documented or server's estimate.
    pub learn_from_completions: bool,
}

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy {
            first_poll: Duration::from_secs(1),
            min_interval: Duration::from_millis(250),
            max_interval: Duration::from_secs(10),
            polls_per_window: 4,
            backoff_factor: 1.5,
            jitter: 0.2,
            max_unknown_status_polls: 5,
            learn_from_completions: true,
        }
    }
}

impl PollPolicy {
    /// Sets the interval cap.
    #[must_use]
    pub fn max_interval(mut self, max_interval: Duration) -> Self {
        self.max_interval = max_interval;
        self
    }

    /// Sets the shortest interval.
    #[must_use]
    pub fn min_interval(mut self, min_interval: Duration) -> Self {
        self.min_interval = min_interval;
        self
    }

    /// Sets the first poll's delay for models without an estimate.
    #[must_use]
    pub fn first_poll(mut self, first_poll: Duration) -> Self {
        self.first_poll = first_poll;
        self
    }

    /// Sets the jitter fraction (clamped to 0..=1).
    #[must_use]
    pub fn jitter(mut self, jitter: f64) -> Self {
        self.jitter = jitter.clamp(0.0, 1.0);
        self
    }

    /// Sets whether checks follow the completion times seen (on by default).
    #[must_use]
    pub fn learn_from_completions(mut self, learn: bool) -> Self {
        self.learn_from_completions = learn;
        self
    }

    /// Sets how many undocumented statuses in a row end the wait.
    #[must_use]
    pub fn max_unknown_status_polls(mut self, polls: u32) -> Self {
        self.max_unknown_status_polls = polls.max(1);
        self
    }
}

/// The poll schedule of one prediction.
#[derive(Debug, Clone)]
pub struct PollSchedule {
    policy: PollPolicy,
    window: Option<(Duration, Duration)>,
    /// The un-jittered interval of the previous backoff step.
    last_interval: Option<Duration>,
    /// Where in the spacing this prediction's window checks fall (0 to the
    /// jitter fraction), drawn at its first delay.
    phase: Option<f64>,
}

impl PollSchedule {
    /// A schedule for a prediction estimated to take `estimate` (the
    /// server's, or else the model's documented one).
    pub fn new(policy: PollPolicy, estimate: Option<EstimatedTime>) -> Self {
        let window = estimate.map(|estimate| {
            let min = Duration::from_millis(estimate.min_ms);
            (min, Duration::from_millis(estimate.max_ms).max(min))
        });
        PollSchedule {
            policy,
            window,
            last_interval: None,
            phase: None,
        }
    }

    /// The delay from now, `elapsed` after submission, to the next poll.
    /// `random` is uniform in `[0, 1)`.
    pub fn next_delay(&mut self, elapsed: Duration, random: f64) -> Duration {
        let jitter = crate::retry::unit(self.policy.jitter);
        let random = crate::retry::unit(random);
        if let Some((start, end)) = self.window
            && let Some(at) = self.next_in_window(start, end, elapsed, jitter * (random - 0.5))
        {
            // Before the window's first check nothing is expected: wait for
            // it, but never longer than the cap, so an overestimate (a
            // server saying `900s`) cannot hide a prediction that finished
            // early.
            return at.saturating_sub(elapsed).min(self.policy.max_interval);
        }
        let policy = &self.policy;
        let jittered = |interval: Duration| {
            interval
                .mul_f64(1.0 - jitter * random)
                .max(policy.min_interval.min(interval))
        };
        let interval = match (self.last_interval, self.window) {
            (Some(last), _) => {
                let factor = if policy.backoff_factor.is_finite() {
                    policy.backoff_factor.max(1.0)
                } else {
                    1.0
                };
                Duration::try_from_secs_f64(last.as_secs_f64() * factor)
                    .unwrap_or(policy.max_interval)
            }
            (None, Some((start, end))) => self.spacing(start, end).max(end / 10),
            (None, None) if elapsed < policy.first_poll => {
                self.last_interval = Some(policy.first_poll);
                return (policy.first_poll - elapsed).min(policy.max_interval);
            }
            (None, None) => policy.first_poll,
        };
        let interval = interval
            .min(policy.max_interval)
            .max(policy.min_interval.min(policy.max_interval));
        self.last_interval = Some(interval);
        jittered(interval)
    }

    /// The window's next check after `elapsed`, if one is left: checks at
    /// `start + spacing × (k − phase)` for k = 1, 2, … up to the window's
    /// end shifted by the same phase (a point estimate: at it). The phase,
    /// drawn once per prediction from the jitter and centred on zero,
    /// keeps predictions submitted together from checking in lockstep
    /// without changing the spacing or, on average, the number of checks:
    /// a phase drawn only one way (all checks early) cost a tenth of a
    /// check per prediction more than the schedule meant (1.04 to 1.06x a
    /// one-second poller's checks on the same run times).
    fn next_in_window(
        &mut self,
        start: Duration,
        end: Duration,
        elapsed: Duration,
        phase: f64,
    ) -> Option<Duration> {
        let phase = *self.phase.get_or_insert(phase);
        if end == start {
            return (elapsed < start).then_some(start);
        }
        let spacing = self.spacing(start, end);
        let shifted = |at: Duration, by: f64| {
            if by >= 0.0 {
                at.saturating_sub(spacing.mul_f64(by))
            } else {
                at + spacing.mul_f64(-by)
            }
        };
        let last = shifted(end, phase);
        // A window narrower than the smallest spacing (a learned one whose
        // completions were all seen by the same check) has its first check
        // past its end: it is checked once, at its (shifted) end.
        let first = shifted(start + spacing, phase).min(last);
        if elapsed < first {
            return Some(first);
        }
        if first == last {
            return None;
        }
        let steps = ((elapsed - first).as_secs_f64() / spacing.as_secs_f64()).floor() + 1.0;
        let at = first + spacing.mul_f64(steps);
        // A nanosecond of rounding between the two shifts is not a check lost.
        (at <= last + Duration::from_nanos(1)).then_some(at)
    }

    /// The spacing of checks inside the window: the window divided into as
    /// many checks as make their average count a one-second poller's
    /// (start + end in seconds, at least `polls_per_window`), within the
    /// policy's bounds. Zero-width windows (a point estimate, `26s`)
    /// get none: their one check is at the estimate.
    fn spacing(&self, start: Duration, end: Duration) -> Duration {
        // A one-second poller checks about (start + end) / 2 + 1/2 times on
        // average for a completion uniform over the window; n evenly spaced
        // checks, (n + 1) / 2 times.
        let checks = ((start + end).as_secs_f64().round() as u32)
            .max(self.policy.polls_per_window)
            .max(1);
        ((end - start) / checks)
            .min(self.policy.max_interval)
            .max(self.policy.min_interval.min(self.policy.max_interval))
    }
}

/// Parses a server's estimate (`5-15s`, `26s`, `500ms`, `2m`), as vibedream
/// sends it with each prediction.
pub fn parse_estimated_time(text: &str) -> Option<EstimatedTime> {
    let text = text.trim();
    let (number_part, unit_ms) = if let Some(rest) = text.strip_suffix("ms") {
        (rest, 1.0)
    } else if let Some(rest) = text.strip_suffix('s') {
        (rest, 1000.0)
    } else if let Some(rest) = text.strip_suffix('m') {
        (rest, 60_000.0)
    } else {
        (text, 1000.0)
    };
    let to_ms = |part: &str| -> Option<u64> {
        let value: f64 = part.trim().parse().ok()?;
        (value.is_finite() && value >= 0.0).then(|| (value * unit_ms).round() as u64)
    };
    let (min_ms, max_ms) = match number_part.split_once('-') {
        Some((low, high)) => (to_ms(low)?, to_ms(high)?),
        None => {
            let point = to_ms(number_part)?;
            (point, point)
        }
    };
    (min_ms <= max_ms).then_some(EstimatedTime { min_ms, max_ms })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(value: u64) -> Duration {
        Duration::from_millis(value)
    }

    /// Poll instants (ms after submission) of a schedule run for `polls` polls.
    fn instants(estimate: Option<EstimatedTime>, random: f64, polls: usize) -> Vec<u64> {
        let mut schedule = PollSchedule::new(PollPolicy::default(), estimate);
        let mut now = Duration::ZERO;
        (0..polls)
            .map(|_| {
                now += schedule.next_delay(now, random);
                now.as_millis() as u64
            })
            .collect()
    }

    #[test]
    fn parses_documented_estimates() {
        let estimate = |min_ms, max_ms| Some(EstimatedTime { min_ms, max_ms });
        assert_eq!(parse_estimated_time("5-15s"), estimate(5000, 15000));
        assert_eq!(parse_estimated_time("1-3s"), estimate(1000, 3000));
        assert_eq!(parse_estimated_time("26s"), estimate(26000, 26000));
        assert_eq!(parse_estimated_time("500ms"), estimate(500, 500));
        assert_eq!(parse_estimated_time("2m"), estimate(120_000, 120_000));
        assert_eq!(parse_estimated_time("1.5-2.5s"), estimate(1500, 2500));
        assert_eq!(parse_estimated_time("soon"), None);
        assert_eq!(parse_estimated_time("15-5s"), None);
        assert_eq!(parse_estimated_time("-1s"), None);
    }

    #[test]
    fn checks_are_evenly_spread_over_the_window_from_one_spacing_in() {
        let polls = instants(
            Some(EstimatedTime {
                min_ms: 1000,
                max_ms: 3000,
            }),
            0.5,
            5,
        );
        // The middle of the phase's range: the nominal instants.
        assert_eq!(&polls[..4], &[1500, 2000, 2500, 3000], "{polls:?}");
        // Past the window the interval starts from a tenth of its end.
        let polls = instants(
            Some(EstimatedTime {
                min_ms: 5000,
                max_ms: 15000,
            }),
            0.5,
            21,
        );
        // 20 checks, as many on average as a one-second poller's.
        let expected: Vec<u64> = (1..=20).map(|k| 5000 + 500 * k).collect();
        assert_eq!(&polls[..20], expected.as_slice(), "{polls:?}");
        // 1.5 s, shortened by the jitter's half (random 0.5 of 0.2).
        assert_eq!(polls[20], 15000 + 1350, "{polls:?}");
    }

    /// Mean checks and median delay (ms) of checks at `polls` for
    /// completions at every millisecond of `[min, max]`.
    fn checks_and_delay(polls: &[u64], min: u64, max: u64) -> (f64, u64) {
        let mut checks = Vec::new();
        let mut delays = Vec::new();
        for k in 0..=(max - min) {
            let done = min + k;
            let first = polls.iter().position(|&at| at >= done).unwrap();
            checks.push(first as f64 + 1.0);
            delays.push(polls[first] - done);
        }
        delays.sort_unstable();
        (
            checks.iter().sum::<f64>() / checks.len() as f64,
            delays[delays.len() / 2],
        )
    }

    #[test]
    fn as_many_checks_as_a_one_second_poller_for_half_its_delay() {
        for (min, max) in [(1000, 3000), (5000, 15000), (2000, 6000)] {
            let estimate = Some(EstimatedTime {
                min_ms: min,
                max_ms: max,
            });
            let every_second: Vec<u64> = (1..400).map(|k| k * 1000).collect();
            let fixed = checks_and_delay(&every_second, min, max);
            // At the middle phase, half the delay for the same checks.
            let ours = checks_and_delay(&instants(estimate, 0.5, 200), min, max);
            assert!(
                ours.0 <= fixed.0 + 0.01,
                "{min}-{max}: {ours:?} vs {fixed:?}"
            );
            assert!(
                2 * ours.1 <= fixed.1 + 1,
                "{min}-{max}: {ours:?} vs {fixed:?}"
            );
            // Over every phase, on average no more checks, and the delay
            // within a few percent of half (a phase shifts every check).
            let phases: Vec<(f64, u64)> = (0..10)
                .map(|k| checks_and_delay(&instants(estimate, f64::from(k) / 10.0, 200), min, max))
                .collect();
            let checks = phases.iter().map(|(checks, _)| checks).sum::<f64>() / 10.0;
            assert!(
                checks <= fixed.0 + 0.01,
                "{min}-{max}: {phases:?} vs {fixed:?}"
            );
            assert!(
                phases
                    .iter()
                    .all(|(_, delay)| 2 * delay <= fixed.1 + fixed.1 / 8),
                "{min}-{max}: {phases:?} vs {fixed:?}"
            );
        }
    }

    #[test]
    fn backoff_grows_to_the_cap_and_stays_there() {
        let polls = instants(
            Some(EstimatedTime {
                min_ms: 1000,
                max_ms: 3000,
            }),
            0.0,
            40,
        );
        let gaps: Vec<u64> = polls.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.windows(2).all(|w| w[1] >= w[0]), "{gaps:?}");
        assert_eq!(*gaps.last().unwrap(), 10_000, "{gaps:?}");
        assert!(
            gaps.iter().all(|gap| *gap >= 250 && *gap <= 10_000),
            "{gaps:?}"
        );
    }

    #[test]
    fn jitter_only_shortens_intervals_within_its_fraction() {
        let mut schedule = PollSchedule::new(
            PollPolicy::default(),
            Some(EstimatedTime {
                min_ms: 1000,
                max_ms: 3000,
            }),
        );
        let mut now = Duration::ZERO;
        for _ in 0..30 {
            let plain = schedule.clone().next_delay(now, 0.0);
            let jittered = schedule.clone().next_delay(now, 0.999);
            assert!(jittered <= plain, "{jittered:?} > {plain:?} at {now:?}");
            assert!(
                jittered >= plain.mul_f64(0.79),
                "{jittered:?} vs {plain:?} at {now:?}"
            );
            now += schedule.next_delay(now, 0.0);
        }
    }

    #[test]
    fn without_an_estimate_starts_at_first_poll_and_backs_off() {
        let polls = instants(None, 0.0, 4);
        assert_eq!(polls, vec![1000, 2500, 4750, 8125]);
    }

    #[test]
    fn a_point_estimate_is_polled_at_its_value_then_backs_off() {
        // Before the estimate, no gap exceeds the cap (the estimate may be
        // pessimistic); from the estimate on, backoff from a tenth of it.
        let polls = instants(
            Some(EstimatedTime {
                min_ms: 26000,
                max_ms: 26000,
            }),
            0.0,
            5,
        );
        assert_eq!(polls, vec![10000, 20000, 26000, 28600, 32500]);
    }

    #[test]
    fn bad_settings_and_estimates_do_not_panic_or_stall() {
        let policy = PollPolicy {
            jitter: f64::NAN,
            backoff_factor: 1e300,
            ..PollPolicy::default()
        };
        let mut schedule = PollSchedule::new(
            policy,
            Some(EstimatedTime {
                min_ms: 900_000,
                max_ms: u64::MAX,
            }),
        );
        // An estimate of 15 minutes still polls within the 10 s cap.
        assert_eq!(
            schedule.next_delay(Duration::ZERO, f64::NAN),
            Duration::from_secs(10)
        );
        let mut now = Duration::ZERO;
        let mut schedule = PollSchedule::new(policy, None);
        for _ in 0..10 {
            let delay = schedule.next_delay(now, f64::NAN);
            assert!(delay <= Duration::from_secs(10));
            now += delay;
        }
    }

    #[test]
    fn a_window_narrower_than_the_smallest_spacing_is_checked_once_at_its_end() {
        // Learned from completions that one check saw together: 1000-1020 ms
        // with a 250 ms minimum spacing. Every instant around it, every
        // phase: no panic, one check at the end (shifted by the phase, at
        // most a tenth of the spacing, 25 ms), then backoff.
        let window = Some(EstimatedTime {
            min_ms: 1000,
            max_ms: 1020,
        });
        for random in [0.0, 0.5, 0.999] {
            let checks = instants(window, random, 2);
            let once =
                PollSchedule::new(PollPolicy::default(), window).next_delay(Duration::ZERO, random);
            assert!(
                (ms(995)..=ms(1045)).contains(&once),
                "random {random}: {once:?}"
            );
            assert!(checks[1] >= checks[0] + 250, "random {random}: {checks:?}");
            for now in (0..3000).step_by(5) {
                let mut schedule = PollSchedule::new(PollPolicy::default(), window);
                let delay = schedule.next_delay(ms(now), random);
                assert!(delay <= ms(10_000), "{now} ms: {delay:?}");
                if ms(now) < once {
                    assert_eq!(delay, once - ms(now), "{now} ms, random {random}");
                }
            }
        }
    }

    #[test]
    fn every_window_and_instant_gives_a_delay_above_zero_and_within_the_cap() {
        let cap = PollPolicy::default().max_interval;
        for start in (0..4000).step_by(250) {
            for width in (0..700).step_by(7) {
                let window = Some(EstimatedTime {
                    min_ms: start,
                    max_ms: start + width,
                });
                for now in (0..start + width + 1500).step_by(13) {
                    for random in [0.0, 0.37, 0.999] {
                        let mut schedule = PollSchedule::new(PollPolicy::default(), window);
                        let delay = schedule.next_delay(ms(now), random);
                        assert!(
                            delay > Duration::ZERO && delay <= cap,
                            "window {window:?}, {now} ms, random {random}: {delay:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_late_start_skips_straight_to_the_current_phase() {
        // A sync-mode request that came back unfinished after 20 s.
        let mut schedule = PollSchedule::new(
            PollPolicy::default(),
            Some(EstimatedTime {
                min_ms: 5000,
                max_ms: 15000,
            }),
        );
        assert_eq!(schedule.next_delay(ms(20_000), 0.0), ms(1500));
    }
}
