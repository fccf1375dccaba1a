//! A model file: metadata, parameters, capabilities and examples.

use std::collections::BTreeMap;
use std::path::Path;

use super::param::check_param;
use super::price::check_price;
use super::values::{admit, interpret, interpret_json};
use super::{Reporter, at, item, parse_yaml};
use crate::diagnostic::Diagnostic;
use crate::file::model::ModelFile;
use crate::ir::{EstimatedTime, Meaning, Model, ParamKind, Provider, RequestExample};
use crate::naming;

/// Names a generated provider crate's root already has: its `provider`
/// module, the `runtime` re-export, the `client` feature (a model's feature
/// is its module name with `-`), and what the literal macros expand to.
const RESERVED_MODULES: &[&str] = &["provider", "runtime", "client", "__core"];

/// Type names a model module defines besides its parameters' own, and the
/// prelude names generated code relies on (a parameter type named `Result`
/// would shadow them).
const RESERVED_TYPES: &[&str] = &[
    "Request", "Option", "Some", "None", "Result", "Ok", "Err", "String", "Vec", "Box", "Cow",
    "Default",
];

/// Checks the model file at `file` (whose text is `text`) for `provider`.
pub(crate) fn check_model(
    file: &Path,
    text: &str,
    provider: &Provider,
) -> Result<Model, Vec<Diagnostic>> {
    let raw: ModelFile = parse_yaml(file, text)?;
    let mut r = Reporter::new(file, text);

    if let Some(named) = raw
        .provider
        .as_deref()
        .filter(|named| *named != provider.name)
    {
        r.error(
            "provider",
            format!(
                "the model names provider `{named}`, but it is read as a model of `{}`; leave `provider` out or write `provider: {}`",
                provider.name, provider.name
            ),
        );
    }

    if !is_model_id(&raw.id) {
        r.error(
            "id",
            format!(
                "`{}` is not a model id: expected letters, digits, `.`, `_`, `-` in parts separated by single `/`",
                raw.id
            ),
        );
    }
    for (key, value) in [
        ("source", Some(&raw.source)),
        ("display_name", Some(&raw.display_name)),
        ("summary", raw.summary.as_ref()),
    ] {
        if value.is_some_and(|value| value.trim().is_empty()) {
            r.error(key, format!("`{key}` is empty"));
        }
    }
    let estimated_time = raw.estimated_time.as_deref().and_then(|text| {
        let parsed = parse_estimated_time(text);
        if parsed.is_none() {
            r.error(
                "estimated_time",
                format!("`{text}` is not a time estimate: expected seconds as `1-3s` or `26s`"),
            );
        }
        parsed
    });
    let module = match &raw.rust_name {
        Some(name) if naming::is_identifier(name) && name == &name.to_ascii_lowercase() => {
            name.clone()
        }
        Some(name) => {
            r.error(
                "rust_name",
                format!(
                    "`{name}` is not a Rust module name: expected snake_case letters and digits"
                ),
            );
            String::new()
        }
        None => naming::module_name(&raw.id),
    };
    if RESERVED_MODULES.contains(&module.as_str()) {
        r.error(
            if raw.rust_name.is_some() { "rust_name" } else { "id" },
            format!(
                "the module `{module}` is taken in the generated crate ({}); set `rust_name` to another",
                RESERVED_MODULES.join(", ")
            ),
        );
    }

    let mut parameters = Vec::new();
    // Parameters already reported: examples using them are not reported again.
    let mut broken = Vec::new();
    for (index, raw_param) in raw.parameters.iter().enumerate() {
        match check_param(&mut r, &item("parameters", index), raw_param) {
            Some(param) => parameters.push((index, param)),
            None => broken.push(raw_param.name.clone()),
        }
    }
    if raw.parameters.is_empty() {
        r.error("parameters", "a model needs at least one parameter");
    }
    check_unique_names(&mut r, &parameters);
    check_unique_meanings(&mut r, &parameters);
    check_masks(&mut r, &parameters);

    let mut model = Model {
        file: file.to_path_buf(),
        id: raw.id.clone(),
        source: raw.source.clone(),
        display_name: raw.display_name.clone(),
        summary: raw.summary.as_deref().unwrap_or_default().trim().to_owned(),
        description: raw.description.as_ref().map(|d| d.trim().to_owned()),
        task: raw.task,
        estimated_time,
        cost_cents: raw.cost_cents,
        price: None,
        feature: naming::feature_name(&module),
        module,
        submit_path: provider.submit.path.replace("{model}", &raw.id),
        sync_mode: None,
        base64_output: None,
        parameters: parameters.into_iter().map(|(_, p)| p).collect(),
        imported: raw.imported.as_ref().map(|imported| crate::ir::Imported {
            format: imported.format,
            document: imported.document.clone(),
        }),
        examples: Vec::new(),
        notes: raw.notes.clone(),
    };
    if let Some(imported) = &raw.imported
        && imported.document.trim().is_empty()
    {
        r.error(
            "imported.document",
            "`document` is empty: name what was imported",
        );
    }

    if let Some(name) = &raw.sync_mode {
        match model.parameter(name) {
            Some(param) if param.kind == ParamKind::Boolean && param.fixed.is_none() => {
                model.sync_mode = Some(name.clone());
            }
            Some(_) => r.error(
                "sync_mode",
                format!("`{name}` must be a settable boolean parameter"),
            ),
            None => r.error("sync_mode", format!("there is no parameter `{name}`")),
        }
    }
    if let Some(base64) = &raw.base64_output {
        match model.parameter(&base64.parameter) {
            None => r.error(
                "base64_output.parameter",
                format!("there is no parameter `{}`", base64.parameter),
            ),
            Some(param) if param.fixed.is_some() => r.error(
                "base64_output.parameter",
                format!("`{}` is fixed and cannot be set", base64.parameter),
            ),
            Some(param) => {
                let value = interpret(&param.kind, base64.value.as_str())
                    .and_then(|value| admit(param, &value).map(|()| value));
                match value {
                    Ok(value) => model.base64_output = Some((param.name.clone(), value)),
                    Err(message) => r.error("base64_output.value", message),
                }
            }
        }
    }

    model.price = check_price(&mut r, &raw.price, &model);

    // A submit path without `{model}` means the model id travels in the body.
    if !provider.submit.path.contains("{model}") {
        let carries_id = model.parameters.iter().any(|p| {
            p.fixed
                .as_ref()
                .is_some_and(|v| v.to_wire_text() == model.id)
        });
        if !carries_id {
            r.error(
                "parameters",
                format!(
                    "the provider's submit path `{}` does not name the model, so a parameter must be \
                     `fixed` to the model id `{}`",
                    provider.submit.path, model.id
                ),
            );
        }
    }

    for (index, example) in raw.examples.iter().enumerate() {
        let path = item("examples", index);
        check_example_body(
            &mut r,
            &path,
            &model,
            &broken,
            example.partial,
            &example.body,
        );
        model.examples.push(RequestExample {
            description: example.description.clone(),
            partial: example.partial,
            body: example.body.clone(),
        });
    }
    r.finish(model)
}

/// `openai/gpt-image-1`, `z-image-turbo`.
fn is_model_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('/').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        })
}

/// `1-3s` → 1000..3000 ms; `26s` → 26000..26000 ms.
fn parse_estimated_time(text: &str) -> Option<EstimatedTime> {
    let seconds = text.strip_suffix('s')?;
    let (low, high) = seconds.split_once('-').unwrap_or((seconds, seconds));
    let to_ms = |part: &str| -> Option<u64> {
        let decimal = crate::decimal::Decimal::parse(part.trim()).ok()?;
        u64::try_from(decimal.units_at(3)?).ok()
    };
    let (min_ms, max_ms) = (to_ms(low)?, to_ms(high)?);
    (min_ms <= max_ms && max_ms > 0).then(|| EstimatedTime {
        text: text.to_owned(),
        min_ms,
        max_ms,
    })
}

/// A mask names another image parameter of the model, is a PNG (the only
/// format with the alpha channel a mask is read from), and masks no mask.
fn check_masks(r: &mut Reporter<'_>, parameters: &[(usize, crate::ir::Param)]) {
    for (index, param) in parameters {
        let ParamKind::ImageUrl {
            formats,
            mask_for: Some(target),
            ..
        } = &param.kind
        else {
            continue;
        };
        let path = at(&item("parameters", *index), "mask_for");
        let masked = parameters.iter().find(|(_, other)| &other.name == target);
        match masked.map(|(_, other)| &other.kind) {
            _ if target == &param.name => r.error(&path, "a mask cannot mask itself"),
            Some(ParamKind::ImageUrl { mask_for: None, .. }) => {}
            Some(ParamKind::ImageUrl { .. }) => r.error(
                &path,
                format!("`{target}` is itself a mask: name the image it masks"),
            ),
            Some(_) => r.error(&path, format!("`{target}` is not an `image_url` parameter")),
            None => {
                let images: Vec<&str> = parameters
                    .iter()
                    .filter(|(_, other)| {
                        matches!(other.kind, ParamKind::ImageUrl { .. }) && other.name != param.name
                    })
                    .map(|(_, other)| other.name.as_str())
                    .collect();
                r.error(
                    &path,
                    format!(
                        "no parameter is named `{target}`; the model's other image parameters: {}",
                        if images.is_empty() {
                            "none".to_owned()
                        } else {
                            images.join(", ")
                        }
                    ),
                );
            }
        }
        if formats
            .iter()
            .any(|format| *format != crate::ir::ImageFormat::Png)
        {
            r.error(
                &at(&item("parameters", *index), "formats"),
                "a mask is read from its alpha channel: its `formats` can only be [png]",
            );
        }
    }
}

/// A neutral option maps onto one parameter, so each meaning appears once.
fn check_unique_meanings(r: &mut Reporter<'_>, parameters: &[(usize, crate::ir::Param)]) {
    let mut seen = BTreeMap::new();
    for (index, param) in parameters {
        let Some(meaning) = param.meaning else {
            continue;
        };
        let first = *seen.entry(meaning).or_insert(*index);
        if first != *index {
            r.error(
                &at(&item("parameters", *index), "means"),
                format!("`means: {meaning}` is already given to parameters[{first}]"),
            );
        }
    }
    // A plain-terms size maps onto `size`, or onto `width` and `height`
    // together: one of the pair alone could not carry it.
    for (this, other) in [
        (Meaning::Width, Meaning::Height),
        (Meaning::Height, Meaning::Width),
    ] {
        if let Some(index) = seen.get(&this)
            && !seen.contains_key(&other)
        {
            r.error(
                &at(&item("parameters", *index), "means"),
                format!("`means: {this}` needs another parameter with `means: {other}`"),
            );
        }
    }
}

/// Parameter names, Rust fields and Rust types must each be unique.
fn check_unique_names(r: &mut Reporter<'_>, parameters: &[(usize, crate::ir::Param)]) {
    let mut names = BTreeMap::new();
    let mut fields = BTreeMap::new();
    let mut types: BTreeMap<String, String> = RESERVED_TYPES
        .iter()
        .map(|t| ((*t).to_owned(), "the request".to_owned()))
        .collect();
    for (index, param) in parameters {
        let path = item("parameters", *index);
        if let Some(first) = names.insert(param.name.as_str(), *index) {
            r.error(
                &at(&path, "name"),
                format!(
                    "parameter `{}` is already defined at parameters[{first}]",
                    param.name
                ),
            );
            continue;
        }
        if let Some(first) = fields.insert(param.field.as_str(), param.name.as_str()) {
            r.error(
                &at(&path, "name"),
                format!(
                    "`{}` and `{first}` both become the Rust field `{}`",
                    param.name, param.field
                ),
            );
        }
        for type_name in param.own_type_names() {
            let owner = format!("`{}`", param.name);
            if let Some(first) = types.insert(type_name.clone(), owner.clone()) {
                r.error(
                    &at(&path, "name"),
                    format!(
                        "the Rust type `{type_name}` for {owner} is already taken by {first}; set `rust_name`"
                    ),
                );
            }
        }
    }
}

/// An example body: documented keys only, allowed values, required keys present.
fn check_example_body(
    r: &mut Reporter<'_>,
    path: &str,
    model: &Model,
    broken: &[String],
    partial: bool,
    body: &serde_json::Map<String, serde_json::Value>,
) {
    let body_path = at(path, "body");
    for (key, json) in body {
        let here = at(&body_path, key);
        if broken.contains(key) {
            continue;
        }
        let Some(param) = model.parameter(key) else {
            r.key_error(&here, format!("`{key}` is not a parameter of this model"));
            continue;
        };
        match interpret_json(&param.kind, json)
            .and_then(|value| admit(param, &value).map(|()| value))
        {
            Ok(value) => {
                if let Some(fixed) = &param.fixed
                    && *fixed != value
                {
                    r.error(
                        &here,
                        format!("`{key}` is fixed to `{}`", fixed.to_wire_text()),
                    );
                }
            }
            Err(message) => r.error(&here, message),
        }
    }
    if !partial {
        for param in model.required_parameters() {
            if !body.contains_key(&param.name) {
                r.error(
                    &body_path,
                    format!(
                        "required parameter `{}` is missing; if the documentation's example leaves it out, mark the example `partial: true`",
                        param.name
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimated_times() {
        let one_to_three = parse_estimated_time("1-3s").unwrap();
        assert_eq!((one_to_three.min_ms, one_to_three.max_ms), (1000, 3000));
        let single = parse_estimated_time("26s").unwrap();
        assert_eq!((single.min_ms, single.max_ms), (26_000, 26_000));
        let fractional = parse_estimated_time("0.5-1.5s").unwrap();
        assert_eq!((fractional.min_ms, fractional.max_ms), (500, 1500));
        for bad in ["", "s", "3-1s", "1-3", "fast", "0s", "-1s"] {
            assert!(parse_estimated_time(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn model_ids() {
        for ok in [
            "gpt-image-1",
            "openai/gpt-image-1",
            "openai/gpt-image-2/text-to-image",
            "v1.5",
        ] {
            assert!(is_model_id(ok), "{ok}");
        }
        for bad in ["", "/a", "a/", "a//b", "a b", "a?b"] {
            assert!(!is_model_id(bad), "{bad:?}");
        }
    }
}
