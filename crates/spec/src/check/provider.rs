//! A provider file: identity, auth, endpoints, statuses, responses, errors.

use std::collections::BTreeSet;
use std::path::Path;

use super::response::{check_examples, check_responses};
use super::{Reporter, at, is_env_var, is_lower_name, is_type_name, item, parse_yaml};
use crate::diagnostic::Diagnostic;
use crate::file::provider::{EndpointFile, ProviderFile, UploadFile};
use crate::ir::{
    Auth, Catalog, Endpoint, ErrorCode, History, Method, Outcome, Protocol, Provider, Status,
    SyncTimeoutAnswer, Upload,
};
use crate::naming;

/// Names the generated crate root defines besides the response types, and the
/// prelude names generated code relies on.
const RESERVED_ROOT_NAMES: &[&str] = &[
    "Status",
    "PROVIDER",
    "ParamError",
    "Client",
    "Error",
    "Generation",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Cow",
];

/// Names the umbrella `imagegen` crate already exports (crates/imagegen/src/lib.rs),
/// which a provider module of the same name would clash with.
const RESERVED_PROVIDER_NAMES: &[&str] = &["args", "info", "neutral", "runtime", "providers"];

/// Checks the provider file at `file` (whose text is `text`). Its models are
/// added by the loader.
pub(crate) fn check_provider(file: &Path, text: &str) -> Result<Provider, Vec<Diagnostic>> {
    let raw: ProviderFile = parse_yaml(file, text)?;
    let mut r = Reporter::new(file, text);

    if !is_lower_name(&raw.name) {
        r.error(
            "name",
            format!("`{}` is not a provider name: expected lowercase letters, digits and `-`, starting with a letter", raw.name),
        );
    } else if RESERVED_PROVIDER_NAMES.contains(&raw.name.replace('-', "_").as_str()) {
        r.error(
            "name",
            format!(
                "`{}` is taken: the `imagegen` crate exports each provider under its name, beside {}",
                raw.name,
                RESERVED_PROVIDER_NAMES.join(", ")
            ),
        );
    }
    let rust_name = raw
        .rust_name
        .clone()
        .unwrap_or_else(|| naming::type_name(&raw.name));
    if !is_type_name(&rust_name) || RESERVED_ROOT_NAMES.contains(&rust_name.as_str()) {
        r.error(
            "rust_name",
            format!(
                "`{rust_name}` cannot name the provider type: expected UpperCamelCase, not {}",
                RESERVED_ROOT_NAMES.join(" or ")
            ),
        );
    }
    if raw.sources.is_empty() {
        r.error("sources", "list the documents this spec is written from");
    }
    check_base_url(&mut r, &raw.base_url);
    for (path, name) in [
        ("base_url_env_var", &raw.base_url_env_var),
        ("auth.env_var", &raw.auth.env_var),
    ] {
        if !is_env_var(name) {
            r.error(
                path,
                format!("`{name}` is not an environment variable name: expected UPPER_SNAKE_CASE"),
            );
        }
    }
    if raw.auth.header.is_empty()
        || !raw
            .auth
            .header
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        r.error(
            "auth.header",
            format!("`{}` is not an HTTP header name", raw.auth.header),
        );
    }

    let queue = raw.protocol != Protocol::OpenaiSync;
    let submit = check_endpoint(
        &mut r,
        "endpoints.submit",
        &raw.endpoints.submit,
        Method::Post,
        None,
    );
    let result = match (&raw.endpoints.result, queue) {
        (Some(result), true) => check_endpoint(
            &mut r,
            "endpoints.result",
            result,
            Method::Get,
            Some("{id}"),
        ),
        (None, true) => {
            r.error(
                "endpoints",
                "a prediction-queue provider needs a `result` endpoint to poll",
            );
            None
        }
        (Some(_), false) => {
            r.error(
                "endpoints.result",
                "a synchronous provider has no `result` endpoint",
            );
            None
        }
        (None, false) => None,
    };

    let statuses = check_statuses(&mut r, &raw, queue);
    let mut responses = check_responses(&mut r, &raw, queue, !statuses.is_empty());
    let upload = raw.upload.as_ref().and_then(|raw_upload| {
        let types = responses.as_mut().map(|responses| &mut responses.types)?;
        check_upload(&mut r, raw_upload, !statuses.is_empty(), types)
    });
    let errors = check_errors(&mut r, &raw);
    let catalog = raw.catalog.as_ref().and_then(|catalog| {
        let raw_endpoint = EndpointFile {
            method: catalog.method,
            path: catalog.path.clone(),
            success_status: None,
        };
        let endpoint = check_endpoint(&mut r, "catalog", &raw_endpoint, Method::Get, None)?;
        if endpoint.path.contains('{') {
            r.error("catalog.path", "a catalog path takes no placeholder");
            return None;
        }
        Some(Catalog {
            endpoint,
            format: catalog.format,
            source: catalog.source.clone(),
        })
    });

    let history = raw
        .history
        .as_ref()
        .and_then(|history| check_history(&mut r, history, !statuses.is_empty()));

    let webhook = raw
        .webhook
        .as_ref()
        .and_then(|webhook| check_webhook(&mut r, webhook, !statuses.is_empty()));

    let pricing = raw.pricing.as_ref().and_then(|pricing| {
        let paths = [
            ("pricing.price", Some(&pricing.price)),
            ("pricing.currency", Some(&pricing.currency)),
            ("pricing.envelope_code", pricing.envelope_code.as_ref()),
        ];
        let fields = [
            ("pricing.model_field", &pricing.model_field),
            ("pricing.inputs_field", &pricing.inputs_field),
        ];
        check_plain_endpoint(
            &mut r,
            "pricing",
            pricing.method,
            &pricing.path,
            &paths,
            &fields,
        )
        .then(|| pricing.clone())
    });
    let balance = raw.balance.as_ref().and_then(|balance| {
        let paths = [
            ("balance.balance", Some(&balance.balance)),
            ("balance.envelope_code", balance.envelope_code.as_ref()),
        ];
        if crate::file::provider::is_currency_code(&balance.currency) {
            check_plain_endpoint(
                &mut r,
                "balance",
                balance.method,
                &balance.path,
                &paths,
                &[],
            )
            .then(|| balance.clone())
        } else {
            r.error(
                "balance.currency",
                format!("`{}` is not an ISO 4217 code such as USD", balance.currency),
            );
            None
        }
    });

    let mut provider = Provider {
        file: file.to_path_buf(),
        name: raw.name.clone(),
        package: format!("imagegen-{}", raw.name),
        display_name: raw.display_name.clone(),
        rust_name,
        summary: raw.summary.trim().to_owned(),
        sources: raw.sources.clone(),
        docs_url: raw.docs_url.clone(),
        base_url: raw.base_url.clone(),
        base_url_env_var: raw.base_url_env_var.clone(),
        auth: Auth {
            header: raw.auth.header.clone(),
            scheme: raw.auth.scheme.clone(),
            env_var: raw.auth.env_var.clone(),
            key_url: raw.auth.key_url.clone(),
        },
        protocol: raw.protocol,
        submit: submit.unwrap_or(Endpoint {
            method: Method::Post,
            path: String::new(),
            success_status: None,
        }),
        result,
        statuses,
        submit_response: String::new(),
        result_response: None,
        types: Vec::new(),
        errors,
        content_policy_messages: raw.content_policy_messages.clone(),
        examples: Vec::new(),
        sync_mode_returns_outputs: raw.sync_mode_returns_outputs,
        sync_timeout_answer: raw
            .sync_timeout_answer
            .as_ref()
            .map(|answer| SyncTimeoutAnswer {
                envelope_code: answer.envelope_code,
                message: answer.message.clone(),
            }),
        upload,
        catalog,
        history,
        webhook,
        pricing,
        balance,
        notes: raw.notes.clone(),
        models: Vec::new(),
    };
    if let Some(responses) = responses {
        provider.submit_response = responses.submit;
        provider.result_response = responses.result;
        provider.types = responses.types;
        for object in &provider.types {
            if object.type_name == provider.rust_name
                || RESERVED_ROOT_NAMES.contains(&object.type_name.as_str())
            {
                r.error(
                    "responses",
                    format!(
                        "the response type name `{}` is taken by the generated crate",
                        object.type_name
                    ),
                );
            }
        }
        provider.examples = check_examples(&mut r, &raw, &provider);
    }
    r.finish(provider)
}

/// The base URL is the origin before the documented paths: `https://host[:port]`,
/// or `http://` for loopback hosts only.
fn check_base_url(r: &mut Reporter<'_>, url: &str) {
    let authority = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://").filter(|rest| is_loopback(rest)));
    let valid = authority.is_some_and(|authority| {
        !authority.is_empty()
            && !authority.contains(['/', '?', '#', ' '])
            && !authority.starts_with(':')
    });
    if !valid {
        r.error(
            "base_url",
            format!("`{url}` is not an origin: expected `https://host` (or `http://` on loopback) with no path or trailing `/`"),
        );
    }
}

fn is_loopback(authority: &str) -> bool {
    // `[::1]:8080` has colons inside its brackets; the port follows `]`.
    let host = match authority.strip_prefix('[') {
        Some(rest) => rest.split_once(']').map_or(authority, |(host, _)| host),
        None => authority
            .rsplit_once(':')
            .map_or(authority, |(host, _)| host),
    };
    matches!(host, "localhost" | "127.0.0.1" | "::1")
}

fn check_endpoint(
    r: &mut Reporter<'_>,
    path: &str,
    raw: &EndpointFile,
    expected_method: Method,
    required_placeholder: Option<&str>,
) -> Option<Endpoint> {
    let errors_before = r.error_count();
    if raw.method != expected_method {
        r.error(
            &at(path, "method"),
            format!(
                "expected {}: the runtime sends this request as {}",
                method_name(expected_method),
                method_name(expected_method)
            ),
        );
    }
    if !raw.path.starts_with('/') || raw.path.contains(char::is_whitespace) {
        r.error(
            &at(path, "path"),
            format!(
                "`{}` is not a path: expected it to start with `/`",
                raw.path
            ),
        );
    }
    let allowed = ["{model}", "{id}"];
    let mut rest = raw.path.as_str();
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map(|c| open + c + 1);
        let placeholder = close.map(|close| &rest[open..close]);
        match placeholder {
            Some(p) if allowed.contains(&p) => {}
            _ => {
                r.error(
                    &at(path, "path"),
                    format!("`{}` has an unknown placeholder; the known ones are {{model}} (submit) and {{id}} (result)", raw.path),
                );
                break;
            }
        }
        rest = &rest[close.unwrap_or(rest.len())..];
    }
    if let Some(placeholder) = required_placeholder {
        if raw.path.matches(placeholder).count() != 1 {
            r.error(
                &at(path, "path"),
                format!("`{}` must contain `{placeholder}` once", raw.path),
            );
        }
    } else if raw.path.contains("{id}") {
        r.error(
            &at(path, "path"),
            "a submit path cannot contain `{id}`: there is no id before submission",
        );
    }
    if let Some(status) = raw.success_status
        && !(200..300).contains(&status)
    {
        r.error(
            &at(path, "success_status"),
            format!("{status} is not a success status (200-299)"),
        );
    }
    (r.error_count() == errors_before).then(|| Endpoint {
        method: raw.method,
        path: raw.path.clone(),
        success_status: raw.success_status,
    })
}

/// The upload endpoint: a POST with no placeholder, a multipart field name,
/// a size limit, and an answer naming the URL.
/// The prediction history: a path without placeholders, field names and
/// answer paths that are names, a page size of at least 1, and a provider
/// whose predictions are polled (a synchronous API has nothing to look up).
fn check_history(
    r: &mut Reporter<'_>,
    raw: &crate::file::provider::HistoryFile,
    has_statuses: bool,
) -> Option<History> {
    let errors_before = r.error_count();
    if !has_statuses {
        r.error(
            "history",
            "a prediction history needs a provider whose predictions are polled (one with `statuses`)",
        );
    }
    let endpoint = EndpointFile {
        method: raw.method,
        path: raw.path.clone(),
        success_status: None,
    };
    let endpoint = check_endpoint(r, "history", &endpoint, raw.method, None);
    if raw.path.contains('{') {
        r.error("history.path", "a history path takes no placeholder");
    }
    if raw.max_page_size == 0 {
        r.error("history.max_page_size", "a page holds at least 1 item");
    }
    if raw.retention_days == Some(0) {
        r.error(
            "history.retention_days",
            "0 days keeps nothing: give the documented number or leave it out",
        );
    }
    let name = |text: &str| {
        !text.is_empty()
            && text.split('.').all(|part| {
                !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            })
    };
    let request = &raw.request;
    for (field, value) in [
        ("page", &request.page),
        ("page_size", &request.page_size),
        ("model", &request.model),
        ("created_after", &request.created_after),
        ("created_before", &request.created_before),
    ] {
        if !name(value) || value.contains('.') {
            r.error(
                &format!("history.request.{field}"),
                format!("`{value}` is not a field name: expected letters, digits and `_`"),
            );
        }
    }
    let response = &raw.response;
    let paths = [
        ("envelope_code", response.envelope_code.as_ref()),
        ("items", Some(&response.items)),
        ("total", response.total.as_ref()),
        ("page", response.page.as_ref()),
        ("id", Some(&response.id)),
        ("model", Some(&response.model)),
        ("status", Some(&response.status)),
        ("created_at", Some(&response.created_at)),
        ("status_url", response.status_url.as_ref()),
    ];
    for (field, value) in paths {
        if let Some(value) = value
            && !name(value)
        {
            r.error(
                &format!("history.response.{field}"),
                format!("`{value}` is not a dotted path of field names (`data.items`)"),
            );
        }
    }
    let endpoint = endpoint?;
    (r.error_count() == errors_before).then(|| History {
        endpoint,
        request: raw.request.clone(),
        first_page: raw.first_page,
        max_page_size: raw.max_page_size,
        retention_days: raw.retention_days,
        response: raw.response.clone(),
        source: raw.source.clone(),
        notes: raw.notes.clone(),
    })
}

/// Webhooks: names that are header and query names, a secret path without
/// placeholders, a positive age limit, a provider whose predictions finish
/// later (one with statuses).
fn check_webhook(
    r: &mut Reporter<'_>,
    raw: &crate::file::provider::WebhookFile,
    has_statuses: bool,
) -> Option<crate::file::provider::WebhookFile> {
    let errors_before = r.error_count();
    if !has_statuses {
        r.error(
            "webhook",
            "webhooks need a provider whose predictions finish later (one with `statuses`)",
        );
    }
    let endpoint = EndpointFile {
        method: raw.secret_method,
        path: raw.secret_path.clone(),
        success_status: None,
    };
    check_endpoint(r, "webhook.secret", &endpoint, raw.secret_method, None);
    if raw.secret_path.contains('{') {
        r.error("webhook.secret_path", "a secret path takes no placeholder");
    }
    let token = |text: &str| {
        !text.is_empty()
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
    };
    for (field, value) in [
        ("query_param", &raw.query_param),
        ("id_header", &raw.id_header),
        ("timestamp_header", &raw.timestamp_header),
        ("signature_header", &raw.signature_header),
        ("signature_version", &raw.signature_version),
    ] {
        if !token(value) {
            r.error(
                &format!("webhook.{field}"),
                format!("`{value}` is not a name: expected letters, digits, `-` or `_`"),
            );
        }
    }
    if raw.max_age_seconds == 0 {
        r.error(
            "webhook.max_age_seconds",
            "0 s refuses every delivery: give the documented limit",
        );
    }
    (r.error_count() == errors_before).then(|| raw.clone())
}

/// An endpoint without placeholders whose answer paths are dotted field
/// names and whose request fields are names; `true` when all hold.
fn check_plain_endpoint(
    r: &mut Reporter<'_>,
    at_path: &str,
    method: Method,
    path: &str,
    answer_paths: &[(&str, Option<&String>)],
    fields: &[(&str, &String)],
) -> bool {
    let errors_before = r.error_count();
    let endpoint = EndpointFile {
        method,
        path: path.to_owned(),
        success_status: None,
    };
    check_endpoint(r, at_path, &endpoint, method, None);
    if path.contains('{') {
        r.error(&format!("{at_path}.path"), "this path takes no placeholder");
    }
    let name = |text: &str| {
        !text.is_empty()
            && text.split('.').all(|part| {
                !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            })
    };
    for (field, value) in answer_paths {
        if let Some(value) = value
            && !name(value)
        {
            r.error(
                field,
                format!("`{value}` is not a dotted path of field names (`data.unit_price`)"),
            );
        }
    }
    for (field, value) in fields {
        if !name(value) || value.contains('.') {
            r.error(
                field,
                format!("`{value}` is not a field name: expected letters, digits and `_`"),
            );
        }
    }
    r.error_count() == errors_before
}

fn check_upload(
    r: &mut Reporter<'_>,
    raw: &UploadFile,
    has_statuses: bool,
    types: &mut Vec<crate::ir::ObjectType>,
) -> Option<Upload> {
    let errors_before = r.error_count();
    let endpoint = EndpointFile {
        method: raw.method,
        path: raw.path.clone(),
        success_status: None,
    };
    let endpoint = check_endpoint(r, "upload", &endpoint, Method::Post, None);
    if raw.path.contains('{') {
        r.error("upload.path", "an upload path takes no placeholder");
    }
    let token = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    if raw.field.is_empty() || !raw.field.bytes().all(token) {
        r.error(
            "upload.field",
            format!(
                "`{}` is not a form field name: expected letters, digits, `-`, `_` or `.`",
                raw.field
            ),
        );
    }
    if raw.max_bytes == 0 {
        r.error("upload.max_bytes", "the limit must be above 0 bytes");
    }
    if raw.retention_days == Some(0) {
        r.error(
            "upload.retention_days",
            "0 days: leave it out if the retention is not documented",
        );
    }
    let response = super::response::check_upload_response(
        r,
        "upload.response",
        &raw.response,
        has_statuses,
        types,
    );
    (r.error_count() == errors_before).then(|| Upload {
        endpoint: endpoint.expect("no errors"),
        field: raw.field.clone(),
        max_bytes: raw.max_bytes,
        retention_days: raw.retention_days,
        billed: raw.billed,
        response,
        source: raw.source.clone(),
        notes: raw.notes.clone(),
    })
}

fn method_name(method: Method) -> &'static str {
    match method {
        Method::Get => "GET",
        Method::Post => "POST",
    }
}

fn check_statuses(r: &mut Reporter<'_>, raw: &ProviderFile, queue: bool) -> Vec<Status> {
    if !queue {
        if !raw.statuses.is_empty() {
            r.error(
                "statuses",
                "a synchronous provider has no prediction statuses",
            );
        }
        return Vec::new();
    }
    if raw.statuses.is_empty() {
        r.error(
            "statuses",
            "a prediction-queue provider needs its documented statuses",
        );
        return Vec::new();
    }
    let mut statuses = Vec::new();
    let mut values = BTreeSet::new();
    let mut variants = BTreeSet::new();
    for (index, status) in raw.statuses.iter().enumerate() {
        let path = item("statuses", index);
        // `Unknown(String)` holds statuses the documentation does not list.
        let variant = naming::choice_variant(&status.value).filter(|v| v != "Unknown");
        match variant {
            Some(variant)
                if variants.insert(variant.clone()) && values.insert(status.value.clone()) =>
            {
                statuses.push(Status {
                    value: status.value.clone(),
                    variant,
                    outcome: status.terminal,
                    description: status.description.clone(),
                    source: status.source.clone(),
                });
            }
            Some(_) => r.error(
                &at(&path, "value"),
                format!("status `{}` is listed twice", status.value),
            ),
            None => r.error(
                &at(&path, "value"),
                format!(
                    "`{}` cannot be turned into a Rust variant name (`Unknown` is taken by undocumented statuses)",
                    status.value
                ),
            ),
        }
    }
    for (outcome, word) in [(Outcome::Success, "success"), (Outcome::Failure, "failure")] {
        if !statuses.iter().any(|s| s.outcome == Some(outcome)) {
            r.error(
                "statuses",
                format!("no status is marked `terminal: {word}`; a wait could never end that way"),
            );
        }
    }
    if !statuses.iter().any(|s| s.outcome.is_none()) {
        r.error(
            "statuses",
            "no status is non-terminal; a prediction could never be running",
        );
    }
    statuses
}

fn check_errors(r: &mut Reporter<'_>, raw: &ProviderFile) -> Vec<ErrorCode> {
    let mut errors = Vec::new();
    let mut http_statuses = BTreeSet::new();
    for (index, error) in raw.errors.iter().enumerate() {
        let path = item("errors", index);
        let http_status = error.http_status.unwrap_or(error.code);
        for (key, status) in [("code", error.code), ("http_status", http_status)] {
            if !(400..600).contains(&status) {
                r.error(
                    &at(&path, key),
                    format!("{status} is not an HTTP error status (400-599)"),
                );
            }
        }
        if !http_statuses.insert(http_status) {
            r.error(
                &at(&path, "code"),
                format!("HTTP status {http_status} is documented twice; the runtime could not tell the errors apart"),
            );
        }
        errors.push(ErrorCode {
            code: error.code,
            http_status,
            name: error.name.clone(),
            kind: error.kind,
            description: error.description.clone(),
        });
    }
    errors
}
