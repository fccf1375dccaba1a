//! What a provider answers about money (`pricing:` and `balance:` in its
//! provider.yaml): the price of one request with exactly its inputs, from
//! the spec's documented price (a model whose page states none has no
//! price the emulator could give: it answers 400 saying so), and the
//! account's balance, which each accepted prediction's documented price
//! draws down (the emulator's choice: the docs do not say when a charge
//! lands).

use std::sync::Arc;

use http::HeaderMap;
use imagegen_spec::ir::{Model, PriceTable, Pricing};
use serde_json::{Map, Value, json};

use crate::auth;
use crate::catalog::ProviderApi;
use crate::plan;
use crate::respond::Reply;
use crate::respond::errors::ApiError;
use crate::state::State;

/// What the emulator's account holds at start, in the balance's currency.
pub const START_BALANCE: &str = "100.00";

/// `POST <pricing path>` with `{model_id, inputs}`.
pub(crate) fn price(
    state: &Arc<State>,
    api: &ProviderApi,
    pricing: &Pricing,
    headers: &HeaderMap,
    body: Result<bytes::Bytes, ApiError>,
) -> Reply {
    if let Err(problem) = auth::check(&api.spec.auth, headers, &state.config.api_key) {
        return ApiError::unauthorized(problem).reply(api);
    }
    let request: Value = match body.and_then(|body| {
        serde_json::from_slice(&body)
            .map_err(|error| ApiError::bad_request(format!("the body is not JSON: {error}"), None))
    }) {
        Ok(request) => request,
        Err(error) => return error.reply(api),
    };
    let Some(model_id) = request.get(&pricing.model_field).and_then(Value::as_str) else {
        return ApiError::bad_request(
            format!("`{}` (a model id) is required", pricing.model_field),
            Some(pricing.model_field.clone()),
        )
        .reply(api);
    };
    let Some(inputs) = request
        .get(&pricing.inputs_field)
        .and_then(Value::as_object)
    else {
        return ApiError::bad_request(
            format!(
                "`{}` (the request's parameters, an object) is required",
                pricing.inputs_field
            ),
            Some(pricing.inputs_field.clone()),
        )
        .reply(api);
    };
    let Some(model) = api.spec.models.iter().find(|m| m.id == model_id) else {
        return ApiError::not_found(format!("no model `{model_id}` on {}", api.name())).reply(api);
    };
    match documented_price(model, inputs) {
        Some((amount, currency)) => Reply::json(
            200,
            &json!({"code": 200, "message": "success", "data": {
                "model_id": model_id, "unit_price": amount, "currency": currency,
            }}),
        ),
        None => ApiError::bad_request(
            format!(
                "the emulator knows no price for `{model_id}` with these inputs: its documentation states none"
            ),
            None,
        )
        .reply(api),
    }
}

/// `GET <balance path>`: the account's balance.
pub(crate) fn balance(state: &Arc<State>, api: &ProviderApi, headers: &HeaderMap) -> Reply {
    if let Err(problem) = auth::check(&api.spec.auth, headers, &state.config.api_key) {
        return ApiError::unauthorized(problem).reply(api);
    }
    let spent = state.spent(api.name());
    let start = START_BALANCE.parse::<f64>().unwrap_or(0.0);
    Reply::json(
        200,
        &json!({"code": 200, "message": "success", "data": {"balance": (start - spent).max(0.0)}}),
    )
}

/// The documented price of one request with `inputs` (defaults filled in),
/// as a number and its currency; `None` where the page prices nothing.
pub(crate) fn documented_price(
    model: &Model,
    inputs: &Map<String, Value>,
) -> Option<(f64, String)> {
    let price = model.price.as_ref()?;
    let values = plan::effective(model, inputs);
    let amount = match &price.table {
        PriceTable::Flat(amount) => *amount,
        PriceTable::By { parameter, amounts } => {
            let value = values.get(parameter)?;
            let wire = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            amounts.iter().find(|(w, _)| *w == wire).map(|(_, a)| *a)?
        }
    };
    let amount = match price.per {
        imagegen_spec::ir::PricePer::Request => amount,
        imagegen_spec::ir::PricePer::Image => {
            amount.times(u64::from(plan::plan(model, &values, None).count))?
        }
    };
    Some((amount.to_f64(), price.currency.clone()))
}
