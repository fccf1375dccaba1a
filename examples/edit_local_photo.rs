//! Editing a photo on disk with WaveSpeed's gpt-image-1: the client checks
//! the file, uploads it through WaveSpeed's upload endpoint and sends its
//! URL, all inside `generate`.
//!
//! ```text
//! cargo run -p imagegen-tests --example edit_local_photo
//! ```
//!
//! It runs offline against the emulator (`imagegen-sim`), which serves the
//! upload endpoint as documented and makes the edit's output from the
//! uploaded image. Against the real service, build the client with
//! `Client::from_env()?` (the key from `WAVESPEED_API_KEY`).

use std::error::Error;
use std::time::Duration;

use imagegen::wavespeed::Client;
use imagegen::wavespeed::openai_gpt_image_1::{Image, Request};
use imagegen_sim::{Sim, SimConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let sim = Sim::start(SimConfig::new().complete_after(Duration::from_millis(500))).await?;
    let dir = std::env::temp_dir().join("imagegen-edit-local-photo");
    std::fs::create_dir_all(&dir)?;

    // A photo on disk (here: drawn for the example).
    let photo = dir.join("photo.png");
    image::RgbImage::from_pixel(320, 240, image::Rgb([40, 90, 160])).save(&photo)?;

    let client = Client::builder()
        .api_key(sim.api_key())
        .base_url(sim.base_url("wavespeed"))
        .build()?;
    // `Image::path` (or parsing "./photo.png"): checked when the request is
    // sent (a real JPEG, PNG, GIF or WebP, under WaveSpeed's 20 MB), then
    // uploaded; a bad file is an error before anything is paid for.
    let request = Request::new("make it snow", Image::path(&photo));
    let generation = client.generate(&request).await?;
    for path in generation.save_all(dir.join("out")).await? {
        println!("{}", path.display());
    }
    Ok(())
}
