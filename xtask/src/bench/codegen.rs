//! `cargo xtask bench codegen` (or just `bench`): how codegen time grows
//! with the number of models. `cargo run --release -p xtask -- bench codegen`
//! measures the release build.
//!
//! Builds spec sets of 10, 100 and 1,000 models in a temporary directory,
//! each model a renamed copy of one of the repository's real specs (so every
//! parameter kind is exercised), and times loading + checking and generating
//! them. Prints a table; measures, never asserts, so a busy machine cannot
//! fail it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Real specs to copy: the richest model of each provider shape.
const TEMPLATES: &[(&str, &str)] = &[
    ("vibedream", "z-image-turbo"),
    ("vibedream", "gpt-image-1"),
    ("gptproto", "openai/gpt-image-2/text-to-image"),
];

const SIZES: &[usize] = &[10, 100, 1000, 5000];
const RUNS: usize = 3;

pub(crate) fn bench(root: &Path) -> ExitCode {
    println!(
        "codegen time by number of models (median of {RUNS} runs; {} build)",
        if cfg!(debug_assertions) {
            "an unoptimised `cargo xtask`"
        } else {
            "a release"
        }
    );
    println!();
    println!("| models | load + check | generate | total | per model | generated |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for &models in SIZES {
        let dir = match synthetic_specs(root, models) {
            Ok(dir) => dir,
            Err(error) => {
                eprintln!("error: cannot write the synthetic specs: {error}");
                return ExitCode::FAILURE;
            }
        };
        let mut loads = Vec::new();
        let mut generates = Vec::new();
        let mut bytes = 0;
        for _ in 0..RUNS {
            let started = Instant::now();
            let specs = match imagegen_spec::load(&dir.join("specs")) {
                Ok(specs) => specs,
                Err(diagnostics) => {
                    eprintln!("error: the synthetic specs do not load:\n{diagnostics}");
                    return ExitCode::FAILURE;
                }
            };
            loads.push(started.elapsed());
            let started = Instant::now();
            let files = match imagegen_codegen::generate(&specs, &dir) {
                Ok(files) => files,
                Err(error) => {
                    eprintln!("error: {error}");
                    return ExitCode::FAILURE;
                }
            };
            generates.push(started.elapsed());
            bytes = files.iter().map(|f| f.contents.len()).sum::<usize>();
        }
        let (load, generate) = (median(&mut loads), median(&mut generates));
        let total = load + generate;
        println!(
            "| {models} | {} | {} | {} | {:.2} ms | {:.1} MB |",
            ms(load),
            ms(generate),
            ms(total),
            total.as_secs_f64() * 1000.0 / models as f64,
            bytes as f64 / 1_000_000.0
        );
        let _ = fs::remove_dir_all(&dir);
    }
    ExitCode::SUCCESS
}

fn ms(duration: Duration) -> String {
    format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// `specs/bench/` with `models` renamed copies of the template specs.
pub(crate) fn synthetic_specs(root: &Path, models: usize) -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("imagegen-bench-{models}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let provider_dir = dir.join("specs/bench");
    fs::create_dir_all(&provider_dir)?;
    let provider = fs::read_to_string(root.join("specs/vibedream/provider.yaml"))?;
    fs::write(
        provider_dir.join("provider.yaml"),
        provider.replacen("name: vibedream", "name: bench", 1),
    )?;
    let templates: Vec<(String, String)> = TEMPLATES
        .iter()
        .map(|(provider, id)| {
            let text = fs::read_to_string(root.join(format!("specs/{provider}/{id}.yaml")))?;
            Ok((id.to_string(), text))
        })
        .collect::<std::io::Result<_>>()?;
    for index in 0..models {
        let (template_id, text) = &templates[index % templates.len()];
        let id = format!("model-{index:04}");
        let text = text.replacen(&format!("id: {template_id}"), &format!("id: {id}"), 1);
        fs::write(provider_dir.join(format!("{id}.yaml")), text)?;
    }
    Ok(dir)
}
