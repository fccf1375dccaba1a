//! `cargo xtask bench requests`: building, validating and serialising one
//! OpenAI images request with imagegen's generated types against
//! async-openai's, with criterion (`xtask/bench/request-build`, a workspace
//! of its own so async-openai and criterion never reach the main build).

use std::path::Path;
use std::process::{Command, ExitCode};

/// The criterion benchmark ids, imagegen's first.
const IDS: [&str; 2] = ["imagegen", "async-openai"];

pub(crate) fn bench(root: &Path) -> ExitCode {
    super::report(run(root))
}

fn run(root: &Path) -> Result<String, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    eprintln!("building and running the criterion benchmark (release) ...");
    let output = Command::new(cargo)
        .current_dir(root.join("xtask/bench/request-build"))
        .env("CARGO_TARGET_DIR", root.join("target/request-build"))
        .args(["bench", "--quiet", "--bench", "request_build"])
        .output()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    let printed = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "the benchmark failed:\n{printed}{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let [imagegen, async_openai] = IDS.map(|id| estimate_ns(&printed, id));
    let (Some(imagegen), Some(async_openai)) = (imagegen, async_openai) else {
        return Err(format!("no criterion estimates in:\n{printed}"));
    };
    Ok(format!(
        "\n`cargo xtask bench requests`: one OpenAI images request (prompt, size from text, quality, n, output format) built, validated and serialised to JSON; criterion's point estimate\n\n\
         | client | time per request | vs async-openai |\n|---|---:|---:|\n\
         | imagegen (`imagegen-aimlapi`, every value checked against the spec) | {imagegen:.0} ns | {:.2}x |\n\
         | async-openai {} (`CreateImageRequestArgs`, checks nothing) | {async_openai:.0} ns | 1.00x |\n",
        imagegen / async_openai,
        async_openai_version(root).unwrap_or_default(),
    ))
}

/// The middle of criterion's `time: [low estimate high]` for benchmark `id`.
fn estimate_ns(printed: &str, id: &str) -> Option<f64> {
    let mut lines = printed
        .lines()
        .skip_while(|line| !line.ends_with(&format!("/{id}")));
    let time = lines.find(|line| line.contains("time:"))?;
    let inside = time.split('[').nth(1)?.split(']').next()?;
    let parts: Vec<&str> = inside.split_whitespace().collect();
    let (value, unit) = (parts.get(2)?.parse::<f64>().ok()?, *parts.get(3)?);
    let scale = match unit {
        "ps" => 1e-3,
        "ns" => 1.0,
        "µs" | "us" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        _ => return None,
    };
    Some(value * scale)
}

/// async-openai's version, from the benchmark's lock file.
fn async_openai_version(root: &Path) -> Option<String> {
    let lock = std::fs::read_to_string(root.join("xtask/bench/request-build/Cargo.lock")).ok()?;
    let mut lines = lock
        .lines()
        .skip_while(|line| *line != r#"name = "async-openai""#);
    lines.next()?;
    let version = lines.next()?.strip_prefix("version = ")?;
    Some(version.trim_matches('"').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_criterion_estimates() {
        let printed = "images request: build + validate + serialise/imagegen\n\
                       \x20                       time:   [242.88 ns 243.90 ns 244.83 ns]\n\
                       images request: build + validate + serialise/async-openai\n\
                       \x20                       time:   [1.2 µs 1.5 µs 1.7 µs]\n";
        assert_eq!(estimate_ns(printed, "imagegen"), Some(243.90));
        assert_eq!(estimate_ns(printed, "async-openai"), Some(1500.0));
        assert_eq!(estimate_ns(printed, "other"), None);
    }
}
