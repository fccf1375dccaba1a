//! Typed interpretation of spec values, and whether a parameter admits them.
//!
//! Admission reuses the runtime's rule functions, so a documented default is
//! accepted here exactly when the generated type would accept it.

use imagegen_core::rules::{LengthRule, ListRule, check_http_url, parse_dimensions};

use crate::decimal::Decimal;
use crate::ir::{ChoiceWire, Param, ParamKind, Value};

/// Reads the text of a YAML scalar as a value of the parameter's type.
pub(crate) fn interpret(kind: &ParamKind, text: &str) -> Result<Value, String> {
    match kind {
        ParamKind::Choice {
            wire: ChoiceWire::Integer | ChoiceWire::Number,
            ..
        } => number_value(text),
        // A custom size of an object-shaped size is written `WxH` as text
        // and sent as an object.
        ParamKind::ImageSize {
            object: true,
            separator,
            presets,
            ..
        } if !presets.iter().any(|p| p.wire == text) => match dimensions(text, *separator) {
            Some((width, height)) => Ok(size_object(width, height)),
            None => match serde_json::from_str::<serde_json::Value>(text) {
                Ok(json @ serde_json::Value::Object(_)) => interpret_json(kind, &json),
                _ => Ok(Value::Text(text.to_owned())),
            },
        },
        ParamKind::ObjectList { .. } => match serde_json::from_str(text) {
            Ok(json @ serde_json::Value::Array(_)) => interpret_json(kind, &json),
            Ok(json @ serde_json::Value::Object(_)) => {
                interpret_json(kind, &serde_json::Value::Array(vec![json]))
            }
            _ => Err(format!(
                "`{text}` is not a JSON array of objects (or one object)"
            )),
        },
        ParamKind::Boolean => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("`{text}` is not a boolean; expected true or false")),
        },
        ParamKind::Integer { .. } => Decimal::parse(text)
            .ok()
            .and_then(Decimal::as_i64)
            .map(Value::Integer)
            .ok_or_else(|| format!("`{text}` is not a whole number")),
        ParamKind::Number { .. } => Decimal::parse(text).map(Value::Number),
        ParamKind::Text { .. }
        | ParamKind::Choice { .. }
        | ParamKind::ImageUrl { .. }
        | ParamKind::ImageSize { .. } => Ok(Value::Text(text.to_owned())),
        // A list's text is its JSON, as the command line and `Args` carry it.
        ParamKind::ImageList { .. } => match serde_json::from_str(text) {
            Ok(json) => interpret_json(kind, &json),
            Err(_) => Err(format!("`{text}` is not a JSON array of URLs")),
        },
    }
}

/// A number as documented (see [`Value::number`]).
fn number_value(text: &str) -> Result<Value, String> {
    Value::number(text).ok_or_else(|| format!("`{text}` is not a number"))
}

fn size_object(width: u32, height: u32) -> Value {
    Value::size_object(width, height)
}

/// Reads a JSON value from an example body as a value of the parameter's type,
/// insisting on the JSON type the API takes (`0.6`, not `"0.6"`).
pub(crate) fn interpret_json(kind: &ParamKind, json: &serde_json::Value) -> Result<Value, String> {
    match (kind, json) {
        (
            ParamKind::Choice {
                wire: ChoiceWire::Integer | ChoiceWire::Number,
                ..
            },
            serde_json::Value::Number(n),
        ) => {
            let value = number_value(&n.to_string())?;
            let integer_wire = matches!(
                kind,
                ParamKind::Choice {
                    wire: ChoiceWire::Integer,
                    ..
                }
            );
            // JSON Schema counts `2.0` as an integer; `2.5` is not one.
            let whole = Decimal::parse(&n.to_string())
                .ok()
                .and_then(Decimal::as_i64)
                .is_some();
            if integer_wire && !whole {
                return Err(format!("`{n}` is not a whole number"));
            }
            return Ok(value);
        }
        (
            ParamKind::Choice {
                wire: ChoiceWire::Integer | ChoiceWire::Number,
                ..
            },
            other,
        ) => return Err(format!("`{other}` is not a number")),
        (
            ParamKind::ImageSize {
                object: true,
                presets,
                ..
            },
            serde_json::Value::String(text),
        ) if !presets.iter().any(|p| &p.wire == text) => {
            return Err(format!(
                "`{text}` is not one of the presets; a custom size is sent as {{\"width\": W, \"height\": H}}"
            ));
        }
        (ParamKind::ImageSize { object: true, .. }, serde_json::Value::Object(fields)) => {
            let side = |name: &str| {
                fields
                    .get(name)
                    .and_then(serde_json::Value::as_u64)
                    .and_then(|n| u32::try_from(n).ok())
            };
            if let Some(extra) = fields.keys().find(|k| *k != "width" && *k != "height") {
                return Err(format!(
                    "`{json}` has a field `{extra}`; a size object has `width` and `height`"
                ));
            }
            return match (side("width"), side("height")) {
                (Some(width), Some(height)) => Ok(size_object(width, height)),
                _ => Err(format!(
                    "`{json}` is not a size: expected whole `width` and `height`"
                )),
            };
        }
        (ParamKind::ObjectList { fields, .. }, serde_json::Value::Array(items)) => {
            let mut objects = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                let serde_json::Value::Object(map) = item else {
                    return Err(format!("item {index} `{item}` is not an object"));
                };
                if let Some(unknown) = map.keys().find(|k| !fields.iter().any(|f| &f.name == *k)) {
                    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
                    return Err(format!(
                        "item {index} has a field `{unknown}`; an item's fields are {}",
                        names.join(", ")
                    ));
                }
                let mut values = Vec::new();
                for field in fields {
                    // `null` is a field not set, as for a request's parameters.
                    if let Some(value) = map.get(&field.name).filter(|v| !v.is_null()) {
                        let value = interpret_json(&field.kind, value)
                            .map_err(|e| format!("item {index} field `{}`: {e}", field.name))?;
                        values.push((field.name.clone(), value));
                    }
                }
                objects.push(Value::Object(values));
            }
            return Ok(Value::List(objects));
        }
        (ParamKind::ObjectList { .. }, other) => {
            return Err(format!("`{other}` is not an array of objects"));
        }
        _ => {}
    }
    if matches!(kind, ParamKind::ImageList { .. }) {
        let serde_json::Value::Array(items) = json else {
            return Err(format!("`{json}` is not an array of URLs"));
        };
        let items = items
            .iter()
            .map(|item| match item {
                serde_json::Value::String(text) => Ok(Value::Text(text.clone())),
                other => Err(format!("item `{other}` is not a string (a URL)")),
            })
            .collect::<Result<_, _>>()?;
        return Ok(Value::List(items));
    }
    let expected = match kind {
        ParamKind::Boolean => "a boolean",
        ParamKind::Integer { .. } => "an integer",
        ParamKind::Number { .. } => "a number",
        _ => "a string",
    };
    let text = match (kind, json) {
        (ParamKind::Boolean, serde_json::Value::Bool(value)) => value.to_string(),
        // The generated types read integers as JSON integers: `1.0` is refused there too.
        (ParamKind::Integer { .. }, serde_json::Value::Number(n)) if n.is_i64() || n.is_u64() => {
            n.to_string()
        }
        (ParamKind::Number { .. }, serde_json::Value::Number(n)) => n.to_string(),
        (
            ParamKind::Text { .. }
            | ParamKind::Choice { .. }
            | ParamKind::ImageUrl { .. }
            | ParamKind::ImageSize { .. },
            serde_json::Value::String(text),
        ) => text.clone(),
        _ => return Err(format!("`{json}` is not {expected}")),
    };
    interpret(kind, &text)
}

/// Whether `param` accepts `value`; the error says what is allowed.
pub(crate) fn admit(param: &Param, value: &Value) -> Result<(), String> {
    let rejected = |reason: &str| {
        Err(format!(
            "`{}` {reason}; `{}` allows {}",
            value.to_wire_text(),
            param.name,
            param.allowed()
        ))
    };
    match (&param.kind, value) {
        (ParamKind::Boolean, Value::Bool(_)) => Ok(()),
        (
            ParamKind::Text {
                min_length,
                max_length,
            },
            Value::Text(text),
        ) => {
            let rule = LengthRule {
                min_chars: min_length.map(|n| n as usize),
                max_chars: max_length.map(|n| n as usize),
            };
            rule.check(text).or_else(|v| rejected(v.describe()))
        }
        (
            ParamKind::Choice {
                values,
                wire: ChoiceWire::Text,
            },
            Value::Text(text),
        ) => {
            if values.iter().any(|choice| &choice.wire == text) {
                Ok(())
            } else {
                rejected("is not one of the allowed values")
            }
        }
        (
            ParamKind::Choice {
                values,
                wire: ChoiceWire::Integer | ChoiceWire::Number,
            },
            Value::Integer(_) | Value::Number(_),
        ) => {
            if values.iter().any(|choice| choice.is(value)) {
                Ok(())
            } else {
                rejected("is not one of the allowed values")
            }
        }
        (
            ParamKind::ImageSize {
                object: true,
                custom,
                ..
            },
            Value::Object(_),
        ) => {
            let Some(rules) = custom else {
                return rejected("is not one of the allowed values");
            };
            let Some((width, height)) = value.as_size_object() else {
                return rejected("is not well-formed");
            };
            rules
                .rule()
                .check(width, height)
                .or_else(|v| rejected(v.describe()))
        }
        (
            ParamKind::ObjectList {
                fields,
                min_items,
                max_items,
            },
            Value::List(items),
        ) => {
            list_rule(*min_items, *max_items)
                .check(items.len())
                .or_else(|v| rejected(v.describe()))?;
            for (index, item) in items.iter().enumerate() {
                let Value::Object(values) = item else {
                    return rejected(&format!("has an item {index} that is not an object"));
                };
                for field in fields {
                    match values.iter().find(|(name, _)| name == &field.name) {
                        Some((_, value)) => admit(field, value).map_err(|message| {
                            format!("`{}` item {index}: {message}", param.name)
                        })?,
                        None if field.required => {
                            return rejected(&format!(
                                "has an item {index} without its required `{}`",
                                field.name
                            ));
                        }
                        None => {}
                    }
                }
            }
            Ok(())
        }
        (
            ParamKind::Integer {
                minimum,
                maximum,
                step,
            },
            Value::Integer(number),
        ) => {
            let number = Decimal::from_i64(*number);
            let to_decimal = |v: &Option<i64>| v.map(Decimal::from_i64);
            check_range(
                number,
                to_decimal(minimum),
                to_decimal(maximum),
                to_decimal(step),
            )
            .or_else(&rejected)
        }
        (
            ParamKind::Number {
                minimum,
                maximum,
                step,
            },
            Value::Number(number),
        ) => check_range(*number, *minimum, *maximum, *step).or_else(&rejected),
        (ParamKind::ImageUrl { .. }, Value::Text(text)) => {
            check_http_url(text).or_else(|v| rejected(v.describe()))
        }
        (
            ParamKind::ImageList {
                min_items,
                max_items,
                ..
            },
            Value::List(items),
        ) => {
            list_rule(*min_items, *max_items)
                .check(items.len())
                .or_else(|v| rejected(v.describe()))?;
            for (index, item) in items.iter().enumerate() {
                let Value::Text(text) = item else {
                    return rejected(&format!("has an item {index} that is not a URL"));
                };
                if let Err(violation) = check_http_url(text) {
                    return rejected(&format!(
                        "has item {index} `{text}` that {}",
                        violation.describe()
                    ));
                }
            }
            Ok(())
        }
        (
            ParamKind::ImageSize {
                separator,
                presets,
                custom,
                ..
            },
            Value::Text(text),
        ) => {
            if presets.iter().any(|preset| &preset.wire == text) {
                return Ok(());
            }
            let Some(rules) = custom else {
                return rejected("is not one of the allowed values");
            };
            let Some((width, height)) = dimensions(text, *separator) else {
                return rejected("is not well-formed");
            };
            rules
                .rule()
                .check(width, height)
                .or_else(|v| rejected(v.describe()))
        }
        _ => rejected("is not of the parameter's type"),
    }
}

/// The item count rule of a list.
fn list_rule(min_items: Option<u64>, max_items: Option<u64>) -> ListRule {
    ListRule {
        min_items: min_items.map(|n| n as usize),
        max_items: max_items.map(|n| n as usize),
    }
}

/// Range and step of a number; steps count from the minimum, or from 0.
fn check_range(
    value: Decimal,
    minimum: Option<Decimal>,
    maximum: Option<Decimal>,
    step: Option<Decimal>,
) -> Result<(), &'static str> {
    if minimum.is_some_and(|min| value < min) {
        return Err("is below the minimum");
    }
    if maximum.is_some_and(|max| value > max) {
        return Err("is above the maximum");
    }
    if let Some(step) = step {
        let origin = minimum.unwrap_or(Decimal::from_i64(0));
        let on_step = value
            .checked_sub(origin)
            .is_some_and(|offset| offset.is_multiple_of(step));
        if !on_step {
            return Err("is not a whole number of steps");
        }
    }
    Ok(())
}

/// `1024*1536` with separator `*` → `(1024, 1536)`.
pub(super) fn dimensions(text: &str, separator: char) -> Option<(u32, u32)> {
    let separator = u8::try_from(separator).ok()?;
    parse_dimensions(text, separator)
}
