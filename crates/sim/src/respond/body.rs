//! The response body type: whole, or paced and cut for the transport faults.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use tokio::time::Sleep;

/// How long a cut body waits after its last bytes before the connection is
/// closed, so that they are flushed to the client first.
const CUT_LINGER: Duration = Duration::from_millis(50);

/// A response body: its chunks, an optional wait before each, and whether the
/// connection is cut after the last one.
#[derive(Debug)]
pub(crate) struct WireBody {
    chunks: VecDeque<Bytes>,
    delay: Option<Duration>,
    sleep: Option<Pin<Box<Sleep>>>,
    cut: bool,
    exact: Option<u64>,
}

impl WireBody {
    /// The whole body at once; hyper sends its `Content-Length`.
    pub(crate) fn full(bytes: Bytes) -> Self {
        let exact = Some(bytes.len() as u64);
        Self {
            chunks: if bytes.is_empty() {
                VecDeque::new()
            } else {
                VecDeque::from([bytes])
            },
            delay: None,
            sleep: None,
            cut: false,
            exact,
        }
    }

    /// `chunks`, each after `delay`, then an error if `cut` (which makes hyper
    /// close the connection mid-body). The caller sets `Content-Length`.
    pub(crate) fn paced(chunks: Vec<Bytes>, delay: Option<Duration>, cut: bool) -> Self {
        Self {
            chunks: chunks.into_iter().filter(|c| !c.is_empty()).collect(),
            delay,
            sleep: None,
            cut,
            exact: None,
        }
    }
}

/// The error ending a cut body; hyper answers it by closing the connection.
#[derive(Debug)]
pub(crate) struct BodyCut;

impl fmt::Display for BodyCut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the emulator cut the body short (truncated_body fault)")
    }
}

impl std::error::Error for BodyCut {}

impl Body for WireBody {
    type Data = Bytes;
    type Error = BodyCut;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyCut>>> {
        let this = self.get_mut();
        if this.chunks.is_empty() {
            if this.cut {
                // hyper drops the connection on a body error without flushing
                // what it buffered: wait first, so the bytes sent so far
                // reach the client and the cut comes mid-body.
                let linger = this
                    .sleep
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(CUT_LINGER)));
                ready!(linger.as_mut().poll(cx));
                this.sleep = None;
                this.cut = false;
                return Poll::Ready(Some(Err(BodyCut)));
            }
            return Poll::Ready(None);
        }
        if let Some(delay) = this.delay {
            let sleep = this
                .sleep
                .get_or_insert_with(|| Box::pin(tokio::time::sleep(delay)));
            ready!(sleep.as_mut().poll(cx));
            this.sleep = None;
        }
        Poll::Ready(this.chunks.pop_front().map(|chunk| Ok(Frame::data(chunk))))
    }

    fn is_end_stream(&self) -> bool {
        self.chunks.is_empty() && !self.cut
    }

    fn size_hint(&self) -> SizeHint {
        self.exact
            .map_or_else(SizeHint::default, SizeHint::with_exact)
    }
}
