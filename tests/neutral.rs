//! The provider-neutral request (`Generate`): the same request mapped onto
//! each model's own parameters, typed and by name; everything a model cannot
//! honour reported before sending, all at once, in the request's terms; and
//! one request sent to two providers through the emulator.

mod emulated;

use imagegen::neutral::{ClientFor, Generate, Quality, Reason, SendError, Unsupported};
use imagegen_runtime::args::{ArgError, FromArgs};
use imagegen_runtime::info::Meaning;
use imagegen_runtime::{ImageFormat, ModelRequest, Violation};
use serde_json::{Value, json};

use imagegen_aimlapi::openai_gpt_image_1 as aimlapi_gpt_image_1;
use imagegen_gptproto::openai_gpt_image_1_text_to_image as gptproto_gpt_image_1;
use imagegen_gptproto::openai_gpt_image_2_text_to_image as gptproto_gpt_image_2;
use imagegen_vibedream::gpt_image_1 as vibedream_gpt_image_1;
use imagegen_vibedream::z_image_turbo;
use imagegen_wavespeed::openai_gpt_image_1 as wavespeed_gpt_image_1;

const PROMPT: &str = "a lighthouse at dusk";
const SKETCH: &str = "https://example.com/sketch.png";

/// The body `request` maps to on model `R`, built typed; the same request
/// built by name (`to_any` on the catalog entry) must send the same body.
fn body<R: ModelRequest + FromArgs>(request: &Generate) -> Value {
    let typed: R = request
        .to_request()
        .unwrap_or_else(|error| panic!("{}: {error}", R::MODEL.id));
    let typed = serde_json::to_value(&typed).unwrap();
    let name = format!("{}/{}", R::MODEL.provider.name, R::MODEL.id);
    let (_, entry) = imagegen::find_model(&name).unwrap();
    let any = request
        .to_any(entry)
        .unwrap_or_else(|error| panic!("{name}: {error}"));
    assert_eq!(any.to_json().unwrap(), typed, "{name}: typed and by name");
    typed
}

/// What model `R` cannot honour of `request`, checking the catalog entry
/// reports exactly the same.
fn unsupported<R: ModelRequest + FromArgs + std::fmt::Debug>(request: &Generate) -> Unsupported {
    let typed = request.to_request::<R>().unwrap_err();
    let name = format!("{}/{}", R::MODEL.provider.name, R::MODEL.id);
    let (_, entry) = imagegen::find_model(&name).unwrap();
    let any = request.to_any(entry).unwrap_err();
    assert_eq!(any, typed, "{name}: typed and by name");
    assert!(std::ptr::eq(typed.model(), R::MODEL));
    typed
}

fn lines(error: &Unsupported) -> Vec<String> {
    error.to_string().lines().map(str::to_owned).collect()
}

#[test]
fn each_model_gets_the_options_in_its_own_parameters_and_spelling() {
    let request = Generate::new(PROMPT)
        .size(1280, 720)
        .seed(42)
        .output_format(ImageFormat::Png)
        .reference_image(SKETCH);
    assert_eq!(
        body::<z_image_turbo::Request>(&request),
        json!({"prompt": PROMPT, "size": "1280*720", "seed": 42, "output_format": "png", "image": SKETCH})
    );
    // The same as the typed builder.
    let typed = z_image_turbo::Request::new(PROMPT)
        .size(z_image_turbo::Size::S1280x720)
        .seed(z_image_turbo::seed!(42))
        .output_format(z_image_turbo::OutputFormat::Png)
        .image(z_image_turbo::image!("https://example.com/sketch.png"));
    assert_eq!(
        request.to_request::<z_image_turbo::Request>().unwrap(),
        typed
    );

    let request = Generate::new(PROMPT)
        .size(1536, 1024)
        .quality(Quality::High);
    assert_eq!(
        body::<vibedream_gpt_image_1::Request>(&request),
        json!({"prompt": PROMPT, "size": "1536*1024", "quality": "high"})
    );

    let request = Generate::new(PROMPT)
        .size(1024, 1536)
        .quality(Quality::Low)
        .reference_image(SKETCH);
    assert_eq!(
        body::<wavespeed_gpt_image_1::Request>(&request),
        json!({"prompt": PROMPT, "size": "1024*1536", "quality": "low", "image": SKETCH})
    );

    // aimlapi's `n` is an enumerated number (only 1), sent as one.
    let request = Generate::new(PROMPT)
        .size(1024, 1024)
        .count(1)
        .output_format(ImageFormat::Jpeg)
        .quality(Quality::Medium);
    assert_eq!(
        body::<aimlapi_gpt_image_1::Request>(&request),
        json!({"model": "openai/gpt-image-1", "prompt": PROMPT, "size": "1024x1024", "n": 1,
               "output_format": "jpeg", "quality": "medium"})
    );

    let request = Generate::new(PROMPT)
        .size(1536, 1024)
        .count(3)
        .quality(Quality::Auto);
    assert_eq!(
        body::<gptproto_gpt_image_1::Request>(&request),
        json!({"prompt": PROMPT, "size": "1536x1024", "n": 3, "quality": "auto"})
    );

    let request = Generate::new(PROMPT)
        .size(2048, 1152)
        .count(10)
        .quality(Quality::High);
    assert_eq!(
        body::<gptproto_gpt_image_2::Request>(&request),
        json!({"prompt": PROMPT, "size": "2048x1152", "n": 10, "quality": "high"})
    );
}

#[test]
fn a_prompt_alone_maps_onto_every_model_that_needs_nothing_else() {
    let request = Generate::new(PROMPT);
    for (_, model) in imagegen::models() {
        let name = model.qualified_id();
        // What the model needs besides a prompt, by its spec.
        let needs: Vec<&str> = model
            .info
            .parameters
            .iter()
            .filter(|p| p.required && p.fixed.is_none() && p.meaning != Some(Meaning::Prompt))
            .map(|p| p.name)
            .collect();
        match request.to_any(model) {
            Ok(any) => {
                assert!(needs.is_empty(), "{name} needs {needs:?}, yet mapped");
                assert_eq!(
                    any.to_json().unwrap().get("prompt"),
                    Some(&json!(PROMPT)),
                    "{name}"
                );
            }
            Err(error) => {
                assert!(!needs.is_empty(), "{name} needs only a prompt: {error}");
                let text = error.to_string();
                for param in needs {
                    assert!(text.contains(&format!("`{param}`")), "{name}: {text}");
                }
                assert!(text.contains(&format!("{name} requires it")), "{text}");
            }
        }
    }
}

#[test]
fn the_wavespeed_edit_model_says_it_needs_its_reference_image() {
    let Some((_, model)) = imagegen::find_model("wavespeed/openai/gpt-image-1") else {
        return; // A seed model; nothing to check without its spec.
    };
    let error = Generate::new(PROMPT).to_any(model).unwrap_err();
    assert_eq!(
        error.to_string(),
        "reference_image (not given): wavespeed/openai/gpt-image-1 requires it, \
         as `image`: an http(s) URL of an image"
    );
}

#[test]
fn a_seed_on_vibedream_gpt_image_1_is_reported() {
    let error = unsupported::<vibedream_gpt_image_1::Request>(&Generate::new(PROMPT).seed(42));
    assert_eq!(
        error.to_string(),
        "seed 42: vibedream/gpt-image-1 has no seed parameter"
    );
    let [problem] = error.problems() else {
        panic!("{error:?}")
    };
    assert_eq!(problem.option(), Some(Meaning::Seed));
    assert_eq!(problem.value(), Some("42"));
    assert_eq!(problem.parameter(), None);
    assert_eq!(problem.reason(), &Reason::NoParameter);
}

#[test]
fn a_size_z_image_turbo_does_not_offer_is_reported_with_what_it_allows() {
    let request = Generate::new(PROMPT).size(2048, 1152);
    let error = unsupported::<z_image_turbo::Request>(&request);
    assert_eq!(
        error.to_string(),
        "size 2048x1152: vibedream/z-image-turbo cannot honour it: `size` = `2048*1152` \
         is not one of the allowed values; allowed: one of 512*512, 768*768, 1024*1024, \
         1024*768, 768*1024, 1280*720, 720*1280"
    );
    let problem = error.problem(Meaning::Size).unwrap();
    assert_eq!(
        problem.value(),
        Some("2048x1152"),
        "in the request's spelling"
    );
    assert_eq!(problem.parameter(), Some("size"));
    let Reason::Rejected(ArgError::Invalid(param)) = problem.reason() else {
        panic!("{problem:?}")
    };
    assert_eq!(param.value(), "2048*1152", "in the provider's spelling");
    assert_eq!(param.violation(), Violation::NotAllowed);
    // A preset on gpt-image-2.
    assert_eq!(
        body::<gptproto_gpt_image_2::Request>(&request)["size"],
        "2048x1152"
    );
}

#[test]
fn every_problem_is_reported_at_once_in_option_order() {
    let request = Generate::new(PROMPT)
        .quality(Quality::High)
        .output_format(ImageFormat::Gif)
        .seed(1 << 40)
        .count(4)
        .size(2048, 1152)
        // Text without a scheme is a local file; this one is a URL the
        // parameter refuses.
        .reference_image("ftp://example.com/sketch.png");
    let error = unsupported::<z_image_turbo::Request>(&request);
    let options: Vec<_> = error.problems().iter().map(|p| p.option()).collect();
    assert_eq!(
        options,
        [
            Some(Meaning::Size),
            Some(Meaning::Count),
            Some(Meaning::Seed),
            Some(Meaning::OutputFormat),
            Some(Meaning::ReferenceImage),
            Some(Meaning::Quality),
        ]
    );
    let lines = lines(&error);
    assert_eq!(lines.len(), 6, "{lines:#?}");
    assert!(
        lines
            .iter()
            .all(|line| line.contains("vibedream/z-image-turbo"))
    );
    assert_eq!(
        lines[1],
        "count 4: vibedream/z-image-turbo has no count parameter; it makes one image per request"
    );
    assert_eq!(
        lines[2],
        "seed 1099511627776: vibedream/z-image-turbo cannot honour it: `seed` = `1099511627776` \
         is above the maximum; allowed: an integer from -1 to 2147483647 (-1 = a random seed)"
    );
    assert_eq!(
        lines[3],
        "output_format gif: vibedream/z-image-turbo cannot honour it: `output_format` allows one of jpeg, png, webp"
    );
    assert!(
        lines[4].starts_with("reference_image ftp://example.com/sketch.png: vibedream/z-image-turbo cannot honour it: `image` = `ftp://example.com/sketch.png`"),
        "{}",
        lines[4]
    );
    assert_eq!(
        lines[5],
        "quality high: vibedream/z-image-turbo has no quality parameter"
    );
}

#[test]
fn output_formats_are_spelled_as_each_model_spells_them() {
    for (format, wire) in [
        (ImageFormat::Png, "png"),
        (ImageFormat::Jpeg, "jpeg"),
        (ImageFormat::WebP, "webp"),
    ] {
        let request = Generate::new(PROMPT).output_format(format);
        assert_eq!(
            body::<z_image_turbo::Request>(&request)["output_format"],
            wire
        );
        assert_eq!(
            body::<aimlapi_gpt_image_1::Request>(&request)["output_format"],
            wire
        );
    }
    let gif = Generate::new(PROMPT).output_format(ImageFormat::Gif);
    assert_eq!(
        unsupported::<aimlapi_gpt_image_1::Request>(&gif).to_string(),
        "output_format gif: aimlapi/openai/gpt-image-1 cannot honour it: `output_format` allows one of png, jpeg, webp"
    );
    let jpeg = Generate::new(PROMPT).output_format(ImageFormat::Jpeg);
    assert_eq!(
        unsupported::<gptproto_gpt_image_2::Request>(&jpeg).to_string(),
        "output_format jpeg: gptproto/openai/gpt-image-2/text-to-image has no output_format parameter"
    );
}

#[test]
fn qualities_are_honoured_only_where_the_model_offers_them() {
    for quality in [Quality::Low, Quality::Medium, Quality::High] {
        let request = Generate::new(PROMPT).quality(quality);
        for quality_sent in [
            body::<vibedream_gpt_image_1::Request>(&request)["quality"].clone(),
            body::<aimlapi_gpt_image_1::Request>(&request)["quality"].clone(),
            body::<gptproto_gpt_image_2::Request>(&request)["quality"].clone(),
        ] {
            assert_eq!(quality_sent, quality.as_str());
        }
    }
    let auto = Generate::new(PROMPT).quality(Quality::Auto);
    assert_eq!(
        body::<gptproto_gpt_image_1::Request>(&auto)["quality"],
        "auto"
    );
    let error = unsupported::<vibedream_gpt_image_1::Request>(&auto);
    assert_eq!(
        error.to_string(),
        "quality auto: vibedream/gpt-image-1 cannot honour it: `quality` allows one of low, medium, high"
    );
    assert_eq!(
        error.problems()[0].reason(),
        &Reason::NoChoice {
            parameter: "quality",
            choices: &["low", "medium", "high"]
        }
    );
}

#[test]
fn counts_go_to_the_count_parameter_within_its_range() {
    let ten = Generate::new(PROMPT).count(10);
    assert_eq!(body::<gptproto_gpt_image_2::Request>(&ten)["n"], 10);
    assert_eq!(
        unsupported::<gptproto_gpt_image_2::Request>(&Generate::new(PROMPT).count(11)).to_string(),
        "count 11: gptproto/openai/gpt-image-2/text-to-image cannot honour it: `n` = `11` is above \
         the maximum; allowed: an integer from 1 to 10"
    );
    // An enumerated count (aimlapi's `n`: only 1) refuses any other.
    assert_eq!(
        unsupported::<aimlapi_gpt_image_1::Request>(&Generate::new(PROMPT).count(2)).to_string(),
        "count 2: aimlapi/openai/gpt-image-1 cannot honour it: `n` = `2` is not one of the \
         allowed values; allowed: one of 1"
    );
    assert_eq!(
        unsupported::<gptproto_gpt_image_1::Request>(&Generate::new(PROMPT).count(0)).problems()[0]
            .to_string(),
        "count 0: gptproto/openai/gpt-image-1/text-to-image cannot honour it: `n` = `0` is below \
         the minimum; allowed: an integer from 1 to 10"
    );
    // One image per request is what a model without a count parameter makes.
    assert_eq!(
        body::<z_image_turbo::Request>(&Generate::new(PROMPT).count(1)),
        json!({"prompt": PROMPT})
    );
    assert_eq!(
        unsupported::<vibedream_gpt_image_1::Request>(&Generate::new(PROMPT).count(2)).to_string(),
        "count 2: vibedream/gpt-image-1 has no count parameter; it makes one image per request"
    );
}

#[test]
fn a_reference_image_goes_where_the_model_takes_one() {
    let request = Generate::new(PROMPT).reference_image(SKETCH);
    assert_eq!(
        body::<wavespeed_gpt_image_1::Request>(&request)["image"],
        SKETCH
    );
    assert_eq!(body::<z_image_turbo::Request>(&request)["image"], SKETCH);
    assert_eq!(
        unsupported::<aimlapi_gpt_image_1::Request>(&request).to_string(),
        format!(
            "reference_image {SKETCH}: aimlapi/openai/gpt-image-1 has no reference_image parameter"
        )
    );

    // WaveSpeed's gpt-image-1 edits an image: without one it cannot run.
    let error = unsupported::<wavespeed_gpt_image_1::Request>(&Generate::new(PROMPT).seed(7));
    assert_eq!(
        lines(&error),
        [
            "seed 7: wavespeed/openai/gpt-image-1 has no seed parameter",
            "reference_image (not given): wavespeed/openai/gpt-image-1 requires it, as `image`: \
             an http(s) URL of an image",
        ]
    );
    let missing = error.problem(Meaning::ReferenceImage).unwrap();
    assert_eq!(missing.value(), None);
    assert_eq!(missing.parameter(), Some("image"));
    assert!(matches!(
        missing.reason(),
        Reason::Required {
            parameter: "image",
            ..
        }
    ));
}

#[test]
fn gpt_image_2_takes_custom_sizes_within_its_rules_and_gpt_image_1_only_presets() {
    for (width, height) in [
        (1024, 1024),
        (3840, 2160),
        (1280, 720),
        (1024, 768),
        (2880, 960),
    ] {
        let request = Generate::new(PROMPT).size(width, height);
        assert_eq!(
            body::<gptproto_gpt_image_2::Request>(&request)["size"],
            format!("{width}x{height}")
        );
    }
    for (width, height, violation) in [
        (1000, 1000, Violation::NotMultiple),
        (4096, 2048, Violation::EdgeTooLong),
        (3200, 800, Violation::AspectTooExtreme),
        (512, 512, Violation::TooFewPixels),
    ] {
        let request = Generate::new(PROMPT).size(width, height);
        let error = unsupported::<gptproto_gpt_image_2::Request>(&request);
        let problem = error.problem(Meaning::Size).unwrap();
        let Reason::Rejected(ArgError::Invalid(param)) = problem.reason() else {
            panic!("{problem:?}")
        };
        assert_eq!(param.violation(), violation, "{width}x{height}: {error}");
        assert!(
            error.to_string().starts_with(&format!(
                "size {width}x{height}: gptproto/openai/gpt-image-2/text-to-image cannot honour it: \
                 `size` = `{width}x{height}` {violation}; allowed: one of 1024x1024"
            )),
            "{error}"
        );
    }
    let custom = Generate::new(PROMPT).size(1280, 720);
    assert_eq!(
        unsupported::<gptproto_gpt_image_1::Request>(&custom).to_string(),
        "size 1280x720: gptproto/openai/gpt-image-1/text-to-image cannot honour it: `size` = \
         `1280x720` is not one of the allowed values; allowed: one of 1024x1024, 1536x1024, 1024x1536"
    );
}

#[test]
fn the_arguments_are_in_the_providers_spelling() {
    let request = Generate::new(PROMPT).size(1024, 1024).count(2);
    let args = request
        .args_for(aimlapi_gpt_image_1::Request::MODEL)
        .unwrap();
    let pairs: Vec<_> = args.iter().collect();
    assert_eq!(
        pairs,
        [("prompt", PROMPT), ("size", "1024x1024"), ("n", "2")]
    );
    // The table alone cannot tell a custom size is out of bounds: that is
    // for the model's rules, in `to_request`.
    let args = Generate::new(PROMPT)
        .size(2048, 1152)
        .args_for(z_image_turbo::Request::MODEL)
        .unwrap();
    assert_eq!(args.get("size"), Some("2048*1152"));
}

#[tokio::test]
async fn nothing_is_sent_when_the_model_cannot_honour_the_request() {
    let sim = emulated::start_sim().await;
    let client: ClientFor<vibedream_gpt_image_1::Request> = emulated::client(&sim);
    let error = Generate::new(PROMPT)
        .seed(42)
        .send::<vibedream_gpt_image_1::Request>(&client)
        .await
        .unwrap_err();
    let SendError::Unsupported(unsupported) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        unsupported.to_string(),
        "seed 42: vibedream/gpt-image-1 has no seed parameter"
    );
    assert_eq!(error.to_string(), unsupported.to_string());
    assert!(sim.log().submissions.is_empty(), "{:?}", sim.log());
}

/// Sends `request` to model `M` on the emulator and returns the saved
/// images' dimensions.
async fn generate_on<M: ModelRequest + FromArgs>(
    sim: &imagegen_sim::Sim,
    request: &Generate,
) -> Vec<(u32, u32)> {
    let client: ClientFor<M> = emulated::client(sim);
    let generation = request
        .send::<M>(&client)
        .await
        .unwrap_or_else(|error| panic!("{}: {error}", M::MODEL.id));
    let dir = tempfile::tempdir().unwrap();
    let paths = generation.save_all(dir.path()).await.unwrap();
    paths
        .iter()
        .map(|path| {
            let image = image::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (image.width(), image.height())
        })
        .collect()
}

#[tokio::test]
async fn one_request_generates_on_two_providers() {
    let sim = emulated::start_sim().await;
    // A preset on z-image-turbo, a custom size on gpt-image-2; one image,
    // which z-image-turbo makes without being asked.
    let request = Generate::new(PROMPT).size(1280, 720).count(1);
    assert_eq!(
        generate_on::<z_image_turbo::Request>(&sim, &request).await,
        [(1280, 720)]
    );
    assert_eq!(
        generate_on::<gptproto_gpt_image_2::Request>(&sim, &request).await,
        [(1280, 720)]
    );

    // By name, through the catalog and a client chosen at run time.
    let request = Generate::new(PROMPT)
        .size(768, 1024)
        .output_format(ImageFormat::WebP);
    let (provider, model) = imagegen::find_model("vibedream/z-image-turbo").unwrap();
    let client = provider
        .connect(
            imagegen::runtime::ClientBuilder::new()
                .api_key(sim.api_key())
                .base_url(sim.base_url(provider.info.name))
                .poll_policy(emulated::fast_polls()),
        )
        .unwrap();
    let generation = client
        .generate(&request.to_any(model).unwrap())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let paths = generation.save_all(dir.path()).await.unwrap();
    let [path] = paths.as_slice() else {
        panic!("{paths:?}")
    };
    emulated::assert_image(
        path,
        emulated::Expected::new(768, 1024, image::ImageFormat::WebP),
    );

    let sent: Vec<_> = sim
        .log()
        .submissions
        .iter()
        .map(|s| (s.model.clone().unwrap_or_default(), s.body.clone()))
        .collect();
    assert_eq!(
        sent,
        [
            (
                "z-image-turbo".to_owned(),
                json!({"prompt": PROMPT, "size": "1280*720"})
            ),
            (
                "openai/gpt-image-2/text-to-image".to_owned(),
                json!({"prompt": PROMPT, "size": "1280x720", "n": 1})
            ),
            (
                "z-image-turbo".to_owned(),
                json!({"prompt": PROMPT, "size": "768*1024", "output_format": "webp"})
            ),
        ]
    );
}
