//! `imagegen batch <provider>/<model> --prompts FILE`: one prediction per
//! line, with bounded concurrency, a client-side rate limit, and a manifest
//! that makes re-running the same command safe: done lines are skipped,
//! submitted ones resumed by id, failed ones retried only with
//! `--retry-failed`, and nothing already submitted is submitted again.

mod gallery;
mod input;
mod job;
mod manifest;
mod pace;
mod receiver;
mod report;

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use imagegen::info::ModelInfo;
use imagegen::runtime::{ClientBuilder, PollPolicy};
use imagegen::{AnyProvider, ModelEntry};
use imagegen_runtime::budget::Budget;
use imagegen_runtime::cost::{Currency, Money};
use imagegen_runtime::price::Amount;
use serde_json::json;
use tokio::sync::{Semaphore, watch};
use tokio::task::{self, JoinError, JoinSet};

use crate::failure::Failure;
use crate::list::unknown_model;
use crate::{cli, connect, params, signals, spend};
use imagegen_runtime::{Finding, Uncertain};
use input::Job;
use job::{Context, Outcome, Start};
use manifest::{LineState, Manifest, Status};
use pace::{Pacer, Rate};
use report::{Progress, Tally};

const DEFAULT_OUT: &str = ".";
const DEFAULT_CONCURRENCY: u32 = 4;
/// With a webhook receiver, the least time between a prediction's status
/// checks: deliveries end the waits, checks only catch those that never come.
const WEBHOOK_FALLBACK_POLL: std::time::Duration = std::time::Duration::from_secs(10);

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
            Arg::new("@max-cost")
                .long("max-cost")
                .value_name("AMOUNT")
                .allow_negative_numbers(true)
                .value_parser(crate::spend::parse_max_cost)
                .help(
                    "Spend at most this much (in the currency of the provider's prices, e.g. 20.00 \
                     for $20), counting what earlier runs into --out spent: each line's cost is \
                     reserved before it is sent, and a line that would pass the budget is not sent \
                     (recorded as skipped: budget). Costs reported by the provider replace the \
                     documented price once they arrive",
                ),
        )
        .arg(
            Arg::new("@unknown-cost-as")
                .long("unknown-cost-as")
                .value_name("AMOUNT")
                .requires("@max-cost")
                .allow_negative_numbers(true)
                .value_parser(crate::spend::parse_amount)
                .help(
                    "With --max-cost: count this much for a line whose price the docs do not \
                     state (required for such lines, which --max-cost refuses otherwise)",
                ),
        )
        .arg(
            Arg::new("@dry-run")
                .long("dry-run")
                .action(ArgAction::SetTrue)
                .help(
                    "Check every line (values, local images, the manifest, the budget) and print \
                     each request that would be sent with its cost, one JSON object a line, then \
                     the totals; send nothing and write nothing",
                ),
        )
        .arg(
            Arg::new("@retry-failed")
                .long("retry-failed")
                .action(ArgAction::SetTrue)
                .help("Submit again the lines an earlier run recorded as failed (never those that may have reached the provider without an answer: see --resubmit-unfound)"),
        )
        .arg(
            Arg::new("@webhook-listen")
                .long("webhook-listen")
                .value_name("ADDR")
                .requires("@webhook")
                .value_parser(value_parser!(std::net::SocketAddr))
                .help(
                    "Receive the provider's webhook deliveries on this address (e.g. 127.0.0.1:9000, \
                     behind the public --webhook-url that forwards to it): each is verified with \
                     the account's webhook secret (fetched at start), recorded in the manifest, then \
                     answered 2xx; forged, replayed and malformed ones are refused. A line whose \
                     answer was lost is recovered from its delivery; status checks become a slow \
                     fallback (every 10 s at most) for deliveries that do not come",
                ),
        )
        .arg(
            Arg::new("@quote")
                .long("quote")
                .action(ArgAction::SetTrue)
                .help(
                    "Price each distinct request with the provider's own pricing endpoint before \
                     sending it (WaveSpeed's Pricing API), and count that quote against --max-cost \
                     (and print it with --dry-run, which then asks the provider for prices but \
                     submits nothing): a budget then works on models whose page states no price",
                ),
        )
        .arg(
            Arg::new("@resubmit-unfound")
                .long("resubmit-unfound")
                .action(ArgAction::SetTrue)
                .help(
                    "Submit again the lines sent without an answer (or cut off mid-submission) that \
                     this run's look in the provider's history did not find (or that a provider \
                     without a history cannot look up). RISK: if the provider did take one (its \
                     history lagging, a clock far off), it is paid for twice",
                ),
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
    /// Sent without an answer (or cut off mid-submission): look for it in
    /// the provider's history before anything else is sent.
    Reconcile(Lost),
}

/// A line that may have reached the provider without its answer reaching
/// this program.
#[derive(Debug, Clone)]
enum Lost {
    /// Recorded as unanswered, with when it was sent and given up on.
    Unanswered(Uncertain, String),
    /// Recorded as being submitted (at this time, ms since the epoch) and
    /// nothing after: the run was cut off.
    CutOff(u128),
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
    let resubmit_unfound = matches.get_flag("@resubmit-unfound");
    let quote = matches.get_flag("@quote");
    if quote && provider.pricing.is_none() {
        return Err(Failure::usage(format!(
            "--quote: {} documents no pricing endpoint to ask; nothing was sent",
            provider.info.display_name
        )));
    }
    let dry_run = matches.get_flag("@dry-run");
    let currency = spend::currency_of(model.info);
    let unknown_cost_as = matches.get_one::<Amount>("@unknown-cost-as").copied();

    let defaults = params::given(model.info, matches);
    let jobs = input::read_jobs(prompts, model, &defaults).map_err(Failure::usage)?;
    // A dry run writes nothing: it reads the manifest, if there is one.
    let manifest = if dry_run {
        None
    } else {
        crate::generate::writable_dir(&out)?;
        Some(Manifest::open(&out)?)
    };
    let manifest_path = out.join(manifest::FILE_NAME);
    let read_only;
    let earlier = match &manifest {
        Some(manifest) => manifest.earlier(),
        None => {
            read_only = if manifest_path.exists() {
                Manifest::read(&out)?
            } else {
                BTreeMap::new()
            };
            &read_only
        }
    };
    let plans = plan(&jobs, earlier, &manifest_path, &qualified, retry_failed)?;
    let lines = jobs.len();

    let mut tally = Tally::default();
    let mut work = Vec::new();
    let mut lost = Vec::new();
    for (job, plan) in jobs.into_iter().zip(plans) {
        match plan {
            Plan::Run(start) => work.push((job, start)),
            Plan::SkipDone => tally.skipped += 1,
            Plan::SkipFailed(error) => tally.skipped_failed.push((job.line, error)),
            Plan::Reconcile(how) => lost.push((job, how)),
        }
    }
    // Lines that may be sent again are checked like any other to submit.
    let may_resubmit: Vec<(Job, Start)> = lost
        .iter()
        .filter(|_| resubmit_unfound)
        .map(|(job, _)| (job.clone(), Start::Submit))
        .collect();
    check_local_images(&work).await?;
    check_local_images(&may_resubmit).await?;
    let budget = match matches.get_one::<Amount>("@max-cost") {
        Some(&limit) => {
            let spending = manifest::Spending {
                model: model.info,
                qualified: &qualified,
                currency,
                unknown_cost_as,
            };
            let spent = manifest::spent(earlier, &manifest_path, &spending)?;
            // Quoted, every request has the provider's own price.
            if !quote {
                check_costs_known(&work, model.info, &qualified, unknown_cost_as)?;
                check_costs_known(&may_resubmit, model.info, &qualified, unknown_cost_as)?;
            }
            Some(
                Budget::with_spent(Money::new(limit, currency), spent)
                    .map_err(|error| Failure::usage(format!("--max-cost: {error}")))?,
            )
        }
        None => None,
    };
    let Some(manifest) = manifest else {
        let quotes = if quote {
            quote_each(provider, matches, &work).await?
        } else {
            HashMap::new()
        };
        return print_dry_run(
            &work,
            &lost,
            &tally,
            &|job: &Job| {
                quotes
                    .get(&job.body.to_string())
                    .copied()
                    .unwrap_or_else(|| spend::expected_cost(model.info, &job.body))
            },
            currency,
            budget.as_ref(),
            unknown_cost_as,
        );
    };
    let mut gallery = gallery::Writer::new(&out, &qualified, currency);
    gallery.update(&manifest, true);
    let mut costs = spend::Totals::new(currency);
    let listen_at = matches
        .get_one::<std::net::SocketAddr>("@webhook-listen")
        .copied();
    let mut deliveries = None;
    if !work.is_empty() || !lost.is_empty() {
        let configure = |builder: ClientBuilder<AnyProvider>| {
            let builder = match &budget {
                Some(budget) => {
                    let builder = builder.budget(budget.clone());
                    match unknown_cost_as {
                        Some(amount) => builder.unknown_cost_as(Money::new(amount, currency)),
                        None => builder,
                    }
                }
                None => builder,
            };
            let builder = builder.quote_costs(quote);
            // Deliveries end the waits: checks are the slow fallback.
            match listen_at {
                Some(_) => builder.poll_policy(
                    PollPolicy::default()
                        .first_poll(WEBHOOK_FALLBACK_POLL)
                        .min_interval(WEBHOOK_FALLBACK_POLL)
                        .max_interval(WEBHOOK_FALLBACK_POLL * 6),
                ),
                None => builder,
            }
        };
        let connection = connect::connect_with(provider, matches, configure).await?;
        if let (Some(budget), Some(_)) = (&budget, provider.balance) {
            check_balance(&connection.client, budget).await?;
        }
        let receiver = match (listen_at, provider.webhook) {
            (Some(_), Some(info)) => {
                let secret = connection
                    .client
                    .webhook_secret()
                    .await
                    .map_err(|error| {
                        Failure::other(format!(
                            "--webhook-listen: the webhook secret cannot be fetched ({error}); nothing was sent"
                        ))
                    })?;
                Some(Arc::new(receiver::Receiver::new(
                    info,
                    secret,
                    qualified.clone(),
                )))
            }
            _ => None,
        };
        let (stop_sender, stop) = watch::channel(false);
        let stop_sender = Arc::new(stop_sender);
        let signals = signals::stop_on_signal(Arc::clone(&stop_sender));
        let context = Arc::new(Context {
            client: connection.client.clone(),
            manifest,
            pacer: Pacer::new(rate),
            out: out.clone(),
            model: qualified.clone(),
            info: model.info,
            costs: Mutex::new(spend::Totals::new(currency)),
            stop: stop.clone(),
            receiver: receiver.clone(),
        });
        let listening = match (listen_at, &receiver) {
            (Some(addr), Some(receiver)) => Some(
                receiver::listen(addr, Arc::clone(receiver), Arc::clone(&context))
                    .await
                    .map_err(Failure::usage)?,
            ),
            _ => None,
        };
        let mut work = work;
        let found = reconcile_first(&context, lost, resubmit_unfound, &mut tally).await;
        match found {
            Ok(found) => work.extend(found),
            Err(problem) => {
                tally.record(
                    0,
                    Outcome::Failed {
                        message: problem,
                        fatal: true,
                    },
                );
                stop_sender.send_replace(true);
            }
        }
        work.sort_by_key(|(job, _)| job.line);
        let batch = Batch {
            context: &context,
            stop_sender: &stop_sender,
            gallery: &mut gallery,
        };
        batch.run_all(work, lines, concurrency, &mut tally).await;
        if let Some(listening) = listening {
            listening.abort();
        }
        deliveries = receiver.map(|receiver| {
            let counts = &receiver.counts;
            format!(
                "\nwebhook deliveries: {} recorded, {} duplicates, {} refused (forged, replayed, malformed or not this run's)",
                counts.accepted.load(std::sync::atomic::Ordering::Relaxed),
                counts.duplicates.load(std::sync::atomic::Ordering::Relaxed),
                counts.refused.load(std::sync::atomic::Ordering::Relaxed),
            )
        });
        signals.abort();
        connection.close().await;
        gallery.update(&context.manifest, true);
        if let Ok(totals) = context.costs.lock() {
            costs = *totals;
        }
    }
    let mut spending = format!("cost of this run: {}", costs.describe());
    if let Some(budget) = &budget {
        spending.push_str(&format!(
            "\nbudget: {} of {} committed over every run into {}",
            budget.committed(),
            budget.limit(),
            out.display()
        ));
    }
    if let Some(deliveries) = deliveries {
        spending.push_str(&deliveries);
    }
    spending.push_str(&format!(
        "\nmanifest: {}\ngallery: {}",
        manifest_path.display(),
        out.join(gallery::FILE_NAME).display()
    ));
    let summary = tally.summary(&qualified, lines, started.elapsed(), &spending);
    if tally.all_done() {
        println!("{summary}");
        Ok(())
    } else {
        Err(Failure::other(summary))
    }
}

/// Looks for every line that may have reached the provider without an
/// answer in its history, before anything else is sent: each found is
/// waited for like a submitted line; each not found stays uncertain (never
/// sent again), unless `--resubmit-unfound` and the history showed nothing
/// (or the provider has none). Every id the manifest holds belongs to its
/// own line, and every unanswered line counts against the others it
/// overlaps: the history shows no inputs, so those are not told apart.
async fn reconcile_first(
    context: &Context,
    lost: Vec<(Job, Lost)>,
    resubmit_unfound: bool,
    tally: &mut Tally,
) -> Result<Vec<(Job, Start)>, String> {
    if lost.is_empty() {
        return Ok(Vec::new());
    }
    let client = &context.client;
    let taken: Vec<String> = context
        .manifest
        .earlier()
        .values()
        .filter_map(|state| state.id.clone())
        .collect();
    client.claim(taken);
    let provider = client.provider().name;
    let model_id = context.info.id;
    let lost: Vec<(Job, Uncertain, String)> = lost
        .into_iter()
        .map(|(job, how)| match how {
            Lost::Unanswered(uncertain, why) => (job, uncertain, why),
            Lost::CutOff(at_ms) => {
                let sent = std::time::UNIX_EPOCH
                    + std::time::Duration::from_millis(u64::try_from(at_ms).unwrap_or(u64::MAX));
                // Its request could have been taken until its deadline.
                let uncertain =
                    Uncertain::new(provider, model_id, sent, sent + client.overall_timeout());
                let why = "an earlier run was cut off while submitting it".to_owned();
                (job, uncertain, why)
            }
        })
        .collect();
    for (_, uncertain, _) in &lost {
        client.track(uncertain);
    }
    let mut work = Vec::new();
    for (job, uncertain, why) in lost {
        match job::reconcile(context, &job, uncertain, &why).await? {
            Ok(prediction) => work.push((job, Start::Recovered(Box::new(prediction)))),
            Err((_, Some(Finding::NoneFound | Finding::NoHistory))) if resubmit_unfound => {
                work.push((job, Start::Submit));
            }
            Err((outcome, _)) => tally.record(job.line, outcome),
        }
    }
    Ok(work)
}

/// With `--quote --dry-run`: the provider's price of each distinct request
/// to submit, asked once per body (nothing is submitted).
async fn quote_each(
    provider: &'static imagegen::ProviderEntry,
    matches: &ArgMatches,
    work: &[(Job, Start)],
) -> Result<HashMap<String, imagegen_runtime::cost::Cost>, Failure> {
    let connection = connect::connect(provider, matches).await?;
    let mut quotes = HashMap::new();
    for (job, start) in work {
        let key = job.body.to_string();
        if !matches!(start, Start::Submit) || quotes.contains_key(&key) {
            continue;
        }
        match connection.client.quote(&job.request).await {
            Ok(money) => {
                quotes.insert(key, imagegen_runtime::cost::Cost::Quoted(money));
            }
            Err(error) => {
                connection.close().await;
                return Err(Failure::other(format!(
                    "--quote: line {}: the provider's price cannot be read ({}); nothing was sent",
                    job.line,
                    crate::failure::printable(&error.to_string())
                )));
            }
        }
    }
    connection.close().await;
    Ok(quotes)
}

/// A budget larger than what the account holds is refused before anything
/// is sent (where the provider documents its balance endpoint); a balance
/// that cannot be read is said, and the budget alone holds.
async fn check_balance(client: &imagegen::AnyClient, budget: &Budget) -> Result<(), Failure> {
    match client.balance().await {
        Ok(balance)
            if balance.currency == budget.limit().currency
                && balance.amount < budget.remaining().amount =>
        {
            Err(Failure::usage(format!(
                "--max-cost leaves {} to spend, more than the account's balance of {}; nothing was sent: lower --max-cost or top up the account",
                budget.remaining(),
                balance
            )))
        }
        Ok(_) => Ok(()),
        Err(error) => {
            eprintln!(
                "warning: the account's balance cannot be read ({}); --max-cost alone limits the spending",
                crate::failure::printable(&error.to_string())
            );
            Ok(())
        }
    }
}

/// With `--max-cost`, every line to submit must have a cost to reserve:
/// its documented price, or `--unknown-cost-as`. Exit 2 otherwise, naming
/// the lines, with nothing sent.
fn check_costs_known(
    work: &[(Job, Start)],
    model: &'static ModelInfo,
    qualified: &str,
    unknown_cost_as: Option<Amount>,
) -> Result<(), Failure> {
    if unknown_cost_as.is_some() {
        return Ok(());
    }
    let unknown: Vec<usize> = work
        .iter()
        .filter(|(job, start)| {
            matches!(start, Start::Submit) && spend::expected_cost(model, &job.body).is_unknown()
        })
        .map(|(job, _)| job.line)
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let shown: Vec<String> = unknown.iter().take(10).map(ToString::to_string).collect();
    Err(Failure::usage(format!(
        "--max-cost: the documentation of {qualified} states no price for line{} {}{}, so the budget cannot count {}; nothing was sent: give --unknown-cost-as AMOUNT to count an assumed cost for each",
        if unknown.len() == 1 { "" } else { "s" },
        shown.join(", "),
        if unknown.len() > shown.len() {
            ", ..."
        } else {
            ""
        },
        if unknown.len() == 1 { "it" } else { "them" },
    )))
}

/// `--dry-run`: each line to submit as one JSON object (its request, its
/// cost, and whether the budget would let it through, in line order), each
/// line to resume, then the totals. Nothing is sent or written.
fn print_dry_run(
    work: &[(Job, Start)],
    lost: &[(Job, Lost)],
    tally: &Tally,
    cost_of: &dyn Fn(&Job) -> imagegen_runtime::cost::Cost,
    currency: Currency,
    budget: Option<&Budget>,
    unknown_cost_as: Option<Amount>,
) -> Result<(), Failure> {
    let mut text = String::new();
    let mut totals = spend::Totals::new(currency);
    let mut over_budget = 0;
    // Reservations made on a copy of the budget, never settled: what a run
    // would reserve before any answer.
    let trial = budget.map(|budget| {
        Budget::with_spent(budget.limit(), budget.committed().amount)
            .unwrap_or_else(|_| budget.clone())
    });
    for (job, start) in work {
        let line = match start {
            Start::Submit => {
                let cost = cost_of(job);
                let fits = trial.as_ref().map(|budget| {
                    let reserve = cost
                        .money()
                        .or(unknown_cost_as.map(|amount| Money::new(amount, currency)));
                    reserve.is_some_and(|money| budget.reserve(money).is_ok())
                });
                if fits == Some(false) {
                    over_budget += 1;
                } else {
                    totals.add(cost);
                }
                let mut line = json!({"line": job.line, "request": job.body, "cost": cost});
                if let Some(fits) = fits {
                    line["budget"] = json!(if fits { "fits" } else { "skipped: budget" });
                }
                line
            }
            Start::Resume(id) => json!({"line": job.line, "resume": id}),
            Start::Save(prediction) | Start::Recovered(prediction) => {
                json!({"line": job.line, "save": prediction.name()})
            }
        };
        text.push_str(&line.to_string());
        text.push('\n');
    }
    for (job, how) in lost {
        let line = match how {
            Lost::Unanswered(uncertain, _) => json!({"line": job.line, "reconcile": uncertain}),
            Lost::CutOff(at_ms) => json!({"line": job.line, "reconcile": {"cut_off_at_ms": at_ms}}),
        };
        text.push_str(&line.to_string());
        text.push('\n');
    }
    let mut summary = json!({
        "dry_run": true,
        "lines": work.len() + lost.len() + tally.skipped + tally.skipped_failed.len(),
        "to_run": work.len(),
        "to_reconcile": lost.len(),
        "done_before": tally.skipped,
        "failed_before": tally.skipped_failed.len(),
        "cost": totals.as_json(),
    });
    if let Some(budget) = budget {
        summary["budget"] = json!({
            "limit": budget.limit().amount.to_f64(),
            "spent_before": budget.committed().amount.to_f64(),
            "skipped": over_budget,
        });
    }
    text.push_str(&summary.to_string());
    text.push('\n');
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|error| Failure::other(format!("stdout cannot be written: {error}")))
}

/// `imagegen gallery DIR`: rebuilds `DIR/index.html` from `DIR/manifest.jsonl`.
pub fn rebuild_gallery(matches: &ArgMatches) -> Result<(), Failure> {
    let dir = matches
        .get_one::<PathBuf>("dir")
        .ok_or_else(|| Failure::usage("name the batch's output directory"))?;
    let lines = Manifest::read(dir)?;
    let model = lines
        .values()
        .next()
        .map(|state| state.model.clone())
        .unwrap_or_default();
    let currency = crate::catalog::find(&model)
        .map_or(Currency::USD, |(_, entry)| spend::currency_of(entry.info));
    let html = gallery::render(&model, currency, &lines);
    gallery::write(dir, &html).map_err(|error| {
        Failure::other(format!(
            "cannot write {}: {error}",
            dir.join(gallery::FILE_NAME).display()
        ))
    })?;
    println!("{}", dir.join(gallery::FILE_NAME).display());
    Ok(())
}

/// Each job's plan from the manifest. A manifest written for other requests
/// (the file or the flags changed) is refused as a whole: matching its ids
/// to different prompts would save the wrong images, or pay twice.
fn plan(
    jobs: &[Job],
    earlier: &BTreeMap<usize, LineState>,
    manifest_path: &Path,
    model: &str,
    retry_failed: bool,
) -> Result<Vec<Plan>, Failure> {
    let mut plans = Vec::with_capacity(jobs.len());
    let mut conflicts = Vec::new();
    for job in jobs {
        let Some(state) = earlier.get(&job.line) else {
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
            (Status::NotSent | Status::Skipped, ..) => Plan::Run(Start::Submit),
            // It may have reached the provider: looked for, never resent
            // blindly, whatever the flags.
            (Status::Uncertain, ..) => match &state.uncertain {
                Some(uncertain) => Plan::Reconcile(Lost::Unanswered(
                    uncertain.clone(),
                    "an earlier run got no answer to it".to_owned(),
                )),
                None => Plan::Reconcile(Lost::CutOff(state.submitted_ms.unwrap_or(state.at_ms))),
            },
            (Status::Submitting, ..) => {
                Plan::Reconcile(Lost::CutOff(state.submitted_ms.unwrap_or(state.at_ms)))
            }
            (Status::Failed, ..) | (Status::Submitted, None, _) if retry_failed => {
                Plan::Run(Start::Submit)
            }
            (Status::Failed, ..) => Plan::SkipFailed(
                state
                    .error
                    .clone()
                    .unwrap_or_else(|| "failed in an earlier run".to_owned()),
            ),
            (Status::Submitted, None, _) => Plan::SkipFailed(
                "submitted in an earlier run, but the provider gave no id to resume it by"
                    .to_owned(),
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
            manifest_path.display(),
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

/// A running batch: what its jobs share, and what the main loop updates.
struct Batch<'a> {
    context: &'a Arc<Context>,
    stop_sender: &'a watch::Sender<bool>,
    gallery: &'a mut gallery::Writer,
}

impl Batch<'_> {
    /// Runs the jobs in line order, at most `concurrency` at once.
    async fn run_all(
        self,
        work: Vec<(Job, Start)>,
        lines: usize,
        concurrency: u32,
        tally: &mut Tally,
    ) {
        let Batch {
            context,
            stop_sender,
            gallery,
        } = self;
        let progress = Progress::new(lines, tally.skipped);
        let spent = || {
            context
                .costs
                .lock()
                .map(|costs| format!("{} spent", costs.known()))
                .unwrap_or_default()
        };
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
            let shared = Arc::clone(context);
            let line = job.line;
            let task = running.spawn(async move {
                let outcome = job::run(&shared, &job, start).await;
                drop(permit);
                outcome
            });
            line_of.insert(task.id(), line);
            // Collect what has finished meanwhile, to stop early on a fatal error.
            while let Some(joined) = running.try_join_next_with_id() {
                finished(joined, &mut line_of, stop_sender, tally);
                progress.update(tally, running.len(), &spent());
                gallery.update(&context.manifest, false);
            }
        }
        for (job, _) in pending {
            tally.record(job.line, Outcome::NotStarted);
        }
        while let Some(joined) = running.join_next_with_id().await {
            finished(joined, &mut line_of, stop_sender, tally);
            progress.update(tally, running.len(), &spent());
            gallery.update(&context.manifest, false);
        }
        progress.finish();
    }
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
