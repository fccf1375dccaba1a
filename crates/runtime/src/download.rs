//! Saving outputs to disk: streamed, capped, named by what the bytes are.
//!
//! A URL output is fetched without credentials (asset hosts never see the
//! key) and retried like a status check; its bytes reach disk through a
//! [`PartFile`], which gives them their final name only once complete and
//! never replaces a file.

use std::path::{Path, PathBuf};

use crate::ImageFormat;
use crate::error::Error;
use crate::events::EventKind;
use crate::origin::{fetchable_url, is_loopback};
use crate::part_file::PartFile;
use crate::prediction::Output;
use crate::transport::{Call, Failure, Transport};

/// Saves every output into `dir` (created if missing), in order; returns the
/// paths. Stops at the first output that cannot be saved.
pub(crate) async fn save_all(
    transport: &Transport,
    call: &Call<'_>,
    outputs: &[Output],
    dir: &Path,
    stem: &str,
) -> Result<Vec<PathBuf>, Error> {
    let mut paths = Vec::with_capacity(outputs.len());
    for (index, output) in outputs.iter().enumerate() {
        paths.push(save_one(transport, call, index, output, dir, stem).await?);
    }
    Ok(paths)
}

/// Saves output `index` into `dir` (created if missing) as
/// `<stem>-<index>.<ext>`, or, if a file of that name exists already,
/// `<stem>-<index>.<n>.<ext>` with the first free `n` from 2: an existing
/// file is never replaced (see [`PartFile`]).
pub(crate) async fn save_one(
    transport: &Transport,
    call: &Call<'_>,
    index: usize,
    output: &Output,
    dir: &Path,
    stem: &str,
) -> Result<PathBuf, Error> {
    // The slot bounds open files and, as each save buffers up to
    // `part_file::SPILL` bytes, the memory downloads hold.
    let Ok(_slot) = tokio::time::timeout_at(call.deadline.into(), transport.gates.file()).await
    else {
        return Err(call.timeout());
    };
    let (format, part) = match output {
        Output::Url(url) => download(transport, call, (index, output), url, dir, stem).await?,
        Output::Base64(_) => decode_inline(transport, call, index, output, dir, stem)?,
    };
    let bytes = part.len();
    let path = part
        .publish(format!("{stem}-{index}"), format)
        .await
        .map_err(|(path, source)| io_error(call, Some((index, output)), &path, source))?;
    transport.emit(call, || EventKind::Saved {
        path: path.clone(),
        bytes,
    });
    Ok(path)
}

fn output_error(call: &Call<'_>, index: usize, reason: String) -> Error {
    Error::Output {
        prediction_id: call.id(),
        index,
        reason,
    }
}

fn too_large(call: &Call<'_>, index: usize, limit: u64) -> Error {
    output_error(
        call,
        index,
        format!("it is larger than the {limit} byte limit"),
    )
}

fn io_error(
    call: &Call<'_>,
    output: Option<(usize, &Output)>,
    path: &Path,
    source: std::io::Error,
) -> Error {
    Error::Io {
        prediction_id: call.id(),
        output: output.map(|(index, _)| index),
        url: output.and_then(|(_, output)| output.url().map(str::to_owned)),
        path: path.to_owned(),
        source,
    }
}

fn not_an_image(start: &[u8]) -> String {
    let shown: Vec<String> = start
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!(
        "it is not a PNG, JPEG, WebP or GIF image (it starts with {})",
        if shown.is_empty() {
            "nothing".to_owned()
        } else {
            shown.join(" ")
        }
    )
}

fn decode_inline(
    transport: &Transport,
    call: &Call<'_>,
    index: usize,
    output: &Output,
    dir: &Path,
    stem: &str,
) -> Result<(ImageFormat, PartFile), Error> {
    // Three bytes per four characters: refuse before decoding a giant.
    if let Output::Base64(text) = output
        && text.len() as u64 / 4 * 3 > transport.max_output_bytes + 3
    {
        return Err(too_large(call, index, transport.max_output_bytes));
    }
    let bytes = output
        .decode_base64()
        .unwrap_or_else(|| Ok(Vec::new()))
        .map_err(|error| {
            output_error(call, index, format!("its base64 does not decode: {error}"))
        })?;
    if bytes.len() as u64 > transport.max_output_bytes {
        return Err(too_large(call, index, transport.max_output_bytes));
    }
    let format = ImageFormat::sniff(&bytes)
        .ok_or_else(|| output_error(call, index, not_an_image(&bytes)))?;
    Ok((format, PartFile::with_bytes(dir, stem, index, bytes)))
}

async fn download(
    transport: &Transport,
    call: &Call<'_>,
    (index, output): (usize, &Output),
    url: &str,
    dir: &Path,
    stem: &str,
) -> Result<(ImageFormat, PartFile), Error> {
    let url = fetchable_url(url).map_err(|reason| output_error(call, index, reason))?;
    // Plain http is for a local emulator: a remote API naming a loopback
    // address would make this client probe local services.
    if url.scheme() == "http" && !is_loopback(&transport.api_base) {
        return Err(output_error(
            call,
            index,
            format!("`{url}` is plain http from a remote API; only https outputs are fetched"),
        ));
    }
    let limit = transport.max_output_bytes;
    transport
        .with_retries(call, &url, true, |_attempt| {
            // Deliberately not `authorise`d: whoever hosts outputs never gets the key.
            let request = transport
                .http
                .get(url.clone())
                .timeout(transport.timeouts.request);
            async move {
                let mut response = request.send().await.map_err(Failure::Transport)?;
                let status = response.status();
                if status.is_redirection() {
                    // The redirect policy stopped here: the next hop would
                    // leave https (or loopback), or the API origin.
                    let location = response
                        .headers()
                        .get(reqwest::header::LOCATION)
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or("(no Location header)")
                        .to_owned();
                    return Err(Failure::Fatal(output_error(
                        call,
                        index,
                        format!(
                            "its host redirects ({status}) to `{location}`, which is not followed: \
                             outputs are fetched over https only (or http on loopback)"
                        ),
                    )));
                }
                if !status.is_success() {
                    let headers = response.headers().clone();
                    // An error page is read only so far: it is quoted, not kept.
                    let mut body = Vec::new();
                    while let Ok(Some(chunk)) = response.chunk().await {
                        body.extend_from_slice(&chunk);
                        if body.len() >= ERROR_BODY_LIMIT {
                            break;
                        }
                    }
                    return Err(Failure::Status {
                        status,
                        headers,
                        body: body.into(),
                    });
                }
                if response
                    .content_length()
                    .is_some_and(|length| length > limit)
                {
                    return Err(Failure::Fatal(too_large(call, index, limit)));
                }
                // A fresh part per attempt: a retry starts from nothing.
                let part = PartFile::new(dir, stem, index);
                receive(call, (index, output), &mut response, part, limit).await
            }
        })
        .await
        .map_err(|error| asset_error(error, index))
}

/// The most of an asset host's error page that is read.
const ERROR_BODY_LIMIT: usize = 4096;

/// An asset host's refusal is about the output, not the API key (which it
/// never saw): say so instead of "check the API key".
fn asset_error(error: Error, index: usize) -> Error {
    match error {
        Error::Unauthorized {
            prediction_id,
            message,
        }
        | Error::Forbidden {
            prediction_id,
            message,
        }
        | Error::BadRequest {
            prediction_id,
            message,
        }
        | Error::ContentPolicy {
            prediction_id,
            message,
        } => Error::Output {
            prediction_id,
            index,
            reason: format!("the host serving it refused: {message} (its URL may have expired)"),
        },
        other => other,
    }
}

/// Receives an answer's body into `part`, up to `limit` bytes.
async fn receive(
    call: &Call<'_>,
    (index, output): (usize, &Output),
    response: &mut reqwest::Response,
    mut part: PartFile,
    limit: u64,
) -> Result<(ImageFormat, PartFile), Failure> {
    while let Some(chunk) = response.chunk().await.map_err(Failure::Transport)? {
        if part.len() + chunk.len() as u64 > limit {
            return Err(Failure::Fatal(too_large(call, index, limit)));
        }
        part = part.push(chunk).await.map_err(|(path, source)| {
            Failure::Fatal(io_error(call, Some((index, output)), &path, source))
        })?;
    }
    let format = part
        .format()
        .ok_or_else(|| Failure::Fatal(output_error(call, index, not_an_image(part.head()))))?;
    Ok((format, part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_what_a_non_image_starts_with() {
        assert_eq!(
            not_an_image(b"<html>"),
            "it is not a PNG, JPEG, WebP or GIF image (it starts with 3c 68 74 6d 6c 3e)"
        );
        assert!(not_an_image(b"").contains("nothing"));
    }
}
