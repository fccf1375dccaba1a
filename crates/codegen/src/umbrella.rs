//! The `imagegen` crate's generated parts: its manifest, depending on every
//! provider crate, and `src/providers.rs`, listing their catalogs. A new
//! provider spec reaches the command line and the provider-neutral API with
//! no hand-written code.

use imagegen_spec::ir::Provider;
use quote::quote;

use crate::docs;
use crate::manifest::Package;
use crate::names::ident;
use crate::render::{RenderError, rust_file};
use crate::{GeneratedFile, PROVIDERS_DIR};

/// Where the umbrella crate lives.
pub const UMBRELLA_DIR: &str = "crates/imagegen";

pub(crate) fn umbrella_files(providers: &[Provider]) -> Result<Vec<GeneratedFile>, RenderError> {
    let path = format!("{UMBRELLA_DIR}/src/providers.rs");
    Ok(vec![
        GeneratedFile {
            path: format!("{UMBRELLA_DIR}/Cargo.toml"),
            contents: cargo_toml(providers),
        },
        GeneratedFile {
            contents: rust_file(
                crate::Target::Repository,
                &path,
                "specs",
                providers_rs(providers),
            )?,
            path,
        },
    ])
}

fn cargo_toml(providers: &[Provider]) -> String {
    let mut dependencies = String::new();
    for provider in providers {
        dependencies.push_str(&format!(
            "{} = {{ path = \"../../{PROVIDERS_DIR}/{}\", version = \"0.1.0\" }}\n",
            provider.crate_name(),
            provider.name
        ));
    }
    let header = Package {
        source: "specs",
        name: "imagegen",
        description: "Typed clients for hosted text-to-image APIs (WaveSpeed, VibeDream, AI/ML API, GPTProto): every provider crate, a catalog of their models by name, and the provider-neutral request.",
        keywords: &["image-generation", "text-to-image", "api-client", "wavespeed", "flux"],
        categories: &["api-bindings", "multimedia::images", "web-programming::http-client"],
    }
    .in_workspace(crate::Target::Repository, "../../README.md");
    format!(
        r#"{header}
[features]
# Models read from their spec at run time (`imagegen::spec`, the command
# line's `--spec FILE`).
spec = ["dep:imagegen-spec"]

[dependencies]
imagegen-runtime.workspace = true
imagegen-spec = {{ workspace = true, optional = true }}
{dependencies}
[lints]
workspace = true
"#
    )
}

fn providers_rs(providers: &[Provider]) -> proc_macro2::TokenStream {
    let doc = docs::inner("Every provider crate generated from `specs/`, and their catalogs.");
    let uses = providers.iter().map(|provider| {
        let krate = ident(&provider.lib_name());
        let alias = ident(&provider.name.replace('-', "_"));
        let doc = docs::outer(&format!("The {} provider crate.", provider.display_name));
        quote! {
            #doc
            pub use #krate as #alias;
        }
    });
    let catalogs = providers.iter().map(|provider| {
        let krate = ident(&provider.lib_name());
        quote!(&#krate::CATALOG)
    });
    quote! {
        #doc
        #(#uses)*
        /// Every provider's catalog, in name order.
        pub static PROVIDERS: &[&imagegen_runtime::dynamic::ProviderEntry] = &[#(#catalogs),*];
    }
}
