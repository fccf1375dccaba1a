//! Parameters as text for a model read at run time: the command line's
//! `--spec`. A generated request type parses them with its `FromArgs`; a
//! model known only from its spec is checked by the spec's own rules (the
//! emulator's), each value turned into the JSON its type sends. Problems
//! are reported as a generated type reports them: all at once, as
//! [`ArgErrors`], with the same messages for missing, unknown and fixed
//! parameters.

use imagegen_core::args::{ArgError, ArgErrors, ArgReader, Args, FromArg};
use imagegen_core::image::{ImageSource, has_scheme};
use imagegen_core::info::{ModelInfo, ParamInfo};
use imagegen_core::rules::{list_items, suggest};
use imagegen_core::{ParamError, Violation};
use serde_json::{Map, Value};

use crate::ir::{ChoiceWire, Model, Param, ParamKind};

/// What a request for a model read at run time sends: its JSON parameters
/// (fixed ones included) and its images, apart, by wire name (a list's
/// items in order), so local files are checked and uploaded when it is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestParts {
    /// Every parameter set, but the images.
    pub body: Map<String, Value>,
    /// Each image set, by its parameter's wire name.
    pub images: Vec<(String, ImageSource)>,
}

/// Checks `args` against `model` (whose runtime table is `info`, built by
/// [`leak_model_info`](crate::info::leak_model_info) from the same spec).
pub fn request_parts(
    model: &Model,
    info: &'static ModelInfo,
    args: Args,
) -> Result<RequestParts, ArgErrors> {
    let mut reader = ArgReader::new(args, info);
    let mut errors = Vec::new();
    let mut parts = RequestParts {
        body: Map::new(),
        images: Vec::new(),
    };
    for (param, row) in model.parameters.iter().zip(info.parameters) {
        if let (Some(fixed), Some(fixed_text)) = (&param.fixed, row.fixed) {
            if let Some(text) = reader.optional::<String>(row.name)
                && text != fixed_text
            {
                errors.push(ArgError::Fixed {
                    parameter: row.name,
                    value: text,
                    fixed: fixed_text,
                });
            }
            parts.body.insert(param.name.clone(), fixed.to_json());
            continue;
        }
        let text = if param.required {
            reader.required::<String>(row.name)
        } else {
            reader.optional::<String>(row.name)
        };
        let Some(text) = text else {
            continue;
        };
        if let Err(error) = add(model, param, row, &text, &mut parts) {
            errors.push(error);
        }
    }
    errors.extend(reader.finish().0);
    if errors.is_empty() {
        Ok(parts)
    } else {
        Err(ArgErrors(errors))
    }
}

/// A URL the checks see in place of a local file: a file is checked (its
/// format, size, the provider taking local files) when the request is sent,
/// as a typed request's is; its place in the request is checked here.
const LOCAL_FILE_STAND_IN: &str = "https://local-file.invalid/image.png";

/// Checks one parameter's text and adds it to `parts`. Booleans, numbers
/// and enumerated values are read by the core's rules, as a generated
/// type reads them (the same messages, the same snapping of a decimal to
/// its step); the rest by the spec's checker, the emulator's.
fn add(
    model: &Model,
    param: &Param,
    row: &'static ParamInfo,
    text: &str,
    parts: &mut RequestParts,
) -> Result<(), ArgError> {
    if let Some(json) = core_value(param, row, text)? {
        parts.body.insert(param.name.clone(), json);
        return Ok(());
    }
    let rejected = |message: String| ArgError::Rejected {
        parameter: row.name,
        message,
    };
    let check = |json: &Value| {
        model
            .check_parameter(param, json)
            .map_err(|error| rejected(error.message))
    };
    match &param.kind {
        ParamKind::ImageUrl { .. } => {
            let source = image_source(text).map_err(rejected)?;
            check(&Value::String(stand_in(&source)))?;
            parts.images.push((param.name.clone(), source));
        }
        ParamKind::ImageList { .. } => {
            let items = list_items(text).map_err(|violation| {
                ArgError::Invalid(ParamError::new(row.name, text, violation, row.allowed))
            })?;
            let sources = items
                .iter()
                .map(|item| image_source(item))
                .collect::<Result<Vec<_>, _>>()
                .map_err(rejected)?;
            check(&Value::Array(
                sources.iter().map(|s| Value::String(stand_in(s))).collect(),
            ))?;
            if sources.is_empty() {
                // An empty list is sent as one, where the rules allow it.
                parts
                    .body
                    .insert(param.name.clone(), Value::Array(Vec::new()));
            }
            parts
                .images
                .extend(sources.into_iter().map(|s| (param.name.clone(), s)));
        }
        // A size sent as an object and a list of objects are written as
        // text (`1024x768`, a JSON array) and sent as JSON.
        ParamKind::ImageSize { object: true, .. } | ParamKind::ObjectList { .. } => {
            let json = crate::check::interpret(&param.kind, text)
                .map_err(rejected)?
                .to_json();
            check(&json)?;
            parts.body.insert(param.name.clone(), json);
        }
        _ => {
            let json = Value::String(text.to_owned());
            check(&json)?;
            parts.body.insert(param.name.clone(), json);
        }
    }
    Ok(())
}

/// A boolean, number or enumerated value read as its generated type reads
/// it; `None` for the other kinds.
fn core_value(
    param: &Param,
    row: &'static ParamInfo,
    text: &str,
) -> Result<Option<Value>, ArgError> {
    let invalid =
        |violation| ArgError::Invalid(ParamError::new(row.name, text, violation, row.allowed));
    let number = || {
        text.parse::<f64>()
            .map_err(|_| invalid(Violation::Malformed))
    };
    let value = if let Some(rule) = param.integer_rule() {
        let value = text
            .parse::<i64>()
            .map_err(|_| invalid(Violation::Malformed))?;
        Value::from(rule.check(value).map_err(invalid)?)
    } else if let Some(rule) = param.decimal_rule() {
        let units = rule.units_from_f64(number()?).map_err(invalid)?;
        json_number(rule.to_f64(units))
    } else if let Some(rule) = param.float_rule() {
        json_number(rule.check(number()?).map_err(invalid)?)
    } else {
        match &param.kind {
            ParamKind::Boolean => {
                Value::Bool(bool::from_arg(row, text).map_err(ArgError::Invalid)?)
            }
            ParamKind::Choice { .. } if !row.choices.contains(&text) => {
                return Err(ArgError::Invalid(
                    ParamError::new(row.name, text, Violation::NotAllowed, row.allowed)
                        .with_suggestion(suggest(text, row.choices)),
                ));
            }
            ParamKind::Choice {
                wire: ChoiceWire::Integer | ChoiceWire::Number,
                ..
            } => serde_json::from_str::<serde_json::Number>(text)
                .map(Value::Number)
                .map_err(|_| invalid(Violation::Malformed))?,
            ParamKind::Choice { .. } => Value::String(text.to_owned()),
            _ => return Ok(None),
        }
    };
    Ok(Some(value))
}

/// A finite double as JSON (a checked number is finite).
fn json_number(value: f64) -> Value {
    serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// An image's text: a URL (with a scheme), else a local file's path.
fn image_source(text: &str) -> Result<ImageSource, String> {
    if text.is_empty() {
        return Err("an empty image; give a URL or a file".to_owned());
    }
    Ok(if has_scheme(text) {
        ImageSource::Url(text.to_owned().into())
    } else {
        ImageSource::Path(text.into())
    })
}

fn stand_in(source: &ImageSource) -> String {
    source.as_url().unwrap_or(LOCAL_FILE_STAND_IN).to_owned()
}
