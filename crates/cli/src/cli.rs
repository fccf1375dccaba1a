//! The command tree. `generate` and `batch` have one subcommand per model,
//! named `provider/model`, with the model's parameters as flags, built from
//! the generated catalogs at start-up.

use clap::{Arg, ArgAction, Command};
use imagegen::ModelEntry;

use crate::{batch, generate, params};

const ABOUT: &str = "Generate images with hosted text-to-image models, with every documented \
parameter checked before anything is sent.";

const AFTER_HELP: &str = "Models are named provider/model, as `imagegen list` shows. \
Try any model offline, with no account, against the built-in emulator:\n\n  \
imagegen generate vibedream/z-image-turbo --prompt \"a lighthouse at dusk\" --sim --out out\n\n\
Exit status: 0 on success; 2 on invalid arguments or parameter values (nothing sent); \
1 on any other failure (the prediction id is printed once one exists).";

pub fn command() -> Command {
    Command::new("imagegen")
        .version(env!("CARGO_PKG_VERSION"))
        .about(ABOUT)
        .after_help(AFTER_HELP)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(list_command())
        .subcommand(
            Command::new("describe")
                .about("Show a model's parameter table: type, allowed values, default, description")
                .arg(
                    Arg::new("model")
                        .value_name("PROVIDER/MODEL")
                        .required(true)
                        .help("The model, e.g. vibedream/z-image-turbo (see `imagegen list`)"),
                ),
        )
        .subcommand(per_model(
            Command::new("generate")
                .about("Generate images with one model and save them")
                .long_about(
                    "Generate images with one model and save them. Every documented parameter \
                     is a flag named after it (--output-format, --enable-sync-mode true); values \
                     are spelled as in the provider's docs and checked before anything is sent; \
                     a parameter not given is not sent. See `imagegen generate <MODEL> --help`.",
                ),
            generate::model_command,
        ))
        .subcommand(per_model(
            Command::new("batch")
                .about("Generate one prediction per line of a prompts file, resumably")
                .long_about(
                    "Generate one prediction per line of a prompts file (plain text: one prompt \
                     a line; JSONL: an object with a prompt and any parameters per line), with \
                     bounded concurrency and a client-side rate limit. A manifest in the output \
                     directory records every line as it goes: running the same command again \
                     after a crash or Ctrl-C resubmits nothing already submitted.",
                ),
            batch::model_command,
        ))
        .subcommand(
            Command::new("sim")
                .about("Run the provider emulator until Ctrl-C, printing its base URLs and the variables that point clients at it")
                .arg(
                    Arg::new("port")
                        .long("port")
                        .value_name("N")
                        .value_parser(clap::value_parser!(u16))
                        .default_value("0")
                        .help("Port of the API listener (0: any free port)"),
                )
                .arg(
                    Arg::new("completion-ms")
                        .long("completion-ms")
                        .value_name("MS")
                        .value_parser(clap::value_parser!(u64))
                        .help("Every prediction finishes after this many milliseconds (default: a time within the model's documented estimate)"),
                ),
        )
        .subcommand(
            Command::new("gallery")
                .about("Rebuild a batch's index.html (its gallery of images, prompts, statuses and costs) from its manifest")
                .arg(
                    Arg::new("dir")
                        .value_name("DIR")
                        .required(true)
                        .value_parser(clap::value_parser!(std::path::PathBuf))
                        .help("The batch's output directory (its --out), holding manifest.jsonl"),
                ),
        )
        .subcommand(crate::webhook_secret::command())
        .subcommand(crate::balance::command())
        .subcommand(crate::codegen::command())
        .subcommand(crate::import::command())
}

/// `parent` with one subcommand per model, each built by `model_command`.
fn per_model(parent: Command, model_command: fn(&'static ModelEntry) -> Command) -> Command {
    crate::catalog::models().fold(
        parent
            .subcommand_required(true)
            .arg_required_else_help(true)
            // `help` would be listed among the models; `--help` does its job.
            .disable_help_subcommand(true)
            .subcommand_value_name("PROVIDER/MODEL")
            .subcommand_help_heading("Models"),
        |parent, (_, model)| parent.subcommand(model_command(model)),
    )
}

/// What `generate` and `batch` share: the model's flags and how to reach the API.
pub fn model_base(model: &'static ModelEntry) -> Command {
    Command::new(model.qualified_id())
        .about(model.info.summary)
        .args(params::flags(model.info))
        .arg(
            Arg::new("@base-url")
                .long("base-url")
                .value_name("URL")
                .help(format!(
                    "Send requests to this base URL instead of {} (or ${} when set)",
                    model.info.provider.base_url, model.info.provider.base_url_env_var
                )),
        )
        .arg(
            Arg::new("@timeout")
                .long("timeout")
                .value_name("SECS")
                .value_parser(parse_seconds)
                .help(
                    "Give up on a prediction after this many seconds, from submitting it to \
                     saving its images (default 600)",
                ),
        )
        .arg(
            Arg::new("@connections")
                .long("connections")
                .value_name("N")
                .value_parser(clap::value_parser!(u32).range(1..=4096))
                .help(format!(
                    "HTTP requests in flight at once per origin (default {}; twice that over \
                     all origins). Any number of predictions can be in flight: requests beyond \
                     this wait their turn. A synchronous API holds one for each image being made, \
                     so raise it there to make more at once; each is an open file",
                    imagegen::runtime::ConnectionLimits::default().per_origin
                )),
        )
        .arg(
            Arg::new("@webhook")
                .long("webhook")
                .visible_alias("webhook-url")
                .value_name("URL")
                .help(
                    "Ask the provider to POST each finished prediction to this URL (https; http \
                     only to loopback), each request's copy naming it with imagegen_request=<token>; \
                     for providers that document webhooks (WaveSpeed). Verify deliveries with the \
                     secret `imagegen webhook-secret` fetches",
                ),
        )
        .arg(
            Arg::new("@sim")
                .long("sim")
                .action(ArgAction::SetTrue)
                .conflicts_with("@base-url")
                .help("Start the emulator in-process and send to it: no account, no network"),
        )
}

/// For clap's "unrecognized subcommand" about a model (`generate vibedream/x`):
/// where to find the model ids. clap itself suggests the closest one.
pub fn unknown_model_hint(error: &clap::Error) -> Option<&'static str> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if error.kind() != ErrorKind::InvalidSubcommand {
        return None;
    }
    match error.get(ContextKind::InvalidSubcommand) {
        Some(ContextValue::String(name)) if name.contains('/') => {
            Some("Models are named provider/model: `imagegen list` shows every one.")
        }
        _ => None,
    }
}

fn parse_seconds(text: &str) -> Result<std::time::Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    // Below a tenth of a second a request could be sent and abandoned at once: a paid
    // submission whose answer nobody waits for.
    if seconds.is_finite() && (0.1..=7.0 * 24.0 * 3600.0).contains(&seconds) {
        Ok(std::time::Duration::from_secs_f64(seconds))
    } else {
        Err(format!(
            "`{text}`: give a number of seconds from 0.1 to 604800 (a week)"
        ))
    }
}

/// `imagegen list [--provider P] [--task T] [TEXT]`.
fn list_command() -> Command {
    Command::new("list")
        .about("List the models, with their task, documented price and source page")
        .long_about(
            "List the models, with their task, documented price (`unknown` where the provider's \
             page states none) and the page their spec was written from. Filters combine; \
             `imagegen describe PROVIDER/MODEL` shows one model in full.",
        )
        .arg(
            Arg::new("provider")
                .long("provider")
                .value_name("PROVIDER")
                .value_parser(clap::builder::PossibleValuesParser::new(
                    crate::list::provider_names(),
                ))
                .help("Only this provider's models"),
        )
        .arg(
            Arg::new("task")
                .long("task")
                .value_name("TASK")
                .value_parser(clap::builder::PossibleValuesParser::new(crate::list::TASKS))
                .help("Only models of this task"),
        )
        .arg(
            Arg::new("text").value_name("TEXT").help(
                "Only models whose id, name or summary contains every word of TEXT (any case)",
            ),
        )
}
