//! Where the emulator's specs come from: the ones imagegen ships
//! (`imagegen_spec::bundled`, a copy of the repository's `specs/`), or a
//! directory given at start.
//!
//! Either way they go through `imagegen_spec`'s checker, the one codegen uses,
//! so the emulator speaks exactly the API the generated clients are built for.

use std::path::Path;

use imagegen_spec::ir::SpecSet;

use crate::error::SimError;

/// Loads the specs from `dir`, or the built-in ones.
pub(crate) fn load(dir: Option<&Path>) -> Result<SpecSet, SimError> {
    let set = match dir {
        Some(dir) => imagegen_spec::load(dir).map_err(SimError::Specs)?,
        None => imagegen_spec::bundled::load().map_err(SimError::Specs)?,
    };
    if set.providers.is_empty() {
        return Err(SimError::NoProviders);
    }
    Ok(set)
}
