//! Literal macros: `strength!(0.6)` checks its literal when the crate compiles.
//!
//! Each expands to the core's `__literal!`, which evaluates the type's
//! `const fn` check in a named `const` item, so `cargo check` reports a bad
//! literal too; the message's name and allowed values come from the type.
//! The macros are defined by one `__literal_macros!` per model: each is
//! exported under a crate-unique hidden name and re-exported in its model's
//! module under the parameter's name.

use proc_macro2::TokenStream;
use quote::quote;

use imagegen_spec::ir::{Param, ParamKind};

use super::{Ctx, has_literal_macro};
use crate::names::ident;

/// One `__literal_macros!` invocation defining every literal macro of the
/// model, or nothing when no parameter has one.
pub(crate) fn literal_macros(ctx: &Ctx<'_>) -> TokenStream {
    let module = ident(&ctx.model.module);
    // A list of objects' fields have literal macros of their own
    // (`loras_scale!(1.0)`), named after the list and the field.
    let params = ctx.model.parameters.iter().flat_map(|param| {
        let fields: Vec<Param> = match &param.kind {
            ParamKind::ObjectList { fields, .. } => fields
                .iter()
                .map(|field| super::params::field_param(param, field))
                .collect(),
            _ => Vec::new(),
        };
        std::iter::once(param.clone()).chain(fields)
    });
    let entries: Vec<TokenStream> = params
        .filter(has_literal_macro)
        .map(|param| {
            let exported = ident(&ctx.exported_macro_name(&param));
            let local = ident(&ctx.macro_name(&param));
            let ty = ident(&param.type_name);
            // A number's literal may be written without a fraction (`strength!(1)`).
            let number = matches!(param.kind, ParamKind::Number { .. }).then(|| quote!(, number));
            // A list's macro takes its items' literals (`images!["a", "b"]`).
            let list = matches!(param.kind, ParamKind::ImageList { .. }).then(|| {
                let item = ident(&param.item_type_name());
                quote!(, list #item)
            });
            // A list of objects' macro takes its items (`loras![item, …]`).
            let objects =
                matches!(param.kind, ParamKind::ObjectList { .. }).then(|| quote!(, objects));
            quote!(#local(#ty #number #list #objects) = #exported)
        })
        .collect();
    if entries.is_empty() {
        return TokenStream::new();
    }
    quote! {
        rt::__literal_macros!($ crate #module [#(#entries),*]);
    }
}
