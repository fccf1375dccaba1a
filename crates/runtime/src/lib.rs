//! Runtime shared by the generated `imagegen-<provider>` crates.
//!
//! Generated code is thin: each parameter type holds its spec's numbers in a
//! [`rules`] struct and delegates to it; each request and response implements
//! the [`traits`] through which the runtime reads what it needs; each provider
//! and model is described by the static tables in [`info`]. Bad values are
//! reported as one error type, [`ParamError`].
//!
//! The transport is written once against those tables: a [`Client`] per
//! provider submits requests, polls on a [`schedule`] seeded by the model's
//! estimated time, retries what is safe to retry, and saves outputs. Every
//! failure is one [`Error`].

pub mod args;
pub mod dynamic;
pub mod info;
pub mod neutral;
pub mod rules;
pub mod schedule;
pub mod traits;
pub mod waiter;

mod client;
mod deadline;
mod download;
mod error;
mod events;
mod limits;
mod literal;
mod origin;
mod param_error;
mod param_traits;
mod prediction;
mod reading;
mod retry;
mod secret;
mod transport;
mod violation;

#[doc(hidden)]
pub mod serde_support;

pub use client::{Client, ClientBuilder, Generation};
pub use deadline::Deadline;
pub use download::ImageFormat;
pub use error::{Error, Phase};
pub use events::{Event, EventKind};
pub use limits::ConnectionLimits;
pub use param_error::ParamError;
pub use prediction::{Output, Prediction, Timings};
pub use retry::RetryPolicy;
pub use schedule::PollPolicy;
pub use secret::ApiKey;
pub use traits::{ModelRequest, OutputRef, Provider, ResponseFields};
pub use transport::Timeouts;
pub use violation::Violation;

/// What the runtime's macros name from their expansion site.
#[doc(hidden)]
pub mod __private {
    pub use serde;
}

/// Any JSON value: the type of documented response fields whose shape the
/// documentation does not give.
pub use serde_json::Value as JsonValue;
