//! A submission whose answer was lost is found in the provider's history
//! (WaveSpeed's `POST /api/v3/predictions`, served by the emulator) when
//! exactly one unclaimed prediction of its model was created while it could
//! have been taken; otherwise the candidates are reported and nothing is
//! sent. Never a second submission.

mod emulated;

use std::time::{Duration, SystemTime};

use imagegen_runtime::{Client, Error, Finding, Uncertain};
use imagegen_sim::{Fault, FaultRule, Sim, Target};
use imagegen_vibedream::VibeDream;
use imagegen_wavespeed::WaveSpeed;
use imagegen_wavespeed::wavespeed_ai_flux_dev::Request;
use serde_json::{Value, json};

use emulated::{client, start_sim};

const MODEL: &str = "wavespeed-ai/flux-dev";

fn request(prompt: &str) -> Request {
    Request::new(prompt)
}

fn created(sim: &Sim) -> Vec<String> {
    sim.log()
        .submissions_for(&format!("wavespeed/{MODEL}"))
        .iter()
        .filter_map(|s| s.prediction_id.clone())
        .collect()
}

fn lose_next_answers(sim: &Sim, times: u32) {
    sim.inject(
        FaultRule::new(Fault::DropConnection)
            .on(Target::Submit)
            .times(times),
    );
}

async fn unanswered(client: &Client<WaveSpeed>, prompt: &str) -> Uncertain {
    match client.submit(&request(prompt)).await {
        Err(Error::Unanswered { uncertain, .. }) => *uncertain,
        other => panic!("expected an unanswered submission, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_is_recovered_from_the_history_and_its_images_saved() {
    let sim = start_sim().await;
    let client = client::<WaveSpeed>(&sim);
    // An answered submission first: its prediction is this client's, and
    // must not be taken for the lost one.
    let answered = client.submit(&request("answered")).await.unwrap();
    lose_next_answers(&sim, 1);
    let uncertain = unanswered(&client, "lost").await;
    assert_eq!(
        (uncertain.provider(), uncertain.model()),
        ("wavespeed", MODEL)
    );
    let found = client.reconcile(&uncertain).await.unwrap();
    let ids = created(&sim);
    assert_eq!(ids.len(), 2, "one submission each, none sent again");
    assert_eq!(found.id(), Some(ids[1].as_str()));
    assert_ne!(found.id(), answered.id());
    let generation = client.wait(&found).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let saved = generation.save_all(dir.path()).await.unwrap();
    assert_eq!(saved.len(), 1);
    // Reconciled, it is claimed: asking again finds nothing left.
    let again = client.reconcile(&uncertain).await.unwrap_err();
    assert!(
        matches!(
            again,
            Error::Unreconciled {
                finding: Finding::NoneFound,
                ..
            }
        ),
        "{again:?}"
    );
    assert_eq!(created(&sim).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overlapping_lost_answers_are_never_told_apart_by_guessing() {
    let sim = start_sim().await;
    let client = client::<WaveSpeed>(&sim);
    lose_next_answers(&sim, 2);
    let first = unanswered(&client, "one").await;
    let second = unanswered(&client, "two").await;
    for uncertain in [&first, &second] {
        let error = client.reconcile(uncertain).await.unwrap_err();
        let Error::Unreconciled {
            finding:
                Finding::Ambiguous {
                    candidates,
                    overlapping,
                },
            ..
        } = &error
        else {
            panic!("expected an ambiguous finding, got {error:?}");
        };
        assert_eq!(*overlapping, 1);
        let mut listed: Vec<&str> = candidates.iter().map(|c| c.id.as_str()).collect();
        listed.sort_unstable();
        let mut ids = created(&sim);
        ids.sort_unstable();
        assert_eq!(listed, ids, "both predictions are named as candidates");
        let message = error.to_string();
        assert!(message.contains("cannot tell which"), "{message}");
        assert!(message.contains("nothing was sent"), "{message}");
    }
    // Once the other is settled some other way, the remaining one is found.
    client.forget(&second);
    let error = client.reconcile(&first).await.unwrap_err();
    assert!(
        matches!(
            &error,
            Error::Unreconciled {
                finding: Finding::Ambiguous { overlapping: 0, .. },
                ..
            }
        ),
        "two unclaimed predictions remain: {error:?}"
    );
    client.claim([created(&sim)[1].clone()]);
    let found = client.reconcile(&first).await.unwrap();
    assert_eq!(found.id(), Some(created(&sim)[0].as_str()));
    assert_eq!(created(&sim).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_error_that_created_nothing_is_found_to_have_created_nothing() {
    let sim = start_sim().await;
    let client = client::<WaveSpeed>(&sim);
    sim.inject(FaultRule::new(Fault::ServerError { status: 502 }).on(Target::Submit));
    let uncertain = unanswered(&client, "refused").await;
    let error = client.reconcile(&uncertain).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Unreconciled {
                finding: Finding::NoneFound,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("risk of paying twice"),
        "{error}"
    );
    assert!(created(&sim).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_read_back_by_another_client_is_reconciled_with_the_ids_it_claims() {
    let sim = start_sim().await;
    let first = client::<WaveSpeed>(&sim);
    let answered = first.submit(&request("answered")).await.unwrap();
    lose_next_answers(&sim, 1);
    let uncertain = unanswered(&first, "lost").await;
    let record = serde_json::to_string(&uncertain).unwrap();
    drop(first);

    let restarted = client::<WaveSpeed>(&sim);
    let uncertain: Uncertain = serde_json::from_str(&record).unwrap();
    // Without the answered id, two predictions could be the lost one.
    let error = restarted.reconcile(&uncertain).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Unreconciled {
                finding: Finding::Ambiguous { .. },
                ..
            }
        ),
        "{error:?}"
    );
    restarted.claim(answered.id().map(str::to_owned));
    let found = restarted.reconcile(&uncertain).await.unwrap();
    assert_eq!(found.id(), Some(created(&sim)[1].as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_without_a_history_says_so() {
    let sim = start_sim().await;
    let client = client::<VibeDream>(&sim);
    let uncertain = Uncertain::new(
        "vibedream",
        "z-image-turbo",
        SystemTime::now(),
        SystemTime::now(),
    );
    let error = client.reconcile(&uncertain).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Unreconciled {
                finding: Finding::NoHistory,
                ..
            }
        ),
        "{error:?}"
    );
    // Another provider's submission is refused before anything is asked.
    let theirs = Uncertain::new("wavespeed", MODEL, SystemTime::now(), SystemTime::now());
    assert!(matches!(
        client.reconcile(&theirs).await.unwrap_err(),
        Error::InvalidConfig { .. }
    ));
}

/// The history endpoint itself, as the documentation describes it.
async fn history(sim: &Sim, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/api/v3/predictions", sim.base_url("wavespeed")))
        .bearer_auth(sim.api_key())
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_slice(&response.bytes().await.unwrap()).unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emulated_history_pages_filters_and_refuses_what_the_table_does_not_allow() {
    let sim = start_sim().await;
    let client = client::<WaveSpeed>(&sim);
    let before = SystemTime::now() - Duration::from_secs(1);
    for index in 0..3 {
        client.submit(&request(&format!("p{index}"))).await.unwrap();
    }
    let ids = created(&sim);
    let (status, body) = history(&sim, json!({"page": 1, "page_size": 2})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["code"], 200);
    assert_eq!(body["data"]["total"], 3);
    assert_eq!(body["data"]["page"], 1);
    let page: Vec<&str> = body["data"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect();
    // Most recent first.
    assert_eq!(page, [ids[2].as_str(), ids[1].as_str()]);
    let item = &body["data"]["items"][0];
    assert_eq!(item["model"], MODEL);
    assert!(item["urls"]["get"].as_str().unwrap().ends_with("/result"));
    assert!(item["created_at"].as_str().unwrap().ends_with('Z'));
    let (_, second) = history(&sim, json!({"page": 2, "page_size": 2})).await;
    assert_eq!(second["data"]["items"][0]["id"], ids[0].as_str());

    let window = json!({
        "page": 1, "page_size": 100, "model": MODEL,
        "created_after": imagegen_core::rfc3339::format(before),
        "created_before": imagegen_core::rfc3339::format(SystemTime::now() + Duration::from_secs(1)),
    });
    assert_eq!(history(&sim, window).await.1["data"]["total"], 3);
    let other_model = json!({"page": 1, "page_size": 100, "model": "wavespeed-ai/flux-schnell"});
    assert_eq!(history(&sim, other_model).await.1["data"]["total"], 0);
    let later = json!({"page": 1, "page_size": 100, "created_after": "2999-01-01T00:00:00Z"});
    assert_eq!(history(&sim, later).await.1["data"]["total"], 0);

    for (bad, named) in [
        (json!({"page": 0, "page_size": 10}), "page"),
        (json!({"page": 1, "page_size": 101}), "page_size"),
        (json!({"page": 1, "page_size": 0}), "page_size"),
        (
            json!({"page": 1, "page_size": 10, "status": "done"}),
            "status",
        ),
        (
            json!({"page": 1, "page_size": 10, "created_after": "yesterday"}),
            "created_after",
        ),
    ] {
        let (status, body) = history(&sim, bad.clone()).await;
        assert_eq!(status, 400, "{bad} -> {body}");
        assert!(
            body["message"].as_str().unwrap().contains(named),
            "{bad} -> {body}"
        );
    }
    let unauthorised = reqwest::Client::new()
        .post(format!("{}/api/v3/predictions", sim.base_url("wavespeed")))
        .body(json!({"page": 1, "page_size": 1}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorised.status().as_u16(), 401);
}
