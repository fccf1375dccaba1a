//! A model's table for the runtime, built from its spec while the program
//! runs: the [`ModelInfo`] a generated crate holds as a `static`, for a
//! model spec read at run time (`imagegen generate --spec my-model.yaml`).
//!
//! It must say exactly what codegen writes for the same spec; a test
//! compares the two for every model imagegen ships. The one difference:
//! `local_alternatives` (models of *other* providers that take a local file
//! where this one cannot) is left empty, as a lone spec knows no others.

use imagegen_core::info::{
    Base64Switch, Endpoint, EstimatedTime, ImageParam, ModelInfo, ParamInfo, ParamKind as Kind,
    ProviderInfo,
};
use imagegen_core::price;

use crate::ir::{
    ChoiceWire, ImageFormat, Method, Model, Param, ParamKind, PriceTable, Provider, Task,
};

/// `model`'s table, leaked for the life of the process (the runtime's
/// tables are `'static`; a command line builds one per spec it reads),
/// served by `provider`, whose spec is `spec`.
pub fn leak_model_info(
    provider: &'static ProviderInfo,
    spec: &Provider,
    model: &Model,
) -> &'static ModelInfo {
    Box::leak(Box::new(model_info(provider, spec, model)))
}

fn model_info(provider: &'static ProviderInfo, spec: &Provider, model: &Model) -> ModelInfo {
    let mut submit = match spec.submit.method {
        Method::Get => Endpoint::get(leak(&model.submit_path)),
        Method::Post => Endpoint::post(leak(&model.submit_path)),
    };
    if let Some(status) = spec.submit.success_status {
        submit = submit.answering(status);
    }
    let parameters: Vec<ParamInfo> = model.parameters.iter().map(param_info).collect();
    ModelInfo {
        provider,
        id: leak(&model.id),
        display_name: leak(&model.display_name),
        summary: leak(&model.summary),
        task: match model.task {
            Task::TextToImage => "text-to-image",
            Task::ImageToImage => "image-to-image",
            Task::ImageEdit => "image-edit",
        },
        estimated_time: model
            .estimated_time
            .as_ref()
            .map(|t| EstimatedTime::millis(t.min_ms, t.max_ms)),
        cost_cents: model.cost_cents,
        price: model.price.as_ref().map(|p| price::Price {
            currency: leak(&p.currency),
            per: p.per,
            table: match &p.table {
                PriceTable::Flat(amount) => price::PriceTable::Flat(*amount),
                PriceTable::By { parameter, amounts } => price::PriceTable::By {
                    parameter: leak(parameter),
                    amounts: Box::leak(
                        amounts
                            .iter()
                            .map(|(wire, amount)| (leak(wire), *amount))
                            .collect::<Vec<_>>()
                            .into_boxed_slice(),
                    ),
                },
            },
            source: leak(&p.source),
        }),
        source: leak(&model.source),
        submit,
        sync_mode: model.sync_mode.as_deref().map(leak),
        base64_output: model
            .base64_output
            .as_ref()
            .map(|(parameter, value)| Base64Switch {
                parameter: leak(parameter),
                value: leak(&value.to_wire_text()),
            }),
        parameters: Box::leak(parameters.into_boxed_slice()),
    }
}

/// A parameter's row, as codegen writes it: from its type where it has one
/// (the kind, choices, size separator and image facts its core macro
/// gives), then what the row adds.
fn param_info(param: &Param) -> ParamInfo {
    let allowed = leak(&param.allowed());
    let name = leak(&param.name);
    let mut row = match &param.kind {
        ParamKind::Boolean => ParamInfo::new(name, Kind::Boolean, allowed),
        ParamKind::Text { .. } => ParamInfo::new(name, Kind::Text, allowed),
        ParamKind::Integer { .. } => ParamInfo::new(name, Kind::Integer, allowed),
        ParamKind::Number { .. } => ParamInfo::new(name, Kind::Number, allowed),
        ParamKind::Choice {
            values,
            wire: ChoiceWire::Integer | ChoiceWire::Number,
        } => ParamInfo::new(name, Kind::NumberChoice, allowed)
            .with_choices(leak_all(values.iter().map(|c| c.wire.as_str()))),
        ParamKind::Choice { values, .. } => ParamInfo::new(name, Kind::Choice, allowed)
            .with_choices(leak_all(values.iter().map(|c| c.wire.as_str()))),
        ParamKind::ImageSize {
            separator, presets, ..
        } => ParamInfo {
            size_separator: Some(*separator),
            ..ParamInfo::new(name, Kind::ImageSize, allowed)
                .with_choices(leak_all(presets.iter().map(|p| p.wire.as_str())))
        },
        ParamKind::ImageUrl {
            formats,
            data_uri,
            mask_for,
        } => ParamInfo {
            image: Some(ImageParam {
                formats: leak_formats(formats),
                data_uri: *data_uri,
                mask_for: mask_for.as_deref().map(leak),
            }),
            ..ParamInfo::new(name, Kind::ImageUrl, allowed)
        },
        ParamKind::ImageList {
            formats, data_uri, ..
        } => ParamInfo {
            image: Some(ImageParam {
                formats: leak_formats(formats),
                data_uri: *data_uri,
                mask_for: None,
            }),
            ..ParamInfo::new(name, Kind::ImageList, allowed)
        },
        ParamKind::ObjectList { .. } => ParamInfo::new(name, Kind::ObjectList, allowed),
    }
    .described(leak(&param.description));
    if param.required {
        row = row.required();
    }
    if let Some(fixed) = &param.fixed {
        row = row.with_fixed(leak(&fixed.to_wire_text()));
    }
    if let Some(default) = param.default_text() {
        row = row.with_default(leak(&default));
    }
    if let Some(meaning) = param.meaning {
        row = row.with_meaning(meaning);
    }
    row
}

fn leak(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

fn leak_all<'a>(items: impl Iterator<Item = &'a str>) -> &'static [&'static str] {
    Box::leak(items.map(leak).collect::<Vec<_>>().into_boxed_slice())
}

fn leak_formats(formats: &[ImageFormat]) -> &'static [imagegen_core::ImageFormat] {
    let formats: Vec<imagegen_core::ImageFormat> = formats
        .iter()
        .map(|format| match format {
            ImageFormat::Jpeg => imagegen_core::ImageFormat::Jpeg,
            ImageFormat::Png => imagegen_core::ImageFormat::Png,
            ImageFormat::Gif => imagegen_core::ImageFormat::Gif,
            ImageFormat::Webp => imagegen_core::ImageFormat::WebP,
        })
        .collect();
    Box::leak(formats.into_boxed_slice())
}
