//! Answers: what handlers return ([`Reply`]), the provider's error bodies,
//! the provider's response bodies built from its field tables (prediction
//! answers in `fill`, upload answers in `uploaded`), and how the transport
//! faults deliver them.

mod body;
pub(crate) mod errors;
pub(crate) mod fill;
pub(crate) mod uploaded;

use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, HeaderName, HeaderValue, Response, StatusCode};

pub(crate) use body::WireBody;

use crate::faults::{Fault, SLOW_BODY_CHUNKS};

/// A response, and how it is to be delivered.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    delivery: Delivery,
    /// The error message sent, for the log.
    pub(crate) error_message: Option<String>,
}

/// How the transport faults deliver a reply.
#[derive(Debug, Default, Clone, Copy)]
struct Delivery {
    /// Close the connection without answering.
    drop: bool,
    /// Wait this long before each chunk.
    chunk_delay: Option<Duration>,
    /// Send half the body under the full `Content-Length`, then close.
    truncate: bool,
}

/// Returned to hyper instead of a response: hyper then closes the connection
/// without writing anything ([`Fault::DropConnection`]).
#[derive(Debug)]
pub(crate) struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the emulator dropped the connection (drop_connection fault)")
    }
}

impl std::error::Error for Dropped {}

impl Reply {
    /// A JSON body.
    pub(crate) fn json(status: u16, body: &serde_json::Value) -> Self {
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        Self::bytes(status, "application/json", Bytes::from(bytes))
    }

    /// Bytes of a content type.
    pub(crate) fn bytes(status: u16, content_type: &'static str, body: Bytes) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers,
            body,
            delivery: Delivery::default(),
            error_message: None,
        }
    }

    /// Plain text.
    pub(crate) fn text(status: u16, text: impl Into<String>) -> Self {
        Self::bytes(
            status,
            "text/plain; charset=utf-8",
            Bytes::from(text.into()),
        )
    }

    /// Adds a header (values the emulator builds are always valid).
    pub(crate) fn header(mut self, name: &'static str, value: &str) -> Self {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.headers.insert(HeaderName::from_static(name), value);
        }
        self
    }

    /// No response at all: the connection is closed.
    pub(crate) fn dropped() -> Self {
        let mut reply = Self::text(500, "");
        reply.delivery.drop = true;
        reply
    }

    /// Applies the transport faults among `faults`.
    pub(crate) fn deliver(mut self, faults: &[Fault]) -> Self {
        for fault in faults {
            match fault {
                Fault::DropConnection => self.delivery.drop = true,
                Fault::SlowBody { chunk_delay } => self.delivery.chunk_delay = Some(*chunk_delay),
                Fault::TruncatedBody => self.delivery.truncate = true,
                Fault::InvalidJson => {
                    self.status = StatusCode::OK;
                    self.headers.insert(
                        CONTENT_TYPE,
                        HeaderValue::from_static("text/html; charset=utf-8"),
                    );
                    self.body = Bytes::from_static(PROXY_PAGE.as_bytes());
                }
                _ => {}
            }
        }
        self
    }

    /// Whether the connection will be closed with no response.
    pub(crate) fn is_dropped(&self) -> bool {
        self.delivery.drop
    }

    /// The response hyper sends, or [`Dropped`].
    pub(crate) fn into_response(self) -> Result<Response<WireBody>, Dropped> {
        let Delivery {
            drop,
            chunk_delay,
            truncate,
        } = self.delivery;
        if drop {
            return Err(Dropped);
        }
        let mut headers = self.headers;
        let body = if chunk_delay.is_some() || truncate {
            headers.insert(CONTENT_LENGTH, HeaderValue::from(self.body.len()));
            let sent = if truncate {
                self.body.slice(..self.body.len() / 2)
            } else {
                self.body
            };
            let pieces = if chunk_delay.is_some() {
                SLOW_BODY_CHUNKS
            } else {
                1
            };
            WireBody::paced(split(sent, pieces), chunk_delay, truncate)
        } else {
            WireBody::full(self.body)
        };
        let mut response = Response::new(body);
        *response.status_mut() = self.status;
        *response.headers_mut() = headers;
        Ok(response)
    }
}

/// What a [`Fault::InvalidJson`] answer says: a proxy's page.
const PROXY_PAGE: &str = "<!DOCTYPE html><html><head><title>One moment…</title></head>\
<body><h1>Checking your connection</h1><p>This page refreshes by itself.</p></body></html>";

/// `bytes` in `pieces` nearly equal chunks (fewer if it is shorter).
fn split(bytes: Bytes, pieces: usize) -> Vec<Bytes> {
    let size = bytes.len().div_ceil(pieces.max(1)).max(1);
    let mut chunks = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let end = (start + size).min(bytes.len());
        chunks.push(bytes.slice(start..end));
        start = end;
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_covers_everything_in_order() {
        let bytes = Bytes::from_static(b"0123456789");
        let chunks = split(bytes.clone(), 8);
        assert!(chunks.len() <= 8);
        assert_eq!(chunks.concat(), bytes.to_vec());
        assert_eq!(split(Bytes::from_static(b"ab"), 8).len(), 2);
        assert!(split(Bytes::new(), 8).is_empty());
    }
}
