//! Runtime shared by the generated `imagegen-<provider>` crates.
//!
//! Generated code is thin: each parameter type holds its spec's numbers in a
//! [`rules`] struct and delegates to it; each request and response implements
//! the [`traits`] through which the runtime reads what it needs; each provider
//! and model is described by the static tables in [`info`]. Bad values are
//! reported as one error type, [`ParamError`].

pub mod info;
pub mod rules;
pub mod traits;

mod literal;
mod param_error;
mod param_traits;
mod violation;

#[doc(hidden)]
pub mod serde_support;

pub use param_error::ParamError;
pub use traits::{ModelRequest, OutputRef, Provider, ResponseFields};
pub use violation::Violation;

/// What the runtime's macros name from their expansion site.
#[doc(hidden)]
pub mod __private {
    pub use serde;
}

/// Any JSON value: the type of documented response fields whose shape the
/// documentation does not give.
pub use serde_json::Value as JsonValue;
