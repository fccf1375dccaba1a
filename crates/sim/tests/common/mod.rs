//! What the emulator's tests share: an emulator per test, a plain HTTP
//! client, and helpers to submit, poll and download as a client would.

#![allow(dead_code)] // Each test file uses its own part of this.

use std::time::Duration;

use imagegen_sim::{Sim, SimConfig};
use serde_json::Value;

/// How long predictions take in these tests.
pub const COMPLETION: Duration = Duration::from_millis(150);

/// An emulator whose predictions finish after [`COMPLETION`].
pub async fn start() -> Sim {
    start_with(SimConfig::new().complete_after(COMPLETION)).await
}

pub async fn start_with(config: SimConfig) -> Sim {
    Sim::start(config).await.expect("the emulator starts")
}

/// A client that never pools connections, so a fault cutting one connection
/// cannot affect the next request.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("a reqwest client")
}

/// A response, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A response, read in full.
pub async fn read(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("the body arrives").to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

/// `POST base + path` with the sim's key and a JSON body.
pub async fn post(sim: &Sim, provider: &str, path: &str, body: &Value) -> Answer {
    let response = http()
        .post(format!("{}{path}", sim.base_url(provider)))
        .bearer_auth(sim.api_key())
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("the submission is answered");
    read(response).await
}

/// `GET url` with the sim's key.
pub async fn get_authed(sim: &Sim, url: &str) -> Answer {
    let response = http()
        .get(url)
        .bearer_auth(sim.api_key())
        .send()
        .await
        .expect("the request is answered");
    read(response).await
}

/// `GET url` with no credentials.
pub async fn get(url: &str) -> Answer {
    let response = http()
        .get(url)
        .send()
        .await
        .expect("the request is answered");
    read(response).await
}

/// Polls `url` until `done` holds on the body, at most 100 times, 50 ms
/// apart; returns the last body and the number of polls.
pub async fn poll_until(sim: &Sim, url: &str, done: impl Fn(&Value) -> bool) -> (Value, u32) {
    for polls in 1..=100 {
        let answer = get_authed(sim, url).await;
        assert_eq!(
            answer.status,
            200,
            "{}",
            String::from_utf8_lossy(&answer.body)
        );
        let body = answer.json();
        if done(&body) {
            return (body, polls);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{url} never finished");
}

/// Decodes `bytes` as an image and checks its format and size.
pub fn assert_image(bytes: &[u8], format: image::ImageFormat, width: u32, height: u32) {
    assert_eq!(image::guess_format(bytes).expect("an image"), format);
    let decoded = image::load_from_memory_with_format(bytes, format).expect("it decodes");
    assert_eq!((decoded.width(), decoded.height()), (width, height));
}

/// Decodes a base64 output (raw, or a `data:` URI).
pub fn decode_base64(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    let data = match text.strip_prefix("data:") {
        Some(uri) => uri.split_once(";base64,").expect("a base64 data URI").1,
        None => text,
    };
    base64::engine::general_purpose::STANDARD
        .decode(data)
        .expect("valid base64")
}
