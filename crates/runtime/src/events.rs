//! Progress a caller can watch: a progress bar, a log line per prediction, a
//! metric. Sent on a broadcast channel, so watching is optional and a slow
//! watcher loses old events instead of slowing the client down.

use std::path::PathBuf;
use std::time::Duration;

use crate::error::Phase;
use crate::info::EstimatedTime;

/// Something that happened to a prediction.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event {
    /// The provider's name (`vibedream`).
    pub provider: &'static str,
    /// The model id, when known (a prediction resumed by id has none).
    pub model: Option<String>,
    /// The prediction, once the server gave it an id.
    pub prediction_id: Option<String>,
    /// What happened.
    pub kind: EventKind,
}

/// What happened.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum EventKind {
    /// The server accepted the request.
    Submitted {
        /// How long it should take, by the server's or the docs' estimate.
        estimated_time: Option<EstimatedTime>,
    },
    /// A status check found the prediction still running.
    Processing {
        /// The status as sent.
        status: String,
        /// Time since submission.
        elapsed: Duration,
        /// How long it should take.
        estimated_time: Option<EstimatedTime>,
    },
    /// A request failed in a way worth retrying, and will be retried.
    Retrying {
        /// Which request.
        phase: Phase,
        /// The attempt about to be made (2 for the first retry).
        attempt: u32,
        /// The pause before it.
        delay: Duration,
        /// What went wrong.
        reason: String,
    },
    /// The prediction reported a status its provider does not document.
    UnknownStatus {
        /// The status as sent.
        status: String,
    },
    /// The outputs are ready.
    Completed {
        /// Time since submission.
        elapsed: Duration,
        /// Status checks made.
        polls: u32,
        /// Number of outputs.
        outputs: usize,
    },
    /// The prediction or a request for it failed for good.
    Failed {
        /// The error, as displayed.
        message: String,
    },
    /// A local image was uploaded (before the submission), or handed the
    /// URL of an upload of the same file made earlier.
    Uploaded {
        /// The image parameter.
        parameter: &'static str,
        /// The URL the request sends for it.
        url: String,
        /// Whether an earlier upload of the file was reused.
        reused: bool,
    },
    /// An output was written to disk.
    Saved {
        /// Where.
        path: PathBuf,
        /// Its size in bytes.
        bytes: u64,
    },
}
