//! `cargo xtask bench scale [--quick]`: one `imagegen batch` process drives
//! thousands of predictions against the emulator running as a process of
//! its own, on each protocol shape, also under `ulimit -n 1024`, and with
//! local images (one photo shared by every line; a photo per line) on a
//! model whose provider uploads them.
//!
//! Builds `imagegen` and `imagegen-sim` in release, picks per protocol shape
//! the first model (in spec order) that needs nothing but a prompt, with its
//! smallest size preset and JPEG where offered, and for each workload checks
//! what a user cares about and prints one table:
//! - every line done in the manifest, with exactly one accepted submission
//!   per prompt in the emulator's log, and as many distinct files as
//!   outputs, each decoded;
//! - a shared photo uploaded once, a photo per line once each;
//! - the client's wall time, CPU time and peak RSS (the operating system's
//!   figures for that one process), HTTP requests per prediction (from the
//!   emulator's log), and the most connections the emulator saw open.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

use imagegen_spec::ir::{Meaning, Model, ParamKind, Protocol, Provider};
use imagegen_spec::load;

use super::emulator::Emulator;
use super::measure::{Cost, Measured, measure};

/// How long every emulated prediction takes: long enough that all of a
/// workload's predictions are in flight together.
const COMPLETION: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Size {
    /// The targets: 10,000 in flight, 1,000 per shape.
    Full,
    /// A few minutes: 2,000 in flight, 200 per shape.
    Quick,
}

/// One batch run.
#[derive(Debug, Clone, Copy)]
struct Workload {
    protocol: Protocol,
    lines: usize,
    concurrency: usize,
    /// The open-file limit the client runs under (`None`: this machine's).
    open_files: Option<u64>,
    /// Local images as inputs, on a model whose provider uploads them.
    images: Images,
    /// Run under `--max-cost` (a budget every line fits in), so every
    /// submission reserves and settles its cost.
    budget: bool,
}

/// Which local images a workload's lines give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Images {
    /// None: a prompt only.
    None,
    /// One photo shared by every line: uploaded once.
    Shared,
    /// A photo of its own per line: uploaded once each.
    PerLine,
}

fn workloads(size: Size) -> Vec<Workload> {
    let (many, each) = match size {
        Size::Full => (10_000, 1_000),
        Size::Quick => (2_000, 200),
    };
    let run = |protocol, lines, open_files| Workload {
        protocol,
        lines,
        concurrency: lines,
        open_files,
        images: Images::None,
        budget: false,
    };
    let local = |images, lines| Workload {
        images,
        ..run(Protocol::EnvelopePredictionQueue, lines, Some(1024))
    };
    vec![
        run(Protocol::FlatPredictionQueue, many, None),
        run(Protocol::FlatPredictionQueue, many, Some(1024)),
        Workload {
            budget: true,
            ..run(Protocol::FlatPredictionQueue, many, Some(1024))
        },
        run(Protocol::FlatPredictionQueue, each, Some(1024)),
        run(Protocol::EnvelopePredictionQueue, each, Some(1024)),
        run(Protocol::OpenaiSync, each, Some(1024)),
        local(Images::Shared, many),
        local(Images::PerLine, each),
    ]
}

/// What one workload showed.
#[derive(Debug, Default)]
struct Row {
    label: String,
    lines: usize,
    concurrency: usize,
    open_files: String,
    cost: Cost,
    done: usize,
    files: usize,
    submissions_per_prompt_max: usize,
    requests_per_prediction: f64,
    peak_api_connections: u64,
    peak_asset_connections: u64,
    /// Uploads stored by the emulator (local-image workloads).
    uploads: Option<usize>,
    failures: Vec<String>,
}

pub(crate) fn bench(root: &Path, size: Size) -> ExitCode {
    match run(root, size) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(root: &Path, size: Size) -> Result<bool, String> {
    let release = super::release_binaries(root)?;
    let specs = load(&root.join("specs")).map_err(|diagnostics| diagnostics.to_string())?;
    let emulator = Emulator::start(&release.join("imagegen-sim"), COMPLETION)?;
    let scratch = std::env::temp_dir().join(format!("imagegen-bench-scale-{}", std::process::id()));
    let mut rows = Vec::new();
    for workload in workloads(size) {
        let chosen = match workload.images {
            Images::None => model_for(&specs.providers, workload.protocol),
            Images::Shared | Images::PerLine => local_model_for(&specs.providers),
        };
        let Some((provider, model)) = chosen else {
            eprintln!("no model fits the {workload:?} workload; skipped");
            continue;
        };
        eprintln!(
            "{}/{}: {} lines at concurrency {} ...",
            provider.name, model.id, workload.lines, workload.concurrency
        );
        emulator.reset()?;
        let dir = scratch.join(format!("run-{}", rows.len()));
        let row = run_workload(
            &release.join("imagegen"),
            &emulator,
            provider,
            model,
            workload,
            &dir,
        )?;
        let _ = std::fs::remove_dir_all(&dir);
        rows.push(row);
    }
    let _ = std::fs::remove_dir_all(&scratch);
    print!("{}", table(&rows, size));
    Ok(rows.iter().all(|row| row.failures.is_empty()))
}

/// The model speaking `protocol` that needs only a prompt and makes the
/// smallest images (the first in spec order among equals): the emulator
/// draws every image, and it shares the machine with the client.
fn model_for(providers: &[Provider], protocol: Protocol) -> Option<(&Provider, &Model)> {
    providers
        .iter()
        .filter(|provider| provider.protocol == protocol)
        .flat_map(|provider| provider.models.iter().map(move |model| (provider, model)))
        .filter(|(_, model)| {
            model
                .required_parameters()
                .all(|param| param.meaning == Some(Meaning::Prompt))
        })
        .min_by_key(|(_, model)| smallest_preset(model).map_or(u64::MAX, |(pixels, _)| pixels))
}

/// A model whose provider uploads local images and whose required
/// parameters are a prompt and the reference image (an edit).
fn local_model_for(providers: &[Provider]) -> Option<(&Provider, &Model)> {
    providers
        .iter()
        .filter(|provider| provider.upload.is_some())
        .flat_map(|provider| provider.models.iter().map(move |model| (provider, model)))
        .find(|(_, model)| {
            reference_image(model).is_some()
                && model.required_parameters().all(|param| {
                    matches!(
                        param.meaning,
                        Some(Meaning::Prompt | Meaning::ReferenceImage)
                    )
                })
        })
}

/// The wire name of a model's reference image parameter.
fn reference_image(model: &Model) -> Option<&str> {
    model
        .parameters
        .iter()
        .find(|param| {
            param.meaning == Some(Meaning::ReferenceImage)
                && matches!(param.kind, ParamKind::ImageUrl { .. })
        })
        .map(|param| param.name.as_str())
}

/// A JSONL prompts file whose lines give `param` a local photo: one shared,
/// or one each. Photos are small (64x64, distinct colours): with its size
/// left to the model, the edit's output is the photo's size, so the
/// emulator's drawing stays cheap.
fn write_image_prompts(
    dir: &Path,
    param: &str,
    images: Images,
    lines: usize,
) -> Result<PathBuf, String> {
    let failed = |error: String| format!("{}: {error}", dir.display());
    std::fs::create_dir_all(dir).map_err(|e| failed(e.to_string()))?;
    let photo = |n: usize| -> Result<PathBuf, String> {
        let path = dir.join(format!("photo-{n}.png"));
        let colour = [(n % 251) as u8, (n / 251 % 251) as u8, 128];
        image::RgbImage::from_pixel(64, 64, image::Rgb(colour))
            .save(&path)
            .map_err(|e| failed(e.to_string()))?;
        Ok(path)
    };
    let shared = photo(0)?;
    let mut text = String::new();
    for n in 1..=lines {
        let path = if images == Images::PerLine {
            photo(n)?
        } else {
            shared.clone()
        };
        let line = serde_json::json!({"prompt": format!("bench prompt {n}"), param: path});
        text.push_str(&line.to_string());
        text.push('\n');
    }
    let prompts = dir.join("prompts.jsonl");
    std::fs::write(&prompts, text).map_err(|e| failed(e.to_string()))?;
    Ok(prompts)
}

/// A model's smallest size preset: its pixels and wire spelling.
fn smallest_preset(model: &Model) -> Option<(u64, &str)> {
    model
        .parameters
        .iter()
        .filter_map(|param| match &param.kind {
            ParamKind::ImageSize { presets, .. } => presets
                .iter()
                .filter_map(|p| {
                    let (w, h) = p.dimensions?;
                    Some((u64::from(w) * u64::from(h), p.wire.as_str()))
                })
                .min(),
            _ => None,
        })
        .min()
}

/// Flags making a model's images cheap: its smallest size preset, and JPEG
/// where its output format offers it.
fn cheap_flags(model: &Model) -> Vec<String> {
    let mut flags = Vec::new();
    for param in &model.parameters {
        let flag = format!("--{}", param.name.replace('_', "-"));
        match (&param.kind, param.meaning) {
            (ParamKind::ImageSize { .. }, _) => {
                if let Some((_, smallest)) = smallest_preset(model) {
                    flags.extend([flag, smallest.to_owned()]);
                }
            }
            (ParamKind::Choice { values, .. }, Some(Meaning::OutputFormat)) => {
                if let Some(jpeg) = values.iter().find(|c| {
                    c.wire.eq_ignore_ascii_case("jpeg") || c.wire.eq_ignore_ascii_case("jpg")
                }) {
                    flags.extend([flag, jpeg.wire.clone()]);
                }
            }
            _ => {}
        }
    }
    flags
}

fn run_workload(
    imagegen: &Path,
    emulator: &Emulator,
    provider: &Provider,
    model: &Model,
    workload: Workload,
    dir: &Path,
) -> Result<Row, String> {
    let (prompts, flags) = match (workload.images, reference_image(model)) {
        (Images::Shared | Images::PerLine, Some(param)) => (
            write_image_prompts(&dir.join("photos"), param, workload.images, workload.lines)?,
            Vec::new(),
        ),
        _ => {
            let prompts = dir.join("prompts.txt");
            super::write_prompts(&prompts, "bench prompt", workload.lines)?;
            (prompts, cheap_flags(model))
        }
    };
    let out = dir.join("out");
    let mut batch = Command::new(imagegen);
    batch
        .args([
            "batch",
            &format!("{}/{}", provider.name, model.id),
            "--prompts",
        ])
        .arg(&prompts)
        .arg("--out")
        .arg(&out)
        .args(["--concurrency", &workload.concurrency.to_string()])
        .args(["--base-url", &emulator.base_url(&provider.name)])
        .args(flags)
        .env(&provider.auth.env_var, "sim-key");
    if workload.budget {
        // A dollar a line: room for every line whatever it costs, with a
        // cent assumed where the docs state no price.
        batch
            .args(["--max-cost", &workload.lines.to_string()])
            .args(["--unknown-cost-as", "0.01"]);
    }
    let Measured { cost, stderr_tail } = measure(&batch, workload.open_files)?;
    let label = match workload.images {
        Images::None if workload.budget => format!("{}, --max-cost", shape(workload.protocol)),
        Images::None => shape(workload.protocol).to_owned(),
        Images::Shared => "one local photo for every line".to_owned(),
        Images::PerLine => "a local photo per line".to_owned(),
    };
    let mut row = Row {
        label: format!("{}/{} ({label})", provider.name, model.id),
        lines: workload.lines,
        concurrency: workload.concurrency,
        open_files: workload
            .open_files
            .map_or_else(|| "machine's".to_owned(), |n| n.to_string()),
        cost,
        ..Row::default()
    };
    if cost.exit_code != 0 {
        let tail: Vec<&str> = stderr_tail.lines().rev().take(5).collect();
        row.failures
            .push(format!("exit {}: {}", cost.exit_code, tail.join(" | ")));
    }
    check_outputs(&out, workload.lines, &mut row)?;
    let log = emulator.log()?;
    check_log(&log, workload.lines, &mut row);
    check_uploads(&log, workload, &mut row);
    Ok(row)
}

/// Every line done, each output its own file, each file a decodable image.
fn check_outputs(out: &Path, lines: usize, row: &mut Row) -> Result<(), String> {
    let manifest = std::fs::read_to_string(out.join("manifest.jsonl"))
        .map_err(|error| format!("no manifest: {error}"))?;
    let mut last: BTreeMap<u64, serde_json::Value> = BTreeMap::new();
    for record in manifest
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
    {
        if let Some(line) = record["line"].as_u64() {
            last.insert(line, record);
        }
    }
    let mut paths = BTreeSet::new();
    for record in last.values() {
        if record["status"] == "done" {
            row.done += 1;
            for output in record["outputs"].as_array().into_iter().flatten() {
                if let Some(path) = output["path"].as_str() {
                    paths.insert(PathBuf::from(path));
                }
            }
        }
    }
    if row.done != lines {
        row.failures
            .push(format!("{} of {lines} lines done", row.done));
    }
    let mut undecodable = 0;
    for path in &paths {
        let decodes = std::fs::read(path)
            .ok()
            .is_some_and(|bytes| image::load_from_memory(&bytes).is_ok());
        undecodable += usize::from(!decodes);
    }
    row.files = paths.len();
    if undecodable > 0 {
        row.failures
            .push(format!("{undecodable} files do not decode"));
    }
    let on_disk = std::fs::read_dir(out)
        .map_err(|error| format!("{}: {error}", out.display()))?
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|e| e.file_name() != "manifest.jsonl" && e.file_name() != "index.html")
        })
        .count();
    if on_disk != paths.len() {
        row.failures.push(format!(
            "{on_disk} files on disk for {} recorded outputs",
            paths.len()
        ));
    }
    // The gallery, as the batch left it: a card per line, every image on it.
    let page = std::fs::read_to_string(out.join("index.html")).unwrap_or_default();
    let cards = page.matches("<article").count();
    let thumbnails = page.matches("loading=\"lazy\"").count();
    if cards != lines || thumbnails != paths.len() {
        row.failures.push(format!(
            "the gallery shows {cards} lines and {thumbnails} images, not {lines} and {}",
            paths.len()
        ));
    }
    Ok(())
}

/// One accepted submission per prompt, and what the requests cost.
fn check_log(log: &serde_json::Value, lines: usize, row: &mut Row) {
    let mut per_prompt: BTreeMap<&str, usize> = BTreeMap::new();
    let submissions = log["submissions"].as_array().map_or(&[][..], Vec::as_slice);
    for submission in submissions {
        if submission["outcome"]["type"] == "accepted"
            && let Some(prompt) = submission["body"]["prompt"].as_str()
        {
            *per_prompt.entry(prompt).or_default() += 1;
        }
    }
    row.submissions_per_prompt_max = per_prompt.values().copied().max().unwrap_or(0);
    if per_prompt.len() != lines || row.submissions_per_prompt_max != 1 {
        row.failures.push(format!(
            "{} prompts accepted, at most {} times each",
            per_prompt.len(),
            row.submissions_per_prompt_max
        ));
    }
    let polls: u64 = log["polls"].as_object().map_or(0, |polls| {
        polls.values().filter_map(serde_json::Value::as_u64).sum()
    });
    let downloads = log["downloads"].as_array().map_or(0, Vec::len);
    let requests = submissions.len() as u64 + polls + downloads as u64;
    row.requests_per_prediction = requests as f64 / lines.max(1) as f64;
    row.peak_api_connections = log["api_connections"]["peak_open"].as_u64().unwrap_or(0);
    row.peak_asset_connections = log["assets_connections"]["peak_open"].as_u64().unwrap_or(0);
}

/// A shared photo uploaded once, a photo per line once each, and no upload
/// where there are no local images.
fn check_uploads(log: &serde_json::Value, workload: Workload, row: &mut Row) {
    let uploads = log["uploads"].as_array().map_or(&[][..], Vec::as_slice);
    let stored = uploads
        .iter()
        .filter(|upload| upload["status"] == 200)
        .count();
    let expected = match workload.images {
        Images::None => 0,
        Images::Shared => 1,
        Images::PerLine => workload.lines,
    };
    if stored != expected || uploads.len() != stored {
        row.failures.push(format!(
            "{stored} uploads stored of {} made, {expected} expected",
            uploads.len()
        ));
    }
    row.requests_per_prediction += uploads.len() as f64 / workload.lines.max(1) as f64;
    row.uploads = (workload.images != Images::None).then_some(stored);
}

fn shape(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::FlatPredictionQueue => "flat queue",
        Protocol::EnvelopePredictionQueue => "envelope queue",
        Protocol::OpenaiSync => "synchronous",
    }
}

fn table(rows: &[Row], size: Size) -> String {
    let mut text = format!(
        "\n`cargo xtask bench scale{}`: `imagegen batch` (release) against `imagegen-sim` in \
         its own process, predictions completing after {} s\n\n",
        if size == Size::Quick { " --quick" } else { "" },
        COMPLETION.as_secs()
    );
    text.push_str(
        "| workload | predictions | concurrency | open-file limit | wall | client CPU | CPU per generation | peak RSS | HTTP requests per prediction | peak connections (API / assets) | files | uploads | failures |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n",
    );
    for row in rows {
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {:.1} s | {:.2} s | {:.2} ms | {:.0} MiB | {:.2} | {} / {} | {} | {} | {} |",
            row.label,
            row.lines,
            row.concurrency,
            row.open_files,
            row.cost.wall_s,
            row.cost.cpu_s,
            row.cost.cpu_s * 1000.0 / row.lines.max(1) as f64,
            row.cost.peak_rss_mib,
            row.requests_per_prediction,
            row.peak_api_connections,
            row.peak_asset_connections,
            row.files,
            row.uploads
                .map_or_else(|| "-".to_owned(), |n| n.to_string()),
            if row.failures.is_empty() {
                "none".to_owned()
            } else {
                row.failures.join("; ")
            },
        );
    }
    text
}
