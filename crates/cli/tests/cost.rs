//! What it cost and what it made, from the command line: cost in `--json`
//! and the manifest, `--dry-run` sending nothing, `--max-cost` stopping a
//! batch at its budget across re-runs (the emulator's log is the judge of
//! what was sent), bad budgets and unreadable spending refused with exit 2,
//! and the gallery page written with every prompt escaped. Models are picked
//! from the catalog by what their specs say (a flat documented price, or
//! none), not by name.

use std::path::{Path, PathBuf};

use imagegen::info::{Meaning, ModelInfo};
use imagegen_runtime::cost::Cost;
use imagegen_runtime::price::PriceTable;
use imagegen_sim::SubmitOutcome;
use serde_json::{Value, json};

mod cli_support;

use cli_support::{Emulator, final_records, readme_block, text};

/// The first model whose only required parameter is its prompt and whose
/// documented price is flat (or, with `priced` false, that has no price).
fn model(priced: bool) -> (String, &'static ModelInfo) {
    imagegen::models()
        .find(|(_, model)| {
            let info = model.info;
            let prompt_only = info
                .parameters
                .iter()
                .all(|p| !p.required || p.meaning == Some(Meaning::Prompt));
            let price_fits = match info.price {
                Some(price) => priced && matches!(price.table, PriceTable::Flat(_)),
                None => !priced && info.cost_cents.is_none(),
            };
            prompt_only && price_fits && info.provider.result.is_some()
        })
        .map(|(_, model)| (model.qualified_id(), model.info))
        .expect("a model of that kind in the catalog")
}

/// The documented cost of a request with just `prompt`.
fn cost_of(info: &ModelInfo, prompt: &str) -> Cost {
    let body = json!({ "prompt": prompt });
    Cost::documented(info, body.as_object().unwrap())
}

fn accepted(emulator: &Emulator) -> usize {
    emulator
        .sim
        .log()
        .submissions
        .iter()
        .filter(|s| matches!(s.outcome, SubmitOutcome::Accepted { .. }))
        .count()
}

fn prompts(dir: &Path, lines: &[&str]) -> PathBuf {
    let path = dir.join("prompts.txt");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

fn batch(
    emulator: &Emulator,
    model: &str,
    prompts: &Path,
    out: &Path,
    extra: &[&str],
) -> assert_cmd::Command {
    let provider = model.split('/').next().unwrap();
    let mut command = emulator.imagegen(provider);
    command
        .args(["batch", model, "--prompts"])
        .arg(prompts)
        .arg("--out")
        .arg(out)
        .args(["--base-url", &emulator.sim.base_url(provider)])
        .args(extra)
        .timeout(std::time::Duration::from_secs(120));
    command
}

/// `n` (and a half, with `plus_half`) times `cost`, as `--max-cost` text.
fn times(cost: Cost, n: u64, plus_half: bool) -> String {
    let (units, scale) = cost.money().unwrap().amount.parts();
    let amount = if plus_half {
        // (2n + 1) / 2 of it, exactly: five tenths at one more place.
        imagegen_runtime::price::Amount::new(units * (2 * n + 1) * 5, scale + 1)
    } else {
        imagegen_runtime::price::Amount::new(units * n, scale)
    };
    amount.to_string()
}

#[test]
fn a_batch_stops_at_its_budget_and_a_rerun_counts_what_was_spent() {
    let (model, info) = model(true);
    let emulator = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let lines = ["a fox", "a heron", "a lighthouse", "a boat", "a tree"];
    let file = prompts(dir.path(), &lines);
    let out = dir.path().join("out");
    let cost = cost_of(info, "a fox");
    // Room for two and a half lines: two are sent, three skipped.
    let first = batch(
        &emulator,
        &model,
        &file,
        &out,
        &["--max-cost", &times(cost, 2, true), "--concurrency", "5"],
    )
    .output()
    .unwrap();
    assert_eq!(first.status.code(), Some(1), "{}", text(&first.stderr));
    assert!(
        text(&first.stderr).contains("3 skipped (budget)"),
        "{}",
        text(&first.stderr)
    );
    assert_eq!(accepted(&emulator), 2);
    let records = final_records(&out);
    let skipped: Vec<&Value> = records
        .values()
        .filter(|r| r["status"] == "skipped")
        .collect();
    assert_eq!(skipped.len(), 3, "{records:?}");
    assert!(skipped.iter().all(|r| r["skipped"] == "budget"));
    for record in records.values().filter(|r| r["status"] == "done") {
        assert_eq!(record["cost"]["source"], "documented_price", "{record}");
        assert_eq!(record["cost"]["currency"], "USD");
    }

    // Four lines' worth over both runs: two more are sent, one skipped.
    let second = batch(
        &emulator,
        &model,
        &file,
        &out,
        &["--max-cost", &times(cost, 4, true)],
    )
    .output()
    .unwrap();
    assert_eq!(second.status.code(), Some(1), "{}", text(&second.stderr));
    assert_eq!(accepted(&emulator), 4, "{}", text(&second.stderr));
    assert!(
        text(&second.stderr).contains("1 skipped (budget)"),
        "{}",
        text(&second.stderr)
    );

    // Enough for all: the last line is sent, nothing twice.
    let third = batch(
        &emulator,
        &model,
        &file,
        &out,
        &["--max-cost", &times(cost, 5, false)],
    )
    .output()
    .unwrap();
    assert_eq!(third.status.code(), Some(0), "{}", text(&third.stderr));
    assert_eq!(accepted(&emulator), 5);
}

#[test]
fn concurrent_lines_never_spend_past_the_budget() {
    let (model, info) = model(true);
    let emulator = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (0..60).map(|i| format!("prompt {i}")).collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let file = prompts(dir.path(), &refs);
    let out = dir.path().join("out");
    let cost = cost_of(info, "prompt 0");
    let run = batch(
        &emulator,
        &model,
        &file,
        &out,
        &["--max-cost", &times(cost, 20, true), "--concurrency", "60"],
    )
    .output()
    .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(accepted(&emulator), 20, "{}", text(&run.stderr));
}

#[test]
fn bad_budgets_exit_2_naming_the_flag_and_send_nothing() {
    let (model, _) = model(true);
    let (unpriced, _) = model_unpriced();
    let emulator = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let file = prompts(dir.path(), &["a fox"]);
    for bad in ["0", "-1", "abc", "0.00"] {
        let out = dir.path().join(format!("out-{bad}"));
        let run = batch(&emulator, &model, &file, &out, &["--max-cost", bad])
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(2), "{bad}");
        assert!(
            text(&run.stderr).contains("--max-cost"),
            "{bad}: {}",
            text(&run.stderr)
        );
    }
    let out = dir.path().join("unpriced");
    let run = batch(&emulator, &unpriced, &file, &out, &["--max-cost", "5"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let stderr = text(&run.stderr);
    assert!(
        stderr.contains("--unknown-cost-as") && stderr.contains("line 1"),
        "{stderr}"
    );
    let assumed = batch(
        &emulator,
        &unpriced,
        &file,
        &out,
        &["--max-cost", "5", "--unknown-cost-as", "0.5"],
    )
    .output()
    .unwrap();
    assert_eq!(assumed.status.code(), Some(0), "{}", text(&assumed.stderr));
    assert_eq!(accepted(&emulator), 1);
}

fn model_unpriced() -> (String, &'static ModelInfo) {
    model(false)
}

#[test]
fn unreadable_or_foreign_spending_exits_2_naming_the_line() {
    let (model, _) = model(true);
    let emulator = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let file = prompts(dir.path(), &["a fox", "a heron"]);
    let out = dir.path().join("out");
    let run = batch(&emulator, &model, &file, &out, &[]).output().unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let manifest = out.join("manifest.jsonl");
    let original = std::fs::read_to_string(&manifest).unwrap();

    // A cost edited into something that is not an amount.
    let edited = original.replacen("\"currency\":\"USD\"", "\"currency\":\"dollars\"", 1);
    std::fs::write(&manifest, &edited).unwrap();
    let run = batch(&emulator, &model, &file, &out, &["--max-cost", "5"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(
        text(&run.stderr).contains("line 1"),
        "{}",
        text(&run.stderr)
    );

    // Another model's line in the same manifest.
    let foreign = original.clone()
        + &json!({"line": 9, "model": "vibedream/other", "status": "done", "at_ms": 1}).to_string()
        + "\n";
    std::fs::write(&manifest, &foreign).unwrap();
    let rows = foreign.lines().count();
    let run = batch(&emulator, &model, &file, &out, &["--max-cost", "5"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let stderr = text(&run.stderr);
    assert!(
        stderr.contains(&format!("line {rows}")) && stderr.contains("vibedream/other"),
        "{stderr}"
    );
    assert_eq!(accepted(&emulator), 2, "nothing more was sent");
}

#[test]
fn dry_runs_send_nothing_and_show_each_request_and_its_cost() {
    let (model, info) = model(true);
    let emulator = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let file = prompts(dir.path(), &["a fox", "a heron", "a boat"]);
    let out = dir.path().join("out");
    let cost = cost_of(info, "a fox");
    let run = batch(
        &emulator,
        &model,
        &file,
        &out,
        &["--dry-run", "--max-cost", &times(cost, 1, true)],
    )
    .output()
    .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let rows: Vec<Value> = text(&run.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0]["request"]["prompt"], "a fox");
    assert_eq!(rows[0]["cost"], serde_json::to_value(cost).unwrap());
    assert_eq!(rows[0]["budget"], "fits");
    assert_eq!(rows[1]["budget"], "skipped: budget");
    assert_eq!(rows[3]["dry_run"], true);
    assert_eq!(emulator.submissions(), 0);
    assert!(!out.exists(), "a dry run writes nothing");

    let provider = model.split('/').next().unwrap();
    let generate = emulator
        .generate(&model, &["--prompt", "a fox", "--dry-run", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        generate.status.code(),
        Some(0),
        "{}",
        text(&generate.stderr)
    );
    let shown: Value = serde_json::from_slice(&generate.stdout).unwrap();
    assert_eq!(shown["request"]["prompt"], "a fox");
    assert_eq!(shown["cost"], serde_json::to_value(cost).unwrap());
    assert!(
        shown["url"]
            .as_str()
            .unwrap()
            .starts_with(&emulator.sim.base_url(provider))
    );
    assert_eq!(emulator.submissions(), 0);
}

#[test]
fn generate_json_carries_the_cost() {
    let (model, info) = model(true);
    let emulator = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let run = emulator
        .generate(&model, &["--prompt", "a fox", "--json", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let shown: Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(
        shown["cost"],
        serde_json::to_value(cost_of(info, "a fox")).unwrap()
    );
}

#[test]
fn the_gallery_shows_every_line_with_prompts_escaped() {
    let (model, _) = model(true);
    let emulator = Emulator::start();
    emulator.sim.inject(
        imagegen_sim::FaultRule::new(imagegen_sim::Fault::Moderation)
            .for_prompt("forbidden")
            .times(10),
    );
    let dir = tempfile::tempdir().unwrap();
    let file = prompts(
        dir.path(),
        &["a fox", "<script>alert(1)</script>", "a forbidden thing"],
    );
    let out = dir.path().join("out");
    let run = batch(&emulator, &model, &file, &out, &[]).output().unwrap();
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        !page.contains("<script>alert(1)"),
        "a prompt's script is text"
    );
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_eq!(page.matches("<article").count(), 3);
    assert_eq!(page.matches("loading=\"lazy\"").count(), 2);
    assert!(page.contains("class=\"error\""));

    std::fs::remove_file(out.join("index.html")).unwrap();
    let rebuilt = emulator
        .imagegen("vibedream")
        .arg("gallery")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(rebuilt.status.code(), Some(0), "{}", text(&rebuilt.stderr));
    let again = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert_eq!(again.matches("<article").count(), 3);
    let missing = emulator
        .imagegen("vibedream")
        .arg("gallery")
        .arg(dir.path().join("nowhere"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn readmes_budget_example_stops_at_the_budget_and_writes_the_gallery() {
    let script = readme_block("## What it cost, a budget, and a gallery").replace(
        "cargo run -p imagegen-cli --",
        env!("CARGO_BIN_EXE_imagegen"),
    );
    let dir = tempfile::tempdir().unwrap();
    let run = std::process::Command::new("bash")
        .args(["-c", &script])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("2 done now") && stderr.contains("3 skipped (budget)"),
        "{stderr}"
    );
    let page = std::fs::read_to_string(dir.path().join("out/index.html")).unwrap();
    assert_eq!(page.matches("<article").count(), 5);
}

/// A model of a provider with a pricing endpoint, picked from the catalog.
fn quotable() -> String {
    imagegen::PROVIDERS
        .iter()
        .filter(|provider| provider.pricing.is_some() && provider.balance.is_some())
        .flat_map(|provider| provider.models.iter())
        .find(|model| {
            let info = model.info;
            info.price
                .is_some_and(|p| matches!(p.table, PriceTable::Flat(_)))
                && info
                    .parameters
                    .iter()
                    .all(|p| !p.required || p.meaning == Some(Meaning::Prompt))
        })
        .map(|model| model.qualified_id())
        .expect("a model of a provider that prices requests")
}

#[test]
fn quoted_costs_are_the_providers_and_a_budget_above_the_balance_is_refused() {
    let emulator = Emulator::start();
    let model = quotable();
    let dir = tempfile::tempdir().unwrap();
    let prompts = prompts(dir.path(), &["a fox", "a heron", "a boat"]);
    let out = dir.path().join("out");
    // A dry run asks for prices and submits nothing.
    let dry = batch(&emulator, &model, &prompts, &out, &["--dry-run", "--quote"])
        .output()
        .unwrap();
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry.stderr));
    let stdout = text(&dry.stdout);
    assert_eq!(
        stdout.matches("\"source\":\"quoted\"").count(),
        3,
        "{stdout}"
    );
    assert_eq!(accepted(&emulator), 0);
    // More than the emulated account's $100 is refused before anything.
    let rich = batch(&emulator, &model, &prompts, &out, &["--max-cost", "1000"])
        .output()
        .unwrap();
    assert_eq!(rich.status.code(), Some(2), "{}", text(&rich.stderr));
    assert!(
        text(&rich.stderr).contains("more than the account's balance"),
        "{}",
        text(&rich.stderr)
    );
    assert_eq!(accepted(&emulator), 0);
    // Quoted, the budget holds: room for one request sends one.
    let (_, info) = imagegen::find_model(&model).unwrap();
    let one = cost_of(info.info, "a fox");
    let limit = times(one, 1, true);
    let run = batch(
        &emulator,
        &model,
        &prompts,
        &out,
        &["--max-cost", &limit, "--quote", "--concurrency", "1"],
    )
    .output()
    .unwrap();
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    assert_eq!(accepted(&emulator), 1);
    let records = final_records(&out);
    let done: Vec<&Value> = records.values().filter(|r| r["status"] == "done").collect();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0]["cost"]["source"], "quoted");
    assert_eq!(
        records
            .values()
            .filter(|r| r["skipped"] == "budget")
            .count(),
        2
    );
}
