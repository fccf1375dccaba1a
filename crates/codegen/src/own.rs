//! A user's own specs, outside this repository: the same format and the same
//! generator, writing a provider crate of the user's (`imagegen codegen
//! --specs DIR --out DIR`) or one file for a build script ([`crate::build`]).
//!
//! A provider directory without a `provider.yaml` is a provider imagegen
//! knows, its file taken from `imagegen-spec`'s bundled specs
//! ([`imagegen_spec::load_own`]), so adding a model to WaveSpeed is one
//! model file.

use std::fmt;
use std::path::Path;

use imagegen_spec::Diagnostics;
use imagegen_spec::ir::SpecSet;

use crate::render::RenderError;
use crate::{GeneratedFile, Target, provider};

/// Why a user's specs produced nothing.
#[derive(Debug)]
#[non_exhaustive]
pub enum OwnError {
    /// The specs do not load: every problem, at its `file:line:column`.
    Specs(Diagnostics),
    /// The specs load but cannot become what was asked for (a package name
    /// for several providers, several providers for one build script).
    Usage(String),
    /// A file could not be generated.
    Render(RenderError),
}

impl fmt::Display for OwnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OwnError::Specs(diagnostics) => write!(f, "{diagnostics}"),
            OwnError::Usage(message) => f.write_str(message),
            OwnError::Render(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for OwnError {}

impl From<RenderError> for OwnError {
    fn from(error: RenderError) -> Self {
        OwnError::Render(error)
    }
}

/// Loads a user's specs directory (see [`imagegen_spec::load_own`]).
pub fn load(specs_dir: &Path) -> Result<SpecSet, OwnError> {
    let set = imagegen_spec::load_own(specs_dir).map_err(OwnError::Specs)?;
    if set.providers.is_empty() {
        return Err(OwnError::Usage(format!(
            "{} holds no provider directory: write <provider>/<model id>.yaml (a provider imagegen knows: {}) or <provider>/provider.yaml beside your models",
            specs_dir.display(),
            imagegen_spec::bundled::provider_names().join(", ")
        )));
    }
    Ok(set)
}

/// The package name of a user's crate for `provider` when none is given:
/// `<provider>-models`, so it never collides with imagegen's own
/// `imagegen-<provider>`.
pub fn default_package(provider: &str) -> String {
    format!("{provider}-models")
}

/// One crate per provider of `set`, each in a directory named after its
/// package, paths relative to the output directory. `package` names the
/// crate when `set` holds one provider. Headers name spec paths relative to
/// `specs_parent`.
pub fn crates(
    set: &SpecSet,
    specs_parent: &Path,
    package: Option<&str>,
) -> Result<Vec<GeneratedFile>, OwnError> {
    if let (Some(package), [_, _, ..]) = (package, set.providers.as_slice()) {
        return Err(OwnError::Usage(format!(
            "--package {package} names one crate, but the specs hold {} providers ({}); generate them one at a time or leave --package out",
            set.providers.len(),
            provider_list(set)
        )));
    }
    let mut providers = set.providers.clone();
    for provider in &mut providers {
        provider.package = package.map_or_else(|| default_package(&provider.name), str::to_owned);
    }
    let mut files = Vec::new();
    for provider in &providers {
        files.extend(provider::crate_files(
            &providers,
            provider,
            specs_parent,
            &provider.package.clone(),
            Target::OwnCrate,
        )?);
    }
    Ok(files)
}

/// The single file a build script writes for the one provider of `set`,
/// for the crate `package` (whose name doc examples use).
pub fn single_file(
    set: &SpecSet,
    specs_parent: &Path,
    package: &str,
) -> Result<GeneratedFile, OwnError> {
    let [provider] = set.providers.as_slice() else {
        return Err(OwnError::Usage(format!(
            "a build script generates one provider per crate, but the specs hold {} ({}); give each its own crate",
            set.providers.len(),
            provider_list(set)
        )));
    };
    let mut provider = provider.clone();
    provider.package = package.to_owned();
    Ok(provider::single_file(
        std::slice::from_ref(&provider),
        &provider,
        specs_parent,
    )?)
}

fn provider_list(set: &SpecSet) -> String {
    set.providers
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
