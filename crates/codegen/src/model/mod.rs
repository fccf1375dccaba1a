//! One model's module: its description, its request type, a type per
//! parameter, and the compile-time literal macros.

mod alternatives;
mod examples;
mod info;
mod literals;
mod params;
mod request;

use proc_macro2::TokenStream;
use quote::quote;

use imagegen_spec::ir::{Model, Param, ParamKind, Provider};

use crate::docs;
use crate::names::plain_name;
use crate::readme::{parameter_table, task_name};

/// What every part of a model's module needs to know.
pub(crate) struct Ctx<'a> {
    /// Every provider of the spec set, for what is said across them (the
    /// models that can take a local file where this one cannot).
    pub(crate) providers: &'a [Provider],
    pub(crate) provider: &'a Provider,
    pub(crate) model: &'a Model,
    /// The crate's library name, for doc examples (`imagegen_vibedream`).
    pub(crate) lib: String,
    /// Where the code goes (whether models sit behind features).
    pub(crate) target: crate::Target,
}

impl Ctx<'_> {
    /// The literal macro's name within the module (`strength`; for a
    /// field of a list's item, named `loras[].scale`, `loras_scale`).
    pub(crate) fn macro_name(&self, param: &Param) -> String {
        match param.name.split_once("[].") {
            Some((list, field)) => format!(
                "{}_{}",
                plain_name(&imagegen_spec::naming::field_name(list)),
                plain_name(&imagegen_spec::naming::field_name(field))
            ),
            None => plain_name(&param.field),
        }
    }

    /// The `#[macro_export]` name, unique in the crate.
    pub(crate) fn exported_macro_name(&self, param: &Param) -> String {
        format!(
            "__{}_{}_{}",
            self.provider.name.replace('-', "_"),
            self.model.module,
            self.macro_name(param)
        )
    }

    /// The builder method setting `param`.
    pub(crate) fn setter_name(&self, param: &Param) -> String {
        plain_name(&param.field)
    }
}

/// Whether `param` has a literal macro: its own type, with rules a literal
/// can break (enumerated values are already typed as variants).
pub(crate) fn has_literal_macro(param: &Param) -> bool {
    param.has_own_type()
        && match &param.kind {
            ParamKind::Choice { .. } => false,
            ParamKind::ImageSize { custom, .. } => custom.is_some(),
            _ => true,
        }
}

pub(crate) fn model_module(
    providers: &[Provider],
    provider: &Provider,
    model: &Model,
    target: crate::Target,
) -> TokenStream {
    let ctx = Ctx {
        providers,
        provider,
        model,
        lib: provider.lib_name(),
        target,
    };
    let docs = docs::inner(&module_docs(&ctx));
    let info = info::model_static(&ctx);
    let request = request::request(&ctx);
    let types = model
        .parameters
        .iter()
        .map(|param| params::param_types(&ctx, param));
    let macros = literals::literal_macros(&ctx);
    quote! {
        #docs
        use imagegen_core as rt;
        #info
        #request
        #(#types)*
        #macros
    }
}

fn module_docs(ctx: &Ctx<'_>) -> String {
    let model = ctx.model;
    let mut text = format!(
        "{} (`{}`) on {}.\n",
        model.display_name, model.id, ctx.provider.display_name
    );
    if !model.summary.is_empty() {
        text.push_str(&format!("\n{}\n", model.summary));
    }
    if let Some(description) = &model.description {
        text.push_str(&format!("\n{description}\n"));
    }
    text.push_str(&format!("\n- Task: {}\n", task_name(model)));
    text.push_str(&format!("- Endpoint: `POST {}`\n", model.submit_path));
    text.push_str(&format!(
        "- Estimated time: {}\n",
        model
            .estimated_time
            .as_ref()
            .map_or("not documented", |t| t.text.as_str())
    ));
    text.push_str(&format!("- Price: {}\n", crate::readme::price_text(model)));
    text.push_str(&format!(
        "- Sync mode: {}\n",
        model
            .sync_mode
            .as_ref()
            .map_or("not documented".to_owned(), |p| format!("`{p}`"))
    ));
    text.push_str(&format!(
        "- Base64 output: {}\n",
        model
            .base64_output
            .as_ref()
            .map_or("not documented".to_owned(), |(p, v)| format!(
                "`{p}` = `{}`",
                v.to_wire_text()
            ))
    ));
    text.push_str(&format!("- Written from: `{}`\n", model.source));
    for note in &model.notes {
        text.push_str(&format!("- {note}\n"));
    }
    text.push_str("\n# Parameters\n\n");
    text.push_str(&parameter_table(model));
    text.push_str(&request::examples_doc(ctx));
    if let Some(code) = params::value_examples(ctx) {
        text.push_str(&format!(
            "\n\n# Parameter values\n\nEach parameter with rules of its own has a type: parsed from \
             its wire text, built by `try_new`, or checked when the crate compiles by its literal \
             macro; a value outside the rules is refused with an error naming the parameter and \
             what it allows.\n\n```\n{code}\n```"
        ));
    }
    text
}
