//! The one error type of every client operation.
//!
//! Each variant answers "what should the caller do now": fix a parameter, set
//! a key, wait and retry, change the prompt, or resume a prediction that is
//! still running on the server. Every error raised after the server accepted a
//! submission carries the prediction id (when the provider gives one), so a
//! paid prediction is never lost with the error.

use std::path::PathBuf;
use std::time::Duration;

use crate::ParamError;
use crate::redact::Redactor;

/// Which part of an operation an error happened in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Phase {
    /// Sending the request that creates the prediction.
    Submit,
    /// Checking the prediction's status.
    Poll,
    /// Fetching or decoding an output.
    Download,
    /// Uploading a local image, before the submission.
    Upload,
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Phase::Submit => "submit",
            Phase::Poll => "poll",
            Phase::Download => "download",
            Phase::Upload => "upload",
        })
    }
}

/// Renders `", or use a model that uploads local files: a, b"`.
struct Alternatives<'a>(&'a [&'a str]);

impl std::fmt::Display for Alternatives<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            return Ok(());
        }
        write!(
            f,
            ", or use a model that uploads local files: {}",
            self.0.join(", ")
        )
    }
}

/// Renders `" (prediction <id>)"` when an id is known.
struct WithId<'a>(&'a Option<String>);

impl std::fmt::Display for WithId<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(id) => write!(f, " (prediction {id})"),
            None => Ok(()),
        }
    }
}

/// Everything that can go wrong between building a request and saving its
/// outputs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A parameter value breaks the documented rules; nothing was sent.
    #[error(transparent)]
    InvalidParameter(#[from] ParamError),

    /// A local image cannot be sent as it is (unreadable, not an image, a
    /// format or size the provider does not take, a mask that does not fit
    /// its image); nothing was sent.
    #[error("`{parameter}` ({image}) {problem}; nothing was sent")]
    InvalidImage {
        /// The image parameter.
        parameter: String,
        /// The file (or `<N bytes in memory>`).
        image: String,
        /// What is wrong.
        problem: crate::image::ImageProblem,
    },

    /// A local image for a parameter the provider takes only as a public
    /// URL (it documents no upload endpoint and no `data:` URIs); nothing
    /// was sent.
    #[error(
        "`{parameter}` is a local image ({image}), and {provider} takes only public http(s) URLs for it: host the file and pass its URL{}; nothing was sent",
        Alternatives(.alternatives)
    )]
    LocalImageRefused {
        /// The image parameter.
        parameter: String,
        /// The file (or `<N bytes in memory>`).
        image: String,
        /// The provider.
        provider: &'static str,
        /// Models of other providers that take a local file there.
        alternatives: &'static [&'static str],
    },

    /// Uploading a local image failed, so the request was not submitted:
    /// nothing was created or paid for, and trying again is safe.
    #[error(
        "uploading `{parameter}` ({image}) failed: {source}; the request was not submitted, so nothing was paid for"
    )]
    Upload {
        /// The image parameter.
        parameter: String,
        /// The file (or `<N bytes in memory>`).
        image: String,
        /// Why the upload failed.
        #[source]
        source: Box<Error>,
    },

    /// No API key was given and the documented environment variable is unset.
    #[error("no API key: set {env_var} (or pass a key to the client builder)")]
    MissingApiKey {
        /// The variable the provider's docs name.
        env_var: &'static str,
    },

    /// The client's configuration cannot be used (a malformed base URL, plain
    /// `http://` to a host that is not loopback); nothing was sent.
    #[error("invalid client configuration: {reason}")]
    InvalidConfig {
        /// What is wrong, and what is allowed.
        reason: String,
    },

    /// The server rejected the key (HTTP 401).
    #[error("unauthorised{}: {message}; check the API key", WithId(.prediction_id))]
    Unauthorized {
        /// The prediction, if the failure came after submission.
        prediction_id: Option<String>,
        /// The server's message.
        message: String,
    },

    /// The key may not do this, or the balance is insufficient (HTTP 403).
    #[error("forbidden{}: {message}; check the key's permissions and the account balance", WithId(.prediction_id))]
    Forbidden {
        /// The prediction, if the failure came after submission.
        prediction_id: Option<String>,
        /// The server's message.
        message: String,
    },

    /// Too many requests (HTTP 429), after the retries the policy allows.
    #[error("rate limited{}: {message}{}", WithId(.prediction_id), RetryHint(.retry_after))]
    RateLimited {
        /// The prediction, if the failure came after submission.
        prediction_id: Option<String>,
        /// How long the server asked to wait, if it said.
        retry_after: Option<Duration>,
        /// The server's message.
        message: String,
    },

    /// The request was rejected as invalid by the server (HTTP 400) for a
    /// reason other than content policy.
    #[error("rejected by the server{}: {message}", WithId(.prediction_id))]
    BadRequest {
        /// The prediction, if the failure came after submission.
        prediction_id: Option<String>,
        /// The server's message.
        message: String,
    },

    /// The prompt or an image was blocked by the provider's safety checks:
    /// either refused at submission or a prediction flagged by moderation.
    #[error("blocked by content policy{}: {message}", WithId(.prediction_id))]
    ContentPolicy {
        /// The prediction, if one was created.
        prediction_id: Option<String>,
        /// The provider's message.
        message: String,
    },

    /// The provider failed (HTTP 5xx, or an envelope code saying so).
    #[error("server error {status}{}: {message}", WithId(.prediction_id))]
    Server {
        /// The prediction, if the failure came after submission.
        prediction_id: Option<String>,
        /// HTTP status (or envelope code).
        status: u16,
        /// The server's message.
        message: String,
    },

    /// The prediction ended in a terminal failure status (`failed`,
    /// `cancelled`, `timeout`, `deleted`, …).
    #[error("prediction{} ended `{status}`: {}", WithId(.prediction_id), .message.as_deref().unwrap_or("the provider gave no reason"))]
    PredictionFailed {
        /// The prediction (a sync-mode answer may fail before naming one).
        prediction_id: Option<String>,
        /// The terminal status as sent.
        status: String,
        /// The provider's message, if any.
        message: Option<String>,
    },

    /// The prediction kept reporting a status the provider does not document.
    #[error(
        "prediction {prediction_id} reports the undocumented status `{status}` {polls} times in a row; resume it later or check the provider's dashboard"
    )]
    UnknownStatus {
        /// The prediction.
        prediction_id: String,
        /// The status as sent.
        status: String,
        /// How many polls in a row reported it.
        polls: u32,
    },

    /// The overall deadline (or a request's own timeout) passed.
    #[error("timed out during {phase} after {:.1}s{}{}", .elapsed.as_secs_f64(), WithId(.prediction_id), ResumeHint(*.phase, .prediction_id))]
    Timeout {
        /// Where the time ran out.
        phase: Phase,
        /// The prediction, if one was created.
        prediction_id: Option<String>,
        /// Time spent in the operation.
        elapsed: Duration,
    },

    /// The deadline passed before the request could be sent: it waited for
    /// a free connection (every slot to the origin was busy), or for a retry
    /// after failures that proved the server never took it. Nothing reached
    /// the server, so for a submission nothing was created or paid for, and
    /// submitting again is safe.
    #[error("timed out during {phase} after {:.1}s before the request was sent ({reason}); nothing reached the server, so nothing was created or paid for", .elapsed.as_secs_f64())]
    NotSent {
        /// Where the time ran out.
        phase: Phase,
        /// Time spent in the operation.
        elapsed: Duration,
        /// What it was waiting for.
        reason: String,
    },

    /// The request was not sent: its cost would pass the client's budget
    /// (or cannot be counted against it).
    #[error("not sent: {source}")]
    OverBudget {
        /// Why the budget refused it.
        #[source]
        source: crate::budget::BudgetError,
    },

    /// The request was not sent: the client has a budget, and the model's
    /// documentation prices nothing for this request, so it cannot be
    /// counted against it.
    #[error(
        "not sent: the documentation of {model} states no price for this request, so it cannot be counted against the budget; give an assumed cost for it (`ClientBuilder::unknown_cost_as`, `--unknown-cost-as` on the command line)"
    )]
    UnknownCost {
        /// The model.
        model: &'static str,
    },

    /// The request was not sent: the client prices each request with the
    /// provider's pricing endpoint first (`ClientBuilder::quote_costs`),
    /// and that failed.
    #[error(
        "not sent: the provider's price for it could not be read ({source}); nothing was sent, so nothing was paid"
    )]
    NotQuoted {
        /// Why the price could not be read.
        #[source]
        source: Box<Error>,
    },

    /// The connection failed or broke.
    #[error("transport error during {phase}{}: {source}", WithId(.prediction_id))]
    Transport {
        /// Where it happened.
        phase: Phase,
        /// The prediction, if one was created.
        prediction_id: Option<String>,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },

    /// The server answered something that cannot be read as the documented
    /// response.
    #[error("undecodable {phase} response{} (HTTP {status}): {reason}; body starts: {excerpt:?}", WithId(.prediction_id))]
    Undecodable {
        /// Where it happened.
        phase: Phase,
        /// The prediction, if one was created.
        prediction_id: Option<String>,
        /// The HTTP status of the response.
        status: u16,
        /// Why it could not be read.
        reason: String,
        /// The start of the body.
        excerpt: String,
    },

    /// An output could not be saved: it is not an image, too large, or
    /// its URL is not allowed.
    #[error("output {index}{} could not be saved: {reason}", WithId(.prediction_id))]
    Output {
        /// The prediction.
        prediction_id: Option<String>,
        /// The output's position.
        index: usize,
        /// What is wrong.
        reason: String,
    },

    /// The submission was sent and its answer never came: the connection
    /// broke or timed out after the request left, or the server failed
    /// without naming a prediction. The provider may have created (and
    /// charged for) a prediction, so the client does not send it again:
    /// [`Client::reconcile`](crate::Client::reconcile) looks for it in the
    /// provider's history.
    #[error(
        "no answer to {uncertain}: {source}; the provider may have created (and charged for) its prediction, so it was not sent again: reconcile it with the provider's history before sending it again"
    )]
    Unanswered {
        /// The submission, for [`Client::reconcile`](crate::Client::reconcile).
        uncertain: Box<crate::uncertain::Uncertain>,
        /// What ended the wait for the answer.
        #[source]
        source: Box<Error>,
    },

    /// Reconciling an unanswered submission found no prediction that is
    /// certainly its own; nothing was sent.
    #[error("reconciling {uncertain}: {finding}; nothing was sent")]
    Unreconciled {
        /// The submission.
        uncertain: Box<crate::uncertain::Uncertain>,
        /// What the history showed.
        finding: crate::uncertain::Finding,
    },

    /// Writing an output to disk failed. The image is not lost: the message
    /// says where it can still be fetched, or that it came inline and is
    /// still held by the [`Generation`](crate::Generation) (save it again).
    #[error("cannot write {}{}: {source}{}", .path.display(), WithId(.prediction_id), Recovery(*.output, .url))]
    Io {
        /// The prediction.
        prediction_id: Option<String>,
        /// The output being saved, if the failure concerns one.
        output: Option<usize>,
        /// Where that output can still be downloaded from, for URL outputs.
        url: Option<String>,
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// How an output that could not be written can still be had.
struct Recovery<'a>(Option<usize>, &'a Option<String>);

impl std::fmt::Display for Recovery<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.0, self.1) {
            (Some(index), Some(url)) => {
                write!(f, "; output {index} can still be downloaded from {url}")
            }
            (Some(index), None) => write!(
                f,
                "; output {index} came inline (base64) and is still held by the generation: save it again elsewhere"
            ),
            (None, _) => Ok(()),
        }
    }
}

struct RetryHint<'a>(&'a Option<Duration>);

impl std::fmt::Display for RetryHint<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const DAY: Duration = Duration::from_secs(24 * 3600);
        match self.0 {
            // An absurd header (1e300 ms) is reported as what it means.
            Some(wait) if *wait > DAY => f.write_str("; the server asked to wait more than a day"),
            Some(wait) => write!(f, "; retry after {:.1}s", wait.as_secs_f64()),
            None => Ok(()),
        }
    }
}

/// After a submit or poll timeout the prediction may still be running; after
/// a download timeout it has finished, and resuming would not help.
struct ResumeHint<'a>(Phase, &'a Option<String>);

impl std::fmt::Display for ResumeHint<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.0, self.1) {
            (Phase::Submit | Phase::Poll, Some(_)) => {
                f.write_str("; the prediction may still finish: resume it by id")
            }
            _ => Ok(()),
        }
    }
}

impl Error {
    /// The prediction this error concerns, when one was created and the
    /// provider gave it an id.
    pub fn prediction_id(&self) -> Option<&str> {
        match self {
            Error::UnknownStatus { prediction_id, .. } => Some(prediction_id),
            Error::InvalidParameter(_)
            | Error::InvalidImage { .. }
            | Error::LocalImageRefused { .. }
            | Error::Upload { .. }
            | Error::MissingApiKey { .. }
            | Error::InvalidConfig { .. }
            | Error::NotSent { .. }
            | Error::OverBudget { .. }
            | Error::UnknownCost { .. }
            | Error::Unanswered { .. }
            | Error::Unreconciled { .. }
            | Error::NotQuoted { .. } => None,
            Error::Unauthorized { prediction_id, .. }
            | Error::Forbidden { prediction_id, .. }
            | Error::RateLimited { prediction_id, .. }
            | Error::BadRequest { prediction_id, .. }
            | Error::ContentPolicy { prediction_id, .. }
            | Error::Server { prediction_id, .. }
            | Error::PredictionFailed { prediction_id, .. }
            | Error::Timeout { prediction_id, .. }
            | Error::Transport { prediction_id, .. }
            | Error::Undecodable { prediction_id, .. }
            | Error::Output { prediction_id, .. }
            | Error::Io { prediction_id, .. } => prediction_id.as_deref(),
        }
    }

    /// The error behind this one: what a failed upload failed with (a
    /// refused key, a server error), else this error itself. For deciding
    /// what to do, which is the same whichever request met it.
    pub fn underlying(&self) -> &Error {
        match self {
            Error::Upload { source, .. } | Error::NotQuoted { source } => source.underlying(),
            error => error,
        }
    }

    /// The unanswered submission this error is about, for
    /// [`Client::reconcile`](crate::Client::reconcile).
    pub fn uncertain(&self) -> Option<&crate::uncertain::Uncertain> {
        match self {
            Error::Unanswered { uncertain, .. } | Error::Unreconciled { uncertain, .. } => {
                Some(uncertain)
            }
            _ => None,
        }
    }

    /// Whether trying the same operation again later may succeed: rate limits,
    /// server errors, timeouts and broken connections. A retry of a
    /// submission creates (and pays for) a new prediction; when
    /// [`prediction_id`](Self::prediction_id) is set, resume that one instead.
    /// An unanswered submission is not retryable: it may have been taken,
    /// and is reconciled instead.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.underlying(),
            Error::RateLimited { .. }
                | Error::Server { .. }
                | Error::Timeout { .. }
                | Error::NotSent { .. }
                | Error::Transport { .. }
                | Error::UnknownStatus { .. }
        )
    }

    /// Whether the request this error ended was certainly never taken by
    /// the server, so a submission can be sent again without paying twice:
    /// it was never sent, or every attempt was refused before anything was
    /// created (no connection could be made, or rate limited).
    pub fn was_not_sent(&self) -> bool {
        match self {
            // Nothing was submitted: the submission waited for a slot to the
            // end, or a local image was refused or failed to upload first.
            Error::NotSent { .. }
            | Error::OverBudget { .. }
            | Error::UnknownCost { .. }
            | Error::Upload { .. }
            | Error::NotQuoted { .. }
            | Error::InvalidImage { .. }
            | Error::LocalImageRefused { .. } => true,
            Error::Transport {
                prediction_id: None,
                source,
                ..
            } => source.is_connect(),
            Error::RateLimited {
                prediction_id: None,
                ..
            } => true,
            _ => false,
        }
    }

    /// Whether a prediction this error happened to (the one it names, or
    /// the one the caller submitted) may still finish, or has finished, on
    /// the server, so waiting for it again by id can still deliver its
    /// outputs: after a deadline, a broken connection, a server error, an
    /// unreadable answer, a failed download. `false` for refusals and failed
    /// predictions, which are over.
    pub fn may_still_finish(&self) -> bool {
        match self {
            Error::RateLimited { .. }
            | Error::Server { .. }
            | Error::Timeout { .. }
            | Error::Transport { .. }
            | Error::UnknownStatus { .. }
            | Error::Undecodable { .. }
            | Error::Output { .. }
            | Error::Io { .. }
            | Error::Unanswered { .. } => true,
            Error::Unreconciled { finding, .. } => {
                matches!(finding, crate::uncertain::Finding::Ambiguous { .. })
            }
            Error::InvalidParameter(_)
            | Error::InvalidImage { .. }
            | Error::LocalImageRefused { .. }
            | Error::Upload { .. }
            | Error::NotQuoted { .. }
            | Error::MissingApiKey { .. }
            | Error::InvalidConfig { .. }
            | Error::NotSent { .. }
            | Error::OverBudget { .. }
            | Error::UnknownCost { .. }
            | Error::Unauthorized { .. }
            | Error::Forbidden { .. }
            | Error::BadRequest { .. }
            | Error::ContentPolicy { .. }
            | Error::PredictionFailed { .. } => false,
        }
    }

    /// The error with the key (and any `Bearer` token) masked in every piece
    /// of text a server or a response provided. Applied to every error an
    /// operation returns, before it is emitted as an event.
    pub(crate) fn redacted(mut self, redactor: &Redactor) -> Self {
        let mask = |text: &mut String| {
            let masked = redactor.text(text);
            if masked != *text {
                *text = masked;
            }
        };
        match &mut self {
            Error::Unauthorized { message, .. }
            | Error::Forbidden { message, .. }
            | Error::RateLimited { message, .. }
            | Error::BadRequest { message, .. }
            | Error::ContentPolicy { message, .. }
            | Error::Server { message, .. } => mask(message),
            Error::PredictionFailed {
                status, message, ..
            } => {
                mask(status);
                if let Some(message) = message {
                    mask(message);
                }
            }
            Error::UnknownStatus { status, .. } => mask(status),
            Error::Undecodable {
                reason, excerpt, ..
            } => {
                mask(reason);
                mask(excerpt);
            }
            Error::Output { reason, .. } => mask(reason),
            Error::Io { url: Some(url), .. } => mask(url),
            Error::InvalidConfig { reason } | Error::NotSent { reason, .. } => mask(reason),
            Error::Upload { source, .. }
            | Error::Unanswered { source, .. }
            | Error::NotQuoted { source } => {
                let inner = std::mem::replace(
                    source.as_mut(),
                    Error::InvalidConfig {
                        reason: String::new(),
                    },
                );
                **source = inner.redacted(redactor);
            }
            Error::InvalidParameter(_)
            | Error::InvalidImage { .. }
            | Error::LocalImageRefused { .. }
            | Error::MissingApiKey { .. }
            | Error::Timeout { .. }
            | Error::Transport { .. }
            | Error::OverBudget { .. }
            | Error::UnknownCost { .. }
            | Error::Unreconciled { .. }
            | Error::Io { url: None, .. } => {}
        }
        // An id is server text too: one read from an unreadable answer
        // (`{"id": "Incorrect API key provided: sk-…"}`) may hold the key.
        match &mut self {
            Error::UnknownStatus { prediction_id, .. } => mask(prediction_id),
            other => {
                if let Some(Some(id)) = other.prediction_id_slot() {
                    mask(id);
                }
            }
        }
        self
    }

    /// Where a variant that may lack a prediction id keeps it.
    fn prediction_id_slot(&mut self) -> Option<&mut Option<String>> {
        match self {
            Error::Unauthorized { prediction_id, .. }
            | Error::Forbidden { prediction_id, .. }
            | Error::RateLimited { prediction_id, .. }
            | Error::BadRequest { prediction_id, .. }
            | Error::ContentPolicy { prediction_id, .. }
            | Error::Server { prediction_id, .. }
            | Error::PredictionFailed { prediction_id, .. }
            | Error::Timeout { prediction_id, .. }
            | Error::Transport { prediction_id, .. }
            | Error::Undecodable { prediction_id, .. }
            | Error::Output { prediction_id, .. }
            | Error::Io { prediction_id, .. } => Some(prediction_id),
            Error::UnknownStatus { .. }
            | Error::Unanswered { .. }
            | Error::Unreconciled { .. }
            | Error::NotQuoted { .. }
            | Error::NotSent { .. }
            | Error::OverBudget { .. }
            | Error::UnknownCost { .. }
            | Error::InvalidImage { .. }
            | Error::LocalImageRefused { .. }
            | Error::Upload { .. }
            | Error::InvalidParameter(_)
            | Error::MissingApiKey { .. }
            | Error::InvalidConfig { .. } => None,
        }
    }

    /// Attaches the prediction id to an error raised by a step that did not
    /// know it.
    pub(crate) fn with_prediction_id(mut self, id: Option<&str>) -> Self {
        if let (Some(id), Some(slot @ None)) = (id, self.prediction_id_slot()) {
            *slot = Some(id.to_owned());
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_happened() {
        let output = Error::Output {
            prediction_id: Some("abc".into()),
            index: 0,
            reason: "it is too large".into(),
        };
        assert_eq!(
            output.to_string(),
            "output 0 (prediction abc) could not be saved: it is too large"
        );
        let output = Error::Output {
            prediction_id: None,
            index: 1,
            reason: "it is too large".into(),
        };
        assert_eq!(
            output.to_string(),
            "output 1 could not be saved: it is too large"
        );
        let absurd = Error::RateLimited {
            prediction_id: None,
            retry_after: Some(Duration::MAX),
            message: "slow down".into(),
        };
        assert_eq!(
            absurd.to_string(),
            "rate limited: slow down; the server asked to wait more than a day"
        );
    }
}
