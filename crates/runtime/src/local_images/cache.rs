//! Uploads already made, by file: a batch that sends one photo with each of
//! a thousand prompts uploads it once, and concurrent requests for the same
//! file wait for the one upload in progress instead of each making theirs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use tokio::sync::OnceCell;

/// This version of a file: its path, size and modification time (a file
/// edited in place gets a new key, so it is uploaded again).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct FileKey {
    path: PathBuf,
    len: u64,
    modified: SystemTime,
}

impl FileKey {
    /// The key of the file at `path` as just read; `None` where the
    /// platform gives no modification time (then nothing is reused).
    pub(crate) fn of(path: &Path, metadata: &std::fs::Metadata, len: u64) -> Option<Self> {
        let modified = metadata.modified().ok()?;
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        Some(FileKey {
            path,
            len,
            modified,
        })
    }
}

/// One file's upload: the URL and when it was made, once done.
pub(crate) type Slot = Arc<OnceCell<(String, SystemTime)>>;

/// The uploads of one client (and its clones).
#[derive(Debug, Default)]
pub(crate) struct UploadCache {
    slots: Mutex<HashMap<FileKey, Slot>>,
}

impl UploadCache {
    /// The slot of `key`: filled by the first upload of it, awaited by the
    /// others. A failed upload leaves it empty, for the next to try.
    pub(crate) fn slot(&self, key: &FileKey) -> Slot {
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        Arc::clone(slots.entry(key.clone()).or_default())
    }

    /// Forgets `key`'s upload (it is too old to hand out).
    pub(crate) fn forget(&self, key: &FileKey, slot: &Slot) {
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if slots
            .get(key)
            .is_some_and(|current| Arc::ptr_eq(current, slot))
        {
            slots.remove(key);
        }
    }
}
