//! The seed documents' example responses parse into the generated response
//! types, and the runtime reads the fields it needs from them; responses are
//! lenient to fields and statuses the documents do not list.

use imagegen_aimlapi::ImagesResponse;
use imagegen_runtime::{OutputRef, ResponseFields};
use imagegen_tests::{documented, has};
use imagegen_vibedream::{Prediction, Status, SubmitResponse};
use serde_json::json;

const ID: &str = "550e8400-e29b-41d4-a716-446655440000";

#[test]
fn vibedream_submit_responses_from_000_and_004() {
    for (seed, estimate, cents) in [
        ("000_bd5c8e6b0e6b695d.txt", "5-15s", 7),
        ("004_3dd371909f215d2b.txt", "1-3s", 1),
    ] {
        let body = documented(seed, "submit response", |v| v.get("statusUrl").is_some());
        let response: SubmitResponse = serde_json::from_value(body).unwrap();
        assert_eq!(response.prediction_id(), Some(ID));
        assert_eq!(response.status, Status::Processing);
        assert_eq!(
            response.status_url(),
            Some(
                "https://api.vibedream.ai/api/v1/predictions/550e8400-e29b-41d4-a716-446655440000"
            )
        );
        assert_eq!(response.estimated_time(), Some(estimate));
        assert_eq!(response.cost_cents(), Some(cents));
        assert_eq!(
            response.created_at.as_deref(),
            Some("2025-01-15T12:00:00.000Z")
        );
    }
}

#[test]
fn vibedream_completed_and_failed_predictions_from_000_and_004() {
    for (seed, model) in [
        ("000_bd5c8e6b0e6b695d.txt", "gpt-image-1"),
        ("004_3dd371909f215d2b.txt", "z-image-turbo"),
    ] {
        let completed = documented(seed, "completed response", |v| {
            has(v, "status", "completed")
        });
        let prediction: Prediction = serde_json::from_value(completed).unwrap();
        assert_eq!(prediction.model_id.as_deref(), Some(model));
        assert_eq!(prediction.status, Status::Completed);
        assert!(prediction.status.is_terminal());
        assert_eq!(
            prediction.outputs(),
            vec![OutputRef::Url(
                "https://assets.vibedream.ai/outputs/550e8400-e29b-41d4-a716-446655440000/1736942400000-0.png"
            )]
        );
        assert_eq!(prediction.error_message(), None);
        assert_eq!(
            prediction.completed_at.as_deref(),
            Some("2025-01-15T12:00:30.000Z")
        );

        let failed = documented(seed, "failed response", |v| has(v, "status", "failed"));
        let prediction: Prediction = serde_json::from_value(failed).unwrap();
        assert_eq!(
            prediction.status.outcome(),
            Some(imagegen_runtime::info::Outcome::Failed)
        );
        assert_eq!(prediction.outputs(), vec![]);
        let message = prediction.error_message().unwrap();
        assert!(
            imagegen_vibedream::PROVIDER
                .content_policy_messages
                .iter()
                .any(|m| message.contains(m)),
            "the documented moderation message is recognised: {message}"
        );
    }
}

#[test]
fn aimlapi_response_from_003() {
    let body = documented("003_b8db990b433541b2.txt", "response", |v| {
        v.get("created").is_some()
    });
    let response: ImagesResponse = serde_json::from_value(body).unwrap();
    assert_eq!(
        response.outputs(),
        vec![OutputRef::Url(
            "https://cdn.aimlapi.com/generations/hedgehog/1749730923700-29fe35d2-4aef-4bc5-a911-6c39884d16a8.png"
        )]
    );
    assert_eq!(response.created, Some(1_749_730_922));
    assert_eq!(response.size.as_deref(), Some("1536x1024"));
    assert_eq!(
        response.prediction_id(),
        None,
        "a synchronous call has no prediction"
    );
    let usage = response.usage.unwrap();
    assert_eq!(
        (usage.input_tokens, usage.output_tokens, usage.total_tokens),
        (Some(29), Some(1568), Some(1597))
    );
    assert_eq!(usage.input_tokens_details.unwrap().text_tokens, Some(29));
}

#[test]
fn aimlapi_base64_outputs_and_meta_usage() {
    let response: ImagesResponse = serde_json::from_value(json!({
        "created": 1,
        "data": [{"b64_json": "iVBORw0KGgo="}, {"url": "https://cdn.aimlapi.com/x.png"}],
        "meta": {"usage": {"tokens_used": 42}}
    }))
    .unwrap();
    assert_eq!(
        response.outputs(),
        vec![
            OutputRef::Base64("iVBORw0KGgo="),
            OutputRef::Url("https://cdn.aimlapi.com/x.png")
        ]
    );
    assert_eq!(
        response.meta.unwrap().usage,
        Some(json!({"tokens_used": 42}))
    );
}

#[test]
fn envelope_responses_read_through_data() {
    // 002 documents the envelope's fields but gives no example; this one uses them all.
    let body = json!({
        "code": 200,
        "message": "success",
        "data": {
            "id": "task-1",
            "model": "openai/gpt-image-1",
            "outputs": ["https://d1q70pf5vjeyhc.cloudfront.net/predictions/task-1/1.png"],
            "urls": {"get": "https://api.wavespeed.ai/api/v3/predictions/task-1/result"},
            "has_nsfw_contents": [false],
            "status": "completed",
            "created_at": "2023-04-01T12:34:56.789Z",
            "error": "",
            "timings": {"inference": 3120}
        }
    });
    for response in [
        serde_json::from_value::<imagegen_wavespeed::PredictionResponse>(body.clone()).map(|r| {
            (
                r.prediction_id().map(str::to_owned),
                r.status().map(str::to_owned),
                r.status_url().map(str::to_owned),
                r.envelope_code(),
                r.outputs().len(),
            )
        }),
        serde_json::from_value::<imagegen_gptproto::PredictionResponse>(body.clone()).map(|r| {
            (
                r.prediction_id().map(str::to_owned),
                r.status().map(str::to_owned),
                r.status_url().map(str::to_owned),
                r.envelope_code(),
                r.outputs().len(),
            )
        }),
    ] {
        let (id, status, url, code, outputs) = response.unwrap();
        assert_eq!(id.as_deref(), Some("task-1"));
        assert_eq!(status.as_deref(), Some("completed"));
        assert_eq!(
            url.as_deref(),
            Some("https://api.wavespeed.ai/api/v3/predictions/task-1/result")
        );
        assert_eq!(code, Some(200));
        assert_eq!(outputs, 1);
    }
    let wavespeed: imagegen_wavespeed::PredictionResponse = serde_json::from_value(body).unwrap();
    let data = wavespeed.data.unwrap();
    assert_eq!(data.timings.unwrap().inference, Some(3120));
    assert_eq!(data.has_nsfw_contents, Some(vec![false]));
}

#[test]
fn base64_outputs_in_an_envelope_are_told_apart_from_urls() {
    let response: imagegen_wavespeed::PredictionResponse = serde_json::from_value(json!({
        "data": {"id": "t", "status": "completed", "outputs": ["data:image/png;base64,iVBORw0KGgo=", "iVBORw0KGgo="]}
    }))
    .unwrap();
    assert_eq!(
        response.outputs(),
        vec![
            OutputRef::Base64("data:image/png;base64,iVBORw0KGgo="),
            OutputRef::Base64("iVBORw0KGgo=")
        ]
    );
}

#[test]
fn unknown_fields_and_statuses_do_not_break_decoding() {
    let prediction: Prediction = serde_json::from_value(json!({
        "id": ID,
        "status": "queued",
        "priority": "high",
        "outputs": null,
    }))
    .unwrap();
    assert_eq!(prediction.status, Status::Unknown("queued".to_owned()));
    assert_eq!(prediction.status(), Some("queued"));
    assert!(!prediction.status.is_terminal());

    let wavespeed: imagegen_wavespeed::PredictionResponse = serde_json::from_value(
        json!({"code": 200, "data": {"id": "t", "status": "cancelled", "new_field": 1}}),
    )
    .unwrap();
    assert_eq!(
        wavespeed.data.unwrap().status,
        imagegen_wavespeed::Status::Cancelled
    );
}

#[test]
fn a_response_without_what_the_runtime_needs_is_an_error() {
    let error = serde_json::from_value::<Prediction>(json!({"status": "completed"})).unwrap_err();
    assert!(error.to_string().contains("missing field `id`"), "{error}");
    let error = serde_json::from_value::<ImagesResponse>(json!({"created": 1})).unwrap_err();
    assert!(
        error.to_string().contains("missing field `data`"),
        "{error}"
    );
}

#[test]
fn envelope_errors_without_data_still_decode() {
    let response: imagegen_wavespeed::PredictionResponse =
        serde_json::from_value(json!({"code": 401, "message": "Unauthorized", "data": null}))
            .unwrap();
    assert_eq!(response.envelope_code(), Some(401));
    assert_eq!(response.envelope_message(), Some("Unauthorized"));
    assert_eq!(response.prediction_id(), None);
    assert_eq!(response.outputs(), vec![]);
}

#[test]
fn optional_fields_of_an_undocumented_type_read_as_absent() {
    // A cost, a timing or an NSFW flag in an unexpected shape must not cost
    // the caller the prediction's id and outputs.
    let prediction: SubmitResponse = serde_json::from_value(json!({
        "id": ID,
        "status": "processing",
        "costCents": 7.5,
        "estimatedTime": 10,
    }))
    .unwrap();
    assert_eq!(prediction.prediction_id(), Some(ID));
    assert_eq!(
        (prediction.cost_cents(), prediction.estimated_time()),
        (None, None)
    );

    let wavespeed: imagegen_wavespeed::PredictionResponse = serde_json::from_value(json!({
        "code": 200,
        "data": {
            "id": "t",
            "status": "completed",
            "outputs": ["https://cdn.test/1.png"],
            "has_nsfw_contents": [null],
            "timings": {"inference": 12.5},
            "error": {"detail": "unexpected"}
        }
    }))
    .unwrap();
    assert_eq!(
        wavespeed.outputs(),
        vec![OutputRef::Url("https://cdn.test/1.png")]
    );
    assert_eq!(wavespeed.error_message(), None);
    let data = wavespeed.data.unwrap();
    assert_eq!(data.has_nsfw_contents, None);
    assert_eq!(data.timings.unwrap().inference, None);
}

#[test]
fn an_empty_error_string_is_no_error() {
    // WaveSpeed: "Error message (empty if no error occurred)".
    let response: imagegen_wavespeed::PredictionResponse =
        serde_json::from_value(json!({"data": {"id": "t", "status": "processing", "error": ""}}))
            .unwrap();
    assert_eq!(response.error_message(), None);
    let failed: imagegen_wavespeed::PredictionResponse =
        serde_json::from_value(json!({"data": {"id": "t", "status": "failed", "error": "boom"}}))
            .unwrap();
    assert_eq!(failed.error_message(), Some("boom"));
}
