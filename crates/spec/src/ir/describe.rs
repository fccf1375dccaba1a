//! Parameters described in words, for rustdoc, README tables, error messages
//! and the command line: one wording everywhere.

use super::{ChoiceWire, CustomSize, ImageFormat, Param, ParamKind};

impl Param {
    /// The type as a table shows it: the documentation's own spelling where
    /// the spec records one (`number`), else the spec type.
    pub fn type_label(&self) -> String {
        if let Some(doc_type) = &self.doc_type {
            return doc_type.clone();
        }
        match &self.kind {
            ParamKind::Boolean => "boolean",
            ParamKind::Choice {
                wire: ChoiceWire::Integer,
                ..
            } => "integer",
            ParamKind::Choice {
                wire: ChoiceWire::Number,
                ..
            } => "number",
            ParamKind::Text { .. } | ParamKind::Choice { .. } => "string",
            ParamKind::Integer { .. } => "integer",
            ParamKind::Number { .. } => "number",
            ParamKind::ImageUrl { .. } => "string (URL)",
            ParamKind::ImageList { .. } => "array of URLs",
            ParamKind::ObjectList { .. } => "array of objects",
            ParamKind::ImageSize { object: true, .. } => "string or object (size)",
            ParamKind::ImageSize { .. } => "string (size)",
        }
        .to_owned()
    }

    /// What the parameter accepts, in words: `a number from 0 to 1 in steps of
    /// 0.1`, `one of jpeg, png, webp`.
    pub fn allowed(&self) -> String {
        if let Some(fixed) = &self.fixed {
            return format!("always {}", fixed.to_wire_text());
        }
        let mut text = match &self.kind {
            ParamKind::Boolean => "true or false".to_owned(),
            ParamKind::Text {
                min_length,
                max_length,
            } => match (min_length, max_length) {
                (None, None) => "any text".to_owned(),
                (Some(min), None) => format!("text of at least {min} characters"),
                (None, Some(max)) => format!("text of at most {max} characters"),
                (Some(min), Some(max)) => format!("text of {min} to {max} characters"),
            },
            ParamKind::Choice { values, .. } => {
                one_of(values.iter().map(|choice| choice.wire.as_str()))
            }
            ParamKind::Integer {
                minimum,
                maximum,
                step,
            } => bounded(
                "an integer",
                minimum.map(|v| v.to_string()),
                maximum.map(|v| v.to_string()),
                step.map(|v| v.to_string()),
            ),
            ParamKind::Number {
                minimum,
                maximum,
                step,
            } => bounded(
                "a number",
                minimum.map(|v| v.to_string()),
                maximum.map(|v| v.to_string()),
                step.map(|v| v.to_string()),
            ),
            ParamKind::ImageUrl {
                formats, data_uri, ..
            } => image_url_text(formats, *data_uri),
            ParamKind::ImageList {
                formats,
                data_uri,
                min_items,
                max_items,
            } => format!(
                "a list of {} images, each {}",
                count_words(*min_items, *max_items),
                image_url_text(formats, *data_uri)
            ),
            ParamKind::ImageSize {
                separator,
                presets,
                custom,
                object,
            } => {
                let listed = one_of(presets.iter().map(|preset| preset.wire.as_str()));
                let sent = if *object {
                    r#" (sent as {"width": W, "height": H})"#
                } else {
                    ""
                };
                match custom {
                    None => listed,
                    Some(rules) if presets.is_empty() => {
                        format!("a W{separator}H size{sent} with {}", describe_custom(rules))
                    }
                    Some(rules) => format!(
                        "{listed}, or a custom W{separator}H size{sent} with {}",
                        describe_custom(rules)
                    ),
                }
            }
            ParamKind::ObjectList {
                fields,
                min_items,
                max_items,
            } => {
                let fields: Vec<String> = fields
                    .iter()
                    .map(|field| {
                        let required = if field.required { ", required" } else { "" };
                        format!("{}: {}{required}", field.name, field.allowed())
                    })
                    .collect();
                format!(
                    "a list of {} objects, each {{{}}}",
                    count_words(*min_items, *max_items),
                    fields.join("; ")
                )
            }
        };
        if !self.sentinels.is_empty() {
            let meanings: Vec<String> = self
                .sentinels
                .iter()
                .map(|s| format!("{} = {}", s.value.to_wire_text(), s.meaning))
                .collect();
            text.push_str(&format!(" ({})", meanings.join(", ")));
        }
        text
    }

    /// The documented default as the documentation writes it, if there is one.
    pub fn default_text(&self) -> Option<String> {
        self.default.as_ref().map(|value| value.to_wire_text())
    }
}

/// How many items a list takes, in words (`at most 3`).
fn count_words(min_items: Option<u64>, max_items: Option<u64>) -> String {
    match (min_items, max_items) {
        (None, None) => "any number of".to_owned(),
        (Some(min), None) => format!("at least {min}"),
        (None, Some(max)) => format!("at most {max}"),
        (Some(min), Some(max)) if min == max => format!("exactly {min}"),
        (Some(min), Some(max)) => format!("{min} to {max}"),
    }
}

/// `an http(s) URL of a PNG or JPEG image`.
fn image_url_text(formats: &[ImageFormat], data_uri: bool) -> String {
    let image = if formats.is_empty() {
        "an image".to_owned()
    } else {
        let names: Vec<&str> = formats.iter().map(|f| f.display_name()).collect();
        format!("a {} image", or_list(&names))
    };
    if data_uri {
        format!("an http(s) or data: URL of {image}")
    } else {
        format!("an http(s) URL of {image}")
    }
}

impl ImageFormat {
    /// The format's usual name (`JPEG`, `WebP`).
    pub fn display_name(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "JPEG",
            ImageFormat::Png => "PNG",
            ImageFormat::Gif => "GIF",
            ImageFormat::Webp => "WebP",
        }
    }
}

/// Custom-size rules in words, in the order providers document them.
pub fn describe_custom(rules: &CustomSize) -> String {
    let mut parts = Vec::new();
    if let Some(unit) = rules.multiple_of {
        parts.push(format!("both sides multiples of {unit}"));
    }
    if let Some(min) = rules.min_edge {
        parts.push(format!("shortest side at least {min}"));
    }
    if let Some(max) = rules.max_edge {
        parts.push(format!("longest side at most {max}"));
    }
    if let Some((long, short)) = rules.max_aspect_ratio {
        parts.push(format!("aspect ratio at most {long}:{short}"));
    }
    match (rules.min_pixels, rules.max_pixels) {
        (Some(min), Some(max)) => parts.push(format!("{min} to {max} pixels in total")),
        (Some(min), None) => parts.push(format!("at least {min} pixels in total")),
        (None, Some(max)) => parts.push(format!("at most {max} pixels in total")),
        (None, None) => {}
    }
    if parts.is_empty() {
        "any width and height".to_owned()
    } else {
        parts.join(", ")
    }
}

fn one_of<'a>(values: impl Iterator<Item = &'a str>) -> String {
    let values: Vec<&str> = values.collect();
    format!("one of {}", values.join(", "))
}

fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn bounded(
    noun: &str,
    minimum: Option<String>,
    maximum: Option<String>,
    step: Option<String>,
) -> String {
    let mut text = match (minimum, maximum) {
        (Some(min), Some(max)) => format!("{noun} from {min} to {max}"),
        (Some(min), None) => format!("{noun} of at least {min}"),
        (None, Some(max)) => format!("{noun} of at most {max}"),
        (None, None) => format!(
            "any {}",
            noun.trim_start_matches("an ").trim_start_matches("a ")
        ),
    };
    if let Some(step) = step {
        text.push_str(&format!(" in steps of {step}"));
    }
    text
}
