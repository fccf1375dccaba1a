//! What the provider says about money before anything is sent: the price
//! of one request with exactly its inputs (`PricingInfo`), and the
//! account's balance (`BalanceInfo`).

use bytes::Bytes;
use reqwest::Method;
use serde_json::{Value, json};

use super::{Body, Client};
use crate::cost::{Currency, Money};
use crate::error::{Error, Phase};
use crate::info::{Endpoint, HttpMethod, ModelInfo};
use crate::price::Amount;
use crate::traits::ModelRequest;
use crate::transport::{Answer, Call, Transport};

impl<P> Client<P> {
    /// The provider's own price for one request with exactly these inputs
    /// (WaveSpeed's Pricing API), asked before anything is sent. A request
    /// with local images is priced once they are uploaded: their URLs are
    /// part of its inputs.
    pub async fn quote<R>(&self, request: &R) -> Result<Money, Error>
    where
        R: ModelRequest<Provider = P>,
    {
        let body = Body::of(request)?;
        self.quote_json(body.model, &body.json).await
    }

    /// [`quote`](Self::quote) for a request already written as JSON.
    pub(crate) async fn quote_json(
        &self,
        model: &'static ModelInfo,
        json: &[u8],
    ) -> Result<Money, Error> {
        let transport = &*self.transport;
        let pricing = transport.pricing.ok_or_else(|| Error::InvalidConfig {
            reason: format!(
                "{} documents no pricing endpoint to ask",
                transport.provider.display_name
            ),
        })?;
        let inputs: Value = serde_json::from_slice(json).map_err(|error| Error::InvalidConfig {
            reason: format!("the request cannot be read back as JSON: {error}"),
        })?;
        let mut query = serde_json::Map::new();
        query.insert(pricing.model_field.to_owned(), json!(model.id));
        query.insert(pricing.inputs_field.to_owned(), inputs);
        let body = Bytes::from(Value::Object(query).to_string());
        let answer = ask(transport, pricing.endpoint, Some(body), Some(model.id)).await?;
        let call = call(transport, Some(model.id));
        let value = read(&call, &answer, pricing.envelope_code)?;
        let amount = at(&value, pricing.price).and_then(amount);
        let currency = at(&value, pricing.currency)
            .and_then(Value::as_str)
            .and_then(Currency::new);
        match (amount, currency) {
            (Some(amount), Some(currency)) => Ok(Money::new(amount, currency)),
            _ => Err(call.undecodable(
                answer.status,
                format!(
                    "the pricing answer has no price at `{}` with a currency at `{}`",
                    pricing.price, pricing.currency
                ),
                &answer.body,
            )),
        }
    }

    /// The provider's price of `json` (for `model`), from this client's
    /// cache of quotes when it has asked for the same body before.
    pub(crate) async fn cached_quote(
        &self,
        model: &'static ModelInfo,
        json: &[u8],
    ) -> Result<Money, Error> {
        let key = (model.id, json.to_vec());
        if let Some(quotes) = &self.transport.quotes
            && let Some(money) = quotes.lock().ok().and_then(|q| q.get(&key).copied())
        {
            return Ok(money);
        }
        let money = self.quote_json(model, json).await?;
        if let Some(quotes) = &self.transport.quotes
            && let Ok(mut quotes) = quotes.lock()
        {
            quotes.insert(key, money);
        }
        Ok(money)
    }

    /// The account's balance, as the provider answers it.
    pub async fn balance(&self) -> Result<Money, Error> {
        let transport = &*self.transport;
        let balance = transport.balance.ok_or_else(|| Error::InvalidConfig {
            reason: format!(
                "{} documents no balance endpoint",
                transport.provider.display_name
            ),
        })?;
        let currency = Currency::new(balance.currency).ok_or_else(|| Error::InvalidConfig {
            reason: format!("`{}` is not a currency code", balance.currency),
        })?;
        let answer = ask(transport, balance.endpoint, None, None).await?;
        let call = call(transport, None);
        let value = read(&call, &answer, balance.envelope_code)?;
        at(&value, balance.balance)
            .and_then(amount)
            .map(|amount| Money::new(amount, currency))
            .ok_or_else(|| {
                call.undecodable(
                    answer.status,
                    format!("the balance answer has no amount at `{}`", balance.balance),
                    &answer.body,
                )
            })
    }
}

fn call<'a>(transport: &Transport, model: Option<&'a str>) -> Call<'a> {
    let deadline = crate::Deadline::after(transport.timeouts.overall);
    Call {
        phase: Phase::Poll,
        model,
        prediction_id: None,
        started: deadline.started(),
        deadline: deadline.at(),
    }
}

/// One read (retried like a status check: it changes nothing).
async fn ask(
    transport: &Transport,
    endpoint: Endpoint,
    body: Option<Bytes>,
    model: Option<&str>,
) -> Result<Answer, Error> {
    let url = transport.api_url(endpoint.path)?;
    let method = match endpoint.method {
        HttpMethod::Get => Method::GET,
        HttpMethod::Post => Method::POST,
    };
    let call = call(transport, model);
    transport
        .with_retries(&call, &url, true, |_| {
            transport.attempt(
                method.clone(),
                &url,
                body.clone(),
                transport.timeouts.request,
            )
        })
        .await
        .map_err(|error| error.redacted(&transport.redactor))
}

/// The answer as JSON, its envelope code checked.
pub(super) fn read(
    call: &Call<'_>,
    answer: &Answer,
    envelope_code: Option<&str>,
) -> Result<Value, Error> {
    let value: Value = serde_json::from_slice(&answer.body).map_err(|error| {
        call.undecodable(answer.status, format!("not JSON: {error}"), &answer.body)
    })?;
    if let Some(path) = envelope_code
        && let Some(code) = at(&value, path).and_then(Value::as_u64)
        && code != 200
    {
        return Err(Error::Server {
            prediction_id: None,
            status: u16::try_from(code).unwrap_or(500),
            message: value
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("the request failed")
                .to_owned(),
        });
    }
    Ok(value)
}

/// An exact amount from a JSON number or numeric string (`0.45`).
fn amount(value: &Value) -> Option<Amount> {
    match value {
        Value::Number(number) => Amount::parse(&number.to_string()),
        Value::String(text) => Amount::parse(text.trim()),
        _ => None,
    }
}

/// The value at a dotted path (`data.unit_price`).
pub(super) fn at<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |value, key| value.get(key))
}
