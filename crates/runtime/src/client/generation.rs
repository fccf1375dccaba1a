//! A finished prediction and its outputs, ready to save.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::deadline::Deadline;
use crate::download;
use crate::error::{Error, Phase};
use crate::prediction::{Output, Prediction, Timings};
use crate::transport::{Call, Transport};

/// A prediction that finished with outputs. Cheap to clone.
#[derive(Clone)]
pub struct Generation {
    transport: Arc<Transport>,
    prediction: Prediction,
    timings: Timings,
    /// The deadline of the operation that produced it, which saving continues.
    deadline: Deadline,
}

impl std::fmt::Debug for Generation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generation")
            .field("prediction", &self.prediction)
            .field("timings", &self.timings)
            .finish_non_exhaustive()
    }
}

impl Generation {
    pub(crate) fn new(
        transport: Arc<Transport>,
        prediction: Prediction,
        timings: Timings,
        deadline: Deadline,
    ) -> Self {
        Generation {
            transport,
            prediction,
            timings,
            deadline,
        }
    }

    /// The prediction id (`None` for synchronous APIs without one; see
    /// [`local_id`](Self::local_id)).
    pub fn id(&self) -> Option<&str> {
        self.prediction.id()
    }

    /// The client-made name of an answer the provider gave no id
    /// ([`Prediction::local_id`]).
    pub fn local_id(&self) -> Option<&str> {
        self.prediction.local_id()
    }

    /// What it cost ([`Prediction::cost`]).
    pub fn cost(&self) -> crate::cost::Cost {
        self.prediction.cost()
    }

    /// The finished prediction.
    pub fn prediction(&self) -> &Prediction {
        &self.prediction
    }

    /// The outputs, in the order the server listed them.
    pub fn outputs(&self) -> &[Output] {
        self.prediction.outputs()
    }

    /// How long it took and how many status checks it cost.
    pub fn timings(&self) -> Timings {
        self.timings
    }

    /// The deadline saving runs under: the one of the operation that
    /// produced this generation.
    pub fn deadline(&self) -> Deadline {
        self.deadline
    }

    /// Writes every output into `dir` (created if missing) and returns the
    /// paths, in output order; stops at the first that cannot be saved (see
    /// [`save_output`](Self::save_output) to save them one by one).
    pub async fn save_all(&self, dir: impl AsRef<Path>) -> Result<Vec<PathBuf>, Error> {
        let call = self.call();
        download::save_all(
            &self.transport,
            &call,
            self.outputs(),
            dir.as_ref(),
            &self.file_stem(),
        )
        .await
        .map_err(|error| error.redacted(&self.transport.redactor))
    }

    /// Writes output `index` into `dir` (created if missing) and returns its
    /// path.
    ///
    /// Files are named `<prediction id>-<index>.<ext>` (the client-made
    /// [`local_id`](Self::local_id) where the provider gave no id), with the
    /// extension of the image's real format. A file is never replaced: if the
    /// name is taken, the image is saved as `<id>-<index>.<n>.<ext>` with the
    /// first free `n` from 2. URL outputs are streamed (never with the API
    /// key), base64 ones decoded. Runs under what is left of the deadline of
    /// the operation that produced this generation, with the same retries as
    /// status checks. When writing fails, the error names the output's URL
    /// (or says it came inline): the generation still holds it, so it can be
    /// saved again elsewhere.
    pub async fn save_output(&self, index: usize, dir: impl AsRef<Path>) -> Result<PathBuf, Error> {
        let output = self
            .outputs()
            .get(index)
            .ok_or_else(|| Error::InvalidConfig {
                reason: format!(
                    "there is no output {index}: the prediction has {}",
                    self.outputs().len()
                ),
            })?;
        let call = self.call();
        download::save_one(
            &self.transport,
            &call,
            index,
            output,
            dir.as_ref(),
            &self.file_stem(),
        )
        .await
        .map_err(|error| error.redacted(&self.transport.redactor))
    }

    fn call(&self) -> Call<'_> {
        Call {
            phase: Phase::Download,
            model: self.prediction.model(),
            prediction_id: self.prediction.id(),
            started: self.deadline.started(),
            deadline: self.deadline.at(),
        }
    }

    fn file_stem(&self) -> String {
        file_stem(self.prediction.name().unwrap_or(self.prediction.provider()))
    }
}

/// The longest file stem made from an id; longer ids keep a readable prefix
/// and a hash of the whole id, so a file system's name limit (255 bytes)
/// never strands an image.
const MAX_STEM: usize = 96;

/// A prediction id as a file name: anything but `[A-Za-z0-9._-]` becomes `_`,
/// so an id can never name a path outside the directory, and a long id is
/// shortened to a prefix and a hash of the whole.
fn file_stem(id: &str) -> String {
    let stem: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stem = match stem.trim_start_matches('.') {
        "" => "prediction".to_owned(),
        stem => stem.to_owned(),
    };
    if stem.len() <= MAX_STEM {
        return stem;
    }
    // Stable across runs and platforms (FNV-1a), unlike std's hasher.
    let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{}-{hash:016x}", &stem[..MAX_STEM - 17])
}

#[cfg(test)]
mod tests {
    use super::file_stem;

    #[test]
    fn ids_cannot_escape_the_directory() {
        assert_eq!(file_stem("550e8400-e29b"), "550e8400-e29b");
        assert_eq!(file_stem("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(file_stem(".."), "prediction");
        assert_eq!(file_stem("a/b\\c"), "a_b_c");
    }

    #[test]
    fn long_ids_are_bounded_and_stay_distinct() {
        let long = "x".repeat(300);
        let other = format!("{}y", "x".repeat(299));
        assert_eq!(file_stem(&long).len(), super::MAX_STEM);
        assert!(file_stem(&long).starts_with("xxxxxxxx"));
        assert_ne!(file_stem(&long), file_stem(&other));
    }
}
