//! The prediction history (WaveSpeed's `POST /api/v3/predictions`): the
//! predictions this emulator made for a provider, newest first, filtered by
//! model, status and creation time, paged, over the documented retention
//! window. Each item is the prediction as its result endpoint reports it.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use http::HeaderMap;
use imagegen_spec::ir::History;
use serde_json::{Map, Value};

use crate::auth;
use crate::catalog::{ErrorShape, ProviderApi};
use crate::predictions::{Phase, Prediction};
use crate::report::{Stage, report};
use crate::respond::Reply;
use crate::respond::errors::ApiError;
use crate::respond::fill;
use crate::state::State;

/// The status filter values the page documents, and the phase each names.
const STATUS_FILTERS: [&str; 3] = ["completed", "failed", "processing"];

/// What a query asks for.
#[derive(Debug)]
struct Query {
    page: u64,
    page_size: u64,
    model: Option<String>,
    status: Option<String>,
    after: Option<SystemTime>,
    before: Option<SystemTime>,
}

pub(crate) async fn handle(
    state: &Arc<State>,
    api: &ProviderApi,
    history: &History,
    headers: &HeaderMap,
    body: Result<bytes::Bytes, ApiError>,
) -> Reply {
    if let Err(problem) = auth::check(&api.spec.auth, headers, &state.config.api_key) {
        return ApiError::unauthorized(problem).reply(api);
    }
    let query = match body.and_then(|body| read_query(history, &body)) {
        Ok(query) => query,
        Err(error) => return error.reply(api),
    };
    let now = SystemTime::now();
    let oldest = history
        .retention_days
        .and_then(|days| now.checked_sub(Duration::from_secs(u64::from(days) * 86_400)));
    let instant = Instant::now();
    let mut matching: Vec<Prediction> = state
        .predictions
        .all()
        .into_iter()
        .filter(|p| p.provider == api.name())
        .filter(|p| query.model.as_ref().is_none_or(|model| &p.model == model))
        .filter(|p| oldest.is_none_or(|oldest| p.created_wall >= oldest))
        .filter(|p| query.after.is_none_or(|after| p.created_wall >= after))
        .filter(|p| query.before.is_none_or(|before| p.created_wall < before))
        .filter(|p| {
            query
                .status
                .as_deref()
                .is_none_or(|status| status_of(&p.phase(instant)) == status)
        })
        .collect();
    // Most recent first; the id breaks ties so pages never overlap.
    matching.sort_by(|a, b| {
        b.created_wall
            .cmp(&a.created_wall)
            .then_with(|| a.id.cmp(&b.id))
    });
    let total = matching.len();
    let skip =
        usize::try_from((query.page - 1).saturating_mul(query.page_size)).unwrap_or(usize::MAX);
    let page_size = usize::try_from(query.page_size).unwrap_or(usize::MAX);
    let mut items = Vec::new();
    for prediction in matching.iter().skip(skip).take(page_size) {
        match item(state, api, prediction).await {
            Ok(item) => items.push(item),
            Err(error) => return error.reply(api),
        }
    }
    let mut answer = Value::Object(Map::new());
    let response = &history.response;
    if let (Some(code), ErrorShape::Envelope { message, .. }) =
        (&response.envelope_code, &api.error_shape)
    {
        put(&mut answer, code, Value::from(200));
        put(&mut answer, message, Value::from("success"));
    }
    if let Some(path) = &response.page {
        put(&mut answer, path, Value::from(query.page));
    }
    if let Some(path) = &response.total {
        put(&mut answer, path, Value::from(total));
    }
    put(&mut answer, &response.items, Value::Array(items));
    Reply::json(200, &answer)
}

/// The status a filter names for a prediction in `phase`.
fn status_of(phase: &Phase) -> &'static str {
    match phase {
        Phase::Running => "processing",
        Phase::Succeeded => "completed",
        Phase::Failed(_) => "failed",
    }
}

/// The query in the body, checked against the documented table: `page`
/// at least 1 and `page_size` 1 to the maximum (both default as the table
/// says when absent), `status` one of the documented three, times ISO 8601.
fn read_query(history: &History, body: &[u8]) -> Result<Query, ApiError> {
    let request = &history.request;
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(body).map_err(|error| {
            ApiError::bad_request(format!("the body is not JSON: {error}"), None)
        })?
    };
    let Value::Object(fields) = value else {
        return Err(ApiError::bad_request(
            "the body must be a JSON object of filters",
            None,
        ));
    };
    let field = |name: &str| fields.get(name).filter(|value| !value.is_null());
    let max = u64::from(history.max_page_size);
    let integer = |name: &str, default: u64, range: (u64, u64)| -> Result<u64, ApiError> {
        match field(name) {
            None => Ok(default),
            Some(value) => value
                .as_u64()
                .filter(|n| (range.0..=range.1).contains(n))
                .ok_or_else(|| {
                    ApiError::bad_request(
                        format!(
                            "`{name}` must be an integer from {} to {}, not {value}",
                            range.0, range.1
                        ),
                        Some(name.to_owned()),
                    )
                }),
        }
    };
    let first = u64::from(history.first_page);
    let page = integer(&request.page, first, (first, u64::from(u32::MAX)))? - first + 1;
    let page_size = integer(&request.page_size, max, (1, max))?;
    let text = |name: &str| -> Result<Option<String>, ApiError> {
        match field(name) {
            None => Ok(None),
            Some(Value::String(text)) if text.is_empty() => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(other) => Err(ApiError::bad_request(
                format!("`{name}` must be a string, not {other}"),
                Some(name.to_owned()),
            )),
        }
    };
    let time = |name: &str| -> Result<Option<SystemTime>, ApiError> {
        text(name)?
            .map(|text| {
                imagegen_core::rfc3339::parse(&text).ok_or_else(|| {
                    ApiError::bad_request(
                        format!(
                            "`{name}` must be an ISO 8601 date-time such as 2023-10-01T00:00:00Z, not {text:?}"
                        ),
                        Some(name.to_owned()),
                    )
                })
            })
            .transpose()
    };
    let status = text("status")?;
    if let Some(status) = &status
        && !STATUS_FILTERS.contains(&status.as_str())
    {
        return Err(ApiError::bad_request(
            format!(
                "`status` must be one of {}, not {status:?}",
                STATUS_FILTERS.join(", ")
            ),
            Some("status".to_owned()),
        ));
    }
    Ok(Query {
        page,
        page_size,
        model: text(&request.model)?,
        status,
        after: time(&request.created_after)?,
        before: time(&request.created_before)?,
    })
}

/// One prediction as the result endpoint reports it now: the object of the
/// result answer that carries its id (a history item, a webhook delivery).
pub(crate) async fn item(
    state: &State,
    api: &ProviderApi,
    prediction: &Prediction,
) -> Result<Value, ApiError> {
    let model = api
        .spec
        .models
        .iter()
        .find(|m| m.id == prediction.model)
        .ok_or_else(|| ApiError::new(500, None, "the prediction's model is gone"))?;
    let result_type = api
        .result_type()
        .ok_or_else(|| ApiError::new(500, None, "the spec has no result response type"))?;
    let phase = prediction.phase(Instant::now());
    let report = report(state, api, prediction, &phase, Stage::Later, true, false).await?;
    let view = report.view(state, api, model, prediction, &[], api.result_success());
    let answer = Value::Object(fill::object(&view, result_type));
    Ok(holding_id(&answer, &prediction.id).unwrap_or(answer))
}

/// The object (the answer itself, or one of its fields) whose `id` is `id`.
fn holding_id(answer: &Value, id: &str) -> Option<Value> {
    let holds = |value: &Value| value.get("id").and_then(Value::as_str) == Some(id);
    if holds(answer) {
        return Some(answer.clone());
    }
    answer.as_object()?.values().find(|v| holds(v)).cloned()
}

/// Sets the value at a dotted path, making the objects on the way.
fn put(root: &mut Value, path: &str, value: Value) {
    let mut keys = path.split('.').peekable();
    let mut here = root;
    while let Some(key) = keys.next() {
        let Value::Object(map) = here else {
            return;
        };
        if keys.peek().is_none() {
            map.insert(key.to_owned(), value);
            return;
        }
        here = map
            .entry(key.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}
