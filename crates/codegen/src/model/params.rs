//! A type per parameter: its definition and docs, then one invocation of the
//! `imagegen_core` macro for its kind (`__choice!`, `__integer!`, …), which
//! writes the bodies every type of that kind shares. The generated file
//! keeps what differs (names, rules, constants, docs); the checks are the
//! core's `rules`, so every type of a kind behaves alike.

use proc_macro2::TokenStream;
use quote::quote;

use imagegen_spec::decimal::Decimal;
use imagegen_spec::ir::{
    Choice, ChoiceWire, CustomSize, ImageFormat, Param, ParamKind, SizePreset, Value,
};

use super::examples::{example_value, float_literal, rejected_input, value_source};
use super::{Ctx, has_literal_macro};
use crate::docs;
use crate::names::{float, ident, int, option, uint};

pub(crate) fn param_types(ctx: &Ctx<'_>, param: &Param) -> TokenStream {
    if !param.has_own_type() {
        return TokenStream::new();
    }
    match &param.kind {
        ParamKind::Choice { values, .. } => enum_type(ctx, param, &choice_variants(values), None),
        ParamKind::ImageSize {
            separator,
            presets,
            custom,
            ..
        } => {
            let variants = size_variants(presets);
            let custom = custom.as_ref().map(|rules| (*separator, rules));
            let mut tokens = enum_type(ctx, param, &variants, custom);
            if let Some((separator, rules)) = custom {
                tokens.extend(custom_size_type(ctx, param, separator, rules));
            }
            tokens
        }
        ParamKind::Number { step: Some(_), .. } => decimal_type(ctx, param),
        ParamKind::Number { .. } => float_type(ctx, param),
        ParamKind::Integer { .. } => integer_type(ctx, param),
        ParamKind::Text { .. } => text_type(ctx, param),
        ParamKind::ImageUrl {
            formats,
            data_uri,
            mask_for,
        } => image_type(ctx, param, formats, *data_uri, mask_for.as_deref()),
        ParamKind::ImageList {
            formats,
            data_uri,
            min_items,
            max_items,
        } => {
            let Some(item) = param.item_param() else {
                return TokenStream::new();
            };
            let mut tokens = image_type(ctx, &item, formats, *data_uri, None);
            tokens.extend(list_type(ctx, param, &item, *min_items, *max_items));
            tokens
        }
        ParamKind::ObjectList {
            fields,
            min_items,
            max_items,
        } => object_list_types(ctx, param, fields, *min_items, *max_items),
        ParamKind::Boolean => TokenStream::new(),
    }
}

/// A field of a list's item as a parameter of its own for its type: named
/// `list[].field`, so its messages and docs place it.
pub(crate) fn field_param(list: &Param, field: &Param) -> Param {
    Param {
        name: format!("{}[].{}", list.name, field.name),
        ..field.clone()
    }
}

/// A list of objects: a type per field with rules of its own, the item
/// struct (the core's `__object_item!` gives it `new`, builder methods,
/// serde and text), and `struct T(Vec<TItem>)` with its count `RULE`.
fn object_list_types(
    ctx: &Ctx<'_>,
    param: &Param,
    fields: &[Param],
    min_items: Option<u64>,
    max_items: Option<u64>,
) -> TokenStream {
    let mut tokens = TokenStream::new();
    for field in fields {
        tokens.extend(param_types(ctx, &field_param(param, field)));
    }
    let (list, item) = (ident(&param.type_name), ident(&param.item_type_name()));
    let wire_name = &param.name;
    let allowed = param.allowed();
    let field_defs = fields.iter().map(|field| {
        let name = ident(&field.field);
        let ty = super::request::value_type(field);
        let doc = docs::outer(&docs::described_facts(field));
        if field.required {
            quote!(#doc pub #name: #ty,)
        } else {
            quote!(#doc pub #name: Option<#ty>,)
        }
    });
    let entries = |required: bool| {
        let entries = fields
            .iter()
            .filter(|f| f.required == required)
            .map(|field| {
                let name = ident(&field.field);
                let ty = super::request::value_type(field);
                let wire = &field.name;
                quote!(#name: #ty = #wire)
            });
        quote!(#(#entries),*)
    };
    let (required, optional) = (entries(true), entries(false));
    let item_doc = docs::outer(&format!(
        "One item of [`{}`] (`{}`), a JSON object.\n\nMake one with [`{}::new`], which takes the required fields, and set optional ones with the builder methods, or parse its JSON text. A field with rules of its own has its own type, checked as a parameter's is.",
        param.type_name,
        param.name,
        param.item_type_name(),
    ));
    let count = |n: Option<u64>| {
        option(n, |n| {
            let n = uint(n);
            quote!(#n)
        })
    };
    let (min, max) = (count(min_items), count(max_items));
    let doc = type_doc(ctx, param);
    tokens.extend(quote! {
        #item_doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct #item {
            #(#field_defs)*
        }
        rt::__object_item!(#item, #wire_name, #allowed, required [#required], optional [#optional]);
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub struct #list(::std::vec::Vec<#item>);
        impl #list {
            /// The documented rules.
            const RULE: rt::rules::ListRule = rt::rules::ListRule { min_items: #min, max_items: #max };
        }
        rt::__object_list!(#list, #item, #wire_name, #allowed);
    });
    tokens
}

/// `struct T(Vec<TItem>)`: its `RULE` (how many items) and the core's
/// `__image_list!`, which reads it.
fn list_type(
    ctx: &Ctx<'_>,
    param: &Param,
    item: &Param,
    min_items: Option<u64>,
    max_items: Option<u64>,
) -> TokenStream {
    let name = ident(&param.type_name);
    let item_name = ident(&item.type_name);
    let wire_name = &param.name;
    let allowed = param.allowed();
    let doc = type_doc(ctx, param);
    let count = |n: Option<u64>| {
        option(n, |n| {
            let n = uint(n);
            quote!(#n)
        })
    };
    let (min, max) = (count(min_items), count(max_items));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct #name(::std::vec::Vec<#item_name>);
        impl #name {
            /// The documented rules.
            const RULE: rt::rules::ListRule = rt::rules::ListRule { min_items: #min, max_items: #max };
        }
        rt::__image_list!(#name, #item_name, #wire_name, #allowed);
    }
}

/// The type's documentation: the parameter's description and facts, and
/// how to make one. Its example is in the module's "Parameter values"
/// section, with the other types' ([`value_examples`]).
fn type_doc(ctx: &Ctx<'_>, param: &Param) -> TokenStream {
    // A list's item is a parameter of the list's name with a type of its own.
    let list = ctx
        .model
        .parameter(&param.name)
        .filter(|list| list.type_name != param.type_name);
    if let Some(list) = list {
        return docs::outer(&format!(
            "One item of [`{}`] (`{}`): {}\n\nMake one with [`{}::try_new`], [`{}::path`] or by parsing text.{}",
            list.type_name,
            param.name,
            param.allowed(),
            param.type_name,
            param.type_name,
            local_files_doc(ctx, param),
        ));
    }
    let build = if has_literal_macro(param) {
        format!(
            "Make one with [`{}!`](crate::{}::{}) (checked when the crate compiles), [`{}::try_new`] or by parsing text.",
            ctx.macro_name(param),
            ctx.model.module,
            ctx.macro_name(param),
            param.type_name,
        )
    } else {
        "Pick a variant, or parse the wire text (a near miss gets a suggestion).".to_owned()
    };
    docs::outer(&format!(
        "`{}`{}\n\n{}\n\n{build}{} See the [module's examples](self#parameter-values).",
        param.name,
        docs::after_colon(&param.description),
        docs::param_facts(param),
        local_files_doc(ctx, param),
    ))
}

/// For an image: what `path` and `bytes` do on this provider.
fn local_files_doc(ctx: &Ctx<'_>, param: &Param) -> String {
    let (ParamKind::ImageUrl { data_uri, .. } | ParamKind::ImageList { data_uri, .. }) =
        &param.kind
    else {
        return String::new();
    };
    if matches!(param.kind, ParamKind::ImageList { .. }) {
        return format!(
            " Its items are [`{}`]s, each a URL or a local file.",
            param.item_type_name()
        );
    }
    let name = &param.type_name;
    let how = match (&ctx.provider.upload, data_uri) {
        (Some(upload), _) => format!(
            "checked when the request is sent, then uploaded to {} (`{} {}`, up to {} bytes) and its URL sent",
            ctx.provider.display_name,
            crate::readme::method(upload.endpoint.method),
            upload.endpoint.path,
            upload.max_bytes
        ),
        (None, true) => {
            "checked when the request is sent, then sent inline as a `data:` URI".to_owned()
        }
        (None, false) => format!(
            "refused before anything is sent: {} takes only public http(s) URLs here",
            ctx.provider.display_name
        ),
    };
    format!(
        " A local file ([`{name}::path`], or text without a URL scheme) or image in memory ([`{name}::bytes`]) is {how}."
    )
}

/// The module's "Parameter values" example: for each parameter with a type
/// of its own, its values parsed, built and refused. `None` when no
/// parameter has a type.
pub(crate) fn value_examples(ctx: &Ctx<'_>) -> Option<String> {
    let mut names = vec!["self".to_owned()];
    let mut code = String::new();
    for param in ctx.model.parameters.iter().filter(|p| p.has_own_type()) {
        let (types, example) = match &param.kind {
            ParamKind::Choice { values, .. } => {
                let variants = choice_variants(values);
                enum_example(ctx, param, &variants, None)
            }
            ParamKind::ImageSize {
                separator,
                presets,
                custom,
                ..
            } => {
                let variants = size_variants(presets);
                let custom = custom.as_ref().map(|rules| (*separator, rules));
                enum_example(ctx, param, &variants, custom)
            }
            ParamKind::Number { step: Some(_), .. } => decimal_example(ctx, param),
            ParamKind::Number { .. } => float_example(ctx, param),
            ParamKind::Integer { .. } => integer_example(ctx, param),
            ParamKind::Text { .. } | ParamKind::ImageUrl { .. } => text_example(ctx, param),
            ParamKind::ImageList { .. } => list_example(ctx, param),
            ParamKind::ObjectList { .. } => object_list_example(ctx, param),
            ParamKind::Boolean => continue,
        };
        for name in types {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        code.push_str(&example);
        code.push('\n');
    }
    if code.is_empty() {
        return None;
    }
    Some(format!(
        "use {}::{}::{{{}}};\n\n{code}# Ok::<(), {}::ParamError>(())",
        ctx.lib,
        ctx.model.module,
        names.join(", "),
        ctx.lib,
    ))
}

/// `impl T { … }` holding the named values (`DEFAULT`, `MIN`, sentinels), if any.
fn named_values(name: &proc_macro2::Ident, consts: TokenStream) -> TokenStream {
    if consts.is_empty() {
        return consts;
    }
    quote! {
        impl #name {
            #consts
        }
    }
}

struct Variant {
    wire: String,
    name: String,
    /// For image sizes: the preset's width and height (`None` for `auto`).
    dimensions: Option<Option<(u32, u32)>>,
}

fn choice_variants(values: &[Choice]) -> Vec<Variant> {
    values
        .iter()
        .map(|c| Variant {
            wire: c.wire.clone(),
            name: c.variant.clone(),
            dimensions: None,
        })
        .collect()
}

fn size_variants(presets: &[SizePreset]) -> Vec<Variant> {
    presets
        .iter()
        .map(|p| Variant {
            wire: p.wire.clone(),
            name: p.variant.clone(),
            dimensions: Some(p.dimensions),
        })
        .collect()
}

fn enum_type(
    ctx: &Ctx<'_>,
    param: &Param,
    variants: &[Variant],
    custom: Option<(char, &CustomSize)>,
) -> TokenStream {
    let name = ident(&param.type_name);
    let wire_name = &param.name;
    let allowed = param.allowed();
    let default_wire = param.default_text();
    let variant_defs = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let mut text = format!("`{}`", v.wire);
        if default_wire.as_deref() == Some(&v.wire) {
            text.push_str(", the documented default");
        }
        let doc = docs::outer(&text);
        quote!(#doc #variant,)
    });
    let table = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        quote!(#variant = #wire)
    });
    let custom_type = ident(&param.custom_type_name());
    let (custom_variant, invocation) = match custom {
        Some((separator, _)) => {
            let doc = docs::outer(&format!(
                "A custom size, checked against the documented rules: see [`{custom_type}`]."
            ));
            let object = matches!(param.kind, ParamKind::ImageSize { object: true, .. })
                .then(|| quote!(object,));
            (
                quote!(#doc Custom(#custom_type),),
                quote!(rt::__size!(#name, #wire_name, #allowed, #separator, custom #custom_type, #object [#(#table),*]);),
            )
        }
        None if variants.iter().any(|v| v.dimensions.is_some()) => {
            let separator = match &param.kind {
                ParamKind::ImageSize { separator, .. } => *separator,
                _ => 'x',
            };
            (
                TokenStream::new(),
                quote!(rt::__size!(#name, #wire_name, #allowed, #separator, [#(#table),*]);),
            )
        }
        None => {
            let number = matches!(
                param.kind,
                ParamKind::Choice {
                    wire: ChoiceWire::Integer | ChoiceWire::Number,
                    ..
                }
            )
            .then(|| quote!(number,));
            (
                TokenStream::new(),
                quote!(rt::__choice!(#name, #wire_name, #allowed, #number [#(#table),*]);),
            )
        }
    };
    let doc = type_doc(ctx, param);
    let consts = named_values(&name, default_const(param));
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variant_defs)*
            #custom_variant
        }
        #invocation
        #consts
    }
}

/// The `use` list and code of an enumerated type's example: parsing its
/// wire text, printing it back, a near miss's suggestion, and for sizes with
/// custom rules a custom size.
fn enum_example(
    ctx: &Ctx<'_>,
    param: &Param,
    variants: &[Variant],
    custom: Option<(char, &CustomSize)>,
) -> (Vec<String>, String) {
    let example = example_value(param).to_wire_text();
    let example = example.as_str();
    let name = &param.type_name;
    let mut uses = vec![name.clone()];
    let mut code = String::new();
    // A size with custom rules only has no variant to show but `Custom`.
    if let Some(first) = variants.first() {
        let variant = variants
            .iter()
            .find(|v| v.wire == example)
            .map_or(first.name.as_str(), |v| v.name.as_str());
        code.push_str(&format!(
            "assert_eq!({example:?}.parse::<{name}>()?, {name}::{variant});\nassert_eq!({name}::{variant}.to_string(), {example:?});\n"
        ));
    }
    if let Some(miss) = near_miss(example, variants).filter(|_| !variants.is_empty()) {
        code.push_str(&format!(
            "assert_eq!({miss:?}.parse::<{name}>().unwrap_err().suggestion(), Some({example:?}));\n"
        ));
    }
    if let Some((separator, rules)) = custom
        && let Some(((width, height), (bad_width, bad_height))) = custom_examples(rules, variants)
    {
        let custom_name = param.custom_type_name();
        uses.push(custom_name.clone());
        code.push_str(&format!(
            "let custom = {}::{}!(\"{width}{separator}{height}\");\n\
             assert_eq!(custom, {name}::Custom({custom_name}::try_new({width}, {height})?));\n\
             assert!({custom_name}::try_new({bad_width}, {bad_height}).is_err());\n",
            ctx.model.module,
            ctx.macro_name(param),
        ));
    }
    (uses, code.trim_end().to_owned())
}

/// The example of a numeric type: its literal macro, `try_new`, the value
/// back, and a rejected value. `exact_text`: the type displays exactly the
/// decimal written (stepped decimals and integers do; a plain `f64` prints
/// `1.0` as `1`).
fn numeric_example(
    ctx: &Ctx<'_>,
    param: &Param,
    literal: &str,
    value_literal: &str,
    exact_text: bool,
) -> (Vec<String>, String) {
    let name = &param.type_name;
    let mut code = format!(
        "assert_eq!({}::{}!({literal}), {name}::try_new({value_literal})?);\n",
        ctx.model.module,
        ctx.macro_name(param),
    );
    if exact_text {
        code.push_str(&format!(
            "assert_eq!({name}::try_new({value_literal})?.to_string(), {literal:?});\n"
        ));
    } else {
        code.push_str(&format!(
            "assert_eq!({name}::try_new({value_literal})?.get(), {value_literal});\n"
        ));
    }
    if let Some(rejected) = rejected_input(param) {
        code.push_str(&format!("assert!({name}::try_new({rejected}).is_err());\n"));
    }
    (vec![name.clone()], code.trim_end().to_owned())
}

fn decimal_example(ctx: &Ctx<'_>, param: &Param) -> (Vec<String>, String) {
    let example = match example_value(param) {
        Value::Number(number) => number,
        _ => Decimal::from_i64(0),
    };
    numeric_example(
        ctx,
        param,
        &example.to_string(),
        &float_literal(&example),
        true,
    )
}

fn float_example(ctx: &Ctx<'_>, param: &Param) -> (Vec<String>, String) {
    let example = match example_value(param) {
        Value::Number(number) => float_literal(&number),
        _ => "0.0".to_owned(),
    };
    numeric_example(ctx, param, &example, &example, false)
}

fn integer_example(ctx: &Ctx<'_>, param: &Param) -> (Vec<String>, String) {
    let example = match example_value(param) {
        Value::Integer(number) => number.to_string(),
        _ => "0".to_owned(),
    };
    numeric_example(ctx, param, &example, &example, true)
}

fn text_example(ctx: &Ctx<'_>, param: &Param) -> (Vec<String>, String) {
    let example = example_value(param).to_wire_text();
    let literal = value_source(ctx, param, &Value::Text(example.clone()));
    let name = &param.type_name;
    let mut code = format!("assert_eq!({literal}, {name}::try_new({example:?})?);\n");
    if let Some(rejected) = rejected_input(param) {
        code.push_str(&format!("assert!({name}::try_new({rejected}).is_err());\n"));
    }
    (vec![name.clone()], code.trim_end().to_owned())
}

/// A list built by its literal macro and from its items, and refused with
/// too few.
fn list_example(ctx: &Ctx<'_>, param: &Param) -> (Vec<String>, String) {
    let (name, item) = (&param.type_name, param.item_type_name());
    let value = example_value(param);
    let literal = value_source(ctx, param, &value);
    let Value::List(items) = &value else {
        return (Vec::new(), String::new());
    };
    let built: Vec<String> = items
        .iter()
        .map(|i| format!("{item}::try_new({:?})?", i.to_wire_text()))
        .collect();
    let mut code = format!(
        "assert_eq!({literal}, {name}::try_new([{}])?);\nassert_eq!({literal}.len(), {});\n",
        built.join(", "),
        items.len()
    );
    if let Some(rejected) = rejected_input(param) {
        code.push_str(&format!("assert!({name}::try_new({rejected}).is_err());\n"));
    }
    (vec![name.clone(), item], code.trim_end().to_owned())
}

/// A list of objects built by its literal macro, its item parsed from its
/// JSON text, and refused with too many items (or too few).
fn object_list_example(ctx: &Ctx<'_>, param: &Param) -> (Vec<String>, String) {
    let (ParamKind::ObjectList { max_items, .. }, Value::List(items)) =
        (&param.kind, example_value(param))
    else {
        return (Vec::new(), String::new());
    };
    let (name, item) = (&param.type_name, param.item_type_name());
    let literal = value_source(ctx, param, &Value::List(items.clone()));
    let first = value_source(ctx, param, &Value::List(items[..1].to_vec()));
    let item_source = first
        .split_once('[')
        .and_then(|(_, rest)| rest.strip_suffix(']'))
        .unwrap_or_default()
        .to_owned();
    // The item's JSON as its `Display` writes it: fields in table order.
    let item_json = match &items[0] {
        Value::Object(fields) => format!(
            "{{{}}}",
            fields
                .iter()
                .map(|(name, value)| format!(
                    "{}:{}",
                    serde_json::Value::from(name.as_str()),
                    value.to_json()
                ))
                .collect::<Vec<_>>()
                .join(",")
        ),
        other => other.to_json().to_string(),
    };
    let mut code = format!(
        "assert_eq!({literal}.len(), {});
assert_eq!({item_json:?}.parse::<{item}>()?, {item_source});
assert_eq!({item_source}.to_string(), {item_json:?});
",
        items.len()
    );
    if let Some(max) = max_items {
        code.push_str(&format!(
            "assert!({name}::try_new(std::iter::repeat_n({item_source}, {})).is_err());
",
            max + 1
        ));
    } else if let Some(rejected) = rejected_input(param) {
        code.push_str(&format!(
            "assert!({name}::try_new({rejected}).is_err());
"
        ));
    }
    (vec![name.clone(), item], code.trim_end().to_owned())
}

/// A numeric or text newtype: `struct T(field)` with `derives`, its `RULE`
/// (of `rule_type`, valued `rule`) and named values in an `impl` block, and
/// the core macro for its kind (`__integer`, …), which reads `Self::RULE`.
#[allow(clippy::too_many_arguments)] // each is one visible part of the type
fn newtype(
    ctx: &Ctx<'_>,
    param: &Param,
    macro_name: &str,
    field: TokenStream,
    derives: TokenStream,
    rule_type: TokenStream,
    rule: TokenStream,
    consts: TokenStream,
) -> TokenStream {
    let name = ident(&param.type_name);
    let wire_name = &param.name;
    let allowed = param.allowed();
    let doc = type_doc(ctx, param);
    let macro_name = ident(macro_name);
    quote! {
        #doc
        #[derive(#derives)]
        pub struct #name(#field);
        impl #name {
            /// The documented rules.
            const RULE: #rule_type = #rule;
            #consts
        }
        rt::#macro_name!(#name, #wire_name, #allowed);
    }
}

/// The derives of a type whose values compare exactly (whole numbers, units
/// of a decimal, text); `Copy` where the value is.
fn exact_derives(copy: bool) -> TokenStream {
    let copy = copy.then(|| quote!(Copy,));
    quote!(Debug, Clone, #copy PartialEq, Eq, Hash, PartialOrd, Ord)
}

fn decimal_type(ctx: &Ctx<'_>, param: &Param) -> TokenStream {
    let (
        ParamKind::Number {
            minimum, maximum, ..
        },
        Some(rule),
    ) = (&param.kind, param.decimal_rule())
    else {
        return TokenStream::new();
    };
    let scale = uint(rule.scale);
    let (min, max, step, origin) = (
        option(rule.min, int),
        option(rule.max, int),
        option(rule.step, int),
        int(rule.step_origin),
    );
    newtype(
        ctx,
        param,
        "__decimal",
        quote!(i64),
        exact_derives(true),
        quote!(rt::rules::DecimalRule),
        quote!(rt::rules::DecimalRule { scale: #scale, min: #min, max: #max, step: #step, step_origin: #origin }),
        numeric_consts(
            param,
            minimum.map(Value::Number),
            maximum.map(Value::Number),
        ),
    )
}

fn float_type(ctx: &Ctx<'_>, param: &Param) -> TokenStream {
    let (
        ParamKind::Number {
            minimum, maximum, ..
        },
        Some(rule),
    ) = (&param.kind, param.float_rule())
    else {
        return TokenStream::new();
    };
    let (min, max) = (option(rule.min, float), option(rule.max, float));
    newtype(
        ctx,
        param,
        "__float",
        quote!(f64),
        quote!(Debug, Clone, Copy, PartialEq, PartialOrd),
        quote!(rt::rules::FloatRule),
        quote!(rt::rules::FloatRule { min: #min, max: #max }),
        numeric_consts(
            param,
            minimum.map(Value::Number),
            maximum.map(Value::Number),
        ),
    )
}

fn integer_type(ctx: &Ctx<'_>, param: &Param) -> TokenStream {
    let (
        ParamKind::Integer {
            minimum, maximum, ..
        },
        Some(rule),
    ) = (&param.kind, param.integer_rule())
    else {
        return TokenStream::new();
    };
    let (min, max, step, origin) = (
        option(rule.min, int),
        option(rule.max, int),
        option(rule.step, int),
        int(rule.step_origin),
    );
    newtype(
        ctx,
        param,
        "__integer",
        quote!(i64),
        exact_derives(true),
        quote!(rt::rules::IntegerRule),
        quote!(rt::rules::IntegerRule { min: #min, max: #max, step: #step, step_origin: #origin }),
        numeric_consts(
            param,
            minimum.map(Value::Integer),
            maximum.map(Value::Integer),
        ),
    )
}

/// Bounded text and image URLs: a `Cow<'static, str>`, so a literal checked
/// at compile time is stored without allocating.
fn text_type(ctx: &Ctx<'_>, param: &Param) -> TokenStream {
    let rule = match &param.kind {
        ParamKind::Text {
            min_length,
            max_length,
        } => {
            let length = |n: Option<u64>| {
                option(n, |n| {
                    let n = uint(n);
                    quote!(#n)
                })
            };
            let (min, max) = (length(*min_length), length(*max_length));
            quote!(rt::rules::TextRule::Length(rt::rules::LengthRule { min_chars: #min, max_chars: #max }))
        }
        _ => return TokenStream::new(),
    };
    newtype(
        ctx,
        param,
        "__text",
        quote!(std::borrow::Cow<'static, str>),
        exact_derives(false),
        quote!(rt::rules::TextRule),
        rule,
        default_const(param),
    )
}

/// An image: a URL checked by its rule, or a local file or bytes checked
/// against `IMAGE_PARAM` when the request is sent.
fn image_type(
    ctx: &Ctx<'_>,
    param: &Param,
    formats: &[ImageFormat],
    data_uri: bool,
    mask_for: Option<&str>,
) -> TokenStream {
    let rule = if data_uri {
        quote!(rt::rules::TextRule::HttpOrDataUrl)
    } else {
        quote!(rt::rules::TextRule::HttpUrl)
    };
    let formats = formats.iter().map(|format| match format {
        ImageFormat::Jpeg => quote!(rt::ImageFormat::Jpeg),
        ImageFormat::Png => quote!(rt::ImageFormat::Png),
        ImageFormat::Gif => quote!(rt::ImageFormat::Gif),
        ImageFormat::Webp => quote!(rt::ImageFormat::WebP),
    });
    let mask_for = option(mask_for, |name| quote!(#name));
    let consts = quote! {
        /// What a local image must be.
        const IMAGE_PARAM: rt::info::ImageParam = rt::info::ImageParam {
            formats: &[#(#formats),*],
            data_uri: #data_uri,
            mask_for: #mask_for,
        };
    };
    newtype(
        ctx,
        param,
        "__image_url",
        quote!(rt::image::ImageSource),
        exact_derives(false),
        quote!(rt::rules::TextRule),
        rule,
        consts,
    )
}

/// `Custom<Size>`: a width and height checked against the documented rules.
fn custom_size_type(
    ctx: &Ctx<'_>,
    param: &Param,
    separator: char,
    rules: &CustomSize,
) -> TokenStream {
    let name = ident(&param.custom_type_name());
    let size = ident(&param.type_name);
    let number = |v: Option<u64>| {
        option(v, |n| {
            let n = uint(n);
            quote!(#n)
        })
    };
    let edge = |v: Option<u32>| number(v.map(u64::from));
    let (multiple_of, min_edge, max_edge) = (
        edge(rules.multiple_of),
        edge(rules.min_edge),
        edge(rules.max_edge),
    );
    let aspect = option(rules.max_aspect_ratio, |(long, short)| {
        let (long, short) = (uint(long), uint(short));
        quote!((#long, #short))
    });
    let (min_pixels, max_pixels) = (number(rules.min_pixels), number(rules.max_pixels));
    let doc = docs::outer(&format!(
        "A custom `{}` for {}: {}.\n\nBuilt by [`{}::try_new`], by parsing a [`{}`], or checked at compile time by [`{}!`](crate::{}::{}).",
        param.name,
        ctx.model.display_name,
        imagegen_spec::ir::describe_custom(rules),
        param.custom_type_name(),
        param.type_name,
        ctx.macro_name(param),
        ctx.model.module,
        ctx.macro_name(param),
    ));
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct #name {
            width: u32,
            height: u32,
        }
        impl #name {
            /// The documented rules.
            const RULE: rt::rules::CustomSizeRule = rt::rules::CustomSizeRule {
                multiple_of: #multiple_of,
                min_edge: #min_edge,
                max_edge: #max_edge,
                max_aspect_ratio: #aspect,
                min_pixels: #min_pixels,
                max_pixels: #max_pixels,
            };
        }
        rt::__custom_size!(#name, #size, #separator);
    }
}

/// A misspelling `suggest` maps back to `value`: the other size separator,
/// or upper case.
fn near_miss(value: &str, variants: &[Variant]) -> Option<String> {
    let candidates = [
        value.replace('*', "x"),
        value.replace('x', "*"),
        value.to_ascii_uppercase(),
    ];
    candidates
        .into_iter()
        .find(|c| c != value && !variants.iter().any(|v| &v.wire == c))
}

/// A valid custom size that is not a preset, and one the rules reject.
fn custom_examples(rules: &CustomSize, variants: &[Variant]) -> Option<((u32, u32), (u32, u32))> {
    let rule = rules.rule();
    let presets: Vec<(u32, u32)> = variants
        .iter()
        .filter_map(|v| v.dimensions.flatten())
        .collect();
    let candidates = [
        (1280, 720),
        (1024, 768),
        (1600, 900),
        (1920, 1080),
        (768, 768),
        (2048, 1536),
        (512, 384),
    ];
    let valid = candidates
        .into_iter()
        .find(|&(w, h)| rule.check(w, h).is_ok() && !presets.contains(&(w, h)))?;
    let invalid = [(1000, 1000), (4000, 4000), (16, 16), (1, 1)]
        .into_iter()
        .find(|&(w, h)| rule.check(w, h).is_err())?;
    Some((valid, invalid))
}

/// `DEFAULT`, for types whose default can be a constant.
fn default_const(param: &Param) -> TokenStream {
    let Some(default) = &param.default else {
        return TokenStream::new();
    };
    let value = const_value(param, default);
    let doc = docs::outer(&format!(
        "The documented default, `{}`, which the server applies when the parameter is left out.",
        default.to_wire_text()
    ));
    quote! {
        #doc
        pub const DEFAULT: Self = #value;
    }
}

/// A value of the parameter's type as a constant expression.
fn const_value(param: &Param, value: &Value) -> TokenStream {
    match (&param.kind, value) {
        (ParamKind::Choice { values, .. }, value) => {
            let variant = values
                .iter()
                .find(|c| c.is(value))
                .map_or_else(|| ident("Unknown"), |c| ident(&c.variant));
            quote!(Self::#variant)
        }
        (ParamKind::ImageSize { .. }, Value::Object(_)) => {
            let custom = ident(&param.custom_type_name());
            let (width, height) = value.as_size_object().unwrap_or_default();
            let (width, height) = (uint(width), uint(height));
            quote!(Self::Custom(#custom { width: #width, height: #height }))
        }
        (
            ParamKind::ImageSize {
                presets, separator, ..
            },
            Value::Text(text),
        ) => match presets.iter().find(|p| &p.wire == text) {
            Some(preset) => {
                let variant = ident(&preset.variant);
                quote!(Self::#variant)
            }
            None => {
                let custom = ident(&param.custom_type_name());
                let (width, height) = text
                    .split_once(*separator)
                    .and_then(|(w, h)| Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?)))
                    .unwrap_or((0, 0));
                let (width, height) = (uint(width), uint(height));
                quote!(Self::Custom(#custom { width: #width, height: #height }))
            }
        },
        (ParamKind::Number { step: Some(_), .. }, Value::Number(number)) => {
            let units = int(number.units_at(param.decimal_scale()).unwrap_or_default());
            quote!(Self(#units))
        }
        (ParamKind::Number { .. }, Value::Number(number)) => {
            let number = float(imagegen_spec::ir::decimal_to_f64(number));
            quote!(Self(#number))
        }
        (ParamKind::Integer { .. }, Value::Integer(number)) => {
            let number = int(*number);
            quote!(Self(#number))
        }
        (_, Value::Text(text)) => quote!(Self(std::borrow::Cow::Borrowed(#text))),
        (_, other) => {
            let text = other.to_wire_text();
            quote!(compile_error!(#text))
        }
    }
}

/// `MIN`, `MAX`, `DEFAULT` and the sentinels of a numeric type.
fn numeric_consts(param: &Param, minimum: Option<Value>, maximum: Option<Value>) -> TokenStream {
    let mut tokens = TokenStream::new();
    for (name, value, what) in [("MIN", minimum, "smallest"), ("MAX", maximum, "largest")] {
        if let Some(value) = value {
            let name = ident(name);
            let doc = docs::outer(&format!(
                "The {what} allowed value, `{}`.",
                value.to_wire_text()
            ));
            let value = const_value(param, &value);
            tokens.extend(quote! {
                #doc
                pub const #name: Self = #value;
            });
        }
    }
    tokens.extend(default_const(param));
    for sentinel in &param.sentinels {
        let name = ident(&sentinel.const_name);
        let doc = docs::outer(&format!(
            "`{}`: {}.",
            sentinel.value.to_wire_text(),
            sentinel.meaning
        ));
        let value = const_value(param, &sentinel.value);
        tokens.extend(quote! {
            #doc
            pub const #name: Self = #value;
        });
    }
    tokens
}
