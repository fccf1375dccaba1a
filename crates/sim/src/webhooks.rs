//! Webhooks as a provider documents them (`webhook:` in its provider.yaml):
//! the signing secret on its endpoint, and for a submission that named a
//! webhook URL, a signed POST of the finished prediction to it, retried
//! with exponential backoff when the receiver fails, as the docs say. The
//! delivery faults (`Target::Webhook`) lose, delay, duplicate, forge and
//! replay deliveries.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use imagegen_spec::ir::Webhook;
use ring::hmac;
use serde_json::{Value, json};

use crate::auth;
use crate::catalog::ProviderApi;
use crate::faults::{Fault, Site, Target};
use crate::log::{DeliveryKind, WebhookDelivery};
use crate::respond::Reply;
use crate::respond::errors::ApiError;
use crate::state::State;

/// The first retry's pause; each later one doubles it. The docs say
/// "exponential backoff" without figures: this is the emulator's choice.
const FIRST_RETRY: Duration = Duration::from_millis(200);

/// How long a receiver may take to answer one delivery.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// How far back a replayed delivery is stamped.
const STALE_BY: Duration = Duration::from_secs(600);

/// `GET <secret path>`: the account's signing secret. The docs show no
/// answer body; the emulator answers the provider's envelope with
/// `data.secret`.
pub(crate) fn secret(state: &Arc<State>, api: &ProviderApi, headers: &HeaderMap) -> Reply {
    if let Err(problem) = auth::check(&api.spec.auth, headers, &state.config.api_key) {
        return ApiError::unauthorized(problem).reply(api);
    }
    Reply::json(
        200,
        &json!({"code": 200, "message": "success", "data": {"secret": state.webhook_secret}}),
    )
}

/// Delivers prediction `id` to `url` once it ends.
pub(crate) fn deliver(
    state: Arc<State>,
    provider: String,
    webhook: Webhook,
    id: String,
    url: String,
) {
    tokio::spawn(async move {
        let Some(prediction) = state.predictions.get(&id) else {
            return;
        };
        tokio::time::sleep_until(tokio::time::Instant::from_std(prediction.ends)).await;
        let Some(api) = state.catalog.provider(&provider) else {
            return;
        };
        // Read again: moderation may have failed it meanwhile.
        let prediction = state.predictions.get(&id).unwrap_or(prediction);
        let site = Site {
            target: Target::Webhook,
            prediction: Some(&id),
            prompt: Some(&prediction.prompt),
        };
        let faults = state.take_modifiers(&site, |fault| {
            matches!(
                fault,
                Fault::DropConnection
                    | Fault::DuplicateDelivery
                    | Fault::DelayedDelivery { .. }
                    | Fault::ForgedDelivery
                    | Fault::StaleDelivery
            )
        });
        let webhook_id = format!("{:016x}{:08x}", fastrand::u64(..), fastrand::u32(..));
        let record = |kind, status| WebhookDelivery {
            prediction_id: id.clone(),
            url: url.clone(),
            webhook_id: webhook_id.clone(),
            kind,
            status,
        };
        if faults.contains(&Fault::DropConnection) {
            state.log_delivery(record(DeliveryKind::Dropped, None));
            return;
        }
        for fault in &faults {
            if let Fault::DelayedDelivery { delay } = fault {
                tokio::time::sleep(*delay).await;
            }
        }
        let Ok(body) = payload(&state, api, &prediction).await else {
            return;
        };
        let client = reqwest::Client::new();
        let now = unix_seconds(SystemTime::now());
        let secret = state.webhook_secret.as_str();
        let send = |stamp: u64, key: &str| {
            post(
                &client,
                &url,
                &webhook,
                &webhook_id,
                stamp,
                key.to_owned(),
                &body,
            )
        };
        if faults.contains(&Fault::ForgedDelivery) {
            let status = send(now, "whsec_not-the-accounts-secret").await;
            state.log_delivery(record(DeliveryKind::Forged, status));
        }
        if faults.contains(&Fault::StaleDelivery) {
            let status = send(now.saturating_sub(STALE_BY.as_secs()), secret).await;
            state.log_delivery(record(DeliveryKind::Stale, status));
        }
        let retries = webhook.retries.unwrap_or(0);
        let mut pause = FIRST_RETRY;
        for attempt in 0..=retries {
            let status = send(unix_seconds(SystemTime::now()), secret).await;
            state.log_delivery(record(DeliveryKind::Genuine, status));
            if status.is_some_and(|status| (200..300).contains(&status)) {
                if faults.contains(&Fault::DuplicateDelivery) {
                    let status = send(unix_seconds(SystemTime::now()), secret).await;
                    state.log_delivery(record(DeliveryKind::Duplicate, status));
                }
                return;
            }
            if attempt < retries {
                tokio::time::sleep(pause).await;
                pause *= 2;
            }
        }
    });
}

/// The delivery body, as the webhook page shows it: the prediction as its
/// result endpoint reports it, with the request as `input`.
async fn payload(
    state: &State,
    api: &ProviderApi,
    prediction: &crate::predictions::Prediction,
) -> Result<Vec<u8>, ApiError> {
    let mut item = crate::history::item(state, api, prediction).await?;
    if let Value::Object(fields) = &mut item {
        fields.insert("input".to_owned(), prediction.input.clone());
    }
    Ok(item.to_string().into_bytes())
}

/// One POST; the receiver's status, or `None` if it could not be reached.
async fn post(
    client: &reqwest::Client,
    url: &str,
    webhook: &Webhook,
    webhook_id: &str,
    stamp: u64,
    secret: String,
    body: &[u8],
) -> Option<u16> {
    let key = webhook
        .secret_prefix
        .as_deref()
        .and_then(|prefix| secret.strip_prefix(prefix))
        .unwrap_or(&secret);
    let mut signed = format!("{webhook_id}.{stamp}.").into_bytes();
    signed.extend_from_slice(body);
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key.as_bytes()), &signed);
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    let response = client
        .post(url)
        .timeout(DELIVERY_TIMEOUT)
        .header(webhook.id_header.as_str(), webhook_id)
        .header(webhook.timestamp_header.as_str(), stamp.to_string())
        .header(
            webhook.signature_header.as_str(),
            format!("{},{hex}", webhook.signature_version),
        )
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .await
        .ok()?;
    Some(response.status().as_u16())
}

fn unix_seconds(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs()
}
