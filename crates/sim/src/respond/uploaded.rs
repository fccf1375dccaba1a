//! The answer to an upload, built from the spec's field table for it (the
//! provider's `upload.response` type), as [`fill`](super::fill) builds
//! prediction answers: a field is filled
//! 1. by its `role`: `envelope_code` (the HTTP status), `envelope_message`
//!    (`success`), `upload_url` (where the file is served);
//! 2. when its name is one of the [file facts](file_fact) (name, size, kind,
//!    content type, id, times): with that fact, as the field's JSON type;
//! 3. when it is an object: with its own fields, recursively.
//!
//! Anything else is left out.

use std::time::SystemTime;

use imagegen_spec::ir::{Field, FieldType, ObjectType, Role};
use serde_json::{Map, Value};

use crate::catalog::{ProviderApi, object_of};
use crate::time::{rfc3339, unix_seconds};

/// What an upload answer can say about the stored file.
#[derive(Debug)]
pub(crate) struct FileFacts<'a> {
    pub(crate) id: &'a str,
    pub(crate) url: &'a str,
    pub(crate) name: &'a str,
    pub(crate) size: u64,
    /// `image`, or `file` when the bytes are no image.
    pub(crate) kind: &'a str,
    pub(crate) mime_type: &'a str,
    pub(crate) http_status: u16,
    pub(crate) created: SystemTime,
    /// When it is deleted, where the spec documents a retention.
    pub(crate) expires: Option<SystemTime>,
}

/// The body of `object` for the file `facts` describes.
pub(crate) fn body(
    api: &ProviderApi,
    object: &ObjectType,
    facts: &FileFacts<'_>,
) -> Map<String, Value> {
    let mut map = Map::new();
    for field in &object.fields {
        if let Some(value) = field_value(api, field, facts) {
            map.insert(field.name.clone(), value);
        }
    }
    map
}

fn field_value(api: &ProviderApi, field: &Field, facts: &FileFacts<'_>) -> Option<Value> {
    if let Some(role) = field.role {
        return match role {
            Role::EnvelopeCode => Some(facts.http_status.into()),
            Role::EnvelopeMessage => Some("success".into()),
            Role::UploadUrl => Some(facts.url.into()),
            // Prediction roles: nothing to say about a file.
            _ => None,
        };
    }
    if let Some(value) = file_fact(field, facts).and_then(|fact| typed(fact, &field.ty)) {
        return Some(value);
    }
    let nested = object_of(&field.ty)
        .filter(|_| matches!(field.ty, FieldType::Object(_)))
        .and_then(|name| api.spec.object_type(name))?;
    let map = body(api, nested, facts);
    (!map.is_empty()).then_some(Value::Object(map))
}

/// A fact about the file.
enum Fact {
    Text(String),
    Count(u64),
    Time(SystemTime),
}

/// Fields known by name in upload answers.
///
/// | name (any case, `_` and `-` ignored) | value |
/// |---|---|
/// | `filename`, `name`, `originalName` | the name it is served under |
/// | `size`, `bytes`, `fileSize`, `length`, `contentLength` | its size in bytes |
/// | `type`, `kind`, `fileType`, `mediaType` | `image` (else `file`) |
/// | `contentType`, `mimeType`, `mime` | its content type by its first bytes |
/// | `id`, `fileId`, `uploadId` | the upload's id |
/// | `url`, `downloadUrl`, `fileUrl` (without a role) | where it is served |
/// | `created`, `createdAt`, `uploadedAt` | now |
/// | `expiresAt` | now plus the documented retention, where there is one |
fn file_fact(field: &Field, facts: &FileFacts<'_>) -> Option<Fact> {
    let key: String = field
        .name
        .chars()
        .filter(|c| !matches!(c, '_' | '-'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    Some(match key.as_str() {
        "filename" | "name" | "originalname" => Fact::Text(facts.name.to_owned()),
        "size" | "bytes" | "filesize" | "length" | "contentlength" => Fact::Count(facts.size),
        "type" | "kind" | "filetype" | "mediatype" => Fact::Text(facts.kind.to_owned()),
        "contenttype" | "mimetype" | "mime" => Fact::Text(facts.mime_type.to_owned()),
        "id" | "fileid" | "uploadid" => Fact::Text(facts.id.to_owned()),
        "url" | "downloadurl" | "fileurl" => Fact::Text(facts.url.to_owned()),
        "created" | "createdat" | "uploadedat" => Fact::Time(facts.created),
        "expiresat" => Fact::Time(facts.expires?),
        _ => return None,
    })
}

/// A fact as a field of type `ty` holds it; `None` when it cannot.
fn typed(fact: Fact, ty: &FieldType) -> Option<Value> {
    use FieldType::{Integer, Json, Number, String as Text};
    match (fact, ty) {
        (Fact::Text(text), Text | Json) => Some(text.into()),
        (Fact::Count(count), Integer | Number | Json) => Some(count.into()),
        (Fact::Count(count), Text) => Some(count.to_string().into()),
        (Fact::Time(at), Integer | Number) => Some(unix_seconds(at).into()),
        (Fact::Time(at), Text | Json) => Some(rfc3339(at).into()),
        _ => None,
    }
}
