//! A provider's client: submit, check, wait, generate, resume.
//!
//! Generic over the provider's marker type only to decode its response types;
//! everything else runs in the provider-independent [`Transport`], driven by
//! the provider's [`ProviderInfo`](crate::info::ProviderInfo) table.

mod account;
mod builder;
mod generation;
mod local_images;
mod reconcile;

use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::Method;
use tokio::sync::broadcast;
use tracing::Instrument as _;
use url::Url;

pub use builder::ClientBuilder;
pub use generation::Generation;
pub(crate) use local_images::{Replacements, body_with, check_request, replace_local, with_urls};

use crate::cost::Cost;
use crate::deadline::Deadline;
use crate::error::{Error, Phase};
use crate::events::{Event, EventKind};
use crate::info::ModelInfo;
use crate::origin::{fetchable_url, same_origin};
use crate::prediction::{Output, Prediction, Timings};
use crate::reading::{Snapshot, State, failed_prediction, read_state, with_excerpt};
use crate::retry::retry_after;
use crate::schedule::{PollSchedule, parse_estimated_time};
use crate::traits::{ModelRequest, Provider};
use crate::transport::{Call, Failure, Transport, decode};
use crate::waiter::{Check, TokioClock, WaitError, wait_for};

/// The undecodable answer (a proxy's HTML page) to one status check that
/// ends the wait: the ones before it are retried like a 5xx.
const UNDECODABLE_POLL_ANSWERS: u32 = 3;

/// A client for one provider. Cheap to clone (the connection pool and
/// settings are shared) and safe to use from many tasks at once: one client
/// can hold thousands of predictions in flight, each a small future.
///
/// Dropping any operation's future stops its work: no request is sent after.
pub struct Client<P> {
    pub(crate) transport: Arc<Transport>,
    provider: PhantomData<fn() -> P>,
}

impl<P> Clone for Client<P> {
    fn clone(&self) -> Self {
        Client {
            transport: Arc::clone(&self.transport),
            provider: PhantomData,
        }
    }
}

impl<P> std::fmt::Debug for Client<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("provider", &self.transport.provider.name)
            .field("base_url", &self.transport.api_base.as_str())
            .finish_non_exhaustive()
    }
}

/// A request ready to send: its model, its JSON, and whether it asked the
/// server to answer only once done. Typed and dynamic requests both become
/// one, so there is one submission path.
#[derive(Debug)]
pub(crate) struct Body {
    pub(crate) model: &'static ModelInfo,
    pub(crate) json: Vec<u8>,
    sync_mode: bool,
    /// What the documented price gives for it.
    documented: Cost,
}

impl Body {
    pub(crate) fn of<R: ModelRequest>(request: &R) -> Result<Self, Error> {
        Self::from_parts(
            R::MODEL,
            request,
            &request.images(),
            request.sync_mode_requested(),
        )
    }

    /// The body of `request` for `model`, whose set images are `images`.
    pub(crate) fn from_parts(
        model: &'static ModelInfo,
        request: &impl serde::Serialize,
        images: &[(&'static str, &crate::image::ImageSource)],
        sync_mode: bool,
    ) -> Result<Self, Error> {
        // A local image is sent by URL once uploaded (`body_with`); its path
        // (what its `Serialize` writes, for records) must never go out.
        if let Some((name, _)) = images.iter().find(|(_, s)| s.is_local()) {
            return Err(Error::InvalidConfig {
                reason: format!(
                    "`{name}` is a local image that was not uploaded before writing the request"
                ),
            });
        }
        let json = serde_json::to_vec(request).map_err(|error| Error::InvalidConfig {
            reason: format!("the request cannot be written as JSON: {error}"),
        })?;
        // Read back only where there is a price to read it with.
        let documented = match model.price {
            Some(_) => serde_json::from_slice(&json)
                .map_or(Cost::Unknown, |body| Cost::documented(model, &body)),
            None => Cost::Unknown,
        };
        Ok(Body {
            model,
            json,
            sync_mode,
            documented,
        })
    }
}

impl<P: Provider> Client<P> {
    /// A client configured from the environment: the key from the variable
    /// the provider's docs name (e.g. `VIBEDREAM_API_KEY`), the base URL from
    /// `<PROVIDER>_BASE_URL` if set.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().build()
    }

    /// A builder for every setting.
    pub fn builder() -> ClientBuilder<P> {
        ClientBuilder::default()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.transport.api_base.as_str()
    }

    /// Progress events of every prediction this client (and its clones)
    /// handles from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.transport.events.subscribe()
    }

    /// A deadline the client's overall timeout from now, for running the
    /// steps of one operation ([`submit_until`](Self::submit_until),
    /// [`wait_until`](Self::wait_until), then saving) under one limit.
    pub fn deadline(&self) -> Deadline {
        Deadline::after(self.transport.timeouts.overall)
    }

    /// Submits a request and returns its prediction once the server has
    /// accepted it; done already when the API is synchronous or the request
    /// asked for sync mode and the server finished in time.
    ///
    /// The submission is sent at most once, except when the failure proves
    /// the server never took it (no connection, or 429): a timeout or server
    /// error after sending is reported, not resent, so nothing is paid twice.
    ///
    /// A submission that waited for a free connection until the deadline was
    /// never sent: [`Error::NotSent`] says so, and submitting again is safe.
    pub async fn submit<R>(&self, request: &R) -> Result<Prediction, Error>
    where
        R: ModelRequest<Provider = P>,
    {
        self.submit_until(request, self.deadline()).await
    }

    /// [`submit`](Self::submit) under a deadline the caller holds, to be
    /// continued by [`wait_until`](Self::wait_until).
    pub async fn submit_until<R>(
        &self,
        request: &R,
        deadline: Deadline,
    ) -> Result<Prediction, Error>
    where
        R: ModelRequest<Provider = P>,
    {
        let urls = self.send_local_images(request, deadline).await?;
        self.submit_body(body_with(request, &urls)?, deadline).await
    }

    /// [`submit_until`](Self::submit_until) for a request already written as
    /// a [`Body`] for one of this provider's models (checked by the callers:
    /// the type system for typed requests,
    /// [`AnyRequest`](crate::dynamic::AnyRequest) otherwise).
    pub(crate) async fn submit_body(
        &self,
        body: Body,
        budget: Deadline,
    ) -> Result<Prediction, Error> {
        let Body {
            model,
            json: body,
            sync_mode,
            documented,
        } = body;
        let transport = &*self.transport;
        // With quotes on, the provider prices this exact body first; a
        // request it cannot price is not sent.
        let expected = match &transport.quotes {
            Some(_) => Cost::Quoted(self.cached_quote(model, &body).await.map_err(|error| {
                Error::NotQuoted {
                    source: Box::new(error),
                }
            })?),
            None => documented,
        };
        // Reserved before anything is sent: a refusal sends nothing.
        let mut reservation = match &transport.spending {
            Some(spending) => Some(spending.reserve(model, expected)?),
            None => None,
        };
        let call = Call {
            phase: Phase::Submit,
            model: Some(model.id),
            prediction_id: None,
            started: budget.started(),
            deadline: budget.at(),
        };
        let mut url = transport.api_url(model.submit.path)?;
        // With a webhook, this submission's copy of the URL names it.
        let webhook_token = transport.webhook.as_ref().map(|(base, info)| {
            let token = crate::webhook::new_token();
            url = crate::webhook::submit_url(&url, base, info, &token);
            token
        });
        let timeout = if sync_mode {
            transport.timeouts.sync_request
        } else {
            transport.timeouts.request
        };
        let span = tracing::info_span!(
            "submit",
            provider = transport.provider.name,
            model = model.id,
            prediction_id = tracing::field::Empty,
        );
        // In the ledger from before the request goes out until its answer
        // names the prediction: an unanswered one's prediction is told
        // apart from this one's by it.
        let flight = transport.ledger.depart(transport.provider.name, model.id);
        let submitted = async {
            let answer = transport
                .fetch(&call, Method::POST, &url, Some(Bytes::from(body)), timeout)
                .await?;
            // The prediction existed by the time its answer arrived (not
            // before the request waited for a connection or a 429 passed):
            // the status checks are scheduled from here.
            let submitted_at = SystemTime::now();
            let response: P::SubmitResponse = decode(&call, &answer)?;
            let snapshot = Snapshot::of(&response);
            if let Some(id) = &snapshot.id {
                tracing::Span::current().record("prediction_id", id.as_str());
            }
            let call = Call {
                prediction_id: snapshot.id.as_deref(),
                ..call
            };
            let state = read_state(
                transport.provider,
                &snapshot,
                Phase::Submit,
                answer.status.as_u16(),
            )
            .map_err(|error| with_excerpt(error, &answer.body))?;
            let mut prediction =
                Prediction::new(transport.provider.name, Some(model.id), snapshot.id.clone());
            prediction.set_webhook_token(webhook_token.clone());
            if snapshot.id.is_none() {
                // A synchronous answer names no prediction: give it a name no
                // other answer can take, so its outputs cannot collide.
                prediction.set_local_id(local_id(transport.provider.name));
            }
            let cost = snapshot
                .cost_cents
                .and_then(Cost::reported_cents)
                .unwrap_or(expected);
            if let Some(reservation) = reservation.take() {
                reservation.settle(cost);
            }
            prediction.set_details(
                snapshot.status_url.clone(),
                snapshot
                    .estimated_time
                    .as_deref()
                    .and_then(parse_estimated_time)
                    .or(model.estimated_time),
                snapshot.cost_cents,
                cost,
                submitted_at,
            );
            match state {
                State::Succeeded { status, outputs } => {
                    prediction.set_status(&status);
                    prediction.finish(outputs);
                }
                State::Running { status }
                | State::SucceededElsewhere { status }
                | State::Unknown { status } => prediction.set_status(&status),
                State::Failed { status, message } => {
                    let error =
                        failed_prediction(transport.provider, snapshot.id.clone(), status, message);
                    return Err(error);
                }
            }
            if !prediction.is_done() && prediction.id().is_none() {
                return Err(call.undecodable(
                    answer.status,
                    "the prediction is not finished and the answer names no id to poll",
                    &answer.body,
                ));
            }
            transport.emit(&call, || EventKind::Submitted {
                estimated_time: prediction.estimated_time(),
            });
            Ok(prediction)
        }
        .instrument(span)
        .await
        .map_err(|error| error.redacted(&transport.redactor));
        let submitted = match submitted {
            Ok(prediction) => {
                flight.answered(prediction.id());
                Ok(prediction)
            }
            Err(error) if may_have_been_taken(&error) => {
                let mut uncertain = flight.unanswered();
                uncertain.webhook_token = webhook_token;
                Err(Error::Unanswered {
                    uncertain: Box::new(uncertain),
                    source: Box::new(error),
                })
            }
            Err(error) => {
                flight.answered(error.prediction_id());
                Err(error)
            }
        };
        if let Err(error) = &submitted {
            // Money is given back only for a request the server certainly
            // never took; any other failure may have been charged for.
            if let Some(reservation) = reservation.take().filter(|_| error.was_not_sent()) {
                reservation.release();
            }
            let call = Call {
                prediction_id: error.prediction_id(),
                ..call
            };
            transport.emit(&call, || EventKind::Failed {
                message: error.to_string(),
            });
        }
        submitted
    }

    /// Submits a request and waits for its outputs: [`submit`](Self::submit)
    /// then [`wait`](Self::wait), under one overall deadline.
    pub async fn generate<R>(&self, request: &R) -> Result<Generation, Error>
    where
        R: ModelRequest<Provider = P>,
    {
        let deadline = self.deadline();
        let prediction = self.submit_until(request, deadline).await?;
        self.wait_within(&prediction, deadline).await
    }

    /// Waits for a submitted prediction to finish, polling on a schedule
    /// seeded by its estimated time. A deadline error leaves the prediction
    /// running on the server: wait again, or [`resume`](Self::resume) by id.
    pub async fn wait(&self, prediction: &Prediction) -> Result<Generation, Error> {
        self.wait_within(prediction, self.deadline()).await
    }

    /// [`wait`](Self::wait) under a deadline the caller holds (the one its
    /// [`submit_until`](Self::submit_until) ran under, say); the generation
    /// saves under it too.
    pub async fn wait_until(
        &self,
        prediction: &Prediction,
        deadline: Deadline,
    ) -> Result<Generation, Error> {
        self.wait_within(prediction, deadline).await
    }

    /// A handle to an existing prediction, for [`wait`](Self::wait) or
    /// [`status`](Self::status) (after a restart, say).
    pub fn prediction(&self, id: impl Into<String>) -> Prediction {
        Prediction::new(self.transport.provider.name, None, Some(id.into()))
    }

    /// Waits for the prediction with this id.
    pub async fn resume(&self, id: impl Into<String>) -> Result<Generation, Error> {
        self.wait(&self.prediction(id)).await
    }

    /// Checks once on a prediction and returns it updated: its status, and its
    /// outputs once done. A failed prediction is an error.
    pub async fn status(&self, prediction: &Prediction) -> Result<Prediction, Error> {
        self.check_provider(prediction)?;
        if prediction.is_done() {
            return Ok(prediction.clone());
        }
        let budget = self.deadline();
        let mut updated = prediction.clone();
        let checked = self
            .check(prediction, budget, 1)
            .await
            .map_err(|error| error.redacted(&self.transport.redactor))?;
        match checked {
            Polled::Done(status, outputs) => {
                updated.set_status(&status);
                updated.finish(outputs);
            }
            Polled::Running(status, _) | Polled::Unknown(status, _) => updated.set_status(&status),
        }
        Ok(updated)
    }

    /// Refuses a prediction of another provider: polling it here would ask
    /// the wrong API (with this provider's key).
    fn check_provider(&self, prediction: &Prediction) -> Result<(), Error> {
        let ours = self.transport.provider.name;
        if prediction.provider() == ours {
            Ok(())
        } else {
            Err(Error::InvalidConfig {
                reason: format!(
                    "prediction {} belongs to {}, not {ours}: use a {} client",
                    prediction.id().unwrap_or("(no id)"),
                    prediction.provider(),
                    prediction.provider()
                ),
            })
        }
    }

    pub(crate) async fn wait_within(
        &self,
        prediction: &Prediction,
        budget: Deadline,
    ) -> Result<Generation, Error> {
        self.check_provider(prediction)?;
        let transport = &self.transport;
        let model = prediction.model();
        let started = submission_instant(
            prediction.submitted_at(),
            (SystemTime::now(), Instant::now()),
            budget.started(),
        );
        let call = Call {
            phase: Phase::Poll,
            model,
            prediction_id: prediction.id(),
            started: budget.started(),
            deadline: budget.at(),
        };
        if prediction.is_done() {
            return Ok(self.finished(
                prediction.clone(),
                prediction.outputs().to_vec(),
                started,
                0,
                budget,
                &call,
            ));
        }
        let span = tracing::info_span!(
            "wait",
            provider = transport.provider.name,
            model = model.unwrap_or_default(),
            prediction_id = prediction.id().unwrap_or_default(),
            polls = tracing::field::Empty,
        );
        // What this client has seen of the model beats any estimate; the
        // server's own estimate for this prediction beats the documented one.
        let learning = model.filter(|_| transport.poll.learn_from_completions);
        // Counted in the model's cohort while it runs (only when its age is
        // known: a bare id's submission time is not).
        let watch = learning
            .filter(|_| prediction.submitted_at().is_some())
            .map(|model| transport.learned.watch(model, started));
        let learned = learning.and_then(|model| transport.learned.window(model));
        let schedule = PollSchedule::new(transport.poll, learned.or(prediction.estimated_time()));
        let unknown_in_a_row = AtomicU32::new(0);
        // When the last check that found the prediction running was sent,
        // in ms after submission (`u64::MAX`: none yet).
        let last_running = AtomicU64::new(u64::MAX);
        let waited = wait_for(
            &TokioClock,
            schedule,
            started,
            budget.at(),
            transport.poll.min_interval,
            fastrand::f64,
            |poll| {
                tracing::Span::current().record("polls", poll);
                let unknown_in_a_row = &unknown_in_a_row;
                let call = &call;
                let last_running = &last_running;
                let watch = &watch;
                async move {
                    let sent = started.elapsed();
                    let polled = self.check(prediction, budget, poll).await?;
                    let pause = match polled {
                        Polled::Done(status, outputs) => {
                            if let Some(watch) = watch {
                                let before = match last_running.load(Ordering::Relaxed) {
                                    u64::MAX => None,
                                    ms => Some(Duration::from_millis(ms)),
                                };
                                watch.completed(before, sent);
                            }
                            return Ok(Check::Done((status, outputs)));
                        }
                        Polled::Running(status, pause) => {
                            last_running.store(
                                u64::try_from(sent.as_millis()).unwrap_or(u64::MAX - 1),
                                Ordering::Relaxed,
                            );
                            unknown_in_a_row.store(0, Ordering::Relaxed);
                            transport.emit(call, || EventKind::Processing {
                                status,
                                elapsed: started.elapsed(),
                                estimated_time: prediction.estimated_time(),
                            });
                            pause
                        }
                        Polled::Unknown(status, pause) => {
                            let in_a_row = unknown_in_a_row.fetch_add(1, Ordering::Relaxed) + 1;
                            tracing::warn!(%status, "undocumented status");
                            if in_a_row >= transport.poll.max_unknown_status_polls {
                                return Err(Error::UnknownStatus {
                                    prediction_id: prediction.id().unwrap_or_default().to_owned(),
                                    status,
                                    polls: in_a_row,
                                });
                            }
                            transport.emit(call, || EventKind::UnknownStatus { status });
                            pause
                        }
                    };
                    Ok(Check::Pending { retry_after: pause })
                }
            },
        )
        .instrument(span)
        .await;
        match waited {
            Ok(((status, outputs), polls)) => {
                let mut done = prediction.clone();
                done.set_status(&status);
                Ok(self.finished(done, outputs, started, polls, budget, &call))
            }
            Err(failure) => {
                let error = match failure {
                    WaitError::Failed(error) => error,
                    WaitError::Deadline { .. } => call.timeout(),
                }
                .redacted(&transport.redactor);
                transport.emit(&call, || EventKind::Failed {
                    message: error.to_string(),
                });
                Err(error)
            }
        }
    }

    fn finished(
        &self,
        mut prediction: Prediction,
        outputs: Vec<Output>,
        started: Instant,
        polls: u32,
        budget: Deadline,
        call: &Call<'_>,
    ) -> Generation {
        let timings = Timings {
            elapsed: started.elapsed(),
            polls,
        };
        self.transport.emit(call, || EventKind::Completed {
            elapsed: timings.elapsed,
            polls,
            outputs: outputs.len(),
        });
        prediction.finish(outputs);
        Generation::new(Arc::clone(&self.transport), prediction, timings, budget)
    }

    /// One status check, retried (as the transport retries any GET) until
    /// the deadline on 408, 429, 5xx, broken connections, and a server error
    /// reported inside a success answer (an envelope code 5xx or 429).
    async fn check(
        &self,
        prediction: &Prediction,
        budget: Deadline,
        poll: u32,
    ) -> Result<Polled, Error> {
        let transport = &*self.transport;
        let id = prediction.id().ok_or_else(|| Error::InvalidConfig {
            reason: "this prediction has no id to check on (its API answers synchronously)"
                .to_owned(),
        })?;
        let call = Call {
            phase: Phase::Poll,
            model: prediction.model(),
            prediction_id: Some(id),
            started: budget.started(),
            deadline: budget.at(),
        };
        let url = self.status_url(prediction, id)?;
        tracing::debug!(poll, %url, "checking status");
        let undecodable = std::sync::atomic::AtomicU32::new(0);
        let (answer, state) = transport
            .with_retries(&call, &url, true, |_attempt| {
                let sent = transport.attempt(Method::GET, &url, None, transport.timeouts.request);
                let call = &call;
                let undecodable = &undecodable;
                async move {
                    let answer = sent.await?;
                    // A status check is safe to repeat, and an answer that is
                    // not the documented JSON is most often a proxy's page in
                    // the way for a moment; the third such answer ends the
                    // wait, quoting it, rather than waiting out the deadline
                    // on an API that changed.
                    let response: P::ResultResponse = decode(call, &answer).map_err(|error| {
                        let seen =
                            1 + undecodable.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if seen < UNDECODABLE_POLL_ANSWERS {
                            Failure::Transient(error)
                        } else {
                            Failure::Fatal(error)
                        }
                    })?;
                    let snapshot = Snapshot::of(&response);
                    match read_state(
                        transport.provider,
                        &snapshot,
                        Phase::Poll,
                        answer.status.as_u16(),
                    ) {
                        Ok(state) => Ok((answer, state)),
                        Err(error @ (Error::Server { .. } | Error::RateLimited { .. })) => {
                            Err(Failure::Transient(error))
                        }
                        Err(error) => Err(Failure::Fatal(with_excerpt(error, &answer.body))),
                    }
                }
            })
            .await?;
        // Some APIs pace pollers with Retry-After on an ordinary answer; it is
        // capped like any server-requested pause.
        let pause = retry_after(&answer.headers, SystemTime::now())
            .map(|pause| pause.min(transport.retry.max_retry_after));
        match state {
            State::Succeeded { status, outputs } => Ok(Polled::Done(status, outputs)),
            State::Running { status } => Ok(Polled::Running(status, pause)),
            State::Unknown { status } => Ok(Polled::Unknown(status, pause)),
            State::SucceededElsewhere { status } => Err(call.undecodable(
                answer.status,
                format!("the prediction is `{status}` but its result lists no outputs"),
                &answer.body,
            )),
            State::Failed { status, message } => Err(failed_prediction(
                transport.provider,
                Some(id.to_owned()),
                status,
                message,
            )),
        }
    }

    /// Where to check on a prediction: the status URL the server named if it
    /// is on the API origin, else the documented result path. A status URL
    /// elsewhere is not followed: the request would carry the key to a host
    /// the caller never chose.
    fn status_url(&self, prediction: &Prediction, id: &str) -> Result<Url, Error> {
        let transport = &*self.transport;
        if let Some(named) = prediction.status_url()
            && let Ok(url) = fetchable_url(named)
            && same_origin(&url, &transport.api_base)
        {
            return Ok(url);
        }
        if let Some(named) = prediction.status_url() {
            tracing::warn!(
                status_url = named,
                "not following a status URL off the API origin"
            );
        }
        let endpoint = transport
            .provider
            .result
            .ok_or_else(|| Error::InvalidConfig {
                reason: format!("{} has no status endpoint", transport.provider.display_name),
            })?;
        transport.api_url(&endpoint.path.replace("{id}", &path_segment(id)?))
    }
}

/// Whether a submission that ended in `error` may have created a
/// prediction nobody knows the id of: the request went out (or may have),
/// and no answer named a prediction or refused it for certain. A broken
/// connection or timeout after sending, a server error, an unreadable
/// answer.
fn may_have_been_taken(error: &Error) -> bool {
    error.prediction_id().is_none()
        && !error.was_not_sent()
        && matches!(
            error,
            Error::Timeout { .. }
                | Error::Transport { .. }
                | Error::Server { .. }
                | Error::Undecodable { .. }
        )
}

/// An id as one URL path segment: everything but RFC 3986's unreserved
/// characters percent-encoded, and `.`/`..` refused, so an id from a file or
/// a user cannot walk to another path.
fn path_segment(id: &str) -> Result<String, Error> {
    if id.is_empty() || id == "." || id == ".." {
        return Err(Error::InvalidConfig {
            reason: format!("`{id}` is not a prediction id"),
        });
    }
    let mut segment = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            segment.push(char::from(byte));
        } else {
            segment.push_str(&format!("%{byte:02X}"));
        }
    }
    Ok(segment)
}

/// A name for an answer the provider gave no id: the provider, the time,
/// this process and a counter, and 64 random bits, so neither another
/// answer of this process nor one of another run can take it.
fn local_id(provider: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let millis = SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    format!(
        "{provider}-local-{millis}-{:x}-{:x}-{:016x}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        fastrand::u64(..)
    )
}

/// What one status check found.
#[derive(Debug)]
enum Polled {
    Done(String, Vec<Output>),
    /// Still running; the server may have asked for a pause before the next check.
    Running(String, Option<Duration>),
    Unknown(String, Option<Duration>),
}

impl<P> Client<P> {
    /// The overall time limit of one operation.
    pub fn overall_timeout(&self) -> Duration {
        self.transport.timeouts.overall
    }
}

/// The instant a prediction answered `submitted_at` was submitted, on the
/// monotonic clock: its age subtracted from now (`now` is the same moment on
/// both clocks). Not the deadline's start minus the age: the deadline may
/// have begun well before the submission (a wait for a connection, a 429),
/// and checks scheduled from there come early, more of them than the
/// schedule meant. A prediction serialised by another process may be older
/// than this deadline, and keeps its age. Without a known submission (a bare
/// id), or with a submission time in the future (a wall clock that went
/// back), the deadline's start.
fn submission_instant(
    submitted_at: Option<SystemTime>,
    (now_wall, now): (SystemTime, Instant),
    fallback: Instant,
) -> Instant {
    submitted_at
        .and_then(|at| now_wall.duration_since(at).ok())
        .and_then(|age| now.checked_sub(age))
        .unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_are_scheduled_from_the_submission_not_the_deadline_start() {
        let now = Instant::now();
        let wall = SystemTime::now();
        let deadline_start = now - Duration::from_secs(5);
        // Answered 2 s ago, after 3 s waiting for a connection.
        let answered = wall - Duration::from_secs(2);
        assert_eq!(
            submission_instant(Some(answered), (wall, now), deadline_start),
            now - Duration::from_secs(2)
        );
        // No submission time: the deadline's start.
        assert_eq!(
            submission_instant(None, (wall, now), deadline_start),
            deadline_start
        );
        // A submission time in the future (the wall clock went back): the
        // deadline's start.
        assert_eq!(
            submission_instant(
                Some(wall + Duration::from_secs(9)),
                (wall, now),
                deadline_start
            ),
            deadline_start
        );
        // Submitted by another process a minute ago: a minute old.
        assert_eq!(
            submission_instant(
                Some(wall - Duration::from_secs(60)),
                (wall, now),
                deadline_start
            ),
            now - Duration::from_secs(60)
        );
    }
}
