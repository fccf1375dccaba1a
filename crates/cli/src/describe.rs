//! `imagegen describe <provider>/<model>`: what a model is, where it is
//! called, and its parameter table as the spec documents it: each
//! parameter's flag, type, whether it is required, its default, what is
//! allowed, and its description.

use std::io::Write;

use clap::ArgMatches;
use imagegen::ModelEntry;
use imagegen::info::{LocalImages, ModelInfo, ParamInfo, ParamKind};

use crate::failure::Failure;
use crate::list::{table, unknown_model};
use crate::params::flag_names;
use crate::progress::estimate_text;

/// Width descriptions and allowed values are wrapped to, below their row.
const WRAP: usize = 96;
/// Indent of the lines below a parameter's row.
const DETAIL: &str = "    ";

/// Prints the description on stdout; an unknown model is a usage error.
pub fn run(matches: &ArgMatches) -> Result<(), Failure> {
    let name = matches
        .get_one::<String>("model")
        .map(String::as_str)
        .unwrap_or_default();
    let (_, model) = crate::catalog::find(name).ok_or_else(|| unknown_model(name))?;
    let text = describe(model);
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|error| Failure::other(format!("cannot write to stdout: {error}")))
}

/// The whole description.
pub fn describe(model: &ModelEntry) -> String {
    let info = model.info;
    let mut text = format!("{} ({})\n", model.qualified_id(), info.display_name);
    text.push_str(&wrap(info.summary, "", WRAP));
    text.push('\n');
    text.push_str(&facts(info));
    text.push_str(
        "\nParameters (a parameter not given is not sent; the server applies its default):\n",
    );
    text.push_str(&parameters(info));
    text
}

/// The documented price; else the cost the documentation's example answer
/// reports; else unknown (never a guess).
fn price_text(info: &ModelInfo) -> String {
    match (info.price, info.cost_cents) {
        (Some(price), _) => format!("{} (the page: \"{}\")", price.describe(), price.source),
        (None, Some(cents)) => format!(
            "${}.{:02} per request (as the documentation's example answer reports it)",
            cents / 100,
            cents % 100
        ),
        (None, None) => "unknown: the source page states no price".to_owned(),
    }
}

/// Task, endpoint, estimate, price, source, sync mode, base64 output, key.
fn facts(info: &ModelInfo) -> String {
    let provider = info.provider;
    let flag_of = |name: &str| {
        flag_names(info)
            .into_iter()
            .find(|(param, _)| param.name == name)
            .map_or_else(|| name.to_owned(), |(_, flag)| format!("--{flag}"))
    };
    let sync = match info.sync_mode {
        Some(name) => format!(
            "{} true: the answer waits until the images are ready",
            flag_of(name)
        ),
        None if provider.result.is_none() => "always: the API answers with the images".to_owned(),
        None => "not available: the prediction is polled until done".to_owned(),
    };
    let base64 = match info.base64_output {
        Some(switch) => format!(
            "{} {}: images come inside the answer instead of as URLs",
            flag_of(switch.parameter),
            switch.value
        ),
        None => "not available: images are downloaded from their URLs".to_owned(),
    };
    let rows = [
        ["Task".to_owned(), info.task.to_owned()],
        [
            "Endpoint".to_owned(),
            format!(
                "{} {}{}",
                info.submit.method.as_str(),
                provider.base_url.trim_end_matches('/'),
                info.submit.path
            ),
        ],
        [
            "Estimated time".to_owned(),
            info.estimated_time
                .map_or_else(|| "not documented".to_owned(), estimate_text),
        ],
        ["Price".to_owned(), price_text(info)],
        ["Source".to_owned(), info.source.to_owned()],
        ["Sync mode".to_owned(), sync],
        ["Base64 output".to_owned(), base64],
        [
            "API key".to_owned(),
            format!(
                "from {} (or try it offline with --sim)",
                provider.auth.env_var
            ),
        ],
        [
            "Base URL".to_owned(),
            format!(
                "{} (override with --base-url or {})",
                provider.base_url, provider.base_url_env_var
            ),
        ],
    ];
    let mut text = String::new();
    for [name, value] in rows {
        text.push_str(&format!("  {:<16}{value}\n", format!("{name}:")));
    }
    text
}

/// A row per parameter (name, flag, type, required, default), with what is
/// allowed and the description wrapped below it: both can be paragraphs,
/// which no table column holds readably.
fn parameters(info: &ModelInfo) -> String {
    let flags = flag_names(info);
    let rows: Vec<[String; 5]> = info
        .parameters
        .iter()
        .map(|param| {
            let flag = flags
                .iter()
                .find(|(p, _)| p.name == param.name)
                .map_or_else(|| "(fixed)".to_owned(), |(_, flag)| format!("--{flag}"));
            [
                param.name.to_owned(),
                flag,
                kind_name(param.kind).to_owned(),
                required(param).to_owned(),
                default(param),
            ]
        })
        .collect();
    let header = ["NAME", "FLAG", "TYPE", "REQUIRED", "DEFAULT"];
    let table = table(&header, &rows);
    let mut lines = table.lines();
    let mut text = String::new();
    if let Some(header) = lines.next() {
        text.push_str(&format!("  {header}\n"));
    }
    for (param, row) in info.parameters.iter().zip(lines) {
        text.push_str(&format!("  {row}\n"));
        text.push_str(&wrap(&format!("allowed: {}", param.allowed), DETAIL, WRAP));
        if let Some(local) = local_files(info, param) {
            text.push_str(&wrap(&local, DETAIL, WRAP));
        }
        if !param.description.is_empty() {
            text.push_str(&wrap(param.description, DETAIL, WRAP));
        }
    }
    text
}

/// For an image parameter: whether a local file can be given, and how it
/// reaches the provider.
fn local_files(info: &ModelInfo, param: &ParamInfo) -> Option<String> {
    let image = param.image?;
    let mut text = match info.local_images(param)? {
        LocalImages::Uploaded(upload) => format!(
            "local files: yes; a path (--{} ./photo.png) is checked, then uploaded to {} \
             (up to {}{}) and its URL sent",
            flag_of(info, param.name),
            info.provider.name,
            size_text(upload.max_bytes),
            upload
                .retention_days
                .map_or_else(String::new, |days| format!(", kept {days} days"))
        ),
        LocalImages::DataUri => {
            "local files: yes; a path is checked, then sent inline as a data: URI".to_owned()
        }
        LocalImages::Refused => {
            let mut text = format!(
                "local files: no; {} takes only public http(s) URLs here",
                info.provider.name
            );
            if !param.local_alternatives.is_empty() {
                text.push_str(&format!(
                    " (models that take a local file: {})",
                    param.local_alternatives.join(", ")
                ));
            }
            return Some(text);
        }
    };
    let formats: Vec<&str> = image
        .accepted_formats()
        .iter()
        .map(|format| format.label())
        .collect();
    text.push_str(&format!("; it must be a {} file", formats.join(", ")));
    if let Some(target) = image.mask_for {
        text.push_str(&format!(
            " with an alpha channel, of the same width and height as `{target}` when that is a file too"
        ));
    }
    Some(text)
}

/// `20 MB` for a whole number of megabytes, else the bytes.
fn size_text(bytes: u64) -> String {
    if bytes.is_multiple_of(1_000_000) {
        format!("{} MB", bytes / 1_000_000)
    } else {
        format!("{bytes} bytes")
    }
}

fn flag_of(info: &ModelInfo, name: &str) -> String {
    flag_names(info)
        .into_iter()
        .find(|(param, _)| param.name == name)
        .map_or_else(|| name.to_owned(), |(_, flag)| flag)
}

fn required(param: &ParamInfo) -> &'static str {
    if param.fixed.is_some() {
        "fixed"
    } else if param.required {
        "yes"
    } else {
        "no"
    }
}

fn default(param: &ParamInfo) -> String {
    match (param.fixed, param.default) {
        (Some(fixed), _) => format!("always {fixed}"),
        (None, Some(default)) => default.to_owned(),
        (None, None) => "-".to_owned(),
    }
}

/// The type in words.
pub fn kind_name(kind: ParamKind) -> &'static str {
    match kind {
        ParamKind::Boolean => "boolean",
        ParamKind::Text => "text",
        ParamKind::Choice | ParamKind::NumberChoice => "choice",
        ParamKind::Integer => "integer",
        ParamKind::Number => "number",
        ParamKind::ImageUrl => "image URL",
        ParamKind::ImageList => "image URLs",
        ParamKind::ObjectList => "list of objects",
        ParamKind::ImageSize => "image size",
        _ => "value",
    }
}

/// `text` in lines of at most `width` characters (longer words stand
/// alone), each starting with `indent`.
fn wrap(text: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    for paragraph in text.lines() {
        let mut line = String::from(indent);
        for word in paragraph.split_whitespace() {
            let fits = line.chars().count() + 1 + word.chars().count() <= width;
            if line.len() > indent.len() && !fits {
                out.push_str(&line);
                out.push('\n');
                line = String::from(indent);
            }
            if line.len() > indent.len() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if line.len() > indent.len() {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_words_whole() {
        assert_eq!(
            wrap("one two three four", "  ", 12),
            "  one two\n  three four\n"
        );
        assert_eq!(wrap("unbreakableword x", "", 5), "unbreakableword\nx\n");
        assert_eq!(wrap("", "  ", 10), "");
    }

    #[test]
    fn every_model_is_described() {
        for (_, model) in imagegen::models() {
            let text = describe(model);
            assert!(text.starts_with(&model.qualified_id()), "{text}");
            for param in model.info.parameters {
                let row = format!("\n  {} ", param.name);
                assert!(text.contains(&row), "{}: {}", param.name, text);
            }
        }
    }
}
