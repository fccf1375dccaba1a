//! Rust identifiers and literals as tokens.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

/// Keywords that cannot be raw identifiers; names equal to them get a `_`.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// An identifier, raw (`r#type`) where the name is a keyword.
pub(crate) fn ident(name: &str) -> Ident {
    if NOT_RAW.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else if imagegen_spec::naming::is_keyword(name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// The name a macro or function can have for `field`, which may be a keyword.
pub(crate) fn plain_name(field: &str) -> String {
    if imagegen_spec::naming::is_keyword(field) || NOT_RAW.contains(&field) {
        format!("{field}_value")
    } else {
        field.to_owned()
    }
}

/// An integer literal, with its sign as a separate token as Rust parses it.
pub(crate) fn int(value: i64) -> TokenStream {
    let magnitude = Literal::u64_unsuffixed(value.unsigned_abs());
    if value < 0 {
        quote!(-#magnitude)
    } else {
        quote!(#magnitude)
    }
}

/// An unsigned integer literal without a suffix (`1000`, not `1000u64`); the
/// field or constant it initialises gives it its type.
pub(crate) fn uint(value: impl Into<u64>) -> Literal {
    Literal::u64_unsuffixed(value.into())
}

/// A float literal, with its sign as a separate token.
pub(crate) fn float(value: f64) -> TokenStream {
    let magnitude = Literal::f64_unsuffixed(value.abs());
    if value.is_sign_negative() {
        quote!(-#magnitude)
    } else {
        quote!(#magnitude)
    }
}

/// `Some(tokens)` or `None`.
pub(crate) fn option<T>(value: Option<T>, to_tokens: impl FnOnce(T) -> TokenStream) -> TokenStream {
    match value {
        Some(value) => {
            let tokens = to_tokens(value);
            quote!(Some(#tokens))
        }
        None => quote!(None),
    }
}
