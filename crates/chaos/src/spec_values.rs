//! Values for a model's request taken from its spec, so that a suite
//! covering "every model" covers a new one with no test written: the
//! documented example bodies first, then for each required parameter its
//! default, first enumerated value or minimum.

use imagegen_spec::ir::{Meaning, Model, ParamKind};
use serde_json::Value;

/// The prompt used where no example gives one.
pub const PROMPT: &str = "a lighthouse at dusk";

/// An input image for a required image parameter that no example fills:
/// the emulator accepts any public https URL without fetching it.
pub const INPUT_IMAGE: &str = "https://example.com/input.png";

/// A complete request body for `model`, as wire name → value text: a
/// complete documented example if there is one, else the partial examples'
/// values with every required parameter filled from the spec.
pub fn request_values(model: &Model) -> Vec<(String, String)> {
    let complete = model.examples.iter().find(|example| !example.partial);
    let mut values: Vec<(String, String)> = Vec::new();
    let examples = complete
        .into_iter()
        .chain(model.examples.iter().filter(|example| example.partial));
    for example in examples {
        for (name, value) in &example.body {
            let settable = model
                .parameter(name)
                .is_some_and(|param| param.fixed.is_none());
            if settable && !values.iter().any(|(known, _)| known == name) {
                values.push((name.clone(), text(value)));
            }
        }
        if complete.is_some() {
            break;
        }
    }
    for param in model.required_parameters() {
        if param.fixed.is_some() || values.iter().any(|(known, _)| *known == param.name) {
            continue;
        }
        let value = match (&param.kind, param.meaning) {
            (_, Some(Meaning::Prompt)) => PROMPT.to_owned(),
            (ParamKind::ImageUrl { .. } | ParamKind::ImageList { .. }, _) => {
                first_allowed(&param.kind)
            }
            _ => match &param.default {
                Some(default) => default.to_wire_text(),
                None => first_allowed(&param.kind),
            },
        };
        values.push((param.name.clone(), value));
    }
    values
}

/// The smallest value a parameter allows, as text.
fn first_allowed(kind: &ParamKind) -> String {
    match kind {
        ParamKind::Boolean => "false".to_owned(),
        ParamKind::Choice { values, .. } => {
            values.first().map(|c| c.wire.clone()).unwrap_or_default()
        }
        ParamKind::ImageSize {
            presets,
            separator,
            custom,
            ..
        } => match (presets.first(), custom.as_ref().and_then(|c| c.example())) {
            (Some(preset), _) => preset.wire.clone(),
            (None, Some((width, height))) => format!("{width}{separator}{height}"),
            (None, None) => String::new(),
        },
        ParamKind::Integer { minimum, .. } => minimum.unwrap_or(1).to_string(),
        ParamKind::Number { minimum, .. } => minimum
            .as_ref()
            .map_or_else(|| "1".to_owned(), ToString::to_string),
        ParamKind::Text { min_length, .. } => "x".repeat(min_length.unwrap_or(1).max(1) as usize),
        ParamKind::ImageUrl { .. } => INPUT_IMAGE.to_owned(),
        // As `Args` and the command line carry a list: its JSON.
        ParamKind::ImageList { min_items, .. } => {
            let count = min_items.unwrap_or(1).max(1) as usize;
            serde_json::to_string(&vec![INPUT_IMAGE; count]).unwrap_or_default()
        }
        // Items with their required fields, each at its smallest value.
        ParamKind::ObjectList {
            fields, min_items, ..
        } => {
            let count = min_items.unwrap_or(1).max(1) as usize;
            let item: Value =
                serde_json::from_str(&request_values_of_list(fields)).unwrap_or(Value::Null);
            Value::Array(vec![item; count]).to_string()
        }
    }
}

/// One item of a list of objects with `fields`, its required fields each
/// at its smallest value, as JSON text.
pub fn request_values_of_list(fields: &[imagegen_spec::ir::Param]) -> String {
    {
        {
            let item: serde_json::Map<String, Value> = fields
                .iter()
                .filter(|field| field.required)
                .map(|field| {
                    let text = match &field.default {
                        Some(default) => default.to_wire_text(),
                        None => first_allowed(&field.kind),
                    };
                    let json = match &field.kind {
                        ParamKind::Text { .. } => Value::String(text),
                        ParamKind::Choice {
                            wire: imagegen_spec::ir::ChoiceWire::Text,
                            ..
                        } => Value::String(text),
                        _ => serde_json::from_str(&text).unwrap_or(Value::String(text)),
                    };
                    (field.name.clone(), json)
                })
                .collect();
            Value::Object(item).to_string()
        }
    }
}

/// A JSON value as a flag's text: strings as themselves, the rest as JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
