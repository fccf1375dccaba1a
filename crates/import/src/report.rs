//! What an import could not carry over, and what it changed.

use std::fmt;

/// Something the importer reports about the source: a construct with no
/// spec kind (left out, never guessed), or a reading worth knowing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The model it concerns, if one.
    pub model: Option<String>,
    /// Where in the source (a JSON pointer).
    pub pointer: String,
    /// What it is and what was done.
    pub what: String,
    /// Whether something the source states was left out of the spec.
    pub left_out: bool,
}

impl Finding {
    /// A construct the spec cannot hold, left out.
    pub fn left_out(
        model: Option<&str>,
        pointer: impl fmt::Display,
        what: impl Into<String>,
    ) -> Self {
        Self {
            model: model.map(str::to_owned),
            pointer: pointer.to_string(),
            what: what.into(),
            left_out: true,
        }
    }

    /// A reading of the source worth knowing, nothing left out.
    pub fn note(model: Option<&str>, pointer: impl fmt::Display, what: impl Into<String>) -> Self {
        Self {
            model: model.map(str::to_owned),
            pointer: pointer.to_string(),
            what: what.into(),
            left_out: false,
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = if self.left_out { "left out" } else { "note" };
        match &self.model {
            Some(model) => write!(f, "{model} {}: {label}: {}", self.pointer, self.what),
            None => write!(f, "{}: {label}: {}", self.pointer, self.what),
        }
    }
}

/// How a committed spec differs from what its source says now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The model (`flux/dev`).
    pub model: String,
    /// The parameter, if the change is in one (`loras[].scale` for a field).
    pub parameter: Option<String>,
    /// What changed, from the committed spec to the source.
    pub what: String,
    /// Breaking by README's Versioning rules: a value that was accepted
    /// would be refused, or something users name goes away.
    pub breaking: bool,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let class = if self.breaking {
            "breaking"
        } else {
            "not breaking"
        };
        match &self.parameter {
            Some(parameter) => write!(f, "{} `{parameter}`: {} ({class})", self.model, self.what),
            None => write!(f, "{}: {} ({class})", self.model, self.what),
        }
    }
}
