//! `imagegen batch … --webhook-listen ADDR --webhook-url URL`: the batch's
//! own webhook receiver. Each delivery is verified (signature, age) before
//! anything in it is believed; a delivery for a line whose answer was lost
//! names its prediction exactly (by the token in its URL), and the line's
//! id is recorded in the manifest before the receiver answers 2xx. Lines
//! waiting on a prediction hear of its delivery at once, so polling is only
//! the slow fallback for deliveries that do not come.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use imagegen::info::WebhookInfo;
use imagegen_runtime::webhook::{WebhookError, request_token, verify};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use super::manifest::{Manifest, Record, Status};

/// The largest delivery read: base64 outputs make big bodies.
const MAX_DELIVERY_BYTES: usize = 256 * 1024 * 1024;

/// A verified delivery: the prediction it reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    pub prediction_id: String,
    pub status: String,
}

/// What the receiver counted.
#[derive(Debug, Default)]
pub struct Counts {
    pub accepted: AtomicU64,
    pub duplicates: AtomicU64,
    /// Refused: a bad or missing signature, too old, malformed, not ours.
    pub refused: AtomicU64,
}

/// The receiver's state, shared with the lines.
#[derive(Debug)]
pub struct Receiver {
    info: &'static WebhookInfo,
    secret: String,
    model: String,
    /// Tokens of this run's requests, and the line each belongs to.
    lines: Mutex<HashMap<String, usize>>,
    /// Deliveries by token (the first of each).
    delivered: Mutex<HashMap<String, Delivered>>,
    /// `(webhook-id, prediction id)` of every delivery accepted.
    seen: Mutex<HashSet<(String, String)>>,
    arrived: Notify,
    pub counts: Counts,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Receiver {
    pub fn new(info: &'static WebhookInfo, secret: String, model: String) -> Self {
        Receiver {
            info,
            secret,
            model,
            lines: Mutex::default(),
            delivered: Mutex::default(),
            seen: Mutex::default(),
            arrived: Notify::new(),
            counts: Counts::default(),
        }
    }

    /// A request of `line` went out with `token`: its delivery is this line's.
    pub fn expect(&self, token: &str, line: usize) {
        lock(&self.lines).insert(token.to_owned(), line);
    }

    /// Waits for the delivery naming `token` (forever: race it against a
    /// deadline or a wait).
    pub async fn delivery(&self, token: &str) -> Delivered {
        loop {
            let notified = self.arrived.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(delivered) = lock(&self.delivered).get(token) {
                return delivered.clone();
            }
            notified.await;
        }
    }

    /// One request to the receiver: the status to answer.
    async fn handle(&self, manifest: &Manifest, request: Request<Incoming>) -> StatusCode {
        if request.method() != hyper::Method::POST {
            self.counts.refused.fetch_add(1, Ordering::Relaxed);
            return StatusCode::METHOD_NOT_ALLOWED;
        }
        let target = request
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default();
        let (parts, body) = request.into_parts();
        let Ok(body) = Limited::new(body, MAX_DELIVERY_BYTES).collect().await else {
            self.counts.refused.fetch_add(1, Ordering::Relaxed);
            return StatusCode::PAYLOAD_TOO_LARGE;
        };
        let body = body.to_bytes();
        let verified = match verify(
            self.info,
            &parts.headers,
            &body,
            &self.secret,
            SystemTime::now(),
        ) {
            Ok(verified) => verified,
            Err(error) => {
                self.counts.refused.fetch_add(1, Ordering::Relaxed);
                return match error {
                    WebhookError::WrongSignature | WebhookError::Stale { .. } => {
                        StatusCode::UNAUTHORIZED
                    }
                    _ => StatusCode::BAD_REQUEST,
                };
            }
        };
        let parsed: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
        let text = |name: &str| {
            parsed
                .as_ref()
                .and_then(|value| value.get(name))
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        };
        let (Some(token), Some(prediction_id)) = (request_token(&target), text("id")) else {
            self.counts.refused.fetch_add(1, Ordering::Relaxed);
            return StatusCode::BAD_REQUEST;
        };
        let Some(line) = lock(&self.lines).get(&token).copied() else {
            // Not (yet) one of this run's requests: refused, so the
            // provider tries again later.
            self.counts.refused.fetch_add(1, Ordering::Relaxed);
            return StatusCode::NOT_FOUND;
        };
        if !lock(&self.seen).insert((verified.id.clone(), prediction_id.clone())) {
            self.counts.duplicates.fetch_add(1, Ordering::Relaxed);
            return StatusCode::OK;
        }
        // The id reaches the manifest before the provider hears "received",
        // for a line that has none yet (its answer was lost).
        let mut record = Record::new(line, &self.model, Status::Submitted);
        record.id = Some(prediction_id.clone());
        record.error = Some(format!(
            "delivered to the webhook as prediction {prediction_id}"
        ));
        let recorded = manifest.append_if(record, |state| {
            state.is_none_or(|state| {
                state.id.is_none() && matches!(state.status, Status::Submitting | Status::Uncertain)
            })
        });
        if recorded.is_err() {
            lock(&self.seen).remove(&(verified.id, prediction_id));
            return StatusCode::SERVICE_UNAVAILABLE;
        }
        lock(&self.delivered)
            .entry(token)
            .or_insert_with(|| Delivered {
                prediction_id,
                status: text("status").unwrap_or_default(),
            });
        self.counts.accepted.fetch_add(1, Ordering::Relaxed);
        self.arrived.notify_waiters();
        StatusCode::OK
    }
}

/// Binds `addr` (only there) and serves deliveries until the handle is
/// aborted.
pub async fn listen(
    addr: SocketAddr,
    receiver: Arc<Receiver>,
    manifest: Arc<super::job::Context>,
) -> Result<JoinHandle<()>, String> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|error| format!("--webhook-listen {addr}: cannot listen there: {error}"))?;
    Ok(tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                continue;
            };
            let receiver = Arc::clone(&receiver);
            let context = Arc::clone(&manifest);
            tokio::spawn(async move {
                let service = service_fn(move |request| {
                    let receiver = Arc::clone(&receiver);
                    let context = Arc::clone(&context);
                    async move {
                        let status = receiver.handle(&context.manifest, request).await;
                        let mut response = Response::new(Full::new(Bytes::new()));
                        *response.status_mut() = status;
                        Ok::<_, std::convert::Infallible>(response)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    }))
}
