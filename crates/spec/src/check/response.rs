//! Response types, the roles the runtime reads from them, and the documented
//! example responses checked against both.

use std::collections::{BTreeMap, BTreeSet};

use super::{Reporter, at, is_type_name, item};
use crate::file::provider::{FieldFile, FieldTypeName, ObjectFile, ProviderFile};
use crate::ir::{Field, FieldType, ObjectType, Provider, ResponseExample, Role};
use crate::naming;

/// The response types of a provider.
pub(super) struct Responses {
    pub(super) submit: String,
    pub(super) result: Option<String>,
    pub(super) types: Vec<ObjectType>,
}

/// Roles each response must carry for the runtime to follow the protocol.
const QUEUE_SUBMIT_ROLES: &[Role] = &[Role::PredictionId];
const QUEUE_RESULT_ROLES: &[Role] = &[Role::PredictionId, Role::Status, Role::Outputs];
const SYNC_SUBMIT_ROLES: &[Role] = &[Role::Outputs];

pub(super) fn check_responses(
    r: &mut Reporter<'_>,
    raw: &ProviderFile,
    queue: bool,
    has_statuses: bool,
) -> Option<Responses> {
    let errors_before = r.error_count();
    let mut types = Vec::new();
    let submit_path = "responses.submit";
    let submit = build_object(
        r,
        submit_path,
        &raw.responses.submit,
        has_statuses,
        &mut types,
    );
    let required = if queue {
        QUEUE_SUBMIT_ROLES
    } else {
        SYNC_SUBMIT_ROLES
    };
    check_roles(r, submit_path, &raw.responses.submit, required);

    let result = match (&raw.responses.result, queue) {
        // `result: *submit`: the same type, checked once.
        (Some(result), true) if *result == raw.responses.submit => {
            check_roles(r, submit_path, result, QUEUE_RESULT_ROLES);
            Some(submit.clone())
        }
        (Some(result), true) => {
            let path = "responses.result";
            let name = build_object(r, path, result, has_statuses, &mut types);
            check_roles(r, path, result, QUEUE_RESULT_ROLES);
            Some(name)
        }
        (None, true) => {
            r.error(
                "responses",
                "a prediction-queue provider needs a `result` response",
            );
            None
        }
        (Some(_), false) => {
            r.error(
                "responses.result",
                "a synchronous provider has no `result` response",
            );
            None
        }
        (None, false) => None,
    };
    (r.error_count() == errors_before).then_some(Responses {
        submit,
        result,
        types,
    })
}

/// The upload answer's type, built into `types`; it must name the URL.
pub(super) fn check_upload_response(
    r: &mut Reporter<'_>,
    path: &str,
    raw: &ObjectFile,
    has_statuses: bool,
    types: &mut Vec<ObjectType>,
) -> String {
    let name = build_object(r, path, raw, has_statuses, types);
    check_roles(r, path, raw, &[Role::UploadUrl]);
    name
}

/// Builds the object type at `path` and the types of its object fields into
/// `types` (parents first), and returns its name.
fn build_object(
    r: &mut Reporter<'_>,
    path: &str,
    raw: &ObjectFile,
    has_statuses: bool,
    types: &mut Vec<ObjectType>,
) -> String {
    if !is_type_name(&raw.type_name) {
        r.error(
            &at(path, "type_name"),
            format!(
                "`{}` is not a Rust type name: expected UpperCamelCase",
                raw.type_name
            ),
        );
    }
    let position = types.len();
    let mut nested = Vec::new();
    let mut fields = Vec::new();
    let mut names = BTreeSet::new();
    let mut rust_names = BTreeMap::new();
    for (index, raw_field) in raw.fields.iter().enumerate() {
        let field_path = item(&at(path, "fields"), index);
        if !names.insert(raw_field.name.as_str()) {
            r.error(
                &at(&field_path, "name"),
                format!("field `{}` is listed twice", raw_field.name),
            );
            continue;
        }
        let rust_name = naming::field_name(&raw_field.name);
        if !naming::is_identifier(&rust_name) {
            r.error(
                &at(&field_path, "name"),
                format!("`{}` does not make a Rust field name", raw_field.name),
            );
            continue;
        }
        if let Some(first) = rust_names.insert(rust_name.clone(), raw_field.name.clone()) {
            r.error(
                &at(&field_path, "name"),
                format!(
                    "`{}` and `{first}` both become the Rust field `{rust_name}`",
                    raw_field.name
                ),
            );
        }
        let ty = field_type(r, &field_path, raw_field, has_statuses, &mut nested);
        fields.push(Field {
            name: raw_field.name.clone(),
            rust_name,
            ty,
            required: raw_field.required,
            nullable: raw_field.nullable,
            role: raw_field.role,
            description: raw_field.description.clone(),
            sync_mode_only: raw_field.sync_mode_only,
        });
    }
    let object = ObjectType {
        type_name: raw.type_name.clone(),
        description: raw.description.clone(),
        source: raw.source.clone(),
        fields,
    };
    match types.iter().find(|t| t.type_name == object.type_name) {
        Some(existing) if *existing != object => r.error(
            &at(path, "type_name"),
            format!(
                "the type `{}` is already defined with different fields",
                object.type_name
            ),
        ),
        Some(_) => {}
        None => types.insert(position, object),
    }
    for object in nested {
        match types.iter().find(|t| t.type_name == object.type_name) {
            Some(existing) if *existing != object => r.error(
                path,
                format!(
                    "the type `{}` is defined twice with different fields",
                    object.type_name
                ),
            ),
            Some(_) => {}
            None => types.push(object),
        }
    }
    raw.type_name.clone()
}

fn field_type(
    r: &mut Reporter<'_>,
    path: &str,
    raw: &FieldFile,
    has_statuses: bool,
    types: &mut Vec<ObjectType>,
) -> FieldType {
    let object = matches!(raw.ty, FieldTypeName::Object | FieldTypeName::ObjectArray);
    if !object && (raw.fields.is_some() || raw.type_name.is_some()) {
        r.error(
            path,
            "`fields` and `type_name` only apply to `object` and `object[]` fields",
        );
    }
    if raw.role == Some(Role::Status) {
        if raw.ty != FieldTypeName::String {
            // Reported by the role check.
        } else if !has_statuses {
            r.error(
                &at(path, "role"),
                "a `status` field needs the provider's `statuses`",
            );
        } else {
            return FieldType::Status;
        }
    }
    let scalar = |ty| match ty {
        FieldTypeName::Integer | FieldTypeName::IntegerArray => FieldType::Integer,
        FieldTypeName::Number | FieldTypeName::NumberArray => FieldType::Number,
        FieldTypeName::Boolean | FieldTypeName::BooleanArray => FieldType::Boolean,
        FieldTypeName::Json => FieldType::Json,
        _ => FieldType::String,
    };
    match raw.ty {
        FieldTypeName::String
        | FieldTypeName::Integer
        | FieldTypeName::Number
        | FieldTypeName::Boolean
        | FieldTypeName::Json => scalar(raw.ty),
        FieldTypeName::StringArray
        | FieldTypeName::IntegerArray
        | FieldTypeName::NumberArray
        | FieldTypeName::BooleanArray => FieldType::Array(Box::new(scalar(raw.ty))),
        FieldTypeName::Object | FieldTypeName::ObjectArray => {
            let (Some(type_name), Some(fields)) = (&raw.type_name, &raw.fields) else {
                r.error(path, "an `object` field needs `type_name` and `fields`");
                return FieldType::Json;
            };
            let nested = ObjectFile {
                type_name: type_name.clone(),
                description: raw.description.clone(),
                source: None,
                fields: fields.clone(),
            };
            let name = build_object(r, path, &nested, has_statuses, types);
            if raw.ty == FieldTypeName::Object {
                FieldType::Object(name)
            } else {
                FieldType::Array(Box::new(FieldType::Object(name)))
            }
        }
    }
}

/// Roles: the right JSON type, once per response, outside arrays except the
/// `output_*` roles inside the items of `outputs`; and the roles the protocol
/// needs all present.
fn check_roles(r: &mut Reporter<'_>, path: &str, root: &ObjectFile, required: &[Role]) {
    let mut found = BTreeMap::new();
    walk_roles(r, path, &root.fields, Context::Top, &mut found);
    // An upload's answer and a prediction's are read for different things.
    let upload = required.contains(&Role::UploadUrl);
    for (role, at_path) in &found {
        let belongs = match role {
            Role::UploadUrl => upload,
            Role::EnvelopeCode | Role::EnvelopeMessage => true,
            _ => !upload,
        };
        if !belongs {
            r.error(
                &at(at_path, "role"),
                format!(
                    "`role: {}` does not apply to {}",
                    role_name(*role),
                    if upload {
                        "an upload's answer"
                    } else {
                        "a prediction's answer"
                    }
                ),
            );
        }
    }
    for role in required {
        if !found.contains_key(role) {
            r.error(
                path,
                format!(
                    "no field has `role: {}`, which the runtime needs in this response",
                    role_name(*role)
                ),
            );
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Top,
    InArray,
    OutputItem,
}

fn walk_roles(
    r: &mut Reporter<'_>,
    path: &str,
    fields: &[FieldFile],
    context: Context,
    found: &mut BTreeMap<Role, String>,
) {
    let mut output_roles = BTreeSet::new();
    for (index, field) in fields.iter().enumerate() {
        let here = item(&at(path, "fields"), index);
        if let Some(role) = field.role {
            check_role(r, &here, field, role, context, found, &mut output_roles);
        }
        let Some(children) = &field.fields else {
            continue;
        };
        let child_context = match (field.ty, field.role) {
            (FieldTypeName::ObjectArray, Some(Role::Outputs)) => Context::OutputItem,
            (FieldTypeName::ObjectArray, _) => Context::InArray,
            _ => context,
        };
        walk_roles(r, &here, children, child_context, found);
    }
    if context == Context::OutputItem && output_roles.is_empty() {
        r.error(
            path,
            "the items of `outputs` need a field with `role: output_url` or `role: output_base64`",
        );
    }
}

fn check_role(
    r: &mut Reporter<'_>,
    path: &str,
    field: &FieldFile,
    role: Role,
    context: Context,
    found: &mut BTreeMap<Role, String>,
    output_roles: &mut BTreeSet<Role>,
) {
    let role_path = at(path, "role");
    let expected: &[FieldTypeName] = match role {
        Role::PredictionId
        | Role::Status
        | Role::Error
        | Role::StatusUrl
        | Role::EstimatedTime
        | Role::EnvelopeMessage
        | Role::OutputUrl
        | Role::OutputBase64
        | Role::UploadUrl => &[FieldTypeName::String],
        Role::CostCents | Role::EnvelopeCode => &[FieldTypeName::Integer],
        Role::Outputs => &[FieldTypeName::StringArray, FieldTypeName::ObjectArray],
    };
    if !expected.contains(&field.ty) {
        r.error(
            &role_path,
            format!(
                "`role: {}` needs a field of type {}",
                role_name(role),
                type_names(expected)
            ),
        );
    }
    let output_role = matches!(role, Role::OutputUrl | Role::OutputBase64);
    match (context, output_role) {
        (Context::OutputItem, true) => {
            if !output_roles.insert(role) {
                r.error(
                    &role_path,
                    format!("`role: {}` is given twice in these items", role_name(role)),
                );
            }
            return;
        }
        (_, true) => {
            r.error(
                &role_path,
                format!(
                    "`role: {}` only applies inside the items of the `outputs` field",
                    role_name(role)
                ),
            );
            return;
        }
        (Context::Top, false) => {}
        (_, false) => {
            r.error(
                &role_path,
                "roles cannot be inside arrays: the runtime would not know which item to read",
            );
            return;
        }
    }
    if let Some(first) = found.insert(role, path.to_owned()) {
        r.error(
            &role_path,
            format!(
                "`role: {}` is already given to the field at {first}",
                role_name(role)
            ),
        );
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::PredictionId => "prediction_id",
        Role::Status => "status",
        Role::Outputs => "outputs",
        Role::OutputUrl => "output_url",
        Role::OutputBase64 => "output_base64",
        Role::Error => "error",
        Role::StatusUrl => "status_url",
        Role::EstimatedTime => "estimated_time",
        Role::CostCents => "cost_cents",
        Role::EnvelopeCode => "envelope_code",
        Role::EnvelopeMessage => "envelope_message",
        Role::UploadUrl => "upload_url",
    }
}

fn type_names(types: &[FieldTypeName]) -> String {
    let names: Vec<&str> = types
        .iter()
        .map(|ty| match ty {
            FieldTypeName::String => "`string`",
            FieldTypeName::Integer => "`integer`",
            FieldTypeName::StringArray => "`string[]`",
            FieldTypeName::ObjectArray => "`object[]`",
            _ => "another type",
        })
        .collect();
    names.join(" or ")
}

/// Each documented example must be a response of the documented shape: every
/// key a documented field (nothing the docs show is lost from the spec), of
/// the documented type, with documented status values.
pub(super) fn check_examples(
    r: &mut Reporter<'_>,
    raw: &ProviderFile,
    provider: &Provider,
) -> Vec<ResponseExample> {
    let mut examples = Vec::new();
    for (index, example) in raw.examples.iter().enumerate() {
        let path = item("examples", index);
        let Some(type_name) = provider.response_type(example.response) else {
            r.error(
                &at(&path, "response"),
                "this provider documents no such response",
            );
            continue;
        };
        check_object_value(r, &at(&path, "body"), provider, type_name, &example.body);
        examples.push(ResponseExample {
            description: example.description.clone(),
            response: example.response,
            body: example.body.clone(),
        });
    }
    examples
}

fn check_object_value(
    r: &mut Reporter<'_>,
    path: &str,
    provider: &Provider,
    type_name: &str,
    value: &serde_json::Value,
) {
    let Some(object) = provider.object_type(type_name) else {
        return;
    };
    let Some(map) = value.as_object() else {
        r.error(path, format!("expected an object (`{type_name}`)"));
        return;
    };
    for (key, value) in map {
        match object.fields.iter().find(|f| &f.name == key) {
            Some(field) => check_field_value(r, &at(path, key), provider, &field.ty, field.required, value),
            None => r.key_error(
                &at(path, key),
                format!("`{key}` is not a documented field of `{type_name}`: add it to the response's fields"),
            ),
        }
    }
    for field in object.fields.iter().filter(|f| f.required) {
        if !map.contains_key(&field.name) {
            r.error(path, format!("required field `{}` is missing", field.name));
        }
    }
}

fn check_field_value(
    r: &mut Reporter<'_>,
    path: &str,
    provider: &Provider,
    ty: &FieldType,
    required: bool,
    value: &serde_json::Value,
) {
    use serde_json::Value as Json;
    let fits = match (ty, value) {
        (_, Json::Null) => !required,
        (FieldType::Json, _) => true,
        (FieldType::String, Json::String(_)) => true,
        (FieldType::Integer, Json::Number(n)) => n.is_i64() || n.is_u64(),
        (FieldType::Number, Json::Number(_)) => true,
        (FieldType::Boolean, Json::Bool(_)) => true,
        (FieldType::Status, Json::String(status)) => {
            if !provider.statuses.iter().any(|s| &s.value == status) {
                r.error(
                    path,
                    format!("`{status}` is not one of the documented statuses"),
                );
            }
            true
        }
        (FieldType::Object(name), Json::Object(_)) => {
            check_object_value(r, path, provider, name, value);
            true
        }
        (FieldType::Array(inner), Json::Array(items)) => {
            for (index, value) in items.iter().enumerate() {
                check_field_value(r, &item(path, index), provider, inner, true, value);
            }
            true
        }
        _ => false,
    };
    if !fits {
        r.error(
            path,
            format!(
                "`{value}` does not match the documented type {}",
                describe(ty, required)
            ),
        );
    }
}

fn describe(ty: &FieldType, required: bool) -> String {
    let base = match ty {
        FieldType::String => "string".to_owned(),
        FieldType::Integer => "integer".to_owned(),
        FieldType::Number => "number".to_owned(),
        FieldType::Boolean => "boolean".to_owned(),
        FieldType::Json => "JSON".to_owned(),
        FieldType::Status => "status".to_owned(),
        FieldType::Object(name) => format!("object `{name}`"),
        FieldType::Array(inner) => format!("array of {}", describe(inner, true)),
    };
    if required {
        base
    } else {
        format!("{base} or null")
    }
}
