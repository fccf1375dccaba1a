//! `imagegen sim`: the provider emulator in the foreground until Ctrl-C,
//! printing what `imagegen-sim` prints: each provider's base URL and the
//! shell lines that point clients (this CLI included) at it.

use std::io::Write;
use std::time::Duration;

use clap::ArgMatches;
use imagegen_sim::{Sim, SimConfig};

use crate::failure::Failure;

/// Starts the emulator, prints how to reach it, serves until Ctrl-C.
pub async fn run(matches: &ArgMatches) -> Result<(), Failure> {
    let port = matches.get_one::<u16>("port").copied().unwrap_or(0);
    let mut config = SimConfig::new().api_port(port);
    if let Some(&ms) = matches.get_one::<u64>("completion-ms") {
        config = config.complete_after(Duration::from_millis(ms));
    }
    let sim = Sim::start(config)
        .await
        .map_err(|error| Failure::other(format!("cannot start the emulator: {error}")))?;
    // Flushed at once: whoever reads our stdout (a test, a script waiting
    // for the URLs) must see it while we keep running.
    let printed = {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(banner(&sim).as_bytes())
            .and_then(|()| stdout.flush())
    };
    if let Err(error) = printed {
        sim.shutdown().await;
        return Err(Failure::other(format!("cannot write to stdout: {error}")));
    }
    let interrupted = tokio::signal::ctrl_c().await;
    sim.shutdown().await;
    interrupted
        .map_err(|error| Failure::other(format!("cannot wait for Ctrl-C ({error}); stopped")))
}

/// The emulator's banner, with a command to try.
fn banner(sim: &Sim) -> String {
    sim.banner(
        "imagegen sim",
        Some(
            "With those variables set, in another shell:\n  \
             imagegen generate vibedream/z-image-turbo --prompt \"a lighthouse at dusk\" --out out",
        ),
    )
}
