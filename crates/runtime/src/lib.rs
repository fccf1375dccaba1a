//! The transport shared by the generated `imagegen-<provider>` crates.
//!
//! What the generated types are made of (the [`rules`], the [`traits`]
//! requests and responses implement, the [`info`] tables, [`ParamError`])
//! is `imagegen-core`, re-exported here.
//!
//! The transport is written once against those tables: a [`Client`] per
//! provider submits requests, polls on a [`schedule`] seeded by the model's
//! estimated time, retries what is safe to retry, and saves outputs. Every
//! failure is one [`Error`].

pub mod budget;
pub mod cost;
pub mod dynamic;
pub mod neutral;
pub mod schedule;
pub mod waiter;
pub mod webhook;

mod client;
mod deadline;
mod download;
mod error;
mod events;
mod json_request;
mod learned;
mod ledger;
mod limits;
mod local_images;
mod origin;
mod part_file;
mod prediction;
mod reading;
mod redact;
mod retry;
mod secret;
mod transport;
mod uncertain;

pub use client::{Client, ClientBuilder, Generation};
pub use deadline::Deadline;
pub use error::{Error, Phase};
pub use events::{Event, EventKind};
pub use json_request::JsonRequest;
pub use limits::ConnectionLimits;
pub use prediction::{Output, Prediction, Timings};
pub use retry::RetryPolicy;
pub use schedule::PollPolicy;
pub use secret::ApiKey;
pub use transport::Timeouts;
pub use uncertain::{Candidate, Finding, Uncertain};

// What generated types are made of lives in `imagegen-core` (no transport);
// it is re-exported here at the paths it always had.
#[doc(hidden)]
pub use imagegen_core::{__private, serde_support};
pub use imagegen_core::{
    ImageFormat, JsonValue, ModelRequest, NoUpload, OutputRef, ParamError, Provider,
    ResponseFields, Violation, args, image, info, price, rules, traits,
};
