//! `imagegen generate <provider>/<model>`: one prediction, saved to a
//! directory.
//!
//! The flags are checked by the model's generated types before anything is
//! sent (exit 2). Then submit, wait and save as separate steps, keeping the
//! prediction id from the moment the server gives it: every failure after
//! that names it and the `--resume` command that waits for it again, so a
//! paid prediction is never lost and never paid twice.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::builder::NonEmptyStringValueParser;
use clap::{Arg, ArgAction, ArgMatches, Command};
use imagegen::info::{Meaning, ModelInfo, ParamKind};
use imagegen::{AnyClient, AnyRequest, Generation, ModelEntry};
use imagegen_runtime::Error;
use imagegen_sim::shell_word;
use serde_json::json;
use tokio::sync::watch;

use crate::connect::connect;
use crate::failure::{Failure, printable, resume_hint, uncertain_submission};
use crate::list::unknown_model;
use crate::params;
use crate::progress::Progress;
use crate::signals;

/// The model's subcommand: its parameters as flags (required ones only when
/// not resuming), how to reach the API, and what to do with the images.
pub fn model_command(model: &'static ModelEntry) -> Command {
    crate::cli::model_base(model)
        .after_help(format!(
            "Prints where each image was saved, one path per line (or the --json object). \
             Exit status: 0 on success; 2 on invalid flags or values (nothing sent); 1 on any \
             other failure, with the prediction id and the --resume command that waits for it \
             again.\n\nExample (offline, against the built-in emulator):\n  \
             imagegen generate {}{} --sim --out out",
            model.qualified_id(),
            example_flags(model.info),
        ))
        .mut_args(|arg| resumable(model.info, arg))
        .arg(
            Arg::new("@out")
                .long("out")
                .value_name("DIR")
                .value_parser(clap::value_parser!(PathBuf))
                .help("Save the images in this directory, created if missing (default: the current directory)"),
        )
        .arg(
            Arg::new("@json")
                .long("json")
                .action(ArgAction::SetTrue)
                .help(
                    "Print one JSON object on stdout instead of the paths: provider, model, id, \
                     status, outputs (path and source URL, null for base64 images), timings, \
                     cost (amount, currency and source: reported by the provider, documented_price, \
                     or unknown). \
                     For an answer without a prediction id, id is the unique name imagegen made \
                     for it (<provider>-local-...). \
                     On failure stdout stays empty and the error goes to stderr",
                ),
        )
        .arg(
            Arg::new("@dry-run")
                .long("dry-run")
                .action(ArgAction::SetTrue)
                .conflicts_with("@resume")
                .help(
                    "Check everything (values, local images) and print the request that would be \
                     sent and what it would cost by the documented price; send nothing",
                ),
        )
        .arg(
            Arg::new("@resume")
                .long("resume")
                .value_name("ID")
                .value_parser(NonEmptyStringValueParser::new())
                .help(
                    "Wait for the prediction with this id, submitted earlier, and save its images \
                     instead of submitting a new one (after a timeout or an interrupted run). \
                     Model parameters are not given again",
                ),
        )
}

/// The prompt and the other required flags of a model, with a sample
/// value, for the example in its help (wavespeed's edit model needs `--image`).
fn example_flags(model: &ModelInfo) -> String {
    params::flag_names(model)
        .into_iter()
        .filter(|(param, _)| param.required || param.meaning == Some(Meaning::Prompt))
        .map(|(param, flag)| {
            let value = match (
                param.meaning,
                param.kind,
                param.default,
                param.choices.first(),
            ) {
                (Some(Meaning::Prompt), ..) => "a lighthouse at dusk",
                (_, ParamKind::ImageUrl | ParamKind::ImageList, ..) => {
                    "https://example.com/photo.png"
                }
                (_, _, Some(default), _) => default,
                (_, _, None, Some(choice)) => choice,
                (_, _, None, None) => "VALUE",
            };
            format!(" --{flag} {}", shell_word(value))
        })
        .collect()
}

/// A parameter's flag is required unless `--resume` is given, and cannot
/// be combined with it: a resumed prediction's parameters were sent already.
fn resumable(model: &ModelInfo, arg: Arg) -> Arg {
    match model.parameter(arg.get_id().as_str()) {
        Some(param) if param.required => arg
            .required(false)
            .required_unless_present("@resume")
            .conflicts_with("@resume"),
        Some(_) => arg.conflicts_with("@resume"),
        None => arg,
    }
}

/// What the command line asked for besides the model's parameters.
#[derive(Debug)]
struct Options<'a> {
    /// `provider/model`.
    model: &'a str,
    out: Option<&'a PathBuf>,
    json: bool,
    resume: Option<&'a str>,
    base_url: Option<&'a str>,
    sim: bool,
}

impl<'a> Options<'a> {
    fn new(model: &'a str, matches: &'a ArgMatches) -> Self {
        Options {
            model,
            out: matches.get_one::<PathBuf>("@out"),
            json: matches.get_flag("@json"),
            resume: matches.get_one::<String>("@resume").map(String::as_str),
            base_url: matches.get_one::<String>("@base-url").map(String::as_str),
            sim: matches.get_flag("@sim"),
        }
    }

    fn out_dir(&self) -> &Path {
        self.out.map_or(Path::new("."), PathBuf::as_path)
    }

    /// The command that waits for prediction `id` again, with the same
    /// output directory and API.
    fn resume_command(&self, id: &str) -> String {
        let mut command = format!(
            "imagegen generate {} --resume {}",
            self.model,
            shell_word(id)
        );
        if let Some(out) = self.out {
            command.push_str(&format!(" --out {}", shell_word(&out.to_string_lossy())));
        }
        if let Some(url) = self.base_url {
            command.push_str(&format!(" --base-url {}", shell_word(url)));
        }
        command
    }

    /// The command that waits for prediction `id` again, if it can be:
    /// the emulator `--sim` started stops with this process, and its
    /// predictions with it.
    fn resumable(&self, id: &str) -> Option<String> {
        (!self.sim).then(|| self.resume_command(id))
    }

    /// The failure for `error`, raised once prediction `known_id` (if any)
    /// exists: it names the id and how to wait for it again.
    fn failed(&self, error: &Error, known_id: Option<&str>) -> Failure {
        let mut failure = Failure::from_error(error, |id| self.resumable(id));
        // Every error after submission should carry the id; if one does
        // not, the id is still not lost.
        if let Some(id) = known_id
            && error.prediction_id().is_none()
        {
            let hint = match self.resumable(id) {
                Some(command) => resume_hint(id, &command),
                None => format!("(prediction {})", crate::failure::printable(id)),
            };
            failure.message.push('\n');
            failure.message.push_str(&hint);
        }
        if self.sim && error.prediction_id().or(known_id).is_some() {
            failure.message.push_str(
                "\n(the emulator started by --sim stopped with this command, so its predictions cannot be resumed)",
            );
        }
        failure
    }
}

/// Runs `imagegen generate <model> ...`.
pub async fn run(matches: &ArgMatches) -> Result<(), Failure> {
    let Some((name, matches)) = matches.subcommand() else {
        return Err(Failure::usage(
            "name a model: imagegen generate <PROVIDER/MODEL> --prompt TEXT; see `imagegen list`",
        ));
    };
    let (provider, model) = crate::catalog::find(name).ok_or_else(|| unknown_model(name))?;
    let options = Options::new(name, matches);
    // Checked before anything is sent: a bad value costs nothing.
    let request = match options.resume {
        Some(_) if provider.info.result.is_none() => {
            return Err(Failure::usage(format!(
                "{} answers with the images at once: its predictions cannot be resumed; nothing was sent",
                provider.info.display_name
            )));
        }
        Some(_) => None,
        None => Some(
            model
                .parse(params::given(model.info, matches))
                .map_err(|errors| Failure::invalid_parameters(name, &errors))?,
        ),
    };
    if let (Some(request), true) = (&request, matches.get_flag("@dry-run")) {
        return dry_run(request, matches, options.json).await;
    }
    let connection = connect(provider, matches).await?;
    let outcome = produce(&connection.client, model.info, request.as_ref(), &options).await;
    connection.close().await;
    let (generation, paths) = outcome?;
    print(&generation, &paths, model.info, options.json)
}

/// Submits (or takes the prediction to resume), waits and saves, with a
/// spinner on a terminal's stderr.
async fn produce(
    client: &AnyClient,
    model: &'static ModelInfo,
    request: Option<&AnyRequest>,
    options: &Options<'_>,
) -> Result<(Generation, Vec<PathBuf>), Failure> {
    let out = options.out_dir();
    writable_dir(out)?;
    // A resumed prediction was submitted at an unknown time: its elapsed
    // time cannot be held against the estimate.
    let (status, estimate) = match request {
        Some(_) => ("submitting", model.estimated_time),
        None => ("resuming", None),
    };
    let progress = Progress::start(options.model, status, estimate, client.subscribe());
    // Watched from before the submission: Ctrl-C while it is in flight lets
    // it finish, so its id is printed rather than lost.
    let (stop_sender, mut stop) = watch::channel(false);
    let signals = signals::stop_on_signal(Arc::new(stop_sender));
    let outcome = async {
        // One deadline over submitting, waiting and saving: `--timeout`.
        let deadline = client.deadline();
        let prediction = match (request, options.resume) {
            (Some(request), _) => match client.submit_until(request, deadline).await {
                Ok(prediction) => prediction,
                // No answer came: look for the prediction in the provider's
                // history before giving up on it (never by sending again).
                Err(Error::Unanswered { uncertain, source }) => {
                    match client.reconcile(&uncertain).await {
                        Ok(found) => {
                            eprintln!(
                                "note: no answer came to the submission ({}); found it in the provider's history as prediction {}",
                                printable(&source.to_string()),
                                printable(found.id().unwrap_or_default())
                            );
                            found
                        }
                        Err(error) => {
                            let mut failure = options.failed(&error, None);
                            failure.message = format!(
                                "no answer came to the submission ({}); {}",
                                printable(&source.to_string()),
                                failure.message
                            );
                            if let Some(note) = uncertain_submission(&error) {
                                failure.message.push('\n');
                                failure.message.push_str(note);
                            }
                            return Err(failure);
                        }
                    }
                }
                Err(error) => return Err(options.failed(&error, None)),
            },
            (None, Some(id)) => client.prediction(id),
            (None, None) => return Err(Failure::other("nothing to submit or resume")),
        };
        let id = prediction.id();
        let finished = async {
            let generation = client
                .wait_until(&prediction, deadline)
                .await
                .map_err(|error| options.failed(&error, id))?;
            let paths = match generation.save_all(out).await {
                Ok(paths) => paths,
                Err(error) => return Err(unsaved(&generation, &error, options, id).await),
            };
            Ok((generation, paths))
        };
        tokio::select! {
            biased;
            _ = stop.wait_for(|stopped| *stopped) => Err(Failure::other(
                match id.and_then(|id| Some(resume_hint(id, &options.resumable(id)?))) {
                    Some(hint) => format!("interrupted; {hint}"),
                    None => "interrupted".to_owned(),
                },
            )),
            finished = finished => finished,
        }
    }
    .await;
    signals.abort();
    progress.finish();
    outcome
}

/// The failure for outputs that could not be saved into `--out`. A
/// prediction without an id cannot be fetched again, so before giving up
/// its outputs are saved into a rescue directory (never replacing a file)
/// and the message says where: the images were paid for.
async fn unsaved(
    generation: &Generation,
    error: &Error,
    options: &Options<'_>,
    id: Option<&str>,
) -> Failure {
    let mut failure = options.failed(error, id);
    if generation.id().is_none() {
        let rescue = std::env::temp_dir().join("imagegen-unsaved");
        let kept = generation.save_all(&rescue).await;
        failure.message.push_str(&match kept {
            Ok(paths) => format!(
                "\nthe images were saved instead to: {}",
                paths
                    .iter()
                    .map(|path| path.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Err(again) => format!(
                "\nthey could not be saved to {} either: {again}",
                rescue.display()
            ),
        });
    }
    failure
}

/// Checks, before anything is sent, that `dir` is (or can be made) a
/// directory this process can write files in: a bad `--out` is an invalid
/// argument (exit 2), not a paid image with nowhere to go.
pub fn writable_dir(dir: &Path) -> Result<(), Failure> {
    let refuse =
        |why: String| Failure::usage(format!("--out {}: {why}; nothing was sent", dir.display()));
    if dir.exists() && !dir.is_dir() {
        return Err(refuse("it is not a directory".to_owned()));
    }
    std::fs::create_dir_all(dir).map_err(|error| refuse(format!("cannot create it: {error}")))?;
    let probe = dir.join(format!(
        ".imagegen-write-check-{}-{:x}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe);
    match created {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(error) => Err(refuse(format!("files cannot be written there: {error}"))),
    }
}

/// `--dry-run`: the request as it would be sent, where and at what cost;
/// local images are checked (read, type, size) but not uploaded.
async fn dry_run(request: &AnyRequest, matches: &ArgMatches, as_json: bool) -> Result<(), Failure> {
    request
        .check_local_images()
        .await
        .map_err(|error| Failure::from_error(&error, |_| None))?;
    let model = request.model();
    let body = request
        .to_json()
        .map_err(|error| Failure::other(format!("the request cannot be written: {error}")))?;
    let cost = crate::spend::expected_cost(model, &body);
    let base = if matches.get_flag("@sim") {
        "(the built-in emulator)".to_owned()
    } else {
        matches
            .get_one::<String>("@base-url")
            .cloned()
            .or_else(|| std::env::var(model.provider.base_url_env_var).ok())
            .filter(|url| !url.trim().is_empty())
            .unwrap_or_else(|| model.provider.base_url.to_owned())
    };
    let url = format!("{}{}", base.trim_end_matches('/'), model.submit.path);
    let method = model.submit.method.as_str();
    let locals = request.images().iter().any(|(_, source)| source.is_local());
    let text = if as_json {
        json!({
            "dry_run": true,
            "provider": model.provider.name,
            "model": model.id,
            "method": method,
            "url": url,
            "request": body,
            "cost": cost,
        })
        .to_string()
            + "\n"
    } else {
        let mut text = format!("dry run: nothing was sent\n{method} {url}\n{body}\n");
        if locals {
            text.push_str("(local images are uploaded first and sent by their URLs)\n");
        }
        text.push_str(&format!("cost: {cost}\n"));
        text
    };
    write_stdout(&text, "the dry run is done")
}

/// Writes `text` to stdout; `what` says what already happened if it cannot.
fn write_stdout(text: &str, what: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|error| Failure::other(format!("{what}, but stdout cannot be written: {error}")))
}

/// The saved paths one per line, or the `--json` object: all on stdout.
fn print(
    generation: &Generation,
    paths: &[PathBuf],
    model: &ModelInfo,
    as_json: bool,
) -> Result<(), Failure> {
    let text = if as_json {
        let mut object = summary(generation, paths, model).to_string();
        object.push('\n');
        object
    } else {
        paths
            .iter()
            .map(|path| format!("{}\n", path.display()))
            .collect()
    };
    write_stdout(&text, "the images were saved")
}

/// The `--json` object: what was made, where it is, how long it took.
fn summary(generation: &Generation, paths: &[PathBuf], model: &ModelInfo) -> serde_json::Value {
    let outputs: Vec<serde_json::Value> = paths
        .iter()
        .zip(generation.outputs())
        .map(|(path, output)| {
            json!({
                "path": path.to_string_lossy(),
                "url": output.url(),
            })
        })
        .collect();
    let timings = generation.timings();
    json!({
        "provider": model.provider.name,
        "model": model.id,
        // The provider's id, or for an answer without one the unique name
        // imagegen made for it (`<provider>-local-…`), which names its files.
        "id": generation.prediction().name(),
        "status": generation.prediction().status(),
        "outputs": outputs,
        "cost": generation.cost(),
        "timings": {
            "elapsed_ms": u64::try_from(timings.elapsed.as_millis()).unwrap_or(u64::MAX),
            "polls": timings.polls,
        },
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use heck::ToKebabCase;

    use super::*;

    #[test]
    fn the_command_tree_is_consistent() {
        // Duplicate flags or ids, dangling `conflicts_with`, ...: clap checks.
        crate::cli::command().debug_assert();
    }

    #[test]
    fn no_spec_parameter_is_renamed_by_a_collision() {
        // A parameter spelled like one of the CLI's own flags is given as
        // `--param-<name>`; that works, but no current spec should need it.
        for (_, model) in imagegen::models() {
            let own: BTreeSet<&str> = params::OWN_FLAGS.iter().copied().collect();
            for (param, flag) in params::flag_names(model.info) {
                assert_eq!(
                    flag,
                    param.name.to_kebab_case(),
                    "{}: `{}` collides with a flag of the CLI",
                    model.qualified_id(),
                    param.name
                );
                assert!(!own.contains(flag.as_str()));
            }
        }
    }

    #[test]
    fn resume_commands_can_be_pasted() {
        let out = PathBuf::from("my images");
        let options = Options {
            model: "vibedream/z-image-turbo",
            out: Some(&out),
            json: false,
            resume: None,
            base_url: Some("http://127.0.0.1:9/vibedream"),
            sim: false,
        };
        assert_eq!(
            options.resume_command("abc-123"),
            "imagegen generate vibedream/z-image-turbo --resume abc-123 \
             --out 'my images' --base-url http://127.0.0.1:9/vibedream"
        );
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }
}
