//! A provider's model listing (WaveSpeed's `GET /api/v3/models`), built
//! from the specs it serves: `{code, message, data: [{model_id, name,
//! base_price, description, type, sort_order, formula, api_schema:
//! {api_schemas: [{type: "model_run", method, server, api_path,
//! request_schema}]}}]}`, the shape WaveSpeed's MCP server, CLI and
//! desktop app read.
//!
//! Each parameter is written as the service writes its kind: sizes as
//! `W*H` strings with `enum` and per-side `minimum`/`maximum`; image inputs
//! as strings with the uploader hints; lists of LoRAs with their item as
//! `$ref: #/components/schemas/LoraWeight`, which, as in WaveSpeed's own
//! answers, the request schema does not define; the sync-mode and base64
//! switches marked `disabled` and left out of `x-order-properties`. What a
//! spec states beyond these (custom-size rules other than the side
//! bounds, image formats, sentinels) is not in the answer, as it is not in
//! WaveSpeed's.

use imagegen_spec::ir::{
    ChoiceWire, Model, Param, ParamKind, PricePer, PriceTable, Provider, Task, Value as SpecValue,
};
use serde_json::{Map, Value, json};

/// The answer listing `provider`'s models, whose API is served at `server`.
pub(crate) fn answer(provider: &Provider, server: &str) -> Value {
    let data: Vec<Value> = provider
        .models
        .iter()
        .enumerate()
        .map(|(index, model)| entry(model, index, server))
        .collect();
    json!({"code": 200, "message": "success", "data": data})
}

fn entry(model: &Model, index: usize, server: &str) -> Value {
    let mut entry = Map::new();
    entry.insert("model_id".into(), model.id.clone().into());
    entry.insert("name".into(), model.display_name.clone().into());
    // WaveSpeed prices every model; a spec whose page states no price (or
    // a table of prices) has no base price to give, so it is left out
    // rather than made up.
    if let Some(price) = &model.price
        && price.currency == "USD"
        && let PriceTable::Flat(amount) = &price.table
    {
        entry.insert("base_price".into(), number(&amount.to_string()));
        let factor = match price.per {
            PricePer::Image => model
                .parameters
                .iter()
                .find(|p| p.meaning == Some(imagegen_spec::ir::Meaning::Count))
                .map_or("1", |p| p.name.as_str()),
            PricePer::Request => "1",
        };
        entry.insert(
            "formula".into(),
            format!("{{\"total_price\":base_price * {factor}}}").into(),
        );
    }
    if !model.summary.is_empty() {
        entry.insert("description".into(), model.summary.clone().into());
    }
    entry.insert(
        "type".into(),
        match model.task {
            Task::TextToImage => "text-to-image",
            Task::ImageToImage | Task::ImageEdit => "image-to-image",
        }
        .into(),
    );
    entry.insert("sort_order".into(), index.into());
    entry.insert(
        "api_schema".into(),
        json!({"api_schemas": [{
            "type": "model_run",
            "method": "POST",
            "server": server,
            "api_path": model.submit_path,
            "request_schema": request_schema(model),
        }]}),
    );
    Value::Object(entry)
}

/// The switches WaveSpeed marks `disabled` (set by API callers, not in its
/// playground's form).
fn is_switch(model: &Model, param: &Param) -> bool {
    model.sync_mode.as_deref() == Some(param.name.as_str())
        || model
            .base64_output
            .as_ref()
            .is_some_and(|(name, _)| name == &param.name)
}

fn request_schema(model: &Model) -> Value {
    let mut properties = Map::new();
    let mut order = Vec::new();
    let mut required = Vec::new();
    for param in model.parameters.iter().filter(|p| p.fixed.is_none()) {
        let mut property = property(param);
        if is_switch(model, param) {
            property.insert("disabled".into(), true.into());
        } else {
            order.push(Value::from(param.name.clone()));
        }
        if param.required {
            required.push(Value::from(param.name.clone()));
        }
        properties.insert(param.name.clone(), Value::Object(property));
    }
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
        "required": required,
        "x-order-properties": order,
    })
}

fn property(param: &Param) -> Map<String, Value> {
    let mut out = Map::new();
    let mut set = |key: &str, value: Value| {
        out.insert(key.to_owned(), value);
    };
    match &param.kind {
        ParamKind::Boolean => set("type", "boolean".into()),
        ParamKind::Text {
            min_length,
            max_length,
        } => {
            set("type", "string".into());
            if let Some(min) = min_length {
                set("minLength", (*min).into());
            }
            if let Some(max) = max_length {
                set("maxLength", (*max).into());
            }
        }
        ParamKind::Choice { values, wire } => {
            let numeric = wire.is_number();
            set(
                "type",
                match wire {
                    ChoiceWire::Text => "string",
                    ChoiceWire::Integer => "integer",
                    ChoiceWire::Number => "number",
                }
                .into(),
            );
            let values: Vec<Value> = values
                .iter()
                .map(|c| {
                    if numeric {
                        number(&c.wire)
                    } else {
                        c.wire.clone().into()
                    }
                })
                .collect();
            set("enum", values.into());
        }
        ParamKind::Integer {
            minimum,
            maximum,
            step,
        } => {
            set("type", "integer".into());
            for (key, value) in [("minimum", minimum), ("maximum", maximum), ("step", step)] {
                if let Some(value) = value {
                    set(key, (*value).into());
                }
            }
        }
        ParamKind::Number {
            minimum,
            maximum,
            step,
        } => {
            set("type", "number".into());
            for (key, value) in [("minimum", minimum), ("maximum", maximum), ("step", step)] {
                if let Some(value) = value {
                    set(key, number(&value.to_string()));
                }
            }
        }
        ParamKind::ImageUrl { .. } => {
            set("type", "string".into());
            set("x-ui-component", "uploader".into());
            set("x-ui-component-props", json!({"accept": "image/*"}));
        }
        ParamKind::ImageList {
            min_items,
            max_items,
            ..
        } => {
            set("type", "array".into());
            set("items", json!({"type": "string"}));
            count(&mut set, *min_items, *max_items);
            set("default", json!([]));
            set("x-ui-component", "uploaders".into());
            set("x-ui-component-props", json!({"accept": "image/*"}));
        }
        ParamKind::ObjectList {
            fields,
            min_items,
            max_items,
        } => {
            set("type", "array".into());
            if is_lora(fields) {
                set("items", json!({"$ref": "#/components/schemas/LoraWeight"}));
                set("x-ui-component", "loras".into());
            } else {
                let mut item_properties = Map::new();
                for field in fields {
                    item_properties.insert(field.name.clone(), Value::Object(property(field)));
                }
                let required: Vec<&str> = fields
                    .iter()
                    .filter(|f| f.required)
                    .map(|f| f.name.as_str())
                    .collect();
                let order: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
                set(
                    "items",
                    json!({
                        "type": "object",
                        "properties": item_properties,
                        "required": required,
                        "x-order-properties": order,
                    }),
                );
                set("x-ui-component", "array".into());
            }
            count(&mut set, *min_items, *max_items);
            set("default", json!([]));
        }
        ParamKind::ImageSize {
            presets,
            custom,
            object: false,
            ..
        } => {
            set("type", "string".into());
            if !presets.is_empty() {
                let values: Vec<Value> = presets.iter().map(|p| p.wire.clone().into()).collect();
                set("enum", values.into());
            }
            if let Some(rules) = custom {
                if let Some(min) = rules.min_edge {
                    set("minimum", min.into());
                }
                if let Some(max) = rules.max_edge {
                    set("maximum", max.into());
                }
            }
        }
        ParamKind::ImageSize {
            presets, custom, ..
        } => {
            let mut side = Map::new();
            side.insert("type".into(), "integer".into());
            if let Some(rules) = custom {
                if let Some(min) = rules.min_edge {
                    side.insert("minimum".into(), min.into());
                }
                if let Some(max) = rules.max_edge {
                    side.insert("maximum".into(), max.into());
                }
            }
            let values: Vec<Value> = presets.iter().map(|p| p.wire.clone().into()).collect();
            set(
                "anyOf",
                json!([
                    {"type": "object", "properties": {"width": side, "height": side}, "required": ["width", "height"]},
                    {"type": "string", "enum": values},
                ]),
            );
        }
    }
    if let Some(default) = &param.default {
        set("default", value(default));
    }
    if !param.description.is_empty() {
        set("description", param.description.clone().into());
    }
    out
}

/// The LoRA item WaveSpeed names `LoraWeight`: a `path` and a `scale`.
fn is_lora(fields: &[Param]) -> bool {
    let mut names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    names.sort_unstable();
    names == ["path", "scale"]
}

fn count(set: &mut impl FnMut(&str, Value), min_items: Option<u64>, max_items: Option<u64>) {
    if let Some(min) = min_items {
        set("minItems", min.into());
    }
    if let Some(max) = max_items {
        set("maxItems", max.into());
    }
}

/// A number as JSON, from its decimal text.
fn number(text: &str) -> Value {
    text.parse::<i64>()
        .map(Value::from)
        .ok()
        .or_else(|| {
            text.parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
        })
        .unwrap_or(Value::Null)
}

fn value(value: &SpecValue) -> Value {
    match value {
        SpecValue::Number(number) => self::number(&number.to_string()),
        other => other.to_json(),
    }
}
