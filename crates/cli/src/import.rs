//! `imagegen import openapi|wavespeed`: specs from a provider's own
//! machine-readable schema (imagegen-import), merged with what a person
//! added to the committed ones, or with `--check` the drift between them.
//!
//! Exit 0 when written (or, checking, nothing drifted); 1 when checking
//! found drift, or a merged spec was refused by the checker; 2 when a
//! document cannot be read or has no request schema, naming it and where.

use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, ArgMatches, Command};
use imagegen_import::{Coverage, Import, ImportError, Outcome, openapi, wavespeed};
use imagegen_spec::ir::Provider;

use crate::failure::{Failure, printable};

pub fn command() -> Command {
    let out = Arg::new("out")
        .long("out")
        .value_name("DIR")
        .required(true)
        .value_parser(clap::value_parser!(PathBuf))
        .help("The provider's spec directory (specs/<provider>): one file per model, by its id");
    let check = Arg::new("check")
        .long("check")
        .action(ArgAction::SetTrue)
        .help("Change nothing; print how the committed specs differ from the source (each change breaking or not) and exit 1 if they do");
    let model = Arg::new("model")
        .long("model")
        .value_name("ID")
        .action(ArgAction::Append)
        .help("Import only this model (repeat for more)");
    Command::new("import")
        .about("Write model specs from a provider's machine-readable schema, keeping what a person added")
        .long_about(
            "Write model specs from a provider's machine-readable schema. Each JSON Schema property \
             becomes a parameter row, or is reported (model, JSON pointer, what it is) and left out; \
             nothing is guessed. A committed spec keeps what a person added that the source does \
             not state (its page URL, means:, sentinels, formats, examples, a price from a pricing \
             page, notes). Specs are checked before they are written; nothing is written outside \
             --out.",
        )
        .subcommand_required(true)
        .subcommand(
            Command::new("openapi")
                .about("Specs from OpenAPI 3.0 documents of aimlapi's shape (one spec per `model` enum value)")
                .arg(
                    Arg::new("document")
                        .value_name("FILE|URL")
                        .required(true)
                        .action(ArgAction::Append)
                        .help("OpenAPI documents: files or http(s) URLs"),
                )
                .arg(
                    Arg::new("provider")
                        .long("provider")
                        .value_name("P")
                        .required(true)
                        .help("The provider the models are served by (its provider.yaml is read from --out, else imagegen's own)"),
                )
                .arg(
                    Arg::new("cite-as")
                        .long("cite-as")
                        .value_name("TEMPLATE")
                        .help("What each spec's `imported.document` names, `{path}` standing for the document as given (e.g. https://github.com/aimlapi/api-docs/blob/<commit>/{path}); default: the document as given"),
                )
                .arg(model.clone())
                .arg(out.clone())
                .arg(check.clone()),
        )
        .subcommand(
            Command::new("wavespeed")
                .about("Specs from WaveSpeed's models API, GET /api/v3/models (WAVESPEED_API_KEY, WAVESPEED_BASE_URL)")
                .arg(
                    Arg::new("from")
                        .long("from")
                        .value_name("FILE")
                        .value_parser(clap::value_parser!(PathBuf))
                        .conflicts_with("sim")
                        .help("A saved answer instead of asking the API"),
                )
                .arg(
                    Arg::new("sim")
                        .long("sim")
                        .action(ArgAction::SetTrue)
                        .help("Ask the built-in emulator, which serves the listing from imagegen's specs"),
                )
                .arg(model)
                .arg(out)
                .arg(check),
        )
}

pub async fn run(matches: &ArgMatches) -> Result<(), Failure> {
    match matches.subcommand() {
        Some(("openapi", sub)) => run_openapi(sub).await,
        Some(("wavespeed", sub)) => run_wavespeed(sub).await,
        _ => Err(Failure::usage(
            "`imagegen import` needs `openapi` or `wavespeed`",
        )),
    }
}

async fn run_openapi(matches: &ArgMatches) -> Result<(), Failure> {
    let out: &PathBuf = matches.get_one("out").expect("required");
    let provider_name: &String = matches.get_one("provider").expect("required");
    let provider = provider_spec(out, provider_name)?;
    let template = matches.get_one::<String>("cite-as");
    let only = models(matches);
    let mut import = Import::default();
    for document in matches.get_many::<String>("document").into_iter().flatten() {
        let text = read_document(document).await?;
        let cited_as = template.map_or_else(|| document.clone(), |t| t.replace("{path}", document));
        let parsed = imagegen_import::parse(&text, &cited_as).map_err(import_error)?;
        let mut one = openapi::import(&openapi::OpenApiSource {
            document: &parsed,
            cited_as: &cited_as,
            submit_path: &provider.submit.path,
        })
        .map_err(import_error)?;
        one.models
            .retain(|m| only.is_empty() || only.contains(&m.id));
        for model in one.models {
            if import.models.iter().any(|m| m.id == model.id) {
                // Two documents (or two operations) for one id: the first
                // stands; which is right is for a person to say.
                import.findings.push(imagegen_import::Finding::left_out(
                    Some(&model.id),
                    &cited_as,
                    "an earlier document (or operation) describes this model too; only the first is imported",
                ));
            } else {
                import.models.push(model);
            }
        }
        import.findings.append(&mut one.findings);
        import.listed.append(&mut one.listed);
    }
    finish(
        &import,
        out,
        &provider,
        Coverage::Partial,
        matches.get_flag("check"),
    )
}

async fn run_wavespeed(matches: &ArgMatches) -> Result<(), Failure> {
    let out: &PathBuf = matches.get_one("out").expect("required");
    let provider = provider_spec(out, "wavespeed")?;
    let Some(catalog) = &provider.catalog else {
        return Err(Failure::usage(
            "the wavespeed provider spec documents no `catalog` endpoint to import from",
        ));
    };
    let only = models(matches);
    let (text, cited_as) = if let Some(file) = matches.get_one::<PathBuf>("from") {
        let text = std::fs::read_to_string(file)
            .map_err(|error| Failure::usage(format!("{}: {error}", file.display())))?;
        (text, file.display().to_string())
    } else if matches.get_flag("sim") {
        let sim = imagegen_sim::Sim::start(imagegen_sim::SimConfig::new())
            .await
            .map_err(|error| Failure::other(format!("cannot start the emulator: {error}")))?;
        let url = format!("{}{}", sim.base_url(&provider.name), catalog.endpoint.path);
        let text = fetch(&url, Some((&provider, sim.api_key()))).await;
        sim.shutdown().await;
        (text?, format!("imagegen-sim GET {}", catalog.endpoint.path))
    } else {
        let key = std::env::var(&provider.auth.env_var).map_err(|_| {
            Failure::usage(format!(
                "set {} to your WaveSpeed API key to read GET {} (or give --from FILE, or --sim)",
                provider.auth.env_var, catalog.endpoint.path
            ))
        })?;
        let base =
            std::env::var(&provider.base_url_env_var).unwrap_or_else(|_| provider.base_url.clone());
        let url = format!("{}{}", base.trim_end_matches('/'), catalog.endpoint.path);
        let text = fetch(&url, Some((&provider, &key))).await?;
        (text, url)
    };
    let parsed = imagegen_import::parse(&text, &cited_as).map_err(import_error)?;
    let import = wavespeed::import(&parsed, &cited_as, &only).map_err(import_error)?;
    let coverage = if only.is_empty() {
        Coverage::Complete
    } else {
        Coverage::Partial
    };
    finish(&import, out, &provider, coverage, matches.get_flag("check"))
}

/// The `--model` ids, empty for every model.
fn models(matches: &ArgMatches) -> Vec<String> {
    matches
        .get_many::<String>("model")
        .into_iter()
        .flatten()
        .cloned()
        .collect()
}

/// The provider's spec: `out/provider.yaml` if there is one, else the one
/// imagegen ships.
fn provider_spec(out: &Path, name: &str) -> Result<Provider, Failure> {
    let local = out.join(imagegen_spec::PROVIDER_FILE);
    let (path, text) = match std::fs::read_to_string(&local) {
        Ok(text) => (local, text),
        Err(_) => {
            let Some((path, text)) = imagegen_spec::bundled::provider_file(name) else {
                return Err(Failure::usage(format!(
                    "no provider `{name}`: {} has no {} and imagegen ships no such provider ({})",
                    out.display(),
                    imagegen_spec::PROVIDER_FILE,
                    imagegen_spec::bundled::provider_names().join(", ")
                )));
            };
            (path, text.to_owned())
        }
    };
    imagegen_spec::parse_provider(&path, &text).map_err(|diagnostics| {
        Failure::usage(format!(
            "{diagnostics}\nerror: the provider spec does not load"
        ))
    })
}

/// A document's text, from a file or an http(s) URL.
async fn read_document(document: &str) -> Result<String, Failure> {
    if document.starts_with("http://") || document.starts_with("https://") {
        return fetch(document, None).await;
    }
    std::fs::read_to_string(document)
        .map_err(|error| Failure::usage(format!("{document}: {error}")))
}

/// GETs `url`, with `auth` (the provider's header and the key) if given.
async fn fetch(url: &str, auth: Option<(&Provider, &str)>) -> Result<String, Failure> {
    let client = reqwest::Client::new();
    let mut request = client.get(url);
    if let Some((provider, key)) = auth {
        let value = match &provider.auth.scheme {
            Some(scheme) => format!("{scheme} {key}"),
            None => key.to_owned(),
        };
        request = request.header(provider.auth.header.as_str(), value);
    }
    let failed = |error: String| Failure::other(format!("GET {url}: {error}"));
    let response = request.send().await.map_err(|e| failed(e.to_string()))?;
    let status = response.status();
    let text = response.text().await.map_err(|e| failed(e.to_string()))?;
    if !status.is_success() {
        return Err(failed(format!("HTTP {status}: {}", printable(&text))));
    }
    Ok(text)
}

fn import_error(error: ImportError) -> Failure {
    Failure::usage(format!("error: {error}"))
}

/// Applies the import and prints what it found, did, or would change.
fn finish(
    import: &Import,
    out: &Path,
    provider: &Provider,
    coverage: Coverage,
    check: bool,
) -> Result<(), Failure> {
    let outcome: Outcome = imagegen_import::apply(import, out, provider, coverage, check).map_err(
        |error| match error {
            ImportError::Io { .. } => Failure::other(format!("error: {error}")),
            other => import_error(other),
        },
    )?;
    for finding in import.findings.iter().chain(&outcome.findings) {
        println!("{finding}");
    }
    for path in &outcome.written {
        println!("  {}", path.display());
    }
    for change in &outcome.changes {
        println!("drift: {change}");
    }
    let breaking = outcome.changes.iter().filter(|c| c.breaking).count();
    println!(
        "import: {} model(s): {} written, {} unchanged, {} refused; {} finding(s) ({} left out); {} change(s) from the committed specs ({breaking} breaking)",
        import.models.len(),
        outcome.written.len(),
        outcome.unchanged,
        outcome.refused.len(),
        import.findings.len() + outcome.findings.len(),
        import
            .findings
            .iter()
            .chain(&outcome.findings)
            .filter(|f| f.left_out)
            .count(),
        outcome.changes.len(),
    );
    if !outcome.refused.is_empty() {
        let mut message = String::from("these specs were not written; the checker refuses them:");
        for (model, diagnostics) in &outcome.refused {
            message.push_str(&format!("\n{model}:\n{diagnostics}"));
        }
        return Err(Failure::other(message));
    }
    if check && !outcome.changes.is_empty() {
        return Err(Failure::other(format!(
            "error: {} change(s) between the committed specs and the source; run without --check to write them",
            outcome.changes.len()
        )));
    }
    Ok(())
}
