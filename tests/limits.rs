//! Many predictions in flight through one client: the requests they make
//! share a bounded pool (the emulator counts the connections it sees), a
//! submission that never got a connection says nothing was sent, and every
//! output gets a file of its own, never replacing another.

mod emulated;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use futures_util::future::join_all;
use imagegen_aimlapi::AimlApi;
use imagegen_aimlapi::openai_gpt_image_1 as aimlapi;
use imagegen_runtime::{Client, ConnectionLimits, Deadline, Error, Phase, Provider};
use imagegen_sim::{Fault, FaultRule, Sim, SimConfig, Target};
use imagegen_vibedream::VibeDream;
use imagegen_vibedream::z_image_turbo::{OutputFormat, Request, Size};

fn request(prompt: &str) -> Request {
    Request::new(prompt)
        .size(Size::S512x512)
        .output_format(OutputFormat::Jpeg)
}

fn limited<P: Provider>(sim: &Sim, limits: ConnectionLimits) -> Client<P> {
    emulated::builder(sim)
        .overall_timeout(Duration::from_secs(120))
        .connection_limits(limits)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundreds_of_predictions_in_flight_share_a_few_connections() {
    const PREDICTIONS: usize = 400;
    let per_origin = 6;
    let sim = Sim::start(SimConfig::new().complete_after(Duration::from_millis(800)))
        .await
        .unwrap();
    let client = limited::<VibeDream>(
        &sim,
        ConnectionLimits::default()
            .per_origin(per_origin)
            .total(10)
            .open_files(4),
    );
    let dir = tempfile::tempdir().unwrap();
    let runs = (0..PREDICTIONS).map(|n| {
        let client = client.clone();
        let dir = dir.path().to_owned();
        async move {
            let generation = client.generate(&request(&format!("crowd {n}"))).await?;
            generation.save_all(&dir).await
        }
    });
    let saved: Vec<PathBuf> = join_all(runs)
        .await
        .into_iter()
        .map(|result| result.expect("every prediction completes"))
        .flat_map(|paths| paths.into_iter())
        .collect();
    assert_eq!(saved.len(), PREDICTIONS);
    assert_eq!(saved.iter().collect::<BTreeSet<_>>().len(), PREDICTIONS);
    let log = sim.log();
    assert_eq!(log.accepted().len(), PREDICTIONS, "one submission each");
    assert_eq!(log.submissions.len(), PREDICTIONS);
    // A request in flight holds one connection, and idle ones are kept up
    // to the same cap. Connections are bounded by the cap, not the load:
    // the pool may open one while another frees up (its connect races the
    // wait for an idle one), and the emulator sees a close a little late,
    // so the bound is twice the cap, far below the 400 predictions.
    for (listener, counts) in [
        ("api", log.api_connections),
        ("assets", log.assets_connections),
    ] {
        assert!(
            counts.peak_open <= 2 * per_origin as u64,
            "{listener}: {counts:?} with a cap of {per_origin}"
        );
        assert!(counts.accepted >= 1, "{listener}: {counts:?}");
    }
    // Keep-alive: far fewer connections than requests.
    assert!(
        log.api_connections.accepted < PREDICTIONS as u64,
        "{:?}",
        log.api_connections
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submission_still_waiting_for_a_connection_at_its_deadline_was_never_sent() {
    let sim = Sim::start(SimConfig::new().complete_after(Duration::from_millis(100)))
        .await
        .unwrap();
    // The only connection is held by a status check whose answer trickles
    // in for two seconds.
    sim.inject(
        FaultRule::new(Fault::SlowBody {
            chunk_delay: Duration::from_millis(250),
        })
        .on(Target::Poll),
    );
    let client = limited::<VibeDream>(&sim, ConnectionLimits::default().per_origin(1).total(1));
    let first = client.submit(&request("holds the line")).await.unwrap();
    let waiting = tokio::spawn({
        let client = client.clone();
        async move { client.wait(&first).await }
    });
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while sim.log().polls.is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the wait never polled"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let error = client
        .submit_until(
            &request("never sent"),
            Deadline::after(Duration::from_millis(300)),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::NotSent {
                phase: Phase::Submit,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.was_not_sent());
    assert!(error.prediction_id().is_none());
    assert!(
        error
            .to_string()
            .contains("nothing was created or paid for"),
        "{error}"
    );
    assert_eq!(
        sim.log().submissions.len(),
        1,
        "only the first reached the server"
    );
    waiting
        .await
        .unwrap()
        .expect("the slow poll still completes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_check_waiting_for_a_connection_waits_rather_than_fails() {
    let sim = Sim::start(SimConfig::new().complete_after(Duration::from_millis(300)))
        .await
        .unwrap();
    sim.inject(
        FaultRule::new(Fault::SlowBody {
            chunk_delay: Duration::from_millis(100),
        })
        .on(Target::Poll)
        .times(3),
    );
    let client = limited::<VibeDream>(&sim, ConnectionLimits::default().per_origin(1).total(1));
    let runs = (0..6).map(|n| {
        let client = client.clone();
        async move { client.generate(&request(&format!("queued {n}"))).await }
    });
    for result in join_all(runs).await {
        result.expect("waiting for the one connection is not a failure");
    }
    // One request at a time; at most one more connection being opened
    // while the pool's idle one frees up.
    assert!(
        sim.log().api_connections.peak_open <= 2,
        "{:?}",
        sim.log().api_connections
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saving_the_same_prediction_twice_into_one_directory_replaces_nothing() {
    let sim = emulated::start_sim().await;
    let client = emulated::client::<VibeDream>(&sim);
    let generation = client.generate(&request("twice")).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let first = generation.save_all(dir.path()).await.unwrap();
    let before = std::fs::read(&first[0]).unwrap();
    // Another file already holds a name a save would pick next.
    let id = generation.id().unwrap();
    let squatter = dir.path().join(format!("{id}-0.2.jpg"));
    std::fs::write(&squatter, b"someone else's file").unwrap();
    let (second, third) = tokio::join!(
        generation.save_all(dir.path()),
        generation.save_all(dir.path())
    );
    let (second, third) = (second.unwrap(), third.unwrap());
    let names: BTreeSet<&PathBuf> = first.iter().chain(&second).chain(&third).collect();
    assert_eq!(names.len(), 3, "{first:?} {second:?} {third:?}");
    assert!(!names.contains(&squatter));
    assert_eq!(std::fs::read(&first[0]).unwrap(), before);
    assert_eq!(std::fs::read(&squatter).unwrap(), b"someone else's file");
    for path in names {
        emulated::assert_image(
            path,
            emulated::Expected::new(512, 512, image::ImageFormat::Jpeg),
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_without_an_id_get_names_no_other_answer_takes() {
    let sim = emulated::start_sim().await;
    let client = emulated::client::<AimlApi>(&sim);
    let dir = tempfile::tempdir().unwrap();
    let runs = (0..40).map(|_| {
        let client = client.clone();
        let dir = dir.path().to_owned();
        async move {
            // The same prompt every time: the answers are alike, their names
            // must not be.
            let request = aimlapi::Request::new(aimlapi::prompt!("same prompt"));
            let generation = client.generate(&request).await?;
            assert!(generation.id().is_none(), "a synchronous answer has no id");
            let local = generation
                .local_id()
                .expect("a client-made name")
                .to_owned();
            let paths = generation.save_all(&dir).await?;
            Ok::<_, Error>((local, paths))
        }
    });
    let results: Vec<(String, Vec<PathBuf>)> = join_all(runs)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let locals: BTreeSet<&String> = results.iter().map(|(local, _)| local).collect();
    assert_eq!(locals.len(), 40);
    let paths: BTreeSet<&PathBuf> = results.iter().flat_map(|(_, paths)| paths).collect();
    assert_eq!(paths.len(), 40);
    for (local, paths) in &results {
        assert!(local.starts_with("aimlapi-local-"), "{local}");
        let name = paths[0].file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(local.as_str()),
            "{name} is not named by {local}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_output_that_cannot_be_written_is_reported_with_its_url() {
    let sim = emulated::start_sim().await;
    let client = emulated::client::<VibeDream>(&sim);
    let generation = client.generate(&request("nowhere to go")).await.unwrap();
    let root = tempfile::tempdir().unwrap();
    let not_a_directory = root.path().join("file");
    std::fs::write(&not_a_directory, b"").unwrap();
    let error = generation.save_all(&not_a_directory).await.unwrap_err();
    let url = generation.outputs()[0].url().unwrap();
    assert!(
        matches!(&error, Error::Io { output: Some(0), url: Some(named), .. } if named == url),
        "{error:?}"
    );
    assert!(error.to_string().contains(url), "{error}");
    assert_eq!(error.prediction_id(), generation.id());
    // The generation still holds the output: saving elsewhere works.
    let saved = generation.save_all(root.path()).await.unwrap();
    assert_eq!(saved.len(), 1);
}
