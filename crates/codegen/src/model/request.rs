//! The request type: required parameters are constructor arguments, optional
//! ones builder methods, fixed ones always sent and never settable.

use proc_macro2::TokenStream;
use quote::quote;

use imagegen_spec::ir::{Param, ParamKind, Value};

use super::Ctx;
use super::examples::{example_values, request_example};
use crate::docs;
use crate::names::ident;

pub(crate) fn request(ctx: &Ctx<'_>) -> TokenStream {
    let model = ctx.model;
    let doc = docs::outer(&format!(
        "A request to {} (`{}`), sent as `POST {}`.\n\n\
         Build it with [`Request::new`], which takes the required parameters, and set \
         optional ones with the builder methods; a parameter not set is left out of the JSON, \
         so the server applies its documented default. Every value is typed by the \
         documentation's rules, so a built request is always one the provider documents as \
         valid. See the [module docs](self) for an example.",
        model.display_name, model.id, model.submit_path
    ));
    let fields = model.parameters.iter().map(field);
    let constructor = constructor(ctx);
    let default_impl = default_impl(ctx);
    let setters = setters(ctx);
    let fixed_types = model.parameters.iter().filter_map(fixed_type);
    let provider = ident(&ctx.provider.rust_name);
    let sync_mode = requested(
        ctx,
        model.sync_mode.as_deref().map(|p| (p, Value::Bool(true))),
    );
    let base64 = requested(
        ctx,
        model
            .base64_output
            .as_ref()
            .map(|(p, v)| (p.as_str(), v.clone())),
    );
    let from_args = from_args(ctx);
    let client = ctx.target.feature_gate("client");
    let images = image_fields(ctx);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[non_exhaustive]
        pub struct Request {
            #(#fields)*
        }
        /// Read from JSON by the same rules as [`FromArgs`](rt::args::FromArgs):
        /// unknown names, values of the wrong type or outside the rules, and
        /// missing required parameters are errors.
        impl<'de> serde::Deserialize<'de> for Request {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                rt::serde_support::deserialize_request(deserializer)
            }
        }
        impl Request {
            #constructor
        }
        #default_impl
        #setters
        #from_args
        /// This model in the provider's [`CATALOG`](crate::CATALOG), for callers that pick
        /// the model at run time. With the `client` feature (on by default).
        #client
        pub static ENTRY: imagegen_runtime::dynamic::ModelEntry =
            imagegen_runtime::dynamic::ModelEntry::of::<Request>();
        impl rt::ModelRequest for Request {
            type Provider = crate::#provider;
            const MODEL: &'static rt::info::ModelInfo = &MODEL;
            fn sync_mode_requested(&self) -> bool {
                #sync_mode
            }
            fn base64_output_requested(&self) -> bool {
                #base64
            }
            #images
        }
        #(#fixed_types)*
    }
}

/// `images`/`images_mut`, for a model with image parameters: the client
/// finds the local ones through them and sends their uploaded URLs.
fn image_fields(ctx: &Ctx<'_>) -> TokenStream {
    let of_kind = |list: bool| -> Vec<&Param> {
        ctx.model
            .parameters
            .iter()
            .filter(|p| {
                p.fixed.is_none()
                    && if list {
                        matches!(p.kind, ParamKind::ImageList { .. })
                    } else {
                        matches!(p.kind, ParamKind::ImageUrl { .. })
                    }
            })
            .collect()
    };
    let (images, lists) = (of_kind(false), of_kind(true));
    if images.is_empty() && lists.is_empty() {
        return TokenStream::new();
    }
    let fields = |params: &[&Param], required: bool| {
        let fields = params.iter().filter(|p| p.required == required).map(|p| {
            let (field, name) = (ident(&p.field), &p.name);
            quote!(#field = #name)
        });
        quote!(#(#fields),*)
    };
    let (required, optional) = (fields(&images, true), fields(&images, false));
    if lists.is_empty() {
        return quote!(rt::__image_fields!(required [#required] optional [#optional]););
    }
    let (required_lists, optional_lists) = (fields(&lists, true), fields(&lists, false));
    quote!(rt::__image_fields!(
        required [#required] optional [#optional]
        required_lists [#required_lists] optional_lists [#optional_lists]
    );)
}

/// `FromArgs`: each parameter parsed from text by the same `FromStr` its
/// typed setter's argument has (the plain types by the core's `FromArg`),
/// all problems collected, then the request built only if there were none.
/// The reader takes what each parameter allows, which are fixed and which
/// exist from `MODEL`. Locals start with `__`, which no wire name (and so
/// no field) does.
fn from_args(ctx: &Ctx<'_>) -> TokenStream {
    let params = &ctx.model.parameters;
    let reads = params.iter().filter(|p| p.fixed.is_none()).map(|param| {
        let name = &param.name;
        let field = ident(&param.field);
        if param.required {
            quote!(let #field = __reader.required(#name);)
        } else {
            quote!(let #field = __reader.optional(#name);)
        }
    });
    let inits = params.iter().map(|param| {
        let field = ident(&param.field);
        if param.fixed.is_some() {
            let ty = fixed_type_name(param);
            quote!(#field: #ty)
        } else {
            quote!(#field)
        }
    });
    let required: Vec<_> = params
        .iter()
        .filter(|p| p.required && p.fixed.is_none())
        .map(|p| ident(&p.field))
        .collect();
    let build = quote!(Ok(Self { #(#inits),* }));
    let body = if required.is_empty() {
        quote! {
            if __errors.is_empty() { #build } else { Err(__errors) }
        }
    } else {
        quote! {
            // Every `None` among the required values has an error in `__errors`.
            match (#(#required,)*) {
                (#(Some(#required),)*) if __errors.is_empty() => #build,
                _ => Err(__errors),
            }
        }
    };
    quote! {
        impl rt::args::FromArgs for Request {
            fn from_args(args: rt::args::Args) -> Result<Self, rt::args::ArgErrors> {
                let mut __reader = rt::args::ArgReader::new(args, &MODEL);
                #(#reads)*
                let __errors = __reader.finish();
                #body
            }
        }
    }
}

/// The Rust type of a parameter's value.
pub(crate) fn value_type(param: &Param) -> TokenStream {
    if param.has_own_type() {
        let name = ident(&param.type_name);
        return quote!(#name);
    }
    match &param.kind {
        ParamKind::Boolean => quote!(bool),
        ParamKind::Integer { .. } => quote!(i64),
        _ => quote!(String),
    }
}

fn fixed_type_name(param: &Param) -> proc_macro2::Ident {
    ident(&format!("Fixed{}", param.type_name))
}

fn field(param: &Param) -> TokenStream {
    let name = ident(&param.field);
    let wire = &param.name;
    let rename = (param.field != param.name).then(|| quote!(#[serde(rename = #wire)]));
    if param.fixed.is_some() {
        let ty = fixed_type_name(param);
        return quote! {
            #rename
            #name: #ty,
        };
    }
    let doc = docs::outer(&docs::described_facts(param));
    let ty = value_type(param);
    if param.required {
        quote! {
            #doc
            #rename
            pub #name: #ty,
        }
    } else {
        quote! {
            #doc
            #rename
            #[serde(skip_serializing_if = "Option::is_none")]
            pub #name: Option<#ty>,
        }
    }
}

fn constructor(ctx: &Ctx<'_>) -> TokenStream {
    let mut arguments = Vec::new();
    let mut inits = Vec::new();
    for param in &ctx.model.parameters {
        let name = ident(&param.field);
        if param.fixed.is_some() {
            let ty = fixed_type_name(param);
            inits.push(quote!(#name: #ty));
        } else if !param.required {
            inits.push(quote!(#name: None));
        } else if param.has_own_type()
            || !matches!(
                param.kind,
                ParamKind::Text { .. } | ParamKind::ImageUrl { .. }
            )
        {
            let ty = value_type(param);
            arguments.push(quote!(#name: #ty));
            inits.push(quote!(#name));
        } else {
            arguments.push(quote!(#name: impl Into<String>));
            inits.push(quote!(#name: #name.into()));
        }
    }
    let required: Vec<String> = ctx
        .model
        .required_parameters()
        .map(|p| format!("`{}`", p.name))
        .collect();
    let doc = docs::outer(&if required.is_empty() {
        "A request with every optional parameter left out.".to_owned()
    } else {
        format!(
            "A request with its required parameters, {}; every optional parameter starts \
             unset and is left out of the JSON.",
            required.join(", ")
        )
    });
    quote! {
        #doc
        pub fn new(#(#arguments),*) -> Self {
            Self { #(#inits),* }
        }
    }
}

/// `Default` for a request with no required parameter: `new()`.
fn default_impl(ctx: &Ctx<'_>) -> TokenStream {
    let needs_arguments = ctx
        .model
        .parameters
        .iter()
        .any(|p| p.required && p.fixed.is_none());
    if needs_arguments {
        return TokenStream::new();
    }
    quote! {
        /// Every parameter left out: as [`Request::new`].
        impl Default for Request {
            fn default() -> Self {
                Self::new()
            }
        }
    }
}

/// The builder methods of the optional parameters, written by the core's
/// `__setters!`: each takes `impl Into<its type>` and points to its field's
/// docs.
fn setters(ctx: &Ctx<'_>) -> TokenStream {
    let entries: Vec<TokenStream> = ctx
        .model
        .parameters
        .iter()
        .filter(|p| !p.required && p.fixed.is_none())
        .map(|param| {
            let setter = ident(&ctx.setter_name(param));
            let field = ident(&param.field);
            let plain_text = !param.has_own_type()
                && matches!(
                    param.kind,
                    ParamKind::Text { .. } | ParamKind::ImageUrl { .. }
                );
            let ty = if plain_text {
                quote!(impl Into<String>)
            } else {
                value_type(param)
            };
            if ctx.setter_name(param) == param.field {
                quote!(#setter(#ty))
            } else {
                quote!(#setter(#ty) => #field)
            }
        })
        .collect();
    if entries.is_empty() {
        return TokenStream::new();
    }
    quote!(rt::__setters!(Request { #(#entries),* });)
}

/// Whether a request asks for what `switch` turns on: the parameter is set to
/// that value, or left out with that value as its documented default.
fn requested(ctx: &Ctx<'_>, switch: Option<(&str, Value)>) -> TokenStream {
    let Some((name, value)) = switch else {
        return quote!(false);
    };
    let Some(param) = ctx.model.parameter(name) else {
        return quote!(false);
    };
    let field = ident(&param.field);
    if let (ParamKind::Boolean, Value::Bool(true)) = (&param.kind, &value) {
        if param.required {
            return quote!(self.#field);
        }
        let default = param.default == Some(Value::Bool(true));
        return quote!(self.#field.unwrap_or(#default));
    }
    let target = match (&param.kind, &value) {
        (ParamKind::Boolean, Value::Bool(flag)) => quote!(#flag),
        (ParamKind::Choice { values, .. }, Value::Text(text)) => {
            let ty = ident(&param.type_name);
            let variant = values
                .iter()
                .find(|c| &c.wire == text)
                .map_or_else(|| ident("Unknown"), |c| ident(&c.variant));
            quote!(#ty::#variant)
        }
        _ => return quote!(false),
    };
    if param.required {
        return quote!(self.#field == #target);
    }
    let by_default = param.default.as_ref() == Some(&value);
    if by_default {
        quote!(self.#field.is_none_or(|value| value == #target))
    } else {
        quote!(self.#field == Some(#target))
    }
}

/// A parameter fixed by the model: a private type that always serialises to
/// its value and accepts only it (the core's `__fixed!`).
fn fixed_type(param: &Param) -> Option<TokenStream> {
    let value = param.fixed.as_ref()?.to_wire_text();
    let name = fixed_type_name(param);
    let wire = &param.name;
    Some(quote!(rt::__fixed!(#name, #wire, #value);))
}

/// The module's examples: each documented request built with the builder and
/// compared with the documented JSON; a made-up one when none is documented.
pub(crate) fn examples_doc(ctx: &Ctx<'_>) -> String {
    let mut text = String::new();
    for example in &ctx.model.examples {
        let values = example_values(ctx, Some(&example.body));
        let mut heading = format!(
            "\n\n# Example: {}",
            example.description.trim_end_matches('.')
        );
        if example.partial {
            heading.push_str("\n\nThe documented body leaves out required parameters; example values fill them in.");
        }
        text.push_str(&format!(
            "{heading}\n\n```\n{}\n```",
            request_example(ctx, &values)
        ));
    }
    if ctx.model.examples.is_empty() {
        let values = example_values(ctx, None);
        text.push_str(&format!(
            "\n\n# Example\n\nThe documentation gives no example request; this one sets every parameter.\n\n```\n{}\n```",
            request_example(ctx, &values)
        ));
    }
    text
}
