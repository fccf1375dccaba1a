//! The two ways of building the same OpenAI images request that
//! `benches/request_build.rs` compares; here so a test can check they
//! serialise to the same JSON.

use std::hint::black_box;
use std::str::FromStr as _;

use async_openai::types::images::{
    CreateImageRequest, CreateImageRequestArgs, ImageModel, ImageOutputFormat, ImageQuality,
    ImageSize,
};
use imagegen_aimlapi::openai_gpt_image_1::{N, OutputFormat, Prompt, Quality, Request, Size};

/// imagegen: every value validated against the spec's rules (the prompt's
/// length, `n`'s range; the size parsed from text, as a CLI or config
/// value arrives), then serialised.
pub fn imagegen(prompt: &str, size: &str) -> Vec<u8> {
    let request = Request::new(Prompt::try_new(prompt).expect("a valid prompt"))
        .size(Size::from_str(size).expect("a documented size"))
        .quality(Quality::High)
        .n(N::try_new(1).expect("1 is in range"))
        .output_format(OutputFormat::Png);
    serde_json::to_vec(black_box(&request)).expect("serialises")
}

/// async-openai: its builder (which checks nothing), then serialised. The
/// model named as aimlapi names it.
pub fn async_openai(prompt: &str, size: &str) -> Vec<u8> {
    let request: CreateImageRequest = CreateImageRequestArgs::default()
        .prompt(prompt)
        .model(ImageModel::Other("openai/gpt-image-1".to_owned()))
        .size(match size {
            "1024x1024" => ImageSize::S1024x1024,
            "1536x1024" => ImageSize::S1536x1024,
            "1024x1536" => ImageSize::S1024x1536,
            other => ImageSize::Other(other.to_owned()),
        })
        .quality(ImageQuality::High)
        .n(1)
        .output_format(ImageOutputFormat::Png)
        .build()
        .expect("builds");
    serde_json::to_vec(black_box(&request)).expect("serialises")
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_send_the_same_request() {
        let prompt = "A T-Rex relaxing on a beach";
        let parse = |bytes: Vec<u8>| serde_json::from_slice::<serde_json::Value>(&bytes).unwrap();
        assert_eq!(
            parse(super::imagegen(prompt, "1024x1024")),
            parse(super::async_openai(prompt, "1024x1024"))
        );
    }
}
