//! The API listener's routing: `/__sim/...` for control, `/<provider>/...`
//! for each provider, whose documented paths (submit, result, upload) follow
//! the prefix.

use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, Request, Response};
use hyper::body::Incoming;

use crate::catalog::ProviderApi;
use crate::request_body::{self, BodyError};
use crate::respond::errors::ApiError;
use crate::respond::{Dropped, Reply, WireBody};
use crate::state::State;
use crate::{account, assets, control, history, poll, submit, upload, webhooks};

/// Largest request body read, uploads aside (prompts are at most tens of
/// kilobytes; input images are URLs).
const MAX_BODY: u64 = 8 * 1024 * 1024;

/// A request to the API listener.
pub(crate) async fn api(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<WireBody>, Dropped> {
    route(&state, request).await.into_response()
}

/// A request to the assets listener.
pub(crate) async fn assets(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<WireBody>, Dropped> {
    let (parts, body) = request.into_parts();
    // Read the whole request before answering, so that closing the connection
    // afterwards never resets it under an unread body.
    let _ = read_body(body, &parts.headers).await;
    assets::handle(&state, &parts.method, parts.uri.path(), &parts.headers)
        .await
        .into_response()
}

async fn route(state: &Arc<State>, request: Request<Incoming>) -> Reply {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();

    let trimmed = path.trim_start_matches('/');
    let (name, rest) = trimmed.split_once('/').unwrap_or((trimmed, ""));
    let rest = format!("/{rest}");
    let api = state.catalog.provider(name);
    // An upload reads its own body, with the file's limit rather than
    // [`MAX_BODY`].
    if let Some(api) = api
        && api.is_upload_path(&rest)
        && api.is_upload_method(&parts.method)
    {
        return upload::handle(state, api, &parts.headers, body).await;
    }
    let body = read_body(body, &parts.headers).await;

    if let Some(rest) = path.strip_prefix("/__sim/") {
        return control::handle(state, &parts.method, rest, body.map_err(|e| e.message));
    }
    let Some(api) = api else {
        let names: Vec<&str> = state.catalog.providers.iter().map(|p| p.name()).collect();
        return ApiError::not_found(format!(
            "no provider at `/{name}`; the emulator serves {}",
            names
                .iter()
                .map(|n| format!("/{n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .reply_plain();
    };

    if let Some(catalog) = &api.spec.catalog
        && catalog.endpoint.path == rest
        && parts.method == http::Method::GET
    {
        return models_listing(state, api, &parts.headers);
    }
    if let Some(listing) = &api.spec.history
        && listing.endpoint.path == rest
    {
        if method_is(&parts.method, listing.endpoint.method) {
            return history::handle(state, api, listing, &parts.headers, body).await;
        }
        return method_not_allowed(
            api,
            &parts.method,
            &rest,
            method_name(listing.endpoint.method),
        );
    }
    if api.is_upload_path(&rest) {
        let allow = api
            .spec
            .upload
            .as_ref()
            .map_or("POST", |upload| method_name(upload.endpoint.method));
        return method_not_allowed(api, &parts.method, &rest, allow);
    }
    if let Some(pricing) = &api.spec.pricing
        && pricing.path == rest
    {
        if method_is(&parts.method, pricing.method) {
            return account::price(state, api, pricing, &parts.headers, body);
        }
        return method_not_allowed(api, &parts.method, &rest, method_name(pricing.method));
    }
    if let Some(balance) = &api.spec.balance
        && balance.path == rest
    {
        if method_is(&parts.method, balance.method) {
            return account::balance(state, api, &parts.headers);
        }
        return method_not_allowed(api, &parts.method, &rest, method_name(balance.method));
    }
    if let Some(webhook) = &api.spec.webhook
        && webhook.secret_path == rest
    {
        if method_is(&parts.method, webhook.secret_method) {
            return webhooks::secret(state, api, &parts.headers);
        }
        return method_not_allowed(
            api,
            &parts.method,
            &rest,
            method_name(webhook.secret_method),
        );
    }
    let models = api.models_at(&parts.method, &rest);
    if !models.is_empty() {
        let webhook_url = api.spec.webhook.as_ref().and_then(|webhook| {
            url::form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
                .find(|(name, _)| *name == webhook.query_param.as_str())
                .map(|(_, value)| value.into_owned())
        });
        return submit::handle(state, api, models, &parts.headers, body, webhook_url).await;
    }
    if let Some(id) = api.result_id(&rest) {
        if api.is_result_method(&parts.method) {
            return poll::handle(state, api, id, &parts.headers).await;
        }
        return method_not_allowed(api, &parts.method, &rest, "GET");
    }
    if api.is_submit_path(&rest) {
        return method_not_allowed(api, &parts.method, &rest, "POST");
    }
    not_found(api, &parts.method, &rest)
}

/// The provider's model listing, built from the specs it serves, with
/// their endpoints on this emulator (the host the request named).
fn models_listing(state: &Arc<State>, api: &ProviderApi, headers: &HeaderMap) -> Reply {
    if let Err(problem) = crate::auth::check(&api.spec.auth, headers, &state.config.api_key) {
        return ApiError::unauthorized(problem).reply(api);
    }
    let host = headers
        .get(http::header::HOST)
        .and_then(|host| host.to_str().ok())
        .unwrap_or("127.0.0.1");
    let server = format!("http://{host}/{}", api.name());
    Reply::json(200, &crate::models_api::answer(&api.spec, &server))
}

fn method_not_allowed(api: &ProviderApi, method: &http::Method, path: &str, allow: &str) -> Reply {
    ApiError::new(405, None, format!("`{path}` takes {allow}, not {method}"))
        .reply(api)
        .header("allow", allow)
}

/// 404 listing what the provider does serve.
fn not_found(api: &ProviderApi, method: &http::Method, path: &str) -> Reply {
    let mut endpoints: Vec<String> = api
        .spec
        .models
        .iter()
        .map(|m| format!("{} {}", method_name(api.spec.submit.method), m.submit_path))
        .collect();
    if let Some(result) = &api.spec.result {
        endpoints.push(format!("{} {}", method_name(result.method), result.path));
    }
    if let Some(upload) = &api.spec.upload {
        endpoints.push(format!(
            "{} {}",
            method_name(upload.endpoint.method),
            upload.endpoint.path
        ));
    }
    ApiError::not_found(format!(
        "no endpoint `{method} {path}` on {}; it serves {}",
        api.name(),
        endpoints.join(", ")
    ))
    .reply(api)
}

fn method_is(method: &http::Method, spec: imagegen_spec::ir::Method) -> bool {
    method.as_str() == method_name(spec)
}

fn method_name(method: imagegen_spec::ir::Method) -> &'static str {
    match method {
        imagegen_spec::ir::Method::Get => "GET",
        imagegen_spec::ir::Method::Post => "POST",
    }
}

/// The request body, at most [`MAX_BODY`] bytes.
async fn read_body(body: Incoming, headers: &HeaderMap) -> Result<Bytes, ApiError> {
    request_body::read(body, headers, MAX_BODY)
        .await
        .map_err(|error| match error {
            BodyError::TooLarge { limit, .. } => ApiError::new(
                413,
                None,
                format!("the request body is larger than {limit} bytes"),
            ),
            BodyError::Unreadable(error) => {
                ApiError::bad_request(format!("the request body could not be read: {error}"), None)
            }
        })
}
