//! A finished prediction and its outputs, ready to save.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

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
    /// When the operation that produced it began, and its deadline.
    started: Instant,
    deadline: Instant,
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
        started: Instant,
        deadline: Instant,
    ) -> Self {
        Generation {
            transport,
            prediction,
            timings,
            started,
            deadline,
        }
    }

    /// The prediction id (`None` for synchronous APIs without one).
    pub fn id(&self) -> Option<&str> {
        self.prediction.id()
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

    /// Writes every output into `dir` (created if missing) and returns the
    /// paths, in output order. Files are named `<prediction id>-<index>.<ext>`
    /// with the extension of the image's real format; URL outputs are
    /// streamed (never with the API key), base64 ones decoded. Runs under
    /// what is left of the deadline of the operation that produced this
    /// generation, with the same retries as status checks.
    pub async fn save_all(&self, dir: impl AsRef<Path>) -> Result<Vec<PathBuf>, Error> {
        let call = Call {
            phase: Phase::Download,
            model: self.prediction.model(),
            prediction_id: self.prediction.id(),
            started: self.started,
            deadline: self.deadline,
        };
        let stem = match self.prediction.id() {
            Some(id) => file_stem(id),
            // Synchronous answers have no id: name by provider and time.
            None => format!(
                "{}-{}",
                self.prediction.provider(),
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_millis()
            ),
        };
        download::save_all(&self.transport, &call, self.outputs(), dir.as_ref(), &stem).await
    }
}

/// A prediction id as a file name: anything but `[A-Za-z0-9._-]` becomes `_`,
/// so an id can never name a path outside the directory.
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
    match stem.trim_start_matches('.') {
        "" => "prediction".to_owned(),
        stem => stem.to_owned(),
    }
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
}
