//! Getting a local image's bytes, refusing a file over the limit before
//! reading it.

use std::path::Path;

use bytes::Bytes;

use super::cache::FileKey;
use crate::ImageFormat;
use crate::image::{ImageProblem, ImageSource};

/// A local image's bytes and where they came from.
pub(super) struct Loaded {
    pub(super) bytes: Bytes,
    /// The file's own name, for the upload.
    name: Option<String>,
    pub(super) key: Option<FileKey>,
}

impl Loaded {
    /// The name to upload it under: the file's, or `image.<ext>`.
    pub(super) fn file_name(&self, format: ImageFormat) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| format!("image.{}", format.extension()))
    }
}

/// Reads `source` (a file or bytes), at most `limit` bytes.
pub(super) async fn load(source: &ImageSource, limit: u64) -> Result<Loaded, ImageProblem> {
    match source {
        ImageSource::Bytes(bytes) => {
            within(bytes.len() as u64, limit)?;
            Ok(Loaded {
                bytes: Bytes::from_owner(bytes.clone()),
                name: None,
                key: None,
            })
        }
        ImageSource::Path(path) => read_file(path, limit).await,
        ImageSource::Url(_) => Err(ImageProblem::Unreadable {
            reason: "it is a URL, not a local image".to_owned(),
        }),
    }
}

fn within(bytes: u64, limit: u64) -> Result<(), ImageProblem> {
    if bytes > limit {
        Err(ImageProblem::TooLarge { bytes, limit })
    } else {
        Ok(())
    }
}

async fn read_file(path: &Path, limit: u64) -> Result<Loaded, ImageProblem> {
    let unreadable = |error: std::io::Error| ImageProblem::Unreadable {
        reason: error.to_string(),
    };
    let metadata = tokio::fs::metadata(path).await.map_err(unreadable)?;
    if !metadata.is_file() {
        return Err(ImageProblem::Unreadable {
            reason: "it is not a file".to_owned(),
        });
    }
    // Refused before reading: a 2 GB video given by mistake is never
    // loaded into memory.
    within(metadata.len(), limit)?;
    let bytes = tokio::fs::read(path).await.map_err(unreadable)?;
    // It may have grown since.
    within(bytes.len() as u64, limit)?;
    let key = FileKey::of(path, &metadata, bytes.len() as u64);
    Ok(Loaded {
        bytes: Bytes::from(bytes),
        name: path
            .file_name()
            .and_then(|name| name.to_str())
            .map(str::to_owned),
        key,
    })
}
