//! Response bodies built from the provider's documented field tables, so
//! every field name and nesting comes from the spec.
//!
//! A field is filled, in this order:
//! 1. by its `role` (id, status, outputs, error, status URL, estimate, cost,
//!    envelope code and message): what the runtime reads;
//! 2. when its name is one of the model's parameters (aimlapi echoes `size`,
//!    `quality`, `output_format`, `background`): with the value in effect;
//! 3. when its name is one of the [well-known names](well_known) (timestamps,
//!    model identity, NSFW flags, timings, token usage): with that fact;
//! 4. when it is an object: with its own fields, recursively.
//!
//! Anything else is left out, as documented-but-optional fields may be;
//! clients decode responses leniently.

use imagegen_spec::ir::{Field, FieldType, Model, ObjectType, Role};
use serde_json::{Map, Value};

use crate::catalog::{ProviderApi, object_of};
use crate::predictions::Prediction;
use crate::time::{rfc3339, unix_seconds};

/// One output as the response carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Output {
    Url(String),
    Base64(String),
}

impl Output {
    fn text(&self) -> &str {
        match self {
            Output::Url(text) | Output::Base64(text) => text,
        }
    }
}

/// What a response reports about a prediction.
#[derive(Debug)]
pub(crate) struct View<'a> {
    pub(crate) api: &'a ProviderApi,
    pub(crate) model: &'a Model,
    pub(crate) prediction: &'a Prediction,
    /// The status reported.
    pub(crate) status: String,
    /// The outputs, once there are any to report.
    pub(crate) outputs: Option<Vec<Output>>,
    /// The error of a failed prediction.
    pub(crate) error: Option<String>,
    /// Where to poll.
    pub(crate) status_url: Option<String>,
    /// Whether the prediction has ended (for completion times and timings).
    pub(crate) ended: bool,
    /// The HTTP status of the answer, for an envelope's code.
    pub(crate) http_status: u16,
    /// Whether the answer waited for the prediction to end (sync mode; any
    /// poll): fields documented as sync-mode only are left out otherwise.
    pub(crate) held: bool,
    /// The envelope's code and message when they are not the HTTP status
    /// and "success" (a sync-mode wait the service gave up on).
    pub(crate) envelope: Option<(u16, String)>,
}

/// The body of `object` for `view`.
pub(crate) fn object(view: &View<'_>, object: &ObjectType) -> Map<String, Value> {
    let mut map = Map::new();
    for field in object
        .fields
        .iter()
        .filter(|f| view.held || !f.sync_mode_only)
    {
        if let Some(value) = field_value(view, field) {
            map.insert(field.name.clone(), value);
        }
    }
    map
}

/// `first`'s fields, then those of `second` not already there: the answer to
/// a sync-mode submission, which carries the submit fields and the result's.
pub(crate) fn union(
    view: &View<'_>,
    first: &ObjectType,
    second: &ObjectType,
) -> Map<String, Value> {
    let mut map = object(view, first);
    for (key, value) in object(view, second) {
        map.entry(key).or_insert(value);
    }
    map
}

fn field_value(view: &View<'_>, field: &Field) -> Option<Value> {
    if let Some(role) = field.role {
        return role_value(view, field, role);
    }
    if let Some(value) = view.prediction.values.get(&field.name)
        && view.model.parameter(&field.name).is_some()
    {
        return Some(value.clone());
    }
    if let Some(value) = well_known(view, field) {
        return value;
    }
    let nested = object_of(&field.ty)
        .filter(|_| matches!(field.ty, FieldType::Object(_)))
        .and_then(|name| view.api.spec.object_type(name))?;
    let map = object(view, nested);
    (!map.is_empty()).then_some(Value::Object(map))
}

fn role_value(view: &View<'_>, field: &Field, role: Role) -> Option<Value> {
    let model = view.model;
    match role {
        Role::PredictionId => Some(view.prediction.id.clone().into()),
        Role::Status => Some(view.status.clone().into()),
        Role::StatusUrl => view.status_url.clone().map(Value::from),
        Role::EstimatedTime => model
            .estimated_time
            .as_ref()
            .map(|t| Value::from(t.text.clone())),
        Role::CostCents => model.cost_cents.map(Value::from),
        Role::EnvelopeCode => Some(
            view.envelope
                .as_ref()
                .map_or(view.http_status, |e| e.0)
                .into(),
        ),
        Role::EnvelopeMessage => Some(
            view.envelope
                .as_ref()
                .map_or("success", |e| e.1.as_str())
                .into(),
        ),
        Role::Error => Some(match &view.error {
            Some(message) => message.clone().into(),
            None if field.nullable => Value::Null,
            // "empty if no error occurred" (WaveSpeed's table).
            None => "".into(),
        }),
        Role::Outputs => Some(outputs_value(view, field)),
        // Only inside the items of `outputs`, filled there.
        Role::OutputUrl | Role::OutputBase64 => None,
        // Only in an upload's answer (`respond::uploaded`).
        Role::UploadUrl => None,
    }
}

/// The outputs: strings, or objects with `output_url`/`output_base64` fields;
/// `null` (where documented nullable) or empty before there are any.
fn outputs_value(view: &View<'_>, field: &Field) -> Value {
    let Some(outputs) = &view.outputs else {
        return if field.nullable {
            Value::Null
        } else {
            Value::Array(Vec::new())
        };
    };
    let item_type = object_of(&field.ty).and_then(|name| view.api.spec.object_type(name));
    let items = outputs.iter().map(|output| match item_type {
        None => Value::from(output.text()),
        Some(item) => {
            let mut map = Map::new();
            for inner in &item.fields {
                let value = match (inner.role, output) {
                    (Some(Role::OutputUrl), Output::Url(url)) => Some(url.clone().into()),
                    (Some(Role::OutputBase64), Output::Base64(data)) => Some(data.clone().into()),
                    (Some(_), _) => None,
                    (None, _) => well_known(view, inner).flatten(),
                };
                if let Some(value) = value {
                    map.insert(inner.name.clone(), value);
                }
            }
            Value::Object(map)
        }
    });
    Value::Array(items.collect())
}

/// Fields known by name across providers. `Some(None)`: known, but nothing to
/// report yet (left out). `None`: not a known name.
///
/// | name (any case, `_` ignored) | value |
/// |---|---|
/// | `created`, `createdAt` | submission time: Unix seconds if an integer, else RFC 3339 |
/// | `completedAt` | end time once ended; `null` before, where nullable |
/// | `model`, `modelId` | the model id |
/// | `modelName` | the model's display name |
/// | `hasNsfwContents` | `false` for each output |
/// | `inference` | run time in milliseconds once ended; 0 before (`null` where nullable) |
/// | `textTokens`, `imageTokens`, `inputTokens`, `outputTokens`, `totalTokens` | an estimate: a token per 4 prompt characters, one per 1024 output pixels |
fn well_known(view: &View<'_>, field: &Field) -> Option<Option<Value>> {
    let key: String = field
        .name
        .chars()
        .filter(|c| *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let prediction = view.prediction;
    let time = |at| match field.ty {
        FieldType::Integer | FieldType::Number => Value::from(unix_seconds(at)),
        _ => Value::from(rfc3339(at)),
    };
    let text_tokens = prediction.prompt.chars().count().div_ceil(4).max(1) as u64;
    let plan = &prediction.plan;
    let output_tokens =
        u64::from(plan.count) * (u64::from(plan.width) * u64::from(plan.height)).div_ceil(1024);
    let value = match key.as_str() {
        "created" | "createdat" => Some(time(prediction.created_wall)),
        "completedat" => match (view.ended, field.nullable) {
            (true, _) => Some(time(prediction.ends_wall())),
            (false, true) => Some(Value::Null),
            (false, false) => None,
        },
        "model" | "modelid" => Some(view.model.id.clone().into()),
        "modelname" => Some(view.model.display_name.clone().into()),
        "hasnsfwcontents" => {
            let count = view.outputs.as_ref().map_or(0, Vec::len);
            Some(Value::Array(vec![Value::Bool(false); count]))
        }
        "inference" => Some(match (view.ended, field.nullable) {
            (true, _) => Value::from(prediction.run_time().as_millis() as u64),
            (false, true) => Value::Null,
            (false, false) => Value::from(0),
        }),
        "texttokens" => Some(text_tokens.into()),
        "imagetokens" => Some(0.into()),
        "inputtokens" => Some(text_tokens.into()),
        "outputtokens" => Some(output_tokens.into()),
        "totaltokens" => Some((text_tokens + output_tokens).into()),
        _ => return None,
    };
    Some(value)
}
