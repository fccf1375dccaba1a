//! A provider crate's `Cargo.toml`: one feature per model, all on by default,
//! so a crate with hundreds of models does not make users compile them all.

use imagegen_spec::ir::Provider;

use crate::render::GENERATED_BY;

pub(crate) fn cargo_toml(provider: &Provider, source: &str) -> String {
    let features: Vec<String> = provider
        .models
        .iter()
        .map(|model| format!("\"{}\"", model.feature))
        .collect();
    let mut feature_lines = String::new();
    for model in &provider.models {
        feature_lines.push_str(&format!(
            "# {} ({})\n{} = []\n",
            model.display_name, model.id, model.feature
        ));
    }
    format!(
        r#"# {GENERATED_BY} from {source}. Do not edit.
[package]
name = "{crate_name}"
description = "Typed, validated requests and responses for {display_name}'s image models, generated from imagegen specs."
version.workspace = true
edition.workspace = true
rust-version.workspace = true
license.workspace = true
publish.workspace = true
readme = "README.md"

[features]
default = [{default}]
{feature_lines}
[dependencies]
imagegen-runtime.workspace = true
serde.workspace = true

[dev-dependencies]
serde_json.workspace = true

[lints]
workspace = true
"#,
        crate_name = provider.crate_name(),
        display_name = provider.display_name,
        default = features.join(", "),
    )
}
