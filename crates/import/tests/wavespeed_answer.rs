//! A models-API answer's corners: prices that are not a flat amount or a
//! price per image, entries without a request schema or listed twice, and
//! what a whole answer says about committed specs it lists but could not
//! import.

use imagegen_import::{Coverage, Import, Json, apply, wavespeed};
use imagegen_spec::file::model::{PriceFile, PricePerName};
use imagegen_spec::ir::Provider;
use serde_json::json;

fn provider() -> Provider {
    let (path, text) = imagegen_spec::bundled::provider_file("wavespeed").unwrap();
    imagegen_spec::parse_provider(&path, text).unwrap()
}

/// One `data` entry: model `id`, `properties`, a price and formula.
fn entry(
    id: &str,
    properties: serde_json::Value,
    price: serde_json::Value,
    formula: &str,
) -> serde_json::Value {
    json!({
        "model_id": id,
        "name": id,
        "type": "text-to-image",
        "base_price": price,
        "formula": formula,
        "api_schema": {"api_schemas": [{"type": "model_run", "request_schema": {
            "type": "object", "required": ["prompt"], "properties": properties}}]}
    })
}

fn import(entries: Vec<serde_json::Value>) -> Import {
    let text = json!({"code": 200, "message": "success", "data": entries}).to_string();
    wavespeed::import(&Json::parse(&text).unwrap(), "models.json", &[]).unwrap()
}

fn finding<'a>(
    import: &'a Import,
    model: &str,
    needle: &str,
) -> Option<&'a imagegen_import::Finding> {
    import
        .findings
        .iter()
        .find(|f| f.model.as_deref() == Some(model) && f.what.contains(needle))
}

#[test]
fn a_price_is_imported_only_as_a_flat_amount_or_times_the_image_count() {
    let prompt = json!({"prompt": {"type": "string"}});
    let with = |extra: serde_json::Value| {
        let mut properties = prompt.clone();
        properties
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        properties
    };
    let import = import(vec![
        entry(
            "a/flat",
            prompt.clone(),
            json!(0.03),
            r#"{"total_price": base_price * 1}"#,
        ),
        entry(
            "a/per-image",
            with(json!({"num_images": {"type": "integer", "minimum": 1, "maximum": 4}})),
            json!(0.03),
            r#"{"total_price": base_price * num_images}"#,
        ),
        entry(
            "a/per-step",
            with(json!({"steps": {"type": "integer", "minimum": 1, "maximum": 50}})),
            json!(0.001),
            r#"{"total_price": base_price * steps}"#,
        ),
        entry(
            "a/unpriced",
            prompt.clone(),
            json!("0.03"),
            r#"{"total_price": base_price * 1}"#,
        ),
    ]);
    let price = |id: &str| {
        let model = import.models.iter().find(|m| m.id == id).unwrap();
        let per = match &model.spec.price {
            PriceFile::Documented(price) => Some(price.per),
            PriceFile::Unknown(_) => None,
        };
        (model.states.price, per)
    };
    assert_eq!(price("a/flat").1, Some(PricePerName::Request));
    assert_eq!(price("a/per-image").1, Some(PricePerName::Image));
    // A price per step is not a price per image: left to a person.
    assert!(!price("a/per-step").0);
    assert!(
        finding(&import, "a/per-step", "times a count parameter").is_some(),
        "{:#?}",
        import.findings
    );
    assert!(!price("a/unpriced").0);
    assert!(
        finding(&import, "a/unpriced", "not an amount in dollars").is_some(),
        "{:#?}",
        import.findings
    );
}

#[test]
fn entries_without_properties_or_listed_twice_are_reported() {
    let prompt = json!({"prompt": {"type": "string"}});
    let mut bare = entry("a/bare", json!({}), json!(0.01), "");
    bare["api_schema"]["api_schemas"][0]["request_schema"]
        .as_object_mut()
        .unwrap()
        .remove("properties");
    let import = import(vec![
        entry("a/twice", prompt.clone(), json!(0.01), ""),
        entry(
            "a/twice",
            json!({"prompt": {"type": "integer"}}),
            json!(0.02),
            "",
        ),
        bare,
    ]);
    assert_eq!(
        import
            .models
            .iter()
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>(),
        ["a/twice"]
    );
    assert!(
        finding(&import, "a/twice", "more than once").is_some(),
        "{:#?}",
        import.findings
    );
    assert!(
        finding(&import, "a/bare", "without `properties`").is_some(),
        "{:#?}",
        import.findings
    );
    assert_eq!(import.listed, ["a/twice", "a/twice", "a/bare"]);
}

#[test]
fn a_whole_answer_reports_removed_only_the_models_it_does_not_list() {
    let prompt = json!({"prompt": {"type": "string"}});
    let dir = tempfile::tempdir().unwrap();
    let first = import(vec![
        entry("a/kept", prompt.clone(), json!(0.01), ""),
        entry("a/broken", prompt.clone(), json!(0.01), ""),
        entry("a/gone", prompt.clone(), json!(0.01), ""),
    ]);
    apply(&first, dir.path(), &provider(), Coverage::Complete, false).unwrap();
    // `a/broken` is still listed, but without a schema this time.
    let mut broken = entry("a/broken", prompt.clone(), json!(0.01), "");
    broken.as_object_mut().unwrap().remove("api_schema");
    let second = import(vec![
        entry("a/kept", prompt.clone(), json!(0.01), ""),
        broken,
    ]);
    let check = apply(&second, dir.path(), &provider(), Coverage::Complete, true).unwrap();
    let removed: Vec<&str> = check
        .changes
        .iter()
        .filter(|c| c.what.contains("removed"))
        .map(|c| c.model.as_str())
        .collect();
    assert_eq!(removed, ["a/gone"], "{:#?}", check.changes);
}
