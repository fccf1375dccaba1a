//! The assets origin: a different origin from the API, serving outputs to
//! anyone without credentials, refusing and recording every request that
//! carries them.

mod common;

use serde_json::json;

use common::{http, poll_until, post, start};

#[tokio::test]
async fn outputs_live_on_a_second_origin() {
    let sim = start().await;
    assert_ne!(sim.assets_url(), sim.api_url());
    assert!(sim.assets_url().starts_with("http://127.0.0.1:"));
    assert!(sim.base_url("vibedream").starts_with(&sim.api_url()));
}

#[tokio::test]
async fn credentials_are_refused_and_recorded() {
    let sim = start().await;
    let submitted = post(
        &sim,
        "vibedream",
        "/api/v1/models/z-image-turbo/generate",
        &json!({"prompt": "guarded"}),
    )
    .await
    .json();
    let (result, _) = poll_until(&sim, submitted["statusUrl"].as_str().unwrap(), |b| {
        b["status"] == "completed"
    })
    .await;
    let url = result["outputs"][0].as_str().unwrap();

    let cases: [(&str, &str); 4] = [
        ("authorization", "Bearer sim-key"),
        ("x-api-key", "sim-key"),
        ("cookie", "session=1"),
        ("proxy-authorization", "Basic eDp5"),
    ];
    for (header, value) in cases {
        let answer = http().get(url).header(header, value).send().await.unwrap();
        assert_eq!(answer.status(), 403, "{header}");
        let text = answer.text().await.unwrap();
        assert!(text.contains(header), "{text}");
        assert!(
            !text.contains("sim-key"),
            "the credential is not echoed: {text}"
        );
    }
    let plain = http().get(url).send().await.unwrap();
    assert_eq!(plain.status(), 200);
    assert_eq!(plain.headers()["content-type"], "image/jpeg");

    let log = sim.log();
    let leaks: Vec<&str> = log
        .credential_leaks()
        .iter()
        .map(|leak| leak.headers[0].as_str())
        .collect();
    assert_eq!(leaks, cases.map(|(h, _)| h));
    assert!(
        log.credential_leaks()
            .iter()
            .all(|leak| { leak.origin == sim.assets_url() && url.ends_with(&leak.path) })
    );
    let statuses: Vec<Option<u16>> = log.downloads().iter().map(|d| d.status).collect();
    assert_eq!(
        statuses,
        [Some(403), Some(403), Some(403), Some(403), Some(200)]
    );
}

#[tokio::test]
async fn only_existing_outputs_are_served() {
    let sim = start().await;
    let submitted = post(
        &sim,
        "vibedream",
        "/api/v1/models/z-image-turbo/generate",
        &json!({"prompt": "one only", "output_format": "png"}),
    )
    .await
    .json();
    let id = submitted["id"].as_str().unwrap();
    poll_until(&sim, submitted["statusUrl"].as_str().unwrap(), |b| {
        b["status"] == "completed"
    })
    .await;
    let assets = sim.assets_url();
    for (path, status) in [
        (format!("/outputs/{id}/0.png"), 200),
        (format!("/outputs/{id}/1.png"), 404),
        (format!("/outputs/{id}/0.jpg"), 404),
        ("/outputs/unknown/0.png".to_owned(), 404),
        ("/favicon.ico".to_owned(), 404),
    ] {
        let answer = http().get(format!("{assets}{path}")).send().await.unwrap();
        assert_eq!(answer.status(), status, "{path}");
    }
}
