//! Every fault, observed on the wire as a client sees it, and in the log.

mod common;

use std::io::{Read, Write};
use std::time::{Duration, SystemTime};

use image::ImageFormat::Png;
use imagegen_sim::{Fault, FaultRule, RetryAfter, Scope, SimConfig, SubmitOutcome, Target};
use serde_json::{Value, json};

use common::{assert_image, decode_base64, get, get_authed, http, poll_until, post, start};

const Z_IMAGE: &str = "/api/v1/models/z-image-turbo/generate";
const WAVESPEED_EDIT: &str = "/api/v3/openai/gpt-image-1";

fn z_image(prompt: &str) -> Value {
    json!({"prompt": prompt, "output_format": "png"})
}

fn wavespeed(prompt: &str) -> Value {
    json!({"prompt": prompt, "image": "https://example.com/cat.png"})
}

fn completed(body: &Value) -> bool {
    body["status"] == "completed" || body["data"]["status"] == "completed"
}

fn ended(body: &Value) -> bool {
    let status = |v: &Value| matches!(v.as_str(), Some("completed" | "failed"));
    status(&body["status"]) || status(&body["data"]["status"])
}

/// Submits a z-image-turbo request and waits until it completed; returns
/// (id, status URL, output URL).
async fn completed_prediction(sim: &imagegen_sim::Sim, prompt: &str) -> (String, String, String) {
    let submitted = post(sim, "vibedream", Z_IMAGE, &z_image(prompt))
        .await
        .json();
    let status_url = submitted["statusUrl"].as_str().unwrap().to_owned();
    let (result, _) = poll_until(sim, &status_url, completed).await;
    let output = result["outputs"][0].as_str().unwrap().to_owned();
    (
        submitted["id"].as_str().unwrap().to_owned(),
        status_url,
        output,
    )
}

#[tokio::test]
async fn rate_limits_send_each_kind_of_retry_hint() {
    let sim = start().await;
    let date = SystemTime::UNIX_EPOCH + Duration::from_secs(4_000_000_000);
    for retry_after in [
        RetryAfter::Seconds(2),
        RetryAfter::Millis(1500),
        RetryAfter::HttpDate(date),
    ] {
        sim.inject(FaultRule::new(Fault::RateLimit { retry_after }).on(Target::Submit));
    }
    let first = post(&sim, "vibedream", Z_IMAGE, &z_image("a")).await;
    assert_eq!(first.status, 429);
    assert_eq!(first.header("retry-after"), Some("2"));
    assert_eq!(first.json()["error"]["code"], "rate_limit_exceeded");
    let second = post(&sim, "vibedream", Z_IMAGE, &z_image("a")).await;
    assert_eq!(second.header("retry-after-ms"), Some("1500"));
    assert_eq!(second.header("retry-after"), None);
    // gptproto documents 429 "You’ve exceeded your rate limit".
    let third = post(
        &sim,
        "gptproto",
        "/api/v3/openai/gpt-image-1/text-to-image",
        &json!({"prompt": "a"}),
    )
    .await;
    assert_eq!(third.status, 429);
    let expected = httpdate::fmt_http_date(date);
    assert_eq!(third.header("retry-after"), Some(expected.as_str()));
    assert!(
        third.json()["message"]
            .as_str()
            .unwrap()
            .starts_with("You’ve exceeded your rate limit")
    );
    // Spent: the next one goes through; nothing was created before.
    assert_eq!(
        post(&sim, "vibedream", Z_IMAGE, &z_image("a")).await.status,
        200
    );
    let log = sim.log();
    assert_eq!(log.accepted().len(), 1);
    assert!(matches!(
        log.submissions[0].outcome,
        SubmitOutcome::Rejected { status: 429, .. }
    ));
    assert_eq!(log.faults_fired().len(), 3);
    assert!(
        log.faults_fired()
            .iter()
            .all(|f| f.target == Target::Submit)
    );
}

#[tokio::test]
async fn server_errors_on_polls_and_downloads() {
    let sim = start().await;
    let submitted = post(&sim, "wavespeed", WAVESPEED_EDIT, &wavespeed("flaky"))
        .await
        .json();
    let id = submitted["data"]["id"].as_str().unwrap().to_owned();
    let get_url = submitted["data"]["urls"]["get"]
        .as_str()
        .unwrap()
        .to_owned();
    sim.inject(
        FaultRule::new(Fault::ServerError { status: 503 })
            .on(Target::Poll)
            .times(2),
    );
    for _ in 0..2 {
        let answer = get_authed(&sim, &get_url).await;
        assert_eq!(answer.status, 503);
        assert_eq!(answer.json()["code"], 503);
    }
    let (result, _) = poll_until(&sim, &get_url, completed).await;
    sim.inject(FaultRule::new(Fault::ServerError { status: 502 }).on(Target::Download));
    let url = result["data"]["outputs"][0].as_str().unwrap();
    assert_eq!(get(url).await.status, 502);
    assert_eq!(get(url).await.status, 200);
    let log = sim.log();
    assert!(log.polls(&id) >= 3);
    assert_eq!(
        log.downloads().iter().map(|d| d.status).collect::<Vec<_>>(),
        [Some(502), Some(200)]
    );
    assert!(
        log.faults_fired()
            .iter()
            .all(|f| f.prediction_id.as_deref() == Some(id.as_str()))
    );
}

#[tokio::test]
async fn a_dropped_submission_is_a_connection_error_but_the_prediction_exists() {
    let sim = start().await;
    sim.inject(FaultRule::new(Fault::DropConnection).on(Target::Submit));
    let sent = http()
        .post(format!("{}{Z_IMAGE}", sim.base_url("vibedream")))
        .bearer_auth(sim.api_key())
        .body(z_image("dropped").to_string())
        .send()
        .await;
    let error = sent.expect_err("no response, only a closed connection");
    assert!(error.status().is_none());
    assert!(!error.is_timeout(), "{error:?}");

    let log = sim.log();
    assert_eq!(log.submissions.len(), 1);
    assert_eq!(log.submissions[0].outcome, SubmitOutcome::Dropped);
    let id = log.submissions[0]
        .prediction_id
        .clone()
        .expect("created and recorded");
    assert_eq!(log.submissions[0].body["prompt"], "dropped");
    // The prediction runs: polling its id finds it.
    let url = format!("{}/api/v1/predictions/{id}", sim.base_url("vibedream"));
    poll_until(&sim, &url, completed).await;
}

#[tokio::test]
async fn dropped_polls_and_downloads() {
    let sim = start().await;
    let (id, status_url, output) = completed_prediction(&sim, "drop later").await;
    let polls_before = sim.log().polls(&id);
    sim.inject(FaultRule::new(Fault::DropConnection).on(Target::Poll));
    sim.inject(FaultRule::new(Fault::TruncatedBody).on(Target::Poll));
    let dropped = http()
        .get(&status_url)
        .bearer_auth(sim.api_key())
        .send()
        .await;
    assert!(dropped.is_err());
    // The truncation was not spent on the dropped poll.
    assert_eq!(sim.faults().len(), 1);

    sim.inject(FaultRule::new(Fault::DropConnection).on(Target::Download));
    assert!(http().get(&output).send().await.is_err());
    let log = sim.log();
    assert_eq!(log.downloads()[0].status, None);
    assert_eq!(
        log.polls(&id),
        polls_before + 1,
        "the dropped poll was received"
    );
}

#[tokio::test]
async fn slow_bodies_arrive_whole_in_chunks() {
    let sim = start().await;
    let (_, _, output) = completed_prediction(&sim, "slow").await;
    sim.inject(
        FaultRule::new(Fault::SlowBody {
            chunk_delay: Duration::from_millis(30),
        })
        .on(Target::Download),
    );
    let slow = get(&output).await;
    assert_eq!(slow.status, 200);
    assert_eq!(
        slow.header("content-length"),
        Some(slow.body.len().to_string().as_str())
    );
    assert_image(&slow.body, Png, 1024, 1024);

    // A client whose timeout is shorter than the eight delays gives up.
    sim.inject(
        FaultRule::new(Fault::SlowBody {
            chunk_delay: Duration::from_millis(500),
        })
        .on(Target::Submit),
    );
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = async {
        impatient
            .post(format!("{}{Z_IMAGE}", sim.base_url("vibedream")))
            .bearer_auth(sim.api_key())
            .body(z_image("slow submit").to_string())
            .send()
            .await?
            .bytes()
            .await
    }
    .await
    .expect_err("times out");
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(
        sim.log().accepted().len(),
        2,
        "the slow submission was taken"
    );
}

/// The status line's code, the `Content-Length` and the body bytes received
/// before the connection closed, read from a raw socket.
fn raw_get(url: &str) -> (u16, usize, usize) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut received = Vec::new();
    let _ = stream.read_to_end(&mut received);
    let split = received.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&received[..split]).to_ascii_lowercase();
    let status = head[9..12].parse().unwrap();
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length: "))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (status, length, received.len() - split - 4)
}

#[tokio::test]
async fn truncated_bodies_announce_more_than_they_send() {
    let sim = start().await;
    let (_, _, output) = completed_prediction(&sim, "truncated").await;
    let whole = get(&output).await.body.len();
    sim.inject(FaultRule::new(Fault::TruncatedBody).on(Target::Download));
    let (status, length, received) = tokio::task::spawn_blocking(move || raw_get(&output))
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert_eq!(length, whole);
    assert_eq!(received, whole / 2);

    // A client reading it gets an error, not a short image.
    let (_, status_url, _) = completed_prediction(&sim, "truncated poll").await;
    sim.inject(FaultRule::new(Fault::TruncatedBody).on(Target::Poll));
    let response = http()
        .get(&status_url)
        .bearer_auth(sim.api_key())
        .send()
        .await
        .unwrap();
    assert!(response.bytes().await.is_err());
}

#[tokio::test]
async fn moderation_fails_the_prediction_with_the_documented_message() {
    let sim = start().await;
    sim.inject(
        FaultRule::new(Fault::Moderation)
            .for_prompt("forbidden")
            .times(3),
    );

    // vibedream's failed example: "Your request was flagged by content moderation. ..."
    let submitted = post(&sim, "vibedream", Z_IMAGE, &z_image("something forbidden"))
        .await
        .json();
    assert_eq!(submitted["status"], "processing");
    let (result, _) = poll_until(&sim, submitted["statusUrl"].as_str().unwrap(), ended).await;
    assert_eq!(result["status"], "failed");
    assert_eq!(result["outputs"], Value::Null);
    assert_eq!(
        result["error"],
        "Your request was flagged by content moderation. Please modify your prompt."
    );

    // gptproto documents a content-policy error code.
    let envelope = post(
        &sim,
        "gptproto",
        "/api/v3/openai/gpt-image-1/text-to-image",
        &json!({"prompt": "forbidden fruit"}),
    )
    .await
    .json();
    let (result, _) = poll_until(
        &sim,
        envelope["data"]["urls"]["get"].as_str().unwrap(),
        ended,
    )
    .await;
    assert_eq!(result["data"]["status"], "failed");
    assert!(
        result["data"]["error"]
            .as_str()
            .unwrap()
            .starts_with("Content policy violation")
    );

    // A synchronous API refuses the request itself.
    let refused = post(
        &sim,
        "aimlapi",
        "/v1/images/generations",
        &json!({"model": "openai/gpt-image-1", "prompt": "forbidden"}),
    )
    .await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.json()["error"]["code"], "moderation_blocked");

    // Other prompts are not affected.
    let (_, _, _) = completed_prediction(&sim, "a kitten").await;
    assert!(sim.faults().is_empty());
}

#[tokio::test]
async fn moderation_on_a_poll_fails_a_running_prediction() {
    let sim = common::start_with(SimConfig::new().complete_after(Duration::from_millis(400))).await;
    let submitted = post(
        &sim,
        "wavespeed",
        WAVESPEED_EDIT,
        &wavespeed("fine at first"),
    )
    .await
    .json();
    let id = submitted["data"]["id"].as_str().unwrap();
    sim.inject(
        FaultRule::new(Fault::Moderation)
            .on(Target::Poll)
            .for_prediction(id),
    );
    let get_url = submitted["data"]["urls"]["get"].as_str().unwrap();
    let (result, _) = poll_until(&sim, get_url, ended).await;
    assert_eq!(result["data"]["status"], "failed");
    assert!(
        result["data"]["error"]
            .as_str()
            .unwrap()
            .contains("content moderation")
    );
    assert_eq!(result["data"]["outputs"], json!([]));
}

#[tokio::test]
async fn unknown_statuses_are_reported_then_the_real_one() {
    let sim = start().await;
    let submitted = post(&sim, "vibedream", Z_IMAGE, &z_image("paused"))
        .await
        .json();
    let url = submitted["statusUrl"].as_str().unwrap();
    sim.inject(
        FaultRule::new(Fault::UnknownStatus("paused".into()))
            .on(Target::Poll)
            .times(2),
    );
    for _ in 0..2 {
        assert_eq!(get_authed(&sim, url).await.json()["status"], "paused");
    }
    poll_until(&sim, url, completed).await;
}

#[tokio::test]
async fn a_sync_request_can_come_back_still_processing() {
    let sim = start().await;
    sim.inject(FaultRule::new(Fault::SyncTimeout));
    // Not a sync request: not spent on it.
    post(&sim, "wavespeed", WAVESPEED_EDIT, &wavespeed("async")).await;
    let mut body = wavespeed("sync");
    body["enable_sync_mode"] = true.into();
    let envelope = post(&sim, "wavespeed", WAVESPEED_EDIT, &body).await.json();
    // As WaveSpeed answers it (its SDK keys on the code or the message):
    // code 5004, "Sync mode timed out", the prediction still processing.
    assert_eq!(envelope["code"], 5004);
    assert_eq!(envelope["message"], "Sync mode timed out");
    assert_eq!(envelope["data"]["status"], "processing");
    assert_eq!(envelope["data"]["error"], "Sync mode timed out");
    assert_eq!(envelope["data"]["outputs"], json!([]));
    let (result, _) = poll_until(
        &sim,
        envelope["data"]["urls"]["get"].as_str().unwrap(),
        completed,
    )
    .await;
    assert!(result["data"]["outputs"][0].is_string());
    assert_eq!(sim.log().faults_fired().len(), 1);
}

#[tokio::test]
async fn a_foreign_status_url_records_credentials_sent_to_it() {
    let sim = start().await;
    sim.inject(FaultRule::new(Fault::ForeignStatusUrl).on(Target::Submit));
    let submitted = post(&sim, "vibedream", Z_IMAGE, &z_image("foreign"))
        .await
        .json();
    let foreign = submitted["statusUrl"].as_str().unwrap();
    assert!(foreign.starts_with(&sim.assets_url()), "{foreign}");
    assert_eq!(get(foreign).await.status, 404);
    assert!(sim.log().credential_leaks().is_empty());

    let leaked = get_authed(&sim, foreign).await;
    assert_eq!(leaked.status, 403);
    let log = sim.log();
    let leak = &log.credential_leaks()[0];
    assert_eq!(leak.origin, sim.assets_url());
    assert_eq!(leak.headers, ["authorization"]);
    assert!(foreign.ends_with(&leak.path), "{foreign} vs {}", leak.path);

    // The API origin still answers for the prediction.
    let id = submitted["id"].as_str().unwrap();
    let own = format!("{}/api/v1/predictions/{id}", sim.base_url("vibedream"));
    poll_until(&sim, &own, completed).await;
}

#[tokio::test]
async fn base64_outputs_as_data_uris() {
    let sim = start().await;
    sim.inject(FaultRule::new(Fault::DataUriBase64));
    let mut body = wavespeed("inline");
    body["enable_base64_output"] = true.into();
    let submitted = post(&sim, "wavespeed", WAVESPEED_EDIT, &body).await.json();
    assert_eq!(
        sim.faults().len(),
        1,
        "not spent on an answer without outputs"
    );
    let (result, _) = poll_until(
        &sim,
        submitted["data"]["urls"]["get"].as_str().unwrap(),
        completed,
    )
    .await;
    let output = result["data"]["outputs"][0].as_str().unwrap();
    assert!(
        output.starts_with("data:image/png;base64,"),
        "{}",
        &output[..30]
    );
    assert_image(&decode_base64(output), Png, 1024, 1024);
    // Spent: the next answer is raw base64 again.
    let again = get_authed(&sim, submitted["data"]["urls"]["get"].as_str().unwrap())
        .await
        .json();
    assert!(
        !again["data"]["outputs"][0]
            .as_str()
            .unwrap()
            .starts_with("data:")
    );

    let always = common::start_with(
        SimConfig::new()
            .complete_after(common::COMPLETION)
            .base64_data_uri(true),
    )
    .await;
    let body = json!({"model": "openai/gpt-image-1", "prompt": "x", "response_format": "b64_json"});
    let answer = post(&always, "aimlapi", "/v1/images/generations", &body)
        .await
        .json();
    assert!(
        answer["data"][0]["b64_json"]
            .as_str()
            .unwrap()
            .starts_with("data:image/png;base64,")
    );
}

#[tokio::test]
async fn rules_scoped_to_one_prediction_leave_the_others_alone() {
    let sim = start().await;
    let first = post(&sim, "vibedream", Z_IMAGE, &z_image("first"))
        .await
        .json();
    let second = post(&sim, "vibedream", Z_IMAGE, &z_image("second"))
        .await
        .json();
    sim.inject(
        FaultRule::new(Fault::ServerError { status: 500 })
            .scope(Scope::Prediction(first["id"].as_str().unwrap().to_owned()))
            .times(5),
    );
    assert_eq!(
        get_authed(&sim, second["statusUrl"].as_str().unwrap())
            .await
            .status,
        200
    );
    assert_eq!(
        get_authed(&sim, first["statusUrl"].as_str().unwrap())
            .await
            .status,
        500
    );
    assert_eq!(sim.faults()[0].times, 4);
    sim.clear_faults();
    assert_eq!(
        get_authed(&sim, first["statusUrl"].as_str().unwrap())
            .await
            .status,
        200
    );
}
