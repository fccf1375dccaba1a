//! Bad requests get the provider's 400 naming the parameter, the value and
//! what is allowed; missing or wrong keys its 401; unknown paths a 404 that
//! says what is served. Nothing is created for any of them.

mod common;

use imagegen_sim::SubmitOutcome;
use serde_json::json;

use common::{http, post, start};

#[tokio::test]
async fn a_bad_parameter_is_named_with_what_is_allowed() {
    let sim = start().await;
    let answer = post(
        &sim,
        "vibedream",
        "/api/v1/models/z-image-turbo/generate",
        &json!({"prompt": "a cat", "strength": 1.5}),
    )
    .await;
    assert_eq!(answer.status, 400);
    let body = answer.json();
    // No error body is documented for vibedream: OpenAI's error object.
    assert_eq!(
        body["error"]["message"],
        "`1.5` is above the maximum; `strength` allows a number from 0 to 1 in steps of 0.1"
    );
    assert_eq!(body["error"]["param"], "strength");
    assert_eq!(sim.prediction_count(), 0);
    let log = sim.log();
    assert!(matches!(
        &log.submissions[0].outcome,
        SubmitOutcome::Rejected { status: 400, message } if message.contains("strength")
    ));
    assert_eq!(log.submissions[0].prediction_id, None);
}

#[tokio::test]
async fn envelope_providers_answer_code_and_message() {
    let sim = start().await;
    let answer = post(
        &sim,
        "gptproto",
        "/api/v3/openai/gpt-image-1/text-to-image",
        &json!({"prompt": "a cat", "size": "1024*1024", "colour": "red"}),
    )
    .await;
    assert_eq!(answer.status, 400);
    let body = answer.json();
    assert_eq!(body["code"], 400);
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("`colour` is not a parameter"), "{message}");
    assert!(
        message.contains("`1024*1024` is not one of the allowed values; `size` allows one of 1024x1024, 1536x1024, 1024x1536"),
        "{message}"
    );

    let missing = post(
        &sim,
        "wavespeed",
        "/api/v3/openai/gpt-image-1",
        &json!({"prompt": "x"}),
    )
    .await;
    assert_eq!(missing.status, 400);
    assert_eq!(
        missing.json()["message"],
        "required parameter `image` is missing; `image` allows an http(s) URL of an image"
    );
}

#[tokio::test]
async fn wrong_types_fixed_values_and_non_json() {
    let sim = start().await;
    let wrong_type = post(
        &sim,
        "gptproto",
        "/api/v3/openai/gpt-image-1/text-to-image",
        &json!({"prompt": "a cat", "n": "2"}),
    )
    .await;
    assert_eq!(wrong_type.status, 400);
    assert_eq!(
        wrong_type.json()["message"],
        "`\"2\"` is not an integer; `n` allows an integer from 1 to 10"
    );

    let fixed = post(
        &sim,
        "aimlapi",
        "/v1/images/generations",
        &json!({"prompt": "a cat", "model": "dall-e-3"}),
    )
    .await;
    assert_eq!(fixed.status, 400);
    assert!(
        fixed.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("openai/gpt-image-1"),
        "{:?}",
        fixed.json()
    );

    let not_json = http()
        .post(format!(
            "{}/api/v3/openai/gpt-image-1",
            sim.base_url("wavespeed")
        ))
        .bearer_auth(sim.api_key())
        .body("prompt=a cat")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
    let body: serde_json::Value = serde_json::from_slice(&not_json.bytes().await.unwrap()).unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("the request body is not JSON")
    );

    let custom = post(
        &sim,
        "gptproto",
        "/api/v3/openai/gpt-image-2/text-to-image",
        &json!({"prompt": "a cat", "size": "1000x1000"}),
    )
    .await;
    assert_eq!(custom.status, 400);
    assert!(
        custom.json()["message"]
            .as_str()
            .unwrap()
            .contains("multiples of 16")
    );
    assert_eq!(sim.prediction_count(), 0);
}

#[tokio::test]
async fn missing_and_wrong_keys_are_401_in_each_shape() {
    let sim = start().await;
    let url = format!(
        "{}/api/v3/openai/gpt-image-2/text-to-image",
        sim.base_url("gptproto")
    );
    let missing = http()
        .post(&url)
        .body(r#"{"prompt":"x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 401);
    let body: serde_json::Value = serde_json::from_slice(&missing.bytes().await.unwrap()).unwrap();
    // gptproto documents 401: "API key is missing or invalid".
    assert_eq!(body["code"], 401);
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with("API key is missing or invalid"),
        "{message}"
    );
    assert!(message.contains("GPTPROTO_API_KEY"), "{message}");

    let wrong = http()
        .post(format!("{}/v1/images/generations", sim.base_url("aimlapi")))
        .bearer_auth("not-the-key")
        .body(r#"{"prompt":"x","model":"openai/gpt-image-1"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let body: serde_json::Value = serde_json::from_slice(&wrong.bytes().await.unwrap()).unwrap();
    assert_eq!(body["error"]["code"], "invalid_api_key");
    assert!(
        !body.to_string().contains("not-the-key"),
        "the key is not echoed"
    );

    let poll = http()
        .get(format!(
            "{}/api/v1/predictions/some-id",
            sim.base_url("vibedream")
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(poll.status(), 401);

    let log = sim.log();
    assert_eq!(log.submissions.len(), 2);
    assert!(log.submissions.iter().all(|s| matches!(
        s.outcome,
        SubmitOutcome::Rejected { status: 401, .. }
    ) && s.model.is_some()));
    assert_eq!(
        log.total_polls(),
        0,
        "an unauthenticated poll is not counted"
    );
    assert_eq!(sim.prediction_count(), 0);
}

#[tokio::test]
async fn unknown_paths_ids_and_methods() {
    let sim = start().await;
    let unknown_model = post(
        &sim,
        "vibedream",
        "/api/v1/models/dall-e-9/generate",
        &json!({}),
    )
    .await;
    assert_eq!(unknown_model.status, 404);
    let message = unknown_model.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains("/api/v1/models/z-image-turbo/generate"),
        "{message}"
    );

    let unknown_id = common::get_authed(
        &sim,
        &format!(
            "{}/api/v3/predictions/nope/result",
            sim.base_url("wavespeed")
        ),
    )
    .await;
    assert_eq!(unknown_id.status, 404);
    assert_eq!(unknown_id.json()["code"], 404);

    let unknown_provider = common::get(&format!("{}/openai/v1/models", sim.api_url())).await;
    assert_eq!(unknown_provider.status, 404);
    assert!(
        unknown_provider.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("/vibedream")
    );

    let wrong_method = common::get_authed(
        &sim,
        &format!("{}/v1/images/generations", sim.base_url("aimlapi")),
    )
    .await;
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.header("allow"), Some("POST"));
}
