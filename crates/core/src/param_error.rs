//! The one error type for a rejected parameter value.

use crate::Violation;

/// Longest excerpt of a rejected value quoted in the message; a 40,000-character
/// prompt should not be echoed back in full.
const MAX_QUOTED_CHARS: usize = 80;

/// A parameter value that breaks the provider's documented rules.
///
/// Returned by every `try_new`, `TryFrom` and `FromStr` of the generated
/// parameter types, before anything is sent. It names the parameter (by its
/// wire name), the value given and what is allowed, and for near misses of an
/// enumerated value it suggests the intended one:
///
/// ```
/// use imagegen_core::{ParamError, Violation};
///
/// let error = ParamError::new(
///     "size",
///     "1024x1024",
///     Violation::NotAllowed,
///     "one of 1024*1024, 1024*1536, 1536*1024",
/// )
/// .with_suggestion(Some("1024*1024"));
/// assert_eq!(
///     error.to_string(),
///     "invalid `size`: `1024x1024` is not one of the allowed values; \
///      allowed: one of 1024*1024, 1024*1536, 1536*1024; did you mean `1024*1024`?"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    parameter: &'static str,
    value: String,
    violation: Violation,
    allowed: &'static str,
    suggestion: Option<&'static str>,
    /// For an item of a list parameter: its index.
    item: Option<usize>,
}

impl ParamError {
    /// An error for `parameter` (its wire name) rejecting `value` for `violation`;
    /// `allowed` says in words what would have been accepted.
    pub fn new(
        parameter: &'static str,
        value: impl Into<String>,
        violation: Violation,
        allowed: &'static str,
    ) -> Self {
        Self {
            parameter,
            value: value.into(),
            violation,
            allowed,
            suggestion: None,
            item: None,
        }
    }

    /// The same error, placed at item `index` of its list parameter (an
    /// item type has the list's wire name): the message reads
    /// `invalid \`images[1]\``; for a field of a list of objects, whose
    /// type is named `loras[].scale`, `invalid \`loras[1].scale\``. Placed
    /// once: the innermost index stands.
    #[must_use]
    pub fn in_item(mut self, index: usize) -> Self {
        self.item.get_or_insert(index);
        self
    }

    /// For an error inside a list: the item's index.
    pub fn item(&self) -> Option<usize> {
        self.item
    }

    /// Adds the allowed value the user most likely meant.
    #[must_use]
    pub fn with_suggestion(mut self, suggestion: Option<&'static str>) -> Self {
        self.suggestion = suggestion;
        self
    }

    /// The parameter's wire name, as the provider's docs spell it.
    pub fn parameter(&self) -> &'static str {
        self.parameter
    }

    /// The rejected value, as given.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Why the value was rejected.
    pub fn violation(&self) -> Violation {
        self.violation
    }

    /// What the parameter accepts, in words.
    pub fn allowed(&self) -> &'static str {
        self.allowed
    }

    /// The allowed value closest to the rejected one, if there is a clear one.
    pub fn suggestion(&self) -> Option<&'static str> {
        self.suggestion
    }
}

/// A value quoted in a message: its first 80 characters
/// (with `…`) and, when cut, its length, so the caller places the quotes.
/// One rule for every message that quotes a caller's value.
#[derive(Debug, Clone)]
pub struct Excerpt<'a> {
    /// What to show.
    pub shown: std::borrow::Cow<'a, str>,
    /// The full length in characters, when `shown` is cut.
    pub cut_from: Option<usize>,
}

impl<'a> Excerpt<'a> {
    /// The excerpt of `value`.
    pub fn of(value: &'a str) -> Self {
        let total = value.chars().count();
        if total > MAX_QUOTED_CHARS {
            let mut shown: String = value.chars().take(MAX_QUOTED_CHARS).collect();
            shown.push('…');
            Excerpt {
                shown: shown.into(),
                cut_from: Some(total),
            }
        } else {
            Excerpt {
                shown: value.into(),
                cut_from: None,
            }
        }
    }

    /// ` (N characters)` when cut, nothing otherwise.
    pub fn length_note(&self) -> String {
        self.cut_from
            .map_or_else(String::new, |total| format!(" ({total} characters)"))
    }
}

impl core::fmt::Display for ParamError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let excerpt = Excerpt::of(&self.value);
        f.write_str("invalid `")?;
        match (self.item, self.parameter.split_once("[]")) {
            (Some(index), Some((list, field))) => write!(f, "{list}[{index}]{field}")?,
            (Some(index), None) => write!(f, "{}[{index}]", self.parameter)?,
            (None, _) => f.write_str(self.parameter)?,
        }
        write!(f, "`: `{}`{}", excerpt.shown, excerpt.length_note())?;
        write!(f, " {}; allowed: {}", self.violation, self.allowed)?;
        if let Some(suggestion) = self.suggestion {
            write!(f, "; did you mean `{suggestion}`?")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParamError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_quoted_as_an_excerpt_with_their_length() {
        let value = "a".repeat(32_001);
        let error = ParamError::new(
            "prompt",
            value,
            Violation::TooLong,
            "text of 1 to 32000 characters",
        );
        let message = error.to_string();
        assert!(message.starts_with(&format!("invalid `prompt`: `{}…`", "a".repeat(80))));
        assert!(message.contains("(32001 characters) is too long"));
        assert!(message.ends_with("allowed: text of 1 to 32000 characters"));
        assert_eq!(error.value().len(), 32_001, "the full value is kept");
    }

    #[test]
    fn an_item_error_names_the_list_and_index() {
        let error = ParamError::new("images", "x", Violation::Malformed, "an http(s) URL")
            .in_item(0)
            .in_item(7);
        assert_eq!(error.item(), Some(0), "placed once, at the innermost list");
        assert_eq!(error.parameter(), "images");
        assert_eq!(
            error.to_string(),
            "invalid `images[0]`: `x` is not well-formed; allowed: an http(s) URL"
        );
    }

    #[test]
    fn a_field_error_names_the_list_index_and_field() {
        let error = ParamError::new(
            "loras[].scale",
            "5",
            Violation::AboveMaximum,
            "a number from 0.0 to 4.0",
        )
        .in_item(2);
        assert_eq!(
            error.to_string(),
            "invalid `loras[2].scale`: `5` is above the maximum; allowed: a number from 0.0 to 4.0"
        );
    }

    #[test]
    fn message_names_parameter_value_violation_and_allowed() {
        let error = ParamError::new(
            "strength",
            "0.65",
            Violation::OffStep,
            "a number from 0 to 1 in steps of 0.1",
        );
        assert_eq!(
            error.to_string(),
            "invalid `strength`: `0.65` is not a whole number of steps; \
             allowed: a number from 0 to 1 in steps of 0.1"
        );
        assert_eq!(error.suggestion(), None);
    }
}
