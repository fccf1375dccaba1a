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
    let header = package_header(
        source,
        &provider.crate_name(),
        &format!(
            "Typed, validated requests and responses for {}'s image models, generated from imagegen specs.",
            provider.display_name
        ),
    );
    format!(
        r#"{header}readme = "README.md"

[features]
default = ["client", {default}]
# The transport (imagegen-runtime): `Client`, `CATALOG`, `Error`, `Generation`.
# Without it, the crate is its validated types on imagegen-core and serde.
client = ["dep:imagegen-runtime"]
{feature_lines}
[dependencies]
imagegen-core.workspace = true
imagegen-runtime = {{ workspace = true, optional = true }}
serde.workspace = true

[dev-dependencies]
serde_json.workspace = true

[lints]
workspace = true
"#,
        default = features.join(", "),
    )
}

/// The generated-file line and the `[package]` table every generated
/// manifest starts with, its settings inherited from the workspace.
pub(crate) fn package_header(source: &str, name: &str, description: &str) -> String {
    format!(
        r#"# {GENERATED_BY} from {source}. Do not edit.
[package]
name = "{name}"
description = "{description}"
version.workspace = true
edition.workspace = true
rust-version.workspace = true
license.workspace = true
publish.workspace = true
"#
    )
}
