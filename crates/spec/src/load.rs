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
    let mut diagnostics = Vec::new();
    let mut providers = Vec::new();
    for path in sorted_entries(specs_dir, &mut diagnostics) {
        if path.is_dir() {
            match load_provider_dir(&path) {
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

fn load_provider_dir(dir: &Path) -> Result<Provider, Vec<Diagnostic>> {
    let provider_file = dir.join(PROVIDER_FILE);
    if !provider_file.is_file() {
        return Err(vec![Diagnostic::new(
            dir,
            Location::START,
            format!("a provider directory needs a {PROVIDER_FILE}"),
        )]);
    }
    let text = read(&provider_file)?;
    let mut provider = check_provider(&provider_file, &text)?;
    let mut diagnostics = Vec::new();
    let dir_name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
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
