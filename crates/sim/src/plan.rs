//! What an accepted request asks for, read through the model's spec: the
//! values in effect (sent, else documented default), the images to make
//! (size, format, how many, and what of the input image they keep), and
//! whether to answer in sync mode or base64.

use image::ImageFormat;
use imagegen_spec::ir::{Meaning, Model, ParamKind};
use serde_json::{Map, Value};

use crate::uploads::InputImage;

/// Width and height when the request names no size, or a keyword such as `auto`.
pub(crate) const DEFAULT_SIZE: (u32, u32) = (1024, 1024);

/// The value in effect of the parameter the spec gives `meaning`.
fn meant<'a>(model: &Model, values: &'a Map<String, Value>, meaning: Meaning) -> Option<&'a Value> {
    let param = model
        .parameters
        .iter()
        .find(|p| p.meaning == Some(meaning))?;
    values.get(&param.name)
}

/// The outputs of one prediction, and how to hand them back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OutputPlan {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) format: ImageFormat,
    pub(crate) count: u32,
    /// What makes the images differ, besides the prompt and the index.
    pub(crate) seed: String,
    /// The colour every output is filled with: the mean colour of the
    /// uploaded reference image, when the request has one.
    pub(crate) fill: Option<[u8; 3]>,
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

/// The plan for a request whose effective values are `values`, derived
/// from `input` (its uploaded reference image) where it has one.
pub(crate) fn plan(
    model: &Model,
    values: &Map<String, Value>,
    input: Option<InputImage>,
) -> OutputPlan {
    let (width, height) = size(model, values, input);
    // How many images a request makes is its `means: count` parameter
    // (`n`, `num_images`), so downloads and file names follow it.
    // A count typed `number` may arrive as `2.0`.
    let count = meant(model, values, Meaning::Count)
        .and_then(|n| {
            n.as_u64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                    .map(|f| f as u64)
            })
        })
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
        seed: meant(model, values, Meaning::Seed)
            .map(Value::to_string)
            .unwrap_or_default(),
        fill: input.map(|input| input.mean),
        base64,
        sync,
    }
}

/// The size parameter's value as pixels: a preset's dimensions, a custom
/// `W<sep>H`, or for a keyword (`auto`: the service decides) the input
/// image's size, else [`DEFAULT_SIZE`]. No size in effect counts as the
/// keyword where the model has one, else as [`DEFAULT_SIZE`].
fn size(model: &Model, values: &Map<String, Value>, input: Option<InputImage>) -> (u32, u32) {
    let chosen = input.map(|input| (input.width, input.height));
    let pixels = |meaning| {
        meant(model, values, meaning)
            .and_then(Value::as_u64)
            .and_then(|v| u32::try_from(v).ok())
    };
    // Separate `width` and `height` integers, where the model has them.
    if let (Some(width), Some(height)) = (pixels(Meaning::Width), pixels(Meaning::Height)) {
        return (width, height);
    }
    let Some((param, presets, separator)) =
        model.parameters.iter().find_map(|param| match &param.kind {
            ParamKind::ImageSize {
                separator, presets, ..
            } => Some((param, presets, *separator)),
            _ => None,
        })
    else {
        return DEFAULT_SIZE;
    };
    // A custom size sent as `{"width": W, "height": H}`.
    if let Some(object) = values.get(&param.name).and_then(Value::as_object) {
        let side = |name| object.get(name)?.as_u64()?.try_into().ok();
        return side("width").zip(side("height")).unwrap_or(DEFAULT_SIZE);
    }
    let Some(text) = values.get(&param.name).and_then(Value::as_str) else {
        let has_keyword = presets.iter().any(|p| p.dimensions.is_none());
        return chosen.filter(|_| has_keyword).unwrap_or(DEFAULT_SIZE);
    };
    if let Some(preset) = presets.iter().find(|p| p.wire == text) {
        return preset.dimensions.or(chosen).unwrap_or(DEFAULT_SIZE);
    }
    text.split_once(separator)
        .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
        .unwrap_or(DEFAULT_SIZE)
}

/// The output format: the value of the enumerated parameter whose every
/// choice names an image format (`output_format`), else PNG.
fn format(model: &Model, values: &Map<String, Value>) -> ImageFormat {
    model
        .parameters
        .iter()
        .find_map(|param| match &param.kind {
            ParamKind::Choice {
                values: choices, ..
            } if choices.iter().all(|c| image_format(&c.wire).is_some()) => {
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

/// The text a request is known by, for faults scoped by prompt and for the
/// images: the value of the parameter the spec marks `means: prompt`, or, for
/// a model without one (an image variation model takes only an image), the
/// whole body as JSON text, so that a fault can still be scoped to one
/// request by any value it sends.
pub(crate) fn prompt(model: &Model, body: &Value) -> Option<String> {
    match model
        .parameters
        .iter()
        .find(|p| p.meaning == Some(Meaning::Prompt))
    {
        Some(param) => body
            .get(&param.name)
            .and_then(Value::as_str)
            .map(str::to_owned),
        None => Some(body.to_string()),
    }
}
