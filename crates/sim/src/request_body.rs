//! Reading a request body up to a limit, without holding more than the limit
//! in memory, and answering a too-large one in a way clients can read.
//!
//! A server that answers before reading a body it refuses, then closes the
//! connection, often makes the client see a reset while it is still writing
//! instead of the answer. So what is over the limit is read and thrown away
//! (up to [`DRAIN_LIMIT`] more), unless the client sent `Expect:
//! 100-continue` and is waiting for leave to send it: then nothing is read,
//! hyper sends no `100 Continue`, and the client gets the refusal at once.

use bytes::{Bytes, BytesMut};
use http::HeaderMap;
use http::header::{CONTENT_LENGTH, EXPECT};
use http_body_util::BodyExt;
use hyper::body::Incoming;

/// Bytes read and dropped past a body's limit before giving up on reading
/// the rest (and letting the connection close under it).
const DRAIN_LIMIT: u64 = 64 * 1024 * 1024;

/// Why a body was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Over `limit` bytes: `size` of them when known (announced by
    /// `Content-Length`, or read to the end), else `None`.
    TooLarge { limit: u64, size: Option<u64> },
    /// The connection failed while the body was read.
    Unreadable(String),
}

/// Reads `body` (with the request's `headers`) if it is at most `limit` bytes.
pub(crate) async fn read(
    mut body: Incoming,
    headers: &HeaderMap,
    limit: u64,
) -> Result<Bytes, BodyError> {
    let announced = headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.trim().parse::<u64>().ok());
    if let Some(size) = announced.filter(|size| *size > limit) {
        let waits = headers
            .get(EXPECT)
            .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"100-continue"));
        if !waits {
            drain(&mut body).await;
        }
        return Err(BodyError::TooLarge {
            limit,
            size: Some(size),
        });
    }
    let mut buffer = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|error| BodyError::Unreadable(error.to_string()))?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        let received = buffer.len() as u64 + data.len() as u64;
        if received > limit {
            drop(buffer);
            let (rest, ended) = drain(&mut body).await;
            return Err(BodyError::TooLarge {
                limit,
                size: ended.then_some(received + rest),
            });
        }
        buffer.extend_from_slice(&data);
    }
    Ok(buffer.freeze())
}

/// Reads and drops the rest of `body`, at most [`DRAIN_LIMIT`] bytes: how
/// many were read, and whether that was the end.
async fn drain(body: &mut Incoming) -> (u64, bool) {
    let mut read = 0u64;
    while read <= DRAIN_LIMIT {
        match body.frame().await {
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref() {
                    read += data.len() as u64;
                }
            }
            Some(Err(_)) => return (read, false),
            None => return (read, true),
        }
    }
    (read, false)
}
