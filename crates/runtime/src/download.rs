//! Saving outputs to disk: streamed, capped, named by what the bytes are.
//!
//! A URL output is fetched without credentials (asset hosts never see the
//! key), retried like a status check, and written to a `.part` file of its
//! own that is linked to its final name only once complete (never replacing
//! a file), so a crash or a cut connection never leaves a half image under a
//! final name.

use std::path::{Path, PathBuf};

use tokio::io::AsyncWriteExt as _;

use crate::ImageFormat;
use crate::error::Error;
use crate::events::EventKind;
use crate::origin::{fetchable_url, is_loopback};
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
/// file is never replaced.
///
/// The bytes go to a `.part` file that this call creates (under a random
/// name, so no other download can share it), and it becomes the final name
/// only once complete, with a hard link that fails rather than replace.
pub(crate) async fn save_one(
    transport: &Transport,
    call: &Call<'_>,
    index: usize,
    output: &Output,
    dir: &Path,
    stem: &str,
) -> Result<PathBuf, Error> {
    let io = |path: &Path, source| io_error(call, Some((index, output)), path, source);
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|source| io(dir, source))?;
    let Ok(_slot) = tokio::time::timeout_at(call.deadline.into(), transport.gates.file()).await
    else {
        return Err(call.timeout());
    };
    let part = PartFile(dir.join(format!(".{stem}-{index}.{:016x}.part", fastrand::u64(..))));
    let part = &part.0;
    tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(part)
        .await
        .map_err(|source| io(part, source))?;
    let saved = match output {
        Output::Url(url) => download(transport, call, (index, output), url, part).await,
        Output::Base64(_) => write_inline(transport, call, index, output, part).await,
    };
    let (format, bytes) = saved?;
    let path = publish(part, dir, &format!("{stem}-{index}"), format)
        .await
        .map_err(|(path, source)| io(&path, source))?;
    transport.emit(call, || EventKind::Saved {
        path: path.clone(),
        bytes,
    });
    Ok(path)
}

/// A `.part` file this save created: removed when the save ends, however it
/// ends (done, failed, or its future dropped), so none is left behind.
struct PartFile(PathBuf);

impl Drop for PartFile {
    fn drop(&mut self) {
        // Synchronous, but a single unlink; an async removal could not be
        // awaited from a dropped future.
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Gives the complete `.part` file its final name without replacing any
/// file: a hard link fails if the name is taken, and then the next name is
/// tried. Where hard links are not supported, the bytes are copied into a
/// file created with create-new semantics instead.
async fn publish(
    part: &Path,
    dir: &Path,
    name: &str,
    format: ImageFormat,
) -> Result<PathBuf, (PathBuf, std::io::Error)> {
    const NAMES_TRIED: u32 = 10_000;
    let extension = format.extension();
    let mut last = dir.join(format!("{name}.{extension}"));
    for n in 1..=NAMES_TRIED {
        let path = if n == 1 {
            dir.join(format!("{name}.{extension}"))
        } else {
            dir.join(format!("{name}.{n}.{extension}"))
        };
        match link_or_copy(part, &path).await {
            Ok(()) => return Ok(path),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => last = path,
            Err(error) => return Err((path, error)),
        }
    }
    Err((
        last,
        std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("{NAMES_TRIED} files of this name exist already"),
        ),
    ))
}

async fn link_or_copy(part: &Path, path: &Path) -> std::io::Result<()> {
    match tokio::fs::hard_link(part, path).await {
        Err(error)
            if error.kind() != std::io::ErrorKind::AlreadyExists
                && error.kind() != std::io::ErrorKind::NotFound =>
        {
            let mut target = tokio::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .await?;
            let mut source = tokio::fs::File::open(part).await?;
            let copied = async {
                tokio::io::copy(&mut source, &mut target).await?;
                target.sync_all().await
            }
            .await;
            if copied.is_err() {
                let _ = tokio::fs::remove_file(path).await;
            }
            copied
        }
        linked => linked,
    }
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

async fn write_inline(
    transport: &Transport,
    call: &Call<'_>,
    index: usize,
    output: &Output,
    part: &Path,
) -> Result<(ImageFormat, u64), Error> {
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
    let written = async {
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(part)
            .await?;
        file.write_all(&bytes).await?;
        file.sync_all().await
    };
    written
        .await
        .map_err(|source| io_error(call, Some((index, output)), part, source))?;
    Ok((format, bytes.len() as u64))
}

async fn download(
    transport: &Transport,
    call: &Call<'_>,
    (index, output): (usize, &Output),
    url: &str,
    part: &Path,
) -> Result<(ImageFormat, u64), Error> {
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
                stream_to_file(call, (index, output), &mut response, part, limit).await
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

/// Streams an answer into the `.part` file this download created, from its
/// start (a retry rewrites it).
async fn stream_to_file(
    call: &Call<'_>,
    (index, output): (usize, &Output),
    response: &mut reqwest::Response,
    part: &Path,
    limit: u64,
) -> Result<(ImageFormat, u64), Failure> {
    let io = |source| Failure::Fatal(io_error(call, Some((index, output)), part, source));
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(part)
        .await
        .map_err(io)?;
    let mut written: u64 = 0;
    let mut head = Vec::with_capacity(ImageFormat::SNIFF_LEN);
    while let Some(chunk) = response.chunk().await.map_err(Failure::Transport)? {
        written += chunk.len() as u64;
        if written > limit {
            return Err(Failure::Fatal(too_large(call, index, limit)));
        }
        if head.len() < ImageFormat::SNIFF_LEN {
            let take = (ImageFormat::SNIFF_LEN - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
        }
        file.write_all(&chunk).await.map_err(io)?;
    }
    file.flush().await.map_err(io)?;
    file.sync_all().await.map_err(io)?;
    let format = ImageFormat::sniff(&head)
        .ok_or_else(|| Failure::Fatal(output_error(call, index, not_an_image(&head))))?;
    Ok((format, written))
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
