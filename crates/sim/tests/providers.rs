//! Each provider's happy path against the shapes its documentation shows:
//! submit, poll, complete, download; sync mode, base64 and `n` where the
//! model has them. Images are decoded and must have the requested size and
//! format.

mod common;

use image::ImageFormat::{Jpeg, Png, WebP};
use imagegen_sim::SubmitOutcome;
use serde_json::{Value, json};

use common::{assert_image, decode_base64, get, get_authed, poll_until, post, start};

fn completed(body: &Value) -> bool {
    body["status"] == "completed"
}

fn completed_in_envelope(body: &Value) -> bool {
    body["data"]["status"] == "completed"
}

#[tokio::test]
async fn vibedream_submit_poll_download() {
    let sim = start().await;
    let answer = post(
        &sim,
        "vibedream",
        "/api/v1/models/z-image-turbo/generate",
        &json!({"prompt": "A beautiful sunset", "size": "1280*720", "output_format": "webp"}),
    )
    .await;
    assert_eq!(answer.status, 200);
    let submitted = answer.json();
    // The documented submit response: {id, status, statusUrl, estimatedTime, costCents, createdAt}.
    let id = submitted["id"].as_str().unwrap().to_owned();
    assert_eq!(submitted["status"], "processing");
    assert_eq!(submitted["estimatedTime"], "1-3s");
    assert_eq!(submitted["costCents"], 1);
    assert!(submitted["createdAt"].as_str().unwrap().ends_with('Z'));
    // `outputs` and `error` are the sync-mode answer's (the finished
    // prediction), absent from one returned at once, as the example shows.
    let keys: Vec<&str> = submitted
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "costCents",
            "createdAt",
            "estimatedTime",
            "id",
            "status",
            "statusUrl"
        ]
    );
    let status_url = submitted["statusUrl"].as_str().unwrap();
    assert_eq!(
        status_url,
        format!("{}/api/v1/predictions/{id}", sim.base_url("vibedream"))
    );

    let (result, polls) = poll_until(&sim, status_url, completed).await;
    assert!(polls >= 1);
    assert_eq!(result["id"], id.as_str());
    assert_eq!(result["modelId"], "z-image-turbo");
    assert_eq!(result["modelName"], "Z-Image Turbo");
    assert_eq!(result["error"], Value::Null);
    assert!(result["completedAt"].is_string());
    let outputs = result["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 1);
    let url = outputs[0].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/outputs/{id}/", sim.assets_url())),
        "{url}"
    );
    let download = get(url).await;
    assert_eq!(download.status, 200);
    assert_eq!(download.header("content-type"), Some("image/webp"));
    assert_image(&download.body, WebP, 1280, 720);

    let log = sim.log();
    assert_eq!(log.submissions_for("vibedream/z-image-turbo").len(), 1);
    assert_eq!(
        log.submissions[0].outcome,
        SubmitOutcome::Accepted { status: 200 }
    );
    assert_eq!(
        log.submissions[0].prediction_id.as_deref(),
        Some(id.as_str())
    );
    assert_eq!(log.polls(&id), polls);
    assert_eq!(log.downloads().len(), 1);
    assert!(log.credential_leaks().is_empty());
}

#[tokio::test]
async fn vibedream_while_processing_outputs_are_null() {
    let sim = common::start_with(
        imagegen_sim::SimConfig::new().complete_after(std::time::Duration::from_secs(60)),
    )
    .await;
    let submitted = post(
        &sim,
        "vibedream",
        "/api/v1/models/gpt-image-1/generate",
        &json!({"prompt": "slow"}),
    )
    .await
    .json();
    let result = get_authed(&sim, submitted["statusUrl"].as_str().unwrap())
        .await
        .json();
    assert_eq!(result["status"], "processing");
    assert_eq!(result["outputs"], Value::Null);
    assert_eq!(result["completedAt"], Value::Null);
    // Not downloadable before it is done.
    let id = submitted["id"].as_str().unwrap();
    let early = get(&format!("{}/outputs/{id}/0.png", sim.assets_url())).await;
    assert_eq!(early.status, 404);
}

#[tokio::test]
async fn vibedream_sync_mode_answers_with_the_outputs() {
    let sim = start().await;
    let answer = post(
        &sim,
        "vibedream",
        "/api/v1/models/gpt-image-1/generate",
        &json!({"prompt": "now", "size": "1024*1536", "enable_sync_mode": true}),
    )
    .await;
    let body = answer.json();
    assert_eq!(body["status"], "completed", "{body}");
    let url = body["outputs"][0].as_str().unwrap();
    assert_image(&get(url).await.body, Png, 1024, 1536);
    assert_eq!(sim.log().total_polls(), 0);
}

#[tokio::test]
async fn vibedream_base64_outputs() {
    let sim = start().await;
    let submitted = post(
        &sim,
        "vibedream",
        "/api/v1/models/gpt-image-1/generate",
        &json!({"prompt": "inline", "enable_base64_output": true}),
    )
    .await
    .json();
    let (result, _) = poll_until(&sim, submitted["statusUrl"].as_str().unwrap(), completed).await;
    let output = result["outputs"][0].as_str().unwrap();
    assert!(!output.starts_with("data:") && !output.starts_with("http"));
    assert_image(&decode_base64(output), Png, 1024, 1024);
}

#[tokio::test]
async fn wavespeed_envelope_submit_poll_download() {
    let sim = start().await;
    let answer = post(
        &sim,
        "wavespeed",
        "/api/v3/openai/gpt-image-1",
        &json!({"prompt": "Add a hat", "image": "https://example.com/cat.png", "size": "1536*1024"}),
    )
    .await;
    assert_eq!(answer.status, 200);
    let envelope = answer.json();
    assert_eq!(envelope["code"], 200);
    assert_eq!(envelope["message"], "success");
    let data = &envelope["data"];
    let id = data["id"].as_str().unwrap();
    assert_eq!(data["status"], "created");
    assert_eq!(data["model"], "openai/gpt-image-1");
    assert_eq!(data["outputs"], json!([]));
    assert_eq!(data["error"], "");
    // The documented table's `data.timings`, before anything has run.
    assert_eq!(data["timings"], json!({"inference": 0}));
    let get_url = data["urls"]["get"].as_str().unwrap();
    assert_eq!(
        get_url,
        format!(
            "{}/api/v3/predictions/{id}/result",
            sim.base_url("wavespeed")
        )
    );

    let (result, _) = poll_until(&sim, get_url, completed_in_envelope).await;
    assert_eq!(result["code"], 200);
    let data = &result["data"];
    assert_eq!(data["has_nsfw_contents"], json!([false]));
    assert!(data["timings"]["inference"].as_u64().is_some());
    let url = data["outputs"][0].as_str().unwrap();
    // 1536*1024 as asked; the model has no output_format parameter: PNG.
    assert_image(&get(url).await.body, Png, 1536, 1024);
}

#[tokio::test]
async fn wavespeed_sync_base64() {
    let sim = start().await;
    let envelope = post(
        &sim,
        "wavespeed",
        "/api/v3/openai/gpt-image-1",
        &json!({
            "prompt": "Add a hat",
            "image": "https://example.com/cat.png",
            "enable_sync_mode": true,
            "enable_base64_output": true
        }),
    )
    .await
    .json();
    assert_eq!(envelope["data"]["status"], "completed");
    let output = envelope["data"]["outputs"][0].as_str().unwrap();
    // size `auto` is 1024x1024.
    assert_image(&decode_base64(output), Png, 1024, 1024);
}

#[tokio::test]
async fn gptproto_n_outputs_of_a_custom_size() {
    let sim = start().await;
    let envelope = post(
        &sim,
        "gptproto",
        "/api/v3/openai/gpt-image-2/text-to-image",
        &json!({"prompt": "two foxes", "n": 2, "size": "1920x1088"}),
    )
    .await
    .json();
    let get_url = envelope["data"]["urls"]["get"].as_str().unwrap();
    assert!(get_url.starts_with(&sim.base_url("gptproto")));
    let (result, _) = poll_until(&sim, get_url, completed_in_envelope).await;
    let outputs = result["data"]["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 2);
    let first = get(outputs[0].as_str().unwrap()).await.body;
    let second = get(outputs[1].as_str().unwrap()).await.body;
    assert_image(&first, Png, 1920, 1088);
    assert_image(&second, Png, 1920, 1088);
    assert_ne!(first, second, "each output is its own image");
}

#[tokio::test]
async fn gptproto_sync_mode_still_needs_the_result_query() {
    // 001: "enable_sync_mode set to true ..., you must call the Query Result
    // endpoint to retrieve the final output" (`sync_mode_returns_outputs: false`).
    let sim = start().await;
    let envelope = post(
        &sim,
        "gptproto",
        "/api/v3/openai/gpt-image-1/text-to-image",
        &json!({"prompt": "sync", "enable_sync_mode": true, "response_format": "b64_json"}),
    )
    .await
    .json();
    // Answered at once, as a service not honouring sync mode: still running.
    let data = &envelope["data"];
    assert_ne!(data["status"], "completed", "{envelope}");
    assert!(
        data["outputs"].as_array().is_none_or(Vec::is_empty),
        "{envelope}"
    );
    let url = data["urls"]["get"].as_str().unwrap().to_owned();
    // Bounded: the emulator's predictions finish within seconds.
    for _ in 0..200 {
        let result = get_authed(&sim, &url).await.json();
        if result["data"]["status"] == "completed" {
            let output = result["data"]["outputs"][0].as_str().unwrap();
            assert_image(&decode_base64(output), Png, 1024, 1024);
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the prediction never completed");
}

#[tokio::test]
async fn aimlapi_answers_201_with_the_images() {
    let sim = start().await;
    let answer = post(
        &sim,
        "aimlapi",
        "/v1/images/generations",
        &json!({
            "model": "openai/gpt-image-1",
            "prompt": "A T-Rex relaxing on a beach",
            "size": "1536x1024",
            "n": 1,
            "output_format": "jpeg"
        }),
    )
    .await;
    assert_eq!(answer.status, 201);
    let body = answer.json();
    assert!(body["created"].as_u64().is_some());
    assert_eq!(body["size"], "1536x1024");
    assert_eq!(
        body["quality"], "medium",
        "the documented default is echoed"
    );
    assert_eq!(body["output_format"], "jpeg");
    let usage = &body["usage"];
    assert_eq!(
        usage["total_tokens"].as_u64().unwrap(),
        usage["input_tokens"].as_u64().unwrap() + usage["output_tokens"].as_u64().unwrap()
    );
    let data = body["data"].as_array().unwrap();
    assert_eq!(data.len(), 1);
    for item in data {
        let url = item["url"].as_str().unwrap();
        assert!(url.ends_with(".jpg"), "{url}");
        assert_image(&get(url).await.body, Jpeg, 1536, 1024);
    }
    let log = sim.log();
    assert_eq!(
        log.submissions[0].outcome,
        SubmitOutcome::Accepted { status: 201 }
    );
}

#[tokio::test]
async fn aimlapi_b64_json() {
    let sim = start().await;
    let body = post(
        &sim,
        "aimlapi",
        "/v1/images/generations",
        &json!({"model": "openai/gpt-image-1", "prompt": "inline", "response_format": "b64_json"}),
    )
    .await
    .json();
    let item = &body["data"][0];
    assert!(item.get("url").is_none());
    assert_image(
        &decode_base64(item["b64_json"].as_str().unwrap()),
        Png,
        1024,
        1024,
    );
}

#[tokio::test]
async fn the_same_request_draws_the_same_image() {
    let sim = start().await;
    let body =
        json!({"model": "openai/gpt-image-1", "prompt": "same", "response_format": "b64_json"});
    let first = post(&sim, "aimlapi", "/v1/images/generations", &body)
        .await
        .json();
    let second = post(&sim, "aimlapi", "/v1/images/generations", &body)
        .await
        .json();
    assert_eq!(first["data"][0]["b64_json"], second["data"][0]["b64_json"]);
}
