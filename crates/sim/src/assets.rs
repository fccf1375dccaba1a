//! The assets origin: serves outputs at `/outputs/<id>/<index>.<ext>` and
//! uploaded files at `/uploads/<id>/<name>`, on its own port so it is a
//! different origin from the API, as the providers' asset hosts are. It
//! refuses (403) and records every request carrying credentials: a client
//! must never send the API key there, nor to any URL a response names on
//! another origin ([`ForeignStatusUrl`]).
//!
//! [`ForeignStatusUrl`]: crate::Fault::ForeignStatusUrl

use std::sync::Arc;
use std::time::Instant;

use http::{HeaderMap, Method};

use crate::auth::credentials_in;
use crate::faults::{Fault, Site, Target};
use crate::images::{ImageKey, extension};
use crate::log::{CredentialLeak, Download};
use crate::predictions::Phase;
use crate::respond::Reply;
use crate::state::State;

/// Handles a request to the assets origin.
pub(crate) async fn handle(
    state: &Arc<State>,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
) -> Reply {
    let is_output = path.starts_with("/outputs/");
    // When the request arrived, not when its image was drawn: benchmarks
    // read a client's delay in noticing a prediction's end from it.
    let arrived = state.elapsed();
    let reply = serve(state, method, path, headers).await;
    if is_output {
        let download = Download {
            path: path.to_owned(),
            status: (!reply.is_dropped()).then_some(reply.status.as_u16()),
            at: arrived,
        };
        state.record(|log| log.downloads.push(download));
    }
    reply
}

async fn serve(state: &Arc<State>, method: &Method, path: &str, headers: &HeaderMap) -> Reply {
    let credentials = credentials_in(headers, &state.catalog);
    if !credentials.is_empty() {
        let leak = CredentialLeak {
            origin: state.assets_origin.clone(),
            path: path.to_owned(),
            headers: credentials.clone(),
            at: state.elapsed(),
        };
        state.record(|log| log.credential_leaks.push(leak));
        return Reply::text(
            403,
            format!(
                "the assets origin takes no credentials, and this request sent {}; \
                 API keys go to the API origin only",
                credentials.join(", ")
            ),
        );
    }
    if let Some((id, name)) = upload_path(path) {
        return uploaded_file(state, method, id, name);
    }
    let Some((id, index, ext)) = output_path(path) else {
        return Reply::text(
            404,
            "not found: the assets origin serves only /outputs/<prediction id>/<index>.<ext> \
             and /uploads/<upload id>/<name>",
        );
    };
    if method != Method::GET && method != Method::HEAD {
        return Reply::text(405, "outputs are downloaded with GET").header("allow", "GET, HEAD");
    }
    let prediction = state.predictions.get(id);
    let prompt = prediction.as_ref().map(|p| p.prompt.clone());
    let site = Site {
        target: Target::Download,
        prediction: Some(id),
        prompt: prompt.as_deref(),
    };
    if let Some(fault) = state.take_answer(&site) {
        return match fault {
            Fault::RateLimit { retry_after } => {
                let (name, value) = retry_after.header();
                Reply::text(429, "too many requests (rate_limit fault)").header(name, &value)
            }
            Fault::ServerError { status } | Fault::EnvelopeError { code: status } => {
                let status = if (400..=599).contains(&status) {
                    status
                } else {
                    500
                };
                Reply::text(status, format!("{status} (server_error fault)"))
            }
            other => Reply::text(500, format!("{} cannot answer alone", other.name())),
        };
    }
    let Some(prediction) = prediction else {
        return Reply::text(404, format!("no prediction `{id}`"));
    };
    if prediction.phase(Instant::now()) != Phase::Succeeded {
        return Reply::text(404, format!("prediction `{id}` has no outputs (yet)"));
    }
    let plan = &prediction.plan;
    if index >= plan.count || ext != extension(plan.format) {
        return Reply::text(
            404,
            format!(
                "prediction `{id}` has outputs 0.{ext} to {}.{ext}",
                plan.count.saturating_sub(1),
                ext = extension(plan.format)
            ),
        );
    }
    let faults = state.take_modifiers(&site, |fault| {
        matches!(
            fault,
            Fault::DropConnection | Fault::SlowBody { .. } | Fault::TruncatedBody | Fault::Redirect
        )
    });
    if faults.contains(&Fault::DropConnection) {
        return Reply::dropped();
    }
    if faults.contains(&Fault::Redirect) {
        // Relative, so it stays on this origin; the query marks the hop.
        return Reply::text(302, "").header(
            "location",
            &format!("/outputs/{id}/{index}.{ext}?redirected=1"),
        );
    }
    let key = ImageKey::new(plan, &prediction.prompt, index);
    match state.images.get(&key).await {
        Ok(bytes) => Reply::bytes(200, plan.format.to_mime_type(), bytes)
            .header("cache-control", "private, max-age=3600")
            .deliver(&faults),
        Err(message) => Reply::text(500, message),
    }
}

/// An uploaded file, as uploaded. Faults do not apply: the client uploads,
/// the provider downloads.
fn uploaded_file(state: &State, method: &Method, id: &str, name: &str) -> Reply {
    if method != Method::GET && method != Method::HEAD {
        return Reply::text(405, "uploads are downloaded with GET").header("allow", "GET, HEAD");
    }
    match state.uploads.get(id) {
        Some(file) if file.name == name => Reply::bytes(200, file.mime_type(), file.bytes.clone())
            .header("cache-control", "private, max-age=3600"),
        Some(file) => Reply::text(
            404,
            format!("upload `{id}` is served as `/uploads/{id}/{}`", file.name),
        ),
        None => Reply::text(404, format!("no upload `{id}`")),
    }
}

/// `/uploads/<id>/<name>` → (id, name).
pub(crate) fn upload_path(path: &str) -> Option<(&str, &str)> {
    let (id, name) = path.strip_prefix("/uploads/")?.split_once('/')?;
    (!id.is_empty() && !name.is_empty() && !name.contains('/')).then_some((id, name))
}

/// `/outputs/<id>/<index>.<ext>` → (id, index, ext).
fn output_path(path: &str) -> Option<(&str, u32, &str)> {
    let rest = path.strip_prefix("/outputs/")?;
    let (id, file) = rest.split_once('/')?;
    let (index, ext) = file.split_once('.')?;
    if id.is_empty() || file.contains('/') {
        return None;
    }
    Some((id, index.parse().ok()?, ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths() {
        assert_eq!(output_path("/outputs/abc/0.png"), Some(("abc", 0, "png")));
        assert_eq!(
            output_path("/outputs/abc/12.webp"),
            Some(("abc", 12, "webp"))
        );
        assert_eq!(output_path("/outputs/abc/x.png"), None);
        assert_eq!(output_path("/outputs//0.png"), None);
        assert_eq!(output_path("/outputs/abc/0/1.png"), None);
        assert_eq!(output_path("/other/abc/0.png"), None);
    }

    #[test]
    fn upload_paths() {
        assert_eq!(
            upload_path("/uploads/abc/cat.png"),
            Some(("abc", "cat.png"))
        );
        assert_eq!(upload_path("/uploads/abc/"), None);
        assert_eq!(upload_path("/uploads//cat.png"), None);
        assert_eq!(upload_path("/uploads/abc/x/cat.png"), None);
        assert_eq!(upload_path("/outputs/abc/0.png"), None);
    }
}
