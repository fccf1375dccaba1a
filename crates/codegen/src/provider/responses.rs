//! Response types from the documented field tables, and the role accessors
//! ([`ResponseFields`]) through which the runtime reads them.
//!
//! [`ResponseFields`]: imagegen_runtime::ResponseFields

use proc_macro2::TokenStream;
use quote::quote;

use imagegen_spec::ir::{Field, FieldType, ObjectType, Provider, Role};

use crate::docs;
use crate::json::canonical;
use crate::names::ident;

pub(crate) fn response_types(provider: &Provider) -> TokenStream {
    let mut tokens = TokenStream::new();
    for object in &provider.types {
        tokens.extend(object_type(provider, object));
    }
    let mut roots = vec![provider.submit_response.as_str()];
    if let Some(result) = &provider.result_response
        && result != &provider.submit_response
    {
        roots.push(result);
    }
    if let Some(upload) = &provider.upload {
        roots.push(&upload.response);
    }
    for root in roots {
        tokens.extend(response_fields_impl(provider, root));
    }
    tokens
}

fn object_type(provider: &Provider, object: &ObjectType) -> TokenStream {
    let mut text = object.description.clone().unwrap_or_default();
    if let Some(source) = &object.source {
        text.push_str(&format!("\n\nDocumented in: {source}."));
    }
    text.push_str(
        "\n\nFields the documentation does not list are ignored, so a provider adding one \
         does not break decoding.",
    );
    text.push_str(&examples_doc(provider, &object.type_name));
    let doc = docs::outer(text.trim_start());
    let name = ident(&object.type_name);
    let fields = object.fields.iter().map(field);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn field(field: &Field) -> TokenStream {
    let mut text = field.description.clone().unwrap_or_default();
    if field.nullable {
        text.push_str("\n\nDocumented as possibly `null`.");
    }
    let doc = docs::outer(text.trim_start());
    let name = ident(&field.rust_name);
    let ty = rust_type(&field.ty);
    let rename = (field.rust_name != field.name).then(|| {
        let wire = &field.name;
        quote!(#[serde(rename = #wire)])
    });
    // Objects keep their own lenient fields; a scalar of an undocumented type
    // reads as absent rather than failing the whole response.
    let object = match &field.ty {
        FieldType::Object(_) | FieldType::Json => true,
        FieldType::Array(inner) => matches!(inner.as_ref(), FieldType::Object(_)),
        _ => false,
    };
    if is_optional(field) && !object {
        quote! {
            #doc
            #rename
            #[serde(default, deserialize_with = "rt::serde_support::lenient", skip_serializing_if = "Option::is_none")]
            pub #name: Option<#ty>,
        }
    } else if is_optional(field) {
        quote! {
            #doc
            #rename
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub #name: Option<#ty>,
        }
    } else {
        quote! {
            #doc
            #rename
            pub #name: #ty,
        }
    }
}

fn is_optional(field: &Field) -> bool {
    !field.required || field.nullable
}

fn rust_type(ty: &FieldType) -> TokenStream {
    match ty {
        FieldType::String => quote!(String),
        FieldType::Integer => quote!(i64),
        FieldType::Number => quote!(f64),
        FieldType::Boolean => quote!(bool),
        FieldType::Json => quote!(rt::JsonValue),
        FieldType::Status => quote!(Status),
        FieldType::Object(name) => {
            let name = ident(name);
            quote!(#name)
        }
        FieldType::Array(inner) => {
            let inner = rust_type(inner);
            quote!(Vec<#inner>)
        }
    }
}

/// The chain of fields from a root type to the field with `role`, through
/// nested objects (never through arrays: the checker forbids roles there).
fn role_path<'a>(provider: &'a Provider, type_name: &str, role: Role) -> Option<Vec<&'a Field>> {
    let object = provider.object_type(type_name)?;
    for field in &object.fields {
        if field.role == Some(role) {
            return Some(vec![field]);
        }
        if let FieldType::Object(nested) = &field.ty
            && let Some(mut rest) = role_path(provider, nested, role)
        {
            rest.insert(0, field);
            return Some(rest);
        }
    }
    None
}

/// Accessor methods answer `Option`s, so the walk to the field uses `?`.
const OPTION_ROLES: &[(Role, &str)] = &[
    (Role::PredictionId, "prediction_id"),
    (Role::Status, "status"),
    (Role::Error, "error_message"),
    (Role::StatusUrl, "status_url"),
    (Role::EstimatedTime, "estimated_time"),
    (Role::CostCents, "cost_cents"),
    (Role::EnvelopeCode, "envelope_code"),
    (Role::EnvelopeMessage, "envelope_message"),
    (Role::UploadUrl, "upload_url"),
];

fn response_fields_impl(provider: &Provider, root: &str) -> TokenStream {
    let mut methods = TokenStream::new();
    for (role, method) in OPTION_ROLES {
        let Some(path) = role_path(provider, root, *role) else {
            continue;
        };
        let method = ident(method);
        let (bindings, last) = walk(&path, |binding, value| quote!(let #binding = #value?;));
        let target = path[path.len() - 1];
        let field = ident(&target.rust_name);
        let optional = is_optional(target);
        let (return_type, value) = match (&target.ty, optional) {
            (FieldType::Integer, false) => (quote!(i64), quote!(Some(#last.#field))),
            (FieldType::Integer, true) => (quote!(i64), quote!(#last.#field)),
            (FieldType::Status, false) => (quote!(&str), quote!(Some(#last.#field.as_str()))),
            (FieldType::Status, true) => (
                quote!(&str),
                quote!(#last.#field.as_ref().map(Status::as_str)),
            ),
            (_, false) => (quote!(&str), quote!(Some(#last.#field.as_str()))),
            (_, true) => (quote!(&str), quote!(#last.#field.as_deref())),
        };
        // An empty string says nothing (WaveSpeed's `error` is "empty if no
        // error occurred"), so it reads as absent.
        let text = !matches!(target.ty, FieldType::Integer);
        let value = if text {
            quote!(#value.filter(|text| !text.is_empty()))
        } else {
            value
        };
        methods.extend(quote! {
            fn #method(&self) -> Option<#return_type> {
                #bindings
                #value
            }
        });
    }
    if let Some(path) = role_path(provider, root, Role::Outputs) {
        methods.extend(outputs_method(provider, &path));
    }
    let name = ident(root);
    quote! {
        impl rt::ResponseFields for #name {
            #methods
        }
    }
}

/// Bindings from `self` down to the parent of the last field of `path`
/// (`let level0 = self.data.as_ref()?;`), and the expression naming that
/// parent. `bind` writes the statement for an optional step: with `?` where
/// the accessor returns an `Option`, with `let … else` where it returns a `Vec`.
fn walk(
    path: &[&Field],
    bind: impl Fn(&proc_macro2::Ident, TokenStream) -> TokenStream,
) -> (TokenStream, TokenStream) {
    let mut bindings = TokenStream::new();
    let mut current = quote!(self);
    for (depth, step) in path[..path.len() - 1].iter().enumerate() {
        let field = ident(&step.rust_name);
        let binding =
            proc_macro2::Ident::new(&format!("level{depth}"), proc_macro2::Span::call_site());
        if is_optional(step) {
            bindings.extend(bind(&binding, quote!(#current.#field.as_ref())));
        } else {
            bindings.extend(quote!(let #binding = &#current.#field;));
        }
        current = quote!(#binding);
    }
    (bindings, current)
}

fn outputs_method(provider: &Provider, path: &[&Field]) -> TokenStream {
    let (bindings, last) = walk(path, |binding, value| {
        quote! {
            let Some(#binding) = #value else {
                return Vec::new();
            };
        }
    });
    let target = path[path.len() - 1];
    let field = ident(&target.rust_name);
    let list = if is_optional(target) {
        quote! {
            let Some(outputs) = #last.#field.as_ref() else {
                return Vec::new();
            };
        }
    } else {
        quote!(let outputs = &#last.#field;)
    };
    let collect = match &target.ty {
        FieldType::Array(inner) => match inner.as_ref() {
            FieldType::Object(item_type) => output_items(provider, item_type),
            _ => quote!(
                outputs
                    .iter()
                    .map(|output| rt::OutputRef::classify(output.as_str()))
                    .collect()
            ),
        },
        _ => quote!(Vec::new()),
    };
    quote! {
        fn outputs(&self) -> Vec<rt::OutputRef<'_>> {
            #bindings
            #list
            #collect
        }
    }
}

/// For `data: [{url, b64_json}]`: each item's URL, or else its base64.
fn output_items(provider: &Provider, item_type: &str) -> TokenStream {
    let Some(object) = provider.object_type(item_type) else {
        return quote!(Vec::new());
    };
    let mut choices = Vec::new();
    for (role, variant) in [
        (Role::OutputUrl, quote!(Url)),
        (Role::OutputBase64, quote!(Base64)),
    ] {
        if let Some(field) = object.fields.iter().find(|f| f.role == Some(role)) {
            let name = ident(&field.rust_name);
            choices.push(if is_optional(field) {
                quote!(item.#name.as_deref().map(rt::OutputRef::#variant))
            } else {
                quote!(Some(rt::OutputRef::#variant(item.#name.as_str())))
            });
        }
    }
    let mut chain = choices.remove(0);
    for next in choices {
        chain = quote!(#chain.or_else(|| #next));
    }
    quote!(outputs.iter().filter_map(|item| #chain).collect())
}

/// Doc examples parsing each documented example of this type and checking
/// what the role accessors read from it.
fn examples_doc(provider: &Provider, type_name: &str) -> String {
    let mut text = String::new();
    let lib = provider.lib_name();
    for example in &provider.examples {
        if provider.response_type(example.response) != Some(type_name) {
            continue;
        }
        let json = canonical(&example.body);
        let hashes = "#".repeat(json.matches("\"#").count().min(1) + 1);
        text.push_str(&format!(
            "\n\n# Example: {}\n\n```\nuse {lib}::runtime::{{OutputRef, ResponseFields}};\nuse {lib}::{type_name};\n\n\
             let response: {type_name} = serde_json::from_str(r{hashes}\"{json}\"{hashes})?;\n",
            example.description.trim_end_matches('.'),
        ));
        for line in role_assertions(provider, type_name, &example.body) {
            text.push_str(&line);
            text.push('\n');
        }
        text.push_str("# Ok::<(), serde_json::Error>(())\n```");
    }
    text
}

/// `assert_eq!(response.status(), Some("completed"));` for every role this
/// type carries, with the value read from the example JSON by hand.
fn role_assertions(provider: &Provider, root: &str, body: &serde_json::Value) -> Vec<String> {
    let mut lines = Vec::new();
    for (role, method) in OPTION_ROLES {
        let Some(path) = role_path(provider, root, *role) else {
            continue;
        };
        let value = json_at(body, &path);
        let expected = match value {
            Some(serde_json::Value::String(text)) => format!("Some({text:?})"),
            Some(serde_json::Value::Number(number)) => format!("Some({number})"),
            _ => "None".to_owned(),
        };
        lines.push(format!("assert_eq!(response.{method}(), {expected});"));
    }
    if let Some(path) = role_path(provider, root, Role::Outputs) {
        let outputs = expected_outputs(provider, &path, body);
        lines.push(format!(
            "assert_eq!(response.outputs(), vec![{}]);",
            outputs.join(", ")
        ));
    }
    lines
}

fn json_at<'a>(body: &'a serde_json::Value, path: &[&Field]) -> Option<&'a serde_json::Value> {
    path.iter()
        .try_fold(body, |value, field| value.get(&field.name))
        .filter(|value| !value.is_null() && value.as_str() != Some(""))
}

fn expected_outputs(provider: &Provider, path: &[&Field], body: &serde_json::Value) -> Vec<String> {
    let Some(items) = json_at(body, path).and_then(|v| v.as_array()) else {
        return Vec::new();
    };
    let target = path[path.len() - 1];
    let item_fields: Vec<(&str, &str)> = match &target.ty {
        FieldType::Array(inner) => match inner.as_ref() {
            FieldType::Object(item_type) => provider
                .object_type(item_type)
                .map(|object| {
                    let mut found = Vec::new();
                    for (role, variant) in
                        [(Role::OutputUrl, "Url"), (Role::OutputBase64, "Base64")]
                    {
                        if let Some(field) = object.fields.iter().find(|f| f.role == Some(role)) {
                            found.push((field.name.as_str(), variant));
                        }
                    }
                    found
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    items
        .iter()
        .filter_map(|item| {
            if let Some(text) = item.as_str() {
                let lower = text.to_ascii_lowercase();
                let variant = if lower.starts_with("https://") || lower.starts_with("http://") {
                    "Url"
                } else {
                    "Base64"
                };
                return Some(format!("OutputRef::{variant}({text:?})"));
            }
            item_fields.iter().find_map(|(name, variant)| {
                item.get(*name)
                    .and_then(|v| v.as_str())
                    .map(|text| format!("OutputRef::{variant}({text:?})"))
            })
        })
        .collect()
}
