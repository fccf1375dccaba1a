//! Turns validated specs into provider crates.
//!
//! [`generate`] is a pure function from a [`SpecSet`] to the full text of
//! every generated file: Rust is built as `quote!` tokens and printed with
//! prettyplease, so the output is byte-identical on every machine and every
//! run. [`sync`] then writes those files (or, in check mode, reports the
//! ones that differ), and removes files a removed spec no longer produces.

pub mod build;
mod bundle;
mod catalog;
mod docs;
mod files;
mod json;
mod manifest;
mod model;
mod names;
pub mod own;
mod provider;
mod readme;
mod render;
mod schema;
mod target;
mod umbrella;

use std::path::Path;

use imagegen_spec::ir::SpecSet;

pub use bundle::BUNDLED_DIR;
pub use files::{Mode, Report, Stale, sync, sync_owned};
pub use render::RenderError;
pub use target::Target;
pub use umbrella::UMBRELLA_DIR;

pub(crate) use provider::endpoint_tokens as provider_endpoint;

/// The directory codegen owns: everything below it is generated, and any file
/// there that codegen did not produce is removed (or, in check mode, reported).
pub const PROVIDERS_DIR: &str = "crates/providers";

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the repository root, with `/` separators.
    pub path: String,
    /// The full contents.
    pub contents: String,
}

/// Every file generated from `set`: one crate per provider under
/// [`PROVIDERS_DIR`], the umbrella crate's manifest and provider list under
/// [`UMBRELLA_DIR`], the copy of the specs `imagegen-spec` ships under
/// [`BUNDLED_DIR`], the JSON Schemas of the spec format under `specs/`, and
/// the catalog between the markers of `README.md`, where it has them.
///
/// `root` is the repository root; spec paths in file headers are written
/// relative to it, so they do not depend on where the repository is.
pub fn generate(set: &SpecSet, root: &Path) -> Result<Vec<GeneratedFile>, RenderError> {
    let mut files = schema::schema_files();
    for provider in &set.providers {
        let dir = format!("{PROVIDERS_DIR}/{}", provider.name);
        files.extend(provider::crate_files(
            &set.providers,
            provider,
            root,
            &dir,
            Target::Repository,
        )?);
    }
    files.extend(umbrella::umbrella_files(&set.providers)?);
    files.extend(catalog::readme_with_catalog(root, &set.providers));
    files.extend(bundle::bundled_files(set, root)?);
    Ok(files)
}
