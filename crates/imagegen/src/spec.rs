//! Models read from their spec while the program runs (the `spec` feature):
//! a YAML model file of imagegen's format, for a provider this crate was
//! built with, becomes a [`ModelEntry`] like a compiled-in model's: the same
//! table, the same checks (the spec's own, which the emulator answers
//! with), the same client. The command line's `--spec FILE` is this.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use imagegen::args::Args;
//!
//! // my-model.yaml names its provider: `provider: wavespeed`.
//! let (provider, model) = imagegen::spec::load_model("my-model.yaml".as_ref())?;
//! let request = model.parse(Args::new().with("prompt", "a lighthouse at dusk"))?;
//! let generation = provider.client()?.generate(&request).await?;
//! # Ok(())
//! # }
//! ```
//!
//! Tables and parsers are leaked (`'static`, as compiled-in tables are):
//! load a spec once per process, not once per request.

use std::fmt;
use std::path::{Path, PathBuf};

use imagegen_runtime::JsonRequest;
use imagegen_runtime::args::{ArgError, ArgErrors, Args};
use imagegen_spec::Diagnostics;
use imagegen_spec::ir::{Model, Provider};

use crate::{AnyRequest, ModelEntry, PROVIDERS, ProviderEntry};

/// Why a model spec cannot be used.
#[derive(Debug)]
#[non_exhaustive]
pub enum SpecError {
    /// The file does not load: every problem at its `file:line:column`.
    Invalid(Diagnostics),
    /// It names a provider this crate was not built with.
    UnknownProvider {
        /// The spec file.
        path: PathBuf,
        /// The provider it names.
        provider: String,
    },
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecError::Invalid(diagnostics) => write!(f, "{diagnostics}"),
            SpecError::UnknownProvider { path, provider } => write!(
                f,
                "{}: provider `{provider}` is not one this build speaks (it knows {}); generate a crate for it with `imagegen codegen`",
                path.display(),
                PROVIDERS
                    .iter()
                    .map(|p| p.info.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

impl std::error::Error for SpecError {}

/// Loads a model file that names its provider (`provider: wavespeed`) and
/// makes it a catalog entry of that provider.
pub fn load_model(path: &Path) -> Result<(&'static ProviderEntry, &'static ModelEntry), SpecError> {
    let spec = imagegen_spec::load_model_file(path).map_err(SpecError::Invalid)?;
    let provider = PROVIDERS
        .iter()
        .copied()
        .find(|entry| entry.info.name == spec.name)
        .ok_or_else(|| SpecError::UnknownProvider {
            path: path.to_path_buf(),
            provider: spec.name.clone(),
        })?;
    let model = spec
        .models
        .first()
        .cloned()
        .ok_or_else(|| SpecError::Invalid(Diagnostics(Vec::new())))?;
    Ok((provider, model_entry(provider, &spec, model)))
}

/// The catalog entry of `model`, a model of `spec`, served by `provider`
/// (the compiled-in provider of that name): its table built from the spec,
/// its requests [`JsonRequest`]s checked by the spec's rules.
pub fn model_entry(
    provider: &'static ProviderEntry,
    spec: &Provider,
    model: Model,
) -> &'static ModelEntry {
    let info = imagegen_spec::info::leak_model_info(provider.info, spec, &model);
    let parse = Box::leak(Box::new(
        move |args: Args| -> Result<AnyRequest, ArgErrors> {
            let parts = imagegen_spec::args::request_parts(&model, info, args)?;
            JsonRequest::new(info, parts.body, parts.images)
                .map(AnyRequest::from)
                // The parts name only the model's own image parameters; kept
                // as an error rather than a panic all the same.
                .map_err(|message| {
                    ArgErrors(vec![ArgError::Rejected {
                        parameter: "",
                        message,
                    }])
                })
        },
    ));
    Box::leak(Box::new(ModelEntry::dynamic(info, parse)))
}
