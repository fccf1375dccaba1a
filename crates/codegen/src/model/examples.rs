//! Example values and the Rust that builds them, for the doc examples, which
//! `cargo test` runs: every generated type, setter and documented example
//! request is exercised by its own documentation.

use imagegen_spec::decimal::Decimal;
use imagegen_spec::ir::{ChoiceWire, ImageFormat, Param, ParamKind, Value};

use super::Ctx;
use crate::json::canonical;

/// The prompt examples use where the documentation gives none.
const EXAMPLE_PROMPT: &str = "A beautiful sunset over mountains with golden light";

/// A valid value for `param`: its documented default, else its first allowed
/// value, else something inside its rules.
pub(crate) fn example_value(param: &Param) -> Value {
    if let Some(default) = &param.default {
        return default.clone();
    }
    match &param.kind {
        ParamKind::Boolean => Value::Bool(true),
        ParamKind::Text {
            min_length,
            max_length,
        } => {
            let max = max_length.map_or(usize::MAX, |m| m as usize);
            let min = min_length.map_or(0, |m| m as usize);
            let mut text: String = EXAMPLE_PROMPT.chars().take(max).collect();
            while text.chars().count() < min {
                text.push('x');
            }
            Value::Text(text)
        }
        ParamKind::Choice {
            values,
            wire: ChoiceWire::Integer | ChoiceWire::Number,
        } => Value::number(&values[0].wire).unwrap_or(Value::Integer(0)),
        ParamKind::Choice { values, .. } => Value::Text(values[0].wire.clone()),
        ParamKind::ImageSize {
            presets,
            separator,
            custom,
            object,
        } => match (presets.first(), custom.as_ref().and_then(|c| c.example())) {
            (Some(preset), _) => Value::Text(preset.wire.clone()),
            (None, Some((width, height))) if *object => Value::size_object(width, height),
            (None, Some((width, height))) => Value::Text(format!("{width}{separator}{height}")),
            // The checker refuses a size with neither presets nor a custom
            // rule some square meets only if the rules are contradictory.
            (None, None) => Value::Text(String::new()),
        },
        ParamKind::ImageUrl { formats, .. } => example_image_url(formats),
        ParamKind::ImageList {
            formats, min_items, ..
        } => {
            let count = min_items.unwrap_or(1).max(1) as usize;
            Value::List(vec![example_image_url(formats); count])
        }
        ParamKind::ObjectList {
            fields, min_items, ..
        } => {
            let count = min_items.unwrap_or(1).max(1) as usize;
            Value::List(vec![example_item(fields); count])
        }
        ParamKind::Integer {
            minimum, maximum, ..
        } => Value::Integer(minimum.unwrap_or_else(|| maximum.map_or(0, |max| max.min(0)))),
        ParamKind::Number {
            minimum, maximum, ..
        } => {
            let zero = Decimal::from_i64(0);
            Value::Number(minimum.unwrap_or_else(|| maximum.map_or(zero, |max| max.min(zero))))
        }
    }
}

/// An item of a list of objects with its required fields set.
fn example_item(fields: &[Param]) -> Value {
    Value::Object(
        fields
            .iter()
            .filter(|field| field.required)
            .map(|field| {
                // An item's text is a name or path, not a prompt.
                let value = match (&field.kind, &field.default) {
                    (ParamKind::Text { .. }, None) if !field.has_own_type() => {
                        Value::Text("example".to_owned())
                    }
                    _ => example_value(field),
                };
                (field.name.clone(), value)
            })
            .collect(),
    )
}

/// An example URL of an image in the first documented format.
fn example_image_url(formats: &[ImageFormat]) -> Value {
    let extension = match formats.first() {
        Some(ImageFormat::Jpeg) => "jpg",
        Some(ImageFormat::Gif) => "gif",
        Some(ImageFormat::Webp) => "webp",
        Some(ImageFormat::Png) | None => "png",
    };
    Value::Text(format!("https://example.com/image.{extension}"))
}

/// A value `param` rejects, as Rust source for its `try_new`, if one is easy to name.
pub(crate) fn rejected_input(param: &Param) -> Option<String> {
    match &param.kind {
        ParamKind::Integer {
            minimum, maximum, ..
        } => match (minimum, maximum) {
            (_, Some(max)) if *max < i64::MAX => Some((max + 1).to_string()),
            (Some(min), _) if *min > i64::MIN => Some((min - 1).to_string()),
            _ => None,
        },
        ParamKind::Number {
            minimum,
            maximum,
            step,
        } => {
            let nudge = step.unwrap_or(Decimal::from_i64(1));
            match (minimum, maximum) {
                (_, Some(max)) => Some(float_source(&format!("{max}"), &format!("{nudge}"), 1)),
                (Some(min), _) => Some(float_source(&format!("{min}"), &format!("{nudge}"), -1)),
                _ => Some("f64::NAN".to_owned()),
            }
        }
        ParamKind::Text {
            min_length,
            max_length,
        } => match (min_length, max_length) {
            (_, Some(max)) => Some(format!("\"x\".repeat({})", max + 1)),
            (Some(min), _) if *min > 0 => Some("\"\"".to_owned()),
            _ => None,
        },
        ParamKind::ImageUrl { .. } => Some("\"not a URL\"".to_owned()),
        ParamKind::ImageList {
            min_items: Some(min),
            ..
        }
        | ParamKind::ObjectList {
            min_items: Some(min),
            ..
        } if *min > 0 => Some("[]".to_owned()),
        _ => None,
    }
}

/// `max ± nudge` as a float literal, computed exactly in decimal.
fn float_source(base: &str, nudge: &str, sign: i64) -> String {
    let (Ok(base), Ok(nudge)) = (Decimal::parse(base), Decimal::parse(nudge)) else {
        return "f64::NAN".to_owned();
    };
    let scale = base.scale().max(nudge.scale());
    let (Some(base), Some(nudge)) = (base.units_at(scale), nudge.units_at(scale)) else {
        return "f64::NAN".to_owned();
    };
    float_literal(&Decimal::from_units(base + sign * nudge, scale))
}

/// A decimal as a float literal (`1` → `1.0`).
pub(crate) fn float_literal(value: &Decimal) -> String {
    let text = value.to_string();
    if text.contains('.') {
        text
    } else {
        format!("{text}.0")
    }
}

/// Rust source building `value` for `param`, as users would write it with
/// the module in scope (`z_image_turbo::strength!(0.6)`, `Size::S1024x1024`).
pub(crate) fn value_source(ctx: &Ctx<'_>, param: &Param, value: &Value) -> String {
    let macro_call = |argument: String| {
        format!(
            "{}::{}!({argument})",
            ctx.model.module,
            ctx.macro_name(param)
        )
    };
    // A list's literal macro, over its items' sources.
    let list_call = |items: Vec<String>| {
        format!(
            "{}::{}![{}]",
            ctx.model.module,
            ctx.macro_name(param),
            items.join(", ")
        )
    };
    match (&param.kind, value) {
        (ParamKind::Boolean, Value::Bool(flag)) => flag.to_string(),
        (ParamKind::Choice { values, .. }, value) => {
            let variant = values
                .iter()
                .find(|c| c.is(value))
                .map_or("", |c| c.variant.as_str());
            format!("{}::{variant}", param.type_name)
        }
        (ParamKind::ImageSize { presets, .. }, Value::Text(text)) => {
            match presets.iter().find(|p| &p.wire == text) {
                Some(preset) => format!("{}::{}", param.type_name, preset.variant),
                None => macro_call(format!("{text:?}")),
            }
        }
        (ParamKind::ImageSize { separator, .. }, Value::Object(_)) => {
            let (width, height) = value.as_size_object().unwrap_or_default();
            macro_call(format!("\"{width}{separator}{height}\""))
        }
        (ParamKind::ObjectList { fields, .. }, Value::List(items)) => list_call(
            items
                .iter()
                .map(|item| item_source(ctx, param, fields, item))
                .collect(),
        ),
        (ParamKind::Text { .. } | ParamKind::ImageUrl { .. }, Value::Text(text)) => {
            if param.has_own_type() {
                macro_call(format!("{text:?}"))
            } else {
                format!("{text:?}")
            }
        }
        (ParamKind::Integer { .. }, Value::Integer(number)) => {
            if param.has_own_type() {
                macro_call(number.to_string())
            } else {
                number.to_string()
            }
        }
        (ParamKind::Number { .. }, Value::Number(number)) => macro_call(number.to_string()),
        (ParamKind::ImageList { .. }, Value::List(items)) => list_call(
            items
                .iter()
                .map(|i| format!("{:?}", i.to_wire_text()))
                .collect(),
        ),
        // The checker guarantees values match their parameter's kind.
        (_, other) => other.to_wire_text(),
    }
}

/// Rust source building one item of a list of objects: `new` with its
/// required fields, then a builder method per optional field set.
fn item_source(ctx: &Ctx<'_>, list: &Param, fields: &[Param], item: &Value) -> String {
    let Value::Object(values) = item else {
        return String::new();
    };
    let source = |field: &Param| {
        values
            .iter()
            .find(|(name, _)| name == &field.name)
            .map(|(_, value)| value_source(ctx, &super::params::field_param(list, field), value))
    };
    let required: Vec<String> = fields
        .iter()
        .filter(|f| f.required)
        .filter_map(source)
        .collect();
    let mut code = format!(
        "{}::{}::new({})",
        ctx.model.module,
        list.item_type_name(),
        required.join(", ")
    );
    for field in fields.iter().filter(|f| !f.required) {
        if let Some(value) = source(field) {
            code.push_str(&format!(
                ".{}({value})",
                crate::names::plain_name(&field.field)
            ));
        }
    }
    code
}

/// A value for `param` read from an example body.
pub(crate) fn value_from_json(param: &Param, json: &serde_json::Value) -> Option<Value> {
    match (&param.kind, json) {
        (
            ParamKind::Choice {
                wire: ChoiceWire::Integer | ChoiceWire::Number,
                ..
            },
            serde_json::Value::Number(n),
        ) => Value::number(&n.to_string()),
        (ParamKind::ImageSize { object: true, .. }, serde_json::Value::Object(fields)) => {
            let side = |name| fields.get(name)?.as_u64()?.try_into().ok();
            Some(Value::size_object(side("width")?, side("height")?))
        }
        (ParamKind::ObjectList { fields, .. }, serde_json::Value::Array(items)) => items
            .iter()
            .map(|item| {
                let map = item.as_object()?;
                let values = fields
                    .iter()
                    .filter_map(|field| {
                        let json = map.get(&field.name)?;
                        Some(value_from_json(field, json).map(|v| (field.name.clone(), v)))
                    })
                    .collect::<Option<Vec<_>>>()?;
                Some(Value::Object(values))
            })
            .collect::<Option<_>>()
            .map(Value::List),
        (ParamKind::Boolean, serde_json::Value::Bool(flag)) => Some(Value::Bool(*flag)),
        (ParamKind::Integer { .. }, serde_json::Value::Number(n)) => n.as_i64().map(Value::Integer),
        (ParamKind::Number { .. }, serde_json::Value::Number(n)) => {
            Decimal::parse(&n.to_string()).ok().map(Value::Number)
        }
        (_, serde_json::Value::String(text)) => Some(Value::Text(text.clone())),
        (ParamKind::ImageList { .. }, serde_json::Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(|text| Value::Text(text.to_owned())))
            .collect::<Option<_>>()
            .map(Value::List),
        _ => None,
    }
}

/// The types an example names, for its `use` line.
pub(crate) fn used_types(ctx: &Ctx<'_>, sources: &[String]) -> Vec<String> {
    let mut types = vec!["self".to_owned(), "Request".to_owned()];
    for name in ctx.model.parameters.iter().flat_map(Param::own_type_names) {
        let prefix = format!("{name}::");
        if sources.iter().any(|s| s.starts_with(&prefix)) && !types.contains(&name) {
            types.push(name);
        }
    }
    types
}

/// One request built with the generated builder from `values` (parameter,
/// value), checked against the JSON it must serialise to.
pub(crate) fn request_example(ctx: &Ctx<'_>, values: &[(&Param, Value)]) -> String {
    let mut arguments = Vec::new();
    let mut setters = Vec::new();
    let mut expected = serde_json::Map::new();
    for param in &ctx.model.parameters {
        if let Some(fixed) = &param.fixed {
            expected.insert(param.name.clone(), fixed.to_json());
        }
    }
    for (param, value) in values {
        let source = value_source(ctx, param, value);
        expected.insert(param.name.clone(), value.to_json());
        if param.required {
            arguments.push(source);
        } else {
            setters.push((ctx.setter_name(param), source));
        }
    }
    let mut sources: Vec<String> = arguments.clone();
    sources.extend(setters.iter().map(|(_, s)| s.clone()));
    let mut code = format!(
        "use {}::{}::{{{}}};\n\nlet request = Request::new({})",
        ctx.lib,
        ctx.model.module,
        used_types(ctx, &sources).join(", "),
        arguments.join(", ")
    );
    for (setter, source) in &setters {
        code.push_str(&format!("\n    .{setter}({source})"));
    }
    code.push_str(&format!(
        ";\nassert_eq!(\n    serde_json::to_value(&request)?,\n    serde_json::json!({}),\n);\n# Ok::<(), serde_json::Error>(())",
        canonical(&serde_json::Value::Object(expected)).replace('\n', "\n    ")
    ));
    code
}

/// The values of a documented example body, in parameter order, with every
/// required parameter the body leaves out filled in with an example value.
pub(crate) fn example_values<'a>(
    ctx: &Ctx<'a>,
    body: Option<&serde_json::Map<String, serde_json::Value>>,
) -> Vec<(&'a Param, Value)> {
    let mut values = Vec::new();
    for param in &ctx.model.parameters {
        if param.fixed.is_some() {
            continue;
        }
        let documented = body
            .and_then(|b| b.get(&param.name))
            .and_then(|json| value_from_json(param, json));
        match documented {
            Some(value) => values.push((param, value)),
            None if param.required || body.is_none() => values.push((param, example_value(param))),
            None => {}
        }
    }
    values
}
