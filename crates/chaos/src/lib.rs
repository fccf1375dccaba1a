//! The fault matrix: for each fault class ([`classes::CLASSES`]), many
//! generations spread over every model in `specs/`, against the emulator on
//! loopback, each meeting that class's faults; then counts against the
//! reliability targets: no panic, no double submission after an ambiguous
//! failure, no error without the prediction id the client was given, no
//! wait past its deadline by more than one status-check interval, no
//! credential sent to another origin, and every retryable class complete.
//!
//! `cargo xtask chaos` runs the full matrix in release (the figures in
//! `RELIABILITY.md`); `tests/matrix.rs` runs a few generations per class in
//! `cargo test`.

pub mod classes;
pub mod report;
pub mod spec_values;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use imagegen::runtime::{ClientBuilder, PollPolicy, RetryPolicy};
use imagegen::{AnyClient, Error, ModelEntry};
use imagegen_sim::{Sim, SimConfig, SubmitOutcome};
use imagegen_spec::ir::{Meaning, Model, ParamKind};

use classes::{Class, Expect};

/// How big a run is.
#[derive(Debug, Clone)]
pub struct Config {
    /// Generations per class, spread round-robin over the models.
    pub per_class: usize,
    /// Generations in flight at once.
    pub concurrency: usize,
    /// Each generation's deadline, from submitting to saving.
    pub deadline: Duration,
    /// How long each emulated prediction takes.
    pub completion: Duration,
}

impl Config {
    /// `per_class` generations per class, 64 at once, a 20 s deadline,
    /// predictions taking 150 ms.
    pub fn new(per_class: usize) -> Self {
        Self {
            per_class,
            concurrency: 64,
            deadline: Duration::from_secs(20),
            completion: Duration::from_millis(150),
        }
    }
}

/// The longest pause between status checks: a wait may end this much after
/// its deadline (it notices at its next check), and no more.
pub const POLL_INTERVAL_CAP: Duration = Duration::from_millis(500);

/// One model of the matrix: how to build its request from text.
#[derive(Debug, Clone)]
pub struct ModelCase {
    /// `provider/model`.
    pub name: String,
    provider: String,
    entry: &'static ModelEntry,
    values: Vec<(String, String)>,
    tag_slot: TagSlot,
    sync: Option<String>,
    /// Whether its provider documents a prediction history.
    has_history: bool,
}

/// Where a generation's tag goes, so that the emulator's faults for it are
/// scoped to its request alone (the emulator matches the prompt, or for a
/// model with no prompt the request body).
#[derive(Debug, Clone)]
enum TagSlot {
    /// Into the prompt parameter of this name.
    Prompt(String),
    /// Into the fragment of this image URL parameter's value: the URL stays
    /// valid and names the same image.
    UrlFragment(String),
}

impl TagSlot {
    fn of(model: &Model) -> Option<Self> {
        let params = &model.parameters;
        if let Some(prompt) = params.iter().find(|p| p.meaning == Some(Meaning::Prompt)) {
            return Some(Self::Prompt(prompt.name.clone()));
        }
        params
            .iter()
            .find(|p| p.fixed.is_none() && matches!(p.kind, ParamKind::ImageUrl { .. }))
            .map(|url| Self::UrlFragment(url.name.clone()))
    }

    fn name(&self) -> &str {
        match self {
            Self::Prompt(name) | Self::UrlFragment(name) => name,
        }
    }

    /// The value of the slot's parameter carrying `tag`.
    fn value(&self, values: &[(String, String)], tag: &str) -> String {
        match self {
            Self::Prompt(_) => format!("a lighthouse at dusk, {tag}"),
            Self::UrlFragment(name) => {
                let url = values
                    .iter()
                    .find(|(known, _)| known == name)
                    .map_or(spec_values::INPUT_IMAGE, |(_, url)| url.as_str());
                let base = url.split('#').next().unwrap_or(url);
                format!("{base}#{tag}")
            }
        }
    }
}

/// Every model of the specs under `specs_dir`, with the values its spec
/// documents and its smallest size (the emulator draws every image).
pub fn models(specs_dir: &Path) -> Result<Vec<ModelCase>, String> {
    let specs = imagegen_spec::load(specs_dir).map_err(|d| d.to_string())?;
    let mut cases = Vec::new();
    for provider in &specs.providers {
        for model in &provider.models {
            let name = format!("{}/{}", provider.name, model.id);
            let (_, entry) = imagegen::find_model(&name)
                .ok_or_else(|| format!("{name} is in the specs but not in the catalog"))?;
            let tag_slot = TagSlot::of(model).ok_or_else(|| {
                format!(
                    "{name} has neither a prompt nor an image URL parameter to tag its requests by"
                )
            })?;
            cases.push(ModelCase {
                name,
                provider: provider.name.clone(),
                entry,
                values: cheapest(model, spec_values::request_values(model)),
                tag_slot,
                sync: model.sync_mode.clone(),
                has_history: provider.history.is_some(),
            });
        }
    }
    Ok(cases)
}

/// `values` with the smallest documented size preset, if the model has sizes.
fn cheapest(model: &Model, mut values: Vec<(String, String)>) -> Vec<(String, String)> {
    let smallest = model.parameters.iter().find_map(|param| match &param.kind {
        ParamKind::ImageSize { presets, .. } if param.fixed.is_none() => presets
            .iter()
            .filter_map(|p| p.dimensions.map(|(w, h)| (u64::from(w) * u64::from(h), p)))
            .min_by_key(|(pixels, _)| *pixels)
            .map(|(_, preset)| (param.name.clone(), preset.wire.clone())),
        _ => None,
    });
    if let Some((name, wire)) = smallest {
        values.retain(|(known, _)| *known != name);
        values.push((name, wire));
    }
    values
}

/// One class's figures.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// The class's name.
    pub class: &'static str,
    /// What it injects.
    pub what: &'static str,
    /// Generations run.
    pub generations: usize,
    /// Generations saved.
    pub completed: usize,
    /// Typed errors, by kind.
    pub errors: BTreeMap<String, usize>,
    /// Tasks that panicked.
    pub panics: usize,
    /// Predictions the emulator created more than once, or (after an
    /// ambiguous failure) whose request reached it more than once.
    pub double_submissions: usize,
    /// Most submissions of one generation's request that reached the
    /// emulator (a 429 that created nothing counts).
    pub max_submissions: usize,
    /// Errors, after the server gave a prediction id, that lack it.
    pub errors_without_id: usize,
    /// Generations that ended more than [`POLL_INTERVAL_CAP`] past their deadline.
    pub deadline_overruns: usize,
    /// Requests the emulator saw carrying credentials to another origin.
    pub leaked_credentials: usize,
    /// Generations whose end was not the class's expectation.
    pub unexpected: usize,
    /// Unanswered submissions found in the provider's history (then
    /// waited for like any other).
    pub recovered: usize,
    /// Unanswered submissions the history could not settle: reported with
    /// their candidates, never sent again.
    pub unreconciled: usize,
    /// Predictions made for an unanswered submission that were neither
    /// recovered nor among the candidates reported for it.
    pub lost_ids: usize,
    /// A few of those, for the report.
    pub samples: Vec<String>,
    /// Wall time of the class.
    pub wall: Duration,
}

impl Row {
    /// Whether the class met every target.
    pub fn meets_targets(&self) -> bool {
        self.panics == 0
            && self.lost_ids == 0
            && self.double_submissions == 0
            && self.errors_without_id == 0
            && self.deadline_overruns == 0
            && self.leaked_credentials == 0
            && self.unexpected == 0
    }
}

/// How one generation ended.
enum Ending {
    Saved,
    /// Unanswered, found in the history, then saved.
    Recovered,
    /// Unanswered, and the history could not settle it.
    Unreconciled(Error),
    SubmitFailed(Error),
    /// After the submission answered, with whether it gave a provider id.
    Failed(Error, bool),
    /// Completed, yet nothing was saved.
    NoFiles,
}

/// Runs one class over `models`.
pub async fn run_class(
    class: &Class,
    models: &[ModelCase],
    config: &Config,
) -> Result<Row, String> {
    let reconciling = class.expect == Expect::Reconciled;
    let models: Vec<&ModelCase> = models
        .iter()
        .filter(|m| !class.sync || m.sync.is_some())
        .filter(|m| !reconciling || m.has_history)
        .collect();
    if models.is_empty() {
        return Err(format!("no model fits class {}", class.name));
    }
    let sim = Sim::start(SimConfig::new().complete_after(config.completion))
        .await
        .map_err(|e| format!("the emulator does not start: {e}"))?;
    let mut clients = BTreeMap::new();
    for model in &models {
        if !clients.contains_key(&model.provider) {
            let (provider, _) = imagegen::find_model(&model.name).ok_or("not in the catalog")?;
            let client = provider
                .connect(
                    ClientBuilder::new()
                        .api_key(sim.api_key())
                        .base_url(sim.base_url(&model.provider))
                        .poll_policy(
                            PollPolicy::default()
                                .first_poll(Duration::from_millis(100))
                                .min_interval(Duration::from_millis(50))
                                .max_interval(POLL_INTERVAL_CAP),
                        )
                        .retry_policy(
                            RetryPolicy::default()
                                .initial_backoff(Duration::from_millis(20))
                                .max_backoff(Duration::from_millis(200))
                                .max_retry_after(Duration::from_secs(2)),
                        )
                        .overall_timeout(config.deadline)
                        // The emulator stamps predictions with this
                        // machine's clock: no margin is needed for another's.
                        .clock_margin(Duration::ZERO),
                )
                .map_err(|e| e.to_string())?;
            clients.insert(model.provider.clone(), client);
        }
    }
    let out = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut jobs = Vec::new();
    for index in 0..config.per_class {
        let model = models[index % models.len()];
        // Closed by a dot, so no tag is a prefix of another.
        let tag = format!("chaos-{}-{index:06}.", class.name);
        for rule in class.rules(&tag, index as u64) {
            sim.inject(rule);
        }
        let mut args = imagegen::args::Args::new();
        for (name, value) in &model.values {
            if name != model.tag_slot.name() && Some(name) != model.sync.as_ref() {
                args = args.with(name, value);
            }
        }
        args = args.with(
            model.tag_slot.name(),
            model.tag_slot.value(&model.values, &tag),
        );
        if let (true, Some(sync)) = (class.sync, &model.sync) {
            args = args.with(sync, "true");
        }
        let request = model
            .entry
            .parse(args)
            .map_err(|e| format!("{}: the spec's values do not parse: {e}", model.name))?;
        jobs.push((tag, clients[&model.provider].clone(), request));
    }

    let started = Instant::now();
    let gate = Arc::new(tokio::sync::Semaphore::new(config.concurrency));
    let mut tasks = Vec::new();
    for (tag, client, request) in jobs {
        let gate = Arc::clone(&gate);
        let dir = out.path().join(&tag);
        tasks.push((
            tag,
            tokio::spawn(async move {
                let _slot = gate.acquire_owned().await;
                let began = Instant::now();
                let ending = generate(&client, &request, &dir, reconciling).await;
                (ending, began.elapsed())
            }),
        ));
    }
    let mut row = Row {
        class: class.name,
        what: class.what,
        generations: tasks.len(),
        ..Row::default()
    };
    let mut endings = Vec::new();
    for (tag, task) in tasks {
        match task.await {
            Ok(ended) => endings.push((tag, ended)),
            Err(error) if error.is_panic() => row.panics += 1,
            Err(error) => return Err(format!("a generation task was cancelled: {error}")),
        }
    }
    row.wall = started.elapsed();
    let log = sim.log();
    row.leaked_credentials = log.credential_leaks().len();
    for (tag, (ending, elapsed)) in endings {
        let submissions: Vec<_> = log
            .submissions
            .iter()
            .filter(|s| s.body.to_string().contains(&tag))
            .collect();
        let created = submissions
            .iter()
            .filter(|s| s.prediction_id.is_some())
            .count();
        row.max_submissions = row.max_submissions.max(submissions.len());
        let ambiguous = class.expect == Expect::Ambiguous;
        if created > 1 || (ambiguous && submissions.len() > 1) {
            row.double_submissions += 1;
        }
        if elapsed > config.deadline + POLL_INTERVAL_CAP {
            row.deadline_overruns += 1;
        }
        let made: Vec<&str> = submissions
            .iter()
            .filter_map(|s| s.prediction_id.as_deref())
            .collect();
        let expected = match &ending {
            Ending::Saved => {
                row.completed += 1;
                matches!(class.expect, Expect::Complete | Expect::Reconciled)
            }
            Ending::Recovered => {
                row.completed += 1;
                row.recovered += 1;
                class.expect == Expect::Reconciled
            }
            Ending::Unreconciled(error) => {
                row.unreconciled += 1;
                *row.errors.entry(kind(error)).or_default() += 1;
                let named = match error {
                    Error::Unreconciled {
                        finding: imagegen::runtime::Finding::Ambiguous { candidates, .. },
                        ..
                    } => made.iter().all(|id| candidates.iter().any(|c| c.id == *id)),
                    _ => made.is_empty(),
                };
                if !named {
                    row.lost_ids += 1;
                }
                class.expect == Expect::Reconciled && named
            }
            Ending::SubmitFailed(error) => {
                *row.errors.entry(kind(error)).or_default() += 1;
                // The emulator answered with an id: the error must carry it.
                let answered = submissions
                    .iter()
                    .any(|s| matches!(s.outcome, SubmitOutcome::Accepted { .. }));
                if answered && error.prediction_id().is_none() {
                    row.errors_without_id += 1;
                }
                match class.expect {
                    Expect::Complete | Expect::Reconciled => false,
                    Expect::TypedError => is_refusal(error),
                    // Said to be uncertain, never "not sent".
                    Expect::Ambiguous => !error.was_not_sent(),
                }
            }
            Ending::NoFiles => false,
            Ending::Failed(error, had_id) => {
                *row.errors.entry(kind(error)).or_default() += 1;
                if *had_id && error.prediction_id().is_none() {
                    row.errors_without_id += 1;
                }
                class.expect == Expect::TypedError && is_refusal(error)
            }
        };
        if !expected {
            row.unexpected += 1;
            if row.samples.len() < 3 {
                row.samples.push(match &ending {
                    Ending::Saved | Ending::Recovered => format!("{tag}: completed"),
                    Ending::Unreconciled(e) => format!("{tag}: {e}"),
                    Ending::NoFiles => format!("{tag}: completed without files"),
                    Ending::SubmitFailed(e) | Ending::Failed(e, _) => format!("{tag}: {e}"),
                });
            }
        }
    }
    Ok(row)
}

/// Submits, waits and saves; with `reconcile`, a submission whose answer
/// was lost is looked for in the provider's history first.
async fn generate(
    client: &AnyClient,
    request: &imagegen::AnyRequest,
    dir: &Path,
    reconcile: bool,
) -> Ending {
    let deadline = client.deadline();
    let (prediction, recovered) = match client.submit_until(request, deadline).await {
        Ok(prediction) => (prediction, false),
        Err(Error::Unanswered { uncertain, .. }) if reconcile => {
            match client.reconcile(&uncertain).await {
                Ok(prediction) => (prediction, true),
                Err(error) => return Ending::Unreconciled(error),
            }
        }
        Err(error) => return Ending::SubmitFailed(error),
    };
    let had_id = prediction.id().is_some();
    let generation = match client.wait_until(&prediction, deadline).await {
        Ok(generation) => generation,
        Err(error) => return Ending::Failed(error, had_id),
    };
    match generation.save_all(dir).await {
        Ok(paths) if !paths.is_empty() && recovered => Ending::Recovered,
        Ok(paths) if !paths.is_empty() => Ending::Saved,
        Ok(_) => Ending::NoFiles,
        Err(error) => Ending::Failed(error, had_id),
    }
}

/// Whether the error is the service refusing the content: content policy,
/// a failed prediction, or (synchronous APIs) a refused request; not a
/// timeout or an unreadable answer standing in for one.
fn is_refusal(error: &Error) -> bool {
    matches!(
        error,
        Error::ContentPolicy { .. } | Error::PredictionFailed { .. } | Error::BadRequest { .. }
    )
}

/// The error's variant name (`RateLimited`), from its `Debug`.
fn kind(error: &Error) -> String {
    let debug = format!("{error:?}");
    debug
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .next()
        .unwrap_or("Error")
        .to_owned()
}

/// Runs every class.
pub async fn run(models: &[ModelCase], config: &Config) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for class in classes::CLASSES {
        rows.push(run_class(class, models, config).await?);
    }
    Ok(rows)
}
