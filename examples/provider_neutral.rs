//! One provider-neutral request, sent to two providers.
//!
//! ```text
//! cargo run -p imagegen-tests --example provider_neutral
//! ```
//!
//! It runs offline: the emulator (`imagegen-sim`) stands in for VibeDream
//! and GPTProto on loopback and answers with real images. Against the real
//! services, build the client with `ClientFor::<Model>::from_env()?` instead.

use std::error::Error;
use std::path::Path;
use std::time::Duration;

use imagegen::neutral::{ClientFor, Generate};
use imagegen::runtime::ModelRequest;
use imagegen::runtime::args::FromArgs;
use imagegen_sim::{Sim, SimConfig};

// Switching provider is switching this one name.
type ZImageTurbo = imagegen::vibedream::z_image_turbo::Request;
type GptImage2 = imagegen::gptproto::openai_gpt_image_2_text_to_image::Request;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    // Predictions finish after half a second instead of the documented 1-3 s.
    let sim = Sim::start(SimConfig::new().complete_after(Duration::from_millis(500))).await?;
    let out = std::env::temp_dir().join("imagegen-provider-neutral");

    // 1280x720 is one of z-image-turbo's presets, and a custom size within
    // gpt-image-2's rules: each model gets it in its own spelling.
    let request = Generate::new("a lighthouse at dusk, oil on canvas").size(1280, 720);
    generate::<ZImageTurbo>(&sim, &request, &out).await?;
    generate::<GptImage2>(&sim, &request, &out).await?;

    // What a model cannot honour is reported before anything is sent, all
    // at once, in the request's own terms.
    let asking_more = request.seed(42).size(2048, 1152);
    for unsupported in [
        asking_more.to_request::<ZImageTurbo>().err(),
        asking_more.to_request::<GptImage2>().err(),
    ]
    .into_iter()
    .flatten()
    {
        println!("not sent:\n{unsupported}");
    }
    Ok(())
}

/// Generates `request` on `Model` and saves the images under `out`.
async fn generate<Model: ModelRequest + FromArgs>(
    sim: &Sim,
    request: &Generate,
    out: &Path,
) -> Result<(), Box<dyn Error>> {
    let provider = Model::MODEL.provider.name;
    let client = ClientFor::<Model>::builder()
        .api_key(sim.api_key())
        .base_url(sim.base_url(provider))
        .build()?;
    let generation = request.send::<Model>(&client).await?;
    for path in generation.save_all(out.join(provider)).await? {
        println!("{provider}/{}: {}", Model::MODEL.id, path.display());
    }
    Ok(())
}
