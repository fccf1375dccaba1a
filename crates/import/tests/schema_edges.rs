//! The corners of JSON Schema an import meets: `multipleOf` against a
//! spec's step, `$ref` cycles and self-containing schemas, `null` in
//! alternatives and enums, a root `anyOf`, a merge that keeps what the
//! source is silent on, an import that fails before writing anything, and
//! drift on a step grid that moves.

use imagegen_import::{Coverage, Import, Json, apply, openapi};
use imagegen_spec::ir::Provider;
use serde_json::json;

fn provider() -> Provider {
    let (path, text) = imagegen_spec::bundled::provider_file("aimlapi").unwrap();
    imagegen_spec::parse_provider(&path, text).unwrap()
}

/// A document whose one operation's request schema has `properties`
/// besides `model: acme/paint` and `prompt`, and `components.schemas`.
fn import_with(properties: serde_json::Value, schemas: serde_json::Value) -> Import {
    let mut all = json!({
        "model": {"type": "string", "enum": ["acme/paint"]},
        "prompt": {"type": "string"}
    });
    all.as_object_mut()
        .unwrap()
        .extend(properties.as_object().unwrap().clone());
    let text = json!({
        "openapi": "3.0.0",
        "paths": {"/v1/images/generations": {"post": {"requestBody": {"content": {
            "application/json": {"schema": {
                "type": "object", "required": ["model", "prompt"], "properties": all}}}}}}},
        "components": {"schemas": schemas}
    })
    .to_string();
    let document = Json::parse(&text).unwrap();
    openapi::import(&openapi::OpenApiSource {
        document: &document,
        cited_as: "paint.json",
        submit_path: "/v1/images/generations",
    })
    .unwrap()
}

fn reported(import: &Import, needle: &str) -> bool {
    import.findings.iter().any(|f| f.what.contains(needle))
}

fn param<'a>(
    import: &'a Import,
    name: &str,
) -> Option<&'a imagegen_spec::file::model::ParameterFile> {
    import.models[0]
        .spec
        .parameters
        .iter()
        .find(|p| p.name == name)
}

#[test]
fn multiple_of_is_a_step_only_where_the_minimum_is_on_its_grid() {
    let import = import_with(
        json!({
            "on_grid": {"type": "integer", "minimum": 64, "maximum": 2048, "multipleOf": 32},
            "off_grid": {"type": "integer", "minimum": 1, "maximum": 65, "multipleOf": 8},
            "both": {"type": "number", "minimum": 0, "maximum": 1, "step": 0.1, "multipleOf": 0.5}
        }),
        json!({}),
    );
    assert_eq!(
        param(&import, "on_grid")
            .unwrap()
            .step
            .map(|s| s.to_string()),
        Some("32".to_owned())
    );
    // From 1 in steps of 8 is 1, 9, 17…; multiples of 8 are 8, 16…
    assert_eq!(param(&import, "off_grid").unwrap().step, None);
    assert!(
        reported(&import, "`multipleOf: 8` counts from 0"),
        "{:#?}",
        import.findings
    );
    assert_eq!(
        param(&import, "both").unwrap().step.map(|s| s.to_string()),
        Some("0.1".to_owned())
    );
    assert!(
        reported(&import, "besides `step: 0.1`"),
        "{:#?}",
        import.findings
    );
}

#[test]
fn ref_cycles_and_schemas_that_contain_themselves_are_reported_not_followed() {
    let import = import_with(
        json!({
            "cycle": {"$ref": "#/components/schemas/A"},
            "tree": {"$ref": "#/components/schemas/Node"}
        }),
        json!({
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"$ref": "#/components/schemas/A"},
            "Node": {"type": "array", "items": {"type": "object", "properties": {
                "child": {"anyOf": [{"$ref": "#/components/schemas/Node"}]}}}}
        }),
    );
    assert!(param(&import, "cycle").is_none());
    assert!(reported(&import, "(a cycle)"), "{:#?}", import.findings);
    assert!(param(&import, "tree").is_none());
    assert!(reported(&import, "levels deep"), "{:#?}", import.findings);
}

#[test]
fn null_alternatives_and_values_are_what_leaving_a_value_out_means() {
    let import = import_with(
        json!({
            "style": {"type": "string", "enum": ["a", "b", null]},
            "steps": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 50}, {"type": "null"}],
                      "default": 28, "description": "How many steps."},
            "count": {"type": "integer", "enum": [1, 2, null]}
        }),
        json!({}),
    );
    let style = param(&import, "style").unwrap();
    assert_eq!(style.values.as_ref().map(|v| v.len()), Some(2), "{style:?}");
    let steps = param(&import, "steps").unwrap();
    // The property's own default and description, not only its one shape's.
    assert_eq!(steps.default.as_ref().map(|d| d.as_str()), Some("28"));
    assert_eq!(steps.description.as_deref(), Some("How many steps."));
    assert_eq!(steps.maximum.map(|m| m.to_string()), Some("50".to_owned()));
    assert_eq!(
        param(&import, "count")
            .unwrap()
            .values
            .as_ref()
            .map(|v| v.len()),
        Some(2)
    );
}

#[test]
fn requests_state_what_no_property_holds() {
    let text = json!({
        "openapi": "3.0.0",
        "paths": {"/v1/images/generations": {"post": {"requestBody": {"$ref": "#/components/requestBodies/Paint"}}}},
        "components": {"requestBodies": {"Paint": {"content": {"application/json": {"schema": {
            "type": "object",
            "required": ["model", "prompt", "seed"],
            "properties": {
                "model": {"type": "string", "enum": ["acme/paint"]},
                "prompt": {"type": "string"}
            },
            "anyOf": [{"required": ["prompt"]}],
            "not": {"required": ["image"]}
        }}}}}}
    })
    .to_string();
    let document = Json::parse(&text).unwrap();
    let import = openapi::import(&openapi::OpenApiSource {
        document: &document,
        cited_as: "paint.json",
        submit_path: "/v1/images/generations",
    })
    .unwrap();
    // The body behind a `$ref` is read; its root `anyOf` beside its
    // properties is not a list of models.
    assert_eq!(import.models.len(), 1);
    assert!(
        reported(&import, "`seed` is required but has no property schema"),
        "{:#?}",
        import.findings
    );
    assert!(
        reported(&import, "alternatives over the request as a whole"),
        "{:#?}",
        import.findings
    );
    assert!(
        reported(&import, "the constraint `not:"),
        "{:#?}",
        import.findings
    );
}

#[test]
fn a_reimport_keeps_committed_facts_the_source_is_silent_on() {
    let source = || {
        import_with(
            json!({
                "num_images": {"type": "number", "minimum": 1, "maximum": 4, "default": 1},
                "guidance": {"type": "number", "description": "How closely."},
                "style": {"type": "string"}
            }),
            json!({}),
        )
    };
    let dir = tempfile::tempdir().unwrap();
    apply(&source(), dir.path(), &provider(), Coverage::Partial, false).unwrap();
    let path = dir.path().join("acme/paint.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    // A person knows from the page: a whole count, a range, the styles.
    let edited = text
        .replacen(
            "  - name: num_images\n    means: count\n    type: number",
            "  - name: num_images\n    means: count\n    type: integer",
            1,
        )
        .replacen(
            "  - name: guidance\n    type: number\n",
            "  - name: guidance\n    type: number\n    default: 3.5\n    minimum: 1\n    maximum: 10\n",
            1,
        )
        .replacen(
            "  - name: style\n    type: string\n",
            "  - name: style\n    type: string\n    enum: [photo, anime]\n",
            1,
        );
    assert_ne!(edited, text, "{text}");
    std::fs::write(&path, &edited).unwrap();

    let check = apply(&source(), dir.path(), &provider(), Coverage::Partial, true).unwrap();
    assert!(check.changes.is_empty(), "{:#?}", check.changes);
    apply(&source(), dir.path(), &provider(), Coverage::Partial, false).unwrap();
    let again = std::fs::read_to_string(&path).unwrap();
    assert_eq!(again, edited);
}

#[test]
fn an_import_that_stops_on_an_error_writes_nothing() {
    let text = json!({
        "openapi": "3.0.0",
        "paths": {"/v1/images/generations": {"post": {"requestBody": {"content": {
            "application/json": {"schema": {"type": "object", "required": ["model"], "properties": {
                "model": {"type": "string", "enum": ["acme/fine", "provider", "acme/fine"]}}}}}}}}}
    })
    .to_string();
    let document = Json::parse(&text).unwrap();
    let import = openapi::import(&openapi::OpenApiSource {
        document: &document,
        cited_as: "two.json",
        submit_path: "/v1/images/generations",
    })
    .unwrap();
    // One id listed twice is imported once.
    assert_eq!(import.models.len(), 2);
    assert!(
        reported(&import, "describes this model too"),
        "{:#?}",
        import.findings
    );
    let dir = tempfile::tempdir().unwrap();
    let error = apply(&import, dir.path(), &provider(), Coverage::Partial, false).unwrap_err();
    assert!(error.to_string().contains("provider.yaml"), "{error}");
    assert!(!dir.path().join("acme/fine.yaml").exists());
}

#[cfg(unix)]
#[test]
fn an_import_does_not_write_through_a_symbolic_link() {
    let import = import_with(json!({}), json!({}));
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let out = dir.path().join("specs");
    std::fs::create_dir_all(&out).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), out.join("acme")).unwrap();
    let error = apply(&import, &out, &provider(), Coverage::Partial, false).unwrap_err();
    assert!(error.to_string().contains("symbolic link"), "{error}");
    assert!(!elsewhere.path().join("paint.yaml").exists());
}

#[test]
fn a_step_grid_that_moves_with_its_minimum_is_breaking() {
    let range = |minimum: f64, maximum: f64| {
        import_with(
            json!({"guidance": {"type": "number", "minimum": minimum, "maximum": maximum, "step": 1}}),
            json!({}),
        )
    };
    let dir = tempfile::tempdir().unwrap();
    apply(
        &range(1.0, 10.0),
        dir.path(),
        &provider(),
        Coverage::Partial,
        false,
    )
    .unwrap();
    // Both bounds widen, but 1, 2 … become 0.5, 1.5 …: every value once
    // allowed is refused.
    let check = apply(
        &range(0.5, 10.5),
        dir.path(),
        &provider(),
        Coverage::Partial,
        true,
    )
    .unwrap();
    let breaking: Vec<_> = check.changes.iter().filter(|c| c.breaking).collect();
    assert_eq!(breaking.len(), 1, "{:#?}", check.changes);
    assert!(
        breaking[0].what.contains("now count from 0.5 instead of 1"),
        "{:#?}",
        check.changes
    );
    // A grid that keeps every old value is not breaking.
    let check = apply(
        &range(0.0, 10.0),
        dir.path(),
        &provider(),
        Coverage::Partial,
        true,
    )
    .unwrap();
    assert!(
        check.changes.iter().all(|c| !c.breaking),
        "{:#?}",
        check.changes
    );
}
