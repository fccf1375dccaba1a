//! The specs imagegen ships: a copy of the repository's `specs/`, kept in
//! this crate's `bundled/` by `cargo xtask codegen` (and checked by
//! `--check`), so they reach a published crate. The emulator serves them,
//! and a user's own model spec reuses a provider's `provider.yaml` from here
//! ([`load_own`](crate::load_own)).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::ir::SpecSet;
use crate::load::PROVIDER_FILE;

include!(concat!(env!("OUT_DIR"), "/bundled_specs.rs"));

/// Every bundled spec file: its path relative to `specs/` (`wavespeed/provider.yaml`)
/// and its text.
pub fn files() -> &'static [(&'static str, &'static str)] {
    BUNDLED_SPECS
}

/// The names of the providers imagegen ships a `provider.yaml` for.
pub fn provider_names() -> Vec<&'static str> {
    BUNDLED_SPECS
        .iter()
        .filter_map(|(path, _)| path.strip_suffix(&format!("/{PROVIDER_FILE}")))
        .collect()
}

/// The `provider.yaml` of a provider imagegen ships, with the path its
/// messages name (`specs/wavespeed/provider.yaml`, as in the repository).
pub fn provider_file(name: &str) -> Option<(PathBuf, &'static str)> {
    let relative = format!("{name}/{PROVIDER_FILE}");
    BUNDLED_SPECS
        .iter()
        .find(|(path, _)| *path == relative)
        .map(|(_, text)| (spec_path(&relative), *text))
}

/// Every bundled spec, checked as [`load`](crate::load) checks a directory:
/// a `provider.yaml` per provider directory, each model at the path of its id.
pub fn load() -> Result<SpecSet, Diagnostics> {
    load_files(BUNDLED_SPECS)
}

/// A provider directory's files: `provider.yaml`'s text, and each model's
/// id (from its path) and text.
#[derive(Default)]
struct ProviderFiles<'a> {
    provider: Option<&'a str>,
    models: Vec<(&'a str, &'a str)>,
}

/// Checks spec files given as (path relative to `specs/`, text).
pub fn load_files(files: &[(&str, &str)]) -> Result<SpecSet, Diagnostics> {
    let mut dirs: BTreeMap<&str, ProviderFiles<'_>> = BTreeMap::new();
    let mut diagnostics = Vec::new();
    for (relative, text) in files {
        let display = spec_path(relative);
        let Some((dir, rest)) = relative.split_once('/') else {
            diagnostics.push(Diagnostic::new(
                &display,
                Location::START,
                "spec files belong in a provider directory",
            ));
            continue;
        };
        let entry = dirs.entry(dir).or_default();
        if rest == PROVIDER_FILE {
            entry.provider = Some(text);
        } else if let Some(id) = rest.strip_suffix(".yaml") {
            entry.models.push((id, text));
        }
    }

    let mut providers = Vec::new();
    for (
        dir,
        ProviderFiles {
            provider: provider_text,
            models,
        },
    ) in dirs
    {
        let provider_path = spec_path(&format!("{dir}/{PROVIDER_FILE}"));
        let Some(provider_text) = provider_text else {
            diagnostics.push(Diagnostic::new(
                &provider_path,
                Location::START,
                format!("the provider directory `{dir}` needs a {PROVIDER_FILE}"),
            ));
            continue;
        };
        let mut provider = match crate::parse_provider(&provider_path, provider_text) {
            Ok(provider) => provider,
            Err(found) => {
                diagnostics.extend(found.0);
                continue;
            }
        };
        for (id, text) in models {
            let path = spec_path(&format!("{dir}/{id}.yaml"));
            match crate::parse_model(&path, text, &provider) {
                Ok(model) if model.id == id => provider.models.push(model),
                Ok(model) => diagnostics.push(Diagnostic::new(
                    &path,
                    Location::START,
                    format!(
                        "the model id is `{}` but the file is at `{id}.yaml`",
                        model.id
                    ),
                )),
                Err(found) => diagnostics.extend(found.0),
            }
        }
        provider.models.sort_by(|a, b| a.id.cmp(&b.id));
        providers.push(provider);
    }
    if diagnostics.is_empty() {
        Ok(SpecSet { providers })
    } else {
        Err(Diagnostics(diagnostics))
    }
}

/// `specs/<relative>`, the path messages name.
fn spec_path(relative: &str) -> PathBuf {
    Path::new("specs").join(relative)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_specs_equal_the_repository_s() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
        let from_dir = crate::load(&dir).expect("the repository's specs load");
        let bundled = load().expect("the bundled specs load");
        let ids = |set: &SpecSet| -> Vec<String> {
            set.providers
                .iter()
                .flat_map(|p| p.models.iter().map(move |m| format!("{}/{}", p.name, m.id)))
                .collect()
        };
        assert_eq!(ids(&bundled), ids(&from_dir));
        assert!(bundled.model_count() > 0);
        assert_eq!(provider_names().len(), from_dir.providers.len());
    }

    #[test]
    fn a_model_at_the_wrong_path_is_reported() {
        let text = |wanted: &str| {
            BUNDLED_SPECS
                .iter()
                .find(|(path, _)| *path == wanted)
                .map(|(_, text)| *text)
                .expect("bundled")
        };
        let error = load_files(&[
            ("vibedream/provider.yaml", text("vibedream/provider.yaml")),
            (
                "vibedream/elsewhere.yaml",
                text("vibedream/z-image-turbo.yaml"),
            ),
        ])
        .expect_err("the id does not match the path");
        assert!(error.to_string().contains("elsewhere.yaml"), "{error}");
    }

    #[test]
    fn a_known_provider_s_file_is_found_by_name() {
        let (path, text) = provider_file("wavespeed").expect("wavespeed is bundled");
        assert_eq!(path, Path::new("specs/wavespeed/provider.yaml"));
        assert!(text.contains("name: wavespeed"), "{text}");
        assert!(provider_file("nobody").is_none());
    }
}
