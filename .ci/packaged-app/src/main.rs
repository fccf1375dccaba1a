//! Uses the packaged crates as a user would: the typed WaveSpeed client and
//! the catalog by name, both against the emulator, and checks what came back.

use std::time::Duration;

use imagegen_sim::{Sim, SimConfig};
use imagegen_wavespeed::wavespeed_ai_flux_dev::Request;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sim = Sim::start(SimConfig::new().complete_after(Duration::from_millis(200))).await?;
    let out = std::env::args().nth(1).ok_or("usage: packaged-app OUT_DIR")?;

    let client = imagegen_wavespeed::Client::builder()
        .api_key(sim.api_key())
        .base_url(sim.base_url("wavespeed"))
        .build()?;
    let generation = client.generate(&Request::new("a fox")).await?;
    let saved = generation.save_all(&out).await?;
    if saved.is_empty() {
        return Err("the typed client saved no image".into());
    }
    for path in &saved {
        let bytes = std::fs::metadata(path)?.len();
        if bytes == 0 {
            return Err(format!("{} is empty", path.display()).into());
        }
        println!("typed: {} ({bytes} bytes)", path.display());
    }

    let models = imagegen::models().count();
    if models < 30 {
        return Err(format!("the packaged catalog holds {models} models").into());
    }
    println!("catalog: {models} models");
    Ok(())
}
