//! What a batch shows: one progress bar with counts and ETA on a terminal's
//! stderr (nothing when stderr is not a terminal), and the summary at the end.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::job::Outcome;
use crate::failure::printable;

/// Counts of a batch's lines.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub done: usize,
    /// Done in an earlier run, not touched.
    pub skipped: usize,
    /// Failed in an earlier run, not retried (no `--retry-failed`).
    pub skipped_failed: Vec<(usize, String)>,
    pub failed: Vec<(usize, String)>,
    pub unfinished: Vec<(usize, String)>,
    pub not_started: usize,
    /// Not sent: the budget would not cover them.
    pub over_budget: Vec<(usize, String)>,
    /// Sent without an answer, and not found for certain in the provider's
    /// history: never sent again unasked.
    pub uncertain: Vec<(usize, String)>,
}

impl Tally {
    pub fn record(&mut self, line: usize, outcome: Outcome) {
        match outcome {
            Outcome::Done => self.done += 1,
            Outcome::Failed { message, .. } => self.failed.push((line, message)),
            Outcome::Unfinished(message) => self.unfinished.push((line, message)),
            Outcome::NotStarted => self.not_started += 1,
            Outcome::OverBudget(message) => self.over_budget.push((line, message)),
            Outcome::Uncertain(message) => self.uncertain.push((line, message)),
        }
    }

    /// Whether every line ended with its outputs saved.
    pub fn all_done(&self) -> bool {
        self.failed.is_empty()
            && self.skipped_failed.is_empty()
            && self.unfinished.is_empty()
            && self.not_started == 0
            && self.over_budget.is_empty()
            && self.uncertain.is_empty()
    }

    /// The summary printed at the end.
    pub fn summary(&self, model: &str, lines: usize, elapsed: Duration, spending: &str) -> String {
        let mut text = format!(
            "{model}: {lines} lines: {} done now, {} skipped (done before), {} failed, {} uncertain, {} unfinished, {} not started, {} skipped (budget), in {:.1}s\n{spending}",
            self.done,
            self.skipped,
            self.failed.len() + self.skipped_failed.len(),
            self.uncertain.len(),
            self.unfinished.len(),
            self.not_started,
            self.over_budget.len(),
            elapsed.as_secs_f64(),
        );
        let mut failed: Vec<&(usize, String)> =
            self.failed.iter().chain(&self.skipped_failed).collect();
        failed.sort();
        if !failed.is_empty() {
            text.push_str("\nfailed (run again with --retry-failed to submit them again):");
            for (line, message) in failed {
                text.push_str(&format!("\n  line {line}: {}", printable(message)));
            }
        }
        if !self.uncertain.is_empty() {
            text.push_str(
                "\nuncertain (sent, no answer; the provider may have them and charged for them, so they are never sent again unasked: \
                 run the same command again to look for them in the provider's history; \
                 --resubmit-unfound sends again those the history does not show, at the risk of paying twice):",
            );
            let mut uncertain = self.uncertain.clone();
            uncertain.sort();
            for (line, message) in uncertain {
                text.push_str(&format!("\n  line {line}: {}", printable(&message)));
            }
        }
        if !self.over_budget.is_empty() {
            let mut skipped = self.over_budget.clone();
            skipped.sort();
            text.push_str(&format!(
                "\nskipped (budget), not sent: raise --max-cost and run the same command again to submit them (first: line {}: {})",
                skipped[0].0,
                printable(&skipped[0].1)
            ));
        }
        if !self.unfinished.is_empty() || self.not_started > 0 {
            text.push_str(
                "\nrun the same command again to resume unfinished lines by id and submit the rest:",
            );
            let mut unfinished = self.unfinished.clone();
            unfinished.sort();
            for (line, message) in unfinished {
                text.push_str(&format!("\n  line {line}: {}", printable(&message)));
            }
        }
        text
    }
}

/// The progress bar, drawn only when stderr is a terminal.
#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar over `lines`, `already` of them done before this run.
    pub fn new(lines: usize, already: usize) -> Self {
        if !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = ProgressBar::new(lines as u64);
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} done · {msg} · ETA {eta}",
        ) {
            bar.set_style(style);
        }
        bar.set_position(already as u64);
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress { bar: Some(bar) }
    }

    /// Shows the counts after a line ends.
    pub fn update(&self, tally: &Tally, in_flight: usize, spent: &str) {
        if let Some(bar) = &self.bar {
            bar.set_position((tally.done + tally.skipped) as u64);
            bar.set_message(format!(
                "{in_flight} in flight, {} failed, {} uncertain, {} unfinished, {} over budget · {spent}",
                tally.failed.len() + tally.skipped_failed.len(),
                tally.uncertain.len(),
                tally.unfinished.len(),
                tally.over_budget.len(),
            ));
        }
    }

    /// Removes the bar before the summary is printed.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
