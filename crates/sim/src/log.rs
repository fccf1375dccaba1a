//! What happened, for tests to assert on: every submission and its outcome,
//! polls per prediction, downloads, uploads, credentials sent where they
//! must not go, and the faults that fired.
//!
//! [`Sim::log`](crate::Sim::log) hands out a snapshot; `GET /__sim/log`
//! answers the same as JSON.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::faults::{Fault, Target};

/// A snapshot of what the emulator saw, in arrival order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SimLog {
    /// Every submission attempt, accepted or not.
    pub submissions: Vec<Submission>,
    /// How many times each prediction id was polled (ids never created
    /// included: a client polling a wrong id shows here).
    pub polls: BTreeMap<String, u32>,
    /// When each prediction id was polled, in milliseconds since the
    /// emulator started (its submissions' `at_ms` clock): the instants a
    /// client chose, which a benchmark can replay in another client.
    #[serde(default)]
    pub poll_at_ms: BTreeMap<String, Vec<u64>>,
    /// Every request to the assets origin's `/outputs/`.
    pub downloads: Vec<Download>,
    /// Every request to a provider's upload endpoint, stored or not.
    #[serde(default)]
    pub uploads: Vec<Upload>,
    /// Every request that carried credentials to an origin that is not the API.
    pub credential_leaks: Vec<CredentialLeak>,
    /// Every fault that fired.
    pub faults: Vec<FiredFault>,
    /// Every webhook delivery attempt, genuine or injected.
    #[serde(default)]
    pub webhooks: Vec<WebhookDelivery>,
    /// Connections to the API listener.
    #[serde(default)]
    pub api_connections: ConnectionCounts,
    /// Connections to the assets listener.
    #[serde(default)]
    pub assets_connections: ConnectionCounts,
}

/// One webhook delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    /// The prediction it reports.
    pub prediction_id: String,
    /// Where it was sent.
    pub url: String,
    /// Its `webhook-id` (the same for every retry and duplicate).
    pub webhook_id: String,
    /// What it was.
    pub kind: DeliveryKind,
    /// The receiver's HTTP status, or `None` when it could not be reached
    /// (or the delivery was dropped by a fault, and never sent).
    pub status: Option<u16>,
}

/// What a webhook delivery attempt was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryKind {
    /// The provider's delivery (or a retry of it).
    Genuine,
    /// A second copy of a delivery the receiver accepted.
    Duplicate,
    /// Signed with the wrong secret.
    Forged,
    /// A replay stamped ten minutes early.
    Stale,
    /// Lost: never sent.
    Dropped,
}

/// The connections one listener saw: how a client's connection pool behaved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionCounts {
    /// Connections accepted.
    pub accepted: u64,
    /// The most that were open at once.
    pub peak_open: u64,
    /// Open now.
    pub open: u64,
}

/// One submission attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    /// The provider (`vibedream`).
    pub provider: String,
    /// The model id, once the path (and body) named one.
    pub model: Option<String>,
    /// The prediction created, if one was.
    pub prediction_id: Option<String>,
    /// The body as sent (`null` when it was not JSON).
    pub body: serde_json::Value,
    /// When it arrived, since the emulator started.
    #[serde(rename = "at_ms", with = "millis")]
    pub at: Duration,
    /// How it was answered.
    pub outcome: SubmitOutcome,
    /// When the prediction it created completes, since the emulator started
    /// (what a client's delay in noticing is measured from).
    #[serde(
        rename = "completes_at_ms",
        default,
        skip_serializing_if = "Option::is_none",
        with = "optional_millis"
    )]
    pub completes_at: Option<Duration>,
}

/// How a submission was answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SubmitOutcome {
    /// A prediction was created and this status answered (`200`, or `201` on
    /// aimlapi). A sync-mode answer is logged on arrival, before it is sent.
    Accepted {
        /// The HTTP status.
        status: u16,
    },
    /// Refused with this status (401, 400, 404, a fault's 429 or 5xx); no
    /// prediction was created.
    Rejected {
        /// The HTTP status.
        status: u16,
        /// The error message sent.
        message: String,
    },
    /// The connection was closed with no response ([`Fault::DropConnection`]);
    /// the prediction was created all the same.
    Dropped,
}

/// One request for an output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Download {
    /// The path asked for (`/outputs/<id>/0.png`).
    pub path: String,
    /// The HTTP status answered; `None` when the connection was dropped.
    pub status: Option<u16>,
    /// When the request arrived, since the emulator started.
    #[serde(rename = "at_ms", with = "millis")]
    pub at: Duration,
}

/// One request to a provider's upload endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload {
    /// The provider (`wavespeed`).
    pub provider: String,
    /// The id the file is stored under, if it was stored (answered, or
    /// stored and then dropped by a [`Fault::DropConnection`]).
    pub id: Option<String>,
    /// The name it is served under (made safe from the one sent), if stored.
    pub filename: Option<String>,
    /// The file's size in bytes; for a request refused before its file was
    /// found, the body's size where known (0 otherwise).
    pub bytes: u64,
    /// The HTTP status answered; `None` when the connection was dropped.
    pub status: Option<u16>,
    /// The error message sent, for a refused upload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// When it arrived, since the emulator started.
    #[serde(rename = "at_ms", with = "millis")]
    pub at: Duration,
}

/// A request that carried credentials to the assets origin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialLeak {
    /// The origin that received them (`http://127.0.0.1:PORT`).
    pub origin: String,
    /// The path asked for.
    pub path: String,
    /// The credential headers it carried, lowercase (`authorization`).
    pub headers: Vec<String>,
    /// When, since the emulator started.
    #[serde(rename = "at_ms", with = "millis")]
    pub at: Duration,
}

/// A fault that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiredFault {
    /// The fault.
    pub fault: Fault,
    /// The kind of request it fired on.
    pub target: Target,
    /// The prediction concerned, when known.
    pub prediction_id: Option<String>,
    /// When, since the emulator started.
    #[serde(rename = "at_ms", with = "millis")]
    pub at: Duration,
}

impl SimLog {
    /// Submissions of `model`, given as its id (`z-image-turbo`) or as
    /// `provider/id` (`vibedream/z-image-turbo`).
    pub fn submissions_for(&self, model: &str) -> Vec<&Submission> {
        self.submissions
            .iter()
            .filter(|s| {
                s.model.as_deref().is_some_and(|id| {
                    id == model
                        || model
                            .strip_prefix(s.provider.as_str())
                            .and_then(|rest| rest.strip_prefix('/'))
                            == Some(id)
                })
            })
            .collect()
    }

    /// Submissions that created a prediction (answered or dropped).
    pub fn accepted(&self) -> Vec<&Submission> {
        self.submissions
            .iter()
            .filter(|s| s.prediction_id.is_some())
            .collect()
    }

    /// How many times prediction `id` was polled.
    pub fn polls(&self, id: &str) -> u32 {
        self.polls.get(id).copied().unwrap_or(0)
    }

    /// Polls of every prediction together.
    pub fn total_polls(&self) -> u32 {
        self.polls.values().sum()
    }

    /// Requests for outputs.
    pub fn downloads(&self) -> &[Download] {
        &self.downloads
    }

    /// Requests to upload endpoints, stored or not.
    pub fn uploads(&self) -> &[Upload] {
        &self.uploads
    }

    /// Uploads that stored a file (answered `200`, or dropped after storing).
    pub fn stored_uploads(&self) -> Vec<&Upload> {
        self.uploads.iter().filter(|u| u.id.is_some()).collect()
    }

    /// Requests that carried credentials where they must not go.
    pub fn credential_leaks(&self) -> &[CredentialLeak] {
        &self.credential_leaks
    }

    /// Faults that fired.
    pub fn faults_fired(&self) -> &[FiredFault] {
        &self.faults
    }
}

/// Durations in JSON as whole milliseconds (`"at_ms": 1520` reads better
/// than serde's `{secs, nanos}`).
mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

mod optional_millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => super::millis::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Duration>, D::Error> {
        Option::<u64>::deserialize(d).map(|ms| ms.map(Duration::from_millis))
    }
}
