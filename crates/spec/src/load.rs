//! Reading a `specs/` directory: one directory per provider, holding
//! `provider.yaml` and one file per model at the path of its id.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::check::{check_model, check_provider};
use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::ir::{Model, Provider, SpecSet};

/// The file in each provider directory describing the provider itself.
pub const PROVIDER_FILE: &str = "provider.yaml";

/// Loads and checks every spec under `specs_dir`, reporting every problem in
/// every file (not only the first).
pub fn load(specs_dir: &Path) -> Result<SpecSet, Diagnostics> {
    load_with(specs_dir, |_| None)
}

/// Loads a directory of a user's own specs, laid out as `specs/` is: a
/// provider directory without a `provider.yaml` is one of the providers
/// imagegen knows ([`bundled`](crate::bundled)), named by the directory, so a
/// user adds a model to WaveSpeed with `my-specs/wavespeed/<id>.yaml` alone.
/// A directory with its own `provider.yaml` describes a provider of its own.
pub fn load_own(specs_dir: &Path) -> Result<SpecSet, Diagnostics> {
    load_with(specs_dir, crate::bundled::provider_file)
}

/// Loads one model file read on its own, outside any provider directory
/// (`imagegen generate --spec my-model.yaml`): its `provider` key names one
/// of the providers imagegen ships, whose `provider.yaml` it is checked
/// against. Returns that provider holding this one model. The file's path
/// is not checked against the model's id.
pub fn load_model_file(path: &Path) -> Result<Provider, Diagnostics> {
    let text = read(path).map_err(Diagnostics)?;
    let known = crate::bundled::provider_names();
    let name = crate::check::named_provider(path, &text, &known).map_err(Diagnostics)?;
    let Some((provider_path, provider_text)) = crate::bundled::provider_file(&name) else {
        return Err(Diagnostics(crate::check::unknown_provider(
            path, &text, &name, &known,
        )));
    };
    let mut provider = check_provider(&provider_path, provider_text).map_err(Diagnostics)?;
    let model = check_model(path, &text, &provider).map_err(Diagnostics)?;
    provider.models = vec![model];
    Ok(provider)
}

/// [`load`], where `known(dir name)` gives the text of a provider file for
/// a provider directory that has none (and its path for messages).
fn load_with(
    specs_dir: &Path,
    known: impl Fn(&str) -> Option<(PathBuf, &'static str)>,
) -> Result<SpecSet, Diagnostics> {
    let mut diagnostics = Vec::new();
    let mut providers = Vec::new();
    if !specs_dir.is_dir() {
        return Err(Diagnostics(vec![Diagnostic::new(
            specs_dir,
            Location::START,
            "the specs directory does not exist (or is not a directory)",
        )]));
    }
    for path in sorted_entries(specs_dir, &mut diagnostics) {
        if path.is_dir() {
            match load_provider_dir(&path, &known) {
                Ok(provider) => providers.push(provider),
                Err(found) => diagnostics.extend(found),
            }
        } else if is_yaml(&path) {
            diagnostics.push(Diagnostic::new(
                &path,
                Location::START,
                "spec files belong in a provider directory: specs/<provider>/provider.yaml and specs/<provider>/<model id>.yaml",
            ));
        }
    }
    if diagnostics.is_empty() {
        Ok(SpecSet { providers })
    } else {
        Err(Diagnostics(diagnostics))
    }
}

/// Checks one provider file's text; `path` is only used in messages.
pub fn parse_provider(path: &Path, text: &str) -> Result<Provider, Diagnostics> {
    check_provider(path, text).map_err(Diagnostics)
}

/// Checks one model file's text against its provider; `path` is only used in
/// messages.
pub fn parse_model(path: &Path, text: &str, provider: &Provider) -> Result<Model, Diagnostics> {
    check_model(path, text, provider).map_err(Diagnostics)
}

fn load_provider_dir(
    dir: &Path,
    known: &impl Fn(&str) -> Option<(PathBuf, &'static str)>,
) -> Result<Provider, Vec<Diagnostic>> {
    let dir_name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let own_file = dir.join(PROVIDER_FILE);
    let (provider_file, text) = if own_file.is_file() {
        let text = read(&own_file)?;
        (own_file, text)
    } else if let Some((path, text)) = known(dir_name) {
        (path, text.to_owned())
    } else {
        return Err(vec![Diagnostic::new(
            dir,
            Location::START,
            format!("a provider directory needs a {PROVIDER_FILE}"),
        )]);
    };
    let mut provider = check_provider(&provider_file, &text)?;
    let mut diagnostics = Vec::new();
    if provider.name != dir_name {
        diagnostics.push(Diagnostic::new(
            &provider_file,
            Location::START,
            format!(
                "the provider is named `{}` but its directory is `{dir_name}`; they must match",
                provider.name
            ),
        ));
    }

    let mut files = Vec::new();
    collect_model_files(dir, dir, &mut files, &mut diagnostics);
    let mut modules: BTreeMap<String, String> = BTreeMap::new();
    for (file, id_from_path) in files {
        let text = match read(&file) {
            Ok(text) => text,
            Err(found) => {
                diagnostics.extend(found);
                continue;
            }
        };
        match check_model(&file, &text, &provider) {
            Ok(model) => {
                if model.id != id_from_path {
                    diagnostics.push(Diagnostic::new(
                        &file,
                        Location::START,
                        format!(
                            "the model id is `{}` but the file is at `{id_from_path}.yaml`; a model's file is specs/<provider>/<id>.yaml",
                            model.id
                        ),
                    ));
                    continue;
                }
                if let Some(other) = modules.insert(model.module.clone(), model.id.clone()) {
                    diagnostics.push(Diagnostic::new(
                        &file,
                        Location::START,
                        format!(
                            "models `{other}` and `{}` both become the Rust module `{}`; set `rust_name` on one",
                            model.id, model.module
                        ),
                    ));
                    continue;
                }
                provider.models.push(model);
            }
            Err(found) => diagnostics.extend(found),
        }
    }
    provider.models.sort_by(|a, b| a.id.cmp(&b.id));
    if diagnostics.is_empty() {
        Ok(provider)
    } else {
        Err(diagnostics)
    }
}

/// Model files below `dir`, each with the id its path implies.
fn collect_model_files(
    root: &Path,
    dir: &Path,
    files: &mut Vec<(PathBuf, String)>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for path in sorted_entries(dir, diagnostics) {
        if path.is_dir() {
            collect_model_files(root, &path, files, diagnostics);
        } else if path.extension().is_some_and(|e| e == "yml") {
            diagnostics.push(Diagnostic::new(
                &path,
                Location::START,
                "spec files use the `.yaml` extension",
            ));
        } else if is_yaml(&path) && !(dir == root && path.ends_with(PROVIDER_FILE)) {
            let relative = path.strip_prefix(root).unwrap_or(&path).with_extension("");
            let id = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            files.push((path, id));
        }
    }
}

fn is_yaml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

/// Entries of `dir` in name order, so loading is deterministic everywhere.
fn sorted_entries(dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    match fs::read_dir(dir) {
        Ok(entries) => {
            let mut paths: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            paths
        }
        Err(error) => {
            diagnostics.push(Diagnostic::new(
                dir,
                Location::START,
                format!("cannot read the directory: {error}"),
            ));
            Vec::new()
        }
    }
}

fn read(path: &Path) -> Result<String, Vec<Diagnostic>> {
    fs::read_to_string(path).map_err(|error| {
        vec![Diagnostic::new(
            path,
            Location::START,
            format!("cannot read the file: {error}"),
        )]
    })
}
