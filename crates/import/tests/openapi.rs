//! OpenAPI documents of aimlapi's shape into specs: every construct the
//! documents use maps onto a spec kind or is reported, a re-import keeps
//! what a person added, and a check classes each change.

use std::path::Path;

use imagegen_import::{Coverage, Json, apply, openapi};
use imagegen_spec::ir::{ChoiceWire, ParamKind, Provider};

fn provider() -> Provider {
    let (path, text) = imagegen_spec::bundled::provider_file("aimlapi").unwrap();
    imagegen_spec::parse_provider(&path, text).unwrap()
}

/// A document with one operation whose request schema is `schema`.
fn document(path: &str, schema: serde_json::Value) -> Json {
    let text = serde_json::json!({
        "openapi": "3.0.0",
        "paths": {path: {"post": {
            "requestBody": {"content": {"application/json": {"schema": schema}}},
            "x-codeSamples": [{"lang": "cURL", "source": "curl --data '{\"model\": \"acme/paint\", \"prompt\": \"a fox\"}'"}]
        }}},
        "components": {"schemas": {"Lora": {"type": "object", "required": ["path"], "properties": {
            "path": {"type": "string"}, "scale": {"type": "number", "minimum": 0, "maximum": 4}}}}}
    })
    .to_string();
    Json::parse(&text).unwrap()
}

fn paint_schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "required": ["model", "prompt"],
        "properties": {
            "model": {"type": "string", "enum": ["acme/paint"]},
            "prompt": {"type": "string", "maxLength": 4000, "description": "What to paint."},
            "num_images": {"type": "number", "minimum": 1, "maximum": 4, "default": 1},
            "n": {"type": "number", "enum": [1], "default": 1},
            "image_size": {"anyOf": [
                {"type": "object", "properties": {
                    "width": {"type": "integer", "minimum": 512, "maximum": 1536},
                    "height": {"type": "integer", "minimum": 512, "maximum": 1536}},
                 "description": "Multiples of 32."},
                {"type": "string", "enum": ["square_hd", "landscape_4_3"]}],
             "default": "landscape_4_3"},
            "image_url": {"anyOf": [
                {"type": "string", "format": "uri"},
                {"type": "array", "items": {"type": "string", "format": "uri"}, "maxItems": 4}]},
            "loras": {"type": "array", "maxItems": 3, "items": {"$ref": "#/components/schemas/Lora"}},
            "safety_tolerance": {"type": "string", "enum": ["1", "2"], "default": "2"},
            "max_resolution": {"type": "integer", "enum": [720, 1080], "default": "1080"},
            "raw": {"type": "boolean", "enum": [false]},
            "style": {"type": "string", "pattern": "^[a-z]+$"}
        }
    })
}

fn import_paint() -> imagegen_import::Import {
    let document = document("/v1/images/generations", paint_schema());
    openapi::import(&openapi::OpenApiSource {
        document: &document,
        cited_as: "paint.json",
        submit_path: "/v1/images/generations",
    })
    .unwrap()
}

#[test]
fn every_construct_maps_onto_a_kind_or_is_reported() {
    let import = import_paint();
    let dir = tempfile::tempdir().unwrap();
    let outcome = apply(&import, dir.path(), &provider(), Coverage::Partial, false).unwrap();
    assert!(outcome.refused.is_empty(), "{:?}", outcome.refused);
    let text = std::fs::read_to_string(dir.path().join("acme/paint.yaml")).unwrap();
    let model = imagegen_spec::parse_model(Path::new("acme/paint.yaml"), &text, &provider())
        .unwrap_or_else(|d| panic!("{d}\n{text}"));

    let kind = |name: &str| {
        &model
            .parameter(name)
            .unwrap_or_else(|| panic!("{name}"))
            .kind
    };
    assert!(model.parameter("model").unwrap().fixed.is_some());
    assert!(matches!(
        kind("prompt"),
        ParamKind::Text {
            max_length: Some(4000),
            ..
        }
    ));
    assert!(matches!(
        kind("n"),
        ParamKind::Choice {
            wire: ChoiceWire::Number,
            ..
        }
    ));
    assert!(matches!(
        kind("image_size"),
        ParamKind::ImageSize { object: true, custom: Some(c), .. } if c.min_edge == Some(512) && c.max_edge == Some(1536)
    ));
    assert!(matches!(
        kind("image_url"),
        ParamKind::ImageList {
            max_items: Some(4),
            ..
        }
    ));
    let ParamKind::ObjectList {
        fields, max_items, ..
    } = kind("loras")
    else {
        panic!("loras is a list of objects");
    };
    assert_eq!(*max_items, Some(3));
    assert!(fields.iter().any(|f| f.name == "path" && f.required));
    assert!(matches!(
        kind("safety_tolerance"),
        ParamKind::Choice {
            wire: ChoiceWire::Text,
            ..
        }
    ));
    // A default of the wrong type is left out, not the parameter.
    assert!(model.parameter("max_resolution").unwrap().default.is_none());
    // A boolean allowed one value has no kind: left out, and reported.
    assert!(model.parameter("raw").is_none());
    let reported = |needle: &str| {
        import
            .findings
            .iter()
            .any(|f| f.what.contains(needle) && f.pointer.starts_with("#/paths/"))
    };
    assert!(reported("a boolean allowed only"), "{:#?}", import.findings);
    assert!(reported("the default \"1080\""), "{:#?}", import.findings);
    assert!(reported("`pattern"), "{:#?}", import.findings);
    assert!(reported("Multiples of 32."), "{:#?}", import.findings);
    // The code sample's body is an example; `means:` follow the names.
    assert_eq!(model.examples.len(), 1);
    assert_eq!(
        model.parameter("image_size").unwrap().meaning,
        Some(imagegen_spec::ir::Meaning::Size)
    );
}

#[test]
fn a_reimport_keeps_what_a_person_added_and_checks_clean() {
    let import = import_paint();
    let dir = tempfile::tempdir().unwrap();
    apply(&import, dir.path(), &provider(), Coverage::Partial, false).unwrap();
    let path = dir.path().join("acme/paint.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    // A person names the page, adds a rule the schema only says in words,
    // and a note.
    let edited = text
        .replace("source: paint.json", "source: https://example.com/paint")
        .replace("    custom:\n", "    custom:\n      multiple_of: 32\n")
        .replace("notes:\n", "notes:\n  - A person's note.\n")
        + "notes:\n  - A person's note.\n";
    std::fs::write(&path, &edited).unwrap();

    let check = apply(&import, dir.path(), &provider(), Coverage::Partial, true).unwrap();
    assert!(check.changes.is_empty(), "{:#?}", check.changes);
    apply(&import, dir.path(), &provider(), Coverage::Partial, false).unwrap();
    let again = std::fs::read_to_string(&path).unwrap();
    assert!(
        again.contains("source: https://example.com/paint"),
        "{again}"
    );
    assert!(again.contains("multiple_of: 32"), "{again}");
    assert!(again.contains("A person's note."), "{again}");
}

#[test]
fn changes_are_classed_by_the_versioning_rules() {
    let dir = tempfile::tempdir().unwrap();
    apply(
        &import_paint(),
        dir.path(),
        &provider(),
        Coverage::Partial,
        false,
    )
    .unwrap();
    let mut schema = paint_schema();
    let properties = schema["properties"].as_object_mut().unwrap();
    properties["num_images"]["maximum"] = 2.into(); // narrowed: breaking
    properties["prompt"]["maxLength"] = 8000.into(); // widened: not
    properties.remove("style"); // removed: breaking
    properties.insert("steps".into(), serde_json::json!({"type": "integer"})); // added: not
    properties["safety_tolerance"]["enum"] = serde_json::json!(["1", "2", "3"]); // value added: not
    let document = document("/v1/images/generations", schema);
    let import = openapi::import(&openapi::OpenApiSource {
        document: &document,
        cited_as: "paint.json",
        submit_path: "/v1/images/generations",
    })
    .unwrap();
    let check = apply(&import, dir.path(), &provider(), Coverage::Partial, true).unwrap();
    let class = |parameter: &str, what: &str| {
        check
            .changes
            .iter()
            .find(|c| c.parameter.as_deref() == Some(parameter) && c.what.contains(what))
            .unwrap_or_else(|| panic!("{parameter} {what}: {:#?}", check.changes))
            .breaking
    };
    assert!(class("num_images", "maximum"));
    assert!(!class("prompt", "max_length"));
    assert!(class("style", "removed"));
    assert!(!class("steps", "added"));
    assert!(!class("safety_tolerance", "value `3` added"));
    // Checking writes nothing.
    let text = std::fs::read_to_string(dir.path().join("acme/paint.yaml")).unwrap();
    assert!(text.contains("maximum: 4"));
}

#[test]
fn an_upload_endpoint_and_other_paths_are_reported_not_imported() {
    let schema = serde_json::json!({"type": "object", "properties": {
        "model": {"type": "string", "enum": ["acme/paint"]},
        "image": {"type": "object", "properties": {"originalname": {"type": "string"}, "mimetype": {"type": "string"}}}}});
    let document = document("/v1/images/edits", schema);
    let import = openapi::import(&openapi::OpenApiSource {
        document: &document,
        cited_as: "edit.json",
        submit_path: "/v1/images/generations",
    })
    .unwrap();
    assert!(import.models.is_empty());
    assert!(
        import
            .findings
            .iter()
            .any(|f| f.left_out && f.what.contains("multipart/form-data")),
        "{:#?}",
        import.findings
    );
}

#[test]
fn documents_without_a_request_schema_are_errors_naming_where() {
    let not_openapi = Json::parse(r#"{"swagger": "2.0"}"#).unwrap();
    let error = openapi::import(&openapi::OpenApiSource {
        document: &not_openapi,
        cited_as: "old.json",
        submit_path: "/v1/images/generations",
    })
    .unwrap_err();
    assert!(
        error.to_string().starts_with("old.json at #/openapi"),
        "{error}"
    );
    let no_body = Json::parse(r#"{"openapi": "3.0.0", "paths": {"/v1/x": {"get": {}}}}"#).unwrap();
    let error = openapi::import(&openapi::OpenApiSource {
        document: &no_body,
        cited_as: "empty.json",
        submit_path: "/v1/images/generations",
    })
    .unwrap_err();
    assert!(error.to_string().contains("#/paths"), "{error}");
    assert!(
        imagegen_import::parse("{", "broken.json")
            .unwrap_err()
            .to_string()
            .starts_with("broken.json: not JSON")
    );
}

#[test]
fn a_model_id_that_would_escape_the_output_directory_is_refused() {
    let mut schema = paint_schema();
    schema["properties"]["model"]["enum"] = serde_json::json!(["../../escape"]);
    let document = document("/v1/images/generations", schema);
    let import = openapi::import(&openapi::OpenApiSource {
        document: &document,
        cited_as: "evil.json",
        submit_path: "/v1/images/generations",
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("specs/acme");
    let error = apply(&import, &out, &provider(), Coverage::Partial, false).unwrap_err();
    assert!(error.to_string().contains("../../escape"), "{error}");
    assert!(!dir.path().join("escape.yaml").exists());
}
