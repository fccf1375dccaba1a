//! One provider crate: manifest, README, `lib.rs`, the provider module and a
//! module per model.

mod info;
mod lib_rs;
mod responses;
mod status;

use std::path::Path;

use proc_macro2::TokenStream;
use quote::quote;

use imagegen_spec::ir::Provider;

pub(crate) use info::endpoint_tokens;

use crate::render::{RenderError, rust_file, spec_path};
use crate::{GeneratedFile, Target, docs, manifest, model, readme};

/// A provider crate's files below `dir` (relative to the directory the
/// files are written to); spec paths in headers are relative to `root`.
pub(crate) fn crate_files(
    providers: &[Provider],
    provider: &Provider,
    root: &Path,
    dir: &str,
    target: Target,
) -> Result<Vec<GeneratedFile>, RenderError> {
    let spec_dir = spec_path(&provider.spec_dir(), root);
    let provider_spec = spec_path(&provider.file, root);
    let mut files = vec![
        GeneratedFile {
            path: format!("{dir}/Cargo.toml"),
            contents: manifest::cargo_toml(provider, &spec_dir, target),
        },
        GeneratedFile {
            path: format!("{dir}/README.md"),
            contents: readme::readme(provider, &spec_dir, target),
        },
    ];
    let lib_path = format!("{dir}/src/lib.rs");
    files.push(GeneratedFile {
        contents: rust_file(
            target,
            &lib_path,
            &spec_dir,
            lib_rs::lib_rs(provider, target),
        )?,
        path: lib_path,
    });
    let provider_path = format!("{dir}/src/provider.rs");
    files.push(GeneratedFile {
        contents: rust_file(
            target,
            &provider_path,
            &provider_spec,
            provider_module(provider, target),
        )?,
        path: provider_path,
    });
    let models = parallel_map(&provider.models, |model| {
        let path = format!("{dir}/src/{}.rs", model.module);
        let source = spec_path(&model.file, root);
        Ok(GeneratedFile {
            contents: rust_file(
                target,
                &path,
                &source,
                model::model_module(providers, provider, model, target),
            )?,
            path,
        })
    });
    for file in models {
        files.push(file?);
    }
    Ok(files)
}

/// A provider as one Rust file, for a build script's `OUT_DIR`: the crate
/// root's items with the provider module and every model module inline, to
/// be `include!`d at the root of the user's crate (an included file cannot
/// hold the crate's inner attributes or `mod x;` items of its own).
pub(crate) fn single_file(
    providers: &[Provider],
    provider: &Provider,
    root: &Path,
) -> Result<GeneratedFile, RenderError> {
    let target = Target::BuildScript;
    let path = format!("{}.rs", provider.name);
    let source = spec_path(&provider.spec_dir(), root);
    let provider_items = provider_module(provider, target);
    // Sequential: tokens cannot cross threads, and one file is printed once.
    let models = provider.models.iter().map(|model| {
        let module = crate::names::ident(&model.module);
        let items = model::model_module(providers, provider, model, target);
        quote! {
            #[rustfmt::skip]
            pub mod #module {
                #items
            }
        }
    });
    let root_items = lib_rs::root_items(target);
    let tokens = quote! {
        #[rustfmt::skip]
        mod provider {
            #provider_items
        }
        #(#models)*
        #root_items
    };
    Ok(GeneratedFile {
        contents: rust_file(target, &path, &source, tokens)?,
        path,
    })
}

/// `f` over `items` on every core, results in order. Each model's module is
/// independent, and building and printing its tokens is most of codegen's time.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| match worker.join() {
                Ok(results) => results,
                // A panic in codegen is a bug; let it surface as one.
                Err(payload) => std::panic::resume_unwind(payload),
            })
            .collect()
    })
}

fn provider_module(provider: &Provider, target: Target) -> TokenStream {
    let docs = docs::inner(&format!(
        "The {} API itself: its description, its statuses and its response types.",
        provider.display_name
    ));
    let marker = info::marker(provider, target);
    let info = info::provider_static(provider);
    let status = status::status_enum(provider);
    let responses = responses::response_types(provider);
    quote! {
        #docs
        use imagegen_core as rt;
        #marker
        #info
        #status
        #responses
    }
}
