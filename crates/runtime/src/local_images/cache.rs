//! Uploads already made, by file: a batch that sends one photo with each of
//! a thousand prompts uploads it once, and concurrent requests for the same
//! file wait for the one upload in progress instead of each making theirs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use tokio::sync::{OnceCell, Semaphore, SemaphorePermit};

use crate::image::ImageHeader;
use crate::info::UploadInfo;

/// This version of a file: its path, size and modification time (a file
/// rewritten gets a new key, so it is uploaded again).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct FileKey {
    path: PathBuf,
    len: u64,
    modified: SystemTime,
}

impl FileKey {
    /// The key of the file at `path`; `None` where the platform gives no
    /// modification time (then nothing is reused).
    pub(crate) async fn of(path: &Path, metadata: &std::fs::Metadata) -> Option<Self> {
        let modified = metadata.modified().ok()?;
        let path = tokio::fs::canonicalize(path)
            .await
            .unwrap_or_else(|_| path.to_owned());
        Some(FileKey {
            path,
            len: metadata.len(),
            modified,
        })
    }
}

/// A file's upload: where it is, when it was made, and the header checked
/// then (so a request reusing it need not read the file).
#[derive(Debug, Clone)]
pub(crate) struct Uploaded {
    pub(crate) url: String,
    pub(crate) at: SystemTime,
    pub(crate) header: ImageHeader,
}

/// One file's upload, once done.
pub(crate) type Slot = Arc<OnceCell<Uploaded>>;

/// Uploads in flight at once, per client: each holds its file in memory
/// (up to the provider's limit, 20 MB on WaveSpeed) while it is sent, and
/// a few in parallel fill an uplink as well as many.
const UPLOADS_AT_ONCE: usize = 8;

/// The uploads of one client (and its clones).
#[derive(Debug)]
pub(crate) struct UploadCache {
    slots: Mutex<HashMap<FileKey, Slot>>,
    in_flight: Semaphore,
}

impl Default for UploadCache {
    fn default() -> Self {
        UploadCache {
            slots: Mutex::default(),
            in_flight: Semaphore::new(UPLOADS_AT_ONCE),
        }
    }
}

impl UploadCache {
    /// A turn to read a file and upload it: at most [`UPLOADS_AT_ONCE`]
    /// files are in memory for uploading at once.
    pub(crate) async fn turn(&self) -> Option<SemaphorePermit<'_>> {
        // Never closed, so this only fails if it were.
        self.in_flight.acquire().await.ok()
    }

    fn slots(&self) -> std::sync::MutexGuard<'_, HashMap<FileKey, Slot>> {
        self.slots
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// The slot of `key`: filled by the first upload of it, awaited by the
    /// others. Stale uploads are dropped on the way, so the map holds at
    /// most the files of the last half-retention.
    pub(crate) fn slot(&self, key: &FileKey, upload: &UploadInfo) -> Slot {
        let mut slots = self.slots();
        slots.retain(|_, slot| {
            slot.get()
                .is_none_or(|done| super::still_fresh(upload, done.at))
        });
        Arc::clone(slots.entry(key.clone()).or_default())
    }

    /// `key`'s upload, if it is done and fresh.
    pub(crate) fn fresh(&self, key: &FileKey, upload: &UploadInfo) -> Option<Uploaded> {
        let slots = self.slots();
        let done = slots.get(key)?.get()?;
        super::still_fresh(upload, done.at).then(|| done.clone())
    }

    /// Forgets `slot` (its upload failed, or is too old to hand out), unless
    /// another has taken its place.
    pub(crate) fn forget(&self, key: &FileKey, slot: &Slot) {
        let mut slots = self.slots();
        if slots
            .get(key)
            .is_some_and(|current| Arc::ptr_eq(current, slot))
        {
            slots.remove(key);
        }
    }
}
