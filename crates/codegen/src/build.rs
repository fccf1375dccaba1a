//! Generating a user's own specs from a `build.rs`, for users who keep no
//! generated files in their repository (progenitor's `build.rs` way in).
//!
//! ```ignore
//! // build.rs
//! fn main() {
//!     if let Err(error) = imagegen_codegen::build::generate("specs") {
//!         eprintln!("{error}");
//!         std::process::exit(1);
//!     }
//! }
//! ```
//!
//! ```ignore
//! // src/lib.rs (or main.rs): at the crate root, as the generated code
//! // addresses its items from `crate::`.
//! include!(concat!(env!("OUT_DIR"), "/wavespeed.rs"));
//! ```
//!
//! The crate depends on `imagegen-core`, `imagegen-runtime` and `serde`
//! (with `derive`), and `imagegen-codegen` as a build dependency.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

use crate::own::{self, OwnError};

/// Loads the specs in `specs_dir` (relative to the crate's manifest, as
/// build scripts run there), writes `$OUT_DIR/<provider>.rs` for their one
/// provider, and tells cargo to rerun when a spec changes. Returns the
/// file's path. Errors name the spec file, line and column.
pub fn generate(specs_dir: impl AsRef<Path>) -> Result<PathBuf, OwnError> {
    let specs_dir = specs_dir.as_ref();
    rerun_if_changed(specs_dir);
    let set = own::load(specs_dir)?;
    let package = env::var("CARGO_PKG_NAME").unwrap_or_else(|_| "crate".to_owned());
    let parent = specs_dir.parent().unwrap_or(Path::new(""));
    let file = own::single_file(&set, parent, &package)?;
    let out_dir = env::var_os("OUT_DIR").map(PathBuf::from).ok_or_else(|| {
        OwnError::Usage(
            "OUT_DIR is not set: call imagegen_codegen::build::generate from a build script".into(),
        )
    })?;
    let path = out_dir.join(&file.path);
    // Unchanged output is not rewritten, so cargo does not rebuild for it.
    if fs::read_to_string(&path).ok().as_deref() != Some(file.contents.as_str()) {
        fs::write(&path, &file.contents).map_err(|error| {
            OwnError::Usage(format!("cannot write {}: {error}", path.display()))
        })?;
    }
    Ok(path)
}

/// Every directory and `.yaml` file below `dir` is an input: a directory
/// changes when a file is added or removed, a file when it is edited.
fn rerun_if_changed(dir: &Path) {
    println!("cargo::rerun-if-changed={}", dir.display());
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rerun_if_changed(&path);
        } else {
            println!("cargo::rerun-if-changed={}", path.display());
        }
    }
}
