//! What a model cannot honour of a [`Generate`](super::Generate) request, in
//! the request's own terms.

use std::fmt;

use crate::args::ArgError;
use crate::error::Error;
use crate::info::{Meaning, ModelInfo};

/// Why a model cannot honour an option.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// The model has no parameter for the option.
    NoParameter,
    /// The model's parameter offers no value for it.
    NoChoice {
        /// The parameter's wire name.
        parameter: &'static str,
        /// What it offers, in the provider's spelling.
        choices: &'static [&'static str],
    },
    /// The model requires the parameter and the request leaves it unset.
    Required {
        /// The parameter's wire name.
        parameter: &'static str,
        /// What it allows, in words.
        allowed: &'static str,
    },
    /// The model's own rules reject the value sent for the option (out of
    /// range, neither a preset nor an allowed custom size, …).
    Rejected(ArgError),
}

/// One option a model cannot honour.
#[derive(Clone, PartialEq, Eq)]
pub struct Problem {
    model: &'static ModelInfo,
    option: Option<Meaning>,
    value: Option<String>,
    parameter: Option<&'static str>,
    reason: Reason,
}

impl Problem {
    pub(super) fn new(
        model: &'static ModelInfo,
        option: Option<Meaning>,
        value: Option<String>,
        parameter: Option<&'static str>,
        reason: Reason,
    ) -> Self {
        Problem {
            model,
            option,
            value,
            parameter,
            reason,
        }
    }

    /// The model that cannot honour it.
    pub fn model(&self) -> &'static ModelInfo {
        self.model
    }

    /// The option, by its neutral name; `None` for a required parameter of
    /// the model that no option stands for.
    pub fn option(&self) -> Option<Meaning> {
        self.option
    }

    /// The value asked for, in neutral spelling (`2048x1152`, `jpeg`);
    /// `None` when the option was not given.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// The model's parameter involved, by wire name; `None` when it has none
    /// for the option.
    pub fn parameter(&self) -> Option<&'static str> {
        self.parameter
    }

    /// Why the model cannot honour it.
    pub fn reason(&self) -> &Reason {
        &self.reason
    }
}

/// A value quoted in a problem: cut as [`ParamError`](crate::ParamError)
/// cuts it, with its length after; a long prompt is not echoed back in full
/// (its whole text stays available from [`Problem::value`]).
struct Excerpt<'a>(&'a str);

impl fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let excerpt = imagegen_core::Excerpt::of(self.0);
        write!(f, "{}{}", excerpt.shown, excerpt.length_note())
    }
}

impl fmt::Display for Problem {
    /// One line: the option and its value, the model, and what it allows.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let model = self.model.qualified_id();
        match (self.option, &self.value, self.parameter) {
            (Some(option), Some(value), _) => write!(f, "{option} {}: ", Excerpt(value))?,
            (Some(option), None, _) => write!(f, "{option} (not given): ")?,
            (None, _, Some(parameter)) => write!(f, "`{parameter}`: ")?,
            (None, _, None) => {}
        }
        match &self.reason {
            Reason::NoParameter => {
                let option = self.option.map_or("such", Meaning::as_str);
                write!(f, "{model} has no {option} parameter")?;
                if self.option == Some(Meaning::Count) {
                    f.write_str("; it makes one image per request")?;
                }
                Ok(())
            }
            Reason::NoChoice {
                parameter,
                choices: [],
            } => {
                write!(
                    f,
                    "{model} cannot honour it: `{parameter}` has no value for it"
                )
            }
            Reason::NoChoice { parameter, choices } => write!(
                f,
                "{model} cannot honour it: `{parameter}` allows one of {}",
                choices.join(", ")
            ),
            Reason::Required { parameter, allowed } => match self.option {
                Some(_) => write!(f, "{model} requires it, as `{parameter}`: {allowed}"),
                None => write!(
                    f,
                    "{model} requires it, and no neutral option stands for it; allowed: {allowed}"
                ),
            },
            Reason::Rejected(ArgError::Invalid(error)) => write!(
                f,
                "{model} cannot honour it: `{}` = `{}` {}; allowed: {}",
                error.parameter(),
                Excerpt(error.value()),
                error.violation(),
                error.allowed()
            ),
            Reason::Rejected(error) => write!(f, "{model} cannot honour it: {error}"),
        }
    }
}

impl fmt::Debug for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The model by name: its whole table would bury the problem.
        f.debug_struct("Problem")
            .field("model", &self.model.qualified_id())
            .field("option", &self.option)
            .field("value", &self.value)
            .field("parameter", &self.parameter)
            .field("reason", &self.reason)
            .finish()
    }
}

/// Every option of a [`Generate`](super::Generate) request that a model
/// cannot honour, found before anything is sent. Never empty.
///
/// Displayed as one line per problem, each naming the model:
///
/// ```text
/// seed 42: vibedream/gpt-image-1 has no seed parameter
/// size 2048x1152: vibedream/z-image-turbo cannot honour it: `size` = `2048*1152` is not one of the allowed values; allowed: one of 512*512, …
/// ```
///
/// There is no conversion into [`crate::Error`]: its
/// [`InvalidParameter`](crate::Error::InvalidParameter) holds one parameter's
/// error, and this report is about options, several at once. Use `?` in a
/// function returning `Box<dyn std::error::Error>`, or
/// [`Generate::send`](super::Generate::send), whose [`SendError`] holds either.
#[derive(Clone, PartialEq, Eq)]
pub struct Unsupported {
    model: &'static ModelInfo,
    problems: Vec<Problem>,
}

impl Unsupported {
    pub(super) fn new(model: &'static ModelInfo, problems: Vec<Problem>) -> Self {
        Unsupported { model, problems }
    }

    /// The model the request was mapped onto.
    pub fn model(&self) -> &'static ModelInfo {
        self.model
    }

    /// The problems, in neutral option order (prompt, size, count, seed,
    /// output format, reference image, quality; then required parameters no
    /// option stands for).
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The problem with `option`, if there is one.
    pub fn problem(&self, option: Meaning) -> Option<&Problem> {
        self.problems
            .iter()
            .find(|problem| problem.option == Some(option))
    }
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, problem) in self.problems.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            problem.fmt(f)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unsupported")
            .field("model", &self.model.qualified_id())
            .field("problems", &self.problems)
            .finish()
    }
}

impl std::error::Error for Unsupported {}

/// Why [`Generate::send`](super::Generate::send) failed: the model cannot
/// honour the request (nothing was sent), or generating it failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// The model cannot honour the request as asked; nothing was sent.
    #[error(transparent)]
    Unsupported(#[from] Unsupported),
    /// Submitting, waiting or reading the outputs failed.
    #[error(transparent)]
    Generation(#[from] Error),
}
