//! The model's static description, `MODEL`.

use proc_macro2::TokenStream;
use quote::quote;

use imagegen_spec::ir::{Method, ParamKind};

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
        quote!(rt::info::EstimatedTime { min_ms: #min_ms, max_ms: #max_ms })
    });
    let cost_cents = option(model.cost_cents, |c| {
        let c = uint(c);
        quote!(#c)
    });
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
    let parameters = model.parameters.iter().map(|param| {
        let name = &param.name;
        let kind = match &param.kind {
            ParamKind::Boolean => quote!(Boolean),
            ParamKind::Text { .. } => quote!(Text),
            ParamKind::Choice { .. } => quote!(Choice),
            ParamKind::Integer { .. } => quote!(Integer),
            ParamKind::Number { .. } => quote!(Number),
            ParamKind::ImageUrl { .. } => quote!(ImageUrl),
            ParamKind::ImageSize { .. } => quote!(ImageSize),
        };
        let required = param.required;
        let fixed = option(param.fixed.as_ref(), |v| {
            let v = v.to_wire_text();
            quote!(#v)
        });
        let default = option(param.default_text(), |v| quote!(#v));
        let allowed = param.allowed();
        let description = &param.description;
        let meaning = option(param.meaning, |m| {
            // A derived `Debug` of a fieldless enum prints the variant's name.
            let variant = ident(&format!("{m:?}"));
            quote!(rt::info::Meaning::#variant)
        });
        let choices: Vec<&str> = match &param.kind {
            ParamKind::Choice { values } => values.iter().map(|c| c.wire.as_str()).collect(),
            ParamKind::ImageSize { presets, .. } => {
                presets.iter().map(|p| p.wire.as_str()).collect()
            }
            _ => Vec::new(),
        };
        let size_separator = option(
            match &param.kind {
                ParamKind::ImageSize { separator, .. } => Some(*separator),
                _ => None,
            },
            |c| quote!(#c),
        );
        quote! {
            rt::info::ParamInfo {
                name: #name,
                kind: rt::info::ParamKind::#kind,
                required: #required,
                fixed: #fixed,
                default: #default,
                allowed: #allowed,
                description: #description,
                meaning: #meaning,
                choices: &[#(#choices),*],
                size_separator: #size_separator,
            }
        }
    });
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
            submit: #submit,
            sync_mode: #sync_mode,
            base64_output: #base64_output,
            parameters: &[#(#parameters),*],
        };
    }
}
