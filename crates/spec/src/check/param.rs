//! One row of a parameter table: its type, rules, default and Rust names.

use std::collections::BTreeSet;

use super::values::{admit, dimensions, interpret};
use super::{Reporter, at, is_type_name, item};
use crate::decimal::{Decimal, MAX_SCALE};
use crate::file::model::{
    CustomSizeFile, MeaningName, ParamTypeName, ParameterFile, SizeShapeName,
};
use crate::ir::{Choice, ChoiceWire, CustomSize, Param, ParamKind, Sentinel, SizePreset, Value};
use crate::naming;
use imagegen_core::ImageFormat;
use imagegen_core::info::Meaning;

/// Constant names every numeric parameter type has, which sentinels must not take.
const RESERVED_CONSTS: &[&str] = &["MIN", "MAX", "DEFAULT", "ALL", "RULE", "ALLOWED"];

/// Checks one parameter at `path` (`parameters[2]`). `None` when it is too
/// broken to describe; every problem has been reported.
pub(super) fn check_param(r: &mut Reporter<'_>, path: &str, raw: &ParameterFile) -> Option<Param> {
    let errors_before = r.error_count();
    if !is_wire_name(&raw.name) {
        r.error(
            &at(path, "name"),
            format!(
                "`{}` is not a parameter name: expected a letter, then letters, digits, `_` or `-`",
                raw.name
            ),
        );
    }
    check_applicable(r, path, raw);
    let kind = check_kind(r, path, raw)?;

    if raw.required && raw.default.is_some() {
        r.error(
            &at(path, "default"),
            "a required parameter cannot have a default: the request is never sent without it, \
             so the server's default would never apply",
        );
    }
    if raw.fixed.is_some() && raw.ty != ParamTypeName::String {
        r.error(
            &at(path, "fixed"),
            "only `string` parameters can be fixed (a model id, for instance)",
        );
    }
    if raw.fixed.is_some() && (raw.required || raw.default.is_some()) {
        r.error(
            &at(path, "fixed"),
            "a fixed parameter is always sent with its value: it cannot also be `required` or have a `default`",
        );
    }

    let type_name = match &raw.rust_name {
        Some(name) if is_type_name(name) => name.clone(),
        Some(name) => {
            r.error(
                &at(path, "rust_name"),
                format!(
                    "`{name}` is not a Rust type name: expected UpperCamelCase letters and digits"
                ),
            );
            return None;
        }
        None => naming::type_name(&raw.name),
    };
    let mut param = Param {
        name: raw.name.clone(),
        field: naming::field_name(&raw.name),
        type_name,
        kind,
        required: raw.required,
        default: None,
        fixed: None,
        description: raw
            .description
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_owned(),
        doc_type: raw.doc_type.clone(),
        sentinels: Vec::new(),
        notes: raw.notes.clone(),
        meaning: raw.means.map(meaning),
    };
    check_meaning(r, path, raw);
    if !naming::is_identifier(&param.field) {
        r.error(
            &at(path, "name"),
            format!("`{}` does not make a Rust field name", raw.name),
        );
    }
    if raw
        .description
        .as_ref()
        .is_some_and(|d| d.trim().is_empty())
    {
        r.error(
            &at(path, "description"),
            "the description is empty: leave `description` out where the page gives none",
        );
    }
    param.default = checked_value(
        r,
        &at(path, "default"),
        &param,
        raw.default.as_ref().map(|s| s.as_str()),
    );
    param.fixed = checked_value(
        r,
        &at(path, "fixed"),
        &param,
        raw.fixed.as_ref().map(|s| s.as_str()),
    );
    param.sentinels = check_sentinels(r, path, raw, &param);
    (r.error_count() == errors_before).then_some(param)
}

/// The meaning a spec's `means:` names.
pub(crate) fn meaning(name: MeaningName) -> Meaning {
    match name {
        MeaningName::Prompt => Meaning::Prompt,
        MeaningName::Size => Meaning::Size,
        MeaningName::Count => Meaning::Count,
        MeaningName::Seed => Meaning::Seed,
        MeaningName::OutputFormat => Meaning::OutputFormat,
        MeaningName::ReferenceImage => Meaning::ReferenceImage,
        MeaningName::Quality => Meaning::Quality,
        MeaningName::Width => Meaning::Width,
        MeaningName::Height => Meaning::Height,
        MeaningName::AspectRatio => Meaning::AspectRatio,
    }
}

/// A meaning must fit the type: the neutral request maps a width and height
/// onto an `image_size`, a count onto an `integer`, and so on.
fn check_meaning(r: &mut Reporter<'_>, path: &str, raw: &ParameterFile) {
    let Some(means) = raw.means else { return };
    let enumerated = raw.values.is_some();
    let (fits, expected) = match means {
        MeaningName::Prompt => (
            raw.ty == ParamTypeName::String && !enumerated,
            "`string` without `enum`",
        ),
        MeaningName::Size => (raw.ty == ParamTypeName::ImageSize, "`image_size`"),
        // A count some providers type as `number` (aimlapi's `n`) is still a
        // whole number of images; the neutral request writes it as one.
        MeaningName::Count => (
            matches!(raw.ty, ParamTypeName::Integer | ParamTypeName::Number),
            "`integer` or `number`",
        ),
        MeaningName::Seed | MeaningName::Width | MeaningName::Height => (
            raw.ty == ParamTypeName::Integer && !enumerated,
            "`integer` without `enum`",
        ),
        MeaningName::OutputFormat | MeaningName::Quality | MeaningName::AspectRatio => (
            raw.ty == ParamTypeName::String && enumerated,
            "`string` with `enum`",
        ),
        MeaningName::ReferenceImage => (
            raw.ty == ParamTypeName::ImageUrl
                || (raw.ty == ParamTypeName::Array && raw.items == Some(ParamTypeName::ImageUrl)),
            "`image_url` (or an `array` of them)",
        ),
    };
    if !fits {
        r.error(
            &at(path, "means"),
            format!(
                "`means: {}` needs a parameter of type {expected}, not `{}`",
                meaning(means),
                type_keyword(raw.ty)
            ),
        );
    }
    if raw.fixed.is_some() {
        r.error(
            &at(path, "means"),
            "a fixed parameter cannot be set, so it cannot stand for a neutral option",
        );
    }
    // The neutral request asks for a format by what it is, so each value
    // must name one (`jpg` and `jpeg` both do).
    if means == MeaningName::OutputFormat {
        for value in raw.values.iter().flatten() {
            if ImageFormat::from_name(value.as_str()).is_none() {
                r.error(
                    &at(path, "means"),
                    format!(
                        "`means: output_format` needs values naming image formats (png, jpeg or jpg, webp, gif); `{}` is not one",
                        value.as_str()
                    ),
                );
            }
        }
    }
}

/// A value written for `param` in the spec (its default, its fixed value),
/// interpreted in its type and admitted by its rules.
fn checked_value(
    r: &mut Reporter<'_>,
    path: &str,
    param: &Param,
    text: Option<&str>,
) -> Option<Value> {
    let text = text?;
    let value = match interpret(&param.kind, text) {
        Ok(value) => value,
        Err(message) => {
            r.error(path, message);
            return None;
        }
    };
    match admit(param, &value) {
        Ok(()) => Some(value),
        Err(message) => {
            r.error(path, message);
            None
        }
    }
}

fn is_wire_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Rejects attributes that do not apply to the parameter's type.
fn check_applicable(r: &mut Reporter<'_>, path: &str, raw: &ParameterFile) {
    use ParamTypeName::*;
    let attributes: [(&str, bool, &[ParamTypeName]); 18] = [
        ("minimum", raw.minimum.is_some(), &[Integer, Number]),
        ("maximum", raw.maximum.is_some(), &[Integer, Number]),
        ("step", raw.step.is_some(), &[Integer, Number]),
        ("sentinels", !raw.sentinels.is_empty(), &[Integer, Number]),
        ("min_length", raw.min_length.is_some(), &[String]),
        ("max_length", raw.max_length.is_some(), &[String]),
        (
            "enum",
            raw.values.is_some(),
            &[String, ImageSize, Integer, Number],
        ),
        (
            "variant_names",
            !raw.variant_names.is_empty(),
            &[String, ImageSize, Integer, Number],
        ),
        ("separator", raw.separator.is_some(), &[ImageSize]),
        ("custom", raw.custom.is_some(), &[ImageSize]),
        ("shape", raw.shape.is_some(), &[ImageSize]),
        ("properties", raw.properties.is_some(), &[Array]),
        ("formats", raw.formats.is_some(), &[ImageUrl, Array]),
        ("data_uri", raw.data_uri, &[ImageUrl, Array]),
        ("mask_for", raw.mask_for.is_some(), &[ImageUrl]),
        ("items", raw.items.is_some(), &[Array]),
        ("min_items", raw.min_items.is_some(), &[Array]),
        ("max_items", raw.max_items.is_some(), &[Array]),
    ];
    for (key, present, types) in attributes {
        if present && !types.contains(&raw.ty) {
            let names: Vec<&str> = types.iter().map(|t| type_keyword(*t)).collect();
            r.error(
                &at(path, key),
                format!(
                    "`{key}` does not apply to a parameter of type `{}`; it applies to: {}",
                    type_keyword(raw.ty),
                    names.join(", ")
                ),
            );
        }
    }
}

fn type_keyword(ty: ParamTypeName) -> &'static str {
    match ty {
        ParamTypeName::Boolean => "boolean",
        ParamTypeName::String => "string",
        ParamTypeName::Integer => "integer",
        ParamTypeName::Number => "number",
        ParamTypeName::ImageUrl => "image_url",
        ParamTypeName::ImageSize => "image_size",
        ParamTypeName::Array => "array",
        ParamTypeName::Object => "object",
    }
}

fn check_kind(r: &mut Reporter<'_>, path: &str, raw: &ParameterFile) -> Option<ParamKind> {
    match raw.ty {
        ParamTypeName::Boolean => Some(ParamKind::Boolean),
        ParamTypeName::String => match &raw.values {
            Some(values) => {
                if raw.min_length.is_some() || raw.max_length.is_some() {
                    r.error(
                        &at(path, "enum"),
                        "an enumerated string takes no length bounds: its values are the rule",
                    );
                }
                let values = check_enum_values(r, path, raw, values.iter().map(|v| v.as_str()))?;
                let mut choices = Vec::new();
                for (index, value) in values.iter().enumerate() {
                    let variant =
                        variant_name(r, path, raw, index, value, naming::choice_variant(value))?;
                    choices.push(Choice {
                        wire: value.clone(),
                        variant,
                    });
                }
                check_unique_variants(r, path, choices.iter().map(|c| c.variant.as_str()));
                Some(ParamKind::Choice {
                    values: choices,
                    wire: ChoiceWire::Text,
                })
            }
            None => {
                if let (Some(min), Some(max)) = (raw.min_length, raw.max_length)
                    && min > max
                {
                    r.error(
                        &at(path, "min_length"),
                        format!("`min_length` {min} is greater than `max_length` {max}"),
                    );
                    return None;
                }
                Some(ParamKind::Text {
                    min_length: raw.min_length,
                    max_length: raw.max_length,
                })
            }
        },
        ParamTypeName::Integer | ParamTypeName::Number if raw.values.is_some() => {
            check_numeric_choice(r, path, raw)
        }
        ParamTypeName::Integer => {
            let mut whole = |key: &str, value: Option<Decimal>| -> Result<Option<i64>, ()> {
                match value {
                    None => Ok(None),
                    Some(value) => value.as_i64().map(Some).ok_or_else(|| {
                        r.error(
                            &at(path, key),
                            format!(
                                "`{value}` is not a whole number, as `{key}` of an integer must be"
                            ),
                        );
                    }),
                }
            };
            let (minimum, maximum, step) = (
                whole("minimum", raw.minimum),
                whole("maximum", raw.maximum),
                whole("step", raw.step),
            );
            let (minimum, maximum, step) = (minimum.ok()?, maximum.ok()?, step.ok()?);
            check_bounds(r, path, raw.minimum, raw.maximum, raw.step, false)?;
            Some(ParamKind::Integer {
                minimum,
                maximum,
                step,
            })
        }
        ParamTypeName::Number => {
            check_bounds(r, path, raw.minimum, raw.maximum, raw.step, true)?;
            Some(ParamKind::Number {
                minimum: raw.minimum,
                maximum: raw.maximum,
                step: raw.step,
            })
        }
        ParamTypeName::ImageUrl => check_image_url(r, path, raw),
        ParamTypeName::Array => check_array(r, path, raw),
        ParamTypeName::ImageSize => check_image_size(r, path, raw),
        ParamTypeName::Object => {
            r.error(
                &at(path, "type"),
                "`object` is only an array's `items` (`type: array`, `items: object`, `properties: [...]`)",
            );
            None
        }
    }
}

/// An `integer` or `number` with an `enum`: one of the listed numbers, sent
/// as a JSON number. Its values are the rule, so it takes no range.
fn check_numeric_choice(
    r: &mut Reporter<'_>,
    path: &str,
    raw: &ParameterFile,
) -> Option<ParamKind> {
    for (key, present) in [
        ("minimum", raw.minimum.is_some()),
        ("maximum", raw.maximum.is_some()),
        ("step", raw.step.is_some()),
        ("sentinels", !raw.sentinels.is_empty()),
    ] {
        if present {
            r.error(
                &at(path, key),
                format!("an enumerated number takes no `{key}`: its values are the rule"),
            );
        }
    }
    let values = check_enum_values(
        r,
        path,
        raw,
        raw.values.iter().flatten().map(|v| v.as_str()),
    )?;
    let mut choices = Vec::new();
    for (index, value) in values.iter().enumerate() {
        let number = Decimal::parse(value)
            .ok()
            .filter(|number| raw.ty == ParamTypeName::Number || number.as_i64().is_some());
        if number.is_none() {
            r.error(
                &item(&at(path, "enum"), index),
                format!(
                    "`{value}` is not {}",
                    if raw.ty == ParamTypeName::Integer {
                        "a whole number"
                    } else {
                        "a number"
                    }
                ),
            );
            continue;
        }
        let variant = variant_name(
            r,
            path,
            raw,
            index,
            value,
            Some(naming::number_variant(value)),
        )?;
        choices.push(Choice {
            wire: value.clone(),
            variant,
        });
    }
    if choices.len() != values.len() {
        return None;
    }
    // `1` and `1.0` are one number on the wire.
    for (index, choice) in choices.iter().enumerate() {
        let number = Decimal::parse(&choice.wire).ok();
        if choices[..index]
            .iter()
            .any(|earlier| Decimal::parse(&earlier.wire).ok() == number)
        {
            r.error(
                &item(&at(path, "enum"), index),
                format!("`{}` is listed twice (as the same number)", choice.wire),
            );
        }
    }
    check_unique_variants(r, path, choices.iter().map(|c| c.variant.as_str()));
    Some(ParamKind::Choice {
        values: choices,
        wire: if raw.ty == ParamTypeName::Integer {
            ChoiceWire::Integer
        } else {
            ChoiceWire::Number
        },
    })
}

/// `formats` listed once each; the kind of one image URL.
fn check_image_url(r: &mut Reporter<'_>, path: &str, raw: &ParameterFile) -> Option<ParamKind> {
    {
        {
            let formats = raw.formats.clone().unwrap_or_default();
            if raw.formats.as_ref().is_some_and(Vec::is_empty) {
                r.error(
                    &at(path, "formats"),
                    "`formats` is empty: list the documented formats, or leave it out if none are documented",
                );
            }
            let mut seen = BTreeSet::new();
            for (index, format) in formats.iter().enumerate() {
                if !seen.insert(format.display_name()) {
                    r.error(
                        &item(&at(path, "formats"), index),
                        format!("`{}` is listed twice", format.display_name()),
                    );
                }
            }
            Some(ParamKind::ImageUrl {
                formats,
                data_uri: raw.data_uri,
                mask_for: raw.mask_for.clone(),
            })
        }
    }
}

/// `type: array` with `items: image_url`: several input images, with an
/// ordered item count. Other item types are refused by name rather than
/// read loosely.
fn check_array(r: &mut Reporter<'_>, path: &str, raw: &ParameterFile) -> Option<ParamKind> {
    match raw.items {
        Some(ParamTypeName::ImageUrl) => {}
        Some(ParamTypeName::Object) => return check_object_list(r, path, raw),
        Some(other) => {
            r.error(
                &at(path, "items"),
                format!(
                    "arrays of `{}` are not supported: `items` must be `image_url` (several input images) or `object` (with `properties`)",
                    type_keyword(other)
                ),
            );
            return None;
        }
        None => {
            r.error(
                path,
                "an `array` parameter needs `items`: the type of each item (`image_url`, or `object` with `properties`)",
            );
            return None;
        }
    }
    if raw.properties.is_some() {
        r.error(
            &at(path, "properties"),
            "`properties` are the fields of `items: object`; these items are image URLs",
        );
        return None;
    }
    if raw.mask_for.is_some() {
        r.error(&at(path, "mask_for"), "a list of images cannot be a mask");
        return None;
    }
    check_item_count(r, path, raw)?;
    let ParamKind::ImageUrl {
        formats, data_uri, ..
    } = check_image_url(r, path, raw)?
    else {
        return None;
    };
    Some(ParamKind::ImageList {
        formats,
        data_uri,
        min_items: raw.min_items,
        max_items: raw.max_items,
    })
}

/// What every array takes: no default, and an ordered item count.
fn check_item_count(r: &mut Reporter<'_>, path: &str, raw: &ParameterFile) -> Option<()> {
    if raw.default.is_some() {
        r.error(
            &at(path, "default"),
            "an `array` takes no `default`: leave it out, and the server applies its own",
        );
        return None;
    }
    if let (Some(min), Some(max)) = (raw.min_items, raw.max_items)
        && min > max
    {
        r.error(
            &at(path, "min_items"),
            format!("`min_items` {min} is greater than `max_items` {max}"),
        );
        return None;
    }
    if raw.max_items == Some(0) {
        r.error(&at(path, "max_items"), "`max_items` must be at least 1");
        return None;
    }
    Some(())
}

/// `type: array`, `items: object`: each item's fields are parameter rows of
/// scalar types, checked as parameters are; their types are named after the
/// list's (`loras` → `LorasScale`), so they never collide with a
/// parameter's own.
fn check_object_list(r: &mut Reporter<'_>, path: &str, raw: &ParameterFile) -> Option<ParamKind> {
    for (key, present) in [
        ("formats", raw.formats.is_some()),
        ("data_uri", raw.data_uri),
        ("mask_for", raw.mask_for.is_some()),
    ] {
        if present {
            r.error(
                &at(path, key),
                format!("`{key}` applies to images; these items are objects"),
            );
        }
    }
    check_item_count(r, path, raw)?;
    let Some(rows) = &raw.properties else {
        r.error(
            path,
            "`items: object` needs `properties`: the fields of each item, as parameter rows",
        );
        return None;
    };
    if rows.is_empty() {
        r.error(
            &at(path, "properties"),
            "`properties` is empty: list each item's documented fields",
        );
        return None;
    }
    let list_type = match &raw.rust_name {
        Some(name) => name.clone(),
        None => naming::type_name(&raw.name),
    };
    let errors_before = r.error_count();
    let mut fields: Vec<Param> = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        let here = item(&at(path, "properties"), index);
        let scalar = matches!(
            row.ty,
            ParamTypeName::Boolean
                | ParamTypeName::String
                | ParamTypeName::Integer
                | ParamTypeName::Number
        );
        if !scalar {
            r.error(
                &at(&here, "type"),
                format!(
                    "an item's field is a boolean, string, integer or number, not `{}`",
                    type_keyword(row.ty)
                ),
            );
            continue;
        }
        for (key, present) in [
            ("means", row.means.is_some()),
            ("fixed", row.fixed.is_some()),
        ] {
            if present {
                r.error(&at(&here, key), format!("an item's field takes no `{key}`"));
            }
        }
        let Some(mut field) = check_param(r, &here, row) else {
            continue;
        };
        // An item's `new` is its constructor.
        if naming::field_name(&field.name) == "new" {
            r.error(
                &at(&here, "name"),
                "an item's field cannot be named `new`: the item's constructor has that name",
            );
            continue;
        }
        if row.rust_name.is_none() {
            field.type_name = format!("{list_type}{}", field.type_name);
        }
        if fields.iter().any(|f| f.name == field.name) {
            r.error(
                &at(&here, "name"),
                format!("`{}` is listed twice", field.name),
            );
            continue;
        }
        fields.push(field);
    }
    (r.error_count() == errors_before).then_some(ParamKind::ObjectList {
        fields,
        min_items: raw.min_items,
        max_items: raw.max_items,
    })
}

/// A number goes on the wire as a double, which holds whole numbers of units
/// exactly only up to 2^53.
const MAX_EXACT_UNITS: i64 = 1 << 53;

/// Range, step and "does the step divide the range", exactly. A `number`
/// must also stay within what a double holds exactly.
fn check_bounds(
    r: &mut Reporter<'_>,
    path: &str,
    minimum: Option<Decimal>,
    maximum: Option<Decimal>,
    step: Option<Decimal>,
    sent_as_double: bool,
) -> Option<()> {
    if let (Some(min), Some(max)) = (minimum, maximum)
        && min > max
    {
        r.error(
            &at(path, "minimum"),
            format!("`minimum` {min} is greater than `maximum` {max}"),
        );
        return None;
    }
    if let Some(step) = step {
        if !step.is_positive() {
            r.error(
                &at(path, "step"),
                format!("`step` must be greater than 0, not {step}"),
            );
            return None;
        }
        if let (Some(min), Some(max)) = (minimum, maximum) {
            let divides = max
                .checked_sub(min)
                .is_some_and(|span| span.is_multiple_of(step));
            if !divides {
                r.error(
                    &at(path, "step"),
                    format!(
                        "`step` {step} does not divide the range {min} to {max}: \
                         the maximum would not be a whole number of steps from the minimum"
                    ),
                );
                return None;
            }
        }
    }
    // Every bound must fit the runtime's exact representation at one scale.
    let values = [minimum, maximum, step];
    let scale = values
        .iter()
        .flatten()
        .map(|v| v.scale())
        .max()
        .unwrap_or(0);
    for (key, value) in ["minimum", "maximum", "step"].iter().zip(values) {
        let units = value.and_then(|v| v.units_at(scale));
        if sent_as_double && units.is_some_and(|u| u.unsigned_abs() > MAX_EXACT_UNITS as u64) {
            r.error(
                &at(path, key),
                format!(
                    "`{key}` is {} units of 10^-{scale}, more than the 2^53 a double sent on the wire holds exactly",
                    units.unwrap_or_default()
                ),
            );
            return None;
        }
        if value.is_some_and(|v| scale > MAX_SCALE || v.units_at(scale).is_none()) {
            r.error(
                &at(path, key),
                format!("`{key}` is too large to keep exactly at {scale} decimal places"),
            );
            return None;
        }
    }
    Some(())
}

fn check_image_size(r: &mut Reporter<'_>, path: &str, raw: &ParameterFile) -> Option<ParamKind> {
    let object = raw.shape == Some(SizeShapeName::Object);
    // Named presets only (`square_hd`, …) have no width and height to
    // separate.
    let keywords_only = raw.custom.is_none()
        && raw
            .values
            .iter()
            .flatten()
            .all(|value| is_size_keyword(value.as_str()));
    let separator = match raw.separator.as_deref() {
        // An object-shaped size has no text on the wire; its text (the
        // command line's, `Display`) is `WxH`.
        None if object || keywords_only => 'x',
        None => {
            r.error(
                path,
                "an `image_size` parameter needs a `separator`: the character between width and height (`*` or `x`)",
            );
            return None;
        }
        Some(text) => {
            let mut chars = text.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if c.is_ascii() && !c.is_ascii_digit() => c,
                _ => {
                    r.error(
                        &at(path, "separator"),
                        format!("`{text}` is not a separator: expected one ASCII character that is not a digit"),
                    );
                    return None;
                }
            }
        }
    };
    // A page may give only a range ("256 ~ 1536 per dimension"): `custom`
    // alone then describes every size.
    let values = match (&raw.values, &raw.custom) {
        (Some(values), _) => check_enum_values(r, path, raw, values.iter().map(|v| v.as_str()))?,
        (None, Some(_)) => Vec::new(),
        (None, None) => {
            r.error(
                path,
                "an `image_size` parameter needs `enum` (the documented sizes and keywords such as `auto`), \
                 `custom` (the rules for any size), or both",
            );
            return None;
        }
    };
    let mut presets = Vec::new();
    for (index, value) in values.iter().enumerate() {
        let dimensions = dimensions(value, separator);
        let derived = match dimensions {
            Some((width, height)) => Some(naming::size_variant(width, height)),
            // `Custom(..)` holds the custom sizes.
            None if is_size_keyword(value) => {
                naming::choice_variant(value).filter(|v| v != "Custom" || raw.custom.is_none())
            }
            None => {
                r.error(
                    &item(&at(path, "enum"), index),
                    format!(
                        "`{value}` is neither a size written W{separator}H nor a keyword such as `auto` or `square_hd`"
                    ),
                );
                continue;
            }
        };
        let variant = variant_name(r, path, raw, index, value, derived)?;
        presets.push(SizePreset {
            wire: value.clone(),
            variant,
            dimensions,
        });
    }
    if presets.len() != values.len() {
        return None;
    }
    check_unique_variants(r, path, presets.iter().map(|p| p.variant.as_str()));
    let custom = match &raw.custom {
        None => None,
        Some(file) => Some(check_custom(r, &at(path, "custom"), file)?),
    };
    if let Some(rules) = &custom {
        // Presets must satisfy the custom rules, or the documentation contradicts itself.
        for (index, preset) in presets.iter().enumerate() {
            if let Some((width, height)) = preset.dimensions
                && let Err(violation) = rules.rule().check(width, height)
            {
                r.error(
                    &item(&at(path, "enum"), index),
                    format!(
                        "preset `{}` {} by the `custom` rules; check the documentation",
                        preset.wire,
                        violation.describe()
                    ),
                );
            }
        }
    }
    Some(ParamKind::ImageSize {
        separator,
        presets,
        custom,
        object,
    })
}

/// A size preset named rather than measured (`auto`, `square_hd`, `2K`):
/// ASCII letters, digits, `_`, `.` and `-`, with at least one letter, and
/// not a size with another separator (`1024X1024`), which is a typo.
fn is_size_keyword(value: &str) -> bool {
    let looks_like_size = ['x', 'X', '*']
        .iter()
        .any(|&separator| dimensions(value, separator).is_some());
    !looks_like_size
        && value.chars().any(|c| c.is_ascii_alphabetic())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

fn check_custom(r: &mut Reporter<'_>, path: &str, file: &CustomSizeFile) -> Option<CustomSize> {
    let errors_before = r.error_count();
    if file.multiple_of == Some(0) {
        r.error(
            &at(path, "multiple_of"),
            "`multiple_of` must be greater than 0",
        );
    }
    if let (Some(min), Some(max)) = (file.min_edge, file.max_edge)
        && min > max
    {
        r.error(
            &at(path, "min_edge"),
            format!("`min_edge` {min} is greater than `max_edge` {max}"),
        );
    }
    if let (Some(min), Some(max)) = (file.min_pixels, file.max_pixels)
        && min > max
    {
        r.error(
            &at(path, "min_pixels"),
            format!("`min_pixels` {min} is greater than `max_pixels` {max}"),
        );
    }
    let max_aspect_ratio = match &file.max_aspect_ratio {
        None => None,
        Some(text) => {
            let parsed = text.split_once(':').and_then(|(long, short)| {
                let (long, short) = (
                    long.trim().parse::<u32>().ok()?,
                    short.trim().parse::<u32>().ok()?,
                );
                (short > 0 && long >= short).then_some((long, short))
            });
            if parsed.is_none() {
                r.error(
                    &at(path, "max_aspect_ratio"),
                    format!("`{text}` is not an aspect ratio: expected `long:short` with long ≥ short > 0, such as `3:1`"),
                );
            }
            parsed
        }
    };
    (r.error_count() == errors_before).then_some(CustomSize {
        multiple_of: file.multiple_of,
        min_edge: file.min_edge,
        max_edge: file.max_edge,
        max_aspect_ratio,
        min_pixels: file.min_pixels,
        max_pixels: file.max_pixels,
    })
}

/// Enumerated values: present, non-empty, unique; and `variant_names` only
/// naming listed values.
fn check_enum_values<'a>(
    r: &mut Reporter<'_>,
    path: &str,
    raw: &ParameterFile,
    values: impl Iterator<Item = &'a str>,
) -> Option<Vec<String>> {
    let values: Vec<String> = values.map(str::to_owned).collect();
    if values.is_empty() {
        r.error(
            &at(path, "enum"),
            "`enum` is empty: list the documented values",
        );
        return None;
    }
    let mut seen = BTreeSet::new();
    let mut ok = true;
    for (index, value) in values.iter().enumerate() {
        if value.is_empty() {
            r.error(
                &item(&at(path, "enum"), index),
                "an allowed value cannot be empty",
            );
            ok = false;
        } else if !seen.insert(value.as_str()) {
            r.error(
                &item(&at(path, "enum"), index),
                format!("`{value}` is listed twice"),
            );
            ok = false;
        }
    }
    for key in raw.variant_names.keys() {
        if !seen.contains(key.as_str()) {
            r.error(
                &at(&at(path, "variant_names"), key),
                format!("`{key}` is not one of the values in `enum`"),
            );
            ok = false;
        }
    }
    ok.then_some(values)
}

/// The variant for `value`: from `variant_names`, else derived.
fn variant_name(
    r: &mut Reporter<'_>,
    path: &str,
    raw: &ParameterFile,
    index: usize,
    value: &str,
    derived: Option<String>,
) -> Option<String> {
    if let Some(name) = raw.variant_names.get(value) {
        if is_type_name(name) {
            return Some(name.clone());
        }
        r.error(
            &at(&at(path, "variant_names"), value),
            format!(
                "`{name}` is not a Rust variant name: expected UpperCamelCase letters and digits"
            ),
        );
        return None;
    }
    if derived.is_none() {
        r.error(
            &item(&at(path, "enum"), index),
            format!(
                "`{value}` cannot be turned into a Rust variant name; name it in `variant_names`"
            ),
        );
    }
    derived
}

fn check_unique_variants<'a>(
    r: &mut Reporter<'_>,
    path: &str,
    variants: impl Iterator<Item = &'a str>,
) {
    let mut seen = BTreeSet::new();
    for (index, variant) in variants.enumerate() {
        if !seen.insert(variant) {
            r.error(
                &item(&at(path, "enum"), index),
                format!(
                    "two values become the Rust variant `{variant}`; name one in `variant_names`"
                ),
            );
        }
    }
}

fn check_sentinels(
    r: &mut Reporter<'_>,
    path: &str,
    raw: &ParameterFile,
    param: &Param,
) -> Vec<Sentinel> {
    let mut sentinels = Vec::new();
    let mut names = BTreeSet::new();
    for (index, sentinel) in raw.sentinels.iter().enumerate() {
        let here = item(&at(path, "sentinels"), index);
        let const_name = naming::const_name(&sentinel.name);
        if !naming::is_identifier(&const_name) || RESERVED_CONSTS.contains(&const_name.as_str()) {
            r.error(
                &at(&here, "name"),
                format!(
                    "`{}` cannot name a constant: it must make an identifier other than {}",
                    sentinel.name,
                    RESERVED_CONSTS.join(", ")
                ),
            );
            continue;
        }
        if !names.insert(const_name.clone()) {
            r.error(
                &at(&here, "name"),
                format!("`{}` is used twice", sentinel.name),
            );
            continue;
        }
        let Some(value) = checked_value(
            r,
            &at(&here, "value"),
            param,
            Some(&sentinel.value.to_string()),
        ) else {
            continue;
        };
        sentinels.push(Sentinel {
            value,
            const_name,
            meaning: sentinel.meaning.clone(),
        });
    }
    sentinels
}
