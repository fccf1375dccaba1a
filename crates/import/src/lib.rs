//! Specs from a provider's machine-readable schema.
//!
//! Two sources are read: OpenAPI 3.0 documents of aimlapi's shape
//! ([`openapi`]) and WaveSpeed's models API, `GET /api/v3/models`
//! ([`wavespeed`]). Each JSON Schema property becomes a parameter row of a
//! spec kind, or a [`Finding`] saying what it is and that it was left out
//! (never guessed). An [`Import`] is then [`apply`]d to a provider's spec
//! directory: each model is [`merge`]d with the spec already committed (the
//! source owns what it states; what a person added is kept), checked by
//! the same checker as every spec, and written, or in check mode compared
//! ([`drift`], each change classed breaking or not by README's Versioning
//! rules).
//!
//! The crate reads and writes files but fetches nothing: the command line
//! (`imagegen import`) brings documents from files, URLs or the emulator.

pub mod drift;
pub mod json;
pub mod merge;
pub mod openapi;
pub mod report;
pub mod wavespeed;

mod means;
mod schema;
mod yaml;

use std::path::{Component, Path, PathBuf};

use imagegen_spec::file::model::ModelFile;

pub use drift::drift;
pub use json::{Json, Pointer};
pub use merge::merge;
pub use report::{Change, Finding};
pub use yaml::write_model;

/// What a source says: its models as specs of the facts it states, and
/// what it could not say in spec terms.
#[derive(Debug, Clone, Default)]
pub struct Import {
    /// The models, in document order.
    pub models: Vec<ImportedModel>,
    /// Constructs left out, and readings worth knowing.
    pub findings: Vec<Finding>,
    /// Every model id the source lists, imported or not (a model it lists
    /// but could not import has not been removed).
    pub listed: Vec<String>,
}

/// One model as its source describes it.
#[derive(Debug, Clone)]
pub struct ImportedModel {
    /// The provider's model id.
    pub id: String,
    /// What the source states, as a spec: its parameters in the source's
    /// order, and a name, task and source for a model not yet committed.
    pub spec: ModelFile,
    /// Which model-level facts the source states (the rest is a person's).
    pub states: States,
    /// Every property the source names, in its order, mapped or not.
    pub order: Vec<String>,
    /// Properties the source names but whose shape has no spec kind: a
    /// committed row for one is kept.
    pub unmapped: Vec<String>,
}

/// The model-level facts a source states for a model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct States {
    /// A name for people other than the id.
    pub display_name: bool,
    /// A one-line description.
    pub summary: bool,
    /// What the model does.
    pub task: bool,
    /// A price.
    pub price: bool,
}

/// Why an import could not be made; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The document is not JSON.
    #[error("{document}: not JSON: {error}")]
    NotJson {
        /// The document.
        document: String,
        /// serde_json's message.
        error: String,
    },
    /// The document is JSON but not of the expected shape.
    #[error("{document} at {pointer}: {message}")]
    Shape {
        /// The document.
        document: String,
        /// Where.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// A model id that would put its spec outside the output directory.
    #[error("`{id}` is not a model id that names a file inside the output directory: {reason}")]
    UnsafeId {
        /// The id.
        id: String,
        /// Why.
        reason: &'static str,
    },
    /// A committed spec that cannot be read, so a person's additions to it
    /// cannot be kept.
    #[error("{}: {message}; fix it or move it away before importing", path.display())]
    Committed {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        error: std::io::Error,
    },
}

impl ImportError {
    fn shape(document: &str, pointer: Pointer, message: impl Into<String>) -> Self {
        ImportError::Shape {
            document: document.to_owned(),
            pointer: pointer.to_string(),
            message: message.into(),
        }
    }
}

/// Parses a document read from `cited_as`.
pub fn parse(text: &str, cited_as: &str) -> Result<Json, ImportError> {
    Json::parse(text).map_err(|error| ImportError::NotJson {
        document: cited_as.to_owned(),
        error: error.to_string(),
    })
}

/// A name for people from a model id, for a spec the source names no
/// better: `flux/kontext-pro/text-to-image` → `Flux Kontext Pro Text To
/// Image`.
pub fn display_name(id: &str) -> String {
    id.split(['/', '-', '_'])
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where model `id`'s spec lives below a provider directory `out`
/// (`flux/dev` → `out/flux/dev.yaml`), refusing an id that would escape it.
pub fn spec_path(out: &Path, id: &str) -> Result<PathBuf, ImportError> {
    let unsafe_id = |reason| ImportError::UnsafeId {
        id: id.to_owned(),
        reason,
    };
    if id.is_empty() || id.contains('\\') || id.contains('\0') {
        return Err(unsafe_id("it is empty or holds `\\` or NUL"));
    }
    let relative = Path::new(id);
    for component in relative.components() {
        match component {
            Component::Normal(_) => {}
            Component::ParentDir => return Err(unsafe_id("it climbs out with `..`")),
            Component::RootDir | Component::Prefix(_) => {
                return Err(unsafe_id("it is an absolute path"));
            }
            Component::CurDir => return Err(unsafe_id("it holds a `.` segment")),
        }
    }
    if id.split('/').any(str::is_empty) {
        return Err(unsafe_id("it holds an empty segment"));
    }
    if id.split('/').any(|segment| segment == ".") {
        return Err(unsafe_id("it holds a `.` segment"));
    }
    if id == "provider" {
        return Err(unsafe_id(
            "`provider.yaml` is the provider's own spec, not a model's",
        ));
    }
    Ok(out.join(format!("{id}.yaml")))
}

/// The path of `model.schema.json` from model `id`'s spec, for the
/// editor hint on its first line (`specs/<provider>/` is two levels below).
fn schema_path(id: &str) -> String {
    format!("{}model.schema.json", "../".repeat(id.split('/').count()))
}

/// What [`apply`] did, or in check mode would do.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Specs written (none in check mode).
    pub written: Vec<PathBuf>,
    /// Specs whose text is already what the import makes.
    pub unchanged: usize,
    /// How the committed specs differ from the source.
    pub changes: Vec<Change>,
    /// Models whose merged spec the checker refuses (not written), with
    /// its messages.
    pub refused: Vec<(String, String)>,
    /// What applying found besides the import's own findings.
    pub findings: Vec<Finding>,
}

/// How [`apply`] treats the models an import does not mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// The import is one document among several: other specs are not its
    /// concern.
    Partial,
    /// The import lists every model of the provider (a whole models-API
    /// answer): a committed spec whose id it does not list at all is
    /// reported removed.
    Complete,
}

/// Merges each imported model with its committed spec under `out` (a
/// provider's spec directory, whose provider spec is `provider`) and
/// writes it, or with `check` writes nothing and reports the drift.
///
/// Every path is checked and every committed spec read before anything is
/// written: an import that stops on an error has written nothing.
pub fn apply(
    import: &Import,
    out: &Path,
    provider: &imagegen_spec::ir::Provider,
    coverage: Coverage,
    check: bool,
) -> Result<Outcome, ImportError> {
    let mut outcome = Outcome::default();
    let mut writes = Vec::new();
    for model in &import.models {
        let path = spec_path(out, &model.id)?;
        refuse_links(out, &path)?;
        let committed = read_committed(&path)?;
        let committed_spec = committed.as_ref().map(|(spec, _)| spec);
        let mut merged = merge(model, committed_spec);
        outcome
            .changes
            .extend(drift(&model.id, committed_spec, Some(&merged)));
        let mut text = write_model(&merged, &schema_path(&model.id));
        if let Err(diagnostics) = imagegen_spec::parse_model(&path, &text, provider) {
            // A source's example the spec cannot hold (one URL where the
            // spec takes the list) is left out, not the model.
            let examples = merged.examples.len();
            merged.examples.retain(|e| {
                !model
                    .spec
                    .examples
                    .iter()
                    .any(|s| s.description == e.description)
            });
            text = write_model(&merged, &schema_path(&model.id));
            if merged.examples.len() == examples
                || imagegen_spec::parse_model(&path, &text, provider).is_err()
            {
                outcome
                    .refused
                    .push((model.id.clone(), diagnostics.to_string()));
                continue;
            }
            outcome.findings.push(Finding::left_out(
                Some(&model.id),
                "x-codeSamples",
                format!("the code sample's request body does not fit the spec: {diagnostics}"),
            ));
        }
        if committed.as_ref().is_some_and(|(_, old)| *old == text) {
            outcome.unchanged += 1;
        } else {
            writes.push((path, text));
        }
    }
    if coverage == Coverage::Complete {
        for id in committed_ids(out)? {
            if !import.models.iter().any(|m| m.id == id) && !import.listed.contains(&id) {
                outcome.changes.extend(drift(&id, Some(&empty(&id)), None));
            }
        }
    }
    if !check {
        for (path, text) in writes {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|error| ImportError::Io {
                    path: dir.to_owned(),
                    error,
                })?;
            }
            std::fs::write(&path, &text).map_err(|error| ImportError::Io {
                path: path.clone(),
                error,
            })?;
            outcome.written.push(path);
        }
    }
    Ok(outcome)
}

/// Refuses a spec path that passes through a symbolic link below `out`
/// (which could lead a write anywhere).
fn refuse_links(out: &Path, path: &Path) -> Result<(), ImportError> {
    let Ok(relative) = path.strip_prefix(out) else {
        return Ok(());
    };
    let mut here = out.to_path_buf();
    for component in relative.components() {
        here.push(component);
        match std::fs::symlink_metadata(&here) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(ImportError::Io {
                    path: here,
                    error: std::io::Error::other(
                        "a symbolic link inside the output directory; an import writes only real files",
                    ),
                });
            }
            Ok(_) => {}
            // Nothing there yet: nothing further down exists either.
            Err(_) => break,
        }
    }
    Ok(())
}

/// A stand-in for a committed spec only known by its id.
fn empty(id: &str) -> ModelFile {
    ModelFile::new(
        id,
        "",
        "",
        imagegen_spec::file::model::TaskName::TextToImage,
    )
}

fn read_committed(path: &Path) -> Result<Option<(ModelFile, String)>, ImportError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(ImportError::Io {
                path: path.to_owned(),
                error,
            });
        }
    };
    let spec: ModelFile = serde_yaml::from_str(&text).map_err(|error| ImportError::Committed {
        path: path.to_owned(),
        message: error.to_string(),
    })?;
    Ok(Some((spec, text)))
}

/// The ids of the model specs under a provider directory.
fn committed_ids(out: &Path) -> Result<Vec<String>, ImportError> {
    fn walk(root: &Path, dir: &Path, ids: &mut Vec<String>) -> Result<(), ImportError> {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(error) => {
                return Err(ImportError::Io {
                    path: dir.to_owned(),
                    error,
                });
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, ids)?;
            } else if path.extension().is_some_and(|e| e == "yaml")
                && path
                    .file_name()
                    .is_some_and(|n| n != imagegen_spec::PROVIDER_FILE)
                && let Ok(relative) = path.with_extension("").strip_prefix(root)
            {
                let id: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                ids.push(id.join("/"));
            }
        }
        Ok(())
    }
    let mut ids = Vec::new();
    walk(out, out, &mut ids)?;
    ids.sort();
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_id_cannot_write_outside_the_output_directory() {
        let out = Path::new("/specs/aimlapi");
        assert_eq!(
            spec_path(out, "flux/dev").unwrap(),
            Path::new("/specs/aimlapi/flux/dev.yaml")
        );
        for bad in [
            "../evil",
            "a/../../b",
            "/etc/passwd",
            "",
            "a//b",
            "a\\b",
            "./a",
            "a/./b",
            "provider",
        ] {
            assert!(spec_path(out, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn display_names_from_ids() {
        assert_eq!(
            display_name("flux/kontext-pro/text-to-image"),
            "Flux Kontext Pro Text To Image"
        );
        assert_eq!(schema_path("flux/dev"), "../../model.schema.json");
        assert_eq!(schema_path("dall-e-3"), "../model.schema.json");
    }
}
