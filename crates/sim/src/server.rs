//! The accept loop of one listener: a task per connection, every one kept in
//! a `JoinSet` so that stopping the listener stops them all (a sync-mode
//! answer being held included). No thread per connection or prediction.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use http::{Request, Response};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::log::ConnectionCounts;
use crate::respond::{Dropped, WireBody};

/// Counts a listener's connections as they open and close.
#[derive(Debug, Default)]
pub(crate) struct Gauge {
    accepted: AtomicU64,
    open: AtomicU64,
    peak_open: AtomicU64,
}

impl Gauge {
    fn opened(&self) {
        self.accepted.fetch_add(1, Ordering::Relaxed);
        let open = self.open.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak_open.fetch_max(open, Ordering::Relaxed);
    }

    fn closed(&self) {
        self.open.fetch_sub(1, Ordering::Relaxed);
    }

    pub(crate) fn counts(&self) -> ConnectionCounts {
        ConnectionCounts {
            accepted: self.accepted.load(Ordering::Relaxed),
            peak_open: self.peak_open.load(Ordering::Relaxed),
            open: self.open.load(Ordering::Relaxed),
        }
    }

    /// Starts counting afresh: the peak from what is open now.
    pub(crate) fn reset(&self) {
        self.accepted.store(0, Ordering::Relaxed);
        self.peak_open
            .store(self.open.load(Ordering::Relaxed), Ordering::Relaxed);
    }
}

/// Closes its connection's count however the connection's task ends
/// (finished, failed or aborted at shutdown).
struct Open(Arc<Gauge>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.closed();
    }
}

/// Serves `listener` with `handler` until `stop` turns true (or its sender
/// goes away), then aborts every connection and waits for them to end.
pub(crate) async fn serve<H, F>(
    listener: TcpListener,
    gauge: Arc<Gauge>,
    mut stop: watch::Receiver<bool>,
    handler: H,
) where
    H: Fn(Request<Incoming>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Result<Response<WireBody>, Dropped>> + Send + 'static,
{
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    break;
                }
            }
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let handler = handler.clone();
                    gauge.opened();
                    let open = Open(Arc::clone(&gauge));
                    connections.spawn(async move {
                        let _open = open;
                        let service = service_fn(handler);
                        // A connection ending in an error (a client going
                        // away, a dropped or cut answer) concerns only itself.
                        let _ = http1::Builder::new()
                            .timer(TokioTimer::new())
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
                // Out of file descriptors, for instance: wait rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            // Reap finished connections so the set holds only live ones.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}
