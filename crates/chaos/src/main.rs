//! `imagegen-chaos [--per-class N] [--concurrency N]`: the fault matrix over
//! every model in `specs/`, printed as a Markdown table; exits 1 if any
//! class misses a target. `cargo xtask chaos` builds and runs it in release.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut config = imagegen_chaos::Config::new(1000);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = |args: &mut dyn Iterator<Item = String>| {
            args.next()
                .and_then(|v| v.parse::<usize>().ok())
                .filter(|&v| v > 0)
        };
        match arg.as_str() {
            "--per-class" => match value(&mut args) {
                Some(n) => config.per_class = n,
                None => return usage("--per-class takes a positive number"),
            },
            "--concurrency" => match value(&mut args) {
                Some(n) => config.concurrency = n,
                None => return usage("--concurrency takes a positive number"),
            },
            other => return usage(&format!("unknown argument `{other}`")),
        }
    }
    let specs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: no async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let rows = runtime.block_on(async {
        let models = imagegen_chaos::models(&specs)?;
        eprintln!(
            "{} classes x {} generations over {} models ...",
            imagegen_chaos::classes::CLASSES.len(),
            config.per_class,
            models.len()
        );
        imagegen_chaos::run(&models, &config).await
    });
    match rows {
        Ok(rows) => {
            print!("{}", imagegen_chaos::report::table(&rows));
            if rows.iter().all(imagegen_chaos::Row::meets_targets) {
                ExitCode::SUCCESS
            } else {
                eprintln!("error: some classes missed their targets (see the table)");
                ExitCode::FAILURE
            }
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("error: {problem}\nusage: imagegen-chaos [--per-class N] [--concurrency N]");
    ExitCode::from(2)
}
