//! `imagegen list`: the models of the catalog, filtered by provider, task
//! and text, as an aligned table of id, task, documented price and source
//! page; and the message for a model id that is not there.

use std::io::Write;
use std::sync::OnceLock;

use clap::ArgMatches;
use imagegen::{ModelEntry, ProviderEntry};
use imagegen_runtime::rules::suggest;

use crate::failure::Failure;

/// The tasks a model can have, as specs and `--task` spell them.
pub const TASKS: &[&str] = &["text-to-image", "image-to-image", "image-edit"];

/// What `list` keeps: every filter given must match.
#[derive(Debug, Default)]
pub struct Filter {
    /// The provider's name, exactly.
    pub provider: Option<String>,
    /// The task, exactly.
    pub task: Option<String>,
    /// Words, each of which must appear (case-insensitively) in the id, the
    /// display name or the summary.
    pub text: Option<String>,
}

impl Filter {
    /// The filters on the command line.
    pub fn from_matches(matches: &ArgMatches) -> Self {
        let get = |name: &str| matches.get_one::<String>(name).cloned();
        Self {
            provider: get("provider"),
            task: get("task"),
            text: get("text"),
        }
    }

    /// Whether the model passes every filter.
    pub fn keeps(&self, provider: &ProviderEntry, model: &ModelEntry) -> bool {
        let info = model.info;
        let haystack = format!(
            "{} {} {}",
            model.qualified_id(),
            info.display_name,
            info.summary
        )
        .to_lowercase();
        self.provider
            .as_deref()
            .is_none_or(|name| provider.info.name == name)
            && self.task.as_deref().is_none_or(|task| info.task == task)
            && self.text.as_deref().is_none_or(|text| {
                text.to_lowercase()
                    .split_whitespace()
                    .all(|word| haystack.contains(word))
            })
    }
}

/// Every provider's name, for `--provider`'s allowed values.
pub fn provider_names() -> Vec<&'static str> {
    imagegen::PROVIDERS.iter().map(|p| p.info.name).collect()
}

/// Prints the table of the models the filter keeps on stdout; a filter that
/// keeps none says so on stderr and exits 1 (a script can tell).
pub fn run(matches: &ArgMatches) -> Result<(), Failure> {
    let filter = Filter::from_matches(matches);
    let rows: Vec<[String; 4]> = imagegen::models()
        .filter(|(provider, model)| filter.keeps(provider, model))
        .map(|(_, model)| {
            let info = model.info;
            [
                model.qualified_id(),
                info.task.to_owned(),
                info.price
                    .map_or_else(|| "unknown".to_owned(), |price| price.short()),
                info.source.to_owned(),
            ]
        })
        .collect();
    if rows.is_empty() {
        return Err(Failure::other(
            "no model matches the filters; run `imagegen list` to see every model",
        ));
    }
    let table = table(&["MODEL", "TASK", "PRICE", "SOURCE"], &rows);
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(table.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|error| Failure::other(format!("cannot write to stdout: {error}")))
}

/// Rows under a header, each column as wide as its widest cell, two spaces
/// apart; the last column is not padded (it is the long one).
pub fn table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(|cell| cell.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    let header = header.map(str::to_owned);
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (index, cell) in row.iter().enumerate() {
            if index + 1 == N {
                line.push_str(cell);
            } else {
                let pad = widths[index] - cell.chars().count();
                line.push_str(cell);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// A usage error (exit 2) for a model id that is not in the catalog, with
/// the closest known id when one is close.
pub fn unknown_model(name: &str) -> Failure {
    let mut message = format!("unknown model `{name}`");
    if let Some(closest) = suggest(name, known_ids()) {
        message.push_str(&format!("; did you mean `{closest}`?"));
    }
    message.push_str("\nrun `imagegen list` to see every model, named provider/model");
    Failure::usage(message)
}

/// Every `provider/model` id. `suggest` takes `'static` candidates, and ids
/// are built from two static parts: they are built once and kept.
fn known_ids() -> &'static [&'static str] {
    static IDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    IDS.get_or_init(|| {
        imagegen::models()
            .map(|(_, model)| &*Box::leak(model.qualified_id().into_boxed_str()))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up() {
        let rows = [
            [
                "a/long-model".to_owned(),
                "t2i".to_owned(),
                "One.".to_owned(),
            ],
            ["b/m".to_owned(), "edit".to_owned(), "Two.".to_owned()],
        ];
        assert_eq!(
            table(&["MODEL", "TASK", "SUMMARY"], &rows),
            "MODEL         TASK  SUMMARY\n\
             a/long-model  t2i   One.\n\
             b/m           edit  Two.\n"
        );
    }

    #[test]
    fn unknown_models_get_the_closest_id() {
        let failure = unknown_model("vibedream/z-image-turb");
        assert_eq!(failure.exit, crate::failure::USAGE);
        assert!(
            failure
                .message
                .contains("did you mean `vibedream/z-image-turbo`?"),
            "{}",
            failure.message
        );
        assert!(failure.message.contains("imagegen list"));
        let failure = unknown_model("nothing-like-it");
        assert!(!failure.message.contains("did you mean"));
    }
}
