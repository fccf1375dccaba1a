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
            status_url: fields.status_url().map(crate::origin::without_userinfo),
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
        if phase == Phase::Submit && snapshot.id.is_some() && running {
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
        let kind = provider.error_for_code(code).map(|error| error.kind);
        return Err(classify_failure(
            provider,
            code,
            kind,
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

/// An unreadable-answer error from [`read_state`], which sees only the role
/// fields, with the start of the body the answer actually had.
pub(crate) fn with_excerpt(error: Error, body: &[u8]) -> Error {
    match error {
        Error::Undecodable {
            phase,
            prediction_id,
            status,
            reason,
            excerpt: empty,
        } if empty.is_empty() => Error::Undecodable {
            phase,
            prediction_id,
            status,
            reason,
            excerpt: excerpt(body),
        },
        other => other,
    }
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

/// The error for an answer whose envelope code (inside a 2xx) says it
/// failed, as the provider's error table classifies it.
pub(crate) fn envelope_error(provider: &ProviderInfo, code: i64, message: Option<&str>) -> Error {
    let message = message.map_or_else(|| format!("envelope code {code}"), str::to_owned);
    let code = u16::try_from(code).unwrap_or(500);
    let kind = provider.error_for_code(code).map(|error| error.kind);
    classify_failure(provider, code, kind, message, None, None)
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
    let kind = documented_kind(provider, status.as_u16(), &message);
    let prediction_id = prediction_id.or_else(|| sniff_id(body));
    classify_failure(
        provider,
        status.as_u16(),
        kind,
        message,
        retry_after,
        prediction_id,
    )
}

/// What the provider's error table says an HTTP status means. A row whose
/// HTTP status differs from its code is an alias (GPTProto's content-policy
/// 503, sent as 400): it applies only when the message says so, so a plain
/// 400 stays a bad request.
fn documented_kind(provider: &ProviderInfo, http_status: u16, message: &str) -> Option<ErrorKind> {
    let lowercase = message.to_lowercase();
    provider
        .errors
        .iter()
        .filter(|error| error.http_status == http_status)
        .find(|error| {
            error.code == error.http_status
                || lowercase.contains(&error.name.to_lowercase())
                || (error.kind == ErrorKind::ContentPolicy
                    && mentions_content_policy(provider, message))
        })
        .map(|error| error.kind)
}

/// The prediction id in an answer that could not be read as documented
/// (`{"id"}` or `{"data": {"id"}}`), so even a garbled or failed answer to a
/// submission reports the prediction it may have created.
pub(crate) fn sniff_id(body: &[u8]) -> Option<String> {
    let json: serde_json::Value = serde_json::from_slice(body).ok()?;
    [json.get("id"), json.pointer("/data/id")]
        .into_iter()
        .flatten()
        .find_map(|id| id.as_str().filter(|id| !id.is_empty()).map(str::to_owned))
}

/// Maps a failure code (HTTP status or envelope code) to an error, by the
/// provider's documented error table first, then by HTTP convention.
fn classify_failure(
    provider: &ProviderInfo,
    code: u16,
    documented: Option<ErrorKind>,
    message: String,
    retry_after: Option<Duration>,
    prediction_id: Option<String>,
) -> Error {
    let kind = documented.unwrap_or(match code {
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

    use crate::info::{AuthInfo, ErrorInfo, Protocol, StatusInfo};

    /// GPTProto's shape: an envelope, a content-policy code 503 sent as 400.
    static ENVELOPED: ProviderInfo = ProviderInfo {
        name: "test",
        display_name: "Test",
        base_url: "https://example.com",
        base_url_env_var: "TEST_BASE_URL",
        auth: AuthInfo {
            header: "Authorization",
            scheme: Some("Bearer"),
            env_var: "TEST_API_KEY",
            key_url: None,
        },
        protocol: Protocol::EnvelopePredictionQueue,
        result: None,
        statuses: &[
            StatusInfo {
                value: "processing",
                outcome: None,
            },
            StatusInfo {
                value: "completed",
                outcome: Some(Outcome::Succeeded),
            },
        ],
        errors: &[ErrorInfo {
            code: 503,
            http_status: 400,
            name: "Content policy violation",
            kind: ErrorKind::ContentPolicy,
            description: "blocked",
        }],
        content_policy_messages: &[],
        sync_mode_returns_outputs: false,
        upload: None,
    };

    #[test]
    fn an_alias_row_applies_only_when_the_message_says_so() {
        let plain = http_error(
            &ENVELOPED,
            StatusCode::BAD_REQUEST,
            None,
            br#"{"code":400,"message":"invalid size"}"#,
            None,
        );
        assert!(matches!(plain, Error::BadRequest { .. }), "{plain:?}");
        let blocked = http_error(
            &ENVELOPED,
            StatusCode::BAD_REQUEST,
            None,
            br#"{"code":400,"message":"Content policy violation: nudity"}"#,
            None,
        );
        assert!(
            matches!(blocked, Error::ContentPolicy { .. }),
            "{blocked:?}"
        );
    }

    #[test]
    fn envelope_codes_are_looked_up_by_code_and_sync_timeouts_only_at_submit() {
        let snapshot = |code: i64| Snapshot {
            id: Some("p1".into()),
            status: Some("processing".into()),
            envelope_code: Some(code),
            envelope_message: Some("nope".into()),
            ..Snapshot::default()
        };
        let blocked = read_state(
            &ENVELOPED,
            &Snapshot {
                status: None,
                ..snapshot(503)
            },
            Phase::Poll,
            200,
        );
        assert!(
            matches!(blocked, Err(Error::ContentPolicy { .. })),
            "{blocked:?}"
        );
        // A sync-mode submission the server stopped waiting for: poll it.
        let waiting = read_state(&ENVELOPED, &snapshot(5004), Phase::Submit, 200).unwrap();
        assert_eq!(
            waiting,
            State::Running {
                status: "processing".into()
            }
        );
        // The same answer to a poll is an error, with the id.
        let failed = read_state(&ENVELOPED, &snapshot(5004), Phase::Poll, 200).unwrap_err();
        assert_eq!(failed.prediction_id(), Some("p1"));
    }

    #[test]
    fn finds_ids_in_unreadable_answers() {
        assert_eq!(
            sniff_id(br#"{"id":"a1","weird":true}"#).as_deref(),
            Some("a1")
        );
        assert_eq!(
            sniff_id(br#"{"code":500,"data":{"id":"b2"}}"#).as_deref(),
            Some("b2")
        );
        assert_eq!(sniff_id(br#"{"id":""}"#), None);
        assert_eq!(sniff_id(b"<html>"), None);
    }

    #[test]
    fn excerpts_are_bounded() {
        let long = "é".repeat(1000);
        let excerpt = excerpt(long.as_bytes());
        assert_eq!(excerpt.chars().count(), EXCERPT_CHARS + 1);
        assert!(excerpt.ends_with('…'));
    }
}
