//! Values known only at runtime go through `try_new`, `TryFrom` and `FromStr`
//! and are rejected with one typed error naming the parameter, the value and
//! what is allowed, before anything could be sent. And the request types
//! carry what the runtime needs (endpoint, method, protocol, model id).

use imagegen_aimlapi::openai_gpt_image_1 as aimlapi;
use imagegen_gptproto::openai_gpt_image_2_text_to_image as gpt_image_2;
use imagegen_runtime::info::{HttpMethod, Protocol};
use imagegen_runtime::{ModelRequest, ParamError, Provider, Violation};
use imagegen_vibedream::{gpt_image_1, z_image_turbo};
use imagegen_wavespeed::openai_gpt_image_1 as wavespeed;

fn assert_rejects(
    result: Result<impl std::fmt::Debug, ParamError>,
    parameter: &str,
    violation: Violation,
    message: &str,
) {
    let error = result.expect_err("the value breaks the documented rules");
    assert_eq!(error.parameter(), parameter);
    assert_eq!(error.violation(), violation);
    assert_eq!(error.to_string(), message);
}

#[test]
fn numbers_out_of_range_and_off_step() {
    assert_rejects(
        z_image_turbo::Strength::try_new(1.5),
        "strength",
        Violation::AboveMaximum,
        "invalid `strength`: `1.5` is above the maximum; allowed: a number from 0 to 1 in steps of 0.1",
    );
    assert_rejects(
        z_image_turbo::Strength::try_from(0.65),
        "strength",
        Violation::OffStep,
        "invalid `strength`: `0.65` is not a whole number of steps; allowed: a number from 0 to 1 in steps of 0.1",
    );
    assert_rejects(
        "NaN".parse::<z_image_turbo::Strength>(),
        "strength",
        Violation::NotFinite,
        "invalid `strength`: `NaN` is not a finite number; allowed: a number from 0 to 1 in steps of 0.1",
    );
    assert_rejects(
        "six tenths".parse::<z_image_turbo::Strength>(),
        "strength",
        Violation::Malformed,
        "invalid `strength`: `six tenths` is not well-formed; allowed: a number from 0 to 1 in steps of 0.1",
    );
    assert_rejects(
        z_image_turbo::Seed::try_new(-2),
        "seed",
        Violation::BelowMinimum,
        "invalid `seed`: `-2` is below the minimum; allowed: an integer from -1 to 2147483647 (-1 = a random seed)",
    );
    // aimlapi's current schema allows only one image a request, sent as a
    // JSON number.
    assert_rejects(
        "2".parse::<aimlapi::N>(),
        "n",
        Violation::NotAllowed,
        "invalid `n`: `2` is not one of the allowed values; allowed: one of 1; did you mean `1`?",
    );
    assert_eq!(
        serde_json::to_value(aimlapi::N::V1).unwrap(),
        serde_json::json!(1)
    );
    assert_rejects(
        "101".parse::<aimlapi::OutputCompression>(),
        "output_compression",
        Violation::AboveMaximum,
        "invalid `output_compression`: `101` is above the maximum; allowed: an integer from 0 to 100",
    );
}

#[test]
fn valid_numbers_round_trip() {
    assert_eq!(
        z_image_turbo::Strength::try_new(0.1 + 0.2)
            .unwrap()
            .to_string(),
        "0.3"
    );
    assert_eq!(
        "0.6".parse::<z_image_turbo::Strength>().unwrap(),
        z_image_turbo::Strength::DEFAULT
    );
    assert_eq!(z_image_turbo::Strength::MAX.get(), 1.0);
    assert_eq!(
        z_image_turbo::Seed::try_new(2_147_483_647).unwrap(),
        z_image_turbo::Seed::MAX
    );
    assert_eq!(i64::from(z_image_turbo::Seed::RANDOM), -1);
    assert_eq!(aimlapi::OutputCompression::MIN.get(), 0);
}

#[test]
fn enumerated_values_with_suggestions_for_near_misses() {
    let error = "1024x1024".parse::<z_image_turbo::Size>().unwrap_err();
    assert_eq!(error.violation(), Violation::NotAllowed);
    assert_eq!(error.suggestion(), Some("1024*1024"));
    assert_eq!(
        error.to_string(),
        "invalid `size`: `1024x1024` is not one of the allowed values; allowed: one of 512*512, 768*768, 1024*1024, \
         1024*768, 768*1024, 1280*720, 720*1280; did you mean `1024*1024`?"
    );
    let error = "1024*1024".parse::<aimlapi::Size>().unwrap_err();
    assert_eq!(
        error.suggestion(),
        Some("1024x1024"),
        "and the other way round"
    );
    let error = "ultra".parse::<gpt_image_1::Quality>().unwrap_err();
    assert_eq!(error.suggestion(), None);
    assert_eq!(
        error.to_string(),
        "invalid `quality`: `ultra` is not one of the allowed values; allowed: one of low, medium, high"
    );
    assert_eq!(
        "hihg"
            .parse::<gpt_image_1::Quality>()
            .unwrap_err()
            .suggestion(),
        Some("high")
    );
    assert_eq!(
        wavespeed::Size::try_from("auto").unwrap(),
        wavespeed::Size::Auto
    );
    assert_eq!(wavespeed::Size::Auto.dimensions(), None);
    assert_eq!(wavespeed::Size::S1536x1024.dimensions(), Some((1536, 1024)));
}

#[test]
fn gpt_image_2_custom_sizes_follow_every_documented_rule() {
    use gpt_image_2::{CustomSize, Size};
    assert_eq!(
        "2048x1152".parse::<Size>().unwrap(),
        Size::S2048x1152,
        "presets stay presets"
    );
    assert_eq!(
        "1280x720".parse::<Size>().unwrap(),
        Size::Custom(CustomSize::try_new(1280, 720).unwrap())
    );
    assert_eq!(
        "3072x1024".parse::<Size>().unwrap().dimensions(),
        Some((3072, 1024)),
        "3:1 exactly"
    );
    let rejected = [
        ("1000x1000", Violation::NotMultiple),
        ("3840x1024", Violation::AspectTooExtreme),
        ("3856x2160", Violation::EdgeTooLong),
        ("512x512", Violation::TooFewPixels),
        ("3840x2176", Violation::TooManyPixels),
        ("1280*720", Violation::Malformed),
        ("big", Violation::Malformed),
    ];
    for (text, violation) in rejected {
        let error = text.parse::<Size>().unwrap_err();
        assert_eq!(
            (error.parameter(), error.value(), error.violation()),
            ("size", text, violation),
            "{text}"
        );
        assert!(
            error.allowed().ends_with(
                "or a custom WxH size with both sides multiples of 16, longest side at most 3840, aspect ratio at \
                 most 3:1, 655360 to 8294400 pixels in total"
            ),
            "{error}"
        );
    }
    assert_eq!("1280*720".parse::<Size>().unwrap_err().suggestion(), None);
    // A custom size never equals a preset, so equal sizes compare equal.
    assert_rejects(
        CustomSize::try_new(2048, 1152),
        "size",
        Violation::PresetSize,
        "invalid `size`: `2048x1152` is a preset size, not a custom one: use its variant; allowed: one of 1024x1024, \
         1536x1024, 1024x1536, 2048x2048, 2048x1152, 3840x2160, 2160x3840, or a custom WxH size with both sides \
         multiples of 16, longest side at most 3840, aspect ratio at most 3:1, 655360 to 8294400 pixels in total",
    );
    assert_eq!(
        CustomSize::try_new(1000, 1000).unwrap_err().value(),
        "1000x1000"
    );
}

#[test]
fn text_and_urls() {
    assert_rejects(
        gpt_image_2::Prompt::try_new(""),
        "prompt",
        Violation::TooShort,
        "invalid `prompt`: `` is too short; allowed: text of 1 to 32000 characters",
    );
    let long = "日".repeat(32_001);
    let error = gpt_image_2::Prompt::try_new(long.clone()).unwrap_err();
    assert_eq!(error.violation(), Violation::TooLong);
    assert_eq!(error.value(), long, "the whole value is kept");
    assert!(
        error.to_string().contains("(32001 characters) is too long"),
        "{error}"
    );
    assert!(
        gpt_image_2::Prompt::try_new("日".repeat(32_000)).is_ok(),
        "the limit counts characters, not bytes"
    );

    assert_rejects(
        wavespeed::MaskImage::try_new("ftp://example.com/mask.png"),
        "mask_image",
        Violation::Malformed,
        "invalid `mask_image`: `ftp://example.com/mask.png` is not well-formed; allowed: an http(s) URL of a PNG image",
    );
    // The macros' hidden constructor re-checks, so it cannot make an invalid value.
    let bypass = std::panic::catch_unwind(|| gpt_image_2::Prompt::__literal(""));
    assert!(bypass.is_err());
    let image: z_image_turbo::Image = "https://example.com/a.webp".parse().unwrap();
    assert_eq!(image.as_url(), Some("https://example.com/a.webp"));
}

#[test]
fn image_text_without_a_scheme_is_a_local_file() {
    use imagegen_runtime::image::ImageSource;
    // Text with a scheme is a URL, checked as one; text without is a path,
    // checked (and uploaded) when the request is sent.
    for path in [
        "./photo.png",
        "photo.png",
        "/tmp/a:b.png",
        "C:\\photos\\cat.jpg",
        "not a URL",
    ] {
        let image: wavespeed::Image = path.parse().unwrap();
        assert_eq!(image.source(), &ImageSource::Path(path.into()), "{path}");
        assert_eq!(image.as_url(), None);
        // Its JSON (what a batch manifest records) is the path as given.
        assert_eq!(
            serde_json::to_value(&image).unwrap(),
            serde_json::json!(path)
        );
    }
    for url in [
        "ftp://example.com/a.png",
        "file:///etc/passwd",
        "data:image/png;base64,AA",
    ] {
        let error = url.parse::<wavespeed::Image>().unwrap_err();
        assert_eq!(error.parameter(), "image", "{url}");
    }
    assert!("".parse::<wavespeed::Image>().is_err());
    // Bytes have no text form: writing them as JSON is an error, never a
    // silent placeholder.
    let bytes = wavespeed::Image::bytes(vec![0x89, b'P', b'N', b'G']);
    assert!(bytes.source().is_local());
    let error = serde_json::to_value(&bytes).unwrap_err().to_string();
    assert!(error.contains("4 bytes in memory"), "{error}");
    assert_eq!(format!("{:?}", bytes.source()), "Bytes(4 bytes)");
    // The typed constructors say which is meant.
    assert!(wavespeed::Image::url("./photo.png").is_err());
    assert_eq!(
        wavespeed::Image::path("https://example.com/a.png").source(),
        &ImageSource::Path("https://example.com/a.png".into())
    );
}

#[test]
fn request_types_carry_what_the_runtime_needs() {
    fn described<R: ModelRequest>(
        _: &R,
    ) -> (
        &'static str,
        &'static str,
        HttpMethod,
        Protocol,
        &'static str,
    ) {
        let model = R::MODEL;
        (
            model.provider.name,
            model.id,
            model.submit.method,
            <R::Provider as Provider>::INFO.protocol,
            model.submit.path,
        )
    }
    assert_eq!(
        described(&z_image_turbo::Request::new("x")),
        (
            "vibedream",
            "z-image-turbo",
            HttpMethod::Post,
            Protocol::FlatPredictionQueue,
            "/api/v1/models/z-image-turbo/generate"
        )
    );
    assert_eq!(
        described(&wavespeed::Request::new(
            "x",
            wavespeed::image!("https://example.com/a.png")
        )),
        (
            "wavespeed",
            "openai/gpt-image-1",
            HttpMethod::Post,
            Protocol::EnvelopePredictionQueue,
            "/api/v3/openai/gpt-image-1"
        )
    );
    assert_eq!(
        described(&aimlapi::Request::new(aimlapi::prompt!("x"))),
        (
            "aimlapi",
            "openai/gpt-image-1",
            HttpMethod::Post,
            Protocol::OpenAiSync,
            "/v1/images/generations"
        )
    );
    assert_eq!(
        described(&gpt_image_2::Request::new(gpt_image_2::prompt!("x"))),
        (
            "gptproto",
            "openai/gpt-image-2/text-to-image",
            HttpMethod::Post,
            Protocol::EnvelopePredictionQueue,
            "/api/v3/openai/gpt-image-2/text-to-image"
        )
    );
    assert_eq!(aimlapi::MODEL.submit.success_status, Some(201));
    assert_eq!(
        imagegen_vibedream::PROVIDER.result.unwrap().path,
        "/api/v1/predictions/{id}"
    );
    assert_eq!(imagegen_gptproto::PROVIDER.auth.env_var, "GPTPROTO_API_KEY");
    assert_eq!(
        imagegen_gptproto::PROVIDER
            .error_for_http_status(400)
            .map(|e| e.kind),
        Some(imagegen_runtime::info::ErrorKind::ContentPolicy),
        "content policy is documented as 503 but sent as 400"
    );
    assert_eq!(
        z_image_turbo::MODEL
            .estimated_time
            .map(|t| (t.min_ms, t.max_ms)),
        Some((1000, 3000))
    );
    assert_eq!(gpt_image_1::MODEL.cost_cents, Some(7));
    assert_eq!(
        z_image_turbo::MODEL.parameter("strength").unwrap().default,
        Some("0.6")
    );
}

#[test]
fn sync_mode_and_base64_requests_are_visible_to_the_runtime() {
    let plain = gpt_image_1::Request::new("x");
    assert!(!plain.sync_mode_requested() && !plain.base64_output_requested());
    let both = plain.enable_sync_mode(true).enable_base64_output(true);
    assert!(both.sync_mode_requested() && both.base64_output_requested());
    let b64 = gpt_image_2::Request::new(gpt_image_2::prompt!("x"))
        .response_format(gpt_image_2::ResponseFormat::B64Json);
    assert!(b64.base64_output_requested());
    assert!(
        !aimlapi::Request::new(aimlapi::prompt!("x")).base64_output_requested(),
        "its default is url"
    );
    assert_eq!(gpt_image_2::MODEL.sync_mode, Some("enable_sync_mode"));
    assert_eq!(
        z_image_turbo::MODEL.sync_mode,
        None,
        "not documented for z-image-turbo"
    );
}

#[test]
fn sizes_sent_as_objects_and_lists_of_objects_on_the_wire() {
    use imagegen_aimlapi::recraft_v3::{Colors, ImageSize};
    use serde_json::json;

    // A custom size is written `WxH` in Rust and sent as an object.
    let custom: ImageSize = "1024x768".parse().unwrap();
    assert_eq!(
        serde_json::to_value(custom).unwrap(),
        json!({"width": 1024, "height": 768})
    );
    let read: ImageSize = serde_json::from_value(json!({"width": 1024, "height": 768})).unwrap();
    assert_eq!(read, custom);
    let preset: ImageSize = serde_json::from_value(json!("square_hd")).unwrap();
    assert_eq!(serde_json::to_value(preset).unwrap(), json!("square_hd"));

    // On the wire a string is only ever a preset.
    let error = serde_json::from_value::<ImageSize>(json!("1024x768")).unwrap_err();
    assert!(
        error.to_string().starts_with(
            "invalid `image_size`: `1024x768` is not one of the allowed values; allowed: one of square_hd"
        ),
        "{error}"
    );
    // The object's sides follow the custom-size rules; other fields are refused.
    let error =
        serde_json::from_value::<ImageSize>(json!({"width": 1000, "height": 768})).unwrap_err();
    assert!(error.to_string().contains("not a multiple"), "{error}");
    let error =
        serde_json::from_value::<ImageSize>(json!({"width": 1024, "height": 768, "depth": 1}))
            .unwrap_err();
    assert!(error.to_string().contains("is not well-formed"), "{error}");

    // Each item of a list of objects has its documented fields, no others.
    let colors: Colors = serde_json::from_value(json!([{"r": 1, "g": 2, "b": 3}])).unwrap();
    assert_eq!(
        serde_json::to_value(&colors).unwrap(),
        json!([{"r": 1, "g": 2, "b": 3}])
    );
    let missing = serde_json::from_value::<Colors>(json!([{"r": 1, "g": 2}])).unwrap_err();
    assert!(
        missing.to_string().starts_with(
            "invalid `colors[0].b`: `{\"g\":2,\"r\":1}` is an item without this required field"
        ),
        "{missing}"
    );
    let unknown =
        serde_json::from_value::<Colors>(json!([{"r": 1, "g": 2, "b": 3, "a": 4}])).unwrap_err();
    assert!(
        unknown
            .to_string()
            .starts_with("invalid `colors[0]`: `a` is not a documented field of the item"),
        "{unknown}"
    );
    let out_of_range =
        serde_json::from_value::<Colors>(json!([{"r": 256, "g": 2, "b": 3}])).unwrap_err();
    assert!(
        out_of_range.to_string().contains("above the maximum"),
        "{out_of_range}"
    );
}
