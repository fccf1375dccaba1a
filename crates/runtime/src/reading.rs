//! Reading a provider's answers: where a prediction stands, and what an error
//! response means.
//!
//! Everything here is driven by the provider's tables ([`ProviderInfo`]:
//! statuses, documented errors, content-policy phrases) and the role accessors
//! of its generated response types ([`ResponseFields`]); nothing names a
//! provider.

use std::time::Duration;

use reqwest::StatusCode;

use crate::error::{Error, Phase};
use crate::info::{ErrorKind, Outcome, ProviderInfo};
use crate::prediction::Output;
use crate::traits::ResponseFields;

/// Longest excerpt of an unreadable body quoted in an error.
const EXCERPT_CHARS: usize = 200;

/// The role fields of one response, owned.
#[derive(Debug, Clone, Default)]
pub(crate) struct Snapshot {
    pub id: Option<String>,
    pub status: Option<String>,
    pub outputs: Vec<Output>,
    pub error: Option<String>,
    pub status_url: Option<String>,
    pub estimated_time: Option<String>,
    pub cost_cents: Option<i64>,
    pub envelope_code: Option<i64>,
    pub envelope_message: Option<String>,
}

impl Snapshot {
    pub(crate) fn of<F: ResponseFields>(fields: &F) -> Self {
        let owned = |text: Option<&str>| text.map(str::to_owned);
        Snapshot {
            id: owned(fields.prediction_id()),
            status: owned(fields.status()),
            outputs: fields.outputs().into_iter().map(Output::from_ref).collect(),
            error: owned(fields.error_message()),
            status_url: owned(fields.status_url()),
            estimated_time: owned(fields.estimated_time()),
            cost_cents: fields.cost_cents(),
            envelope_code: fields.envelope_code(),
            envelope_message: owned(fields.envelope_message()),
        }
    }
}

/// Where a prediction stands after one answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum State {
    /// Still running, with a documented non-terminal status.
    Running { status: String },
    /// Done, with its outputs.
    Succeeded {
        status: String,
        outputs: Vec<Output>,
    },
    /// Done, but this answer does not carry the outputs (GPTProto's sync
    /// mode): they must be read from the result endpoint.
    SucceededElsewhere { status: String },
    /// Ended in a documented failure status.
    Failed {
        status: String,
        message: Option<String>,
    },
    /// A status the provider does not document.
    Unknown { status: String },
}

/// Interprets an answer that arrived with a success HTTP status.
pub(crate) fn read_state(
    provider: &ProviderInfo,
    snapshot: &Snapshot,
    phase: Phase,
    http_status: u16,
) -> Result<State, Error> {
    let status = snapshot.status.clone();
    let envelope_failed = snapshot
        .envelope_code
        .is_some_and(|code| !(200..300).contains(&code));
    if envelope_failed {
        let running = status
            .as_deref()
            .is_none_or(|status| provider.status(status).is_some_and(|s| s.outcome.is_none()));
        // A sync-mode request the server stopped waiting for (WaveSpeed's
        // 5004) still names its prediction: keep waiting on it by polling.
        if snapshot.id.is_some() && running {
            return Ok(State::Running {
                status: status.unwrap_or_default(),
            });
        }
        let code = snapshot.envelope_code.unwrap_or_default();
        let message = snapshot
            .envelope_message
            .clone()
            .or_else(|| snapshot.error.clone())
            .unwrap_or_else(|| format!("envelope code {code}"));
        let code = u16::try_from(code).unwrap_or(500);
        return Err(classify_failure(
            provider,
            code,
            message,
            None,
            snapshot.id.clone(),
        ));
    }
    let Some(status) = status else {
        // No status at all: an OpenAI-style synchronous answer is the result.
        if !snapshot.outputs.is_empty() {
            return Ok(State::Succeeded {
                status: "completed".to_owned(),
                outputs: snapshot.outputs.clone(),
            });
        }
        return Err(Error::Undecodable {
            phase,
            prediction_id: snapshot.id.clone(),
            status: http_status,
            reason: "the answer has neither a status nor outputs".to_owned(),
            excerpt: String::new(),
        });
    };
    Ok(match provider.status(&status).map(|info| info.outcome) {
        Some(Some(Outcome::Succeeded)) if snapshot.outputs.is_empty() => {
            State::SucceededElsewhere { status }
        }
        Some(Some(Outcome::Succeeded)) => State::Succeeded {
            status,
            outputs: snapshot.outputs.clone(),
        },
        Some(Some(Outcome::Failed)) => State::Failed {
            status,
            message: snapshot
                .error
                .clone()
                .or_else(|| snapshot.envelope_message.clone()),
        },
        Some(None) => State::Running { status },
        None => State::Unknown { status },
    })
}

/// The error for a prediction that ended in a failure status: a content
/// policy block when the message says so, else a plain failure.
pub(crate) fn failed_prediction(
    provider: &ProviderInfo,
    id: Option<String>,
    status: String,
    message: Option<String>,
) -> Error {
    match message {
        Some(message) if mentions_content_policy(provider, &message) => Error::ContentPolicy {
            prediction_id: id,
            message,
        },
        message => Error::PredictionFailed {
            prediction_id: id,
            status,
            message,
        },
    }
}

/// The error for a response with a failure HTTP status.
pub(crate) fn http_error(
    provider: &ProviderInfo,
    status: StatusCode,
    retry_after: Option<Duration>,
    body: &[u8],
    prediction_id: Option<String>,
) -> Error {
    let message = error_message(body)
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("no message").to_owned());
    classify_failure(
        provider,
        status.as_u16(),
        message,
        retry_after,
        prediction_id,
    )
}

/// Maps a failure code (HTTP status or envelope code) to an error, by the
/// provider's documented error table first, then by HTTP convention.
fn classify_failure(
    provider: &ProviderInfo,
    code: u16,
    message: String,
    retry_after: Option<Duration>,
    prediction_id: Option<String>,
) -> Error {
    let kind = provider
        .error_for_http_status(code)
        .map(|error| error.kind)
        .unwrap_or(match code {
            401 => ErrorKind::Unauthorized,
            402 | 403 => ErrorKind::Forbidden,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::ServerError,
            _ => ErrorKind::BadRequest,
        });
    match kind {
        ErrorKind::Unauthorized => Error::Unauthorized {
            prediction_id,
            message,
        },
        ErrorKind::Forbidden => Error::Forbidden {
            prediction_id,
            message,
        },
        ErrorKind::RateLimited => Error::RateLimited {
            prediction_id,
            retry_after,
            message,
        },
        ErrorKind::ContentPolicy => Error::ContentPolicy {
            prediction_id,
            message,
        },
        ErrorKind::ServerError => Error::Server {
            prediction_id,
            status: code,
            message,
        },
        _ if mentions_content_policy(provider, &message) => Error::ContentPolicy {
            prediction_id,
            message,
        },
        _ => Error::BadRequest {
            prediction_id,
            message,
        },
    }
}

fn mentions_content_policy(provider: &ProviderInfo, message: &str) -> bool {
    let message = message.to_lowercase();
    provider
        .content_policy_messages
        .iter()
        .any(|phrase| message.contains(&phrase.to_lowercase()))
}

/// The human message of an error body, wherever the API puts it:
/// `{"message"}`, `{"error": "…"}`, `{"error": {"message"}}`, `{"detail"}`,
/// or plain text.
pub(crate) fn error_message(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
        return Some(excerpt(body));
    };
    let found = [
        json.get("message"),
        json.get("error").filter(|e| e.is_string()),
        json.pointer("/error/message"),
        json.get("detail"),
        json.get("msg"),
        json.pointer("/data/error"),
    ]
    .into_iter()
    .flatten()
    .find_map(|value| value.as_str().filter(|text| !text.is_empty()));
    Some(found.map_or_else(|| excerpt(body), str::to_owned))
}

/// The start of a body, as text, for error messages.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut excerpt: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().nth(EXCERPT_CHARS).is_some() {
        excerpt.push('…');
    }
    excerpt
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_message_wherever_it_is() {
        let message = |body: &str| error_message(body.as_bytes());
        assert_eq!(
            message(r#"{"code":401,"message":"bad key"}"#).unwrap(),
            "bad key"
        );
        assert_eq!(
            message(r#"{"error":"Invalid API key"}"#).unwrap(),
            "Invalid API key"
        );
        assert_eq!(
            message(r#"{"error":{"message":"nope","type":"x"}}"#).unwrap(),
            "nope"
        );
        assert_eq!(message("upstream exploded").unwrap(), "upstream exploded");
        assert_eq!(message("  "), None);
        assert_eq!(message(r#"{"weird":1}"#).unwrap(), r#"{"weird":1}"#);
    }

    #[test]
    fn excerpts_are_bounded() {
        let long = "é".repeat(1000);
        let excerpt = excerpt(long.as_bytes());
        assert_eq!(excerpt.chars().count(), EXCERPT_CHARS + 1);
        assert!(excerpt.ends_with('…'));
    }
}
