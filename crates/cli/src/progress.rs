//! Progress on stderr while a prediction runs: a spinner with the
//! prediction's status and the time elapsed against the model's estimate
//! (`processing · 2.1s of ~1-3s`).
//!
//! Drawn only when stderr is a terminal: piped or logged, stderr carries
//! nothing but errors, so scripts never have to filter it. Never on stdout,
//! which carries the results (paths, or the `--json` object).

use std::io::IsTerminal;
use std::time::Duration;

use imagegen::info::EstimatedTime;
use imagegen_runtime::{Event, EventKind};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::task::JoinHandle;

/// How often the spinner redraws (and the elapsed time moves).
const TICK: Duration = Duration::from_millis(100);
/// Longest status text shown: a retry reason can be a whole server message.
const MAX_STATUS_CHARS: usize = 60;

/// A spinner following one client's events, or nothing when stderr is not a
/// terminal. [`finish`](Self::finish) it before printing anything else.
#[derive(Debug)]
pub struct Progress {
    drawn: Option<(ProgressBar, JoinHandle<()>)>,
}

impl Progress {
    /// Starts a spinner labelled `label` (the model), showing `status` until
    /// the first event, fed by `events` (subscribe before submitting, or the
    /// first events are missed). `estimate` is the model's documented one,
    /// replaced by the server's when the submission answer gives it.
    pub fn start(
        label: &str,
        status: &str,
        estimate: Option<EstimatedTime>,
        events: broadcast::Receiver<Event>,
    ) -> Self {
        if !std::io::stderr().is_terminal() {
            return Progress { drawn: None };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(style(label, estimate));
        bar.set_message(status.to_owned());
        bar.enable_steady_tick(TICK);
        let watcher = tokio::spawn(follow(bar.clone(), label.to_owned(), events));
        Progress {
            drawn: Some((bar, watcher)),
        }
    }

    /// Stops following events and erases the spinner.
    pub fn finish(self) {
        if let Some((bar, watcher)) = self.drawn {
            watcher.abort();
            bar.finish_and_clear();
        }
    }
}

/// Updates `bar` from `events` until the channel closes.
async fn follow(bar: ProgressBar, label: String, mut events: broadcast::Receiver<Event>) {
    loop {
        let event = match events.recv().await {
            Ok(event) => event,
            // A slow watcher loses old events: the next one is as good.
            Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => return,
        };
        if let EventKind::Submitted { estimated_time } = &event.kind {
            // Elapsed time counts from the submission, as estimates do.
            bar.set_style(style(&label, *estimated_time));
            bar.reset_elapsed();
        }
        if let Some(status) = status_text(&event.kind) {
            bar.set_message(crate::failure::printable(&status));
        }
    }
}

/// `⠋ vibedream/z-image-turbo · processing · 2.1s of ~1-3s`.
fn style(label: &str, estimate: Option<EstimatedTime>) -> ProgressStyle {
    let against = estimate.map_or_else(String::new, |e| format!(" of {}", estimate_text(e)));
    // Braces in a label would be read as template keys.
    let label = label.replace(['{', '}'], "");
    let template = format!("{{spinner}} {label} · {{msg}} · {{seconds}}{against}");
    ProgressStyle::with_template(&template)
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
        .with_key(
            "seconds",
            |state: &ProgressState, out: &mut dyn std::fmt::Write| {
                let _ = write!(out, "{:.1}s", state.elapsed().as_secs_f64());
            },
        )
}

/// What an event says about the prediction, in a few words; `None` for
/// events that change nothing worth showing.
pub fn status_text(kind: &EventKind) -> Option<String> {
    let text = match kind {
        EventKind::Submitted { .. } => "submitted".to_owned(),
        EventKind::Processing { status, .. } => status.clone(),
        EventKind::UnknownStatus { status } => format!("{status} (undocumented status)"),
        EventKind::Retrying {
            phase,
            attempt,
            delay,
            reason,
        } => format!(
            "retrying {phase} (attempt {attempt}) in {:.1}s: {reason}",
            delay.as_secs_f64()
        ),
        EventKind::Completed { outputs, .. } => match outputs {
            1 => "saving 1 image".to_owned(),
            n => format!("saving {n} images"),
        },
        EventKind::Saved { path, .. } => format!("saved {}", path.display()),
        EventKind::Failed { .. } => "failed".to_owned(),
        EventKind::Uploaded { parameter, .. } => format!("uploaded {parameter}"),
        _ => return None,
    };
    Some(shorten(&text))
}

/// `~1-3s`, `~26s`, `~2-5min`.
pub fn estimate_text(estimate: EstimatedTime) -> String {
    let (min, max) = (estimate.min_ms, estimate.max_ms.max(estimate.min_ms));
    let (unit, divisor) = if min >= 120_000 {
        ("min", 60_000.0)
    } else {
        ("s", 1_000.0)
    };
    // Estimates are whole seconds in practice; a fraction is shown if given.
    let number = |ms: u64| {
        let value = ms as f64 / divisor;
        if value.fract() == 0.0 {
            format!("{value:.0}")
        } else {
            format!("{value:.1}")
        }
    };
    if min == max {
        format!("~{}{unit}", number(min))
    } else {
        format!("~{}-{}{unit}", number(min), number(max))
    }
}

/// The first line of `text`, cut to [`MAX_STATUS_CHARS`] characters.
fn shorten(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() <= MAX_STATUS_CHARS {
        return line.to_owned();
    }
    let mut short: String = line.chars().take(MAX_STATUS_CHARS - 1).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use imagegen_runtime::Phase;

    use super::*;

    fn estimate(min_ms: u64, max_ms: u64) -> EstimatedTime {
        EstimatedTime { min_ms, max_ms }
    }

    #[test]
    fn estimates_read_like_the_docs() {
        assert_eq!(estimate_text(estimate(1_000, 3_000)), "~1-3s");
        assert_eq!(estimate_text(estimate(26_000, 26_000)), "~26s");
        assert_eq!(estimate_text(estimate(1_500, 2_000)), "~1.5-2s");
        assert_eq!(estimate_text(estimate(120_000, 300_000)), "~2-5min");
        // A window given upside down is shown as its lower bound.
        assert_eq!(estimate_text(estimate(5_000, 1_000)), "~5s");
    }

    #[test]
    fn events_become_short_statuses() {
        let processing = EventKind::Processing {
            status: "processing".into(),
            elapsed: Duration::from_millis(2_100),
            estimated_time: None,
        };
        assert_eq!(status_text(&processing).as_deref(), Some("processing"));
        let retrying = EventKind::Retrying {
            phase: Phase::Poll,
            attempt: 2,
            delay: Duration::from_millis(500),
            reason: "server error 503\nwith a long body".repeat(10),
        };
        let text = status_text(&retrying).unwrap_or_default();
        assert!(text.starts_with("retrying poll (attempt 2) in 0.5s: server error 503"));
        assert!(text.chars().count() <= MAX_STATUS_CHARS, "{text}");
        let saved = EventKind::Saved {
            path: PathBuf::from("out/a-0.png"),
            bytes: 10,
        };
        assert_eq!(status_text(&saved).as_deref(), Some("saved out/a-0.png"));
    }

    #[test]
    fn nothing_is_drawn_off_a_terminal() {
        // Test harnesses capture stderr, so it is not a terminal here; when
        // it is (a developer's `--nocapture` run), this asserts nothing.
        if std::io::stderr().is_terminal() {
            return;
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        runtime.block_on(async {
            let (_sender, events) = broadcast::channel(4);
            let progress = Progress::start("vibedream/z-image-turbo", "submitting", None, events);
            assert!(progress.drawn.is_none());
            progress.finish();
        });
    }
}
