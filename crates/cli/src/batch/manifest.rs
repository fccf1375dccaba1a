//! The batch manifest: `manifest.jsonl` in the output directory, one record
//! per change of a line's state, appended as it happens, so that a re-run
//! knows what was already paid for.
//!
//! A line is recorded as `submitting` *before* its request is sent and as
//! `submitted` with the prediction id as soon as the server answers. A line
//! whose answer never came (`uncertain`), or left at `submitting` by a
//! crash, may or may not have reached the server, so it is never
//! resubmitted silently, not even by `--retry-failed`: the next run looks
//! for its prediction in the provider's history first, and only
//! `--resubmit-unfound` sends again a line the history did not show. Records are single `write` calls of whole lines; a torn
//! last line from a crash is ignored (its line falls back to its previous,
//! safer state). The file is only ever appended to, never rewritten, and is
//! locked while a batch runs.
//!
//! An answer that names no prediction (a synchronous API) cannot be asked
//! for again, so its outputs are recorded with it (`prediction`): URL
//! outputs as soon as it arrives, and base64 ones too if they could not be
//! written, so the paid images can always be saved by a re-run.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use imagegen::info::ModelInfo;
use imagegen_runtime::cost::{Cost, Currency};
use imagegen_runtime::price::Amount;
use imagegen_runtime::{Finding, Prediction, Uncertain};

use crate::failure::Failure;
use crate::spend::expected_cost;
use serde::{Deserialize, Serialize};

/// The manifest's file name inside `--out`.
pub const FILE_NAME: &str = "manifest.jsonl";

/// Where a line stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// About to be sent; the server may or may not have it.
    Submitting,
    /// The server accepted it (`id` is set when the provider gives one).
    Submitted,
    /// Its outputs are saved (`outputs`).
    Done,
    /// It failed (`error`); retried only with `--retry-failed`.
    Failed,
    /// Its request was never sent (it waited for a connection, or was
    /// refused before anything was created, until its deadline): nothing was
    /// paid, and a re-run submits it.
    NotSent,
    /// Not sent, on purpose (`skipped`: why); a re-run submits it.
    Skipped,
    /// Sent, and its answer never came (`uncertain`: when): the provider
    /// may have it, and charged for it. A re-run looks for it in the
    /// provider's history (`finding`: what it showed last).
    Uncertain,
}

/// Why a line was not sent on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Its cost would have passed `--max-cost`.
    Budget,
}

/// One saved output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedOutput {
    /// Where it was saved.
    pub path: PathBuf,
    /// Where it was downloaded from; absent for base64 outputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// One record: a line's state from now on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The line of the prompts file (1-based).
    pub line: usize,
    /// `provider/model`.
    pub model: String,
    /// Its new state.
    pub status: Status,
    /// The prediction id, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The client-made name of an answer without a prediction id (it names
    /// the files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_id: Option<String>,
    /// A finished prediction whose outputs are not all saved and cannot be
    /// asked for again by id: a re-run saves them from here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prediction: Option<Prediction>,
    /// Saved outputs (`done`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<SavedOutput>,
    /// What went wrong (`failed`, or a `submitted` line whose wait failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The request body (`submitting`): a re-run with a changed file is
    /// refused instead of being matched to the wrong predictions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<serde_json::Value>,
    /// What it costs (`submitting`: what was reserved for it, by the
    /// documented price or `--unknown-cost-as`; later: as the answer
    /// reported it, else by the documented price).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Cost>,
    /// Why it was not sent (`skipped`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<SkipReason>,
    /// The submission whose answer never came (`uncertain`): when it was
    /// sent and given up on, to look for in the provider's history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertain: Option<Uncertain>,
    /// What the provider's history showed of it (`uncertain`): nothing, or
    /// the candidates it cannot tell apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<Finding>,
    /// When, in milliseconds since the Unix epoch.
    pub at_ms: u128,
}

impl Record {
    /// A record of `status` for `line`, stamped now.
    pub fn new(line: usize, model: &str, status: Status) -> Self {
        Record {
            line,
            model: model.to_owned(),
            status,
            id: None,
            local_id: None,
            prediction: None,
            outputs: Vec::new(),
            error: None,
            request: None,
            cost: None,
            skipped: None,
            uncertain: None,
            finding: None,
            at_ms: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis()),
        }
    }
}

/// A line's state: its records folded in order.
#[derive(Debug, Clone, PartialEq)]
pub struct LineState {
    pub model: String,
    pub status: Status,
    pub id: Option<String>,
    pub local_id: Option<String>,
    /// The outputs still to save, for a line without an id to resume by.
    pub prediction: Option<Prediction>,
    pub error: Option<String>,
    pub request: Option<serde_json::Value>,
    /// Its cost, once recorded.
    pub cost: Option<Cost>,
    pub skipped: Option<SkipReason>,
    /// The unanswered submission, and what the history last showed of it.
    pub uncertain: Option<Uncertain>,
    pub finding: Option<Finding>,
    /// The outputs saved (`done`).
    pub outputs: Vec<SavedOutput>,
    /// When its current submission was recorded, and its last record.
    pub submitted_ms: Option<u128>,
    pub at_ms: u128,
    /// The manifest's line (1-based) of its last record, for messages.
    pub row: usize,
}

impl LineState {
    fn apply(state: Option<LineState>, record: Record, row: usize) -> LineState {
        let previous = state.unwrap_or(LineState {
            model: record.model.clone(),
            status: record.status,
            id: None,
            local_id: None,
            prediction: None,
            error: None,
            request: None,
            cost: None,
            skipped: None,
            uncertain: None,
            finding: None,
            outputs: Vec::new(),
            submitted_ms: None,
            at_ms: record.at_ms,
            row,
        });
        let fresh = record.status == Status::Submitting;
        // A line that was not sent spent nothing: no cost carries over.
        let unsent = matches!(record.status, Status::NotSent | Status::Skipped);
        let outputs = if fresh || !record.outputs.is_empty() {
            record.outputs
        } else {
            previous.outputs
        };
        LineState {
            cost: if fresh || unsent {
                record.cost
            } else {
                record.cost.or(previous.cost)
            },
            skipped: record.skipped,
            // The unanswered submission is kept until the line is settled
            // or submitted anew.
            uncertain: if fresh || matches!(record.status, Status::Done | Status::Submitted) {
                record.uncertain
            } else {
                record.uncertain.or(previous.uncertain)
            },
            finding: record.finding,
            outputs,
            submitted_ms: if fresh {
                Some(record.at_ms)
            } else {
                previous.submitted_ms
            },
            at_ms: record.at_ms,
            row,
            model: record.model,
            status: record.status,
            // An id, once known, is kept (it is what a resume needs), until
            // the line is submitted anew: the old prediction is not the one
            // that new submission made.
            id: if fresh {
                record.id
            } else {
                record.id.or(previous.id)
            },
            local_id: if fresh {
                record.local_id
            } else {
                record.local_id.or(previous.local_id)
            },
            // Kept until the outputs are saved or the line is submitted anew.
            prediction: if fresh || record.status == Status::Done {
                record.prediction
            } else {
                record.prediction.or(previous.prediction)
            },
            error: record.error,
            request: record.request.or(previous.request),
        }
    }
}

/// The manifest of an output directory: what earlier runs recorded, and the
/// locked file this run appends to.
#[derive(Debug)]
pub struct Manifest {
    path: PathBuf,
    file: Mutex<Appender>,
    /// What earlier runs left.
    lines: BTreeMap<usize, LineState>,
}

/// The file, and every line's state with this run's records folded in (what
/// the gallery shows).
#[derive(Debug)]
struct Appender {
    file: File,
    current: BTreeMap<usize, LineState>,
    /// Lines the file holds.
    rows: usize,
}

impl Manifest {
    /// Opens (or creates) the manifest in `dir` and reads what it holds. A
    /// file that cannot be read as a manifest is bad input (exit 2).
    pub fn open(dir: &Path) -> Result<Self, Failure> {
        std::fs::create_dir_all(dir)
            .map_err(|error| Failure::other(format!("cannot create {}: {error}", dir.display())))?;
        let path = dir.join(FILE_NAME);
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(|error| Failure::other(format!("cannot open {}: {error}", path.display())))?;
        file.try_lock().map_err(|_| {
            Failure::other(format!(
                "{} is in use by another `imagegen batch`; wait for it or use another --out",
                path.display()
            ))
        })?;
        let mut text = String::new();
        file.read_to_string(&mut text)
            .map_err(|error| Failure::other(format!("cannot read {}: {error}", path.display())))?;
        let lines = fold(&text).map_err(|problem| unreadable(&path, &problem))?;
        if !text.is_empty() && !text.ends_with('\n') {
            // Finish the torn line so the next record starts on its own.
            file.seek(SeekFrom::End(0))
                .and_then(|_| file.write_all(b"\n"))
                .map_err(|error| {
                    Failure::other(format!("cannot write {}: {error}", path.display()))
                })?;
        }
        Ok(Manifest {
            path,
            file: Mutex::new(Appender {
                file,
                current: lines.clone(),
                rows: text.split_terminator('\n').count(),
            }),
            lines,
        })
    }

    /// Reads the manifest in `dir` without locking it or writing to it (a
    /// batch may be appending): each line's state as of now.
    pub fn read(dir: &Path) -> Result<BTreeMap<usize, LineState>, Failure> {
        let path = dir.join(FILE_NAME);
        let text = std::fs::read_to_string(&path)
            .map_err(|error| Failure::usage(format!("cannot read {}: {error}", path.display())))?;
        fold(&text).map_err(|problem| unreadable(&path, &problem))
    }

    /// Calls `f` with every line's state as of now, this run's records
    /// included.
    pub fn with_current<T>(&self, f: impl FnOnce(&BTreeMap<usize, LineState>) -> T) -> Option<T> {
        self.file.lock().ok().map(|appender| f(&appender.current))
    }

    /// What earlier runs left, line by line.
    pub fn earlier(&self) -> &BTreeMap<usize, LineState> {
        &self.lines
    }

    /// Appends `record` if `keep` holds for its line's state as of now (in
    /// one step: no other record for it can come in between); `Ok(false)`
    /// when it did not.
    pub fn append_if(
        &self,
        record: Record,
        keep: impl FnOnce(Option<&LineState>) -> bool,
    ) -> Result<bool, String> {
        let mut appender = self
            .file
            .lock()
            .map_err(|_| "the manifest writer failed earlier".to_owned())?;
        if !keep(appender.current.get(&record.line)) {
            return Ok(false);
        }
        self.write(&mut appender, record).map(|()| true)
    }

    /// Appends a record as one write of one whole line.
    pub fn append(&self, record: Record) -> Result<(), String> {
        let mut appender = self
            .file
            .lock()
            .map_err(|_| "the manifest writer failed earlier".to_owned())?;
        self.write(&mut appender, record)
    }

    fn write(&self, appender: &mut Appender, record: Record) -> Result<(), String> {
        let mut text = serde_json::to_string(&record)
            .map_err(|error| format!("cannot write a manifest record: {error}"))?;
        text.push('\n');
        appender
            .file
            .write_all(text.as_bytes())
            .and_then(|()| appender.file.flush())
            .map_err(|error| format!("cannot write {}: {error}", self.path.display()))?;
        appender.rows += 1;
        let row = appender.rows;
        let state = appender.current.remove(&record.line);
        appender
            .current
            .insert(record.line, LineState::apply(state, record, row));
        Ok(())
    }
}

fn unreadable(path: &Path, problem: &str) -> Failure {
    Failure::usage(format!("{}: {problem}; nothing was sent", path.display()))
}

/// What a budget needs to count an earlier run's spending.
#[derive(Debug)]
pub struct Spending<'a> {
    pub model: &'static ModelInfo,
    /// `provider/model`, as the records name it.
    pub qualified: &'a str,
    pub currency: Currency,
    pub unknown_cost_as: Option<Amount>,
}

/// What the lines of the manifest at `path` spent, as far as can be known:
/// every line that may have reached the server (submitting, submitted, done
/// or failed) counts its recorded cost, else the documented price of its
/// recorded request, else `--unknown-cost-as`. A failed prediction may or
/// may not have been charged; it is counted. Errors name the manifest line
/// and exit 2.
pub fn spent(
    lines: &BTreeMap<usize, LineState>,
    path: &Path,
    spending: &Spending<'_>,
) -> Result<Amount, Failure> {
    count_spent(lines, spending).map_err(|problem| unreadable(path, &problem))
}

fn count_spent(
    lines: &BTreeMap<usize, LineState>,
    spending: &Spending<'_>,
) -> Result<Amount, String> {
    let mut total = Amount::ZERO;
    for (line, state) in lines {
        if state.model != spending.qualified {
            return Err(format!(
                "line {} records prompts line {line} for {}, not {}: a budget cannot count another model's spending; use another --out",
                state.row, state.model, spending.qualified
            ));
        }
        if matches!(state.status, Status::NotSent | Status::Skipped) {
            continue;
        }
        let cost = match state.cost {
            Some(cost) if !cost.is_unknown() => cost,
            _ => state.request.as_ref().map_or(Cost::Unknown, |request| {
                expected_cost(spending.model, request)
            }),
        };
        let amount = match cost.money() {
            Some(money) if money.currency == spending.currency => money.amount,
            Some(money) => {
                return Err(format!(
                    "line {} records a cost of {money} for prompts line {line}, not in {}: its spending cannot be counted",
                    state.row, spending.currency
                ));
            }
            None => spending.unknown_cost_as.ok_or_else(|| {
                format!(
                    "line {} (prompts line {line}) has no known cost, so what was spent cannot be counted; give --unknown-cost-as AMOUNT",
                    state.row
                )
            })?,
        };
        total = total.checked_add(amount).ok_or_else(|| {
            format!(
                "line {}: the spending recorded does not add up (too large)",
                state.row
            )
        })?;
    }
    Ok(total)
}

/// Folds the records of a manifest's text. A last line without its newline
/// is a write torn by a crash and is ignored; any other unreadable line is an
/// error, since guessing could resubmit something already paid for.
fn fold(text: &str) -> Result<BTreeMap<usize, LineState>, String> {
    let mut lines: BTreeMap<usize, LineState> = BTreeMap::new();
    let complete = text.ends_with('\n');
    let rows: Vec<&str> = text.split('\n').collect();
    for (index, row) in rows.iter().enumerate() {
        if row.trim().is_empty() {
            continue;
        }
        let last = index + 1 == rows.len();
        match serde_json::from_str::<Record>(row) {
            Ok(record) => {
                let state = lines.remove(&record.line);
                lines.insert(record.line, LineState::apply(state, record, index + 1));
            }
            Err(_) if last && !complete => {}
            Err(error) => {
                return Err(format!(
                    "line {} is not a manifest record ({error}); fix or move the file",
                    index + 1
                ));
            }
        }
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(line: usize, status: Status, id: Option<&str>) -> String {
        let mut record = Record::new(line, "vibedream/z-image-turbo", status);
        record.id = id.map(str::to_owned);
        serde_json::to_string(&record).unwrap()
    }

    #[test]
    fn later_records_win_and_ids_are_kept() {
        let text = [
            record(1, Status::Submitting, None),
            record(1, Status::Submitted, Some("p1")),
            record(2, Status::Submitting, None),
            record(1, Status::Failed, None),
        ]
        .join("\n")
            + "\n";
        let lines = fold(&text).unwrap();
        assert_eq!(lines[&1].status, Status::Failed);
        assert_eq!(lines[&1].id.as_deref(), Some("p1"));
        assert_eq!(lines[&2].status, Status::Submitting);
    }

    #[test]
    fn a_new_submission_forgets_the_old_id() {
        let text = [
            record(1, Status::Failed, Some("old")),
            record(1, Status::Submitting, None),
        ]
        .join("\n")
            + "\n";
        let lines = fold(&text).unwrap();
        assert_eq!(lines[&1].status, Status::Submitting);
        assert_eq!(
            lines[&1].id, None,
            "a cut-off retry is not the old prediction"
        );
    }

    #[test]
    fn a_torn_last_line_is_ignored_but_a_corrupt_middle_is_not() {
        let torn = record(1, Status::Submitting, None)
            + "\n"
            + &record(1, Status::Submitted, Some("p"))[..20];
        let lines = fold(&torn).unwrap();
        assert_eq!(lines[&1].status, Status::Submitting);
        let corrupt = "{oops\n".to_owned() + &record(1, Status::Done, Some("p")) + "\n";
        assert!(fold(&corrupt).unwrap_err().contains("line 1"));
    }

    #[test]
    fn appends_survive_reopening_and_the_file_is_locked() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = Manifest::open(dir.path()).unwrap();
        let mut submitted = Record::new(3, "m", Status::Submitted);
        submitted.id = Some("abc".into());
        manifest.append(submitted).unwrap();
        assert!(
            Manifest::open(dir.path())
                .unwrap_err()
                .message
                .contains("in use")
        );
        drop(manifest);
        let reopened = Manifest::open(dir.path()).unwrap();
        assert_eq!(
            reopened.earlier().get(&3).unwrap().id.as_deref(),
            Some("abc")
        );
    }
}
