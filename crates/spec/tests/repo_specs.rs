//! The specs in this repository load, and say what the seed documents' tables say.

use std::path::Path;

use imagegen_spec::decimal::Decimal;
use imagegen_spec::ir::{
    ErrorKind, ImageFormat, Model, Outcome, Param, ParamKind, Protocol, Provider, SpecSet, Value,
};

fn repo_specs() -> SpecSet {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    match imagegen_spec::load(&specs) {
        Ok(set) => set,
        Err(diagnostics) => panic!("the repository's specs do not load:\n{diagnostics}"),
    }
}

fn provider<'a>(set: &'a SpecSet, name: &str) -> &'a Provider {
    set.providers.iter().find(|p| p.name == name).unwrap()
}

fn model<'a>(set: &'a SpecSet, provider_name: &str, id: &str) -> &'a Model {
    provider(set, provider_name)
        .models
        .iter()
        .find(|m| m.id == id)
        .unwrap()
}

/// The wire values of a provider's terminal statuses, in documented order.
fn terminal_statuses(provider: &Provider) -> Vec<&str> {
    provider
        .statuses
        .iter()
        .filter(|s| s.outcome.is_some())
        .map(|s| s.value.as_str())
        .collect()
}

fn param<'a>(model: &'a Model, name: &str) -> &'a Param {
    model
        .parameter(name)
        .unwrap_or_else(|| panic!("{} has no `{name}`", model.id))
}

fn wires(param: &Param) -> Vec<&str> {
    match &param.kind {
        ParamKind::Choice { values, .. } => values.iter().map(|c| c.wire.as_str()).collect(),
        ParamKind::ImageSize { presets, .. } => presets.iter().map(|p| p.wire.as_str()).collect(),
        other => panic!("`{}` is not enumerated: {other:?}", param.name),
    }
}

fn d(text: &str) -> Decimal {
    Decimal::parse(text).unwrap()
}

#[test]
fn every_seed_model_has_a_spec_naming_its_seed() {
    let set = repo_specs();
    // Each seed model's spec names its page, and in its notes the copy of
    // that page it was read from (aimlapi's is imported from its OpenAPI
    // document; 003 is an earlier copy of its page).
    let expected = [
        ("aimlapi", "openai/gpt-image-1", "003_b8db990b433541b2.txt"),
        (
            "gptproto",
            "openai/gpt-image-1/text-to-image",
            "001_fab5b5b0c3afa553.txt",
        ),
        (
            "gptproto",
            "openai/gpt-image-2/text-to-image",
            "001_fab5b5b0c3afa553.txt",
        ),
        ("vibedream", "gpt-image-1", "000_bd5c8e6b0e6b695d.txt"),
        ("vibedream", "z-image-turbo", "004_3dd371909f215d2b.txt"),
        (
            "wavespeed",
            "openai/gpt-image-1",
            "002_d06dddc7f92833bf.txt",
        ),
    ];
    for (provider, id, seed) in expected {
        let model = set
            .providers
            .iter()
            .find(|p| p.name == provider)
            .and_then(|p| p.models.iter().find(|m| m.id == id))
            .unwrap_or_else(|| panic!("{provider}/{id} has no spec"));
        assert!(
            model.source.starts_with("https://"),
            "{provider}/{id}: its source is its page: {}",
            model.source
        );
        assert!(
            model
                .notes
                .iter()
                .any(|n| n.contains(&format!("tests/seeds/{seed}"))),
            "{provider}/{id}: its notes name the copy it was read from, tests/seeds/{seed}"
        );
    }
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/seeds");
    for (_, _, seed) in expected {
        assert!(seeds.join(seed).is_file(), "{seed} is not a seed document");
    }
}

#[test]
fn z_image_turbo_matches_004() {
    let set = repo_specs();
    let model = model(&set, "vibedream", "z-image-turbo");
    assert_eq!(
        model.estimated_time.as_ref().map(|t| t.text.as_str()),
        Some("1-3s")
    );
    assert_eq!(model.cost_cents, Some(1));
    let names: Vec<&str> = model.parameters.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "prompt",
            "image",
            "size",
            "strength",
            "seed",
            "output_format"
        ]
    );

    assert!(param(model, "prompt").required);
    let image = param(model, "image");
    assert_eq!(
        image.kind,
        ParamKind::ImageUrl {
            formats: vec![
                ImageFormat::Jpeg,
                ImageFormat::Png,
                ImageFormat::Gif,
                ImageFormat::Webp
            ],
            data_uri: false,
            mask_for: None,
        }
    );
    let size = param(model, "size");
    assert_eq!(
        wires(size),
        [
            "512*512",
            "768*768",
            "1024*1024",
            "1024*768",
            "768*1024",
            "1280*720",
            "720*1280"
        ]
    );
    assert_eq!(size.default, Some(Value::Text("1024*1024".into())));
    let strength = param(model, "strength");
    assert_eq!(
        strength.kind,
        ParamKind::Number {
            minimum: Some(d("0")),
            maximum: Some(d("1")),
            step: Some(d("0.1"))
        }
    );
    assert_eq!(strength.default, Some(Value::Number(d("0.6"))));
    let seed = param(model, "seed");
    assert_eq!(
        seed.kind,
        ParamKind::Integer {
            minimum: Some(-1),
            maximum: Some(2_147_483_647),
            step: None
        }
    );
    assert_eq!(seed.default, Some(Value::Integer(-1)));
    assert_eq!(seed.sentinels[0].value, Value::Integer(-1));
    assert_eq!(
        seed.doc_type.as_deref(),
        Some("number"),
        "the table's own type is kept"
    );
    let format = param(model, "output_format");
    assert_eq!(wires(format), ["jpeg", "png", "webp"]);
    assert_eq!(format.default, Some(Value::Text("jpeg".into())));
}

#[test]
fn vibedream_gpt_image_1_matches_000_with_no_invented_defaults() {
    let set = repo_specs();
    let model = model(&set, "vibedream", "gpt-image-1");
    assert_eq!(
        wires(param(model, "size")),
        ["1024*1024", "1024*1536", "1536*1024"]
    );
    assert_eq!(wires(param(model, "quality")), ["low", "medium", "high"]);
    assert!(
        model.parameters.iter().all(|p| p.default.is_none()),
        "000 gives no default for any parameter"
    );
    assert_eq!(model.sync_mode.as_deref(), Some("enable_sync_mode"));
    assert_eq!(
        model.base64_output,
        Some(("enable_base64_output".into(), Value::Bool(true)))
    );
    assert_eq!(
        model.estimated_time.as_ref().map(|t| (t.min_ms, t.max_ms)),
        Some((5000, 15_000))
    );
}

#[test]
fn wavespeed_gpt_image_1_matches_002() {
    let set = repo_specs();
    let model = model(&set, "wavespeed", "openai/gpt-image-1");
    assert!(
        param(model, "prompt").required && param(model, "image").required,
        "an edit needs both"
    );
    assert_eq!(
        param(model, "mask_image").kind,
        ParamKind::ImageUrl {
            formats: vec![ImageFormat::Png],
            data_uri: false,
            mask_for: Some("image".to_owned()),
        }
    );
    assert_eq!(wires(param(model, "quality")), ["high", "medium", "low"]);
    assert_eq!(
        param(model, "quality").default,
        Some(Value::Text("medium".into()))
    );
    assert_eq!(
        wires(param(model, "size")),
        ["auto", "1024*1024", "1024*1536", "1536*1024"]
    );
    assert_eq!(
        param(model, "size").default,
        Some(Value::Text("auto".into()))
    );
    for flag in ["enable_sync_mode", "enable_base64_output"] {
        assert_eq!(param(model, flag).default, Some(Value::Bool(false)));
    }
    assert_eq!(model.submit_path, "/api/v3/openai/gpt-image-1");
    assert!(
        model.examples[0].partial,
        "002's example leaves out prompt and image"
    );
}

#[test]
fn aimlapi_gpt_image_1_matches_003() {
    let set = repo_specs();
    let model = model(&set, "aimlapi", "openai/gpt-image-1");
    let names: Vec<&str> = model.parameters.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "model",
            "prompt",
            "background",
            "moderation",
            "n",
            "output_compression",
            "output_format",
            "quality",
            "size",
            "response_format"
        ]
    );
    assert_eq!(
        param(model, "model").fixed,
        Some(Value::Text("openai/gpt-image-1".into()))
    );
    assert_eq!(
        param(model, "prompt").kind,
        ParamKind::Text {
            min_length: None,
            max_length: Some(32_000)
        }
    );
    // 003 gave `n` 1 to 10; aimlapi's current OpenAPI document, which the
    // spec is imported from, allows 1 only, sent as a number.
    assert_eq!(
        param(model, "n").kind,
        ParamKind::Choice {
            values: vec![imagegen_spec::ir::Choice {
                wire: "1".into(),
                variant: "V1".into()
            }],
            wire: imagegen_spec::ir::ChoiceWire::Number
        }
    );
    assert_eq!(
        param(model, "output_compression").default,
        Some(Value::Integer(100))
    );
    assert_eq!(
        wires(param(model, "size")),
        ["1024x1024", "1024x1536", "1536x1024"]
    );
    let defaults: Vec<Option<String>> = [
        "background",
        "moderation",
        "output_format",
        "quality",
        "size",
        "response_format",
    ]
    .iter()
    .map(|name| param(model, name).default_text())
    .collect();
    let expected =
        ["auto", "auto", "png", "medium", "1024x1024", "url"].map(|s| Some(s.to_owned()));
    assert_eq!(defaults, expected);
    assert_eq!(
        model.base64_output,
        Some(("response_format".into(), Value::Text("b64_json".into())))
    );
    assert_eq!(model.sync_mode, None);
}

#[test]
fn gptproto_models_match_001() {
    let set = repo_specs();
    let one = model(&set, "gptproto", "openai/gpt-image-1/text-to-image");
    let two = model(&set, "gptproto", "openai/gpt-image-2/text-to-image");
    for model in [one, two] {
        assert_eq!(
            param(model, "prompt").kind,
            ParamKind::Text {
                min_length: Some(1),
                max_length: Some(32_000)
            }
        );
        assert_eq!(param(model, "n").default, Some(Value::Integer(1)));
        assert_eq!(
            wires(param(model, "quality")),
            ["auto", "high", "medium", "low"]
        );
        assert_eq!(wires(param(model, "response_format")), ["url", "b64_json"]);
        assert_eq!(
            param(model, "enable_sync_mode").default,
            Some(Value::Bool(false))
        );
    }
    assert_eq!(
        wires(param(one, "size")),
        ["1024x1024", "1536x1024", "1024x1536"]
    );
    let ParamKind::ImageSize { custom: None, .. } = &param(one, "size").kind else {
        panic!("gpt-image-1 takes no custom sizes");
    };
    assert_eq!(
        wires(param(two, "size")),
        [
            "1024x1024",
            "1536x1024",
            "1024x1536",
            "2048x2048",
            "2048x1152",
            "3840x2160",
            "2160x3840"
        ]
    );
    let ParamKind::ImageSize {
        custom: Some(rules),
        ..
    } = &param(two, "size").kind
    else {
        panic!("gpt-image-2 takes custom sizes");
    };
    assert_eq!(
        (
            rules.multiple_of,
            rules.max_edge,
            rules.max_aspect_ratio,
            rules.min_pixels,
            rules.max_pixels
        ),
        (
            Some(16),
            Some(3840),
            Some((3, 1)),
            Some(655_360),
            Some(8_294_400)
        )
    );
}

#[test]
fn providers_match_their_seeds() {
    let set = repo_specs();
    let vibedream = provider(&set, "vibedream");
    assert_eq!(vibedream.protocol, Protocol::FlatPredictionQueue);
    assert_eq!(vibedream.submit.path, "/api/v1/models/{model}/generate");
    assert_eq!(
        vibedream.result.as_ref().unwrap().path,
        "/api/v1/predictions/{id}"
    );
    let statuses: Vec<(&str, Option<Outcome>)> = vibedream
        .statuses
        .iter()
        .map(|s| (s.value.as_str(), s.outcome))
        .collect();
    assert_eq!(
        statuses,
        [
            ("processing", None),
            ("completed", Some(Outcome::Success)),
            ("failed", Some(Outcome::Failure))
        ]
    );
    let fields: Vec<&str> = vibedream
        .object_type("Prediction")
        .unwrap()
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "id",
            "modelId",
            "modelName",
            "status",
            "outputs",
            "error",
            "createdAt",
            "completedAt"
        ]
    );

    let wavespeed = provider(&set, "wavespeed");
    assert_eq!(wavespeed.protocol, Protocol::EnvelopePredictionQueue);
    let terminal = terminal_statuses(wavespeed);
    assert_eq!(
        terminal,
        ["completed", "failed", "cancelled", "timeout", "deleted"]
    );
    assert_eq!(
        wavespeed.result_response.as_deref(),
        Some("PredictionResponse"),
        "submit and poll share the envelope"
    );

    let aimlapi = provider(&set, "aimlapi");
    assert_eq!(aimlapi.protocol, Protocol::OpenaiSync);
    assert_eq!(aimlapi.submit.success_status, Some(201));
    assert!(aimlapi.result.is_none() && aimlapi.statuses.is_empty());

    let gptproto = provider(&set, "gptproto");
    let errors: Vec<(u16, u16, ErrorKind)> = gptproto
        .errors
        .iter()
        .map(|e| (e.code, e.http_status, e.kind))
        .collect();
    assert_eq!(
        errors,
        [
            (401, 401, ErrorKind::Unauthorized),
            (403, 403, ErrorKind::Forbidden),
            (429, 429, ErrorKind::RateLimited),
            (500, 500, ErrorKind::ServerError),
            (503, 400, ErrorKind::ContentPolicy),
        ]
    );
    assert_eq!(gptproto.base_url, "https://gptproto.com");
    assert!(
        !gptproto.sync_mode_returns_outputs,
        "001: with sync mode the result must still be queried by id"
    );
    assert!(wavespeed.sync_mode_returns_outputs && vibedream.sync_mode_returns_outputs);
    let gptproto_terminal = terminal_statuses(gptproto);
    assert_eq!(
        gptproto_terminal, terminal,
        "the same envelope as WaveSpeed's"
    );
    for provider in &set.providers {
        assert_eq!(provider.auth.header, "Authorization");
        assert_eq!(provider.auth.scheme.as_deref(), Some("Bearer"));
        assert_eq!(
            provider.auth.env_var,
            format!("{}_API_KEY", provider.name.to_uppercase())
        );
        assert_eq!(
            provider.base_url_env_var,
            format!("{}_BASE_URL", provider.name.to_uppercase())
        );
    }
}
