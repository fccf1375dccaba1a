//! `imagegen batch <provider>/<model> --prompts FILE`: one prediction per
//! line, with bounded concurrency, a client-side rate limit, and a manifest
//! that makes re-running the same command safe: done lines are skipped,
//! submitted ones resumed by id, failed ones retried only with
//! `--retry-failed`, and nothing already submitted is submitted again.

mod input;
mod job;
mod manifest;
mod pace;
mod report;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use imagegen::ModelEntry;
use tokio::sync::{Semaphore, watch};
use tokio::task::{self, JoinError, JoinSet};

use crate::failure::Failure;
use crate::list::unknown_model;
use crate::{cli, connect, params, signals};
use input::Job;
use job::{Context, Outcome, Start};
use manifest::{Manifest, Status};
use pace::{Pacer, Rate};
use report::{Progress, Tally};

const DEFAULT_OUT: &str = ".";
const DEFAULT_CONCURRENCY: u32 = 4;

pub fn model_command(model: &'static ModelEntry) -> Command {
    cli::model_base(model)
        .after_help(
            "Parameter flags apply to every line; a JSONL line's own values override them. \
             The manifest (manifest.jsonl in --out) records each line's prediction id, status, \
             outputs and error as it goes.",
        )
        .arg(
            Arg::new("@prompts")
                .long("prompts")
                .value_name("FILE")
                .required(true)
                .value_parser(value_parser!(PathBuf))
                .help("One prompt a line, or JSONL (.jsonl/.ndjson): {\"prompt\": ..., <param>: ...} a line"),
        )
        .arg(
            Arg::new("@concurrency")
                .long("concurrency")
                .value_name("N")
                .default_value(DEFAULT_CONCURRENCY.to_string())
                .value_parser(value_parser!(u32).range(1..=100_000))
                .help("Predictions in flight at once"),
        )
        .arg(
            Arg::new("@rate")
                .long("rate")
                .value_name("N/min")
                .value_parser(pace::parse_rate)
                .help("Submit at most N a minute, evenly spaced (e.g. 2/min for an account limited to 2 a minute)"),
        )
        .arg(
            Arg::new("@out")
                .long("out")
                .value_name("DIR")
                .default_value(DEFAULT_OUT)
                .value_parser(value_parser!(PathBuf))
                .help("Directory for the images and the manifest (created if missing)"),
        )
        .arg(
            Arg::new("@retry-failed")
                .long("retry-failed")
                .action(ArgAction::SetTrue)
                .help("Submit again the lines an earlier run recorded as failed (including those cut off mid-submission, which may have been paid for)"),
        )
}

/// Every local image of the lines to submit, checked before any line is
/// sent (each distinct set of images once: a thousand prompts with one
/// photo check it once), so a bad file stops the batch with exit 2 and
/// nothing paid.
async fn check_local_images(work: &[(Job, Start)]) -> Result<(), Failure> {
    let mut seen = std::collections::HashSet::new();
    let mut problems = Vec::new();
    // A line resumed or saved sends no image again: its file may be gone.
    let to_submit = work
        .iter()
        .filter(|(_, start)| matches!(start, Start::Submit));
    for (job, _) in to_submit {
        let images = job.request.images();
        if !images.iter().any(|(_, source)| source.is_local()) || !seen.insert(images) {
            continue;
        }
        if let Err(error) = job.request.check_local_images().await {
            problems.push(format!(
                "line {}: {}",
                job.line,
                crate::failure::printable(&error.to_string())
            ));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(Failure::usage(format!(
        "local images that cannot be sent; nothing was sent:\n  {}",
        problems.join("\n  ")
    )))
}

/// What to do with a line, from what the manifest holds.
enum Plan {
    Run(Start),
    SkipDone,
    SkipFailed(String),
}

pub async fn run(sub: &ArgMatches) -> Result<(), Failure> {
    let Some((name, matches)) = sub.subcommand() else {
        return Err(Failure::usage(
            "name a model: imagegen batch <PROVIDER/MODEL> --prompts FILE",
        ));
    };
    let (provider, model) = crate::catalog::find(name).ok_or_else(|| unknown_model(name))?;
    let started = Instant::now();
    let qualified = model.qualified_id();
    let prompts = matches
        .get_one::<PathBuf>("@prompts")
        .ok_or_else(|| Failure::usage("--prompts FILE is required"))?;
    // Both have defaults in the command, so clap always gives a value.
    let out = matches
        .get_one::<PathBuf>("@out")
        .cloned()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_OUT));
    let concurrency = matches
        .get_one::<u32>("@concurrency")
        .copied()
        .unwrap_or(DEFAULT_CONCURRENCY);
    let rate = matches.get_one::<Rate>("@rate").copied();
    let retry_failed = matches.get_flag("@retry-failed");

    let defaults = params::given(model.info, matches);
    let jobs = input::read_jobs(prompts, model, &defaults).map_err(Failure::usage)?;
    crate::generate::writable_dir(&out)?;
    let manifest = Manifest::open(&out).map_err(Failure::other)?;
    let plans = plan(&jobs, &manifest, &qualified, retry_failed)?;
    let manifest_path = manifest.path().display().to_string();
    let lines = jobs.len();

    let mut tally = Tally::default();
    let mut work = Vec::new();
    for (job, plan) in jobs.into_iter().zip(plans) {
        match plan {
            Plan::Run(start) => work.push((job, start)),
            Plan::SkipDone => tally.skipped += 1,
            Plan::SkipFailed(error) => tally.skipped_failed.push((job.line, error)),
        }
    }
    check_local_images(&work).await?;
    if !work.is_empty() {
        let connection = connect::connect(provider, matches).await?;
        let (stop_sender, stop) = watch::channel(false);
        let stop_sender = Arc::new(stop_sender);
        let signals = signals::stop_on_signal(Arc::clone(&stop_sender));
        let context = Arc::new(Context {
            client: connection.client.clone(),
            manifest,
            pacer: Pacer::new(rate),
            out: out.clone(),
            model: qualified.clone(),
            stop: stop.clone(),
        });
        run_all(&context, work, lines, concurrency, &stop_sender, &mut tally).await;
        signals.abort();
        connection.close().await;
    }
    let summary = tally.summary(&qualified, lines, started.elapsed(), &manifest_path);
    if tally.all_done() {
        println!("{summary}");
        Ok(())
    } else {
        Err(Failure::other(summary))
    }
}

/// Each job's plan from the manifest. A manifest written for other requests
/// (the file or the flags changed) is refused as a whole: matching its ids
/// to different prompts would save the wrong images, or pay twice.
fn plan(
    jobs: &[Job],
    manifest: &Manifest,
    model: &str,
    retry_failed: bool,
) -> Result<Vec<Plan>, Failure> {
    let mut plans = Vec::with_capacity(jobs.len());
    let mut conflicts = Vec::new();
    for job in jobs {
        let Some(state) = manifest.line(job.line) else {
            plans.push(Plan::Run(Start::Submit));
            continue;
        };
        if state.model != model || state.request.as_ref() != Some(&job.body) {
            conflicts.push(job.line);
            continue;
        }
        plans.push(match (state.status, &state.id, &state.prediction) {
            (Status::Done, ..) => Plan::SkipDone,
            (Status::Submitted, Some(id), _) => Plan::Run(Start::Resume(id.clone())),
            // Answered without an id, outputs not all saved: they are here.
            (Status::Submitted, None, Some(prediction)) if prediction.is_done() => {
                Plan::Run(Start::Save(Box::new(prediction.clone())))
            }
            // Nothing reached the server: submitting it is not paying twice.
            (Status::NotSent, ..) => Plan::Run(Start::Submit),
            (Status::Failed | Status::Submitting, ..) | (Status::Submitted, None, _)
                if retry_failed =>
            {
                Plan::Run(Start::Submit)
            }
            (Status::Failed, ..) => Plan::SkipFailed(
                state.error.clone().unwrap_or_else(|| "failed in an earlier run".to_owned()),
            ),
            (Status::Submitting, ..) => Plan::SkipFailed(
                "an earlier run was cut off while submitting it: the server may have it (and may have charged for it)".to_owned(),
            ),
            (Status::Submitted, None, _) => Plan::SkipFailed(
                "submitted in an earlier run, but the provider gave no id to resume it by".to_owned(),
            ),
        });
    }
    if conflicts.is_empty() {
        Ok(plans)
    } else {
        let shown: Vec<String> = conflicts.iter().take(10).map(ToString::to_string).collect();
        Err(Failure::usage(format!(
            "{} was written for other requests (model, prompt or parameters differ at line{} {}{}); \
             nothing was sent: restore the prompts file and flags, or use another --out",
            manifest.path().display(),
            if conflicts.len() == 1 { "" } else { "s" },
            shown.join(", "),
            if conflicts.len() > shown.len() {
                ", ..."
            } else {
                ""
            },
        )))
    }
}

/// Runs the jobs in line order, at most `concurrency` at once.
async fn run_all(
    context: &Arc<Context>,
    work: Vec<(Job, Start)>,
    lines: usize,
    concurrency: u32,
    stop_sender: &watch::Sender<bool>,
    tally: &mut Tally,
) {
    let progress = Progress::new(lines, tally.skipped);
    let slots = Arc::new(Semaphore::new(concurrency as usize));
    let mut stop = context.stop.clone();
    let mut running = JoinSet::new();
    // Which line each task runs, so a task that panics is still counted.
    let mut line_of = HashMap::new();
    let mut pending = work.into_iter();
    for (job, start) in pending.by_ref() {
        let permit = tokio::select! {
            biased;
            _ = stop.wait_for(|stopped| *stopped) => {
                tally.record(job.line, Outcome::NotStarted);
                break;
            }
            permit = Arc::clone(&slots).acquire_owned() => permit,
        };
        let Ok(permit) = permit else {
            // The semaphore is never closed; if it were, nothing more starts.
            tally.record(job.line, Outcome::NotStarted);
            break;
        };
        let context = Arc::clone(context);
        let line = job.line;
        let task = running.spawn(async move {
            let outcome = job::run(&context, &job, start).await;
            drop(permit);
            outcome
        });
        line_of.insert(task.id(), line);
        // Collect what has finished meanwhile, to stop early on a fatal error.
        while let Some(joined) = running.try_join_next_with_id() {
            finished(joined, &mut line_of, stop_sender, tally);
            progress.update(tally, running.len());
        }
    }
    for (job, _) in pending {
        tally.record(job.line, Outcome::NotStarted);
    }
    while let Some(joined) = running.join_next_with_id().await {
        finished(joined, &mut line_of, stop_sender, tally);
        progress.update(tally, running.len());
    }
    progress.finish();
}

fn finished(
    joined: Result<(task::Id, Outcome), JoinError>,
    lines: &mut HashMap<task::Id, usize>,
    stop_sender: &watch::Sender<bool>,
    tally: &mut Tally,
) {
    let (id, outcome) = match joined {
        Ok(done) => done,
        // A bug, not a provider's answer: count the line as failed (the
        // manifest keeps whatever it last recorded for it) and stop.
        Err(error) => (
            error.id(),
            Outcome::Failed {
                message: format!("the job stopped unexpectedly: {error}"),
                fatal: true,
            },
        ),
    };
    let Some(line) = lines.remove(&id) else {
        return;
    };
    if let Outcome::Failed { fatal: true, .. } = &outcome {
        stop_sender.send_replace(true);
    }
    tally.record(line, outcome);
}
