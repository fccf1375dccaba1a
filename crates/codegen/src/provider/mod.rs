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
use crate::{GeneratedFile, PROVIDERS_DIR, docs, manifest, model, readme};

pub(crate) fn crate_files(
    providers: &[Provider],
    provider: &Provider,
    root: &Path,
) -> Result<Vec<GeneratedFile>, RenderError> {
    let dir = format!("{PROVIDERS_DIR}/{}", provider.name);
    let spec_dir = spec_path(&provider.spec_dir(), root);
    let provider_spec = spec_path(&provider.file, root);
    let mut files = vec![
        GeneratedFile {
            path: format!("{dir}/Cargo.toml"),
            contents: manifest::cargo_toml(provider, &spec_dir),
        },
        GeneratedFile {
            path: format!("{dir}/README.md"),
            contents: readme::readme(provider, &spec_dir),
        },
    ];
    let lib_path = format!("{dir}/src/lib.rs");
    files.push(GeneratedFile {
        contents: rust_file(&lib_path, &spec_dir, lib_rs::lib_rs(provider))?,
        path: lib_path,
    });
    let provider_path = format!("{dir}/src/provider.rs");
    files.push(GeneratedFile {
        contents: rust_file(&provider_path, &provider_spec, provider_module(provider))?,
        path: provider_path,
    });
    let models = parallel_map(&provider.models, |model| {
        let path = format!("{dir}/src/{}.rs", model.module);
        let source = spec_path(&model.file, root);
        Ok(GeneratedFile {
            contents: rust_file(
                &path,
                &source,
                model::model_module(providers, provider, model),
            )?,
            path,
        })
    });
    for file in models {
        files.push(file?);
    }
    Ok(files)
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

fn provider_module(provider: &Provider) -> TokenStream {
    let docs = docs::inner(&format!(
        "The {} API itself: its description, its statuses and its response types.",
        provider.display_name
    ));
    let marker = info::marker(provider);
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
