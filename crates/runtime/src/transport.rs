//! The HTTP core every operation goes through: one place that decides which
//! request may carry the key, how long it may take, and whether a failure is
//! retried.

use std::future::Future;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use tokio::sync::broadcast;
use tracing::Instrument as _;
use url::Url;

use crate::error::{Error, Phase};
use crate::events::{Event, EventKind};
use crate::info::ProviderInfo;
use crate::limits::Gates;
use crate::origin::same_origin;
use crate::reading::{excerpt, http_error, sniff_id};
use crate::redact::Redactor;
use crate::retry::{RetryPolicy, is_retryable_status, later, retry_after};
use crate::schedule::PollPolicy;

/// The largest JSON answer read into memory: an answer with ten base64
/// images at 4K is well under this.
const MAX_JSON_BYTES: usize = 256 * 1024 * 1024;

/// Time limits of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Establishing a connection.
    pub connect: Duration,
    /// One HTTP request and its answer (a poll, a submission, one download).
    pub request: Duration,
    /// One sync-mode submission, which the server holds until it is done.
    pub sync_request: Duration,
    /// One whole operation: a `generate` (submit, polls and retries) or a
    /// `wait`. `Generation::save_all` continues the deadline of the operation
    /// that produced the generation.
    pub overall: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(60),
            sync_request: Duration::from_secs(300),
            overall: Duration::from_secs(600),
        }
    }
}

/// What one request concerns, for retries, errors, events and spans.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Call<'a> {
    pub phase: Phase,
    pub model: Option<&'a str>,
    pub prediction_id: Option<&'a str>,
    /// When the operation began, for `Timeout::elapsed`.
    pub started: Instant,
    /// The operation's overall deadline.
    pub deadline: Instant,
}

impl Call<'_> {
    pub(crate) fn id(&self) -> Option<String> {
        self.prediction_id.map(str::to_owned)
    }

    /// An answer this call could not read as documented.
    pub(crate) fn undecodable(
        &self,
        status: StatusCode,
        reason: impl Into<String>,
        body: &[u8],
    ) -> Error {
        Error::Undecodable {
            phase: self.phase,
            prediction_id: self.id(),
            status: status.as_u16(),
            reason: reason.into(),
            excerpt: excerpt(body),
        }
    }

    pub(crate) fn timeout(&self) -> Error {
        Error::Timeout {
            phase: self.phase,
            prediction_id: self.id(),
            elapsed: self.started.elapsed(),
        }
    }
}

/// Why an attempt failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The server answered with a failure status.
    Status {
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    },
    /// The connection failed or broke, or the request timed out.
    Transport(reqwest::Error),
    /// The answer is larger than the client reads into memory.
    TooLarge {
        status: StatusCode,
        limit: usize,
        start: Vec<u8>,
    },
    /// A success answer that reports a server-side failure (an envelope
    /// code 5xx): worth retrying when the request is idempotent.
    Transient(Error),
    /// Not worth retrying, whatever the request.
    Fatal(Error),
}

/// A successful answer, read in full.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// The provider's price of each distinct request body asked so far, by
/// model id and JSON.
pub(crate) type Quotes =
    std::sync::Mutex<std::collections::HashMap<(&'static str, Vec<u8>), crate::cost::Money>>;

/// The shared, provider-parameterised HTTP core of a client.
#[derive(Debug)]
pub(crate) struct Transport {
    pub provider: &'static ProviderInfo,
    pub http: reqwest::Client,
    /// The API base as configured (origin, perhaps with a path prefix).
    pub api_base: Url,
    pub auth: (HeaderName, HeaderValue),
    pub retry: RetryPolicy,
    pub timeouts: Timeouts,
    pub poll: PollPolicy,
    pub max_output_bytes: u64,
    pub events: broadcast::Sender<Event>,
    /// The slots requests and output files take.
    pub gates: Gates,
    /// Masks the key in server-provided text.
    pub redactor: Redactor,
    /// Completion times seen, by model, for the next predictions' checks.
    pub learned: crate::learned::Learned,
    /// Local files already uploaded, so a batch sending one photo with
    /// every prompt uploads it once.
    pub uploads: crate::local_images::UploadCache,
    /// The budget submissions are held to, if any.
    pub spending: Option<crate::budget::Spending>,
    /// Where the provider lists recent predictions, if it documents it.
    pub history: Option<&'static crate::info::HistoryInfo>,
    /// Where one request is priced before it is sent, if documented.
    pub pricing: Option<&'static crate::info::PricingInfo>,
    /// Where the account's balance is read, if documented.
    pub balance: Option<&'static crate::info::BalanceInfo>,
    /// With `quote_costs`: the provider's price of each distinct body asked
    /// so far (by model and JSON), so a thousand identical lines ask once.
    pub quotes: Option<Quotes>,
    /// How the provider sends finished predictions to a URL, if it does.
    pub webhook_info: Option<&'static crate::info::WebhookInfo>,
    /// The caller's webhook URL, and how the provider takes it.
    pub webhook: Option<(Url, &'static crate::info::WebhookInfo)>,
    /// This client's submissions, for finding an unanswered one's prediction.
    pub ledger: std::sync::Arc<crate::ledger::Ledger>,
}

impl Transport {
    /// A documented path below the API base.
    pub(crate) fn api_url(&self, path: &str) -> Result<Url, Error> {
        let text = format!("{}{path}", self.api_base.as_str().trim_end_matches('/'));
        Url::parse(&text).map_err(|error| Error::InvalidConfig {
            reason: format!("`{text}` is not a URL: {error}"),
        })
    }

    /// Tells subscribers; the event is built only if someone listens, so
    /// thousands of unobserved predictions allocate nothing for it.
    pub(crate) fn emit(&self, call: &Call<'_>, kind: impl FnOnce() -> EventKind) {
        if self.events.receiver_count() == 0 {
            return;
        }
        let kind = kind();
        let _ = self.events.send(Event {
            provider: self.provider.name,
            model: call.model.map(str::to_owned),
            prediction_id: call.id(),
            kind,
        });
    }

    /// The key goes to the configured API origin and nowhere else: not to an
    /// asset host, not to a status URL a response names on another origin.
    fn authorise(&self, request: reqwest::RequestBuilder, url: &Url) -> reqwest::RequestBuilder {
        if same_origin(url, &self.api_base) {
            request.header(self.auth.0.clone(), self.auth.1.clone())
        } else {
            request
        }
    }

    /// Sends a request to the API and reads the whole answer, retrying as the
    /// policy and the method allow (see [`Transport::with_retries`]).
    pub(crate) async fn fetch(
        &self,
        call: &Call<'_>,
        method: Method,
        url: &Url,
        body: Option<Bytes>,
        request_timeout: Duration,
    ) -> Result<Answer, Error> {
        let idempotent = method == Method::GET;
        self.with_retries(call, url, idempotent, |_attempt| {
            self.attempt(method.clone(), url, body.clone(), request_timeout)
        })
        .await
    }

    /// One request to the API, its answer read in full; a failure status is
    /// a [`Failure`], for [`Transport::with_retries`] to judge.
    pub(crate) fn attempt(
        &self,
        method: Method,
        url: &Url,
        body: Option<Bytes>,
        request_timeout: Duration,
    ) -> impl Future<Output = Result<Answer, Failure>> + Send + 'static {
        let body = body.map(|body| (body, HeaderValue::from_static("application/json")));
        self.attempt_as(method, url, body, request_timeout)
    }

    /// [`attempt`](Self::attempt) with a body of any type (an upload's
    /// `multipart/form-data`).
    pub(crate) fn attempt_as(
        &self,
        method: Method,
        url: &Url,
        body: Option<(Bytes, HeaderValue)>,
        request_timeout: Duration,
    ) -> impl Future<Output = Result<Answer, Failure>> + Send + 'static {
        let mut request = self
            .http
            .request(method, url.clone())
            .timeout(request_timeout)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some((body, content_type)) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(body);
        }
        let request = self.authorise(request, url);
        async move {
            let response = request.send().await.map_err(Failure::Transport)?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = read_body(response, MAX_JSON_BYTES).await?;
            if status.is_success() {
                Ok(Answer {
                    status,
                    headers,
                    body,
                })
            } else {
                Err(Failure::Status {
                    status,
                    headers,
                    body,
                })
            }
        }
    }

    /// Runs `attempt` until it succeeds, fails for good, or the deadline
    /// (or the policy's attempt cap, unlimited by default) says stop. Each
    /// attempt first waits for a request slot to `url`'s origin and holds it
    /// until the attempt is over, so predictions in flight never become more
    /// sockets than the client's [`ConnectionLimits`](crate::ConnectionLimits).
    ///
    /// An idempotent request (a GET) is retried on 408, 429, 5xx, a server
    /// error inside a success answer, and any transport failure. A
    /// submission is retried only when the failure proves the server did not
    /// take it: the connection was never made, or it answered 429. A
    /// timeout, a 5xx or a cut connection after the body went out may mean
    /// the prediction exists; resending could pay twice.
    pub(crate) async fn with_retries<T, F, Fut>(
        &self,
        call: &Call<'_>,
        url: &Url,
        idempotent: bool,
        mut attempt: F,
    ) -> Result<T, Error>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, Failure>>,
    {
        let mut number = 1;
        loop {
            let span = tracing::debug_span!("attempt", phase = %call.phase, attempt = number);
            let deadline = tokio::time::Instant::from_std(call.deadline);
            let Ok(slot) = tokio::time::timeout_at(deadline, self.gates.request(url)).await else {
                return Err(self.unsent(call, number));
            };
            let outcome = tokio::time::timeout_at(deadline, attempt(number))
                .instrument(span)
                .await
                .map_err(|_| call.timeout())?;
            drop(slot);
            let failure = match outcome {
                Ok(value) => return Ok(value),
                Err(failure) => failure,
            };
            let (retryable, pause, reason) = match &failure {
                Failure::Status {
                    status, headers, ..
                } => (
                    if idempotent {
                        is_retryable_status(*status)
                    } else {
                        *status == StatusCode::TOO_MANY_REQUESTS
                    },
                    retry_after(headers, SystemTime::now()),
                    format!("HTTP {status}"),
                ),
                Failure::Transport(error) => (
                    error.is_connect() || (idempotent && !error.is_builder()),
                    None,
                    transport_reason(error),
                ),
                Failure::Transient(error) => {
                    (idempotent, None, self.redactor.text(&error.to_string()))
                }
                Failure::TooLarge { .. } | Failure::Fatal(_) => (false, None, String::new()),
            };
            let delay = self.retry.delay(number, pause, fastrand::f64());
            let out_of_time = later(Instant::now(), delay) >= call.deadline;
            if !retryable || number >= self.retry.max_attempts || out_of_time {
                return Err(self.failure_error(call, failure, pause));
            }
            number += 1;
            tracing::debug!(%reason, ?delay, attempt = number, "retrying");
            self.emit(call, || EventKind::Retrying {
                phase: call.phase,
                attempt: number,
                delay,
                reason,
            });
            tokio::time::sleep(delay).await;
        }
    }

    /// The deadline passed while attempt `number` waited for a slot. Nothing
    /// of it was sent; for a submission nothing earlier was taken either
    /// (it is retried only after failures that prove that), so the error
    /// says nothing was paid for.
    fn unsent(&self, call: &Call<'_>, number: u32) -> Error {
        if call.phase != Phase::Submit {
            return call.timeout();
        }
        let limits = self.gates.limits();
        Error::NotSent {
            phase: call.phase,
            elapsed: call.started.elapsed(),
            reason: format!(
                "{} waiting for a free connection (at most {} requests in flight per origin, {} in all)",
                if number == 1 {
                    "still"
                } else {
                    "after earlier attempts were refused, still"
                },
                limits.per_origin,
                limits.total
            ),
        }
    }

    fn failure_error(&self, call: &Call<'_>, failure: Failure, pause: Option<Duration>) -> Error {
        match failure {
            Failure::Status { status, body, .. } => {
                http_error(self.provider, status, pause, &body, call.id())
            }
            Failure::Transport(error) if error.is_timeout() => call.timeout(),
            Failure::Transport(source) => Error::Transport {
                phase: call.phase,
                prediction_id: call.id(),
                source,
            },
            Failure::TooLarge {
                status,
                limit,
                start,
            } => call.undecodable(
                status,
                format!("the answer is larger than {limit} bytes"),
                &start,
            ),
            Failure::Transient(error) | Failure::Fatal(error) => {
                error.with_prediction_id(call.prediction_id)
            }
        }
    }
}

/// Reads a body, refusing one larger than `limit`.
async fn read_body(mut response: reqwest::Response, limit: usize) -> Result<Bytes, Failure> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Failure::Transport)? {
        if body.len() + chunk.len() > limit {
            body.truncate(512);
            return Err(Failure::TooLarge {
                status: response.status(),
                limit,
                start: body,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.into())
}

/// A short description of a transport failure for events and logs.
fn transport_reason(error: &reqwest::Error) -> String {
    if error.is_connect() {
        "connection failed".to_owned()
    } else if error.is_timeout() {
        "request timed out".to_owned()
    } else if error.is_body() || error.is_decode() {
        "the answer was cut short".to_owned()
    } else {
        "the connection broke".to_owned()
    }
}

/// Decodes a JSON answer as `T`, or says what was wrong with a body excerpt.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    call: &Call<'_>,
    answer: &Answer,
) -> Result<T, Error> {
    serde_json::from_slice(&answer.body).map_err(|error| {
        // The server answered 2xx: a submission was taken even if its answer
        // is garbled, so report whatever id can be found in it.
        call.undecodable(answer.status, error.to_string(), &answer.body)
            .with_prediction_id(sniff_id(&answer.body).as_deref())
    })
}
