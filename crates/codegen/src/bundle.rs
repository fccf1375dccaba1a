//! The copy of `specs/` that `imagegen-spec` ships (its `bundled/`
//! directory): every provider and model file, byte for byte, so the
//! published crates carry the specs they were generated from. The emulator
//! serves them; a user's own model reuses a provider's `provider.yaml`.

use std::fs;
use std::path::Path;

use imagegen_spec::ir::SpecSet;

use crate::GeneratedFile;
use crate::render::{RenderError, spec_path};

/// The directory codegen owns in `imagegen-spec`.
pub const BUNDLED_DIR: &str = "crates/spec/bundled";

/// A copy of every spec file of `set` below [`BUNDLED_DIR`], at its path
/// relative to `specs/`.
pub(crate) fn bundled_files(set: &SpecSet, root: &Path) -> Result<Vec<GeneratedFile>, RenderError> {
    let specs = root.join("specs");
    let mut files = Vec::new();
    for provider in &set.providers {
        let sources =
            std::iter::once(&provider.file).chain(provider.models.iter().map(|m| &m.file));
        for source in sources {
            let path = format!("{BUNDLED_DIR}/{}", spec_path(source, &specs));
            let contents = fs::read_to_string(source).map_err(|error| RenderError {
                path: path.clone(),
                message: format!("cannot read {}: {error}", source.display()),
            })?;
            files.push(GeneratedFile { path, contents });
        }
    }
    Ok(files)
}
