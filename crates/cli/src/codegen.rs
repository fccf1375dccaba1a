//! `imagegen codegen --specs DIR --out DIR [--check]`: a user's own specs
//! made into provider crates of their own, by the generator `cargo xtask
//! codegen` runs in imagegen's repository, from any project.

use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, ArgMatches, Command};
use imagegen_codegen::own::{self, OwnError};
use imagegen_codegen::{Mode, sync_owned};

use crate::failure::Failure;

pub fn command() -> Command {
    Command::new("codegen")
        .about("Generate a provider crate from your own model specs (the YAML format of imagegen's specs/)")
        .long_about(
            "Generate a provider crate from your own model specs, with the generator imagegen's own \
             crates are made by. DIR holds one directory per provider, as imagegen's specs/ does: \
             <provider>/<model id>.yaml for a provider imagegen knows (its provider.yaml is the one \
             imagegen ships), or <provider>/provider.yaml beside your models for one of your own. \
             Each provider becomes a crate in OUT/<package>/ (files there that no spec produces are \
             removed). Spec errors name the file, line and column, and exit 2.",
        )
        .arg(
            Arg::new("specs")
                .long("specs")
                .value_name("DIR")
                .required(true)
                .value_parser(clap::value_parser!(PathBuf))
                .help("Your specs: one directory per provider, one YAML file per model"),
        )
        .arg(
            Arg::new("out")
                .long("out")
                .value_name("DIR")
                .required(true)
                .value_parser(clap::value_parser!(PathBuf))
                .help("Where the crates go: one directory per provider, named after its package"),
        )
        .arg(
            Arg::new("package")
                .long("package")
                .value_name("NAME")
                .help("The crate's package name, when the specs hold one provider (default: <provider>-models)"),
        )
        .arg(
            Arg::new("check")
                .long("check")
                .action(ArgAction::SetTrue)
                .help("Change nothing; exit 1 naming each generated file that is missing, out of date or orphaned"),
        )
}

pub fn run(matches: &ArgMatches) -> Result<(), Failure> {
    let specs: &PathBuf = matches.get_one("specs").expect("required");
    let out: &PathBuf = matches.get_one("out").expect("required");
    let package = matches.get_one::<String>("package").map(String::as_str);
    let mode = if matches.get_flag("check") {
        Mode::Check
    } else {
        Mode::Write
    };

    let set = own::load(specs).map_err(usage)?;
    let parent = specs.parent().unwrap_or(Path::new(""));
    let files = own::crates(&set, parent, package).map_err(usage)?;
    let owned: Vec<String> = set
        .providers
        .iter()
        .map(|provider| package.map_or_else(|| own::default_package(&provider.name), str::to_owned))
        .collect();
    let report = sync_owned(out, &files, &owned, mode).map_err(|error| {
        Failure::other(format!("cannot write below {}: {error}", out.display()))
    })?;
    if mode == Mode::Check && !report.stale.is_empty() {
        let mut message = String::new();
        for stale in &report.stale {
            message.push_str(&format!(
                "stale: {}\n",
                out.join(stale.to_string()).display()
            ));
        }
        message.push_str(&format!(
            "error: {} generated file(s) are stale; run `imagegen codegen --specs {} --out {}`",
            report.stale.len(),
            specs.display(),
            out.display()
        ));
        return Err(Failure::other(message));
    }
    for path in report.written.iter().chain(&report.removed) {
        println!("  {}", out.join(path).display());
    }
    println!(
        "codegen: {} provider(s), {} model(s): {} written, {} unchanged, {} removed, in {}",
        set.providers.len(),
        set.model_count(),
        report.written.len(),
        report.unchanged,
        report.removed.len(),
        owned
            .iter()
            .map(|dir| out.join(dir).display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}

/// Specs that do not load, or a request they cannot meet: invalid input,
/// nothing written (exit 2).
fn usage(error: OwnError) -> Failure {
    Failure::usage(match error {
        OwnError::Specs(diagnostics) => format!(
            "{diagnostics}\nerror: {} problem(s) in the specs; nothing was generated",
            diagnostics.len()
        ),
        other => format!("error: {other}"),
    })
}
