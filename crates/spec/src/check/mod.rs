//! From spec files to the validated [`ir`](crate::ir), reporting every problem
//! at its file, line and column.

mod model;
mod param;
mod price;
mod provider;
mod response;
mod values;

pub(crate) use param::meaning;
pub(crate) use values::interpret;

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostic::{Diagnostic, Location};
use crate::locate::{SpanIndex, join_key};

pub(crate) use model::check_model;
pub(crate) use provider::check_provider;
pub(crate) use values::{admit, interpret_json};

/// The provider a model file names with its `provider` key, or the
/// problem, located, when it names none; `Err` also when the YAML does not
/// parse.
pub(crate) fn named_provider(
    file: &Path,
    text: &str,
    known: &[&str],
) -> Result<String, Vec<Diagnostic>> {
    let raw: crate::file::model::ModelFile = parse_yaml(file, text)?;
    match raw.provider {
        Some(name) => Ok(name),
        None => Err(vec![Diagnostic::new(
            file,
            Location::START,
            format!(
                "a model spec read on its own names its provider: add `provider: <name>` (one of {})",
                known.join(", ")
            ),
        )]),
    }
}

/// Reports an unknown provider named by a model file's `provider` key, at the key.
pub(crate) fn unknown_provider(
    file: &Path,
    text: &str,
    name: &str,
    known: &[&str],
) -> Vec<Diagnostic> {
    let mut r = Reporter::new(file, text);
    r.error(
        "provider",
        format!(
            "`{name}` is not a provider imagegen knows; expected one of {}",
            known.join(", ")
        ),
    );
    r.diagnostics
}

/// Collects the problems found in one file, each located by its YAML path.
pub(crate) struct Reporter<'a> {
    file: &'a Path,
    index: SpanIndex,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Reporter<'a> {
    fn new(file: &'a Path, text: &str) -> Self {
        Self {
            file,
            index: SpanIndex::build(text),
            diagnostics: Vec::new(),
        }
    }

    /// Reports a problem with the node at `path` (`parameters[2].default`),
    /// prefixed with the path as serde_yaml's own errors are.
    pub(crate) fn error(&mut self, path: &str, message: impl Into<String>) {
        let location = self.index.locate(path);
        self.push(location, path, message.into());
    }

    /// Reports a problem with the key naming the node at `path` (a key that
    /// should not be there).
    pub(crate) fn key_error(&mut self, path: &str, message: impl Into<String>) {
        let location = self.index.locate_key(path);
        self.push(location, path, message.into());
    }

    fn push(&mut self, location: Location, path: &str, message: String) {
        let message = if path.is_empty() {
            message
        } else {
            format!("{path}: {message}")
        };
        self.diagnostics
            .push(Diagnostic::new(self.file, location, message));
    }

    fn error_count(&self) -> usize {
        self.diagnostics.len()
    }

    fn finish<T>(self, value: T) -> Result<T, Vec<Diagnostic>> {
        if self.diagnostics.is_empty() {
            Ok(value)
        } else {
            Err(self.diagnostics)
        }
    }
}

/// `path` + `.key`.
pub(crate) fn at(path: &str, key: &str) -> String {
    join_key(path, key)
}

/// `path` + `[index]`.
pub(crate) fn item(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

/// Reads a spec file's shape with serde_yaml, turning its error into a
/// diagnostic at the location serde_yaml reports.
fn parse_yaml<T: DeserializeOwned>(file: &Path, text: &str) -> Result<T, Vec<Diagnostic>> {
    serde_yaml::from_str(text).map_err(|error| {
        let location = error.location().map_or(Location::START, |l| Location {
            line: l.line(),
            column: l.column(),
        });
        let message = error.to_string();
        // serde_yaml appends the position, which the diagnostic already leads with.
        let suffix = format!(" at line {} column {}", location.line, location.column);
        let message = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
        vec![Diagnostic::new(file, location, message)]
    })
}

/// A name the specs use as a lowercase identifier (`vibedream`).
fn is_lower_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// An environment variable name (`VIBEDREAM_API_KEY`).
fn is_env_var(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// A Rust type name we generate (`Prediction`, `VibeDream`).
fn is_type_name(name: &str) -> bool {
    crate::naming::is_identifier(name) && name.starts_with(|c: char| c.is_ascii_uppercase())
}
