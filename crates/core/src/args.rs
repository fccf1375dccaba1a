//! Parameters as text, keyed by wire name: how a request is built when its
//! model is chosen at run time (a command line, a JSONL batch line, the
//! provider-neutral `Generate` request of `imagegen_runtime::neutral`).
//!
//! Every generated request type implements [`FromArgs`], which parses each
//! value with the same `FromStr` its typed builder uses, so text reaches the
//! wire only through the documented rules. All problems are reported at once.

use std::fmt;

use crate::ParamError;
use crate::info::{ModelInfo, ParamInfo};
use crate::rules::suggest;

/// Parameter values as text, in the provider's spelling, keyed by wire name.
///
/// ```
/// use imagegen_core::args::Args;
///
/// let args = Args::new().with("prompt", "a lighthouse").with("size", "1024*1024");
/// assert_eq!(args.get("size"), Some("1024*1024"));
/// assert_eq!(args.len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    values: Vec<(String, String)>,
}

impl Args {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) `name`.
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.insert(name, value);
        self
    }

    /// Sets `name` to `value`, returning the value it replaces.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) -> Option<String> {
        let name = name.into();
        let value = value.into();
        match self.values.iter_mut().find(|(n, _)| *n == name) {
            Some((_, old)) => Some(std::mem::replace(old, value)),
            None => {
                self.values.push((name, value));
                None
            }
        }
    }

    /// Removes `name`, returning its value.
    pub fn remove(&mut self, name: &str) -> Option<String> {
        let index = self.values.iter().position(|(n, _)| n == name)?;
        Some(self.values.remove(index).1)
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The parameters in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// How many parameters are set.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether none is set.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Reads a JSON object (a JSONL batch line): strings are taken as they
    /// are, numbers and booleans as JSON writes them (`0.6`, `true`).
    /// `null`, arrays and objects are not parameter values and are reported.
    ///
    /// ```
    /// use imagegen_core::args::Args;
    ///
    /// let line = serde_json::json!({"prompt": "a fox", "seed": 42, "enable_sync_mode": true});
    /// let args = Args::from_json(line.as_object().unwrap())?;
    /// assert_eq!(args.get("seed"), Some("42"));
    /// assert_eq!(args.get("enable_sync_mode"), Some("true"));
    /// # Ok::<(), imagegen_core::args::ArgErrors>(())
    /// ```
    pub fn from_json(
        object: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Self, ArgErrors> {
        Self::from_json_taking_objects(object, |_| false)
    }

    /// [`from_json`](Self::from_json) for `model`'s parameters: as there,
    /// and a JSON object is read as its JSON text where the parameter takes
    /// one (a size sent as `{"width": W, "height": H}`), to be parsed by the
    /// parameter's own type.
    pub fn from_json_for(
        object: &serde_json::Map<String, serde_json::Value>,
        model: &crate::info::ModelInfo,
    ) -> Result<Self, ArgErrors> {
        Self::from_json_taking_objects(object, |name| {
            model
                .parameter(name)
                .is_some_and(|param| param.kind == crate::info::ParamKind::ImageSize)
        })
    }

    fn from_json_taking_objects(
        object: &serde_json::Map<String, serde_json::Value>,
        takes_object: impl Fn(&str) -> bool,
    ) -> Result<Self, ArgErrors> {
        let mut args = Args::new();
        let mut errors = Vec::new();
        for (name, value) in object {
            let text = match value {
                serde_json::Value::String(text) => text.clone(),
                serde_json::Value::Number(number) => number.to_string(),
                serde_json::Value::Bool(flag) => flag.to_string(),
                // A list parameter reads its JSON text.
                serde_json::Value::Array(_) => value.to_string(),
                serde_json::Value::Object(_) if takes_object(name) => value.to_string(),
                other => {
                    let found = match other {
                        serde_json::Value::Null => "null",
                        _ => "an object",
                    };
                    errors.push(ArgError::NotAValue {
                        name: name.clone(),
                        found,
                    });
                    continue;
                }
            };
            args.insert(name.clone(), text);
        }
        if errors.is_empty() {
            Ok(args)
        } else {
            Err(ArgErrors(errors))
        }
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Args {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        let mut args = Args::new();
        for (name, value) in iter {
            args.insert(name, value);
        }
        args
    }
}

/// A request type that can be built from [`Args`]: implemented by every
/// generated `Request`.
///
/// ```
/// # // The runtime has no models of its own; see a generated crate for a
/// # // complete example. This shows the shape of the call.
/// # fn build<R: imagegen_core::args::FromArgs>() -> Result<R, imagegen_core::args::ArgErrors> {
/// use imagegen_core::args::Args;
/// R::from_args(Args::new().with("prompt", "a red fox"))
/// # }
/// ```
pub trait FromArgs: Sized {
    /// Parses every parameter with its documented rules. Reports every
    /// problem at once: invalid values, missing required parameters,
    /// parameters the model does not have.
    fn from_args(args: Args) -> Result<Self, ArgErrors>;
}

/// One problem with [`Args`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArgError {
    /// A value the parameter's rules reject.
    Invalid(ParamError),
    /// A required parameter was not given.
    Missing {
        /// Its wire name.
        parameter: &'static str,
        /// What it allows.
        allowed: &'static str,
    },
    /// The model has no parameter of this name.
    Unknown {
        /// The name given.
        name: String,
        /// The closest parameter name, if one is close.
        suggestion: Option<&'static str>,
        /// Every parameter the model takes.
        known: Vec<&'static str>,
    },
    /// A parameter the request always sends with one value, given another.
    Fixed {
        /// Its wire name.
        parameter: &'static str,
        /// The value given.
        value: String,
        /// The value always sent.
        fixed: &'static str,
    },
    /// A JSON value that is not a parameter value (`null`, an array, an object).
    NotAValue {
        /// The name it was given under.
        name: String,
        /// What it was.
        found: &'static str,
    },
    /// A value a model spec read at run time rejects, in the words of the
    /// spec's checker (the one the emulator answers with).
    Rejected {
        /// Its wire name.
        parameter: &'static str,
        /// What is wrong and what is allowed.
        message: String,
    },
}

impl ArgError {
    /// The parameter the problem is about, as given.
    pub fn parameter(&self) -> &str {
        match self {
            ArgError::Invalid(error) => error.parameter(),
            ArgError::Missing { parameter, .. }
            | ArgError::Fixed { parameter, .. }
            | ArgError::Rejected { parameter, .. } => parameter,
            ArgError::Unknown { name, .. } | ArgError::NotAValue { name, .. } => name,
        }
    }
}

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArgError::Invalid(error) => error.fmt(f),
            ArgError::Missing { parameter, allowed } => {
                write!(
                    f,
                    "missing `{parameter}`: it is required; allowed: {allowed}"
                )
            }
            ArgError::Unknown {
                name,
                suggestion,
                known,
            } => {
                write!(f, "unknown parameter `{name}`")?;
                if let Some(suggestion) = suggestion {
                    write!(f, "; did you mean `{suggestion}`?")?;
                }
                write!(f, " (this model takes: {})", known.join(", "))
            }
            ArgError::Fixed {
                parameter,
                value,
                fixed,
            } => write!(
                f,
                "invalid `{parameter}`: `{value}` cannot be set; this request always sends `{fixed}`"
            ),
            ArgError::NotAValue { name, found } => write!(
                f,
                "invalid `{name}`: {found} is not a parameter value; give text, a number or a boolean, or leave it out"
            ),
            ArgError::Rejected { parameter, message } => {
                write!(f, "invalid `{parameter}`: {message}")
            }
        }
    }
}

/// Every problem found while building a request from [`Args`]. Never empty
/// when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgErrors(pub Vec<ArgError>);

impl ArgErrors {
    /// The problems, in parameter order.
    pub fn errors(&self) -> &[ArgError] {
        &self.0
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for ArgErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            error.fmt(f)?;
        }
        Ok(())
    }
}

impl std::error::Error for ArgErrors {}

impl From<ArgError> for ArgErrors {
    fn from(error: ArgError) -> Self {
        ArgErrors(vec![error])
    }
}

/// How one parameter's value is read from text: by the type's own `FromStr`
/// for the generated types, and for the plain types (`String`, `bool`,
/// `i64`) with a message naming the parameter and what it allows.
#[doc(hidden)]
pub trait FromArg: Sized {
    /// Parses `text`, the value given for `param`.
    fn from_arg(param: &'static ParamInfo, text: &str) -> Result<Self, ParamError>;
}

impl<T> FromArg for T
where
    T: crate::ParamType + std::str::FromStr<Err = ParamError>,
{
    fn from_arg(_: &'static ParamInfo, text: &str) -> Result<Self, ParamError> {
        text.parse()
    }
}

impl FromArg for String {
    fn from_arg(_: &'static ParamInfo, text: &str) -> Result<Self, ParamError> {
        Ok(text.to_owned())
    }
}

impl FromArg for bool {
    fn from_arg(param: &'static ParamInfo, text: &str) -> Result<Self, ParamError> {
        match text {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(ParamError::new(
                param.name,
                text,
                crate::Violation::NotAllowed,
                param.allowed,
            )
            .with_suggestion(suggest(text, &["true", "false"]))),
        }
    }
}

impl FromArg for i64 {
    fn from_arg(param: &'static ParamInfo, text: &str) -> Result<Self, ParamError> {
        text.parse().map_err(|_| {
            ParamError::new(param.name, text, crate::Violation::Malformed, param.allowed)
        })
    }
}

/// Collects the problems of one [`FromArgs::from_args`] call. Used by
/// generated code: each accessor takes its parameter out of the [`Args`],
/// records any problem and returns what it could parse; the model's table
/// says what each parameter allows, which are fixed and which exist.
#[doc(hidden)]
#[derive(Debug)]
pub struct ArgReader {
    args: Args,
    model: &'static ModelInfo,
    errors: Vec<ArgError>,
}

impl ArgReader {
    #[doc(hidden)]
    pub fn new(args: Args, model: &'static ModelInfo) -> Self {
        Self {
            args,
            model,
            errors: Vec::new(),
        }
    }

    fn param(&self, name: &'static str) -> &'static ParamInfo {
        debug_assert!(
            self.model.parameter(name).is_some(),
            "`{name}` is not in the table"
        );
        const UNDOCUMENTED: ParamInfo =
            ParamInfo::new("", crate::info::ParamKind::Text, "any text");
        // Generated code names only parameters of its own table.
        self.model.parameter(name).unwrap_or(&UNDOCUMENTED)
    }

    /// An optional parameter: `None` when not given or not valid (recorded).
    #[doc(hidden)]
    pub fn optional<T: FromArg>(&mut self, name: &'static str) -> Option<T> {
        let text = self.args.remove(name)?;
        match T::from_arg(self.param(name), &text) {
            Ok(value) => Some(value),
            Err(error) => {
                self.errors.push(ArgError::Invalid(error));
                None
            }
        }
    }

    /// A required parameter: as [`optional`](Self::optional), and its
    /// absence is recorded too.
    #[doc(hidden)]
    pub fn required<T: FromArg>(&mut self, name: &'static str) -> Option<T> {
        let value = self.optional(name);
        if value.is_none() && !self.errors.iter().any(|e| e.parameter() == name) {
            self.errors.push(ArgError::Missing {
                parameter: name,
                allowed: self.param(name).allowed,
            });
        }
        value
    }

    /// Checks the fixed parameters (giving a fixed value is harmless, any
    /// other is a mistake), reports whatever was not taken as unknown, and
    /// returns every problem: empty exactly when every accessor returned a
    /// value it was given and every required parameter was present.
    #[doc(hidden)]
    pub fn finish(mut self) -> ArgErrors {
        for param in self.model.parameters {
            if let Some(fixed) = param.fixed
                && let Some(value) = self.args.remove(param.name)
                && value != fixed
            {
                self.errors.push(ArgError::Fixed {
                    parameter: param.name,
                    value,
                    fixed,
                });
            }
        }
        let known: Vec<&'static str> = self.model.parameters.iter().map(|p| p.name).collect();
        let mut errors = self.errors;
        // In parameter order, as read (fixed ones were checked last).
        errors.sort_by_key(|error| known.iter().position(|name| *name == error.parameter()));
        for (name, _) in self.args.values {
            errors.push(ArgError::Unknown {
                suggestion: suggest(&name, &known),
                known: known.clone(),
                name,
            });
        }
        ArgErrors(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::info::{AuthInfo, Endpoint, HttpMethod, ParamKind, Protocol, ProviderInfo};

    static PROVIDER: ProviderInfo = ProviderInfo {
        name: "test",
        display_name: "Test",
        base_url: "https://api.example.com",
        base_url_env_var: "TEST_BASE_URL",
        auth: AuthInfo {
            header: "Authorization",
            scheme: Some("Bearer"),
            env_var: "TEST_API_KEY",
            key_url: None,
        },
        protocol: Protocol::OpenAiSync,
        result: None,
        statuses: &[],
        errors: &[],
        content_policy_messages: &[],
        sync_mode_returns_outputs: true,
        upload: None,
    };

    static MODEL: ModelInfo = ModelInfo {
        provider: &PROVIDER,
        id: "m",
        display_name: "M",
        summary: "",
        task: "text-to-image",
        estimated_time: None,
        cost_cents: None,
        price: None,
        source: "",
        submit: Endpoint {
            method: HttpMethod::Post,
            path: "/generate",
            success_status: None,
        },
        sync_mode: None,
        base64_output: None,
        parameters: &[
            ParamInfo::new("prompt", ParamKind::Text, "any text").required(),
            ParamInfo::new("enable_sync_mode", ParamKind::Boolean, "true or false"),
            ParamInfo::new("seed", ParamKind::Integer, "an integer").required(),
            ParamInfo::new("model", ParamKind::Text, "m").with_fixed("m"),
        ],
    };

    #[test]
    fn reader_reports_every_problem_at_once() {
        let args = Args::new()
            .with("prompt", "x")
            .with("enable_sync_mode", "yes")
            .with("sede", "3")
            .with("model", "other");
        let mut reader = ArgReader::new(args, &MODEL);
        assert_eq!(reader.required::<String>("prompt").as_deref(), Some("x"));
        assert_eq!(reader.optional::<bool>("enable_sync_mode"), None);
        assert_eq!(reader.required::<i64>("seed"), None);
        let errors = reader.finish();
        let lines: Vec<String> = errors.errors().iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "invalid `enable_sync_mode`: `yes` is not one of the allowed values; allowed: true or false",
                "missing `seed`: it is required; allowed: an integer",
                "invalid `model`: `other` cannot be set; this request always sends `m`",
                "unknown parameter `sede`; did you mean `seed`? (this model takes: prompt, enable_sync_mode, seed, model)",
            ]
        );
    }

    #[test]
    fn giving_a_fixed_parameter_its_own_value_is_harmless() {
        let args = Args::new()
            .with("prompt", "x")
            .with("seed", "1")
            .with("model", "m");
        let mut reader = ArgReader::new(args, &MODEL);
        assert_eq!(reader.required::<String>("prompt").as_deref(), Some("x"));
        assert_eq!(reader.required::<i64>("seed"), Some(1));
        assert!(reader.finish().is_empty());
    }

    #[test]
    fn an_invalid_required_value_is_not_also_reported_missing() {
        let mut reader = ArgReader::new(Args::new().with("seed", "many"), &MODEL);
        assert_eq!(reader.required::<i64>("seed"), None);
        let errors = reader.finish();
        assert_eq!(errors.errors().len(), 1);
        assert!(matches!(errors.errors()[0], ArgError::Invalid(_)));
    }

    #[test]
    fn json_lines_take_scalars_and_lists_and_reject_the_rest() {
        let line = serde_json::json!({"prompt": "p", "strength": 0.6, "a": null, "b": {"x": 1}});
        let errors = Args::from_json(line.as_object().unwrap()).unwrap_err();
        assert_eq!(errors.errors().len(), 2);
        let ok = serde_json::json!({"prompt": "p", "strength": 0.6, "images": ["https://a/1.png"]});
        let args = Args::from_json(ok.as_object().unwrap()).unwrap();
        assert_eq!(args.get("strength"), Some("0.6"));
        // A list parameter reads its JSON text.
        assert_eq!(args.get("images"), Some(r#"["https://a/1.png"]"#));
    }
}
