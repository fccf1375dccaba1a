//! What the generated `imagegen-<provider>` crates are made of, and nothing
//! that sends a request.
//!
//! Generated code is thin: each parameter type holds its spec's numbers in a
//! [`rules`] struct and delegates to it; each request and response implements
//! the [`traits`] through which a client reads what it needs; each provider
//! and model is described by the static tables in [`info`]. Bad values are
//! reported as one error type, [`ParamError`]; requests are also built from
//! text by [`args`].
//!
//! The transport (`imagegen-runtime`: clients, polling, retries, downloads)
//! is written once against these, and is a separate, optional dependency of
//! every provider crate: with `default-features = false` a provider crate is
//! its validated types on top of this crate and serde alone.

pub mod args;
pub mod image;
pub mod info;
pub mod object;
pub mod price;
pub mod rfc3339;
pub mod rules;
pub mod traits;

mod format;
mod literal;
mod param_error;
mod param_macros;
mod param_traits;
mod violation;

#[doc(hidden)]
pub mod serde_support;

pub use format::ImageFormat;
pub use param_error::{Excerpt, ParamError};
pub use traits::{ModelRequest, NoUpload, OutputRef, ParamType, Provider, ResponseFields};
pub use violation::Violation;

/// What the macros name from their expansion site.
#[doc(hidden)]
pub mod __private {
    pub use crate::literal::LiteralMessage;
    pub use serde;
    pub use serde_json;
}

/// Any JSON value: the type of documented response fields whose shape the
/// documentation does not give.
pub use serde_json::Value as JsonValue;
