//! Documentation text: doc attributes from text, and the wording shared by a
//! parameter's field, setter and type.

use proc_macro2::TokenStream;
use quote::quote;

use imagegen_spec::ir::Param;

/// `#[doc = " line"]` per line, which prettyplease prints as `/// line`.
pub(crate) fn outer(text: &str) -> TokenStream {
    text.lines()
        .map(|line| {
            let line = doc_line(line);
            quote!(#[doc = #line])
        })
        .collect()
}

/// `#![doc = " line"]` per line, printed as `//! line`.
pub(crate) fn inner(text: &str) -> TokenStream {
    text.lines()
        .map(|line| {
            let line = doc_line(line);
            quote!(#![doc = #line])
        })
        .collect()
}

fn doc_line(line: &str) -> String {
    if line.is_empty() {
        String::new()
    } else {
        format!(" {line}")
    }
}

/// Escapes text for Markdown (rustdoc and READMEs): values such as `1024*1024`
/// would otherwise turn into emphasis, and `|` would break table cells.
pub(crate) fn markdown(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '`') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// A description for use inside a Markdown table cell: one line, `|` escaped.
pub(crate) fn table_cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

/// `: description` after a parameter's name, or nothing where the page
/// gives no description.
pub(crate) fn after_colon(description: &str) -> String {
    if description.is_empty() {
        String::new()
    } else {
        format!(": {description}")
    }
}

/// A field's docs: its description (where the page gives one), then its
/// facts.
pub(crate) fn described_facts(param: &Param) -> String {
    if param.description.is_empty() {
        param_facts(param)
    } else {
        format!("{}\n\n{}", param.description, param_facts(param))
    }
}

/// The facts about a parameter, as a doc paragraph: what is allowed, the
/// default, and the notes.
pub(crate) fn param_facts(param: &Param) -> String {
    let mut text = format!("Allowed: {}.", markdown(&param.allowed()));
    if param.required {
        text.push_str(" Required.");
    } else if let Some(default) = param.default_text() {
        text.push_str(&format!(
            " Default: `{default}` (applied by the server when the parameter is left out)."
        ));
    } else if param.fixed.is_none() {
        text.push_str(" The documentation gives no default.");
    }
    if let Some(doc_type) = &param.doc_type {
        text.push_str(&format!(" Documented type: `{doc_type}`."));
    }
    for note in &param.notes {
        text.push_str(&format!("\n\nNote: {note}"));
    }
    text
}
