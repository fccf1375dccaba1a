//! One output's bytes on their way to disk, in as few blocking steps as
//! the size allows.
//!
//! Every file operation of an async runtime is a hand-off to a blocking
//! thread and back. Written chunk by chunk (`tokio::fs`), a 400 KB image
//! cost about 16 of them, and the thread switches were most of a
//! generation's CPU time. Here the bytes are kept in memory up to
//! [`SPILL`], so an ordinary image reaches disk in one blocking step that
//! creates its `.part` file, writes it, syncs it, links it to its final
//! name and removes the `.part`; a larger one adds a step per [`SPILL`]
//! bytes. Memory stays bounded: a download holds an open-file slot, so at
//! most that many buffers exist at once.
//!
//! The `.part` file has a random name, so no other download can share it,
//! and it becomes the final name with a hard link that fails rather than
//! replace a file: a crash or a cut connection never leaves a half image
//! under a final name, and an existing file is never overwritten.

use std::fs::{File, OpenOptions};
use std::io::{self, IoSlice, Write as _};
use std::path::{Path, PathBuf};

use bytes::Bytes;

use crate::ImageFormat;

/// Bytes kept in memory before they are appended to the `.part` file.
/// Most generated images (a 1024×1024 PNG is 0.4 to 3 MB) fit in one.
pub(crate) const SPILL: usize = 4 << 20;

/// Names tried after `<name>.<ext>` before giving up.
const NAMES_TRIED: u32 = 10_000;

/// The bytes of one output, in memory and (past [`SPILL`]) in its `.part`
/// file, which is removed when this is dropped, however the save ends.
#[derive(Debug)]
pub(crate) struct PartFile {
    dir: PathBuf,
    path: PathBuf,
    /// The `.part` file, open while bytes spill into it.
    file: Option<File>,
    /// Whether the `.part` file was created (and so is to be removed).
    created: bool,
    /// Chunks not yet written, as received (written with one vectored
    /// write, not copied into one buffer first).
    pending: Vec<Bytes>,
    pending_len: usize,
    written: u64,
    /// The first bytes, to tell the format by.
    head: Vec<u8>,
}

impl PartFile {
    /// An empty output to be saved in `dir` as `<stem>-<index>.<ext>`;
    /// nothing is created until bytes spill or it is published.
    pub(crate) fn new(dir: &Path, stem: &str, index: usize) -> Self {
        PartFile {
            dir: dir.to_owned(),
            path: dir.join(format!(".{stem}-{index}.{:016x}.part", fastrand::u64(..))),
            file: None,
            created: false,
            pending: Vec::new(),
            pending_len: 0,
            written: 0,
            head: Vec::with_capacity(ImageFormat::SNIFF_LEN),
        }
    }

    /// An output whose bytes are all known already (decoded base64).
    pub(crate) fn with_bytes(dir: &Path, stem: &str, index: usize, bytes: Vec<u8>) -> Self {
        let mut part = PartFile::new(dir, stem, index);
        part.keep(Bytes::from(bytes));
        part
    }

    /// Bytes received so far.
    pub(crate) fn len(&self) -> u64 {
        self.written
    }

    /// The format its first bytes show, if they are an image's.
    pub(crate) fn format(&self) -> Option<ImageFormat> {
        ImageFormat::sniff(&self.head)
    }

    /// The first bytes received.
    pub(crate) fn head(&self) -> &[u8] {
        &self.head
    }

    /// Appends `chunk`, spilling to the `.part` file in one blocking step
    /// when [`SPILL`] bytes are pending. On an error the `.part` file is
    /// gone and the error names the path it was about.
    pub(crate) async fn push(mut self, chunk: Bytes) -> Result<Self, (PathBuf, io::Error)> {
        self.keep(chunk);
        if self.pending_len < SPILL {
            return Ok(self);
        }
        let path = self.path.clone();
        blocking(path, move || {
            self.spill()?;
            Ok(self)
        })
        .await
    }

    /// Gives the complete output its final name in `self.dir`: `<name>.<ext>`,
    /// or, if a file of that name exists already, `<name>.<n>.<ext>` with
    /// the first free `n` from 2. One blocking step: the pending bytes are
    /// written and synced, the `.part` file is linked and removed.
    pub(crate) async fn publish(
        mut self,
        name: String,
        format: ImageFormat,
    ) -> Result<PathBuf, (PathBuf, io::Error)> {
        let path = self.path.clone();
        blocking(path, move || {
            self.spill()?;
            if let Some(file) = self.file.take() {
                file.sync_all()
                    .map_err(|error| (self.path.clone(), error))?;
            }
            self.link(&name, format.extension())
        })
        .await
    }

    fn keep(&mut self, chunk: Bytes) {
        let take = (ImageFormat::SNIFF_LEN - self.head.len()).min(chunk.len());
        self.head.extend_from_slice(&chunk[..take]);
        self.written += chunk.len() as u64;
        self.pending_len += chunk.len();
        self.pending.push(chunk);
    }

    /// Appends the pending bytes to the `.part` file, creating it (and its
    /// directory) first if need be. Blocking.
    fn spill(&mut self) -> Result<(), (PathBuf, io::Error)> {
        if !self.created {
            let create = || {
                OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&self.path)
            };
            // The directory is made (or found wanting, and named in the
            // error) only when the file cannot be created: asking for it
            // before every output cost two system calls each time.
            let file = match create() {
                Err(error) if error.kind() != io::ErrorKind::AlreadyExists => {
                    std::fs::create_dir_all(&self.dir)
                        .map_err(|error| (self.dir.clone(), error))?;
                    create()
                }
                opened => opened,
            }
            .map_err(|error| (self.path.clone(), error))?;
            self.created = true;
            self.file = Some(file);
        }
        if let Some(file) = &mut self.file {
            write_all_vectored(file, &self.pending).map_err(|error| (self.path.clone(), error))?;
        }
        self.pending.clear();
        self.pending_len = 0;
        Ok(())
    }

    /// Links the synced `.part` file to the first free final name. Blocking.
    fn link(&self, name: &str, extension: &str) -> Result<PathBuf, (PathBuf, io::Error)> {
        let mut last = self.dir.join(format!("{name}.{extension}"));
        for n in 1..=NAMES_TRIED {
            let path = if n == 1 {
                last.clone()
            } else {
                self.dir.join(format!("{name}.{n}.{extension}"))
            };
            match link_or_copy(&self.path, &path) {
                Ok(()) => return Ok(path),
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => last = path,
                Err(error) => return Err((path, error)),
            }
        }
        Err((
            last,
            io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{NAMES_TRIED} files of this name exist already"),
            ),
        ))
    }
}

impl Drop for PartFile {
    fn drop(&mut self) {
        // Synchronous, but a single unlink, and usually on a blocking
        // thread already (where `push` and `publish` end).
        if self.created {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Writes every chunk, in as few system calls as the kernel allows.
fn write_all_vectored(file: &mut File, chunks: &[Bytes]) -> io::Result<()> {
    // At most this many slices per call (Linux's IOV_MAX is 1024).
    const SLICES: usize = 512;
    for group in chunks.chunks(SLICES) {
        let mut slices: Vec<IoSlice<'_>> = group.iter().map(|chunk| IoSlice::new(chunk)).collect();
        let mut slices = &mut slices[..];
        while !slices.is_empty() {
            match file.write_vectored(slices) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(written) => IoSlice::advance_slices(&mut slices, written),
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
    }
    Ok(())
}

/// A hard link, which fails rather than replace; where hard links are not
/// supported, a copy into a file created with create-new semantics.
fn link_or_copy(part: &Path, path: &Path) -> io::Result<()> {
    match std::fs::hard_link(part, path) {
        Err(error)
            if error.kind() != io::ErrorKind::AlreadyExists
                && error.kind() != io::ErrorKind::NotFound =>
        {
            let mut target = OpenOptions::new().write(true).create_new(true).open(path)?;
            let copied =
                io::copy(&mut File::open(part)?, &mut target).and_then(|_| target.sync_all());
            if copied.is_err() {
                let _ = std::fs::remove_file(path);
            }
            copied
        }
        linked => linked,
    }
}

/// Runs `work`, which writes `path`, on a blocking thread.
async fn blocking<T: Send + 'static>(
    path: PathBuf,
    work: impl FnOnce() -> Result<T, (PathBuf, io::Error)> + Send + 'static,
) -> Result<T, (PathBuf, io::Error)> {
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|_| {
        Err((
            path,
            io::Error::other("the blocking file write stopped before it finished"),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n0000000000000000";

    fn files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    #[tokio::test]
    async fn a_small_output_is_published_whole_and_leaves_no_part_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("made/on/demand");
        let mut part = PartFile::new(&out, "id", 0);
        for chunk in PNG.chunks(5) {
            part = part.push(Bytes::copy_from_slice(chunk)).await.unwrap();
        }
        assert_eq!(part.format(), Some(ImageFormat::Png));
        assert_eq!(part.len(), PNG.len() as u64);
        let path = part.publish("id-0".into(), ImageFormat::Png).await.unwrap();
        assert_eq!(path, out.join("id-0.png"));
        assert_eq!(std::fs::read(&path).unwrap(), PNG);
        assert_eq!(files(&out), ["id-0.png"]);
    }

    #[tokio::test]
    async fn a_large_output_spills_and_never_replaces_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("id-0.png"), b"theirs").unwrap();
        let mut bytes = PNG.to_vec();
        bytes.resize(SPILL * 2 + 17, 7);
        let mut part = PartFile::new(dir.path(), "id", 0);
        // Small chunks too, so one spill needs more slices than one call takes.
        for chunk in bytes.chunks(3000) {
            part = part.push(Bytes::copy_from_slice(chunk)).await.unwrap();
        }
        let path = part.publish("id-0".into(), ImageFormat::Png).await.unwrap();
        assert_eq!(path, dir.path().join("id-0.2.png"));
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
        assert_eq!(
            std::fs::read(dir.path().join("id-0.png")).unwrap(),
            b"theirs"
        );
        assert_eq!(files(dir.path()), ["id-0.2.png", "id-0.png"]);
    }

    #[tokio::test]
    async fn an_abandoned_spilled_output_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let mut part = PartFile::new(dir.path(), "id", 0);
        part = part.push(Bytes::from(vec![1; SPILL + 1])).await.unwrap();
        assert_eq!(files(dir.path()).len(), 1, "spilled into its .part file");
        drop(part);
        assert!(files(dir.path()).is_empty());
    }

    #[tokio::test]
    async fn an_unwritable_directory_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("a-file");
        std::fs::write(&blocker, b"").unwrap();
        let part = PartFile::with_bytes(&blocker.join("out"), "id", 0, PNG.to_vec());
        let (path, _) = part
            .publish("id-0".into(), ImageFormat::Png)
            .await
            .unwrap_err();
        assert_eq!(path, blocker.join("out"));
    }
}
