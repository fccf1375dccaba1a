// The valid counterparts of the compile-fail cases.
use imagegen_gptproto::openai_gpt_image_1_text_to_image as gptproto_gpt_image_1;
use imagegen_gptproto::openai_gpt_image_2_text_to_image as gpt_image_2;
use imagegen_vibedream::{gpt_image_1, z_image_turbo};
use imagegen_wavespeed::google_gemini_2_5_flash_image_edit as nano_banana_edit;
use imagegen_wavespeed::ideogram_ai_ideogram_v3_turbo as ideogram;
use imagegen_wavespeed::wavespeed_ai_flux_dev as flux_dev;
use imagegen_wavespeed::wavespeed_ai_flux_dev_lora as flux_dev_lora;
use imagegen_aimlapi::flux_dev as aimlapi_flux_dev;
use imagegen_aimlapi::openai_gpt_image_1 as aimlapi_gpt_image_1;

fn main() {
    // Strength at both ends of its range and on its step.
    assert_eq!(z_image_turbo::strength!(0).get(), 0.0);
    assert_eq!(z_image_turbo::strength!(0.6).get(), 0.6);
    assert_eq!(z_image_turbo::strength!(1).get(), 1.0);
    assert_eq!(z_image_turbo::strength!(1.0), z_image_turbo::Strength::MAX);

    // Seed at both ends, including the -1 sentinel.
    assert_eq!(z_image_turbo::seed!(-1), z_image_turbo::Seed::RANDOM);
    assert_eq!(z_image_turbo::seed!(2147483647).get(), 2_147_483_647);

    // gpt-image-2: a preset, a custom size, and 3:1 exactly.
    assert_eq!(gpt_image_2::size!("2048x1152"), gpt_image_2::Size::S2048x1152);
    assert_eq!(gpt_image_2::size!("1008x1008").dimensions(), Some((1008, 1008)));
    assert_eq!(gpt_image_2::size!("3072x1024").dimensions(), Some((3072, 1024)));

    // Text and URLs.
    assert_eq!(gptproto_gpt_image_1::prompt!("a").as_str(), "a");
    assert_eq!(z_image_turbo::image!("https://example.com/photo.jpg").as_url(), Some("https://example.com/photo.jpg"));

    // Each model with its own size, and a full request.
    let _ = gpt_image_1::Request::new("a lighthouse").size(gpt_image_1::Size::S1024x1536);
    let request = z_image_turbo::Request::new("a lighthouse")
        .size(z_image_turbo::Size::S512x512)
        .strength(z_image_turbo::strength!(0.3))
        .seed(z_image_turbo::seed!(42));
    let json = serde_json::to_string(&request).unwrap();
    assert_eq!(json, r#"{"prompt":"a lighthouse","size":"512*512","strength":0.3,"seed":42}"#);

    // Lists of images: from one to the most allowed, sent as a JSON array.
    let images = nano_banana_edit::images!["https://example.com/1.png", "https://example.com/2.png"];
    assert_eq!(images.len(), 2);
    let edit = nano_banana_edit::Request::new("make it snow", images);
    assert_eq!(
        serde_json::to_value(&edit).unwrap()["images"],
        serde_json::json!(["https://example.com/1.png", "https://example.com/2.png"])
    );
    assert_eq!(ideogram::reference_images!["https://example.com/a.png", "https://example.com/b.png", "https://example.com/c.png"].len(), 3);

    // An aspect ratio, and a size documented by no preset (any W*H).
    let _ = ideogram::AspectRatio::Ratio16x9;
    assert_eq!(flux_dev::size!("1024*768").dimensions(), Some((1024, 768)));

    // Lists of objects: LoRAs, each field checked by its own literal macro,
    // sent as an array of objects.
    let loras = flux_dev_lora::loras![
        flux_dev_lora::LorasItem::new("acme/style", flux_dev_lora::loras_scale!(4.0)),
        flux_dev_lora::LorasItem::new("acme/other", flux_dev_lora::loras_scale!(0)),
    ];
    let request = flux_dev_lora::Request::new("a fox").loras(loras);
    assert_eq!(
        serde_json::to_value(&request).unwrap()["loras"],
        serde_json::json!([{"path": "acme/style", "scale": 4.0}, {"path": "acme/other", "scale": 0.0}])
    );

    // A size sent as an object, and a preset by name.
    let request = aimlapi_flux_dev::Request::new(aimlapi_flux_dev::prompt!("a fox"))
        .image_size(aimlapi_flux_dev::image_size!("1024x768"));
    assert_eq!(
        serde_json::to_value(&request).unwrap()["image_size"],
        serde_json::json!({"width": 1024, "height": 768})
    );
    let request = aimlapi_flux_dev::Request::new(aimlapi_flux_dev::prompt!("a fox"))
        .image_size(aimlapi_flux_dev::ImageSize::SquareHd);
    assert_eq!(serde_json::to_value(&request).unwrap()["image_size"], "square_hd");

    // An enumerated number, sent as a JSON number.
    let request = aimlapi_gpt_image_1::Request::new(aimlapi_gpt_image_1::prompt!("a fox"))
        .n(aimlapi_gpt_image_1::N::V1);
    assert_eq!(serde_json::to_value(&request).unwrap()["n"], 1);
}
