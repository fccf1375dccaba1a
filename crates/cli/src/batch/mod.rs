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

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use imagegen::{ModelEntry, ProviderEntry};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use crate::failure::Failure;
use crate::{cli, connect, params};
use input::Job;
use job::{Context, Outcome, Start};
use manifest::{Manifest, Status};
use pace::{Pacer, Rate};
use report::{Progress, Tally};

pub fn model_command(_: &'static ProviderEntry, model: &'static ModelEntry) -> Command {
    cli::model_base(model, false)
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
                .default_value("4")
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
                .default_value(".")
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
    let Some((provider, model)) = imagegen::find_model(name) else {
        return Err(Failure::usage(format!(
            "unknown model `{name}`; see `imagegen list`"
        )));
    };
    let started = Instant::now();
    let qualified = model.qualified_id();
    let prompts = matches
        .get_one::<PathBuf>("@prompts")
        .ok_or_else(|| Failure::usage("--prompts FILE is required"))?;
    let out = matches
        .get_one::<PathBuf>("@out")
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let concurrency = matches.get_one::<u32>("@concurrency").copied().unwrap_or(4);
    let rate = matches.get_one::<Rate>("@rate").copied();
    let retry_failed = matches.get_flag("@retry-failed");

    let defaults = params::given(model.info, matches);
    let jobs = input::read_jobs(prompts, model, &defaults).map_err(Failure::usage)?;
    let manifest = Manifest::open(&out).map_err(Failure::other)?;
    let plans = plan(&jobs, &manifest, &qualified, retry_failed)?;
    let manifest_path = manifest.path().display().to_string();

    let mut tally = Tally::default();
    let mut work = Vec::new();
    for (job, plan) in jobs.into_iter().zip(plans) {
        match plan {
            Plan::Run(start) => work.push((job, start)),
            Plan::SkipDone => tally.skipped += 1,
            Plan::SkipFailed(error) => tally.skipped_failed.push((job.line, error)),
        }
    }
    let lines = tally.skipped + tally.skipped_failed.len() + work.len();
    if !work.is_empty() {
        let connection = connect::connect(provider, matches).await?;
        let (stop_sender, stop) = watch::channel(false);
        let stop_sender = Arc::new(stop_sender);
        let signals = tokio::spawn(stop_on_signal(Arc::clone(&stop_sender)));
        let context = Arc::new(Context {
            client: connection.client.clone(),
            manifest,
            pacer: Pacer::new(rate),
            out: out.clone(),
            model: qualified.clone(),
            stop: stop.clone(),
        });
        run_all(&context, work, concurrency, &stop_sender, &mut tally).await;
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
        plans.push(match (state.status, &state.id) {
            (Status::Done, _) => Plan::SkipDone,
            (Status::Submitted, Some(id)) => Plan::Run(Start::Resume(id.clone())),
            (Status::Failed, _) | (Status::Submitting | Status::Submitted, None) if retry_failed => {
                Plan::Run(Start::Submit)
            }
            (Status::Failed, _) => Plan::SkipFailed(
                state.error.clone().unwrap_or_else(|| "failed in an earlier run".to_owned()),
            ),
            (Status::Submitting, None) => Plan::SkipFailed(
                "an earlier run was cut off while submitting it: the server may have it (and may have charged for it)".to_owned(),
            ),
            (Status::Submitted, None) => Plan::SkipFailed(
                "submitted in an earlier run, but the provider gave no id to resume it by".to_owned(),
            ),
            (Status::Submitting, Some(id)) => Plan::Run(Start::Resume(id.clone())),
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
    concurrency: u32,
    stop_sender: &watch::Sender<bool>,
    tally: &mut Tally,
) {
    let progress = Progress::new(
        tally.skipped + tally.skipped_failed.len() + work.len(),
        tally.skipped,
    );
    let slots = Arc::new(Semaphore::new(concurrency as usize));
    let mut stop = context.stop.clone();
    let mut running = JoinSet::new();
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
        let Ok(permit) = permit else { break };
        let context = Arc::clone(context);
        running.spawn(async move {
            let outcome = job::run(&context, &job, start).await;
            drop(permit);
            (job.line, outcome)
        });
        // Collect what has finished meanwhile, to stop early on a fatal error.
        while let Some(Ok((line, outcome))) = running.try_join_next() {
            finished(line, outcome, stop_sender, tally);
            progress.update(tally, running.len());
        }
    }
    for (job, _) in pending {
        tally.record(job.line, Outcome::NotStarted);
    }
    while let Some(joined) = running.join_next().await {
        if let Ok((line, outcome)) = joined {
            finished(line, outcome, stop_sender, tally);
        }
        progress.update(tally, running.len());
    }
    progress.finish();
}

fn finished(line: usize, outcome: Outcome, stop_sender: &watch::Sender<bool>, tally: &mut Tally) {
    if let Outcome::Failed { fatal: true, .. } = &outcome {
        stop_sender.send_replace(true);
    }
    tally.record(line, outcome);
}

/// Ctrl-C or SIGTERM: stop starting submissions and stop waiting. Requests
/// already sent still get their answers recorded.
async fn stop_on_signal(stop: Arc<watch::Sender<bool>>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    stop.send_replace(true);
}
