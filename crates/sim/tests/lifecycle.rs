//! Starting, controlling over HTTP, and stopping: the control endpoints, the
//! specs loaded from a directory, and nothing left listening afterwards.

mod common;

use std::path::Path;
use std::time::Duration;

use imagegen_sim::{
    Completion, ConnectionCounts, Fault, FaultRule, Sim, SimConfig, SimError, SimLog, Target,
};
use serde_json::json;

use common::{get, http, post, start, start_with};

#[tokio::test]
async fn faults_and_the_log_over_http() {
    let sim = start().await;
    let control = format!("{}/__sim", sim.api_url());
    let injected = http()
        .post(format!("{control}/faults"))
        .body(r#"[{"fault": {"type": "server_error", "status": 503}, "target": "submit"},
                  {"fault": {"type": "unknown_status", "status": "queued"}, "target": "poll", "times": 2}]"#)
        .send()
        .await
        .unwrap();
    assert_eq!(injected.status(), 201);
    assert_eq!(sim.faults().len(), 2);
    assert_eq!(
        sim.faults()[1],
        FaultRule::new(Fault::UnknownStatus("queued".into()))
            .on(Target::Poll)
            .times(2)
    );

    let refused = post(
        &sim,
        "aimlapi",
        "/v1/images/generations",
        &json!({"model": "openai/gpt-image-1", "prompt": "x"}),
    )
    .await;
    assert_eq!(refused.status, 503);

    let text = http()
        .get(format!("{control}/log"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    // The same log, with times in whole milliseconds.
    assert_eq!(json, serde_json::to_value(sim.log()).unwrap());
    let log: SimLog = serde_json::from_value(json).unwrap();
    assert_eq!(log.submissions.len(), 1);
    assert_eq!(
        log.faults_fired()[0].fault,
        Fault::ServerError { status: 503 }
    );

    let bad = http()
        .post(format!("{control}/faults"))
        .body(r#"{"fault": {"type": "server_error", "status": 200}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let garbage = http()
        .post(format!("{control}/faults"))
        .body(r#"{"fault": "meteor"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 400);
    assert!(garbage.text().await.unwrap().contains("not a fault rule"));

    let reset = http()
        .post(format!("{control}/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 200);
    assert!(sim.faults().is_empty());
    // Everything is forgotten but the connections still open (this test's
    // own keep-alive connection), which start the counts afresh.
    let log = sim.log();
    assert_eq!(log.api_connections.accepted, 0);
    assert_eq!(log.api_connections.peak_open, log.api_connections.open);
    assert_eq!(
        SimLog {
            api_connections: ConnectionCounts::default(),
            assets_connections: ConnectionCounts::default(),
            ..log
        },
        SimLog::default()
    );
    assert_eq!(get(&format!("{control}/nothing")).await.status, 404);
}

#[tokio::test]
async fn env_lines_point_every_client_at_the_emulator() {
    let sim = Sim::start(SimConfig::new().api_key("my key"))
        .await
        .unwrap();
    let lines = sim.env_lines();
    assert!(lines.contains(&format!(
        "export VIBEDREAM_BASE_URL={}",
        sim.base_url("vibedream")
    )));
    assert!(lines.contains(&"export GPTPROTO_API_KEY='my key'".to_owned()));
    assert_eq!(lines.len(), 2 * sim.providers().count());
    assert_eq!(sim.api_key(), "my key");
}

#[tokio::test]
async fn specs_from_a_directory() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    let sim = Sim::start(SimConfig::new().specs_dir(&dir)).await.unwrap();
    assert!(sim.providers().any(|p| p.name == "wavespeed"));

    let empty = std::env::temp_dir().join(format!("imagegen-sim-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let error = Sim::start(SimConfig::new().specs_dir(&empty))
        .await
        .unwrap_err();
    assert!(matches!(error, SimError::NoProviders), "{error}");
    let _ = std::fs::remove_dir(&empty);
}

#[tokio::test]
async fn a_taken_port_is_a_clear_error() {
    let sim = start().await;
    let port: u16 = sim.api_url().rsplit(':').next().unwrap().parse().unwrap();
    let error = Sim::start(SimConfig::new().api_port(port))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            SimError::Bind {
                listener: "API",
                ..
            }
        ),
        "{error}"
    );
    assert!(
        error.to_string().contains(&format!("127.0.0.1:{port}")),
        "{error}"
    );
}

#[tokio::test]
async fn shutdown_stops_both_listeners_and_held_connections() {
    let sim = start_with(SimConfig::new().complete_after(Duration::from_secs(600))).await;
    let api = sim.api_url();
    let assets = sim.assets_url();
    // A sync-mode request held until its prediction ends, in ten minutes.
    let held = tokio::spawn({
        let url = format!("{}/v1/images/generations", sim.base_url("aimlapi"));
        let key = sim.api_key().to_owned();
        async move {
            http()
                .post(url)
                .bearer_auth(key)
                .body(r#"{"model": "openai/gpt-image-1", "prompt": "held"}"#)
                .send()
                .await
        }
    });
    while sim.prediction_count() == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    sim.shutdown().await;
    assert!(
        held.await.unwrap().is_err(),
        "the held connection was closed"
    );
    assert!(http().get(format!("{api}/__sim/log")).send().await.is_err());
    assert!(
        http()
            .get(format!("{assets}/outputs/x/0.png"))
            .send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn dropping_the_emulator_stops_it() {
    let sim = start().await;
    let api = sim.api_url();
    drop(sim);
    // Dropping aborts the listener tasks; give the runtime a moment to run the aborts.
    let mut refused = false;
    for _ in 0..100 {
        if http().get(format!("{api}/__sim/log")).send().await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "still listening after drop");
}

/// Clients benchmarked one after another on a reset emulator are dealt the
/// same run times, so their figures differ by what they do alone.
#[tokio::test]
async fn every_reset_deals_the_same_run_times_again() {
    let sim = start_with(SimConfig::new().completion(Completion::Between(
        Duration::from_secs(1),
        Duration::from_secs(3600),
    )))
    .await;
    let body = json!({"prompt": "a fox", "output_format": "png"});
    let mut runs = Vec::new();
    for _ in 0..2 {
        for _ in 0..8 {
            let answer = post(
                &sim,
                "vibedream",
                "/api/v1/models/z-image-turbo/generate",
                &body,
            )
            .await;
            assert_eq!(answer.status, 200, "{answer:?}");
        }
        let run_times: Vec<Duration> = sim
            .log()
            .submissions
            .iter()
            .map(|submission| submission.completes_at.expect("a prediction") - submission.at)
            .collect();
        assert_eq!(run_times.len(), 8);
        runs.push(run_times);
        sim.reset();
    }
    // The same draws; the log's instants are taken microseconds apart.
    for (first, second) in runs[0].iter().zip(&runs[1]) {
        assert!(
            first.abs_diff(*second) < Duration::from_millis(10),
            "{runs:?}"
        );
    }
    // Drawn, not constant.
    assert!(
        runs[0].iter().any(|time| *time != runs[0][0]),
        "{:?}",
        runs[0]
    );
}
