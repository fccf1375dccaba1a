//! `imagegen`: every model of every provider from the command line, with each
//! spec parameter as a flag; resumable batches; the emulator.
//!
//! The command tree is built at start-up from the generated catalogs
//! (`imagegen::PROVIDERS`), so a model added to `specs/` gets its subcommand
//! and flags with no code written here.

mod balance;
mod batch;
mod catalog;
mod cli;
mod codegen;
mod connect;
mod describe;
mod failure;
mod generate;
mod import;
mod list;
mod params;
mod progress;
mod signals;
mod sim;
mod spend;
mod webhook_secret;

use std::process::ExitCode;

use failure::Failure;

fn main() -> ExitCode {
    let args = match catalog::read_spec_argument(std::env::args_os().collect()) {
        Ok(args) => args,
        Err(failure) => return failure.report(),
    };
    let matches = match cli::command().try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(error) => {
            // Help and version exit 0; usage errors 2, as the contract says.
            let _ = error.print();
            if let Some(hint) = cli::unknown_model_hint(&error) {
                // Like `print` above: a closed stderr is no reason to panic.
                let _ = std::io::Write::write_fmt(&mut std::io::stderr(), format_args!("{hint}\n"));
            }
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    // One thread runs every task. The work between system calls is small
    // (a batch at 5,000 images a minute keeps a twentieth of a core busy),
    // and on a multi-threaded runtime most of it went to waking tasks on
    // other threads: 11.6 futex calls per generation, against 2.5 to 3 here
    // (what is left: each output's hand-off to the blocking thread that
    // writes and syncs it, so a slow disk never stalls the network).
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            return Failure::other(format!("cannot start the async runtime: {error}")).report();
        }
    };
    let outcome = runtime.block_on(async {
        match matches.subcommand() {
            Some(("list", sub)) => list::run(sub),
            Some(("describe", sub)) => describe::run(sub),
            Some(("generate", sub)) => generate::run(sub).await,
            Some(("batch", sub)) => batch::run(sub).await,
            Some(("gallery", sub)) => batch::rebuild_gallery(sub),
            Some(("sim", sub)) => sim::run(sub).await,
            Some(("webhook-secret", sub)) => webhook_secret::run(sub).await,
            Some(("balance", sub)) => balance::run(sub).await,
            Some(("codegen", sub)) => codegen::run(sub),
            Some(("import", sub)) => import::run(sub).await,
            // clap requires a subcommand, so this is not reached.
            _ => Err(Failure::usage(
                "a subcommand is required; see `imagegen --help`",
            )),
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}
