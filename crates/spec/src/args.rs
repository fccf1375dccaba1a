//! Parameters as text for a model read at run time: the command line's
//! `--spec`. A generated request type parses them with its `FromArgs`; a
//! model known only from its spec is checked by the spec's own rules (the
//! emulator's), each value turned into the JSON its type sends. Problems
//! are reported as a generated type reports them: all at once, as
//! [`ArgErrors`], with the same messages for missing, unknown and fixed
//! parameters.

use imagegen_core::args::{ArgError, ArgErrors, ArgReader, Args};
use imagegen_core::image::{ImageSource, has_scheme};
use imagegen_core::info::ModelInfo;
use imagegen_core::rules::list_items;
use serde_json::{Map, Value};

use crate::ir::{Model, Param, ParamKind};

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
        if let Err(message) = add(model, param, &text, &mut parts) {
            errors.push(ArgError::Rejected {
                parameter: row.name,
                message,
            });
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

/// Checks one parameter's text and adds it to `parts`.
fn add(model: &Model, param: &Param, text: &str, parts: &mut RequestParts) -> Result<(), String> {
    let check = |json: &Value| {
        model
            .check_parameter(param, json)
            .map_err(|error| error.message)
    };
    match &param.kind {
        ParamKind::ImageUrl { .. } => {
            let source = image_source(text)?;
            check(&Value::String(stand_in(&source)))?;
            parts.images.push((param.name.clone(), source));
        }
        ParamKind::ImageList { .. } => {
            let items = list_items(text).map_err(|violation| {
                format!(
                    "`{text}` is not a list of images ({violation:?}); allowed: {}",
                    param.allowed()
                )
            })?;
            let sources = items
                .iter()
                .map(|item| image_source(item))
                .collect::<Result<Vec<_>, _>>()?;
            check(&Value::Array(
                sources.iter().map(|s| Value::String(stand_in(s))).collect(),
            ))?;
            parts
                .images
                .extend(sources.into_iter().map(|s| (param.name.clone(), s)));
        }
        kind => {
            let json = text_json(kind, text).ok_or_else(|| {
                format!(
                    "`{text}` is not {}; allowed: {}",
                    param.type_label(),
                    param.allowed()
                )
            })?;
            check(&json)?;
            parts.body.insert(param.name.clone(), json);
        }
    }
    Ok(())
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

/// The JSON a value of `kind` written as `text` sends; `None` when the text
/// is not of the kind (a word for a number).
fn text_json(kind: &ParamKind, text: &str) -> Option<Value> {
    match kind {
        ParamKind::Boolean => match text {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        ParamKind::Integer { .. } => text.parse::<i64>().ok().map(Value::from),
        ParamKind::Number { .. } => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number),
        ParamKind::Text { .. } | ParamKind::Choice { .. } | ParamKind::ImageSize { .. } => {
            Some(Value::String(text.to_owned()))
        }
        ParamKind::ImageUrl { .. } | ParamKind::ImageList { .. } => None,
    }
}
