//! The generated request types produce the seed documents' own example bodies,
//! byte for byte where the documents show the text (`0.6`, `1024*1024`).

use imagegen_aimlapi::openai_gpt_image_1 as aimlapi_gpt_image_1;
use imagegen_gptproto::openai_gpt_image_2_text_to_image as gptproto_gpt_image_2;
use imagegen_tests::{documented, has, json_objects, seed, workspace_root};
use imagegen_vibedream::{gpt_image_1, z_image_turbo};
use imagegen_wavespeed::openai_gpt_image_1 as wavespeed_gpt_image_1;
use serde_json::{Value, json};

fn to_json<T: serde::Serialize>(request: &T) -> Value {
    serde_json::to_value(request).expect("requests serialise")
}

#[test]
fn z_image_turbo_builds_the_004_example() {
    let example = documented("004_3dd371909f215d2b.txt", "request body", |v| {
        v.get("strength").is_some()
    });
    let request =
        z_image_turbo::Request::new("A beautiful sunset over mountains with golden light")
            .image(z_image_turbo::image!("https://example.com/your-image.jpg"))
            .size(z_image_turbo::Size::S1024x1024)
            .strength(z_image_turbo::strength!(0.6))
            .seed(z_image_turbo::Seed::RANDOM)
            .output_format(z_image_turbo::OutputFormat::Jpeg);
    assert_eq!(to_json(&request), example);

    // The text on the wire is the documented one, not 0.6000000000000001.
    let text = serde_json::to_string(&request).unwrap();
    assert!(text.contains(r#""strength":0.6,"#), "{text}");
    assert!(text.contains(r#""size":"1024*1024""#), "{text}");
    assert!(text.contains(r#""seed":-1"#), "{text}");
}

#[test]
fn every_z_image_turbo_strength_is_sent_as_its_decimal() {
    for (tenths, expected) in (0..=10).zip([
        "0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0",
    ]) {
        let strength = z_image_turbo::Strength::try_new(f64::from(tenths) / 10.0).unwrap();
        let request = z_image_turbo::Request::new("x").strength(strength);
        let text = serde_json::to_string(&request).unwrap();
        assert_eq!(text, format!(r#"{{"prompt":"x","strength":{expected}}}"#));
        assert_eq!(strength.to_string(), expected.trim_end_matches(".0"));
    }
}

#[test]
fn gpt_image_1_builds_the_000_example() {
    let example = documented("000_bd5c8e6b0e6b695d.txt", "request body", |v| {
        v.get("quality").is_some()
    });
    let request = gpt_image_1::Request::new("A beautiful sunset over mountains with golden light")
        .size(gpt_image_1::Size::S1024x1024)
        .quality(gpt_image_1::Quality::Low)
        .enable_sync_mode(false)
        .enable_base64_output(false);
    assert_eq!(to_json(&request), example);
}

#[test]
fn aimlapi_builds_the_003_quick_example_with_its_1536x1024_size() {
    let example = documented("003_b8db990b433541b2.txt", "quick example body", |v| {
        has(v, "size", "1536x1024") && v.get("prompt").is_some()
    });
    let request = aimlapi_gpt_image_1::Request::new(aimlapi_gpt_image_1::prompt!(
        "A T-Rex relaxing on a beach, lying on a sun lounger and wearing sunglasses. Realistic photo."
    ))
    .size(aimlapi_gpt_image_1::Size::S1536x1024);
    assert_eq!(to_json(&request), example);
    assert_eq!(
        example["model"], "openai/gpt-image-1",
        "the model is sent without being set"
    );
}

#[test]
fn aimlapi_builds_the_003_http_example_with_every_default() {
    use aimlapi_gpt_image_1::{
        Background, Moderation, N, OutputCompression, OutputFormat, Quality, Request,
        ResponseFormat, Size,
    };
    let example = documented("003_b8db990b433541b2.txt", "HTTP example body", |v| {
        has(v, "prompt", "text")
    });
    let request = Request::new("text".parse().unwrap())
        .background(Background::DEFAULT)
        .moderation(Moderation::DEFAULT)
        .n(N::DEFAULT)
        .output_compression(OutputCompression::DEFAULT)
        .output_format(OutputFormat::DEFAULT)
        .quality(Quality::DEFAULT)
        .size(Size::DEFAULT)
        .response_format(ResponseFormat::DEFAULT);
    assert_eq!(to_json(&request), example);
    // The documented order, too: model first, as in the HTTP example.
    let text = serde_json::to_string(&request).unwrap();
    assert!(
        text.starts_with(r#"{"model":"openai/gpt-image-1","prompt":"text","background":"auto""#),
        "{text}"
    );
}

#[test]
fn wavespeed_adds_the_required_prompt_and_image_to_the_002_example() {
    // 002's example leaves out `prompt` and `image`, which its own table requires.
    let example = documented("002_d06dddc7f92833bf.txt", "request body", |v| {
        has(v, "size", "auto")
    });
    let request = wavespeed_gpt_image_1::Request::new(
        "Make the sky purple",
        wavespeed_gpt_image_1::image!("https://example.com/photo.png"),
    )
    .quality(wavespeed_gpt_image_1::Quality::Medium)
    .size(wavespeed_gpt_image_1::Size::Auto)
    .enable_sync_mode(false)
    .enable_base64_output(false);
    let mut sent = to_json(&request);
    let object = sent.as_object_mut().unwrap();
    assert_eq!(object.remove("prompt"), Some(json!("Make the sky purple")));
    assert_eq!(
        object.remove("image"),
        Some(json!("https://example.com/photo.png"))
    );
    assert_eq!(sent, example);

    // Read back as a request, the documented body alone is rejected for what it lacks.
    let error = serde_json::from_value::<wavespeed_gpt_image_1::Request>(example).unwrap_err();
    assert!(
        error.to_string().contains("missing field `prompt`"),
        "{error}"
    );
}

#[test]
fn gptproto_gpt_image_2_sends_presets_and_custom_sizes_as_documented() {
    // 001 has no example body; its table documents these parameters.
    use gptproto_gpt_image_2::{CustomSize, N, Quality, Request, ResponseFormat, Size};
    let request = Request::new(gptproto_gpt_image_2::prompt!("A lighthouse at dawn"))
        .n(N::try_new(2).unwrap())
        .size(Size::S2048x1152)
        .quality(Quality::High)
        .enable_sync_mode(true)
        .response_format(ResponseFormat::B64Json);
    assert_eq!(
        to_json(&request),
        json!({
            "prompt": "A lighthouse at dawn",
            "n": 2,
            "size": "2048x1152",
            "quality": "high",
            "enable_sync_mode": true,
            "response_format": "b64_json",
        })
    );
    let custom = request.size(Size::Custom(CustomSize::try_new(1280, 720).unwrap()));
    assert_eq!(to_json(&custom)["size"], "1280x720");
}

#[test]
fn documented_bodies_read_back_into_requests_and_serialise_unchanged() {
    let cases = [
        (
            documented("004_3dd371909f215d2b.txt", "request body", |v| {
                v.get("strength").is_some()
            }),
            "z-image-turbo",
        ),
        (
            documented("000_bd5c8e6b0e6b695d.txt", "request body", |v| {
                v.get("quality").is_some()
            }),
            "gpt-image-1",
        ),
        (
            documented("003_b8db990b433541b2.txt", "HTTP example body", |v| {
                has(v, "prompt", "text")
            }),
            "aimlapi",
        ),
    ];
    for (body, which) in cases {
        let again = match which {
            "z-image-turbo" => {
                to_json(&serde_json::from_value::<z_image_turbo::Request>(body.clone()).unwrap())
            }
            "gpt-image-1" => {
                to_json(&serde_json::from_value::<gpt_image_1::Request>(body.clone()).unwrap())
            }
            _ => to_json(
                &serde_json::from_value::<aimlapi_gpt_image_1::Request>(body.clone()).unwrap(),
            ),
        };
        assert_eq!(again, body, "{which}");
    }
}

#[test]
fn reading_a_body_checks_every_value() {
    let cases = [
        (
            json!({"prompt": "x", "strength": 0.65}),
            "invalid `strength`: `0.65` is not a whole number of steps",
        ),
        (
            json!({"prompt": "x", "seed": -2}),
            "invalid `seed`: `-2` is below the minimum",
        ),
        (
            json!({"prompt": "x", "size": "1024x1024"}),
            "did you mean `1024*1024`?",
        ),
        (
            json!({"prompt": "x", "image": "ftp://example.com/a.png"}),
            "invalid `image`: `ftp://example.com/a.png` is not well-formed",
        ),
        (json!({"prompt": "x", "steps": 4}), "unknown field `steps`"),
    ];
    for (body, expected) in cases {
        let error = serde_json::from_value::<z_image_turbo::Request>(body.clone()).unwrap_err();
        assert!(error.to_string().contains(expected), "{body}: {error}");
    }
    let wrong_model = json!({"model": "dall-e-3", "prompt": "x"});
    let error = serde_json::from_value::<aimlapi_gpt_image_1::Request>(wrong_model).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`dall-e-3` is not this model; allowed: openai/gpt-image-1"),
        "{error}"
    );
}

#[test]
fn the_seed_scanner_finds_each_documented_object_once() {
    // 000 repeats its request body three times and its completed response twice.
    let objects = json_objects(&seed("000_bd5c8e6b0e6b695d.txt"));
    let requests = objects
        .iter()
        .filter(|v| v.get("quality").is_some())
        .count();
    let completed = objects
        .iter()
        .filter(|v| has(v, "status", "completed"))
        .count();
    assert_eq!((requests, completed), (1, 1));
    assert_eq!(
        objects.len(),
        4,
        "request, submit, completed and failed responses"
    );
}

#[test]
fn seed_copies_match_shared() {
    let shared = workspace_root().join("../shared/seeds");
    if !shared.is_dir() {
        eprintln!(
            "skipped: {} is not present here; the copies in tests/seeds are used",
            shared.display()
        );
        return;
    }
    let names = |dir: &std::path::Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.ends_with(".txt"))
            .collect();
        names.sort();
        names
    };
    let copies = workspace_root().join("tests/seeds");
    assert_eq!(
        names(&copies),
        names(&shared),
        "tests/seeds holds exactly the documents of ../shared/seeds"
    );
    for name in names(&shared) {
        let original = std::fs::read_to_string(shared.join(&name)).unwrap();
        assert_eq!(
            seed(&name),
            original,
            "tests/seeds/{name} differs from ../shared/seeds/{name}"
        );
    }
}

#[test]
fn requests_read_from_json_refuse_repeats_and_say_where() {
    let repeated = r#"{"prompt": "x", "seed": 5, "seed": 1}"#;
    let error = serde_json::from_str::<z_image_turbo::Request>(repeated).unwrap_err();
    assert!(
        error.to_string().contains("duplicate field `seed`"),
        "{error}"
    );
    assert!(error.line() == 1 && error.column() > 0, "{error}");

    let typed = r#"{"prompt": "x", "seed": "one", "zzz": 1}"#;
    let error = serde_json::from_str::<z_image_turbo::Request>(typed).unwrap_err();
    assert!(
        error.to_string().contains("invalid type for `seed`"),
        "the first problem in the document: {error}"
    );

    let invalid = r#"{"prompt": "x", "seed": -5}"#;
    let error = serde_json::from_str::<z_image_turbo::Request>(invalid).unwrap_err();
    assert!(
        error.to_string().contains("`-5` is below the minimum"),
        "{error}"
    );
    assert!(error.column() > 0, "{error}");

    let null_model = r#"{"model": null, "prompt": "x"}"#;
    let error = serde_json::from_str::<aimlapi_gpt_image_1::Request>(null_model).unwrap_err();
    assert!(error.to_string().contains("is not this model"), "{error}");
}
