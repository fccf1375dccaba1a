//! Getting a local image's bytes: its start for the checks, the whole of it
//! for sending, each bounded by the limit (a file over it is refused from
//! its size on disk, before it is read, and read through a cap in case it
//! grows).

use std::path::Path;

use bytes::Bytes;
use tokio::io::AsyncReadExt as _;

use super::cache::FileKey;
use crate::ImageFormat;
use crate::image::{ImageProblem, ImageSource};
use crate::limits::Gates;

/// Enough of a file for its header: a JPEG's frame header comes after its
/// metadata segments, which can run to tens of kilobytes.
const HEADER_BYTES: u64 = 256 * 1024;

/// The start of a local image, and what it is.
pub(super) struct Start {
    /// Its first bytes (all of them for bytes in memory, or a short file).
    pub(super) bytes: Bytes,
    /// Whether `bytes` is the whole image.
    pub(super) complete: bool,
    /// The file's own name, for the upload.
    name: Option<String>,
    pub(super) key: Option<FileKey>,
}

impl Start {
    /// The name to upload it under: the file's, or `image.<ext>`.
    pub(super) fn file_name(&self, format: ImageFormat) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| format!("image.{}", format.extension()))
    }
}

fn within(bytes: u64, limit: u64) -> Result<(), ImageProblem> {
    if bytes > limit {
        Err(ImageProblem::TooLarge { bytes, limit })
    } else {
        Ok(())
    }
}

fn unreadable(error: std::io::Error) -> ImageProblem {
    ImageProblem::Unreadable {
        reason: error.to_string(),
    }
}

/// The start of `source`, refusing one over `limit` bytes. A file is read
/// under one of the client's open-file slots, so thousands of requests
/// checking their images at once neither exceed the open-file limit nor
/// hold thousands of buffers.
pub(super) async fn start(
    source: &ImageSource,
    limit: u64,
    gates: &Gates,
) -> Result<Start, ImageProblem> {
    match source {
        ImageSource::Bytes(bytes) => {
            within(bytes.len() as u64, limit)?;
            Ok(Start {
                bytes: Bytes::from_owner(bytes.clone()),
                complete: true,
                name: None,
                key: None,
            })
        }
        ImageSource::Path(path) => {
            let _slot = gates.file().await;
            let (file, len, key) = open(path, limit).await?;
            let mut bytes = Vec::new();
            file.take(HEADER_BYTES)
                .read_to_end(&mut bytes)
                .await
                .map_err(unreadable)?;
            Ok(Start {
                complete: (bytes.len() as u64) >= len,
                bytes: Bytes::from(bytes),
                name: path
                    .file_name()
                    .and_then(|name| name.to_str())
                    .map(str::to_owned),
                key,
            })
        }
        ImageSource::Url(_) => Err(not_local()),
    }
}

/// All of `source`, refusing one over `limit` bytes (a file read under an
/// open-file slot, as [`start`]).
pub(super) async fn whole(
    source: &ImageSource,
    limit: u64,
    gates: &Gates,
) -> Result<Bytes, ImageProblem> {
    match source {
        ImageSource::Bytes(bytes) => {
            within(bytes.len() as u64, limit)?;
            Ok(Bytes::from_owner(bytes.clone()))
        }
        ImageSource::Path(path) => {
            let _slot = gates.file().await;
            let (file, len, _) = open(path, limit).await?;
            let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            // One byte past the limit tells a file that grew since from one
            // that is exactly at it.
            file.take(limit + 1)
                .read_to_end(&mut bytes)
                .await
                .map_err(unreadable)?;
            within(bytes.len() as u64, limit)?;
            Ok(Bytes::from(bytes))
        }
        ImageSource::Url(_) => Err(not_local()),
    }
}

fn not_local() -> ImageProblem {
    ImageProblem::Unreadable {
        reason: "it is a URL, not a local image".to_owned(),
    }
}

/// Opens a regular file no larger than `limit`, with its size and key.
async fn open(
    path: &Path,
    limit: u64,
) -> Result<(tokio::fs::File, u64, Option<FileKey>), ImageProblem> {
    let file = tokio::fs::File::open(path).await.map_err(unreadable)?;
    let metadata = file.metadata().await.map_err(unreadable)?;
    if !metadata.is_file() {
        return Err(ImageProblem::Unreadable {
            reason: "it is not a file".to_owned(),
        });
    }
    // Refused before reading: a 2 GB video given by mistake is never
    // loaded into memory.
    within(metadata.len(), limit)?;
    let key = FileKey::of(path, &metadata).await;
    Ok((file, metadata.len(), key))
}
