//! A provider crate's `Cargo.toml`: one feature per model, all on by default,
//! so a crate with hundreds of models does not make users compile them all.

use imagegen_spec::ir::Provider;

use crate::Target;

/// The version of imagegen's crates a user's own crate depends on: the
/// generator's, since they are released together.
const IMAGEGEN_VERSION: &str = env!("CARGO_PKG_VERSION");

pub(crate) fn cargo_toml(provider: &Provider, source: &str, target: Target) -> String {
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
    let description = format!(
        "Typed, validated requests and responses for {}'s image models, generated from imagegen specs.",
        provider.display_name
    );
    let package = Package {
        source,
        name: &provider.crate_name(),
        description: &description,
        keywords: &[
            "image-generation",
            "text-to-image",
            &provider.name,
            "api-client",
            "imagegen",
        ],
        categories: &["api-bindings", "multimedia::images"],
    };
    let (header, dependencies, lints) = match target {
        Target::Repository => (
            package.in_workspace(target, "README.md"),
            "imagegen-core.workspace = true\n\
             imagegen-runtime = { workspace = true, optional = true }\n\
             serde.workspace = true\n\n\
             [dev-dependencies]\n\
             serde_json.workspace = true\n"
                .to_owned(),
            "\n[lints]\nworkspace = true\n",
        ),
        Target::OwnCrate | Target::BuildScript => (
            package.standalone(target),
            format!(
                "imagegen-core = \"{IMAGEGEN_VERSION}\"\n\
                 imagegen-runtime = {{ version = \"{IMAGEGEN_VERSION}\", optional = true }}\n\
                 serde = {{ version = \"1.0.219\", features = [\"derive\"] }}\n\n\
                 [dev-dependencies]\n\
                 serde_json = \"1.0.140\"\n\
                 tokio = {{ version = \"1.47\", features = [\"macros\", \"rt-multi-thread\"] }}\n"
            ),
            "",
        ),
    };
    format!(
        r#"{header}
[features]
default = ["client", {default}]
# The transport (imagegen-runtime): `Client`, `CATALOG`, `Error`, `Generation`.
# Without it, the crate is its validated types on imagegen-core and serde.
client = ["dep:imagegen-runtime"]
{feature_lines}
[dependencies]
{dependencies}{lints}"#,
        default = features.join(", "),
    )
}

/// What a generated manifest's `[package]` table says.
pub(crate) struct Package<'a> {
    /// The spec directory (or file) it was generated from.
    pub(crate) source: &'a str,
    pub(crate) name: &'a str,
    pub(crate) description: &'a str,
    /// At most five, as crates.io allows.
    pub(crate) keywords: &'a [&'a str],
    pub(crate) categories: &'a [&'a str],
}

impl Package<'_> {
    /// A workspace member of this repository, ready to publish: its
    /// settings inherited from the workspace, the files a package holds,
    /// and docs.rs building every feature with their badges.
    pub(crate) fn in_workspace(&self, target: Target, readme: &str) -> String {
        format!(
            r#"# {by} from {source}. Do not edit.
[package]
name = "{name}"
description = "{description}"
version.workspace = true
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true
homepage.workspace = true
readme = "{readme}"
keywords = {keywords}
categories = {categories}
include = ["src/**/*.rs", "README.md"]

[package.metadata.docs.rs]
all-features = true
rustdoc-args = ["--cfg", "docsrs"]
"#,
            by = target.generated_by(),
            source = self.source,
            name = self.name,
            description = self.description,
            keywords = toml_list(self.keywords),
            categories = toml_list(self.categories),
        )
    }

    /// A user's own crate, outside any imagegen workspace.
    fn standalone(&self, target: Target) -> String {
        format!(
            r#"# {by} from {source}. Do not edit.
[package]
name = "{name}"
description = "{description}"
version = "0.1.0"
edition = "2024"
rust-version = "1.95"
readme = "README.md"
"#,
            by = target.generated_by(),
            source = self.source,
            name = self.name,
            description = self.description,
        )
    }
}

fn toml_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("{item:?}")).collect();
    format!("[{}]", quoted.join(", "))
}
