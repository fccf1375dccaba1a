//! Every model of every provider, end to end through the emulator: submit,
//! poll, complete, save; with sync mode and base64 where the model has them.
//! The saved files are decoded and must be images of the requested size and
//! format. The seed models' cases use the values their documents show; a
//! last case runs every model in `specs/` from its spec's own values, so a
//! new model is covered with no test written.

mod emulated;

use std::collections::BTreeSet;

use image::ImageFormat::{Jpeg, Png, WebP};
use imagegen::args::Args;
use imagegen::runtime::ClientBuilder;
use imagegen_runtime::cost::Cost;
use imagegen_runtime::{Client, ModelRequest, Output, Provider};
use imagegen_sim::Sim;

use emulated::{Expected, assert_image, client, start_sim};
use imagegen_chaos::spec_values;

/// How a case must finish besides its images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delivery {
    /// Submitted, then polled until done: URL outputs.
    Polled,
    /// Answered done at submission: no status checks.
    Immediate,
    /// Base64 outputs (however they were waited for).
    Base64,
}

/// Generates `request`, saves its outputs and checks them; returns the model
/// id so the suite can prove it covered every spec.
async fn exercise<R>(
    sim: &Sim,
    request: R,
    count: usize,
    expected: Expected,
    delivery: Delivery,
) -> (String, String)
where
    R: ModelRequest,
{
    let client: Client<R::Provider> = client(sim);
    let label = format!(
        "{}/{} ({delivery:?})",
        <R::Provider as Provider>::INFO.name,
        R::MODEL.id
    );
    let generation = client
        .generate(&request)
        .await
        .unwrap_or_else(|error| panic!("{label}: {error}"));
    assert_eq!(generation.outputs().len(), count, "{label}");
    match delivery {
        Delivery::Polled => {
            assert!(
                generation.timings().polls >= 1,
                "{label}: {:?}",
                generation.timings()
            );
            assert!(
                generation.outputs().iter().all(|o| o.url().is_some()),
                "{label}"
            );
        }
        Delivery::Immediate => assert_eq!(generation.timings().polls, 0, "{label}"),
        Delivery::Base64 => assert!(
            generation
                .outputs()
                .iter()
                .all(|o| matches!(o, Output::Base64(_))),
            "{label}: {:?}",
            generation.outputs()
        ),
    }
    let dir = tempfile::tempdir().unwrap();
    let paths = generation
        .save_all(dir.path())
        .await
        .unwrap_or_else(|error| panic!("{label}: saving: {error}"));
    assert_eq!(paths.len(), count, "{label}");
    for path in &paths {
        assert!(path.starts_with(dir.path()), "{label}: {}", path.display());
        assert_image(path, expected);
    }
    (
        <R::Provider as Provider>::INFO.name.to_owned(),
        R::MODEL.id.to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vibedream_gpt_image_1() {
    use imagegen_vibedream::gpt_image_1::{Request, Size};
    let sim = start_sim().await;
    let prompt = "A beautiful sunset over mountains";
    let tall = Expected::new(1024, 1536, Png);
    tokio::join!(
        exercise(
            &sim,
            Request::new(prompt).size(Size::S1024x1536),
            1,
            tall,
            Delivery::Polled
        ),
        exercise(
            &sim,
            Request::new(prompt)
                .size(Size::S1024x1536)
                .enable_sync_mode(true),
            1,
            tall,
            Delivery::Immediate
        ),
        exercise(
            &sim,
            Request::new(prompt).enable_base64_output(true),
            1,
            Expected::new(1024, 1024, Png),
            Delivery::Base64
        ),
    );
    assert!(
        sim.log().credential_leaks().is_empty(),
        "{:?}",
        sim.log().credential_leaks()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vibedream_z_image_turbo() {
    use imagegen_vibedream::z_image_turbo::{OutputFormat, Request, Seed, Size, strength};
    let sim = start_sim().await;
    tokio::join!(
        // The documented defaults: 1024*1024 JPEG.
        exercise(
            &sim,
            Request::new("a lighthouse"),
            1,
            Expected::new(1024, 1024, Jpeg),
            Delivery::Polled
        ),
        exercise(
            &sim,
            Request::new("a lighthouse")
                .size(Size::S1280x720)
                .output_format(OutputFormat::Webp)
                .seed(Seed::try_new(42).unwrap()),
            1,
            Expected::new(1280, 720, WebP),
            Delivery::Polled
        ),
        exercise(
            &sim,
            Request::new("a lighthouse, repainted")
                .image(imagegen_vibedream::z_image_turbo::image!(
                    "https://example.com/in.png"
                ))
                .strength(strength!(0.3))
                .size(Size::S720x1280)
                .output_format(OutputFormat::Png),
            1,
            Expected::new(720, 1280, Png),
            Delivery::Polled
        ),
    );
    assert!(sim.log().credential_leaks().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wavespeed_gpt_image_1_edit() {
    use imagegen_wavespeed::openai_gpt_image_1::{Image, Request, Size};
    let sim = start_sim().await;
    let image = || Image::try_new("https://example.com/photo.png").unwrap();
    let request = || Request::new("Add a red hat", image());
    tokio::join!(
        // `auto` size: the emulator answers 1024x1024.
        exercise(
            &sim,
            request(),
            1,
            Expected::new(1024, 1024, Png),
            Delivery::Polled
        ),
        exercise(
            &sim,
            request().size(Size::S1536x1024).enable_sync_mode(true),
            1,
            Expected::new(1536, 1024, Png),
            Delivery::Immediate
        ),
        exercise(
            &sim,
            request().enable_base64_output(true),
            1,
            Expected::new(1024, 1024, Png),
            Delivery::Base64
        ),
        exercise(
            &sim,
            request().enable_base64_output(true).enable_sync_mode(true),
            1,
            Expected::new(1024, 1024, Png),
            Delivery::Base64
        ),
    );
    assert!(sim.log().credential_leaks().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aimlapi_gpt_image_1() {
    use imagegen_aimlapi::openai_gpt_image_1::{N, OutputFormat, ResponseFormat, Size, prompt};
    let sim = start_sim().await;
    let fox = || imagegen_aimlapi::openai_gpt_image_1::Request::new(prompt!("a fox"));
    tokio::join!(
        exercise(
            &sim,
            fox(),
            1,
            Expected::new(1024, 1024, Png),
            Delivery::Immediate
        ),
        exercise(
            &sim,
            fox()
                .size(Size::S1536x1024)
                .output_format(OutputFormat::Webp)
                .n(N::V1),
            1,
            Expected::new(1536, 1024, WebP),
            Delivery::Immediate
        ),
        exercise(
            &sim,
            fox()
                .output_format(OutputFormat::Jpeg)
                .response_format(ResponseFormat::B64Json),
            1,
            Expected::new(1024, 1024, Jpeg),
            Delivery::Base64
        ),
    );
    assert!(sim.log().credential_leaks().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gptproto_gpt_image_1() {
    use imagegen_gptproto::openai_gpt_image_1_text_to_image::{
        N, Request, ResponseFormat, Size, prompt,
    };
    let sim = start_sim().await;
    tokio::join!(
        exercise(
            &sim,
            Request::new(prompt!("a castle"))
                .size(Size::S1024x1536)
                .n(N::try_new(2).unwrap()),
            2,
            Expected::new(1024, 1536, Png),
            Delivery::Polled
        ),
        // GPTProto's sync mode does not return outputs: the result is still
        // fetched by id, so this is polled too.
        exercise(
            &sim,
            Request::new(prompt!("a castle")).enable_sync_mode(true),
            1,
            Expected::new(1024, 1024, Png),
            Delivery::Polled
        ),
        exercise(
            &sim,
            Request::new(prompt!("a castle")).response_format(ResponseFormat::B64Json),
            1,
            Expected::new(1024, 1024, Png),
            Delivery::Base64
        ),
    );
    assert!(sim.log().credential_leaks().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gptproto_gpt_image_2() {
    use imagegen_gptproto::openai_gpt_image_2_text_to_image::{
        CustomSize, Request, ResponseFormat, Size, prompt,
    };
    let sim = start_sim().await;
    tokio::join!(
        exercise(
            &sim,
            Request::new(prompt!("a harbour")).size(Size::S2048x1152),
            1,
            Expected::new(2048, 1152, Png),
            Delivery::Polled
        ),
        exercise(
            &sim,
            Request::new(prompt!("a harbour"))
                .size(Size::Custom(CustomSize::try_new(1280, 720).unwrap())),
            1,
            Expected::new(1280, 720, Png),
            Delivery::Polled
        ),
        exercise(
            &sim,
            Request::new(prompt!("a harbour"))
                .response_format(ResponseFormat::B64Json)
                .enable_sync_mode(true),
            1,
            Expected::new(1024, 1024, Png),
            Delivery::Base64
        ),
    );
    assert!(sim.log().credential_leaks().is_empty());
}

/// The futures a caller spawns are `Send`, so one runtime can drive
/// thousands of predictions from many tasks.
#[test]
fn operations_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let client = imagegen_vibedream::Client::builder()
        .api_key("k")
        .build()
        .unwrap();
    let request = imagegen_vibedream::z_image_turbo::Request::new("x");
    assert_send(&client.generate(&request));
    assert_send(&client.submit(&request));
    assert_send(&client.resume("id"));
    let prediction = client.prediction("id");
    assert_send(&client.status(&prediction));
    assert_send(&client.wait(&prediction));
}

/// Every model the specs hold, from what its spec documents (its example
/// bodies, defaults, enumerated values): through the catalog (the same typed
/// request behind an `AnyRequest`) to the emulator, polled or answered at
/// once, saved and decoded; again with sync mode and with base64 outputs
/// where the model has them. A new spec is covered with no test written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_spec_model_generates_from_its_documented_values() {
    let specs = imagegen_spec::load(&imagegen_tests::workspace_root().join("specs")).unwrap();
    let sim = start_sim().await;
    let mut covered = BTreeSet::new();
    for provider in &specs.providers {
        for model in &provider.models {
            let name = format!("{}/{}", provider.name, model.id);
            let (entry, model_entry) = imagegen::find_model(&name)
                .unwrap_or_else(|| panic!("{name} is in specs/ but not in the catalog"));
            let client = entry
                .connect(
                    ClientBuilder::new()
                        .api_key(sim.api_key())
                        .base_url(sim.base_url(&provider.name))
                        .poll_policy(emulated::fast_polls())
                        .retry_policy(emulated::fast_retries()),
                )
                .unwrap();
            let values = spec_values::request_values(model);
            let mut variants = vec![("as documented", values.clone())];
            if let Some(sync) = &model.sync_mode {
                variants.push(("sync mode", with(&values, sync, "true")));
            }
            if let Some((switch, value)) = &model.base64_output {
                variants.push(("base64", with(&values, switch, &value.to_wire_text())));
            }
            let runs = variants.into_iter().map(|(variant, values)| {
                let client = &client;
                let name = &name;
                async move {
                    let label = format!("{name} ({variant}) {values:?}");
                    let mut args = Args::new();
                    for (key, value) in &values {
                        args = args.with(key, value);
                    }
                    let request = model_entry
                        .parse(args)
                        .unwrap_or_else(|errors| panic!("{label}: {errors}"));
                    let generation = client
                        .generate(&request)
                        .await
                        .unwrap_or_else(|error| panic!("{label}: {error}"));
                    assert!(!generation.outputs().is_empty(), "{label}");
                    // What the emulator reports (the docs' example figure, on
                    // providers that report a cost), else the documented
                    // price of the body as sent, else unknown.
                    let body = request.to_json().unwrap();
                    let documented = Cost::documented(model_entry.info, body.as_object().unwrap());
                    let expected = model_entry
                        .info
                        .cost_cents
                        .and_then(|cents| Cost::reported_cents(i64::from(cents)))
                        .unwrap_or(documented);
                    assert_eq!(generation.cost(), expected, "{label}");
                    assert_eq!(
                        documented.is_unknown(),
                        model_entry.info.price.is_none()
                            || model_entry
                                .info
                                .price
                                .unwrap()
                                .cost_of(model_entry.info, body.as_object().unwrap())
                                .is_none(),
                        "{label}"
                    );
                    if variant == "base64" {
                        assert!(
                            generation.outputs().iter().all(|o| o.url().is_none()),
                            "{label}: {:?}",
                            generation.outputs()
                        );
                    }
                    let dir = tempfile::tempdir().unwrap();
                    let paths = generation
                        .save_all(dir.path())
                        .await
                        .unwrap_or_else(|error| panic!("{label}: {error}"));
                    assert!(!paths.is_empty(), "{label}");
                    for path in &paths {
                        emulated::decode(path);
                    }
                }
            });
            futures_util::future::join_all(runs).await;
            covered.insert(name);
        }
    }
    assert!(!covered.is_empty());
    assert_eq!(
        covered.len(),
        imagegen::models().count(),
        "the catalog and specs/ differ"
    );
    assert!(sim.log().credential_leaks().is_empty());
}

/// `values` with `name` set to `value`.
fn with(values: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    let mut changed: Vec<(String, String)> = values
        .iter()
        .filter(|(key, _)| key != name)
        .cloned()
        .collect();
    changed.push((name.to_owned(), value.to_owned()));
    changed
}
