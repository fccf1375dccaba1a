//! The user's own model, both ways: from the crate `imagegen codegen`
//! wrote (`wavespeed_models`), and from the module build.rs wrote
//! (included here, at the crate root, as the generated code expects). Both
//! are sent to the emulator, which serves the same spec.

use std::path::Path;
use std::time::Duration;

use imagegen_sim::{Sim, SimConfig};

include!(concat!(env!("OUT_DIR"), "/wavespeed.rs"));

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args().nth(1).unwrap_or_else(|| "out".to_owned());
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let sim = Sim::start(
        SimConfig::new()
            .complete_after(Duration::from_millis(200))
            .own_specs(&specs),
    )
    .await?;

    // The crate written by `imagegen codegen`: literals checked when this compiles.
    use wavespeed_models::acme_house_style as crate_model;
    let client = wavespeed_models::Client::builder()
        .api_key(sim.api_key())
        .base_url(sim.base_url("wavespeed"))
        .build()?;
    let request = crate_model::Request::new("a fox in the snow")
        .size(crate_model::Size::S1024x768)
        .strength(crate_model::strength!(0.7))
        .seed(crate_model::seed!(42));
    for path in client.generate(&request).await?.save_all(&out).await? {
        println!("crate: {}", path.display());
    }
    // A value outside the documented range is refused before anything is sent.
    let refused = crate_model::Strength::try_new(1.5).expect_err("above the maximum");
    println!("refused: {refused}");

    // The module written by build.rs, at this crate's root.
    let client = Client::builder()
        .api_key(sim.api_key())
        .base_url(sim.base_url("wavespeed"))
        .build()?;
    let request = acme_house_style::Request::new("a lighthouse at dusk")
        .seed(acme_house_style::seed!(7));
    for path in client.generate(&request).await?.save_all(&out).await? {
        println!("build.rs: {}", path.display());
    }
    Ok(())
}
