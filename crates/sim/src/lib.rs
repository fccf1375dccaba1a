//! A loopback emulator of every imagegen provider's API, driven by the same
//! specs as the generated clients.
//!
//! [`Sim::start`] binds two listeners on 127.0.0.1: the API, where each
//! provider is served under its own prefix (`/vibedream`, `/wavespeed`, …)
//! followed by its documented paths, and a separate assets origin serving
//! the outputs. Everything a provider does differently is read from its spec:
//!
//! - **Protocol**: a flat prediction queue (submit → `{id, status, statusUrl,
//!   …}`, poll the result path), an enveloped one (`{code, message, data}`
//!   for both), or one synchronous OpenAI-style call answered `201`; status
//!   values, field names and nesting come from the spec's status list and
//!   response field tables and their roles.
//! - **Validation**: bodies are checked against the model's parameter table
//!   ([`Model::check_body`](imagegen_spec::ir::Model::check_body)); a bad one
//!   gets the provider's 400 naming the parameter, the value and what is
//!   allowed. A missing or wrong key gets its 401.
//! - **Timing**: a prediction's end is fixed when it is submitted
//!   ([`Completion`]) and its status derived from the clock when polled.
//!   Sync mode holds the answer until the end.
//! - **Outputs**: real PNG, JPEG or WebP images of the requested size and
//!   format, `n` of them, as URLs on the assets origin or base64. The assets
//!   origin refuses (403) and records requests carrying credentials.
//! - **Uploads**: where a spec documents an upload endpoint, files posted
//!   there as `multipart/form-data` are kept and served from the assets
//!   origin; a request whose reference image is one gets outputs filled
//!   with its mean colour (and its size, where the size is a keyword).
//! - **Faults** on demand: [`Sim::inject`] a [`FaultRule`], or
//!   `POST /__sim/faults`. Everything is recorded in the [`SimLog`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), imagegen_sim::SimError> {
//! use std::time::Duration;
//! use imagegen_sim::{Fault, FaultRule, Sim, SimConfig, Target};
//!
//! let sim = Sim::start(SimConfig::default().complete_after(Duration::from_millis(50))).await?;
//! let base = sim.base_url("vibedream"); // http://127.0.0.1:PORT/vibedream
//! sim.inject(FaultRule::new(Fault::ServerError { status: 503 }).on(Target::Poll));
//! // ... point a client at `base` with key `sim.api_key()` ...
//! assert_eq!(sim.log().total_polls(), 0);
//! sim.shutdown().await;
//! # Ok(()) }
//! ```

mod account;
mod assets;
mod auth;
mod catalog;
mod config;
mod control;
mod error;
mod faults;
mod history;
mod images;
mod inputs;
mod log;
mod models_api;
mod multipart;
mod plan;
mod poll;
mod predictions;
mod report;
mod request_body;
mod respond;
mod routes;
mod server;
mod sim;
mod specs;
mod state;
mod submit;
mod time;
mod upload;
mod uploads;
mod webhooks;

pub use config::{Completion, DEFAULT_API_KEY, DEFAULT_ESTIMATE_MS, RUN_TIME_SEED, SimConfig};
pub use error::SimError;
pub use faults::{
    Fault, FaultRule, RetryAfter, SLOW_BODY_CHUNKS, SYNC_TIMEOUT_WAIT, Scope, Target,
};
pub use log::{
    ConnectionCounts, CredentialLeak, DeliveryKind, Download, FiredFault, SimLog, Submission,
    SubmitOutcome, Upload, WebhookDelivery,
};
pub use sim::{Sim, shell_word};
