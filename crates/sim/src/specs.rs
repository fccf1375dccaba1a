//! Where the emulator's specs come from: the ones imagegen ships
//! (`imagegen_spec::bundled`, a copy of the repository's `specs/`), or a
//! directory given at start.
//!
//! Either way they go through `imagegen_spec`'s checker, the one codegen uses,
//! so the emulator speaks exactly the API the generated clients are built for.

use std::path::{Path, PathBuf};

use imagegen_spec::ir::{Provider, SpecSet};

use crate::error::SimError;

/// Loads the specs from `dir`, or the built-in ones, and a user's own
/// (directories or model files) on top.
pub(crate) fn load(dir: Option<&Path>, own: &[PathBuf]) -> Result<SpecSet, SimError> {
    let mut set = match dir {
        Some(dir) => imagegen_spec::load(dir).map_err(SimError::Specs)?,
        None => imagegen_spec::bundled::load().map_err(SimError::Specs)?,
    };
    for path in own {
        let providers = if path.is_dir() {
            imagegen_spec::load_own(path)
                .map_err(SimError::Specs)?
                .providers
        } else {
            vec![imagegen_spec::load_model_file(path).map_err(SimError::Specs)?]
        };
        for provider in providers {
            merge(&mut set, provider);
        }
    }
    if set.providers.is_empty() {
        return Err(SimError::NoProviders);
    }
    Ok(set)
}

/// Adds `own`'s models to the provider of its name (replacing a model of
/// the same id), or `own` as a provider of its own.
fn merge(set: &mut SpecSet, own: Provider) {
    let Some(known) = set.providers.iter_mut().find(|p| p.name == own.name) else {
        set.providers.push(own);
        return;
    };
    for model in own.models {
        known.models.retain(|m| m.id != model.id);
        known.models.push(model);
    }
    known.models.sort_by(|a, b| a.id.cmp(&b.id));
}
