//! Where the emulator's specs come from: the repository's `specs/`, built into
//! the crate by `build.rs`, or a directory given at start.
//!
//! Either way they go through `imagegen_spec`'s checker, the one codegen uses,
//! so the emulator speaks exactly the API the generated clients are built for.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use imagegen_spec::ir::SpecSet;
use imagegen_spec::{Diagnostic, Diagnostics, Location, PROVIDER_FILE};

use crate::error::SimError;

include!(concat!(env!("OUT_DIR"), "/embedded_specs.rs"));

/// Loads the specs from `dir`, or the built-in ones.
pub(crate) fn load(dir: Option<&Path>) -> Result<SpecSet, SimError> {
    let set = match dir {
        Some(dir) => imagegen_spec::load(dir).map_err(SimError::Specs)?,
        None => embedded().map_err(SimError::Specs)?,
    };
    if set.providers.is_empty() {
        return Err(SimError::NoProviders);
    }
    Ok(set)
}

/// The built-in specs, checked as `imagegen_spec::load` checks a directory:
/// a `provider.yaml` per provider directory, each model at the path of its id.
fn embedded() -> Result<SpecSet, Diagnostics> {
    load_files(EMBEDDED_SPECS)
}

/// A provider directory's files: `provider.yaml`'s text, and each model's
/// id (from its path) and text.
#[derive(Default)]
struct ProviderFiles<'a> {
    provider: Option<&'a str>,
    models: Vec<(&'a str, &'a str)>,
}

fn load_files(files: &[(&str, &str)]) -> Result<SpecSet, Diagnostics> {
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
        let mut provider = match imagegen_spec::parse_provider(&provider_path, provider_text) {
            Ok(provider) => provider,
            Err(found) => {
                diagnostics.extend(found.0);
                continue;
            }
        };
        for (id, text) in models {
            let path = spec_path(&format!("{dir}/{id}.yaml"));
            match imagegen_spec::parse_model(&path, text, &provider) {
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
    fn embedded_specs_equal_the_directory() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
        let from_dir = imagegen_spec::load(&dir).expect("the repository's specs load");
        let built_in = embedded().expect("the built-in specs load");
        let ids = |set: &SpecSet| -> Vec<String> {
            set.providers
                .iter()
                .flat_map(|p| p.models.iter().map(move |m| format!("{}/{}", p.name, m.id)))
                .collect()
        };
        assert_eq!(ids(&built_in), ids(&from_dir));
        assert!(built_in.model_count() > 0);
    }

    #[test]
    fn a_model_at_the_wrong_path_is_reported() {
        let provider = EMBEDDED_SPECS
            .iter()
            .find(|(path, _)| *path == "vibedream/provider.yaml")
            .map(|(_, text)| *text)
            .expect("vibedream is built in");
        let model = EMBEDDED_SPECS
            .iter()
            .find(|(path, _)| *path == "vibedream/z-image-turbo.yaml")
            .map(|(_, text)| *text)
            .expect("z-image-turbo is built in");
        let error = load_files(&[
            ("vibedream/provider.yaml", provider),
            ("vibedream/elsewhere.yaml", model),
        ])
        .expect_err("the id does not match the path");
        assert!(error.to_string().contains("elsewhere.yaml"), "{error}");
    }
}
