//! WaveSpeed's models API: `GET /api/v3/models` answers `{code, message,
//! data: [{model_id, name, base_price, description, type, formula,
//! api_schema: {api_schemas: [{type: "model_run", api_path,
//! request_schema}]}}]}`, each `request_schema` a JSON Schema with
//! `properties`, `required` and `x-order-properties` (the shape WaveSpeed's
//! own MCP server and CLI read).

use imagegen_spec::Scalar;
use imagegen_spec::decimal::Decimal;
use imagegen_spec::file::model::{
    Base64OutputFile, DocumentedPriceFile, ImportFormatName, ImportedFile, ModelFile,
    ParamTypeName, PriceFile, PricePerName, TaskName,
};

use crate::json::{Json, Pointer};
use crate::means::COUNT_NAMES;
use crate::report::Finding;
use crate::schema::{Mapper, description, required_names};
use crate::{Import, ImportError, ImportedModel, States, display_name};

/// The `type`s of image models; the API lists video, audio and text models
/// too, which are not imported.
const IMAGE_TYPES: &[&str] = &[
    "text-to-image",
    "image-to-image",
    "image-effects",
    "image-tools",
    "upscaler",
];

/// The models an answer lists (image models, or those `only` names).
pub fn import(answer: &Json, cited_as: &str, only: &[String]) -> Result<Import, ImportError> {
    let code = answer
        .get("code")
        .and_then(Json::as_number)
        .and_then(serde_json::Number::as_i64);
    if code != Some(200) {
        let message = answer
            .get("message")
            .and_then(Json::as_str)
            .unwrap_or("no message");
        return Err(ImportError::shape(
            cited_as,
            Pointer::root().child("code"),
            format!("the answer is not a success (code {code:?}): {message}"),
        ));
    }
    let Some(models) = answer.get("data").and_then(Json::items) else {
        return Err(ImportError::shape(
            cited_as,
            Pointer::root().child("data"),
            "the answer has no `data` list of models",
        ));
    };
    let mut import = Import::default();
    for (index, entry) in models.iter().enumerate() {
        let pointer = Pointer::root().child("data").child(index);
        let Some(id) = entry.get("model_id").and_then(Json::as_str) else {
            import.findings.push(Finding::left_out(
                None,
                pointer.child("model_id"),
                "an entry without a `model_id`",
            ));
            continue;
        };
        import.listed.push(id.to_owned());
        let kind = entry.get("type").and_then(Json::as_str).unwrap_or("");
        let wanted = if only.is_empty() {
            IMAGE_TYPES.contains(&kind)
        } else {
            only.iter().any(|o| o == id)
        };
        if !wanted {
            continue;
        }
        if models[..index]
            .iter()
            .any(|earlier| earlier.get("model_id").and_then(Json::as_str) == Some(id))
        {
            import.findings.push(Finding::left_out(
                Some(id),
                &pointer,
                "the answer lists this model more than once; only its first entry is imported",
            ));
            continue;
        }
        if let Some(model) = model(entry, id, kind, cited_as, &pointer, &mut import) {
            import.models.push(model);
        }
    }
    for missing in only
        .iter()
        .filter(|o| !import.models.iter().any(|m| &m.id == *o))
    {
        if !models
            .iter()
            .any(|m| m.get("model_id").and_then(Json::as_str) == Some(missing))
        {
            import.findings.push(Finding::left_out(
                Some(missing),
                Pointer::root().child("data"),
                "the answer does not list this model",
            ));
        }
    }
    Ok(import)
}

fn model(
    entry: &Json,
    id: &str,
    kind: &str,
    cited_as: &str,
    pointer: &Pointer,
    import: &mut Import,
) -> Option<ImportedModel> {
    let (schema, schema_pointer) = request_schema(entry, pointer).or_else(|| {
        import.findings.push(Finding::left_out(
            Some(id),
            pointer.child("api_schema"),
            "no request schema (`api_schema.api_schemas[type=model_run].request_schema`); not imported",
        ));
        None
    })?;
    let mut mapper = Mapper::new(id, schema, &mut import.findings, Some('*'));
    mapper.report_request(schema, &schema_pointer);
    let required = required_names(schema);
    let Some(properties) = schema.get("properties").and_then(Json::entries) else {
        import.findings.push(Finding::left_out(
            Some(id),
            schema_pointer.child("properties"),
            "a request schema without `properties`; not imported",
        ));
        return None;
    };
    let listed = schema
        .get("x-order-properties")
        .and_then(Json::items)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .filter(|name| properties.iter().any(|(p, _)| p == name));
    // Then the properties the order leaves out (hidden ones), as listed;
    // a name listed twice comes once.
    let mut order: Vec<String> = Vec::new();
    for name in listed.chain(properties.iter().map(|(p, _)| p.as_str())) {
        if !order.iter().any(|o| o == name) {
            order.push(name.to_owned());
        }
    }
    let mut parameters = Vec::new();
    let mut unmapped = Vec::new();
    for name in &order {
        let Some((_, property)) = properties.iter().find(|(p, _)| p == name) else {
            continue;
        };
        let here = schema_pointer.child("properties").child(name);
        match mapper.property(name, property, required.contains(&name.as_str()), &here) {
            Some(param) => parameters.push(param),
            None => unmapped.push(name.clone()),
        }
    }
    let named = entry
        .get("name")
        .and_then(Json::as_str)
        .filter(|n| *n != id);
    let task = match kind {
        "text-to-image" => TaskName::TextToImage,
        _ => TaskName::ImageToImage,
    };
    // A new spec cites the answer; a committed one keeps its page URL.
    let mut spec = ModelFile::new(
        id,
        cited_as,
        named.map_or_else(|| display_name(id), str::to_owned),
        task,
    );
    spec.summary = description(entry);
    let has =
        |name: &str, ty: ParamTypeName| parameters.iter().any(|p| p.name == name && p.ty == ty);
    if has("enable_sync_mode", ParamTypeName::Boolean) {
        spec.sync_mode = Some("enable_sync_mode".to_owned());
    }
    if has("enable_base64_output", ParamTypeName::Boolean) {
        spec.base64_output = Some(Base64OutputFile {
            parameter: "enable_base64_output".to_owned(),
            value: Scalar("true".to_owned()),
        });
    }
    let price = price(entry, &parameters, id, pointer, &mut import.findings);
    let states = States {
        display_name: named.is_some(),
        summary: spec.summary.is_some(),
        task: !kind.is_empty(),
        price: price.is_some(),
    };
    if let Some(price) = price {
        spec.price = price;
    }
    spec.parameters = parameters;
    spec.imported = Some(ImportedFile {
        format: ImportFormatName::WavespeedModels,
        document: cited_as.to_owned(),
    });
    Some(ImportedModel {
        id: id.to_owned(),
        spec,
        states,
        order,
        unmapped,
    })
}

/// The `model_run` schema (its pointer too): the first entry of that
/// type, else the first entry, else the OpenAPI-style
/// `components.schemas.Request` some clients also accept.
fn request_schema<'a>(entry: &'a Json, pointer: &Pointer) -> Option<(&'a Json, Pointer)> {
    let api = entry.get("api_schema")?;
    let here = pointer.child("api_schema");
    if let Some(schemas) = api.get("api_schemas").and_then(Json::items) {
        let index = schemas
            .iter()
            .position(|s| s.get("type").and_then(Json::as_str) == Some("model_run"))
            .unwrap_or(0);
        if let Some(schema) = schemas.get(index).and_then(|s| s.get("request_schema")) {
            return Some((
                schema,
                here.child("api_schemas")
                    .child(index)
                    .child("request_schema"),
            ));
        }
    }
    let schema = api.get("components")?.get("schemas")?.get("Request")?;
    Some((
        schema,
        here.child("components").child("schemas").child("Request"),
    ))
}

/// `base_price` with the formula's unit: `base_price * 1` (or no formula)
/// per request, `base_price * <the count parameter>` per image; any other
/// formula is reported and the price not stated.
fn price(
    entry: &Json,
    parameters: &[imagegen_spec::file::model::ParameterFile],
    id: &str,
    pointer: &Pointer,
    findings: &mut Vec<Finding>,
) -> Option<PriceFile> {
    let base = entry.get("base_price")?;
    let Some(amount) = base
        .as_number()
        .and_then(|n| Decimal::parse(&n.to_string()).ok())
        .filter(|amount| *amount >= Decimal::from_i64(0))
    else {
        findings.push(Finding::left_out(
            Some(id),
            pointer.child("base_price"),
            format!(
                "`base_price: {}` is not an amount in dollars; the price is not imported",
                base.to_value()
            ),
        ));
        return None;
    };
    let formula = entry.get("formula").and_then(Json::as_str);
    let per = match formula.map(formula_factor) {
        None | Some(Some(None)) => PricePerName::Request,
        Some(Some(Some(factor)))
            if COUNT_NAMES.contains(&factor)
                && parameters.iter().any(|p| {
                    p.name == factor
                        && matches!(p.ty, ParamTypeName::Integer | ParamTypeName::Number)
                }) =>
        {
            PricePerName::Image
        }
        Some(_) => {
            findings.push(Finding::left_out(
                Some(id),
                pointer.child("formula"),
                format!(
                    "the pricing formula {:?} is not a flat price or a price per image (times a count parameter: {}); the price is not imported",
                    formula.unwrap_or_default(),
                    COUNT_NAMES.join(", ")
                ),
            ));
            return None;
        }
    };
    let source = match formula {
        Some(formula) => format!("base_price {base}, formula {formula}"),
        None => format!("base_price {base}"),
    };
    Some(PriceFile::Documented(DocumentedPriceFile {
        currency: "USD".to_owned(),
        per,
        amount: Some(amount),
        by: None,
        amounts: None,
        source,
    }))
}

/// What a formula multiplies `base_price` by: `Some(None)` for `1`,
/// `Some(Some(name))` for one input, `None` for anything else.
fn formula_factor(formula: &str) -> Option<Option<&str>> {
    let compact: String = formula.chars().filter(|c| !c.is_whitespace()).collect();
    let expression = compact
        .strip_prefix("{\"total_price\":")
        .and_then(|rest| rest.strip_suffix('}'))?
        .to_owned();
    let factor = expression
        .strip_prefix("base_price*")
        .map(str::to_owned)
        .or_else(|| expression.strip_suffix("*base_price").map(str::to_owned))?;
    if factor == "1" {
        return Some(None);
    }
    let name = formula
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find(|word| *word == factor)?;
    (name.starts_with(|c: char| c.is_ascii_alphabetic())).then_some(Some(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_say_per_request_or_per_image() {
        assert_eq!(
            formula_factor(r#"{"total_price":base_price * 1}"#),
            Some(None)
        );
        assert_eq!(
            formula_factor(r#"{"total_price":base_price * num_images}"#),
            Some(Some("num_images"))
        );
        assert_eq!(
            formula_factor(r#"{"total_price": duration * base_price}"#),
            Some(Some("duration"))
        );
        assert_eq!(
            formula_factor(r#"{"total_price": base_price * duration / 5}"#),
            None
        );
    }
}
