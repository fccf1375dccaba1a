//! One deadline over the steps of an operation.

use std::time::{Duration, Instant};

use crate::retry::later;

/// When an operation must be over, and when it began.
///
/// [`Client::generate`](crate::Client::generate) takes one for submission,
/// waiting and saving together. Callers that run the steps one by one (to
/// record the prediction id between them, say) make one with
/// [`Client::deadline`](crate::Client::deadline) or [`Deadline::after`] and
/// pass it to [`Client::submit_until`](crate::Client::submit_until) and
/// [`Client::wait_until`](crate::Client::wait_until); the
/// [`Generation`](crate::Generation) a wait returns saves under the same
/// deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    started: Instant,
    at: Instant,
}

impl Deadline {
    /// A deadline `budget` from now (`Duration::MAX` for none to speak of).
    pub fn after(budget: Duration) -> Self {
        let started = Instant::now();
        Deadline {
            started,
            at: later(started, budget),
        }
    }

    /// The instant it passes.
    pub fn at(&self) -> Instant {
        self.at
    }

    /// When the operation began.
    pub fn started(&self) -> Instant {
        self.started
    }

    /// Time left (zero once passed).
    pub fn remaining(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    /// Whether it has passed.
    pub fn has_passed(&self) -> bool {
        Instant::now() >= self.at
    }
}
