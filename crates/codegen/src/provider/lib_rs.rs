//! A provider crate's `lib.rs`. Kept to items rustfmt prints exactly as
//! prettyplease does (docs, `mod` and `use`), because rustfmt formats the
//! crate root; every other generated file is a `#[rustfmt::skip]` module.

use proc_macro2::TokenStream;
use quote::quote;

use imagegen_spec::ir::Provider;

use crate::names::ident;
use crate::readme::{provider_facts, task_name};
use crate::{Target, docs};

pub(crate) fn lib_rs(provider: &Provider, target: Target) -> TokenStream {
    let mut text = format!(
        "Typed, validated requests and responses for the {} API.\n\n{}\n\n",
        provider.display_name, provider.summary
    );
    text.push_str(&provider_facts(provider));
    text.push_str("\n# Models\n\nEach model is a module behind a cargo feature of the same name; all are on by default, \
         with the `client` feature (the transport). `default-features = false, features = [\"<model>\"]` \
         gives one model's validated types on `imagegen-core` and serde alone.\n\n");
    text.push_str("| Model | Module | Task |\n|---|---|---|\n");
    for model in &provider.models {
        text.push_str(&format!(
            "| `{}`: {} | [`{}`] | {} |\n",
            model.id,
            docs::table_cell(&model.display_name),
            model.module,
            task_name(model)
        ));
    }
    text.push_str(
        "\nA request type's required parameters are its constructor's arguments; the others are \
         set with builder methods and left out of the JSON until set. Every value is checked \
         against the documentation: literals when the crate compiles (`strength!(0.6)`), \
         runtime values by `try_new`, `TryFrom` and `FromStr`, which return a [`ParamError`] \
         naming the parameter, the value and what is allowed.\n\n\
         A [`Client`] sends them: `Client::from_env()` reads the key from the environment \
         variable the provider documents, `generate` submits a request and waits for it, \
         and [`Generation::save_all`] writes the images to disk. Every failure is one [`Error`].",
    );
    let docs = docs::inner(&text);
    let modules = provider.models.iter().map(|model| {
        let module = ident(&model.module);
        let gate = target.feature_gate(&model.feature);
        quote! {
            #gate
            #[rustfmt::skip]
            pub mod #module;
        }
    });
    let root = root_items(target);
    quote! {
        #docs
        // docs.rs (which sets `docsrs`) marks each feature-gated item with its feature.
        #![cfg_attr(docsrs, feature(doc_cfg))]
        #[rustfmt::skip]
        mod provider;
        #(#modules)*
        #root
    }
}

/// The items at a provider crate's root besides its modules: what the
/// literal macros expand to, the transport's re-exports, and the provider's
/// items.
pub(crate) fn root_items(target: Target) -> TokenStream {
    let client = target.feature_gate("client");
    quote! {
        // In the order rustfmt sorts `use` items, so it leaves this file alone.
        /// What the literal macros expand to, with or without the `client` feature.
        #[doc(hidden)]
        pub use imagegen_core as __core;
        pub use imagegen_core::ParamError;
        /// The transport: clients, polling, retries, downloads (the `client` feature).
        #client
        pub use imagegen_runtime as runtime;
        #client
        pub use imagegen_runtime::{Error, Generation};
        pub use provider::*;
    }
}
