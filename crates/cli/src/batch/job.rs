//! One line's life: wait for a turn, record the intent, submit once, record
//! the id, wait, save, record the outputs. Every state change reaches the
//! manifest before the next step, so a crash at any point leaves a state a
//! re-run can act on without paying twice.

use std::path::PathBuf;

use imagegen::{AnyClient, Error, Generation};
use imagegen_runtime::Output;
use tokio::sync::watch;

use super::input::Job;
use super::manifest::{Manifest, Record, SavedOutput, Status};
use super::pace::Pacer;

/// What a job needs from the batch.
#[derive(Debug)]
pub struct Context {
    pub client: AnyClient,
    pub manifest: Manifest,
    pub pacer: Pacer,
    pub out: PathBuf,
    pub model: String,
    /// Turns `true` on Ctrl-C, on SIGTERM, or when the key is refused: no new
    /// submission starts, and waits stop (their ids are recorded).
    pub stop: watch::Receiver<bool>,
}

/// How a job ended this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Outputs saved.
    Done,
    /// Failed; the message says why. `fatal` when every other job would fail
    /// the same way (the key is missing or refused).
    Failed { message: String, fatal: bool },
    /// Submitted but not finished this run (a wait error, or stopped); the
    /// next run resumes it by id.
    Unfinished(String),
    /// Stopped before it was submitted; the next run submits it.
    NotStarted,
}

/// How a job starts.
#[derive(Debug, Clone)]
pub enum Start {
    /// Submit it.
    Submit,
    /// Wait for the prediction an earlier run submitted.
    Resume(String),
}

/// Runs one job to its outcome. An error writing the manifest fails the job
/// before anything further is sent, and stops the batch: without its record,
/// nothing more may be paid for.
pub async fn run(context: &Context, job: &Job, start: Start) -> Outcome {
    match drive(context, job, start).await {
        Ok(outcome) => outcome,
        Err(problem) => Outcome::Failed {
            message: problem,
            fatal: true,
        },
    }
}

async fn drive(context: &Context, job: &Job, start: Start) -> Result<Outcome, String> {
    let mut stop = context.stop.clone();
    let prediction = match start {
        Start::Resume(id) => context.client.prediction(id),
        Start::Submit => {
            tokio::select! {
                biased;
                _ = stop.wait_for(|stopped| *stopped) => return Ok(Outcome::NotStarted),
                () = context.pacer.turn() => {}
            }
            if *stop.borrow() {
                return Ok(Outcome::NotStarted);
            }
            let mut intent = Record::new(job.line, &context.model, Status::Submitting);
            intent.request = Some(job.body.clone());
            context.manifest.append(&intent)?;
            // Not cancellable: once sent, the answer (and its id) must be
            // recorded, or a re-run could pay again.
            match context.client.submit(&job.request).await {
                Ok(prediction) => {
                    let mut submitted = Record::new(job.line, &context.model, Status::Submitted);
                    submitted.id = prediction.id().map(str::to_owned);
                    context.manifest.append(&submitted)?;
                    prediction
                }
                Err(error) => return settle(context, job, None, &error),
            }
        }
    };
    let id = prediction.id().map(str::to_owned);
    let waited = tokio::select! {
        biased;
        _ = stop.wait_for(|stopped| *stopped) => {
            return Ok(Outcome::Unfinished("stopped; the next run resumes it".to_owned()));
        }
        waited = wait_and_save(context, &prediction) => waited,
    };
    match waited {
        Ok(outputs) => {
            let mut done = Record::new(job.line, &context.model, Status::Done);
            done.id = id;
            done.outputs = outputs;
            context.manifest.append(&done)?;
            Ok(Outcome::Done)
        }
        Err(error) => settle(context, job, id, &error),
    }
}

async fn wait_and_save(
    context: &Context,
    prediction: &imagegen::runtime::Prediction,
) -> Result<Vec<SavedOutput>, Error> {
    let generation: Generation = context.client.wait(prediction).await?;
    let paths = generation.save_all(&context.out).await?;
    Ok(paths
        .into_iter()
        .zip(generation.outputs())
        .map(|(path, output)| SavedOutput {
            path,
            url: match output {
                Output::Url(url) => Some(url.clone()),
                _ => None,
            },
        })
        .collect())
}

/// Records an error: failed if the prediction is over (or never started),
/// still submitted if it has an id and may yet finish.
fn settle(
    context: &Context,
    job: &Job,
    id: Option<String>,
    error: &Error,
) -> Result<Outcome, String> {
    let id = error.prediction_id().map(str::to_owned).or(id);
    let message = error.to_string();
    if id.is_some() && error.may_still_finish() {
        let mut pending = Record::new(job.line, &context.model, Status::Submitted);
        pending.id = id;
        pending.error = Some(message.clone());
        context.manifest.append(&pending)?;
        return Ok(Outcome::Unfinished(message));
    }
    let mut failed = Record::new(job.line, &context.model, Status::Failed);
    failed.id = id;
    failed.error = Some(message.clone());
    context.manifest.append(&failed)?;
    Ok(Outcome::Failed {
        message,
        fatal: matches!(
            error,
            Error::Unauthorized { .. } | Error::Forbidden { .. } | Error::MissingApiKey { .. }
        ),
    })
}
