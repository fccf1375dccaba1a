//! What needs no network: `imagegen list`, `imagegen describe`, and the help
//! of every command.

mod cli_support;

use cli_support::{imagegen, text};

/// Runs `imagegen <args>`, expecting success; returns stdout.
fn stdout_of(args: &[&str]) -> String {
    let output = imagegen().args(args).output().expect("runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{args:?}: {}",
        text(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "{args:?}: {}",
        text(&output.stderr)
    );
    text(&output.stdout)
}

#[test]
fn list_shows_every_model_with_its_task_price_and_source() {
    let stdout = stdout_of(&["list"]);
    let mut lines = stdout.lines();
    let header = lines.next().expect("a header");
    assert!(header.starts_with("MODEL"), "{header}");
    let rows: Vec<&str> = lines.collect();
    let models: Vec<_> = imagegen::models().collect();
    assert_eq!(rows.len(), models.len(), "{stdout}");
    assert!(!models.is_empty());
    // The source column starts at the same place on every row.
    let column = header.find("SOURCE").expect("a source column");
    let tasks = imagegen_cli_tasks();
    for ((_, model), row) in models.iter().zip(&rows) {
        let info = model.info;
        let id = model.qualified_id();
        assert!(row.starts_with(&format!("{id} ")), "{row}");
        assert!(row.contains(info.task), "{row}");
        let price = info
            .price
            .map_or_else(|| "unknown".to_owned(), |p| p.short());
        assert!(row.contains(&format!(" {price} ")), "{row}");
        assert_eq!(row.get(column..), Some(info.source), "{row}");
        assert!(
            tasks.iter().any(|task| task == info.task),
            "{id}: task {} is not one `--task` accepts",
            info.task
        );
    }
}

/// What `--task` accepts, read from `list --help` so the test follows the CLI.
fn imagegen_cli_tasks() -> Vec<String> {
    let help = stdout_of(&["list", "--help"]);
    let values = help
        .split("--task <TASK>")
        .nth(1)
        .and_then(|rest| rest.split("[possible values: ").nth(1))
        .and_then(|rest| rest.split(']').next())
        .unwrap_or_else(|| panic!("no possible values for --task in {help}"));
    values.split(", ").map(str::to_owned).collect()
}

#[test]
fn list_filters_by_provider_task_and_text() {
    let every: Vec<_> = imagegen::models().collect();
    for (provider, _) in &every {
        let name = provider.info.name;
        let stdout = stdout_of(&["list", "--provider", name]);
        let expected = every.iter().filter(|(p, _)| p.info.name == name).count();
        assert_eq!(stdout.lines().count(), expected + 1, "{stdout}");
        assert!(
            stdout
                .lines()
                .skip(1)
                .all(|l| l.starts_with(&format!("{name}/")))
        );
    }
    for task in imagegen_cli_tasks() {
        let expected = every.iter().filter(|(_, m)| m.info.task == task).count();
        let output = imagegen()
            .args(["list", "--task", &task])
            .output()
            .expect("runs");
        if expected == 0 {
            assert_eq!(output.status.code(), Some(1), "{task}");
            assert!(text(&output.stderr).contains("no model matches"));
        } else {
            assert_eq!(text(&output.stdout).lines().count(), expected + 1, "{task}");
        }
    }
    // A text filter matches the id, name or summary, any case, every word.
    let (_, first) = every[0];
    let word = first
        .info
        .display_name
        .split_whitespace()
        .next()
        .expect("a name");
    let stdout = stdout_of(&["list", &word.to_uppercase()]);
    assert!(stdout.contains(&first.qualified_id()), "{stdout}");
    let output = imagegen()
        .args(["list", "no-such-model-anywhere"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    // Unknown providers and tasks are usage errors naming what is allowed.
    for (flag, value, allowed) in [
        ("--provider", "nope", every[0].0.info.name),
        ("--task", "upscale", "text-to-image"),
    ] {
        let output = imagegen()
            .args(["list", flag, value])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2), "{flag}");
        let stderr = text(&output.stderr);
        assert!(
            stderr.contains(value) && stderr.contains(allowed),
            "{stderr}"
        );
    }
}

#[test]
fn describe_shows_the_parameter_table_and_the_model_facts() {
    let stdout = stdout_of(&["describe", "vibedream/z-image-turbo"]);
    assert!(stdout.starts_with("vibedream/z-image-turbo ("), "{stdout}");
    let row = |name: &str| {
        stdout
            .lines()
            .find(|line| line.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no `{name}` row in {stdout}"))
    };
    let fact = |name: &str| {
        let label = format!("{name}:");
        let line = stdout
            .lines()
            .find(|line| line.trim_start().starts_with(&label))
            .unwrap_or_else(|| panic!("no `{label}` line in {stdout}"));
        line.trim_start()[label.len()..].trim().to_owned()
    };
    assert_eq!(
        fact("Endpoint"),
        "POST https://api.vibedream.ai/api/v1/models/z-image-turbo/generate"
    );
    assert_eq!(fact("Estimated time"), "~1-3s");
    assert!(fact("Price").starts_with("$0.01 per request"), "{stdout}");
    assert_eq!(
        fact("Source"),
        "https://vibedream.ai/models/generate?model=z-image-turbo"
    );
    assert_eq!(fact("Task"), "text-to-image");
    assert!(fact("API key").contains("VIBEDREAM_API_KEY"));
    assert!(fact("Sync mode").starts_with("not available"));
    assert!(fact("Base64 output").starts_with("not available"));
    assert!(fact("Base URL").starts_with("https://api.vibedream.ai"));
    // NAME FLAG TYPE REQUIRED DEFAULT, then what is allowed and the description.
    let size: Vec<&str> = row("size").split_whitespace().collect();
    assert_eq!(size, ["size", "--size", "image", "size", "no", "1024*1024"]);
    let prompt: Vec<&str> = row("prompt").split_whitespace().collect();
    assert_eq!(prompt, ["prompt", "--prompt", "text", "yes", "-"]);
    let lines: Vec<&str> = stdout.lines().collect();
    let at = lines
        .iter()
        .position(|line| line.split_whitespace().next() == Some("size"))
        .expect("the size row");
    let details = lines[at + 1..]
        .iter()
        .take_while(|line| line.starts_with("    "))
        .map(|line| line.trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        details.starts_with(
            "allowed: one of 512*512, 768*768, 1024*1024, 1024*768, 768*1024, 1280*720, 720*1280"
        ),
        "{details}"
    );
}

#[test]
fn describe_works_for_every_model() {
    for (_, model) in imagegen::models() {
        let id = model.qualified_id();
        let stdout = stdout_of(&["describe", &id]);
        for param in model.info.parameters.iter().filter(|p| p.fixed.is_none()) {
            assert!(
                stdout
                    .lines()
                    .any(|line| line.split_whitespace().next() == Some(param.name)),
                "{id}: no row for {}",
                param.name
            );
        }
    }
}

#[test]
fn help_reads_well_at_every_level() {
    let top = stdout_of(&["--help"]);
    for part in [
        "list",
        "describe",
        "generate",
        "batch",
        "sim",
        "Exit status",
    ] {
        assert!(top.contains(part), "{part}: {top}");
    }
    let generate = stdout_of(&["generate", "--help"]);
    for (_, model) in imagegen::models() {
        assert!(generate.contains(&model.qualified_id()), "{generate}");
    }
    let model = stdout_of(&["generate", "vibedream/z-image-turbo", "--help"]);
    for part in [
        "--prompt <TEXT>",
        "--size <SIZE>",
        "1024*1024",
        "--out <DIR>",
        "--json",
        "--resume <ID>",
        "--base-url <URL>",
        "--timeout <SECS>",
        "--sim",
    ] {
        assert!(model.contains(part), "{part}: {model}");
    }
    for args in [
        &["describe", "--help"][..],
        &["sim", "--help"],
        &["list", "--help"],
    ] {
        assert!(!stdout_of(args).is_empty());
    }
    // No subcommand: the help, on stderr, as a usage error.
    let output = imagegen().output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("Usage"));
}
