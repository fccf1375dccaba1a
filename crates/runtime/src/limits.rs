//! Predictions in flight are not connections: however many a client holds,
//! the HTTP requests they make share a bounded number of slots per origin and
//! overall, and the output files they write share a bounded number of open
//! files. A request that finds no free slot waits for one (under its
//! operation's deadline); it never fails for lack of one.
//!
//! Each HTTP/1.1 request in flight holds one connection, and reqwest opens a
//! new connection only when no idle one is free, so capping requests caps
//! sockets; idle connections are kept for reuse up to the same per-origin
//! number. (The pool may open a connection while another frees up, since
//! its connect races the wait for an idle one, so an origin can briefly
//! see a few more than the cap, never more than twice it.) With the
//! defaults a client stays under about 200 file descriptors whatever its
//! load, inside the 256 of macOS's default limit and far inside Linux's
//! 1,024.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use url::Url;

/// How much a client holds open at once. Set with
/// [`ClientBuilder::connection_limits`](crate::ClientBuilder::connection_limits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectionLimits {
    /// HTTP requests in flight at once to one origin (scheme, host, port);
    /// also the idle connections kept for reuse per origin.
    pub per_origin: usize,
    /// HTTP requests in flight at once over every origin (the API and the
    /// hosts that serve outputs).
    pub total: usize,
    /// Output files open for writing at once.
    pub open_files: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            per_origin: 64,
            total: 128,
            open_files: 32,
        }
    }
}

impl ConnectionLimits {
    /// Sets the per-origin cap (at least 1).
    #[must_use]
    pub fn per_origin(mut self, requests: usize) -> Self {
        self.per_origin = requests.max(1);
        self
    }

    /// Sets the overall cap (at least 1).
    #[must_use]
    pub fn total(mut self, requests: usize) -> Self {
        self.total = requests.max(1);
        self
    }

    /// Sets the cap on open output files (at least 1).
    #[must_use]
    pub fn open_files(mut self, files: usize) -> Self {
        self.open_files = files.max(1);
        self
    }

    /// The same limits with every cap at least 1 and at most what a
    /// semaphore can count, so a zero from a struct literal cannot make every
    /// request wait forever.
    pub(crate) fn sane(self) -> Self {
        let clamp = |n: usize| n.clamp(1, Semaphore::MAX_PERMITS);
        ConnectionLimits {
            per_origin: clamp(self.per_origin),
            total: clamp(self.total),
            open_files: clamp(self.open_files),
        }
    }
}

/// Origins remembered before those with nothing in flight are forgotten.
const ORIGINS_KEPT: usize = 256;

/// The slots every request and output file of one client takes.
#[derive(Debug)]
pub(crate) struct Gates {
    limits: ConnectionLimits,
    total: Arc<Semaphore>,
    origins: Mutex<HashMap<String, Arc<Semaphore>>>,
    files: Arc<Semaphore>,
}

/// Permission to have one request in flight: held until its answer has been
/// read in full (the connection is busy until then).
#[derive(Debug)]
pub(crate) struct RequestSlot {
    _origin: OwnedSemaphorePermit,
    _total: OwnedSemaphorePermit,
}

/// Permission to hold one output file open.
#[derive(Debug)]
pub(crate) struct FileSlot {
    _permit: OwnedSemaphorePermit,
}

impl Gates {
    pub(crate) fn new(limits: ConnectionLimits) -> Self {
        let limits = limits.sane();
        Gates {
            limits,
            total: Arc::new(Semaphore::new(limits.total)),
            origins: Mutex::new(HashMap::new()),
            files: Arc::new(Semaphore::new(limits.open_files)),
        }
    }

    pub(crate) fn limits(&self) -> ConnectionLimits {
        self.limits
    }

    /// Waits for a request slot for `url`'s origin. The origin's slot is
    /// taken first and the overall one second, so a request waiting for a
    /// busy origin never holds a slot another origin's request could use.
    pub(crate) async fn request(&self, url: &Url) -> RequestSlot {
        let origin = self.origin(url);
        // The semaphores are never closed, so acquiring cannot fail; should
        // it ever, the request goes ahead rather than hang.
        let origin = match origin.acquire_owned().await {
            Ok(permit) => permit,
            Err(_) => unreachable_closed(),
        };
        let total = match Arc::clone(&self.total).acquire_owned().await {
            Ok(permit) => permit,
            Err(_) => unreachable_closed(),
        };
        RequestSlot {
            _origin: origin,
            _total: total,
        }
    }

    /// Waits for an output file slot.
    pub(crate) async fn file(&self) -> FileSlot {
        match Arc::clone(&self.files).acquire_owned().await {
            Ok(permit) => FileSlot { _permit: permit },
            Err(_) => unreachable_closed(),
        }
    }

    fn origin(&self, url: &Url) -> Arc<Semaphore> {
        let key = url.origin().ascii_serialization();
        let mut origins = self
            .origins
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if origins.len() >= ORIGINS_KEPT && !origins.contains_key(&key) {
            // A semaphore nobody holds or waits on is shared by nobody.
            origins.retain(|_, semaphore| Arc::strong_count(semaphore) > 1);
        }
        Arc::clone(
            origins
                .entry(key)
                .or_insert_with(|| Arc::new(Semaphore::new(self.limits.per_origin))),
        )
    }
}

/// The gates' semaphores live as long as the gates and are never closed.
#[cold]
fn unreachable_closed() -> ! {
    unreachable!("a client's request semaphores are never closed")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[tokio::test]
    async fn an_origin_at_its_cap_waits_while_another_origin_goes_ahead() {
        let gates = Gates::new(ConnectionLimits::default().per_origin(2).total(3));
        let api = url("https://api.example.com/a");
        let _first = gates.request(&api).await;
        let _second = gates.request(&url("https://api.example.com/b")).await;
        let third = tokio::time::timeout(Duration::from_millis(50), gates.request(&api)).await;
        assert!(third.is_err(), "a third request to a full origin must wait");
        let assets = tokio::time::timeout(
            Duration::from_millis(50),
            gates.request(&url("https://cdn.example.com/x.png")),
        )
        .await;
        assert!(assets.is_ok(), "another origin has room");
    }

    #[tokio::test]
    async fn the_total_cap_holds_over_origins_and_slots_come_back() {
        let gates = Gates::new(ConnectionLimits::default().per_origin(5).total(2));
        let one = gates.request(&url("https://a.example.com")).await;
        let _two = gates.request(&url("https://b.example.com")).await;
        let waiting = tokio::time::timeout(
            Duration::from_millis(50),
            gates.request(&url("https://c.example.com")),
        )
        .await;
        assert!(waiting.is_err());
        drop(one);
        let freed = tokio::time::timeout(
            Duration::from_millis(50),
            gates.request(&url("https://c.example.com")),
        )
        .await;
        assert!(freed.is_ok(), "a returned slot is reused");
    }

    #[test]
    fn zero_caps_are_raised_to_one() {
        let limits = ConnectionLimits {
            per_origin: 0,
            total: 0,
            open_files: 0,
        }
        .sane();
        assert_eq!(
            (limits.per_origin, limits.total, limits.open_files),
            (1, 1, 1)
        );
    }

    #[test]
    fn idle_origins_are_forgotten_past_the_bound() {
        let gates = Gates::new(ConnectionLimits::default());
        for n in 0..ORIGINS_KEPT * 3 {
            gates.origin(&url(&format!("https://host{n}.example.com")));
        }
        assert!(gates.origins.lock().unwrap().len() <= ORIGINS_KEPT);
    }
}
