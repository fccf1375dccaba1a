//! A provider crate's README: the provider's facts and every model's
//! parameter table, from the same spec as the code.

use imagegen_spec::ir::{Model, Outcome, Protocol, Provider};

use crate::docs::{markdown, table_cell};

pub(crate) fn readme(provider: &Provider, source: &str, target: crate::Target) -> String {
    let mut out = format!(
        "<!-- {} from {source}. Do not edit. -->\n\n",
        target.generated_by()
    );
    out.push_str(&format!("# {}\n\n", provider.crate_name()));
    out.push_str(&format!(
        "Typed, validated requests and responses for the {} API, generated from `{source}`.\n\n{}\n\n",
        provider.display_name, provider.summary
    ));
    out.push_str(&provider_facts(provider));
    out.push_str("\n## Models\n\n");
    out.push_str("| Model | Module | Cargo feature | Task | Estimated time | Price |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for model in &provider.models {
        out.push_str(&format!(
            "| `{}` ({}) | `{}` | `{}` | {} | {} | {} |\n",
            model.id,
            table_cell(&model.display_name),
            model.module,
            model.feature,
            task_name(model),
            model
                .estimated_time
                .as_ref()
                .map_or("not documented", |t| t.text.as_str()),
            price_text(model),
        ));
    }
    for model in &provider.models {
        out.push('\n');
        out.push_str(&model_section(model));
    }
    out
}

/// The documented price in words; else the cost the documentation's example
/// answer reports; else `unknown` (never a guess).
pub(crate) fn price_text(model: &Model) -> String {
    match (&model.price, model.cost_cents) {
        (Some(price), _) => price.describe(),
        (None, Some(cents)) => format!("{cents} ¢ per request (the example answer's cost)"),
        (None, None) => "unknown".to_owned(),
    }
}

/// The provider's facts as a Markdown list (also used in the crate docs).
pub(crate) fn provider_facts(provider: &Provider) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "- Base URL: `{}` (override with `{}`)\n",
        provider.base_url, provider.base_url_env_var
    ));
    let scheme = provider
        .auth
        .scheme
        .as_deref()
        .map_or(String::new(), |s| format!("{s} "));
    out.push_str(&format!(
        "- Auth: `{}: {scheme}${}`\n",
        provider.auth.header, provider.auth.env_var
    ));
    let submit = &provider.submit;
    out.push_str(&format!(
        "- Protocol: {}; submit `{} {}`{}\n",
        protocol_name(provider.protocol),
        method(submit.method),
        submit.path,
        submit
            .success_status
            .map_or(String::new(), |status| format!(" (answers `{status}`)")),
    ));
    if let Some(result) = &provider.result {
        out.push_str(&format!(
            "- Poll: `{} {}`\n",
            method(result.method),
            result.path
        ));
    }
    if !provider.statuses.is_empty() {
        let statuses: Vec<String> = provider
            .statuses
            .iter()
            .map(|s| match s.outcome {
                Some(Outcome::Success) => format!("`{}` (terminal, success)", s.value),
                Some(Outcome::Failure) => format!("`{}` (terminal, failure)", s.value),
                None => format!("`{}`", s.value),
            })
            .collect();
        out.push_str(&format!("- Statuses: {}\n", statuses.join(", ")));
    }
    if !provider.errors.is_empty() {
        let errors: Vec<String> = provider
            .errors
            .iter()
            .map(|e| {
                if e.http_status == e.code {
                    format!("{} {}", e.code, e.name)
                } else {
                    format!("{} {} (sent as {})", e.code, e.name, e.http_status)
                }
            })
            .collect();
        out.push_str(&format!("- Documented errors: {}\n", errors.join(", ")));
    }
    for note in &provider.notes {
        out.push_str(&format!("- {note}\n"));
    }
    let sources: Vec<String> = provider.sources.iter().map(|s| format!("`{s}`")).collect();
    out.push_str(&format!("- Written from: {}\n", sources.join(", ")));
    out
}

/// A model's parameter table as Markdown (also used in the module docs).
pub(crate) fn parameter_table(model: &Model) -> String {
    let mut out =
        String::from("| Parameter | Type | Required | Default | Allowed | Description |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for param in &model.parameters {
        let required = if param.fixed.is_some() {
            "fixed"
        } else if param.required {
            "yes"
        } else {
            "no"
        };
        out.push_str(&format!(
            "| `{}` | {} | {required} | {} | {} | {} |\n",
            param.name,
            param.type_label(),
            param
                .default_text()
                .map_or("–".to_owned(), |d| format!("`{d}`")),
            table_cell(&markdown(&param.allowed())),
            table_cell(&param.description),
        ));
    }
    out
}

fn model_section(model: &Model) -> String {
    let mut out = format!(
        "## `{}`: {}\n\n{}\n\n",
        model.id, model.display_name, model.summary
    );
    out.push_str(&format!(
        "Module `{}`, feature `{}`, written from `{}`.\n\n",
        model.module, model.feature, model.source
    ));
    out.push_str(&parameter_table(model));
    out
}

pub(crate) fn task_name(model: &Model) -> &'static str {
    use imagegen_spec::ir::Task;
    match model.task {
        Task::TextToImage => "text-to-image",
        Task::ImageToImage => "image-to-image",
        Task::ImageEdit => "image-edit",
    }
}

fn protocol_name(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::FlatPredictionQueue => "prediction queue (flat JSON)",
        Protocol::EnvelopePredictionQueue => "prediction queue (`{code, message, data}` envelope)",
        Protocol::OpenaiSync => "synchronous, OpenAI-compatible",
    }
}

pub(crate) fn method(method: imagegen_spec::ir::Method) -> &'static str {
    match method {
        imagegen_spec::ir::Method::Get => "GET",
        imagegen_spec::ir::Method::Post => "POST",
    }
}
