//! A provider's upload endpoint (`upload` in its spec): a file in as
//! `multipart/form-data` under the documented field, stored under a fresh
//! id, answered with the spec's upload response naming where the assets
//! origin serves it (`/uploads/<id>/<name>`). Authenticated as submissions
//! are; faults with [`Target::Upload`] apply.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::HeaderMap;
use http::header::CONTENT_TYPE;
use hyper::body::Incoming;
use imagegen_spec::ir::Upload as UploadSpec;
use serde_json::Value;

use crate::auth;
use crate::catalog::ProviderApi;
use crate::faults::{Fault, Site, Target};
use crate::log::Upload;
use crate::multipart;
use crate::predictions::new_id;
use crate::request_body::{self, BodyError};
use crate::respond::Reply;
use crate::respond::errors::ApiError;
use crate::respond::uploaded::{self, FileFacts};
use crate::state::State;
use crate::submit::answer_alone;
use crate::uploads::StoredFile;

/// Room in a form for the part headers, boundaries and any small fields
/// around the file, on top of the file's own limit.
const FORM_OVERHEAD: u64 = 64 * 1024;

/// Handles a request to `api`'s upload endpoint.
pub(crate) async fn handle(
    state: &Arc<State>,
    api: &ProviderApi,
    headers: &HeaderMap,
    body: Incoming,
) -> Reply {
    let mut entry = Upload {
        provider: api.name().to_owned(),
        id: None,
        filename: None,
        bytes: 0,
        status: None,
        message: None,
        at: state.elapsed(),
    };
    let reply = match &api.spec.upload {
        Some(spec) => upload(state, api, spec, headers, body, &mut entry).await,
        None => ApiError::new(500, None, "the spec documents no upload endpoint").reply(api),
    };
    entry.status = (!reply.is_dropped()).then_some(reply.status.as_u16());
    entry.message.clone_from(&reply.error_message);
    state.record(|log| log.uploads.push(entry));
    reply
}

async fn upload(
    state: &Arc<State>,
    api: &ProviderApi,
    spec: &UploadSpec,
    headers: &HeaderMap,
    body: Incoming,
    entry: &mut Upload,
) -> Reply {
    // Read (or refuse) the whole body before answering anything, so a
    // refusal reaches a client still writing.
    let body = request_body::read(body, headers, spec.max_bytes + FORM_OVERHEAD).await;
    // The body's size until the file's is known.
    entry.bytes = match &body {
        Ok(bytes) => bytes.len() as u64,
        Err(BodyError::TooLarge { size, .. }) => size.unwrap_or(0),
        Err(BodyError::Unreadable(_)) => 0,
    };
    if let Err(problem) = auth::check(&api.spec.auth, headers, &state.config.api_key) {
        return ApiError::unauthorized(problem).reply(api);
    }
    let site = Site {
        target: Target::Upload,
        prediction: None,
        prompt: None,
    };
    if let Some(fault) = state.take_answer(&site) {
        return answer_alone(api, &fault);
    }
    let field = spec.field.as_str();
    let bytes = match body {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge { size, .. }) => {
            let what = match size {
                Some(size) => format!("the request body is {size} bytes"),
                None => "the request body is larger".to_owned(),
            };
            return too_large(api, spec, &what);
        }
        Err(BodyError::Unreadable(error)) => {
            return ApiError::bad_request(
                format!("the request body could not be read: {error}"),
                None,
            )
            .reply(api);
        }
    };
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let parts = multipart::boundary(content_type).and_then(|b| multipart::parse(&bytes, &b));
    let parts = match parts {
        Ok(parts) => parts,
        Err(error) => {
            return ApiError::bad_request(
                format!("{error}; the file goes in the multipart/form-data field `{field}`"),
                Some(field.to_owned()),
            )
            .reply(api);
        }
    };
    let sent: Vec<String> = parts.iter().map(|p| format!("`{}`", p.name)).collect();
    let Some(part) = parts.into_iter().find(|p| p.name == field) else {
        let sent = if sent.is_empty() {
            "none".to_owned()
        } else {
            sent.join(", ")
        };
        return ApiError::bad_request(
            format!(
                "no file: the multipart/form-data field `{field}` is missing (fields sent: {sent})"
            ),
            Some(field.to_owned()),
        )
        .reply(api);
    };
    entry.bytes = part.data.len() as u64;
    if entry.bytes > spec.max_bytes {
        return too_large(api, spec, &format!("`{field}` is {} bytes", entry.bytes));
    }
    if part.data.is_empty() {
        return ApiError::bad_request(
            format!("the file in `{field}` is empty"),
            Some(field.to_owned()),
        )
        .reply(api);
    }

    let faults = state.take_modifiers(&site, |fault| {
        matches!(
            fault,
            Fault::DropConnection
                | Fault::SlowBody { .. }
                | Fault::TruncatedBody
                | Fault::InvalidJson
        )
    });
    let filename = part.filename;
    // Decoding a large image takes a while: not on the request threads.
    let stored =
        tokio::task::spawn_blocking(move || StoredFile::new(filename.as_deref(), part.data)).await;
    let file = match stored {
        Ok(file) => file,
        Err(error) => {
            return ApiError::new(500, None, format!("the upload could not be read: {error}"))
                .reply(api);
        }
    };
    let id = new_id();
    let url = format!("{}/uploads/{id}/{}", state.assets_origin, file.name);
    let created = SystemTime::now();
    let status = spec.endpoint.success_status.unwrap_or(200);
    let facts = FileFacts {
        id: &id,
        url: &url,
        name: &file.name,
        size: entry.bytes,
        kind: file.kind(),
        mime_type: file.mime_type(),
        http_status: status,
        created,
        expires: spec
            .retention_days
            .map(|days| created + Duration::from_secs(u64::from(days) * 86_400)),
    };
    let answer = api
        .upload_type()
        .map(|object| Value::Object(uploaded::body(api, object, &facts)));
    entry.id = Some(id.clone());
    entry.filename = Some(file.name.clone());
    state.uploads.insert(id, file);
    if faults.contains(&Fault::DropConnection) {
        return Reply::dropped();
    }
    match answer {
        Some(answer) => Reply::json(status, &answer).deliver(&faults),
        None => ApiError::new(500, None, "the spec has no upload response type").reply(api),
    }
}

/// `413`, in the provider's error shape: `what` was over the limit.
fn too_large(api: &ProviderApi, spec: &UploadSpec, what: &str) -> Reply {
    ApiError::new(
        413,
        None,
        format!(
            "File too large: {what}; files up to {} bytes are taken",
            spec.max_bytes
        ),
    )
    .reply(api)
}
