//! A type per parameter, holding its spec's rules and delegating the checks to
//! `imagegen_core::rules`, so generated code stays thin and every type of
//! a kind behaves alike.

use proc_macro2::TokenStream;
use quote::quote;

use imagegen_spec::decimal::Decimal;
use imagegen_spec::ir::{CustomSize, Param, ParamKind, Value};

use super::Ctx;
use super::examples::{example_value, float_literal, rejected_input, value_source};
use crate::docs;
use crate::names::{float, ident, int, option, uint};

pub(crate) fn param_types(ctx: &Ctx<'_>, param: &Param) -> TokenStream {
    if !param.has_own_type() {
        return TokenStream::new();
    }
    match &param.kind {
        ParamKind::Choice { values } => {
            let variants: Vec<Variant> = values
                .iter()
                .map(|c| Variant {
                    wire: c.wire.clone(),
                    name: c.variant.clone(),
                    dimensions: None,
                })
                .collect();
            enum_type(ctx, param, &variants, None)
        }
        ParamKind::ImageSize {
            separator,
            presets,
            custom,
        } => {
            let variants: Vec<Variant> = presets
                .iter()
                .map(|p| Variant {
                    wire: p.wire.clone(),
                    name: p.variant.clone(),
                    dimensions: Some(p.dimensions),
                })
                .collect();
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
        ParamKind::Text { .. } | ParamKind::ImageUrl { .. } => text_type(ctx, param),
        ParamKind::Boolean => TokenStream::new(),
    }
}

/// The type's documentation: the parameter's description and facts, then an
/// example that runs as a test.
fn type_doc(param: &Param, example: &str) -> TokenStream {
    docs::outer(&format!(
        "`{}`: {}\n\n{}\n\n# Example\n\n```\n{example}\n```",
        param.name,
        param.description,
        docs::param_facts(param)
    ))
}

fn allowed_const(param: &Param) -> TokenStream {
    let allowed = param.allowed();
    let doc = docs::outer(&format!("What `{}` allows, in words.", param.name));
    quote! {
        #doc
        pub const ALLOWED: &'static str = #allowed;
    }
}

/// `Display` (which varies by kind), then the conversions the runtime's
/// `__text_traits!` writes for every type sent as text.
fn text_impls(
    param: &Param,
    name: &proc_macro2::Ident,
    display: TokenStream,
    with_suggestion: bool,
) -> TokenStream {
    let wire = &param.name;
    let suggest = with_suggestion.then(|| quote!(, suggest));
    quote! {
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                #display
            }
        }
        rt::__text_traits!(#name, #wire #suggest);
    }
}

struct Variant {
    wire: String,
    name: String,
    /// For image sizes: the preset's width and height (`None` for `auto`).
    dimensions: Option<Option<(u32, u32)>>,
}

fn enum_type(
    ctx: &Ctx<'_>,
    param: &Param,
    variants: &[Variant],
    custom: Option<(char, &CustomSize)>,
) -> TokenStream {
    let name = ident(&param.type_name);
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
    let custom_type = ident(&param.custom_type_name());
    let custom_variant = custom.map(|_| {
        let doc = docs::outer(&format!(
            "A custom size, checked against the documented rules: see [`{custom_type}`]."
        ));
        quote!(#doc Custom(#custom_type),)
    });
    let count = uint(variants.len() as u64);
    let all = variants.iter().map(|v| {
        let variant = ident(&v.name);
        quote!(Self::#variant)
    });
    let wires = variants.iter().map(|v| &v.wire);
    let default = default_const(param);

    let example_value_wire = example_value(param).to_wire_text();
    let example = enum_example(ctx, param, variants, &example_value_wire, custom);
    let doc = type_doc(param, &example);
    let allowed = allowed_const(param);

    let presets_loop = quote! {
        let mut index = 0;
        while index < Self::WIRE.len() {
            if rt::rules::str_eq(value, Self::WIRE[index]) {
                return Ok(Self::ALL[index]);
            }
            index += 1;
        }
    };
    let from_wire_tail = match custom {
        Some((separator, _)) => {
            let separator = separator as u8;
            quote! {
                match rt::rules::parse_dimensions(value, #separator) {
                    Some((width, height)) => match #custom_type::__from_dimensions(width, height) {
                        Ok(size) => Ok(Self::Custom(size)),
                        Err(violation) => Err(violation),
                    },
                    None => Err(rt::Violation::Malformed),
                }
            }
        }
        None => quote!(Err(rt::Violation::NotAllowed)),
    };

    let is_size = variants.iter().any(|v| v.dimensions.is_some());
    let dimensions = is_size.then(|| {
        let arms = variants.iter().map(|v| {
            let variant = ident(&v.name);
            let dims = option(v.dimensions.flatten(), |(w, h)| {
                let (w, h) = (uint(w), uint(h));
                quote!((#w, #h))
            });
            quote!(Self::#variant => #dims,)
        });
        let custom_arm =
            custom.map(|_| quote!(Self::Custom(size) => Some((size.width(), size.height())),));
        quote! {
            /// Width and height in pixels; `None` for a keyword such as `auto`.
            pub const fn dimensions(self) -> Option<(u32, u32)> {
                match self {
                    #(#arms)*
                    #custom_arm
                }
            }
        }
    });
    let str_arms = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        quote!(Self::#variant => #wire,)
    });
    let (as_str, display) = match custom {
        None => (
            quote! {
                /// The value as sent on the wire.
                pub const fn as_str(self) -> &'static str {
                    match self {
                        #(#str_arms)*
                    }
                }
            },
            quote!(f.write_str(self.as_str())),
        ),
        Some((separator, _)) => {
            let format = format!("{{}}{separator}{{}}");
            (
                quote! {
                    /// The documented spelling of a preset; `None` for a custom size.
                    pub const fn preset_str(self) -> Option<&'static str> {
                        Some(match self {
                            #(#str_arms)*
                            Self::Custom(_) => return None,
                        })
                    }
                },
                quote! {
                    match self {
                        Self::Custom(size) => write!(f, #format, size.width(), size.height()),
                        preset => f.write_str(preset.preset_str().unwrap_or_default()),
                    }
                },
            )
        }
    };
    let impls = text_impls(param, &name, display, true);
    let all_doc = if custom.is_some() {
        " Every documented preset, in documented order."
    } else {
        " Every allowed value, in documented order."
    };
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variant_defs)*
            #custom_variant
        }
        impl #name {
            #[doc = #all_doc]
            pub const ALL: [Self; #count] = [#(#all),*];
            const WIRE: [&'static str; #count] = [#(#wires),*];
            #default
            #allowed
            #as_str
            #dimensions
            #[doc(hidden)]
            pub const fn __from_wire(value: &str) -> Result<Self, rt::Violation> {
                #presets_loop
                #from_wire_tail
            }
        }
        #impls
    }
}

fn enum_example(
    ctx: &Ctx<'_>,
    param: &Param,
    variants: &[Variant],
    example: &str,
    custom: Option<(char, &CustomSize)>,
) -> String {
    let name = &param.type_name;
    let variant = variants
        .iter()
        .find(|v| v.wire == example)
        .map_or(variants[0].name.as_str(), |v| v.name.as_str());
    let mut code = format!(
        "use {}::{}::{name};\n\nlet value: {name} = {example:?}.parse()?;\nassert_eq!(value, {name}::{variant});\nassert_eq!(value.to_string(), {example:?});\n",
        ctx.lib, ctx.model.module
    );
    if let Some(miss) = near_miss(example, variants) {
        code.push_str(&format!(
            "let error = {miss:?}.parse::<{name}>().unwrap_err();\nassert_eq!(error.suggestion(), Some({example:?}));\n"
        ));
    }
    if let Some((separator, rules)) = custom
        && let Some(((width, height), (bad_width, bad_height))) = custom_examples(rules, variants)
    {
        let custom_name = param.custom_type_name();
        code = code.replacen(
            &format!("::{name};"),
            &format!("::{{self, {name}, {custom_name}}};"),
            1,
        );
        code.push_str(&format!(
            "let custom: {name} = \"{width}{separator}{height}\".parse()?;\n\
                 assert_eq!(custom, {name}::Custom({custom_name}::try_new({width}, {height})?));\n\
                 assert_eq!(custom, {}::{}!(\"{width}{separator}{height}\"));\n\
                 assert!({custom_name}::try_new({bad_width}, {bad_height}).is_err());\n",
            ctx.model.module,
            ctx.macro_name(param),
        ));
    }
    code.push_str(&format!("# Ok::<(), {}::ParamError>(())", ctx.lib));
    code
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
        (ParamKind::Choice { values }, Value::Text(text)) => {
            let variant = values
                .iter()
                .find(|c| &c.wire == text)
                .map_or_else(|| ident("Unknown"), |c| ident(&c.variant));
            quote!(Self::#variant)
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
            let units = int(number.units_at(decimal_scale(param)).unwrap_or_default());
            quote!(Self(#units))
        }
        (ParamKind::Number { .. }, Value::Number(number)) => {
            let number = float(decimal_to_f64(number));
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

fn decimal_to_f64(value: &Decimal) -> f64 {
    value.to_string().parse().unwrap_or(f64::NAN)
}

/// Digits after the point needed to hold every number of a stepped decimal.
fn decimal_scale(param: &Param) -> u32 {
    let ParamKind::Number {
        minimum,
        maximum,
        step,
    } = &param.kind
    else {
        return 0;
    };
    let mut scale = [minimum, maximum, step]
        .iter()
        .filter_map(|v| v.map(|d| d.scale()))
        .max()
        .unwrap_or(0);
    for value in param
        .default
        .iter()
        .chain(param.sentinels.iter().map(|s| &s.value))
    {
        if let Value::Number(number) = value {
            scale = scale.max(number.scale());
        }
    }
    scale
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

/// Shared by the numeric newtypes: the example exercising the literal macro,
/// `try_new` and a rejected value.
/// `exact_text`: the type displays exactly the decimal written (stepped
/// decimals and integers do; a plain `f64` prints `1.0` as `1`).
fn numeric_example(
    ctx: &Ctx<'_>,
    param: &Param,
    literal: &str,
    value_literal: &str,
    exact_text: bool,
) -> String {
    let name = &param.type_name;
    let mut code = format!(
        "use {}::{}::{{self, {name}}};\n\nlet value = {}::{}!({literal});\nassert_eq!(value.get(), {value_literal});\nassert_eq!({name}::try_new({value_literal})?, value);\n",
        ctx.lib,
        ctx.model.module,
        ctx.model.module,
        ctx.macro_name(param),
    );
    if exact_text {
        code.push_str(&format!("assert_eq!(value.to_string(), {literal:?});\n"));
    }
    if let Some(rejected) = rejected_input(param) {
        code.push_str(&format!("assert!({name}::try_new({rejected}).is_err());\n"));
    }
    code.push_str(&format!("# Ok::<(), {}::ParamError>(())", ctx.lib));
    code
}

/// `Display` (which varies by kind), then the conversions the runtime's
/// `__number_traits!` writes for every numeric type: `TryFrom<raw>`,
/// `FromStr`, `From<Self> for raw` and serde.
fn numeric_impls(
    param: &Param,
    name: &proc_macro2::Ident,
    raw: TokenStream,
    from_raw: &proc_macro2::Ident,
    display: TokenStream,
) -> TokenStream {
    let wire = &param.name;
    quote! {
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                #display
            }
        }
        rt::__number_traits!(#name, #raw, #from_raw, #wire);
    }
}

/// What distinguishes the three numeric newtypes; everything else about
/// them is [`numeric_type`].
struct Numeric {
    /// The wire type (`f64`, `i64`) and the stored one (units are `i64`).
    raw: TokenStream,
    stored: TokenStream,
    derives: TokenStream,
    /// `const RULE: <rule_type> = <rule>;`
    rule_type: TokenStream,
    rule: TokenStream,
    /// The `const fn` turning a raw value into `Self`, and its body's call.
    from_raw: &'static str,
    check: TokenStream,
    /// `get(self)`'s body and `Display`'s.
    get: TokenStream,
    get_doc: &'static str,
    display: TokenStream,
    /// The doc example's literal, the same value as a raw literal, and
    /// whether `Display` prints the literal exactly.
    example: (String, String, bool),
    minimum: Option<Value>,
    maximum: Option<Value>,
}

fn numeric_type(ctx: &Ctx<'_>, param: &Param, numeric: Numeric) -> TokenStream {
    let Numeric {
        raw,
        stored,
        derives,
        rule_type,
        rule,
        from_raw,
        check,
        get,
        get_doc,
        display,
        example,
        minimum,
        maximum,
    } = numeric;
    let name = ident(&param.type_name);
    let wire = &param.name;
    let (literal, raw_literal, exact_text) = example;
    let doc = type_doc(
        param,
        &numeric_example(ctx, param, &literal, &raw_literal, exact_text),
    );
    let allowed = allowed_const(param);
    let consts = numeric_consts(param, minimum, maximum);
    let from_raw = ident(from_raw);
    let impls = numeric_impls(param, &name, raw.clone(), &from_raw, display);
    quote! {
        #doc
        #[derive(#derives)]
        pub struct #name(#stored);
        impl #name {
            /// The documented rules (a decimal's in units of its smallest decimal place).
            const RULE: #rule_type = #rule;
            #allowed
            #consts
            /// Checks `value` against the documented rules.
            pub fn try_new(value: #raw) -> Result<Self, rt::ParamError> {
                Self::#from_raw(value).map_err(|violation| rt::ParamError::new(#wire, value.to_string(), violation, Self::ALLOWED))
            }
            #[doc(hidden)]
            pub const fn #from_raw(value: #raw) -> Result<Self, rt::Violation> {
                match #check {
                    Ok(value) => Ok(Self(value)),
                    Err(violation) => Err(violation),
                }
            }
            #[doc = #get_doc]
            pub const fn get(self) -> #raw {
                #get
            }
        }
        #impls
    }
}

fn decimal_type(ctx: &Ctx<'_>, param: &Param) -> TokenStream {
    let ParamKind::Number {
        minimum,
        maximum,
        step,
    } = &param.kind
    else {
        return TokenStream::new();
    };
    let scale_digits = decimal_scale(param);
    let scale = uint(scale_digits);
    let units = |value: &Option<Decimal>| value.and_then(|v| v.units_at(scale_digits));
    let origin = int(units(minimum).unwrap_or(0));
    let (min, max, step) = (
        option(units(minimum), int),
        option(units(maximum), int),
        option(units(step), int),
    );
    let example = match example_value(param) {
        Value::Number(number) => number,
        _ => Decimal::from_i64(0),
    };
    numeric_type(
        ctx,
        param,
        Numeric {
            raw: quote!(f64),
            stored: quote!(i64),
            derives: quote!(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord),
            rule_type: quote!(rt::rules::DecimalRule),
            rule: quote!(rt::rules::DecimalRule { scale: #scale, min: #min, max: #max, step: #step, step_origin: #origin }),
            from_raw: "__from_f64",
            check: quote!(Self::RULE.units_from_f64(value)),
            get: quote!(Self::RULE.to_f64(self.0)),
            get_doc: " The value, as sent on the wire: the double nearest the exact decimal.",
            display: quote!(f.write_str(&Self::RULE.format(self.0))),
            example: (example.to_string(), float_literal(&example), true),
            minimum: minimum.map(Value::Number),
            maximum: maximum.map(Value::Number),
        },
    )
}

fn float_type(ctx: &Ctx<'_>, param: &Param) -> TokenStream {
    let ParamKind::Number {
        minimum, maximum, ..
    } = &param.kind
    else {
        return TokenStream::new();
    };
    let bound = |value: &Option<Decimal>| option(value.map(|v| decimal_to_f64(&v)), float);
    let (min, max) = (bound(minimum), bound(maximum));
    let example = match example_value(param) {
        Value::Number(number) => float_literal(&number),
        _ => "0.0".to_owned(),
    };
    numeric_type(
        ctx,
        param,
        Numeric {
            raw: quote!(f64),
            stored: quote!(f64),
            derives: quote!(Debug, Clone, Copy, PartialEq, PartialOrd),
            rule_type: quote!(rt::rules::FloatRule),
            rule: quote!(rt::rules::FloatRule { min: #min, max: #max }),
            from_raw: "__from_f64",
            check: quote!(Self::RULE.check(value)),
            get: quote!(self.0),
            get_doc: " The value, as sent on the wire.",
            display: quote!(std::fmt::Display::fmt(&self.0, f)),
            example: (example.clone(), example, false),
            minimum: minimum.map(Value::Number),
            maximum: maximum.map(Value::Number),
        },
    )
}

fn integer_type(ctx: &Ctx<'_>, param: &Param) -> TokenStream {
    let ParamKind::Integer {
        minimum,
        maximum,
        step,
    } = &param.kind
    else {
        return TokenStream::new();
    };
    let (min, max, step_tokens) = (
        option(*minimum, int),
        option(*maximum, int),
        option(*step, int),
    );
    let origin = int(minimum.unwrap_or(0));
    let example = match example_value(param) {
        Value::Integer(number) => number.to_string(),
        _ => "0".to_owned(),
    };
    numeric_type(
        ctx,
        param,
        Numeric {
            raw: quote!(i64),
            stored: quote!(i64),
            derives: quote!(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord),
            rule_type: quote!(rt::rules::IntegerRule),
            rule: quote!(rt::rules::IntegerRule { min: #min, max: #max, step: #step_tokens, step_origin: #origin }),
            from_raw: "__from_i64",
            check: quote!(Self::RULE.check(value)),
            get: quote!(self.0),
            get_doc: " The value, as sent on the wire.",
            display: quote!(std::fmt::Display::fmt(&self.0, f)),
            example: (example.clone(), example, true),
            minimum: minimum.map(Value::Integer),
            maximum: maximum.map(Value::Integer),
        },
    )
}

/// Bounded text and image URLs: a `Cow<'static, str>`, so a literal checked
/// at compile time is stored without allocating.
fn text_type(ctx: &Ctx<'_>, param: &Param) -> TokenStream {
    let name = ident(&param.type_name);
    let wire = &param.name;
    let check = match &param.kind {
        ParamKind::Text {
            min_length,
            max_length,
        } => {
            let min = option(*min_length, |n| {
                let n = uint(n);
                quote!(#n)
            });
            let max = option(*max_length, |n| {
                let n = uint(n);
                quote!(#n)
            });
            quote!(rt::rules::LengthRule { min_chars: #min, max_chars: #max }.check(value))
        }
        _ => quote!(rt::rules::check_http_url(value)),
    };
    let example = example_value(param).to_wire_text();
    let literal = value_source(ctx, param, &Value::Text(example.clone()));
    let mut code = format!(
        "use {}::{}::{{self, {}}};\n\nlet value = {literal};\nassert_eq!(value.as_str(), {example:?});\nassert_eq!({}::try_new({example:?})?, value);\n",
        ctx.lib, ctx.model.module, param.type_name, param.type_name
    );
    if let Some(rejected) = rejected_input(param) {
        code.push_str(&format!(
            "assert!({}::try_new({rejected}).is_err());\n",
            param.type_name
        ));
    }
    code.push_str(&format!("# Ok::<(), {}::ParamError>(())", ctx.lib));
    let doc = type_doc(param, &code);
    let allowed = allowed_const(param);
    let default = default_const(param);
    let impls = quote!(rt::__owned_text_traits!(#name, #wire););
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct #name(std::borrow::Cow<'static, str>);
        impl #name {
            #allowed
            #default
            /// Checks `value` against the documented rules.
            pub fn try_new(value: impl Into<String>) -> Result<Self, rt::ParamError> {
                let value = value.into();
                match Self::__check(&value) {
                    Ok(()) => Ok(Self(std::borrow::Cow::Owned(value))),
                    Err(violation) => Err(rt::ParamError::new(#wire, value, violation, Self::ALLOWED)),
                }
            }
            #[doc(hidden)]
            pub fn __from_wire(value: &str) -> Result<Self, rt::Violation> {
                Self::__check(value).map(|()| Self(std::borrow::Cow::Owned(value.to_owned())))
            }
            #[doc(hidden)]
            pub const fn __check(value: &str) -> Result<(), rt::Violation> {
                #check
            }
            /// For the literal macro, after `__check` has passed on `value`.
            /// Checks again (free in a constant), so it cannot make an invalid value.
            #[doc(hidden)]
            pub const fn __from_checked_static(value: &'static str) -> Self {
                match Self::__check(value) {
                    Ok(()) => Self(std::borrow::Cow::Borrowed(value)),
                    Err(_) => panic!("a literal that fails its check reached __from_checked_static"),
                }
            }
            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
            /// The text, owned.
            pub fn into_string(self) -> String {
                self.0.into_owned()
            }
        }
        #impls
    }
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
    let wire = &param.name;
    let opt_u32 = |v: Option<u32>| {
        option(v, |n| {
            let n = uint(n);
            quote!(#n)
        })
    };
    let opt_u64 = |v: Option<u64>| {
        option(v, |n| {
            let n = uint(n);
            quote!(#n)
        })
    };
    let (multiple_of, min_edge, max_edge) = (
        opt_u32(rules.multiple_of),
        opt_u32(rules.min_edge),
        opt_u32(rules.max_edge),
    );
    let aspect = option(rules.max_aspect_ratio, |(long, short)| {
        let (long, short) = (uint(long), uint(short));
        quote!((#long, #short))
    });
    let (min_pixels, max_pixels) = (opt_u64(rules.min_pixels), opt_u64(rules.max_pixels));
    let format = format!("{{}}{separator}{{}}");
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
            const RULE: rt::rules::CustomSizeRule = rt::rules::CustomSizeRule {
                multiple_of: #multiple_of,
                min_edge: #min_edge,
                max_edge: #max_edge,
                max_aspect_ratio: #aspect,
                min_pixels: #min_pixels,
                max_pixels: #max_pixels,
            };
            /// Checks `width` × `height` against the documented rules.
            pub fn try_new(width: u32, height: u32) -> Result<Self, rt::ParamError> {
                Self::__from_dimensions(width, height).map_err(|violation| {
                    rt::ParamError::new(#wire, format!(#format, width, height), violation, #size::ALLOWED)
                })
            }
            #[doc(hidden)]
            pub const fn __from_dimensions(width: u32, height: u32) -> Result<Self, rt::Violation> {
                if let Err(violation) = Self::RULE.check(width, height) {
                    return Err(violation);
                }
                // A preset has its own variant; a `Custom` never equals one, so
                // equal sizes compare equal.
                let mut index = 0;
                while index < #size::ALL.len() {
                    if matches!(#size::ALL[index].dimensions(), Some((w, h)) if w == width && h == height) {
                        return Err(rt::Violation::PresetSize);
                    }
                    index += 1;
                }
                Ok(Self { width, height })
            }
            /// Width in pixels.
            pub const fn width(self) -> u32 {
                self.width
            }
            /// Height in pixels.
            pub const fn height(self) -> u32 {
                self.height
            }
        }
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, #format, self.width, self.height)
            }
        }
    }
}
