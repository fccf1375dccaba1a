//! What a client knows of its own submissions, for telling its lost ones
//! apart in the provider's history: the ids answered to it (and those the
//! caller says are taken), the submissions still awaiting an answer, and
//! the unanswered ones not yet reconciled.
//!
//! Answered ids are forgotten once no submission they could be confused
//! with remains: one created before every open window (in flight or
//! unanswered) less the clock margin cannot be in any of them. So the
//! ledger holds the ids of the last few seconds, and of the time since the
//! oldest unreconciled submission.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use tokio::sync::Notify;

use crate::uncertain::Uncertain;

/// Answered ids are pruned once every this many, so the cost of finding
/// the oldest open window is spread thin.
const PRUNE_EVERY: u64 = 256;

#[derive(Debug)]
pub(crate) struct Ledger {
    inner: Mutex<Inner>,
    /// Woken whenever a submission in flight settles.
    settled: Notify,
    /// How far the provider's clock may be from this one.
    pub(crate) margin: Duration,
}

#[derive(Debug, Default)]
struct Inner {
    next_token: u64,
    /// Ids answered to this client, in the order they came, with when.
    answered: VecDeque<(SystemTime, String)>,
    answered_set: HashSet<String>,
    answered_since_prune: u64,
    /// Ids the caller says are taken (a manifest's), and those reconciled.
    claimed: HashSet<String>,
    /// Submissions sent and not yet answered: model and when sent.
    in_flight: HashMap<u64, (String, SystemTime)>,
    /// Unanswered submissions not yet reconciled, by nonce.
    open: HashMap<u64, Uncertain>,
}

/// A submission in flight: removed from the ledger when answered, when
/// given up on, or when its future is dropped.
#[derive(Debug)]
pub(crate) struct Flight {
    ledger: Arc<Ledger>,
    provider: &'static str,
    token: u64,
    pub(crate) model: String,
    pub(crate) sent: SystemTime,
    landed: bool,
}

impl Ledger {
    pub(crate) fn new(margin: Duration) -> Self {
        Ledger {
            inner: Mutex::default(),
            settled: Notify::new(),
            margin,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every update leaves the maps consistent: a panic elsewhere
        // poisons nothing that matters.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records a submission about to be sent.
    pub(crate) fn depart(self: &Arc<Self>, provider: &'static str, model: &str) -> Flight {
        let sent = SystemTime::now();
        let mut inner = self.lock();
        inner.next_token += 1;
        let token = inner.next_token;
        inner.in_flight.insert(token, (model.to_owned(), sent));
        Flight {
            ledger: Arc::clone(self),
            provider,
            token,
            model: model.to_owned(),
            sent,
            landed: false,
        }
    }

    /// Ids that are taken, by the caller's word (a manifest's lines).
    pub(crate) fn claim<I: IntoIterator<Item = String>>(&self, ids: I) {
        self.lock().claimed.extend(ids);
    }

    /// Whether `id` belongs to a submission this client knows of.
    pub(crate) fn is_known(&self, id: &str) -> bool {
        let inner = self.lock();
        inner.answered_set.contains(id) || inner.claimed.contains(id)
    }

    /// Adds an unanswered submission (one recorded elsewhere, say), so
    /// reconciling an overlapping one counts it.
    pub(crate) fn open(&self, uncertain: &Uncertain) {
        self.lock()
            .open
            .entry(uncertain.nonce)
            .or_insert_with(|| uncertain.clone());
    }

    /// Settles `uncertain` as prediction `id`, or forgets it (`None`).
    pub(crate) fn close(&self, uncertain: &Uncertain, id: Option<&str>) {
        let mut inner = self.lock();
        inner.open.remove(&uncertain.nonce);
        if let Some(id) = id {
            inner.claimed.insert(id.to_owned());
        }
    }

    /// Unanswered submissions of `uncertain`'s model, other than it, whose
    /// windows overlap its own.
    pub(crate) fn overlapping(&self, uncertain: &Uncertain) -> usize {
        let (start, end) = uncertain.window(self.margin);
        self.lock()
            .open
            .iter()
            .filter(|(nonce, other)| {
                **nonce != uncertain.nonce && other.model() == uncertain.model() && {
                    let (other_start, other_end) = other.window(self.margin);
                    other_start <= end && start <= other_end
                }
            })
            .count()
    }

    /// Waits until no submission of `model` sent before `until` is still
    /// awaiting its answer: its prediction, if it made one, could fall in
    /// the window being searched, and its answer will say whose it is.
    pub(crate) async fn settle_before(&self, model: &str, until: SystemTime) {
        loop {
            let notified = self.settled.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let pending = self
                .lock()
                .in_flight
                .values()
                .any(|(other, sent)| other == model && *sent <= until);
            if !pending {
                return;
            }
            notified.await;
        }
    }

    fn land(&self, token: u64, id: Option<&str>) {
        let mut inner = self.lock();
        inner.in_flight.remove(&token);
        if let Some(id) = id {
            let now = SystemTime::now();
            inner.answered.push_back((now, id.to_owned()));
            inner.answered_set.insert(id.to_owned());
            inner.answered_since_prune += 1;
            if inner.answered_since_prune >= PRUNE_EVERY {
                inner.answered_since_prune = 0;
                inner.prune(now, self.margin);
            }
        }
        drop(inner);
        self.settled.notify_waiters();
    }

    #[cfg(test)]
    fn answered_len(&self) -> usize {
        self.lock().answered.len()
    }
}

impl Inner {
    /// Forgets answered ids older than every open window less the margin
    /// (and a second more, for the rounding of windows to milliseconds).
    fn prune(&mut self, now: SystemTime, margin: Duration) {
        let oldest_open = self
            .in_flight
            .values()
            .map(|(_, sent)| *sent)
            .chain(self.open.values().map(Uncertain::sent_at))
            .min()
            .unwrap_or(now)
            .min(now);
        let Some(threshold) = oldest_open.checked_sub(margin + Duration::from_secs(1)) else {
            return;
        };
        while let Some((at, _)) = self.answered.front() {
            if *at >= threshold {
                break;
            }
            if let Some((_, id)) = self.answered.pop_front() {
                self.answered_set.remove(&id);
            }
        }
    }
}

impl Flight {
    /// The answer came and names prediction `id` (or none, for a
    /// synchronous answer).
    pub(crate) fn answered(mut self, id: Option<&str>) {
        self.landed = true;
        self.ledger.land(self.token, id);
    }

    /// The answer never came: the submission becomes an open uncertain one.
    pub(crate) fn unanswered(mut self) -> Uncertain {
        let uncertain = Uncertain::new(self.provider, &self.model, self.sent, SystemTime::now());
        self.ledger.open(&uncertain);
        self.landed = true;
        self.ledger.land(self.token, None);
        uncertain
    }
}

impl Drop for Flight {
    /// A submission dropped mid-flight (its future cancelled) may have
    /// been taken, and nobody will reconcile it: it stays open, so that a
    /// prediction it made is never taken for another submission's.
    fn drop(&mut self) {
        if !self.landed {
            let uncertain =
                Uncertain::new(self.provider, &self.model, self.sent, SystemTime::now());
            self.ledger.open(&uncertain);
            self.ledger.land(self.token, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn answered_ids_are_known_until_no_window_can_hold_them() {
        let ledger = Arc::new(Ledger::new(Duration::ZERO));
        let lost = ledger.depart("p", "m").unanswered();
        for index in 0..PRUNE_EVERY * 2 {
            ledger
                .depart("p", "m")
                .answered(Some(&format!("id-{index}")));
        }
        // The unanswered submission keeps every later id.
        assert_eq!(ledger.answered_len() as u64, PRUNE_EVERY * 2);
        assert!(ledger.is_known("id-0"));
        assert_eq!(ledger.overlapping(&lost), 0);
        ledger.close(&lost, Some("found"));
        assert!(ledger.is_known("found"));
        // With nothing open, ids from more than the margin (+1 s) ago go;
        // these are newer, so they stay.
        ledger.depart("p", "m").answered(Some("last"));
        assert!(ledger.is_known("id-0"));
    }

    #[tokio::test]
    async fn overlapping_unanswered_submissions_of_one_model_are_counted() {
        let ledger = Arc::new(Ledger::new(Duration::from_secs(5)));
        let first = ledger.depart("p", "m").unanswered();
        let second = ledger.depart("p", "m").unanswered();
        let other_model = ledger.depart("p", "n").unanswered();
        assert_eq!(ledger.overlapping(&first), 1);
        assert_eq!(ledger.overlapping(&second), 1);
        assert_eq!(ledger.overlapping(&other_model), 0);
        ledger.close(&second, None);
        assert_eq!(ledger.overlapping(&first), 0);
        // Read back from a record, it is counted again once opened, once
        // however often it is opened.
        let record: Uncertain =
            serde_json::from_str(&serde_json::to_string(&second).unwrap()).unwrap();
        ledger.open(&record);
        ledger.open(&record);
        assert_eq!(ledger.overlapping(&first), 1);
        // Another sent in the same millisecond is another submission.
        ledger.open(&Uncertain::new(
            "p",
            "m",
            second.sent_at(),
            second.answer_by(),
        ));
        assert_eq!(ledger.overlapping(&first), 2);
    }

    #[tokio::test]
    async fn settling_waits_for_earlier_submissions_of_the_model_only() {
        let ledger = Arc::new(Ledger::new(Duration::ZERO));
        let flight = ledger.depart("p", "m");
        let _other = ledger.depart("p", "n");
        let waiter = {
            let ledger = Arc::clone(&ledger);
            tokio::spawn(async move {
                ledger.settle_before("m", SystemTime::now()).await;
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.is_finished(), "a submission of m is in flight");
        flight.answered(Some("x"));
        tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("settled once answered")
            .unwrap();
    }
}
