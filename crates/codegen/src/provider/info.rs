//! The provider's marker type and its static description.

use proc_macro2::TokenStream;
use quote::quote;

use imagegen_spec::ir::{ErrorKind, Method, Outcome, Protocol, Provider};

use crate::docs;
use crate::names::{ident, option, uint};

pub(crate) fn marker(provider: &Provider, target: crate::Target) -> TokenStream {
    let name = ident(&provider.rust_name);
    let submit = ident(&provider.submit_response);
    let result = ident(
        provider
            .result_response
            .as_deref()
            .unwrap_or(&provider.submit_response),
    );
    let upload = match &provider.upload {
        Some(upload) => {
            let name = ident(&upload.response);
            quote!(#name)
        }
        None => quote!(rt::NoUpload),
    };
    let doc = docs::outer(&format!(
        "The {} API, as a type: names the provider to the runtime, which reads\n\
         [`PROVIDER`] and decodes its answers as [`{}`]{}.",
        provider.display_name,
        provider.submit_response,
        provider
            .result_response
            .as_ref()
            .map_or(String::new(), |r| format!(" and [`{r}`]")),
    ));
    let client_doc = docs::outer(&format!(
        "A client for the {} API: [`Client::from_env`](imagegen_runtime::Client::from_env) reads the key \
         from `{}` (and the base URL from `{}` if set); \
         [`Client::builder`](imagegen_runtime::Client::builder) sets them and the timeouts, retries and \
         polling in code. With the `client` feature (on by default).",
        provider.display_name, provider.auth.env_var, provider.base_url_env_var
    ));
    let entries = provider.models.iter().map(|model| {
        let module = ident(&model.module);
        let gate = target.feature_gate(&model.feature);
        quote!(#gate &crate::#module::ENTRY)
    });
    let catalog_doc = docs::outer(&format!(
        "The {} API and its models (those whose feature is on), for callers that pick a \
         model by name at run time: the command line, batch files, the provider-neutral request. \
         With the `client` feature (on by default).",
        provider.display_name
    ));
    let client = target.feature_gate("client");
    let history_const = match &provider.history {
        Some(_) => quote!(
            const HISTORY: Option<&'static rt::info::HistoryInfo> = Some(&HISTORY);
        ),
        None => quote!(),
    };
    let history_static = provider.history.as_ref().map(history_static);
    let webhook_const = match &provider.webhook {
        Some(_) => quote!(
            const WEBHOOK: Option<&'static rt::info::WebhookInfo> = Some(&WEBHOOK);
        ),
        None => quote!(),
    };
    let webhook_static = provider.webhook.as_ref().map(webhook_static);
    let pricing_const = match &provider.pricing {
        Some(_) => quote!(
            const PRICING: Option<&'static rt::info::PricingInfo> = Some(&PRICING);
        ),
        None => quote!(),
    };
    let pricing_static = provider.pricing.as_ref().map(pricing_static);
    let balance_const = match &provider.balance {
        Some(_) => quote!(
            const BALANCE: Option<&'static rt::info::BalanceInfo> = Some(&BALANCE);
        ),
        None => quote!(),
    };
    let balance_static = provider.balance.as_ref().map(balance_static);
    quote! {
        #history_static
        #webhook_static
        #pricing_static
        #balance_static
        #catalog_doc
        #client
        pub static CATALOG: imagegen_runtime::dynamic::ProviderEntry =
            imagegen_runtime::dynamic::ProviderEntry::of::<#name>(&[#(#entries),*]);
        #client_doc
        #client
        pub type Client = imagegen_runtime::Client<#name>;
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct #name;
        impl rt::Provider for #name {
            const INFO: &'static rt::info::ProviderInfo = &PROVIDER;
            type SubmitResponse = #submit;
            type ResultResponse = #result;
            type UploadResponse = #upload;
            #history_const
            #webhook_const
            #pricing_const
            #balance_const
        }
    }
}

/// `WEBHOOK`: how finished predictions are sent to a URL, signed.
fn webhook_static(webhook: &imagegen_spec::ir::Webhook) -> TokenStream {
    let doc = docs::outer(&format!(
        "How finished predictions are sent to a URL given with the submission, and signed ({}); \
         `imagegen_runtime::webhook::verify` checks a delivery with it.",
        webhook.source
    ));
    let secret = endpoint_tokens(webhook.secret_method, &webhook.secret_path, None);
    let prefix = option(webhook.secret_prefix.as_ref(), |prefix| quote!(#prefix));
    let (query, id, timestamp, signature, version) = (
        &webhook.query_param,
        &webhook.id_header,
        &webhook.timestamp_header,
        &webhook.signature_header,
        &webhook.signature_version,
    );
    let max_age = uint(webhook.max_age_seconds);
    quote! {
        #doc
        pub static WEBHOOK: rt::info::WebhookInfo = rt::info::WebhookInfo {
            query_param: #query,
            secret: #secret,
            secret_prefix: #prefix,
            id_header: #id,
            timestamp_header: #timestamp,
            signature_header: #signature,
            signature_version: #version,
            max_age_seconds: #max_age,
        };
    }
}

/// `PRICING`: where one request is priced before it is sent.
fn pricing_static(pricing: &imagegen_spec::ir::Pricing) -> TokenStream {
    let doc = docs::outer(&format!(
        "Where one request is priced with exactly its inputs before it is sent ({}).",
        pricing.source
    ));
    let endpoint = endpoint_tokens(pricing.method, &pricing.path, None);
    let envelope_code = option(pricing.envelope_code.as_ref(), |path| quote!(#path));
    let (model, inputs, price, currency) = (
        &pricing.model_field,
        &pricing.inputs_field,
        &pricing.price,
        &pricing.currency,
    );
    quote! {
        #doc
        pub static PRICING: rt::info::PricingInfo = rt::info::PricingInfo {
            endpoint: #endpoint,
            model_field: #model,
            inputs_field: #inputs,
            envelope_code: #envelope_code,
            price: #price,
            currency: #currency,
        };
    }
}

/// `BALANCE`: where the account's balance is read.
fn balance_static(balance: &imagegen_spec::ir::Balance) -> TokenStream {
    let doc = docs::outer(&format!(
        "Where the account's balance is read ({}).",
        balance.source
    ));
    let endpoint = endpoint_tokens(balance.method, &balance.path, None);
    let envelope_code = option(balance.envelope_code.as_ref(), |path| quote!(#path));
    let (path, currency) = (&balance.balance, &balance.currency);
    quote! {
        #doc
        pub static BALANCE: rt::info::BalanceInfo = rt::info::BalanceInfo {
            endpoint: #endpoint,
            envelope_code: #envelope_code,
            balance: #path,
            currency: #currency,
        };
    }
}

/// `HISTORY`: where the provider lists recent predictions.
fn history_static(history: &imagegen_spec::ir::History) -> TokenStream {
    let doc = docs::outer(&format!(
        "Where recent predictions are listed ({}): a submission whose answer was lost is \
         looked for there.",
        history.source
    ));
    let endpoint = endpoint_tokens(history.endpoint.method, &history.endpoint.path, None);
    let request = &history.request;
    let (page, page_size, model, after, before) = (
        &request.page,
        &request.page_size,
        &request.model,
        &request.created_after,
        &request.created_before,
    );
    let (first_page, max_page_size) = (uint(history.first_page), uint(history.max_page_size));
    let retention_days = option(history.retention_days, |days| {
        let days = uint(days);
        quote!(#days)
    });
    let response = &history.response;
    let text = |value: Option<&String>| option(value, |value| quote!(#value));
    let envelope_code = text(response.envelope_code.as_ref());
    let total = text(response.total.as_ref());
    let status_url = text(response.status_url.as_ref());
    let (items, id, item_model, status, created_at) = (
        &response.items,
        &response.id,
        &response.model,
        &response.status,
        &response.created_at,
    );
    quote! {
        #doc
        pub static HISTORY: rt::info::HistoryInfo = rt::info::HistoryInfo {
            endpoint: #endpoint,
            page_field: #page,
            page_size_field: #page_size,
            model_field: #model,
            created_after_field: #after,
            created_before_field: #before,
            first_page: #first_page,
            max_page_size: #max_page_size,
            retention_days: #retention_days,
            envelope_code: #envelope_code,
            items: #items,
            total: #total,
            item_id: #id,
            item_model: #item_model,
            item_status: #status,
            item_created_at: #created_at,
            item_status_url: #status_url,
        };
    }
}

pub(crate) fn provider_static(provider: &Provider) -> TokenStream {
    let doc = docs::outer(&format!(
        "Where and how to call {}, and how to read its answers, as documented.",
        provider.display_name
    ));
    let name = &provider.name;
    let display_name = &provider.display_name;
    let base_url = &provider.base_url;
    let base_url_env_var = &provider.base_url_env_var;
    let header = &provider.auth.header;
    let scheme = option(provider.auth.scheme.as_deref(), |s| quote!(#s));
    let env_var = &provider.auth.env_var;
    let key_url = option(provider.auth.key_url.as_deref(), |s| quote!(#s));
    let protocol = match provider.protocol {
        Protocol::FlatPredictionQueue => quote!(FlatPredictionQueue),
        Protocol::EnvelopePredictionQueue => quote!(EnvelopePredictionQueue),
        Protocol::OpenaiSync => quote!(OpenAiSync),
    };
    let result = option(provider.result.as_ref(), |endpoint| {
        endpoint_tokens(endpoint.method, &endpoint.path, endpoint.success_status)
    });
    let statuses = provider.statuses.iter().map(|status| {
        let value = &status.value;
        let outcome = option(status.outcome, |outcome| match outcome {
            Outcome::Success => quote!(rt::info::Outcome::Succeeded),
            Outcome::Failure => quote!(rt::info::Outcome::Failed),
        });
        quote!(rt::info::StatusInfo { value: #value, outcome: #outcome })
    });
    let errors = provider.errors.iter().map(|error| {
        let (code, http_status, name, description) = (
            uint(error.code),
            uint(error.http_status),
            &error.name,
            &error.description,
        );
        let kind = match error.kind {
            ErrorKind::BadRequest => quote!(BadRequest),
            ErrorKind::Unauthorized => quote!(Unauthorized),
            ErrorKind::Forbidden => quote!(Forbidden),
            ErrorKind::RateLimited => quote!(RateLimited),
            ErrorKind::ServerError => quote!(ServerError),
            ErrorKind::ContentPolicy => quote!(ContentPolicy),
        };
        quote! {
            rt::info::ErrorInfo {
                code: #code,
                http_status: #http_status,
                name: #name,
                kind: rt::info::ErrorKind::#kind,
                description: #description,
            }
        }
    });
    let messages = &provider.content_policy_messages;
    let sync_mode_returns_outputs = provider.sync_mode_returns_outputs;
    let upload = option(provider.upload.as_ref(), |upload| {
        let endpoint = endpoint_tokens(upload.endpoint.method, &upload.endpoint.path, None);
        let field = &upload.field;
        let max_bytes = uint(upload.max_bytes);
        let retention_days = option(upload.retention_days, |days| {
            let days = uint(days);
            quote!(#days)
        });
        let billed = upload.billed;
        quote! {
            rt::info::UploadInfo {
                endpoint: #endpoint,
                field: #field,
                max_bytes: #max_bytes,
                retention_days: #retention_days,
                billed: #billed,
            }
        }
    });
    quote! {
        #doc
        pub static PROVIDER: rt::info::ProviderInfo = rt::info::ProviderInfo {
            name: #name,
            display_name: #display_name,
            base_url: #base_url,
            base_url_env_var: #base_url_env_var,
            auth: rt::info::AuthInfo {
                header: #header,
                scheme: #scheme,
                env_var: #env_var,
                key_url: #key_url,
            },
            protocol: rt::info::Protocol::#protocol,
            result: #result,
            statuses: &[#(#statuses),*],
            errors: &[#(#errors),*],
            content_policy_messages: &[#(#messages),*],
            sync_mode_returns_outputs: #sync_mode_returns_outputs,
            upload: #upload,
        };
    }
}

pub(crate) fn endpoint_tokens(
    method: Method,
    path: &str,
    success_status: Option<u16>,
) -> TokenStream {
    let constructor = match method {
        Method::Get => quote!(get),
        Method::Post => quote!(post),
    };
    let mut tokens = quote!(rt::info::Endpoint::#constructor(#path));
    if let Some(status) = success_status {
        let status = uint(status);
        tokens.extend(quote!(.answering(#status)));
    }
    tokens
}
