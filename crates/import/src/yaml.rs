//! A model spec written as YAML: the layout of the hand-written specs
//! (keys in one fixed order, block style, short lists inline), so an
//! imported file reads like any other and a re-import changes only lines
//! whose facts changed.

use std::fmt::Write as _;

use imagegen_spec::Scalar;
use imagegen_spec::file::model::{
    CustomSizeFile, ImageFormatName, ImportFormatName, MeaningName, ModelFile, ParamTypeName,
    ParameterFile, PriceFile, PricePerName, SizeShapeName, TaskName,
};

/// The spec's text, starting with the schema comment for editors
/// (`schema` is the path of `model.schema.json` from the file).
pub fn write_model(model: &ModelFile, schema: &str) -> String {
    let mut out = format!("# yaml-language-server: $schema={schema}\n");
    let w = &mut out;
    line(w, 0, "id", &text(&model.id));
    if let Some(provider) = &model.provider {
        line(w, 0, "provider", &text(provider));
    }
    line(w, 0, "source", &text(&model.source));
    line(w, 0, "display_name", &text(&model.display_name));
    if let Some(summary) = &model.summary {
        line(w, 0, "summary", &text(summary));
    }
    if let Some(description) = &model.description {
        line(w, 0, "description", &text(description));
    }
    line(w, 0, "task", task(model.task));
    if let Some(time) = &model.estimated_time {
        line(w, 0, "estimated_time", &text(time));
    }
    if let Some(cents) = model.cost_cents {
        line(w, 0, "cost_cents", &cents.to_string());
    }
    write_price(w, &model.price);
    if let Some(name) = &model.rust_name {
        line(w, 0, "rust_name", &text(name));
    }
    if let Some(sync) = &model.sync_mode {
        line(w, 0, "sync_mode", &text(sync));
    }
    if let Some(base64) = &model.base64_output {
        w.push_str("base64_output:\n");
        line(w, 1, "parameter", &text(&base64.parameter));
        line(w, 1, "value", &text(base64.value.as_str()));
    }
    w.push_str("parameters:\n");
    for param in &model.parameters {
        write_param(w, 1, param);
    }
    if let Some(imported) = &model.imported {
        w.push_str("imported:\n");
        line(
            w,
            1,
            "format",
            match imported.format {
                ImportFormatName::Openapi => "openapi",
                ImportFormatName::WavespeedModels => "wavespeed_models",
            },
        );
        line(w, 1, "document", &text(&imported.document));
    }
    if !model.examples.is_empty() {
        w.push_str("examples:\n");
        for example in &model.examples {
            item_line(w, 1, "description", &text(&example.description));
            if example.partial {
                line(w, 2, "partial", "true");
            }
            w.push_str(&format!("{}body:\n", indent(2)));
            write_json_map(w, 3, &example.body);
        }
    }
    write_strings(w, 0, "notes", &model.notes);
    out
}

fn write_price(w: &mut String, price: &PriceFile) {
    let PriceFile::Documented(price) = price else {
        line(w, 0, "price", "unknown");
        return;
    };
    w.push_str("price:\n");
    line(w, 1, "currency", &text(&price.currency));
    line(
        w,
        1,
        "per",
        match price.per {
            PricePerName::Image => "image",
            PricePerName::Request => "request",
        },
    );
    if let Some(amount) = &price.amount {
        line(w, 1, "amount", &quoted(&amount.to_string()));
    }
    if let Some(by) = &price.by {
        line(w, 1, "by", &text(by));
    }
    if let Some(rows) = &price.amounts {
        w.push_str(&format!("{}amounts:\n", indent(1)));
        for (value, amount) in &rows.0 {
            line(w, 2, &text(value), &quoted(&amount.to_string()));
        }
    }
    line(w, 1, "source", &text(&price.source));
}

fn write_param(w: &mut String, depth: usize, param: &ParameterFile) {
    item_line(w, depth, "name", &text(&param.name));
    let depth = depth + 1;
    if let Some(means) = param.means {
        line(w, depth, "means", meaning(means));
    }
    line(w, depth, "type", type_name(param.ty));
    if let Some(doc_type) = &param.doc_type {
        line(w, depth, "doc_type", &text(doc_type));
    }
    if param.required {
        line(w, depth, "required", "true");
    }
    let numeric = matches!(param.ty, ParamTypeName::Integer | ParamTypeName::Number);
    let value = |scalar: &Scalar| {
        if numeric || param.ty == ParamTypeName::Boolean {
            scalar.as_str().to_owned()
        } else {
            text(scalar.as_str())
        }
    };
    if let Some(default) = &param.default {
        line(w, depth, "default", &value(default));
    }
    if let Some(fixed) = &param.fixed {
        line(w, depth, "fixed", &value(fixed));
    }
    for (key, bound) in [
        ("minimum", &param.minimum),
        ("maximum", &param.maximum),
        ("step", &param.step),
    ] {
        if let Some(bound) = bound {
            line(w, depth, key, &bound.to_string());
        }
    }
    for (key, count) in [
        ("min_length", param.min_length),
        ("max_length", param.max_length),
    ] {
        if let Some(count) = count {
            line(w, depth, key, &count.to_string());
        }
    }
    if let Some(values) = &param.values {
        let values: Vec<String> = values.iter().map(value).collect();
        list(w, depth, "enum", &values);
    }
    if !param.variant_names.is_empty() {
        w.push_str(&format!("{}variant_names:\n", indent(depth)));
        for (value, variant) in &param.variant_names {
            line(w, depth + 1, &text(value), &text(variant));
        }
    }
    if let Some(separator) = &param.separator {
        line(w, depth, "separator", &quoted(separator));
    }
    if let Some(shape) = param.shape {
        line(
            w,
            depth,
            "shape",
            match shape {
                SizeShapeName::Text => "text",
                SizeShapeName::Object => "object",
            },
        );
    }
    if let Some(custom) = &param.custom {
        write_custom(w, depth, custom);
    }
    if let Some(formats) = &param.formats {
        let formats: Vec<String> = formats.iter().map(|f| format_name(*f).to_owned()).collect();
        list(w, depth, "formats", &formats);
    }
    if param.data_uri {
        line(w, depth, "data_uri", "true");
    }
    if let Some(mask_for) = &param.mask_for {
        line(w, depth, "mask_for", &text(mask_for));
    }
    if !param.sentinels.is_empty() {
        w.push_str(&format!("{}sentinels:\n", indent(depth)));
        for sentinel in &param.sentinels {
            item_line(w, depth + 1, "value", &sentinel.value.to_string());
            line(w, depth + 2, "name", &text(&sentinel.name));
            line(w, depth + 2, "meaning", &text(&sentinel.meaning));
        }
    }
    if let Some(items) = param.items {
        line(w, depth, "items", type_name(items));
    }
    for (key, count) in [
        ("min_items", param.min_items),
        ("max_items", param.max_items),
    ] {
        if let Some(count) = count {
            line(w, depth, key, &count.to_string());
        }
    }
    if let Some(name) = &param.rust_name {
        line(w, depth, "rust_name", &text(name));
    }
    if let Some(description) = &param.description {
        line(w, depth, "description", &text(description));
    }
    if let Some(fields) = &param.properties {
        w.push_str(&format!("{}properties:\n", indent(depth)));
        for field in fields {
            write_param(w, depth + 1, field);
        }
    }
    write_strings(w, depth, "notes", &param.notes);
}

fn write_custom(w: &mut String, depth: usize, custom: &CustomSizeFile) {
    let entries: Vec<(&str, String)> = [
        ("multiple_of", custom.multiple_of.map(u64::from)),
        ("min_edge", custom.min_edge.map(u64::from)),
        ("max_edge", custom.max_edge.map(u64::from)),
    ]
    .into_iter()
    .filter_map(|(k, v)| Some((k, v?.to_string())))
    .chain(
        custom
            .max_aspect_ratio
            .as_ref()
            .map(|ratio| ("max_aspect_ratio", quoted(ratio))),
    )
    .chain(
        [
            ("min_pixels", custom.min_pixels),
            ("max_pixels", custom.max_pixels),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?.to_string()))),
    )
    .collect();
    if entries.is_empty() {
        line(w, depth, "custom", "{}");
        return;
    }
    w.push_str(&format!("{}custom:\n", indent(depth)));
    for (key, value) in entries {
        line(w, depth + 1, key, &value);
    }
}

fn write_strings(w: &mut String, depth: usize, key: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    w.push_str(&format!("{}{key}:\n", indent(depth)));
    for item in items {
        w.push_str(&format!("{}  - {}\n", indent(depth), text(item)));
    }
}

/// A JSON object in block style, keys in the map's order.
fn write_json_map(w: &mut String, depth: usize, map: &serde_json::Map<String, serde_json::Value>) {
    for (key, value) in map {
        write_json_entry(w, depth, &format!("{}{}:", indent(depth), text(key)), value);
    }
}

fn write_json_entry(w: &mut String, depth: usize, head: &str, value: &serde_json::Value) {
    match value {
        serde_json::Value::Object(map) if !map.is_empty() => {
            w.push_str(head);
            w.push('\n');
            write_json_map(w, depth + 1, map);
        }
        serde_json::Value::Array(items) if items.iter().any(|i| i.is_object() || i.is_array()) => {
            w.push_str(head);
            w.push('\n');
            for item in items {
                match item {
                    serde_json::Value::Object(map) if !map.is_empty() => {
                        let mut first = true;
                        for (key, value) in map {
                            let lead = if first { "- " } else { "  " };
                            first = false;
                            write_json_entry(
                                w,
                                depth + 2,
                                &format!("{}{lead}{}:", indent(depth + 1), text(key)),
                                value,
                            );
                        }
                    }
                    other => {
                        let _ = writeln!(w, "{}- {}", indent(depth + 1), json_scalar(other));
                    }
                }
            }
        }
        other => {
            let _ = writeln!(w, "{head} {}", json_scalar(other));
        }
    }
}

fn json_scalar(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => text(s),
        serde_json::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(flow_item).collect();
            format!("[{}]", items.join(", "))
        }
        // JSON text is YAML's flow style.
        other => other.to_string(),
    }
}

/// An item of an inline `[…]` list, where `,[]{}` end a plain string.
fn flow_item(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) if is_flow_safe(&text(s)) => text(s),
        serde_json::Value::String(s) => quoted(s),
        other => other.to_string(),
    }
}

/// Whether written text can stand in a flow collection as it is.
fn is_flow_safe(written: &str) -> bool {
    written.starts_with('"') || !written.contains([',', '[', ']', '{', '}'])
}

fn indent(depth: usize) -> String {
    "  ".repeat(depth)
}

fn line(w: &mut String, depth: usize, key: &str, value: &str) {
    let _ = writeln!(w, "{}{key}: {value}", indent(depth));
}

/// The first line of a list item (`  - key: value`).
fn item_line(w: &mut String, depth: usize, key: &str, value: &str) {
    let _ = writeln!(w, "{}- {key}: {value}", indent(depth));
}

/// A list inline when short, else one item a line.
fn list(w: &mut String, depth: usize, key: &str, items: &[String]) {
    let inline = format!("[{}]", items.join(", "));
    if inline.len() + key.len() + depth * 2 <= 100 && items.iter().all(|i| is_flow_safe(i)) {
        line(w, depth, key, &inline);
        return;
    }
    let _ = writeln!(w, "{}{key}:", indent(depth));
    for item in items {
        let _ = writeln!(w, "{}  - {item}", indent(depth));
    }
}

/// A string as YAML: plain where it reads back as the same string, else
/// double-quoted with JSON's escapes (which YAML's double quotes read).
pub(crate) fn text(value: &str) -> String {
    if is_plain(value) {
        value.to_owned()
    } else {
        quoted(value)
    }
}

/// Double-quoted, escaping what YAML would not read back as written: the
/// quote and backslash, control characters (C0, DEL, C1), the byte-order
/// mark, and U+2028/U+2029 (line breaks to YAML 1.1).
fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn is_plain(value: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n",
    ];
    let Some(first) = value.chars().next() else {
        return false;
    };
    !KEYWORDS.contains(&value.to_ascii_lowercase().as_str())
        && !value.starts_with(char::is_whitespace)
        && !value.ends_with(char::is_whitespace)
        && !"-?:,[]{}#&*!|>'\"%@`.+0123456789".contains(first)
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.ends_with(':')
        && !value.contains(['\n', '\r', '\t', '"', '\\'])
        && value
            .chars()
            .all(|c| !c.is_control() && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}'))
}

fn task(task: TaskName) -> &'static str {
    match task {
        TaskName::TextToImage => "text-to-image",
        TaskName::ImageToImage => "image-to-image",
        TaskName::ImageEdit => "image-edit",
    }
}

fn type_name(ty: ParamTypeName) -> &'static str {
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

fn meaning(meaning: MeaningName) -> &'static str {
    imagegen_spec::ir::Meaning::from(meaning).as_str()
}

fn format_name(format: ImageFormatName) -> &'static str {
    match format {
        ImageFormatName::Jpeg => "jpeg",
        ImageFormatName::Png => "png",
        ImageFormatName::Gif => "gif",
        ImageFormatName::Webp => "webp",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_plain_only_where_they_read_back_as_themselves() {
        for plain in ["jpeg", "Flux Dev", "square_hd", "a/b c"] {
            assert_eq!(text(plain), plain);
        }
        for special in [
            "",
            "1024*1024",
            "1:1",
            "true",
            "no",
            "-1",
            "a: b",
            "x #y",
            "*",
            "3.5",
            "say \"hi\"",
            " lead",
            "1",
            "tab\there",
            "back\\slash",
            "del\u{7f}",
            "c1\u{85}\u{9b}",
            "line\u{2028}sep\u{2029}",
            "\u{feff}bom",
            "bell\u{7}",
        ] {
            let written = text(special);
            assert!(written.starts_with('"'), "{special:?} → {written}");
            let read: String = serde_yaml::from_str(&written).unwrap();
            assert_eq!(read, special);
        }
    }

    #[test]
    fn inline_lists_and_nested_json_read_back_as_written() {
        let mut w = String::new();
        list(&mut w, 0, "enum", &[text("a,b"), text("c"), text("[d]")]);
        list(&mut w, 0, "other", &[text("x{y}"), text("z")]);
        let read: serde_yaml::Value = serde_yaml::from_str(&w).unwrap();
        assert_eq!(
            read["enum"],
            serde_yaml::from_str::<serde_yaml::Value>("[\"a,b\", c, \"[d]\"]").unwrap()
        );
        assert_eq!(read["other"][0].as_str(), Some("x{y}"));

        let body = serde_json::json!({
            "list": ["a,b", "c", {"k": [1, "}"]}, [2]],
            "nested": {"deep": {"x": "y, z"}},
            "empty": {}
        });
        let mut w = String::new();
        write_json_map(&mut w, 0, body.as_object().unwrap());
        let read: serde_json::Value = serde_yaml::from_str(&w).unwrap();
        assert_eq!(read, body, "{w}");
    }
}
