//! What an accepted request asks for, read through the model's spec: the
//! values in effect (sent, else documented default), the images to make
//! (size, format, how many), and whether to answer in sync mode or base64.

use image::ImageFormat;
use imagegen_spec::ir::{Model, ParamKind};
use serde_json::{Map, Value};

/// Width and height when the request names no size, or a keyword such as `auto`.
pub(crate) const DEFAULT_SIZE: (u32, u32) = (1024, 1024);

/// The parameter counting outputs, by its OpenAI name.
const COUNT_PARAMETER: &str = "n";

/// The parameter seeding generation, where a model has one.
const SEED_PARAMETER: &str = "seed";

/// The outputs of one prediction, and how to hand them back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OutputPlan {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) format: ImageFormat,
    pub(crate) count: u32,
    /// What makes the images differ, besides the prompt and the index.
    pub(crate) seed: String,
    /// Outputs are base64 instead of URLs.
    pub(crate) base64: bool,
    /// The submission waits for the prediction to end.
    pub(crate) sync: bool,
}

/// Every parameter with a value: the one sent, else the documented default.
pub(crate) fn effective(model: &Model, body: &Map<String, Value>) -> Map<String, Value> {
    model
        .parameters
        .iter()
        .filter_map(|param| {
            let value = body
                .get(&param.name)
                .cloned()
                .or_else(|| param.fixed.as_ref().map(|v| v.to_json()))
                .or_else(|| param.default.as_ref().map(|v| v.to_json()))?;
            Some((param.name.clone(), value))
        })
        .collect()
}

/// The plan for a request whose effective values are `values`.
pub(crate) fn plan(model: &Model, values: &Map<String, Value>) -> OutputPlan {
    let (width, height) = size(model, values);
    let count = values
        .get(COUNT_PARAMETER)
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(1)
        .max(1);
    let base64 = model
        .base64_output
        .as_ref()
        .is_some_and(|(name, value)| values.get(name) == Some(&value.to_json()));
    let sync = model
        .sync_mode
        .as_ref()
        .is_some_and(|name| values.get(name) == Some(&Value::Bool(true)));
    OutputPlan {
        width,
        height,
        format: format(model, values),
        count,
        seed: values
            .get(SEED_PARAMETER)
            .map(Value::to_string)
            .unwrap_or_default(),
        base64,
        sync,
    }
}

/// The size parameter's value as pixels: a preset's dimensions, a custom
/// `W<sep>H`, or [`DEFAULT_SIZE`] for a keyword (`auto`) or no size at all.
fn size(model: &Model, values: &Map<String, Value>) -> (u32, u32) {
    model
        .parameters
        .iter()
        .find_map(|param| match &param.kind {
            ParamKind::ImageSize {
                separator, presets, ..
            } => {
                let text = values.get(&param.name)?.as_str()?;
                if let Some(preset) = presets.iter().find(|p| p.wire == text) {
                    return preset.dimensions;
                }
                let (w, h) = text.split_once(*separator)?;
                Some((w.parse().ok()?, h.parse().ok()?))
            }
            _ => None,
        })
        .unwrap_or(DEFAULT_SIZE)
}

/// The output format: the value of the enumerated parameter whose every
/// choice names an image format (`output_format`), else PNG.
fn format(model: &Model, values: &Map<String, Value>) -> ImageFormat {
    model
        .parameters
        .iter()
        .find_map(|param| match &param.kind {
            ParamKind::Choice { values: choices }
                if choices.iter().all(|c| image_format(&c.wire).is_some()) =>
            {
                image_format(values.get(&param.name)?.as_str()?)
            }
            _ => None,
        })
        .unwrap_or(ImageFormat::Png)
}

fn image_format(name: &str) -> Option<ImageFormat> {
    match name {
        "png" => Some(ImageFormat::Png),
        "jpeg" | "jpg" => Some(ImageFormat::Jpeg),
        "webp" => Some(ImageFormat::WebP),
        _ => None,
    }
}

/// The prompt of a body, for faults scoped by prompt and for the images.
pub(crate) fn prompt(body: &Value) -> Option<&str> {
    body.get("prompt").and_then(Value::as_str)
}
