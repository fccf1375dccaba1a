//! The wait loop: poll on the schedule until the acceptor says done, under one
//! deadline, obeying the server's `Retry-After`.
//!
//! Written against a [`Clock`] so tests drive it with virtual time: the loop
//! never sleeps on its own, it asks the clock to.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::retry::later;
use crate::schedule::PollSchedule;

/// A source of time for waits. [`TokioClock`] in production; tests use a
/// virtual clock whose sleeps return at once.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> Instant;
    /// Completes at `deadline` (at once if it has passed).
    fn sleep_until(&self, deadline: Instant) -> impl Future<Output = ()> + Send;
}

/// The tokio timer: sleeps are cancelled with the future that awaits them.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioClock;

impl Clock for TokioClock {
    fn now(&self) -> Instant {
        tokio::time::Instant::now().into_std()
    }

    fn sleep_until(&self, deadline: Instant) -> impl Future<Output = ()> + Send {
        tokio::time::sleep_until(deadline.into())
    }
}

/// What one poll found.
#[derive(Debug)]
pub enum Check<T> {
    /// Finished, successfully or not: stop polling.
    Done(T),
    /// Still running; poll again, not before `retry_after` if the server
    /// asked for a pause.
    Pending {
        /// The server's requested pause.
        retry_after: Option<Duration>,
    },
}

/// Why a wait ended without an answer.
#[derive(Debug)]
pub enum WaitError<E> {
    /// A poll failed.
    Failed(E),
    /// The deadline would pass before the next poll could be made.
    Deadline {
        /// Polls made.
        polls: u32,
    },
}

/// Polls with `check` on `schedule` from `started` until it reports
/// [`Check::Done`], an error, or the deadline leaves no room for another poll.
///
/// No poll is made later than `deadline - margin`, so a last look fits before
/// the deadline; a `Retry-After` reaching past that point ends the wait
/// rather than being ignored. Returns the answer and the number of polls.
pub async fn wait_for<C, T, E, F, Fut>(
    clock: &C,
    mut schedule: PollSchedule,
    started: Instant,
    deadline: Instant,
    margin: Duration,
    mut random: impl FnMut() -> f64,
    mut check: F,
) -> Result<(T, u32), WaitError<E>>
where
    C: Clock,
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<Check<T>, E>>,
{
    let last_look = deadline.checked_sub(margin).unwrap_or(deadline);
    let mut polls = 0;
    let mut retry_after: Option<Duration> = None;
    loop {
        let now = clock.now();
        let scheduled = later(
            now,
            schedule.next_delay(now.saturating_duration_since(started), random()),
        );
        let earliest = later(now, retry_after.take().unwrap_or_default());
        let mut at = scheduled.max(earliest);
        if at > last_look {
            if earliest > last_look || now >= last_look {
                return Err(WaitError::Deadline { polls });
            }
            at = last_look;
        }
        clock.sleep_until(at).await;
        polls += 1;
        match check(polls).await {
            Ok(Check::Done(answer)) => return Ok((answer, polls)),
            Ok(Check::Pending { retry_after: pause }) => retry_after = pause,
            Err(error) => return Err(WaitError::Failed(error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::info::EstimatedTime;
    use crate::schedule::PollPolicy;

    /// Virtual time: sleeping moves the clock, nothing waits.
    struct VirtualClock {
        origin: Instant,
        offset: Mutex<Duration>,
    }

    impl VirtualClock {
        fn new() -> Self {
            VirtualClock {
                origin: Instant::now(),
                offset: Mutex::new(Duration::ZERO),
            }
        }
        fn elapsed_ms(&self) -> u64 {
            self.offset.lock().unwrap().as_millis() as u64
        }
    }

    impl Clock for VirtualClock {
        fn now(&self) -> Instant {
            self.origin + *self.offset.lock().unwrap()
        }
        fn sleep_until(&self, deadline: Instant) -> impl Future<Output = ()> + Send {
            let mut offset = self.offset.lock().unwrap();
            *offset = (*offset).max(deadline.saturating_duration_since(self.origin));
            std::future::ready(())
        }
    }

    fn block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    /// Runs a wait whose prediction finishes at `done_at_ms`, with the
    /// server asking for `pauses` (poll number → Retry-After); returns the
    /// poll instants and the outcome.
    fn run(
        estimate: Option<EstimatedTime>,
        done_at_ms: u64,
        deadline_ms: u64,
        pauses: &[(u32, Duration)],
    ) -> (Vec<u64>, Result<u32, u32>) {
        let clock = VirtualClock::new();
        let started = clock.now();
        let schedule = PollSchedule::new(PollPolicy::default(), estimate);
        let mut instants = Vec::new();
        let outcome = block_on(wait_for(
            &clock,
            schedule,
            started,
            started + Duration::from_millis(deadline_ms),
            Duration::from_millis(250),
            // The middle of the phase's range: the window's nominal instants.
            || 0.5,
            |poll| {
                let now = clock.elapsed_ms();
                instants.push(now);
                let pause = pauses.iter().find(|(n, _)| *n == poll).map(|(_, d)| *d);
                std::future::ready(Ok::<_, ()>(if pause.is_none() && now >= done_at_ms {
                    Check::Done(())
                } else {
                    Check::Pending { retry_after: pause }
                }))
            },
        ));
        let outcome = match outcome {
            Ok(((), polls)) => Ok(polls),
            Err(WaitError::Deadline { polls }) => Err(polls),
            Err(WaitError::Failed(())) => unreachable!("checks never fail here"),
        };
        (instants, outcome)
    }

    const FIVE_TO_FIFTEEN: Option<EstimatedTime> = Some(EstimatedTime {
        min_ms: 5000,
        max_ms: 15000,
    });

    #[test]
    fn a_prediction_done_inside_its_window_is_seen_at_the_next_check() {
        // Checks every 500 ms from 5.5 s: as many on average as a poller
        // checking every second, at half its delay.
        let (instants, outcome) = run(FIVE_TO_FIFTEEN, 8000, 600_000, &[]);
        assert_eq!(instants, vec![5500, 6000, 6500, 7000, 7500, 8000]);
        assert_eq!(outcome, Ok(6));
    }

    #[test]
    fn a_late_prediction_costs_few_polls() {
        // Done after 2 minutes, 8x the upper bound: 20 checks in the window,
        // then backoff to the 10 s cap (a one-second poller: 120).
        let (instants, outcome) = run(FIVE_TO_FIFTEEN, 120_000, 600_000, &[]);
        assert!(instants.len() <= 36, "{} {instants:?}", instants.len());
        let overshoot = instants.last().unwrap() - 120_000;
        assert!(overshoot <= 10_000, "{instants:?}");
        assert_eq!(outcome, Ok(instants.len() as u32));
    }

    #[test]
    fn retry_after_is_obeyed() {
        // The second poll is answered with Retry-After: 7 s.
        let (instants, _) = run(
            FIVE_TO_FIFTEEN,
            30_000,
            600_000,
            &[(2, Duration::from_secs(7))],
        );
        assert_eq!(&instants[..3], &[5500, 6000, 13000], "{instants:?}");
    }

    #[test]
    fn the_deadline_holds_with_a_last_look_before_it() {
        let (instants, outcome) = run(FIVE_TO_FIFTEEN, u64::MAX, 60_000, &[]);
        assert_eq!(outcome, Err(instants.len() as u32));
        assert!(
            instants.iter().all(|at| *at <= 60_000 - 250),
            "{instants:?}"
        );
        assert_eq!(*instants.last().unwrap(), 60_000 - 250, "{instants:?}");
    }

    #[test]
    fn a_retry_after_past_the_deadline_ends_the_wait_without_polling_early() {
        let (instants, outcome) = run(
            FIVE_TO_FIFTEEN,
            u64::MAX,
            20_000,
            &[(1, Duration::from_secs(60))],
        );
        assert_eq!(instants, vec![5500]);
        assert_eq!(outcome, Err(1));
    }
}
