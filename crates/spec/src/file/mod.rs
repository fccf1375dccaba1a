//! The spec files exactly as written: what serde reads from YAML and what the
//! JSON Schema describes. Unknown keys are errors everywhere. Nothing here is
//! checked beyond its shape; `check` turns these into the validated [`ir`].
//!
//! [`ir`]: crate::ir

pub mod model;
pub mod provider;
