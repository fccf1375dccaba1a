//! Prediction records. A prediction's end is fixed when it is submitted; its
//! status is derived from the clock when someone asks, so nothing runs while
//! it is in flight and 10,000 of them cost only their records.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use serde_json::{Map, Value};

use crate::plan::OutputPlan;

/// One accepted request.
#[derive(Debug, Clone)]
pub(crate) struct Prediction {
    pub(crate) id: String,
    pub(crate) provider: String,
    pub(crate) model: String,
    pub(crate) prompt: String,
    /// Every parameter in effect: sent, else its documented default.
    pub(crate) values: Map<String, Value>,
    pub(crate) plan: OutputPlan,
    pub(crate) created: Instant,
    pub(crate) created_wall: SystemTime,
    /// When it ends.
    pub(crate) ends: Instant,
    pub(crate) ending: Ending,
    /// The request body as sent (a webhook delivery's `input`).
    pub(crate) input: Value,
}

/// How a prediction ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ending {
    Success,
    /// Failed, with this error message.
    Failure(String),
}

/// Where a prediction is at a given moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Phase {
    Running,
    Succeeded,
    Failed(String),
}

impl Prediction {
    pub(crate) fn phase(&self, now: Instant) -> Phase {
        if now < self.ends {
            return Phase::Running;
        }
        match &self.ending {
            Ending::Success => Phase::Succeeded,
            Ending::Failure(message) => Phase::Failed(message.clone()),
        }
    }

    /// How long generation takes.
    pub(crate) fn run_time(&self) -> Duration {
        self.ends.saturating_duration_since(self.created)
    }

    /// When it ends, on the wall clock.
    pub(crate) fn ends_wall(&self) -> SystemTime {
        self.created_wall + self.run_time()
    }
}

/// Every prediction, by id.
#[derive(Debug, Default)]
pub(crate) struct Predictions {
    records: Mutex<HashMap<String, Prediction>>,
}

impl Predictions {
    pub(crate) fn insert(&self, prediction: Prediction) {
        self.lock().insert(prediction.id.clone(), prediction);
    }

    pub(crate) fn get(&self, id: &str) -> Option<Prediction> {
        self.lock().get(id).cloned()
    }

    /// A copy of every prediction (for the history listing).
    pub(crate) fn all(&self) -> Vec<Prediction> {
        self.lock().values().cloned().collect()
    }

    /// Makes prediction `id` end failed with `message` (at its usual time).
    pub(crate) fn fail(&self, id: &str, message: String) {
        if let Some(prediction) = self.lock().get_mut(id) {
            prediction.ending = Ending::Failure(message);
        }
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Prediction>> {
        // Every update is a single insert or field write: a poisoned map is
        // still consistent.
        self.records
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A new prediction id: a random UUID (version 4), as vibedream documents.
pub(crate) fn new_id() -> String {
    let mut bytes = fastrand::u128(..).to_be_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_uuid_v4() {
        let id = new_id();
        assert_eq!(id.len(), 36);
        let parts: Vec<&str> = id.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'));
        assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"));
        assert_ne!(new_id(), id);
    }
}
