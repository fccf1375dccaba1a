//! One line's life: wait for a turn, record the intent, submit once, record
//! the id, wait, save, record the outputs. Every state change reaches the
//! manifest before the next step, so a crash at any point leaves a state a
//! re-run can act on without paying twice.

use std::path::PathBuf;
use std::sync::Mutex;

use imagegen::info::ModelInfo;
use imagegen::{AnyClient, Error, Generation};
use imagegen_runtime::cost::Cost;
use imagegen_runtime::{Finding, Prediction, Uncertain};
use tokio::sync::watch;

use std::sync::Arc;

use super::input::Job;
use super::manifest::{Manifest, Record, SavedOutput, SkipReason, Status};
use super::pace::Pacer;
use super::receiver::Receiver;

/// What a job needs from the batch.
#[derive(Debug)]
pub struct Context {
    pub client: AnyClient,
    pub manifest: Manifest,
    pub pacer: Pacer,
    pub out: PathBuf,
    pub model: String,
    pub info: &'static ModelInfo,
    /// What this run's submissions cost, by source.
    pub costs: Mutex<crate::spend::Totals>,
    /// Turns `true` on Ctrl-C, on SIGTERM, or when the key is refused: no new
    /// submission starts, and waits stop (their ids are recorded).
    pub stop: watch::Receiver<bool>,
    /// The batch's webhook receiver (`--webhook-listen`), if it runs one.
    pub receiver: Option<Arc<Receiver>>,
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
    /// Not sent: its cost would pass the budget (the message says by how
    /// much), or cannot be counted against it.
    OverBudget(String),
    /// Sent, and its answer never came; the provider's history did not
    /// show which prediction (if any) is its own. Never sent again unasked.
    Uncertain(String),
}

/// How a job starts.
#[derive(Debug, Clone)]
pub enum Start {
    /// Submit it.
    Submit,
    /// Wait for the prediction an earlier run submitted.
    Resume(String),
    /// Save the outputs of a prediction an earlier run received but could
    /// not save, and that has no id to ask for them again by.
    Save(Box<Prediction>),
    /// Wait for a prediction found in the provider's history for a line
    /// whose answer never came.
    Recovered(Box<Prediction>),
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
    let (prediction, deadline) = match start {
        Start::Resume(id) => (context.client.prediction(id), context.client.deadline()),
        Start::Save(prediction) | Start::Recovered(prediction) => {
            (*prediction, context.client.deadline())
        }
        Start::Submit => {
            tokio::select! {
                biased;
                _ = stop.wait_for(|stopped| *stopped) => return Ok(Outcome::NotStarted),
                () = context.pacer.turn() => {}
            }
            if *stop.borrow() {
                return Ok(Outcome::NotStarted);
            }
            // One deadline over uploading, submitting, waiting and saving:
            // `--timeout`.
            let deadline = context.client.deadline();
            // Local images go first, before the line is recorded as being
            // submitted: an upload pays for nothing, so a stop or a crash
            // during one leaves the line for the next run to submit.
            let request = tokio::select! {
                biased;
                _ = stop.wait_for(|stopped| *stopped) => return Ok(Outcome::NotStarted),
                uploaded = context.client.upload_local_images(&job.request, deadline) => uploaded,
            };
            let request = match request {
                Ok(request) => request,
                Err(error) => return not_sent(context, job, &error),
            };
            let mut intent = Record::new(job.line, &context.model, Status::Submitting);
            intent.request = Some(job.body.clone());
            intent.cost = Some(crate::spend::expected_cost(context.info, &job.body));
            context.manifest.append(intent)?;
            // Not cancellable: once sent, the answer (and its id) must be
            // recorded, or a re-run could pay again.
            match context.client.submit_until(&request, deadline).await {
                Ok(prediction) => {
                    if let (Some(receiver), Some(token)) =
                        (&context.receiver, prediction.webhook_token())
                    {
                        receiver.expect(token, job.line);
                    }
                    let mut submitted = Record::new(job.line, &context.model, Status::Submitted);
                    submitted.id = prediction.id().map(str::to_owned);
                    submitted.local_id = prediction.local_id().map(str::to_owned);
                    submitted.prediction = unrecoverable_elsewhere(&prediction);
                    submitted.cost = Some(prediction.cost());
                    if let Ok(mut costs) = context.costs.lock() {
                        costs.add(prediction.cost());
                    }
                    context.manifest.append(submitted)?;
                    (prediction, deadline)
                }
                Err(error @ (Error::OverBudget { .. } | Error::UnknownCost { .. })) => {
                    return over_budget(context, job, &error);
                }
                Err(error) if error.was_not_sent() => return not_sent(context, job, &error),
                Err(Error::Unanswered { uncertain, source }) => {
                    let message = format!("no answer came ({source})");
                    if let Some(prediction) =
                        delivered_instead(context, job, &uncertain, &message, deadline).await?
                    {
                        return finish(context, job, prediction, deadline, stop).await;
                    }
                    match reconcile(context, job, *uncertain, &message).await? {
                        Ok(prediction) => (prediction, deadline),
                        Err((outcome, _)) => return Ok(outcome),
                    }
                }
                Err(error) => return settle(context, job, None, None, &error),
            }
        }
    };
    finish(context, job, prediction, deadline, stop).await
}

/// Waits for a submitted prediction, saves its outputs and records them.
/// With a webhook receiver, its delivery ends the wait early: one status
/// check then reads the outputs (polling is the slow fallback).
async fn finish(
    context: &Context,
    job: &Job,
    prediction: Prediction,
    deadline: imagegen_runtime::Deadline,
    mut stop: watch::Receiver<bool>,
) -> Result<Outcome, String> {
    let delivered = async {
        match (&context.receiver, prediction.webhook_token()) {
            (Some(receiver), Some(token)) => {
                receiver.delivery(token).await;
            }
            _ => std::future::pending::<()>().await,
        }
    };
    let waited = tokio::select! {
        biased;
        _ = stop.wait_for(|stopped| *stopped) => {
            return Ok(Outcome::Unfinished("stopped; the next run resumes it".to_owned()));
        }
        waited = context.client.wait_until(&prediction, deadline) => Some(waited),
        () = delivered => None,
    };
    let waited = match waited {
        Some(waited) => waited,
        // Delivered: one check reads the outputs.
        None => match context.client.status(&prediction).await {
            Ok(checked) => context.client.wait_until(&checked, deadline).await,
            Err(error) => Err(error),
        },
    };
    let generation = match waited {
        Ok(generation) => generation,
        Err(error) => {
            let id = prediction.id().map(str::to_owned);
            return settle(context, job, id, known(prediction.cost()), &error);
        }
    };
    // Not cancelled by a stop: the outputs are here and paid for, and a
    // save cut off halfway would be redone (and duplicated) by the re-run.
    let (saved, unsaved) = save(context, &generation).await;
    match unsaved {
        None => {
            let mut done = Record::new(job.line, &context.model, Status::Done);
            done.id = generation.id().map(str::to_owned);
            done.local_id = generation.local_id().map(str::to_owned);
            done.outputs = saved;
            done.cost = known(generation.cost());
            context.manifest.append(done)?;
            Ok(Outcome::Done)
        }
        Some(error) => keep_unsaved(context, job, &generation, saved, &error.to_string()),
    }
}

/// With a webhook receiver, a line whose answer was lost waits for its
/// delivery, which names its prediction exactly (by the request's token),
/// for half of what is left of its deadline; the receiver has recorded the
/// id by then. `None`: no receiver, no token, or no delivery in time (the
/// history is asked next).
async fn delivered_instead(
    context: &Context,
    job: &Job,
    uncertain: &Uncertain,
    why: &str,
    deadline: imagegen_runtime::Deadline,
) -> Result<Option<Prediction>, String> {
    let (Some(receiver), Some(token)) = (&context.receiver, uncertain.webhook_token()) else {
        return Ok(None);
    };
    receiver.expect(token, job.line);
    let mut record = Record::new(job.line, &context.model, Status::Uncertain);
    record.uncertain = Some(uncertain.clone());
    record.error = Some(format!(
        "{why}; the provider may have it (and charged for it), so it is not sent again; waiting for its webhook delivery"
    ));
    context.manifest.append(record)?;
    let grace = deadline.remaining() / 2;
    match tokio::time::timeout(grace, receiver.delivery(token)).await {
        Ok(delivered) => {
            let mut prediction = context.client.prediction(delivered.prediction_id);
            prediction = context
                .client
                .status(&prediction)
                .await
                .unwrap_or(prediction);
            Ok(Some(prediction))
        }
        Err(_) => Ok(None),
    }
}

/// A line whose answer never came: recorded as uncertain first (so a
/// crash leaves it for the next run to look for, never to resend), then
/// looked for in the provider's history. Found, it is recorded as
/// submitted with its id and waited for; otherwise it stays uncertain with
/// what the history showed.
pub async fn reconcile(
    context: &Context,
    job: &Job,
    uncertain: Uncertain,
    why: &str,
) -> Result<Result<Prediction, (Outcome, Option<Finding>)>, String> {
    let mut record = Record::new(job.line, &context.model, Status::Uncertain);
    record.uncertain = Some(uncertain.clone());
    record.error = Some(format!(
        "{why}; the provider may have it (and charged for it), so it is not sent again"
    ));
    context.manifest.append(record)?;
    match context.client.reconcile(&uncertain).await {
        Ok(prediction) => {
            let mut found = Record::new(job.line, &context.model, Status::Submitted);
            found.id = prediction.id().map(str::to_owned);
            found.error = Some(format!(
                "{why}; found in the provider's history as prediction {}",
                prediction.id().unwrap_or_default()
            ));
            context.manifest.append(found)?;
            Ok(Ok(prediction))
        }
        Err(error) => {
            let mut record = Record::new(job.line, &context.model, Status::Uncertain);
            record.uncertain = Some(uncertain);
            let message = match &error {
                Error::Unreconciled { finding, .. } => {
                    record.finding = Some(finding.clone());
                    format!("{why}; {finding}; not sent again")
                }
                other => format!(
                    "{why}; looking for it in the provider's history failed ({other}); the next run looks again, and never sends it again unasked"
                ),
            };
            record.error = Some(message.clone());
            let finding = record.finding.clone();
            context.manifest.append(record)?;
            Ok(Err((Outcome::Uncertain(message), finding)))
        }
    }
}

/// The prediction to keep in the manifest at once: a finished one without
/// an id cannot be asked for again, so its URLs are all there is. Base64
/// outputs are kept only if they cannot be written (megabytes a line).
fn unrecoverable_elsewhere(prediction: &Prediction) -> Option<Prediction> {
    let urls_only = prediction
        .outputs()
        .iter()
        .all(|output| output.url().is_some());
    (prediction.id().is_none() && prediction.is_done() && urls_only).then(|| prediction.clone())
}

/// Saves every output it can, each on its own: one that cannot be written
/// does not keep the others from being saved. Returns what was saved and
/// the first error.
async fn save(context: &Context, generation: &Generation) -> (Vec<SavedOutput>, Option<Error>) {
    let mut saved = Vec::with_capacity(generation.outputs().len());
    let mut first_error = None;
    for (index, output) in generation.outputs().iter().enumerate() {
        match generation.save_output(index, &context.out).await {
            Ok(path) => saved.push(SavedOutput {
                path,
                url: output.url().map(str::to_owned),
            }),
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    (saved, first_error)
}

/// Records a finished prediction whose outputs are not all saved, with the
/// outputs themselves (and the id, when there is one): a re-run saves them
/// without paying again.
fn keep_unsaved(
    context: &Context,
    job: &Job,
    generation: &Generation,
    saved: Vec<SavedOutput>,
    problem: &str,
) -> Result<Outcome, String> {
    let mut pending = Record::new(job.line, &context.model, Status::Submitted);
    pending.id = generation.id().map(str::to_owned);
    pending.local_id = generation.local_id().map(str::to_owned);
    pending.prediction = Some(generation.prediction().clone());
    pending.outputs = saved;
    pending.cost = known(generation.cost());
    let message =
        format!("{problem}; its outputs are kept in the manifest and the next run saves them");
    pending.error = Some(message.clone());
    context.manifest.append(pending)?;
    Ok(Outcome::Unfinished(message))
}
/// Records that the line's request was not submitted (`error` proves it):
/// the next run submits it.
fn not_sent(context: &Context, job: &Job, error: &Error) -> Result<Outcome, String> {
    let message = error.to_string();
    let mut unsent = Record::new(job.line, &context.model, Status::NotSent);
    unsent.error = Some(message.clone());
    context.manifest.append(unsent)?;
    if is_fatal(error) {
        return Ok(Outcome::Failed {
            message,
            fatal: true,
        });
    }
    Ok(Outcome::Unfinished(format!(
        "{message}; the next run submits it"
    )))
}

/// A cost worth recording: a resumed prediction's own is unknown, and
/// must not hide the one recorded when it was submitted.
fn known(cost: Cost) -> Option<Cost> {
    (!cost.is_unknown()).then_some(cost)
}

/// Records that the budget kept the line from being sent: a re-run with a
/// larger `--max-cost` submits it.
fn over_budget(context: &Context, job: &Job, error: &Error) -> Result<Outcome, String> {
    let message = error.to_string();
    let mut skipped = Record::new(job.line, &context.model, Status::Skipped);
    skipped.skipped = Some(SkipReason::Budget);
    skipped.error = Some(message.clone());
    context.manifest.append(skipped)?;
    Ok(Outcome::OverBudget(message))
}

/// Whether every other line would fail the same way: the key is missing or
/// refused (by the submission, or by an upload before it).
fn is_fatal(error: &Error) -> bool {
    matches!(
        error.underlying(),
        Error::Unauthorized { .. } | Error::Forbidden { .. } | Error::MissingApiKey { .. }
    )
}

/// Records an error: failed if the prediction is over (or never started),
/// still submitted if it has an id and may yet finish.
fn settle(
    context: &Context,
    job: &Job,
    id: Option<String>,
    cost: Option<Cost>,
    error: &Error,
) -> Result<Outcome, String> {
    let id = error.prediction_id().map(str::to_owned).or(id);
    let message = error.to_string();
    if id.is_some() && error.may_still_finish() {
        let mut pending = Record::new(job.line, &context.model, Status::Submitted);
        pending.id = id;
        pending.error = Some(message.clone());
        pending.cost = cost;
        context.manifest.append(pending)?;
        return Ok(Outcome::Unfinished(message));
    }
    let mut failed = Record::new(job.line, &context.model, Status::Failed);
    failed.id = id;
    failed.error = Some(message.clone());
    failed.cost = cost;
    context.manifest.append(failed)?;
    Ok(Outcome::Failed {
        message,
        fatal: is_fatal(error),
    })
}
