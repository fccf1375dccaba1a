//! `imagegen-sim`: runs the emulator until Ctrl-C, printing each provider's
//! base URL and the environment lines that point clients at it.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use imagegen_sim::{Completion, DEFAULT_API_KEY, Sim, SimConfig};

/// A loopback emulator of every imagegen provider's API.
///
/// Serves each provider under http://127.0.0.1:PORT/<provider>, with its
/// documented paths after the prefix, and the generated images from a second
/// origin. Faults can be injected with `POST /__sim/faults`; `GET /__sim/log`
/// shows what happened.
#[derive(Debug, Parser)]
#[command(name = "imagegen-sim", version)]
struct Args {
    /// Port of the API listener (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Port of the assets listener (0: any free port).
    #[arg(long, default_value_t = 0)]
    assets_port: u16,
    /// The API key every provider accepts.
    #[arg(long, default_value = DEFAULT_API_KEY)]
    key: String,
    /// Every prediction finishes after this many milliseconds, or after a
    /// time drawn from `LOW-HIGH` milliseconds (default: a time within the
    /// model's documented estimate).
    #[arg(long, value_name = "MS|LOW-HIGH", value_parser = parse_completion)]
    completion_ms: Option<Completion>,
    /// Load the specs from this directory instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    specs_dir: Option<PathBuf>,
    /// Also serve your own specs: a directory laid out as for `imagegen
    /// codegen`, or a model file naming its provider (repeatable).
    #[arg(long = "spec", value_name = "PATH")]
    own_specs: Vec<PathBuf>,
    /// Send base64 outputs as data: URIs.
    #[arg(long)]
    data_uri_base64: bool,
}

/// `5000` or `1000-3000` (milliseconds).
fn parse_completion(text: &str) -> Result<Completion, String> {
    let ms = |part: &str| {
        part.trim()
            .parse::<u64>()
            .map(Duration::from_millis)
            .map_err(|_| format!("`{part}` is not a number of milliseconds"))
    };
    match text.split_once('-') {
        Some((low, high)) => {
            let (low, high) = (ms(low)?, ms(high)?);
            if low > high {
                return Err(format!("`{text}`: the low end is above the high end"));
            }
            Ok(Completion::Between(low, high))
        }
        None => Ok(Completion::After(ms(text)?)),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let config = SimConfig {
        api_key: args.key,
        completion: args.completion_ms.unwrap_or(Completion::WithinEstimate),
        api_port: args.port,
        assets_port: args.assets_port,
        specs_dir: args.specs_dir,
        own_specs: args.own_specs,
        base64_data_uri: args.data_uri_base64,
    };
    let sim = match Sim::start(config).await {
        Ok(sim) => sim,
        Err(error) => {
            eprintln!("imagegen-sim: {error}");
            return ExitCode::FAILURE;
        }
    };
    print!("{}", sim.banner("imagegen-sim", None));
    // Flushed at once: a script reading a pipe waits for these lines.
    let _ = std::io::stdout().flush();
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("imagegen-sim: cannot wait for Ctrl-C ({error}); stopping");
    }
    sim.shutdown().await;
    ExitCode::SUCCESS
}
