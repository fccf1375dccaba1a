//! Webhooks against the emulator: a client built with a webhook URL sends
//! each submission with its own token in it; the emulator POSTs the
//! finished prediction there, signed as WaveSpeed documents; the signature
//! verifies with the secret from the documented endpoint, and the forged,
//! replayed and duplicated deliveries the faults inject are told apart.

mod emulated;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use imagegen_runtime::webhook::{WebhookError, request_token, verify};
use imagegen_runtime::{Client, Error};
use imagegen_sim::{DeliveryKind, Fault, FaultRule, Sim, Target};
use imagegen_vibedream::VibeDream;
use imagegen_wavespeed::wavespeed_ai_flux_dev::Request;
use imagegen_wavespeed::{WEBHOOK, WaveSpeed};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use emulated::{builder, start_sim};

/// One delivery as the receiver got it.
struct Received {
    target: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// A receiver on loopback answering 200 to every POST, handing each over.
fn receiver() -> (String, mpsc::Receiver<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks/imagegen", listener.local_addr().unwrap());
    let (sender, received) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let target = line
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_owned();
            let mut headers = HeaderMap::new();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                    break;
                }
                if let Some((name, value)) = header.trim_end().split_once(':') {
                    headers.insert(
                        HeaderName::from_bytes(name.trim().as_bytes()).unwrap(),
                        HeaderValue::from_str(value.trim()).unwrap(),
                    );
                }
            }
            let length: usize = headers
                .get("content-length")
                .and_then(|v| v.to_str().ok()?.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            if sender
                .send(Received {
                    target,
                    headers,
                    body,
                })
                .is_err()
            {
                return;
            }
        }
    });
    (url, received)
}

fn client(sim: &Sim, url: &str) -> Client<WaveSpeed> {
    builder::<WaveSpeed>(sim).webhook(url).build().unwrap()
}

fn next(received: &mpsc::Receiver<Received>) -> Received {
    received
        .recv_timeout(Duration::from_secs(20))
        .expect("a delivery arrives")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_prediction_is_delivered_signed_to_its_own_url() {
    let sim = start_sim().await;
    let (url, received) = receiver();
    let client = client(&sim, &url);
    let secret = client.webhook_secret().await.unwrap();
    assert_eq!(secret, sim.webhook_secret());
    assert!(secret.starts_with("whsec_"));
    let prediction = client.submit(&Request::new("a signed fox")).await.unwrap();
    let token = prediction
        .webhook_token()
        .expect("sent with a token")
        .to_owned();
    let delivery = tokio::task::spawn_blocking(move || next(&received))
        .await
        .unwrap();
    assert!(
        delivery.target.starts_with("/hooks/imagegen?"),
        "{}",
        delivery.target
    );
    assert_eq!(
        request_token(&delivery.target).as_deref(),
        Some(token.as_str())
    );
    let verified = verify(
        &WEBHOOK,
        &delivery.headers,
        &delivery.body,
        &secret,
        SystemTime::now(),
    )
    .unwrap();
    assert!(!verified.id.is_empty());
    let body: Value = serde_json::from_slice(&delivery.body).unwrap();
    assert_eq!(body["id"], prediction.id().unwrap());
    assert_eq!(body["status"], "completed");
    assert_eq!(body["input"]["prompt"], "a signed fox");
    assert_eq!(body["outputs"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_replayed_and_duplicated_deliveries_are_told_apart() {
    let sim = start_sim().await;
    for fault in [
        Fault::ForgedDelivery,
        Fault::StaleDelivery,
        Fault::DuplicateDelivery,
    ] {
        sim.inject(FaultRule::new(fault).on(Target::Webhook));
    }
    let (url, received) = receiver();
    let client = client(&sim, &url);
    client
        .submit(&Request::new("a contested fox"))
        .await
        .unwrap();
    let deliveries =
        tokio::task::spawn_blocking(move || (0..4).map(|_| next(&received)).collect::<Vec<_>>())
            .await
            .unwrap();
    let secret = sim.webhook_secret();
    let results: Vec<_> = deliveries
        .iter()
        .map(|d| verify(&WEBHOOK, &d.headers, &d.body, secret, SystemTime::now()))
        .collect();
    assert_eq!(results[0], Err(WebhookError::WrongSignature));
    assert!(
        matches!(results[1], Err(WebhookError::Stale { .. })),
        "{:?}",
        results[1]
    );
    let (genuine, duplicate) = (results[2].clone().unwrap(), results[3].clone().unwrap());
    assert_eq!(genuine.id, duplicate.id, "a duplicate keeps its webhook-id");
    // The emulator logs each delivery once its receiver has answered.
    let logged = std::time::Instant::now();
    while sim.log().webhooks.len() < 4 && logged.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let kinds: Vec<DeliveryKind> = sim.log().webhooks.iter().map(|d| d.kind).collect();
    assert_eq!(
        kinds,
        [
            DeliveryKind::Forged,
            DeliveryKind::Stale,
            DeliveryKind::Genuine,
            DeliveryKind::Duplicate
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submission_whose_answer_was_lost_is_named_by_its_delivery() {
    let sim = start_sim().await;
    sim.inject(FaultRule::new(Fault::DropConnection).on(Target::Submit));
    let (url, received) = receiver();
    let client = client(&sim, &url);
    let error = client
        .submit(&Request::new("a lost fox"))
        .await
        .unwrap_err();
    let Error::Unanswered { uncertain, .. } = error else {
        panic!("expected an unanswered submission, got {error:?}");
    };
    let token = uncertain.webhook_token().unwrap().to_owned();
    let delivery = tokio::task::spawn_blocking(move || next(&received))
        .await
        .unwrap();
    assert_eq!(request_token(&delivery.target), Some(token));
    let body: Value = serde_json::from_slice(&delivery.body).unwrap();
    let created = sim.log().submissions[0].prediction_id.clone().unwrap();
    assert_eq!(body["id"], created.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_url_is_refused_where_it_cannot_be_used() {
    let sim = start_sim().await;
    for bad in [
        "http://example.com/hook",
        "ftp://example.com/hook",
        "not a url",
        "https://user:pass@example.com/hook",
    ] {
        let error = builder::<WaveSpeed>(&sim).webhook(bad).build().unwrap_err();
        assert!(
            matches!(&error, Error::InvalidConfig { reason } if reason.starts_with("webhook URL")),
            "{bad}: {error:?}"
        );
    }
    let error = builder::<VibeDream>(&sim)
        .webhook("https://example.com/hook")
        .build()
        .unwrap_err();
    assert!(
        error.to_string().contains("documents no webhooks"),
        "{error}"
    );
}
