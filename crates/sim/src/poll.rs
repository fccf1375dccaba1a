//! A status check: `GET <result path>` with the prediction id in it. The
//! status is derived from the clock now; nothing ran in between.

use std::sync::Arc;
use std::time::Instant;

use http::HeaderMap;
use imagegen_spec::ir::Role;
use serde_json::Value;

use crate::auth;
use crate::catalog::ProviderApi;
use crate::faults::{Fault, Site, Target};
use crate::predictions::{Ending, Phase, Prediction};
use crate::report::{Stage, report};
use crate::respond::Reply;
use crate::respond::errors::{ApiError, moderation_message};
use crate::respond::fill;
use crate::state::State;
use crate::submit::answer_alone;

/// Handles a poll of prediction `id`.
pub(crate) async fn handle(
    state: &Arc<State>,
    api: &ProviderApi,
    id: &str,
    headers: &HeaderMap,
) -> Reply {
    if let Err(problem) = auth::check(&api.spec.auth, headers, &state.config.api_key) {
        return ApiError::unauthorized(problem).reply(api);
    }
    let at_ms = u64::try_from(state.elapsed().as_millis()).unwrap_or(u64::MAX);
    state.record(|log| {
        *log.polls.entry(id.to_owned()).or_default() += 1;
        log.poll_at_ms.entry(id.to_owned()).or_default().push(at_ms);
    });
    let prediction = state
        .predictions
        .get(id)
        .filter(|p| p.provider == api.name());
    let prompt = prediction.as_ref().map(|p| p.prompt.clone());
    let site = Site {
        target: Target::Poll,
        prediction: Some(id),
        prompt: prompt.as_deref(),
    };
    if let Some(fault) = state.take_answer(&site) {
        return answer_alone(api, &fault);
    }
    let Some(mut prediction) = prediction else {
        return ApiError::not_found(format!("no prediction `{id}` on {}", api.name())).reply(api);
    };
    let phase = prediction.phase(Instant::now());
    let faults = state.take_modifiers(&site, |fault| can_act(api, &prediction, &phase, fault));
    if faults.contains(&Fault::Moderation) {
        let message = moderation_message(api);
        state.predictions.fail(id, message.clone());
        prediction.ending = Ending::Failure(message);
    }
    answer(state, api, &prediction, &phase, &faults)
        .await
        .unwrap_or_else(|error| error.reply(api))
        .deliver(&faults)
}

async fn answer(
    state: &State,
    api: &ProviderApi,
    prediction: &Prediction,
    phase: &Phase,
    faults: &[Fault],
) -> Result<Reply, ApiError> {
    let Some(model) = api.spec.models.iter().find(|m| m.id == prediction.model) else {
        return Err(ApiError::new(500, None, "the prediction's model is gone"));
    };
    let Some(result_type) = api.result_type() else {
        return Err(ApiError::new(
            500,
            None,
            "the spec has no result response type",
        ));
    };
    let data_uri = state.config.base64_data_uri || faults.contains(&Fault::DataUriBase64);
    let report = report(state, api, prediction, phase, Stage::Later, true, data_uri).await?;
    let status = api.result_success();
    let view = report.view(state, api, model, prediction, faults, status);
    Ok(Reply::json(
        status,
        &Value::Object(fill::object(&view, result_type)),
    ))
}

/// Whether a fault can change the answer to this poll.
fn can_act(api: &ProviderApi, prediction: &Prediction, phase: &Phase, fault: &Fault) -> bool {
    let result_has = |role: Role| api.result_type().is_some_and(|t| api.has_role(t, role));
    match fault {
        Fault::DropConnection
        | Fault::SlowBody { .. }
        | Fault::TruncatedBody
        | Fault::InvalidJson => true,
        // Only a running prediction not already failing can be moderated.
        Fault::Moderation => *phase == Phase::Running && prediction.ending == Ending::Success,
        Fault::UnknownStatus(_) => result_has(Role::Status),
        Fault::ForeignStatusUrl => result_has(Role::StatusUrl),
        Fault::DataUriBase64 => prediction.plan.base64 && *phase == Phase::Succeeded,
        Fault::SyncTimeout
        | Fault::Redirect
        | Fault::DuplicateDelivery
        | Fault::DelayedDelivery { .. }
        | Fault::ForgedDelivery
        | Fault::StaleDelivery
        | Fault::RateLimit { .. }
        | Fault::ServerError { .. }
        | Fault::EnvelopeError { .. } => false,
    }
}
