//! Error answers in each provider's shape, worded from its spec where the
//! spec documents the error (gptproto's `401 Unauthorized: API key is missing
//! or invalid`), and the content-policy message of a moderated prediction.

use imagegen_spec::ir::{ErrorCode, ErrorKind};
use serde_json::{Value, json};

use super::Reply;
use crate::catalog::{ErrorShape, ProviderApi};
use crate::faults::RetryAfter;

/// An error answer: HTTP status, what kind of error, a message saying what
/// was wrong and what is allowed, and the parameter concerned.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    pub(crate) kind: Option<ErrorKind>,
    pub(crate) message: String,
    pub(crate) param: Option<String>,
}

impl ApiError {
    pub(crate) fn new(status: u16, kind: Option<ErrorKind>, message: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            message: message.into(),
            param: None,
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>, param: Option<String>) -> Self {
        Self {
            param,
            ..Self::new(400, Some(ErrorKind::BadRequest), message)
        }
    }

    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(401, Some(ErrorKind::Unauthorized), message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, None, message)
    }

    /// The body and status when no provider is concerned (an unknown prefix).
    pub(crate) fn reply_plain(&self) -> Reply {
        let mut reply = Reply::json(
            self.status,
            &json!({ "error": { "message": self.message } }),
        );
        reply.error_message = Some(self.message.clone());
        reply
    }

    /// The body and status in `api`'s shape.
    pub(crate) fn reply(&self, api: &ProviderApi) -> Reply {
        let documented = documented(api, self.kind, self.status);
        let message = match documented {
            // The documented wording first, then what exactly was wrong.
            Some(error) if !self.message.is_empty() => {
                format!("{}: {}", error.description, self.message)
            }
            Some(error) => error.description.clone(),
            None => self.message.clone(),
        };
        let status = documented.map_or(self.status, |e| e.http_status);
        let body = match &api.error_shape {
            ErrorShape::Envelope {
                code,
                message: field,
            } => {
                let code_value = documented.map_or(self.status, |e| e.code);
                json!({ code.as_str(): code_value, field.as_str(): message })
            }
            ErrorShape::OpenAi => json!({
                "error": {
                    "message": message,
                    "type": openai_type(status),
                    "param": self.param,
                    "code": openai_code(self.kind),
                }
            }),
        };
        let mut reply = Reply::json(status, &body);
        reply.error_message = Some(message);
        reply
    }
}

/// A `429` with its retry hint.
pub(crate) fn rate_limited(api: &ProviderApi, retry_after: RetryAfter) -> Reply {
    let (name, value) = retry_after.header();
    ApiError::new(
        429,
        Some(ErrorKind::RateLimited),
        format!("too many requests; retry after {name}: {value} (rate_limit fault)"),
    )
    .reply(api)
    .header(name, &value)
}

/// An error `code` inside a `200 OK` envelope; without an envelope, the
/// server error of that status.
pub(crate) fn envelope_error(api: &ProviderApi, code: u16) -> Reply {
    let ErrorShape::Envelope {
        code: code_field,
        message,
    } = &api.error_shape
    else {
        return server_error(api, code);
    };
    let code = if (400..=599).contains(&code) {
        code
    } else {
        500
    };
    let text = format!("{code} inside a 200 answer (envelope_error fault)");
    let mut reply = Reply::json(
        200,
        &json!({ code_field.as_str(): code, message.as_str(): text }),
    );
    reply.error_message = Some(text);
    reply
}

/// A server error of `status`.
pub(crate) fn server_error(api: &ProviderApi, status: u16) -> Reply {
    let status = if (400..=599).contains(&status) {
        status
    } else {
        500
    };
    let reason = http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("error");
    let kind = (status >= 500).then_some(ErrorKind::ServerError);
    ApiError::new(
        status,
        kind,
        format!("{status} {reason} (server_error fault)"),
    )
    .reply(api)
}

/// The message a prediction blocked by moderation fails with, from the spec:
/// a documented failed response whose error holds one of the provider's
/// `content_policy_messages` (vibedream: "Your request was flagged by content
/// moderation. Please modify your prompt."), else that phrase itself, else
/// the documented content-policy error code's name and description (gptproto),
/// else a message naming content moderation.
pub(crate) fn moderation_message(api: &ProviderApi) -> String {
    let phrases = &api.spec.content_policy_messages;
    let in_examples = api.spec.examples.iter().find_map(|example| {
        let mut texts = Vec::new();
        strings(&example.body, &mut texts);
        texts
            .into_iter()
            .find(|text| phrases.iter().any(|phrase| text.contains(phrase.as_str())))
    });
    if let Some(text) = in_examples {
        return text.to_owned();
    }
    if let Some(phrase) = phrases.first() {
        return phrase.clone();
    }
    if let Some(error) = api
        .spec
        .errors
        .iter()
        .find(|e| e.kind == ErrorKind::ContentPolicy)
    {
        return format!("{}: {}", error.name, error.description);
    }
    "content policy violation: the request was flagged by content moderation".to_owned()
}

/// A synchronous API's answer to a moderated request: `400`, as OpenAI and
/// gptproto's table ("actual status code is 400") answer it.
pub(crate) fn moderated(api: &ProviderApi) -> Reply {
    ApiError::new(400, Some(ErrorKind::ContentPolicy), moderation_message(api)).reply(api)
}

/// The documented error of this kind answered with this HTTP status, if any.
fn documented(api: &ProviderApi, kind: Option<ErrorKind>, status: u16) -> Option<&ErrorCode> {
    let kind = kind?;
    api.spec
        .errors
        .iter()
        .find(|e| e.kind == kind && e.http_status == status)
}

fn openai_type(status: u16) -> &'static str {
    match status {
        429 => "requests",
        500..=599 => "server_error",
        _ => "invalid_request_error",
    }
}

fn openai_code(kind: Option<ErrorKind>) -> Value {
    match kind {
        Some(ErrorKind::Unauthorized) => "invalid_api_key".into(),
        Some(ErrorKind::RateLimited) => "rate_limit_exceeded".into(),
        Some(ErrorKind::ContentPolicy) => "moderation_blocked".into(),
        Some(ErrorKind::BadRequest) => "invalid_value".into(),
        _ => Value::Null,
    }
}

/// Every string in a JSON value.
fn strings<'v>(value: &'v Value, out: &mut Vec<&'v str>) {
    match value {
        Value::String(text) => out.push(text),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}
