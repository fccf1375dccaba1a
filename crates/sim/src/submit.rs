//! A submission: authenticated, its model found, faults that answer alone
//! checked, its body validated against the model's spec and any upload it
//! names looked up (its outputs are derived from it); then a prediction
//! is created and answered as the provider's protocol says: at once (queue),
//! when it ends (sync mode, or a synchronous API), or not at all
//! (`DropConnection`).

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::HeaderMap;
use imagegen_spec::ir::{Model, Role};
use serde_json::Value;

use crate::catalog::ProviderApi;
use crate::faults::{Fault, SYNC_TIMEOUT_WAIT, Site, Target};
use crate::log::{Submission, SubmitOutcome};
use crate::plan::{self, OutputPlan};
use crate::predictions::{Ending, Phase, Prediction, new_id};
use crate::report::{Stage, report};
use crate::respond::Reply;
use crate::respond::errors::{self, ApiError};
use crate::respond::fill;
use crate::state::State;
use crate::{auth, inputs};

/// Handles `POST <submit path>` for the models at `models`.
pub(crate) async fn handle(
    state: &Arc<State>,
    api: &ProviderApi,
    models: Vec<&Model>,
    headers: &HeaderMap,
    body: Result<Bytes, ApiError>,
    webhook_url: Option<String>,
) -> Reply {
    let mut entry = Submission {
        provider: api.name().to_owned(),
        model: None,
        prediction_id: None,
        body: Value::Null,
        at: state.elapsed(),
        outcome: SubmitOutcome::Dropped,
        completes_at: None,
    };
    let reply = submit(state, api, models, headers, body, webhook_url, &mut entry).await;
    entry.outcome = if reply.is_dropped() {
        SubmitOutcome::Dropped
    } else if entry.prediction_id.is_some() {
        SubmitOutcome::Accepted {
            status: reply.status.as_u16(),
        }
    } else {
        SubmitOutcome::Rejected {
            status: reply.status.as_u16(),
            message: reply.error_message.clone().unwrap_or_default(),
        }
    };
    state.record(|log| log.submissions.push(entry));
    reply
}

async fn submit(
    state: &Arc<State>,
    api: &ProviderApi,
    models: Vec<&Model>,
    headers: &HeaderMap,
    body: Result<Bytes, ApiError>,
    webhook_url: Option<String>,
    entry: &mut Submission,
) -> Reply {
    let bytes = match body {
        Ok(bytes) => bytes,
        Err(error) => return error.reply(api),
    };
    let json = serde_json::from_slice::<Value>(&bytes);
    let model = match &json {
        Ok(value) => choose_model(&models, value),
        Err(_) => choose_model(&models, &Value::Null),
    };
    if let Ok(value) = &json {
        entry.body = value.clone();
    }
    // Logged before the key is checked, so refused attempts show per model.
    if let Ok(model) = &model {
        entry.model = Some(model.id.clone());
    }
    if let Err(problem) = auth::check(&api.spec.auth, headers, &state.config.api_key) {
        return ApiError::unauthorized(problem).reply(api);
    }
    let json = match json {
        Ok(value) => value,
        Err(error) => {
            return ApiError::bad_request(format!("the request body is not JSON: {error}"), None)
                .reply(api);
        }
    };
    let model = match model {
        Ok(model) => model,
        Err(error) => return error.reply(api),
    };

    let prompt = plan::prompt(model, &json);
    let site = Site {
        target: Target::Submit,
        prediction: None,
        prompt: prompt.as_deref(),
    };
    if let Some(fault) = state.take_answer(&site) {
        return answer_alone(api, &fault);
    }
    if let Err(problems) = model.check_body(&json) {
        let message: Vec<String> = problems.iter().map(|p| p.message.clone()).collect();
        let param = problems.iter().find_map(|p| p.parameter.clone());
        return ApiError::bad_request(message.join("; "), param).reply(api);
    }

    let body = json.as_object().cloned().unwrap_or_default();
    let input = match inputs::reference(state, model, &body) {
        Ok(input) => input,
        Err(error) => return error.reply(api),
    };
    let values = plan::effective(model, &body);
    let plan = plan::plan(model, &values, input);
    let id = new_id();
    let site = Site {
        prediction: Some(&id),
        ..site
    };
    let faults = state.take_modifiers(&site, |fault| can_act(api, &plan, fault));
    let moderated = faults.contains(&Fault::Moderation);

    if moderated && !api.is_queue() {
        return errors::moderated(api).deliver(&faults);
    }
    let created = Instant::now();
    let prediction = Prediction {
        id: id.clone(),
        provider: api.name().to_owned(),
        model: model.id.clone(),
        prompt: prompt.unwrap_or_default(),
        values,
        plan,
        created,
        created_wall: std::time::SystemTime::now(),
        ends: created + state.run_time(model),
        ending: if moderated {
            Ending::Failure(errors::moderation_message(api))
        } else {
            Ending::Success
        },
        input: Value::Object(body.clone()),
    };
    state.predictions.insert(prediction.clone());
    if let Some((amount, _)) = crate::account::documented_price(model, &body) {
        state.charge(api.name(), amount);
    }
    if let (Some(webhook), Some(url)) = (&api.spec.webhook, webhook_url) {
        crate::webhooks::deliver(
            Arc::clone(state),
            api.name().to_owned(),
            webhook.clone(),
            id.clone(),
            url,
        );
    }
    entry.prediction_id = Some(id);
    entry.completes_at = Some(state.elapsed() + prediction.run_time());
    if faults.contains(&Fault::DropConnection) {
        return Reply::dropped();
    }
    answer(state, api, model, &prediction, &faults)
        .await
        .unwrap_or_else(|error| error.reply(api))
        .deliver(&faults)
}

/// The answer to an accepted submission.
async fn answer(
    state: &State,
    api: &ProviderApi,
    model: &Model,
    prediction: &Prediction,
    faults: &[Fault],
) -> Result<Reply, ApiError> {
    let data_uri = state.config.base64_data_uri || faults.contains(&Fault::DataUriBase64);
    // A provider whose sync mode does not answer with the outputs (GPTProto:
    // "you still need to query the result by id") answers at once, as one
    // that does not honour sync mode: still running, to be polled.
    let holds = !api.is_queue() || (prediction.plan.sync && api.spec.sync_mode_returns_outputs);
    let timed_out = faults.contains(&Fault::SyncTimeout);
    let (phase, stage) = if timed_out {
        tokio::time::sleep(SYNC_TIMEOUT_WAIT).await;
        (Phase::Running, Stage::Later)
    } else if holds {
        tokio::time::sleep_until(prediction.ends.into()).await;
        (prediction.phase(Instant::now()), Stage::Later)
    } else {
        (Phase::Running, Stage::Accepted)
    };
    let with_outputs = !api.is_queue() || api.spec.sync_mode_returns_outputs;
    let mut report = report(
        state,
        api,
        prediction,
        &phase,
        stage,
        with_outputs,
        data_uri,
    )
    .await?;
    // The service's own words for giving up on a sync-mode wait (WaveSpeed:
    // code 5004, "Sync mode timed out"), where its spec records them.
    let gave_up = api.spec.sync_timeout_answer.as_ref().filter(|_| timed_out);
    if let Some(answer) = gave_up {
        report.error = Some(answer.message.clone());
    }
    let status = api.submit_success();
    let mut view = report.view(state, api, model, prediction, faults, status);
    view.held = holds || timed_out;
    view.envelope =
        gave_up.and_then(|answer| Some((answer.envelope_code?, answer.message.clone())));
    let Some(submit_type) = api.submit_type() else {
        return Err(ApiError::new(
            500,
            None,
            "the spec has no submit response type",
        ));
    };
    let body = match api.result_type() {
        // A held answer reports the finished prediction: the submit fields
        // and the result's (vibedream's submit table has no `outputs`).
        Some(result_type) if holds && result_type.type_name != submit_type.type_name => {
            fill::union(&view, submit_type, result_type)
        }
        _ => fill::object(&view, submit_type),
    };
    Ok(Reply::json(status, &Value::Object(body)))
}

/// Whether a fault can change the answer to this submission (if not, it is
/// not spent on it).
fn can_act(api: &ProviderApi, plan: &OutputPlan, fault: &Fault) -> bool {
    let held = !api.is_queue() || plan.sync;
    let answer_has = |role: Role| {
        let submit = api.submit_type().is_some_and(|t| api.has_role(t, role));
        let result = held && api.result_type().is_some_and(|t| api.has_role(t, role));
        submit || result
    };
    match fault {
        Fault::DropConnection
        | Fault::SlowBody { .. }
        | Fault::TruncatedBody
        | Fault::InvalidJson
        | Fault::Moderation => true,
        Fault::UnknownStatus(_) => answer_has(Role::Status),
        Fault::SyncTimeout => api.is_queue() && plan.sync,
        Fault::ForeignStatusUrl => answer_has(Role::StatusUrl),
        Fault::DataUriBase64 => {
            plan.base64 && held && (!api.is_queue() || api.spec.sync_mode_returns_outputs)
        }
        Fault::Redirect
        | Fault::DuplicateDelivery
        | Fault::DelayedDelivery { .. }
        | Fault::ForgedDelivery
        | Fault::StaleDelivery
        | Fault::RateLimit { .. }
        | Fault::ServerError { .. }
        | Fault::EnvelopeError { .. } => false,
    }
}

/// The status value an [`Fault::UnknownStatus`] among `faults` reports.
pub(crate) fn unknown_status(faults: &[Fault]) -> Option<&str> {
    faults.iter().find_map(|fault| match fault {
        Fault::UnknownStatus(status) => Some(status.as_str()),
        _ => None,
    })
}

/// The answer of a fault that answers alone.
pub(crate) fn answer_alone(api: &ProviderApi, fault: &Fault) -> Reply {
    match fault {
        Fault::RateLimit { retry_after } => errors::rate_limited(api, *retry_after),
        Fault::ServerError { status } => errors::server_error(api, *status),
        Fault::EnvelopeError { code } => errors::envelope_error(api, *code),
        other => {
            ApiError::new(500, None, format!("{} cannot answer alone", other.name())).reply(api)
        }
    }
}

/// The model a body is for: the only one at its path, or, where models share
/// a path, the one whose fixed parameters (aimlapi's `model`) the body holds.
fn choose_model<'m>(models: &[&'m Model], body: &Value) -> Result<&'m Model, ApiError> {
    if let [model] = models {
        return Ok(model);
    }
    let fixed_match = |model: &&&Model| {
        model
            .parameters
            .iter()
            .filter_map(|p| Some((&p.name, p.fixed.as_ref()?)))
            .all(|(name, value)| body.get(name) == Some(&value.to_json()))
    };
    if let Some(model) = models.iter().find(fixed_match) {
        return Ok(model);
    }
    let mut choices = Vec::new();
    let mut param = None;
    for model in models {
        for p in model.parameters.iter().filter(|p| p.fixed.is_some()) {
            param.get_or_insert_with(|| p.name.clone());
            choices.push(format!(
                "`{}` = `{}`",
                p.name,
                p.allowed().trim_start_matches("always ")
            ));
        }
    }
    Err(ApiError::bad_request(
        format!(
            "no model matches the request; models here are chosen by {}",
            choices.join(", ")
        ),
        param,
    ))
}
