//! The model's static description, `MODEL`.

use proc_macro2::TokenStream;
use quote::quote;

use imagegen_spec::ir::{Amount, Method, Param, ParamKind, Price, PriceTable};

use super::Ctx;
use crate::docs;
use crate::names::{ident, option, uint};
use crate::provider_endpoint;
use crate::readme::task_name;

pub(crate) fn model_static(ctx: &Ctx<'_>) -> TokenStream {
    let model = ctx.model;
    let doc = docs::outer(&format!(
        "{} as documented: endpoint, estimates and parameter table.",
        model.display_name
    ));
    let (id, display_name, summary, task) = (
        &model.id,
        &model.display_name,
        &model.summary,
        task_name(model),
    );
    let estimated_time = option(model.estimated_time.as_ref(), |t| {
        let (min_ms, max_ms) = (uint(t.min_ms), uint(t.max_ms));
        quote!(rt::info::EstimatedTime::millis(#min_ms, #max_ms))
    });
    let cost_cents = option(model.cost_cents, |c| {
        let c = uint(c);
        quote!(#c)
    });
    let price = option(model.price.as_ref(), price_literal);
    let source = &model.source;
    let submit = provider_endpoint(
        Method::Post,
        &model.submit_path,
        ctx.provider.submit.success_status,
    );
    let sync_mode = option(model.sync_mode.as_deref(), |p| quote!(#p));
    let base64_output = option(model.base64_output.as_ref(), |(parameter, value)| {
        let value = value.to_wire_text();
        quote!(rt::info::Base64Switch { parameter: #parameter, value: #value })
    });
    let parameters = model.parameters.iter().map(|param| param_row(ctx, param));
    quote! {
        #doc
        pub static MODEL: rt::info::ModelInfo = rt::info::ModelInfo {
            provider: &crate::PROVIDER,
            id: #id,
            display_name: #display_name,
            summary: #summary,
            task: #task,
            estimated_time: #estimated_time,
            cost_cents: #cost_cents,
            price: #price,
            source: #source,
            submit: #submit,
            sync_mode: #sync_mode,
            base64_output: #base64_output,
            parameters: &[#(#parameters),*],
        };
    }
}

/// `rt::price::Price { .. }` for a checked price.
fn price_literal(price: &Price) -> TokenStream {
    let amount = |amount: &Amount| {
        let (units, scale) = amount.parts();
        let (units, scale) = (uint(units), uint(scale));
        quote!(rt::price::Amount::new(#units, #scale))
    };
    let (currency, source) = (&price.currency, &price.source);
    let per = ident(&format!("{:?}", price.per));
    let table = match &price.table {
        PriceTable::Flat(value) => {
            let value = amount(value);
            quote!(rt::price::PriceTable::Flat(#value))
        }
        PriceTable::By { parameter, amounts } => {
            let rows = amounts.iter().map(|(wire, value)| {
                let value = amount(value);
                quote!((#wire, #value))
            });
            quote!(rt::price::PriceTable::By { parameter: #parameter, amounts: &[#(#rows),*] })
        }
    };
    quote! {
        rt::price::Price {
            currency: #currency,
            per: rt::price::PricePer::#per,
            table: #table,
            source: #source,
        }
    }
}

/// A parameter's row of the table: from its type where it has one (name,
/// kind, allowed values and choices are written once, on the type), then
/// what the row adds.
fn param_row(ctx: &Ctx<'_>, param: &Param) -> TokenStream {
    let description = &param.description;
    let mut row = if param.has_own_type() {
        let ty = ident(&param.type_name);
        quote!(rt::info::ParamInfo::of::<#ty>().described(#description))
    } else {
        let name = &param.name;
        let kind = ident(match &param.kind {
            ParamKind::Boolean => "Boolean",
            ParamKind::Text { .. } => "Text",
            ParamKind::Choice {
                wire: imagegen_spec::ir::ChoiceWire::Integer | imagegen_spec::ir::ChoiceWire::Number,
                ..
            } => "NumberChoice",
            ParamKind::Choice { .. } => "Choice",
            ParamKind::Integer { .. } => "Integer",
            ParamKind::Number { .. } => "Number",
            ParamKind::ImageUrl { .. } => "ImageUrl",
            ParamKind::ImageList { .. } => "ImageList",
            ParamKind::ObjectList { .. } => "ObjectList",
            ParamKind::ImageSize { .. } => "ImageSize",
        });
        let allowed = param.allowed();
        let mut row = quote! {
            rt::info::ParamInfo::new(#name, rt::info::ParamKind::#kind, #allowed).described(#description)
        };
        let choices: Vec<&str> = match &param.kind {
            ParamKind::Choice { values, .. } => values.iter().map(|c| c.wire.as_str()).collect(),
            _ => Vec::new(),
        };
        if !choices.is_empty() {
            row.extend(quote!(.with_choices(&[#(#choices),*])));
        }
        row
    };
    if param.required {
        row.extend(quote!(.required()));
    }
    if let Some(fixed) = &param.fixed {
        let fixed = fixed.to_wire_text();
        row.extend(quote!(.with_fixed(#fixed)));
    }
    if let Some(default) = param.default_text() {
        row.extend(quote!(.with_default(#default)));
    }
    if let Some(meaning) = param.meaning {
        // A derived `Debug` of a fieldless enum prints the variant's name.
        let variant = ident(&format!("{meaning:?}"));
        row.extend(quote!(.with_meaning(rt::info::Meaning::#variant)));
    }
    let alternatives =
        super::alternatives::local_alternatives(ctx.providers, ctx.provider, &ctx.model.id, param);
    if !alternatives.is_empty() {
        row.extend(quote!(.with_local_alternatives(&[#(#alternatives),*])));
    }
    row
}
