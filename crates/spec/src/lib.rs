//! The imagegen spec format.
//!
//! Each provider is a directory under `specs/` holding `provider.yaml` (base
//! URL, auth, protocol, statuses, responses, errors) and one YAML file per
//! model at the path of its id (`specs/wavespeed/openai/gpt-image-1.yaml`),
//! holding its metadata and parameter table.
//!
//! Loading is two steps. serde_yaml reads each file into the [`file`](mod@file) types,
//! which mirror the YAML exactly and reject unknown keys; then the checker
//! turns them into the validated [`ir`], checking everything the shape cannot
//! say (a default outside its range, a step that does not divide the range, a
//! duplicate name, a required parameter with a default, a role the protocol
//! needs). Every problem is reported as a [`Diagnostic`] at its
//! `file:line:column`, all of them at once.

pub mod args;
pub mod bundled;
pub mod decimal;
pub mod diagnostic;
pub mod file;
pub mod info;
pub mod ir;
pub mod naming;
pub mod schema;

mod check;
mod load;
mod locate;
mod scalar;

pub use diagnostic::{Diagnostic, Diagnostics, Location};
pub use load::{PROVIDER_FILE, load, load_model_file, load_own, parse_model, parse_provider};
pub use scalar::Scalar;
