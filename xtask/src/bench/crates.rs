//! `cargo xtask bench crates`: what a provider with hundreds of models costs
//! its users to compile, and how much code each model and parameter becomes.
//!
//! Generates, in a scratch workspace, a provider of 500 synthetic models
//! (renamed copies of the real specs, as `bench codegen` makes them) and one
//! of a single model, both depending on this repository's `imagegen-core`
//! and `imagegen-runtime`, and every real provider crate from `specs/`.
//! Then, with the dependencies built once, times `cargo check` and `cargo
//! build` of each provider crate alone (its `lib.rs` touched, so only it is
//! redone): the synthetic one with 1, 100 and 500 models' features on, the
//! one-model crate, and each real provider with one model and with every
//! model; peak memory from `getrusage` of the cargo child, through `xtask
//! __measure`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use super::codegen::synthetic_specs;
use super::measure::Cost;

const LARGE: usize = 500;

pub(crate) fn bench(root: &Path) -> ExitCode {
    super::report(run(root))
}

/// One generated provider crate in the scratch workspace.
struct Generated {
    package: String,
    dir: PathBuf,
    models: Vec<String>,
    model_lines: usize,
    parameters: usize,
}

fn run(root: &Path) -> Result<String, String> {
    let scratch =
        std::env::temp_dir().join(format!("imagegen-bench-crates-{}", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    let large = generate(root, &scratch, "large", LARGE)?;
    let small = generate(root, &scratch, "small", 1)?;
    let specs = imagegen_spec::load(&root.join("specs")).map_err(|d| d.to_string())?;
    let real: Vec<Generated> = specs
        .providers
        .iter()
        .map(|provider| write_crate(&specs, &scratch, &provider.name))
        .collect::<Result<_, _>>()?;
    let mut members = vec![&large, &small];
    members.extend(&real);
    write_workspace(root, &scratch, &members)?;
    // To profile the generated crates by hand: generate, say where, stop.
    if std::env::var_os("IMAGEGEN_BENCH_GENERATE_ONLY").is_some() {
        return Ok(format!("generated in {}\n", scratch.display()));
    }

    eprintln!("building the dependencies once ...");
    for mode in ["check", "build"] {
        let warm = cargo(&scratch, mode, &small, &small.models[..1])?;
        if warm.exit_code != 0 {
            return Err(format!("`cargo {mode}` of the generated crate failed"));
        }
    }
    let mut text = String::new();
    let _ = writeln!(
        text,
        "\n`cargo xtask bench crates`: one generated provider crate compiled alone (its dependencies built), debug profile\n"
    );
    let _ = writeln!(
        text,
        "| crate | models enabled | cargo check | check peak memory | cargo build | build peak memory |\n|---|---:|---:|---:|---:|---:|"
    );
    let mut checks = Vec::new();
    let mut cases: Vec<(&Generated, usize)> =
        vec![(&small, 1), (&large, 1), (&large, 100), (&large, LARGE)];
    // Every real provider crate, as users get it: one model on, and every model.
    for crate_ in &real {
        cases.push((crate_, 1));
        if crate_.models.len() > 1 {
            cases.push((crate_, crate_.models.len()));
        }
    }
    for (crate_, enabled) in cases {
        eprintln!("{} with {enabled} model(s) ...", crate_.package);
        let features = &crate_.models[..enabled];
        let check = cargo(&scratch, "check", crate_, features)?;
        let build = cargo(&scratch, "build", crate_, features)?;
        let _ = writeln!(
            text,
            "| {} ({} model{}) | {enabled} | {:.1} s | {:.0} MiB | {:.1} s | {:.0} MiB |",
            crate_.package,
            crate_.models.len(),
            if crate_.models.len() == 1 { "" } else { "s" },
            check.wall_s,
            check.peak_rss_mib,
            build.wall_s,
            build.peak_rss_mib
        );
        if std::ptr::eq(crate_, &large) {
            checks.push((enabled, check.wall_s));
        }
    }
    if let (Some((low_n, low)), Some((high_n, high))) = (checks.first(), checks.last()) {
        let slope_ms = (high - low) * 1000.0 / (*high_n - *low_n) as f64;
        let _ = writeln!(
            text,
            "\n`cargo check` cost per enabled model (slope from {low_n} to {high_n} enabled): {slope_ms:.0} ms"
        );
    }
    let _ = writeln!(
        text,
        "\nGenerated code: {:.0} lines per model, {:.0} lines per parameter (the model modules of the {LARGE}-model crate)",
        large.model_lines as f64 / large.models.len() as f64,
        large.model_lines as f64 / large.parameters.max(1) as f64,
    );
    let _ = fs::remove_dir_all(&scratch);
    Ok(text)
}

/// Generates a provider crate of `models` synthetic models under `scratch`.
fn generate(root: &Path, scratch: &Path, name: &str, models: usize) -> Result<Generated, String> {
    let io = |error: std::io::Error| format!("{}: {error}", scratch.display());
    let specs_root = synthetic_specs(root, models).map_err(io)?;
    let provider_dir = specs_root.join("specs").join(name);
    fs::rename(specs_root.join("specs/bench"), &provider_dir).map_err(io)?;
    let provider_yaml = provider_dir.join("provider.yaml");
    let text = fs::read_to_string(&provider_yaml).map_err(io)?;
    fs::write(
        &provider_yaml,
        text.replacen("name: bench", &format!("name: {name}"), 1),
    )
    .map_err(io)?;
    let specs = imagegen_spec::load(&specs_root.join("specs")).map_err(|d| d.to_string())?;
    let generated = write_crate(&specs, scratch, name)?;
    let _ = fs::remove_dir_all(&specs_root);
    Ok(generated)
}

/// Writes the crate of provider `name` of `specs` under `scratch`.
fn write_crate(
    specs: &imagegen_spec::ir::SpecSet,
    scratch: &Path,
    name: &str,
) -> Result<Generated, String> {
    let io = |error: std::io::Error| format!("{}: {error}", scratch.display());
    let files = imagegen_codegen::generate(specs, scratch).map_err(|e| e.to_string())?;
    let provider = specs
        .providers
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| format!("no provider `{name}` in the specs"))?;
    let crate_dir = format!("crates/providers/{name}/");
    let mut model_lines = 0;
    for file in files.iter().filter(|f| f.path.starts_with(&crate_dir)) {
        let path = scratch.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io)?;
        }
        fs::write(&path, &file.contents).map_err(io)?;
        let is_model = provider
            .models
            .iter()
            .any(|m| file.path.ends_with(&format!("src/{}.rs", m.module)));
        if is_model {
            model_lines += file.contents.lines().count();
        }
    }
    Ok(Generated {
        package: provider.crate_name(),
        dir: scratch.join(&crate_dir),
        models: provider.models.iter().map(|m| m.feature.clone()).collect(),
        model_lines,
        parameters: provider.models.iter().map(|m| m.parameters.len()).sum(),
    })
}

/// The scratch workspace's `Cargo.toml`: the generated crates as members,
/// this repository's crates and versions as its workspace dependencies.
fn write_workspace(root: &Path, scratch: &Path, crates: &[&Generated]) -> Result<(), String> {
    let repo = fs::read_to_string(root.join("Cargo.toml")).map_err(|e| e.to_string())?;
    let dependency = |name: &str| {
        repo.lines()
            .find(|line| line.starts_with(&format!("{name} = ")))
            .map(str::to_owned)
            .unwrap_or_default()
    };
    let members: Vec<String> = crates
        .iter()
        .map(|c| {
            format!(
                "\"{}\"",
                c.dir.strip_prefix(scratch).unwrap_or(&c.dir).display()
            )
        })
        .collect();
    let text = format!(
        r#"[workspace]
resolver = "3"
members = [{members}]

[workspace.package]
version = "0.1.0"
edition = "2024"
rust-version = "1.95"
license = "MIT OR Apache-2.0"
repository = "https://github.com/imagegen-rs/imagegen"
homepage = "https://github.com/imagegen-rs/imagegen"
publish = false

[workspace.dependencies]
imagegen-core = {{ path = "{core}" }}
imagegen-runtime = {{ path = "{runtime}" }}
{serde}
{serde_json}

[workspace.lints.rust]
unsafe_code = "forbid"
"#,
        members = members.join(", "),
        core = root.join("crates/core").display(),
        runtime = root.join("crates/runtime").display(),
        serde = dependency("serde"),
        serde_json = dependency("serde_json"),
    );
    fs::write(scratch.join("Cargo.toml"), text).map_err(|e| e.to_string())
}

/// `cargo <mode>` of `crate_` alone with `features` (and the client) on,
/// after touching its `lib.rs` so that it, and only it, is compiled again.
fn cargo(
    scratch: &Path,
    mode: &str,
    crate_: &Generated,
    features: &[String],
) -> Result<Cost, String> {
    let lib = crate_.dir.join("src/lib.rs");
    let text = fs::read_to_string(&lib).map_err(|e| e.to_string())?;
    fs::write(&lib, text).map_err(|e| e.to_string())?;
    let measurer = std::env::current_exe().map_err(|e| e.to_string())?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut features = features.to_vec();
    features.push("client".to_owned());
    let output = Command::new(measurer)
        .current_dir(scratch)
        .args([
            "__measure",
            "-",
            &cargo,
            mode,
            "--quiet",
            "-p",
            &crate_.package,
        ])
        .args(["--no-default-features", "--features", &features.join(",")])
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        // A provider crate reaches its users as a dependency, which cargo
        // compiles without incremental caches; measuring with them would
        // time cache reuse and cache writing instead.
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let printed = String::from_utf8_lossy(&output.stdout);
    let cost = Cost::parse(&printed).ok_or_else(|| {
        format!(
            "no cost measured:\n{printed}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })?;
    if cost.exit_code != 0 {
        return Err(format!(
            "`cargo {mode} -p {}` failed:\n{}",
            crate_.package,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(cost)
}
