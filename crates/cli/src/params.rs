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
            let action = if is_list(param.kind) {
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
                    ParamKind::Integer | ParamKind::Number | ParamKind::NumberChoice
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
        ParamKind::Number | ParamKind::NumberChoice => "NUMBER",
        ParamKind::ImageUrl | ParamKind::ImageList => "URL",
        ParamKind::ImageSize => "SIZE",
        ParamKind::ObjectList => "JSON",
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
    if !text.is_empty() {
        text.push_str(". ");
    }
    text.push_str(&format!("Allowed: {}", param.allowed));
    match model.local_images(param) {
        Some(LocalImages::Uploaded(_)) => {
            text.push_str(", or a local file (checked, then uploaded)")
        }
        Some(LocalImages::DataUri) => {
            text.push_str(", or a local file (checked, then sent inline)")
        }
        _ => {}
    }
    match param.kind {
        ParamKind::ImageList => text
            .push_str("; give the flag once per image, in order (or once, with a JSON array)"),
        ParamKind::ObjectList => text.push_str(
            "; give the flag once per item, each a JSON object, in order (or once, with a JSON array)",
        ),
        _ => {}
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
        if is_list(param.kind) {
            if let Some(value) = list_value(matches, param.name, param.kind) {
                args.insert(param.name, value);
            }
        } else if let Some(value) = matches.get_one::<String>(param.name) {
            args.insert(param.name, value.clone());
        }
    }
    args
}

/// Whether a parameter's flag is given once per item.
fn is_list(kind: ParamKind) -> bool {
    matches!(kind, ParamKind::ImageList | ParamKind::ObjectList)
}

/// A list flag's value as the list type reads it: one occurrence as given
/// (a JSON array, or one item), several as the JSON array of them (for a
/// list of objects, each occurrence an object or an array of them, in
/// order; one that is not JSON is passed on as given, for the list's own
/// parsing to refuse by name).
fn list_value(matches: &ArgMatches, name: &str, kind: ParamKind) -> Option<String> {
    let values: Vec<&String> = matches.get_many::<String>(name)?.collect();
    if let [one] = values.as_slice() {
        return Some((*one).clone());
    }
    if kind != ParamKind::ObjectList {
        return serde_json::to_string(&values).ok();
    }
    let mut items = Vec::new();
    for text in values {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Array(more)) => items.extend(more),
            Ok(item @ serde_json::Value::Object(_)) => items.push(item),
            _ => return Some(text.clone()),
        }
    }
    Some(serde_json::Value::Array(items).to_string())
}
