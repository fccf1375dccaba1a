//! The top WaveSpeed tier: 10,000 predictions in flight at once. They cost
//! only their records: no task or timer runs per prediction, and each status
//! is derived from the clock when polled.

mod common;

use std::sync::Arc;
use std::time::Duration;

use imagegen_sim::SimConfig;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

const IN_FLIGHT: usize = 10_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_predictions_in_flight() {
    let sim = common::start_with(SimConfig::new().complete_after(Duration::from_secs(3600))).await;
    let url = format!("{}/api/v3/openai/gpt-image-1", sim.base_url("wavespeed"));
    let client = reqwest::Client::new();
    let permits = Arc::new(Semaphore::new(64));
    let mut submissions = JoinSet::new();
    for index in 0..IN_FLIGHT {
        let (client, url, key, permits) = (
            client.clone(),
            url.clone(),
            sim.api_key().to_owned(),
            permits.clone(),
        );
        submissions.spawn(async move {
            let _permit = permits.acquire_owned().await.unwrap();
            let body = format!(
                r#"{{"prompt": "prediction {index}", "image": "https://example.com/{index}.png"}}"#
            );
            let response = client
                .post(url)
                .bearer_auth(key)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            let envelope: serde_json::Value =
                serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
            envelope["data"]["urls"]["get"].as_str().unwrap().to_owned()
        });
    }
    let mut status_urls = Vec::with_capacity(IN_FLIGHT);
    while let Some(url) = submissions.join_next().await {
        status_urls.push(url.unwrap());
    }
    assert_eq!(sim.prediction_count(), IN_FLIGHT);
    assert_eq!(sim.log().accepted().len(), IN_FLIGHT);
    // Every one of them is still running, reported from its record alone.
    for url in status_urls.iter().step_by(1000) {
        let answer = common::get_authed(&sim, url).await;
        assert_eq!(answer.json()["data"]["status"], "processing");
    }
    sim.shutdown().await;
}
