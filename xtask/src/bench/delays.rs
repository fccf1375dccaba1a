//! How soon each prediction's end was noticed, and what noticing it cost,
//! as the emulator saw it: delay = its first download of the prediction's
//! output minus the prediction's completion instant (both in its log), so
//! it includes the last status answer's and the download request's own
//! latency; checks = the status polls it answered for that prediction.

use std::collections::BTreeMap;

/// Median and 95th percentile delay, and mean checks, of some predictions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Summary {
    pub median_ms: u64,
    pub p95_ms: u64,
    pub checks: f64,
}

/// `(delay ms, checks)` per prediction whose output was downloaded, in
/// submission order.
pub(crate) fn per_prediction(log: &serde_json::Value) -> Vec<(u64, u64)> {
    let mut first_download: BTreeMap<&str, u64> = BTreeMap::new();
    for download in log["downloads"].as_array().into_iter().flatten() {
        let (Some(path), Some(at)) = (download["path"].as_str(), download["at_ms"].as_u64()) else {
            continue;
        };
        if let Some(id) = path
            .strip_prefix("/outputs/")
            .and_then(|rest| rest.split('/').next())
        {
            let entry = first_download.entry(id).or_insert(at);
            *entry = (*entry).min(at);
        }
    }
    let mut measured = Vec::new();
    for submission in log["submissions"].as_array().into_iter().flatten() {
        let (Some(id), Some(done)) = (
            submission["prediction_id"].as_str(),
            submission["completes_at_ms"].as_u64(),
        ) else {
            continue;
        };
        let Some(seen) = first_download.get(id) else {
            continue;
        };
        let checks = log["polls"][id].as_u64().unwrap_or(0);
        measured.push((seen.saturating_sub(done), checks));
    }
    measured
}

pub(crate) fn summary(part: &[(u64, u64)]) -> Summary {
    let mut delays: Vec<u64> = part.iter().map(|(delay, _)| *delay).collect();
    delays.sort_unstable();
    let at = |q: f64| {
        delays
            .get(((delays.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(0)
    };
    Summary {
        median_ms: at(0.5),
        p95_ms: at(0.95),
        checks: part.iter().map(|(_, c)| *c as f64).sum::<f64>() / part.len().max(1) as f64,
    }
}
