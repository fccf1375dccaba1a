//! A model's spec parameters as command-line flags, and the flags given back
//! as [`Args`] for the model's own rules to check.
//!
//! Values are taken as text, exactly as the provider's docs spell them, and
//! validated by the generated types (`FromArgs`), not by clap: so the errors
//! and near-miss suggestions are the same as in Rust code, and a parameter not
//! given is not sent.

use std::collections::BTreeSet;

use clap::{Arg, ArgMatches};
use heck::ToKebabCase;
use imagegen::args::Args;
use imagegen::info::{LocalImages, ModelInfo, ParamInfo, ParamKind};

/// Flags of the command line itself. A spec parameter spelled the same is
/// given as `--param-<name>` instead, so neither shadows the other.
pub const OWN_FLAGS: &[&str] = &[
    "base-url",
    "out",
    "json",
    "timeout",
    "connections",
    "sim",
    "resume",
    "prompts",
    "concurrency",
    "rate",
    "retry-failed",
    "max-cost",
    "unknown-cost-as",
    "dry-run",
    "help",
    "version",
];

/// The settable parameters of `model` with their flag names, in table order.
pub fn flag_names(model: &ModelInfo) -> Vec<(&'static ParamInfo, String)> {
    let mut used: BTreeSet<String> = OWN_FLAGS.iter().map(|f| (*f).to_owned()).collect();
    let mut flags = Vec::new();
    for param in model.parameters.iter().filter(|p| p.fixed.is_none()) {
        let kebab = param.name.to_kebab_case();
        let mut flag = kebab.clone();
        let mut attempt = 1;
        while used.contains(&flag) {
            flag = if attempt == 1 {
                format!("param-{kebab}")
            } else {
                format!("param-{kebab}-{attempt}")
            };
            attempt += 1;
        }
        used.insert(flag.clone());
        flags.push((param, flag));
    }
    flags
}

/// One flag per settable parameter. None is required by clap: `generate`
/// makes the required ones required unless `--resume` is given, and a
/// batch's lines supply them.
pub fn flags(model: &ModelInfo) -> Vec<Arg> {
    flag_names(model)
        .into_iter()
        .map(|(param, flag)| {
            // A list's flag is given once per item (or once with a JSON array).
            let action = if param.kind == ParamKind::ImageList {
                clap::ArgAction::Append
            } else {
                clap::ArgAction::Set
            };
            Arg::new(param.name)
                .long(flag)
                .action(action)
                .value_name(value_name(model, param))
                .help(help(model, param))
                .help_heading("Model parameters")
                // `--seed -1` is a documented value, not a flag; whether a
                // negative number is allowed is the model's rules' to say.
                .allow_negative_numbers(matches!(
                    param.kind,
                    ParamKind::Integer | ParamKind::Number
                ))
        })
        .collect()
}

fn value_name(model: &ModelInfo, param: &ParamInfo) -> &'static str {
    if takes_files(model, param) {
        return "URL|FILE";
    }
    match param.kind {
        ParamKind::Boolean => "true|false",
        ParamKind::Text => "TEXT",
        ParamKind::Choice => "VALUE",
        ParamKind::Integer => "INT",
        ParamKind::Number => "NUMBER",
        ParamKind::ImageUrl | ParamKind::ImageList => "URL",
        ParamKind::ImageSize => "SIZE",
        _ => "VALUE",
    }
}

/// Whether a local file can be given for `param` (uploaded, or inlined).
fn takes_files(model: &ModelInfo, param: &ParamInfo) -> bool {
    matches!(
        model.local_images(param),
        Some(LocalImages::Uploaded(_) | LocalImages::DataUri)
    )
}

/// The description, then what is allowed and the default, as the docs say.
pub fn help(model: &ModelInfo, param: &ParamInfo) -> String {
    let mut text = param.description.trim_end_matches('.').to_owned();
    text.push_str(&format!(". Allowed: {}", param.allowed));
    match model.local_images(param) {
        Some(LocalImages::Uploaded(_)) => {
            text.push_str(", or a local file (checked, then uploaded)")
        }
        Some(LocalImages::DataUri) => {
            text.push_str(", or a local file (checked, then sent inline)")
        }
        _ => {}
    }
    if param.kind == ParamKind::ImageList {
        text.push_str("; give the flag once per image, in order (or once, with a JSON array)");
    }
    match param.default {
        Some(default) => text.push_str(&format!(". Default: {default} (applied by the server)")),
        None if param.required => text.push_str(". Required"),
        None => {}
    }
    text.push('.');
    text
}

/// The parameters given on the command line, by wire name.
pub fn given(model: &ModelInfo, matches: &ArgMatches) -> Args {
    let mut args = Args::new();
    for param in model.parameters.iter().filter(|p| p.fixed.is_none()) {
        if param.kind == ParamKind::ImageList {
            if let Some(value) = list_value(matches, param.name) {
                args.insert(param.name, value);
            }
        } else if let Some(value) = matches.get_one::<String>(param.name) {
            args.insert(param.name, value.clone());
        }
    }
    args
}

/// A list flag's value as the list type reads it: one occurrence as given
/// (a JSON array, or one item), several as the JSON array of them.
fn list_value(matches: &ArgMatches, name: &str) -> Option<String> {
    let values: Vec<&String> = matches.get_many::<String>(name)?.collect();
    match values.as_slice() {
        [one] => Some((*one).clone()),
        many => serde_json::to_string(many).ok(),
    }
}
