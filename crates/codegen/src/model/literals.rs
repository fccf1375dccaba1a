//! Literal macros: `strength!(0.6)` checks its literal when the crate compiles.
//!
//! Each expands to the runtime's `__const_param!`, which evaluates the type's
//! `const fn` check in a named `const` item, so `cargo check` reports a bad
//! literal too. The macro is exported under a crate-unique name and re-exported
//! in its model's module under the parameter's name.

use proc_macro2::TokenStream;
use quote::quote;

use imagegen_spec::ir::{Param, ParamKind};

use super::Ctx;
use super::examples::example_value;
use crate::docs;
use crate::names::ident;

pub(crate) fn literal_macro(ctx: &Ctx<'_>, param: &Param) -> TokenStream {
    let exported = ident(&ctx.exported_macro_name(param));
    let local = ident(&ctx.macro_name(param));
    let module = ident(&ctx.model.module);
    let ty = ident(&param.type_name);
    let checked = match &param.kind {
        ParamKind::Number { .. } => quote!($crate::#module::#ty::__from_f64($value as f64)),
        ParamKind::Integer { .. } => quote!($crate::#module::#ty::__from_i64($value)),
        ParamKind::ImageSize { .. } => quote!($crate::#module::#ty::__from_wire($value)),
        // Owned text has a destructor, so it is checked first and built after.
        _ => quote! {
            check $crate::#module::#ty::__check($value),
            build $crate::#module::#ty::__from_checked_static($value)
        },
    };
    let name = &param.name;
    let allowed = param.allowed();
    // Always the macro form, even where the example value is also a variant.
    let value = example_value(param).to_wire_text();
    let argument = match &param.kind {
        ParamKind::Number { .. } | ParamKind::Integer { .. } => value,
        _ => format!("{value:?}"),
    };
    let example = format!(
        "{}::{}!({argument})",
        ctx.model.module,
        ctx.macro_name(param)
    );
    let doc = docs::outer(&format!(
        "A [`{}`] from a literal, checked against the documentation when the crate compiles \
         (by `cargo check` too): a literal outside the rules is a compile error naming the \
         parameter, the literal and what is allowed.\n\nAllowed: {}.\n\n```\nuse {}::{};\n\nlet value = {example};\n```",
        param.type_name,
        docs::markdown(&allowed),
        ctx.lib,
        ctx.model.module,
    ));
    quote! {
        #[doc(hidden)]
        #[macro_export]
        macro_rules! #exported {
            ($value:literal) => {
                $crate::__core::__const_param!(
                    $crate::#module::#ty,
                    $value,
                    #checked,
                    #name,
                    #allowed
                )
            };
        }
        #doc
        #[doc(inline)]
        pub use #exported as #local;
    }
}
