//! `index.html` in a batch's output directory: every line of the manifest
//! as a card (its images, prompt, parameters, model, prediction id, status,
//! time, cost, error), totals at the top, a status filter and a prompt
//! search in a few lines of inline JavaScript. No external assets, nothing
//! fetched from the network.
//!
//! The manifest stays the truth: the page is rebuilt from it (while a batch
//! runs, from its records as they are appended; `imagegen gallery DIR` from
//! the file), and written atomically (a temporary file renamed over the
//! old page), so a crash leaves the previous page or the new one, never
//! half of one.
//!
//! Thumbnails are the saved files themselves, with `loading="lazy"`: the
//! browser fetches only the images near the viewport, so a page of 10,000
//! lines opens as fast as its text; writing small copies instead would cost
//! a decode and an encode of every image while the batch runs (5,000 a
//! minute at full speed) for a page that is mostly scrolled past.
//!
//! Every piece of text on the page is user data (a prompt) or server text
//! (an error), and is HTML-escaped; the page's own script carries a
//! per-page nonce that a Content-Security-Policy requires of any script.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use imagegen_runtime::cost::Currency;

use super::manifest::{LineState, Manifest, SkipReason, Status};
use crate::spend::Totals;

/// The page's file name inside `--out`.
pub const FILE_NAME: &str = "index.html";

/// How often a running batch rewrites the page, at most.
const REWRITE_EVERY: Duration = Duration::from_secs(2);

/// A rewrite waits at least this many times as long as the last one took,
/// so a page of many thousand lines costs the batch at most a twentieth of
/// a core.
const IDLE_FACTOR: u32 = 20;

/// Rewrites a running batch's page, at most every [`REWRITE_EVERY`] (or
/// [`IDLE_FACTOR`] times the last rewrite's time, if longer).
#[derive(Debug)]
pub struct Writer {
    out: std::path::PathBuf,
    title: String,
    currency: Currency,
    /// When the next rewrite is due (`None`: now).
    due: Option<Instant>,
    /// Set once a write failed: warned about once, and tried again.
    warned: bool,
}

impl Writer {
    pub fn new(out: &Path, title: &str, currency: Currency) -> Self {
        Writer {
            out: out.to_owned(),
            title: title.to_owned(),
            currency,
            due: None,
            warned: false,
        }
    }

    /// Rewrites the page from `lines` if it is due (or `now`). A page that
    /// cannot be written is warned about once: the batch goes on, since the
    /// manifest holds everything and `imagegen gallery` rebuilds the page.
    pub fn update(&mut self, manifest: &Manifest, now: bool) {
        let started = Instant::now();
        if !now && self.due.is_some_and(|due| started < due) {
            return;
        }
        let Some(html) = manifest.with_current(|lines| render(&self.title, self.currency, lines))
        else {
            return;
        };
        let written = write(&self.out, &html);
        self.due = Some(started + REWRITE_EVERY.max(started.elapsed() * IDLE_FACTOR));
        if let Err(error) = written {
            if !self.warned {
                eprintln!(
                    "warning: {} cannot be written ({error}); the manifest has every result, and `imagegen gallery {}` rebuilds the page",
                    self.out.join(FILE_NAME).display(),
                    self.out.display()
                );
            }
            self.warned = true;
        }
    }
}

/// Writes the page into `out` atomically.
pub fn write(out: &Path, html: &str) -> std::io::Result<()> {
    let temporary = out.join(format!(".{FILE_NAME}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, html)?;
    std::fs::rename(&temporary, out.join(FILE_NAME)).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

/// The whole page.
pub fn render(title: &str, currency: Currency, lines: &BTreeMap<usize, LineState>) -> String {
    let nonce = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut costs = Totals::new(currency);
    for state in lines.values() {
        *counts.entry(status_name(state)).or_default() += 1;
        if !matches!(state.status, Status::NotSent | Status::Skipped)
            && let Some(cost) = state.cost
        {
            costs.add(cost);
        }
    }
    let mut html = String::with_capacity(1024 + lines.len() * 900);
    let title = escape(title);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self' file: data: blob:; \
         style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; base-uri 'none'; form-action 'none'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}: imagegen batch</title>\n<style nonce=\"{nonce}\">{STYLE}</style>\n</head>\n<body>\n\
         <header>\n<h1>{title}</h1>\n<p id=\"totals\">{} lines: {}. Cost: {}.</p>\n",
        lines.len(),
        escape(
            &counts
                .iter()
                .map(|(status, count)| format!("{count} {status}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        escape(&costs.describe()),
    );
    html.push_str(
        "<p class=\"controls\"><label>Status <select id=\"status\"><option value=\"all\">all</option>",
    );
    for status in counts.keys() {
        let status = escape(status);
        let _ = write!(html, "<option value=\"{status}\">{status}</option>");
    }
    html.push_str(
        "</select></label> <label>Prompt <input id=\"search\" type=\"search\" placeholder=\"search prompts\"></label> \
         <span id=\"shown\"></span></p>\n</header>\n<main id=\"cards\">\n",
    );
    for (line, state) in lines {
        card(&mut html, *line, state);
    }
    let _ = write!(
        html,
        "</main>\n<script nonce=\"{nonce}\">{SCRIPT}</script>\n</body>\n</html>\n"
    );
    html
}

/// One line's card.
fn card(html: &mut String, line: usize, state: &LineState) {
    let status = status_name(state);
    let body = state.request.as_ref().and_then(|r| r.as_object());
    let prompt = body
        .and_then(|b| b.get("prompt"))
        .and_then(|p| p.as_str())
        .unwrap_or_default();
    let _ = writeln!(
        html,
        "<article class=\"card {status}\" data-status=\"{status}\" data-prompt=\"{}\" id=\"line-{line}\">",
        escape(&prompt.to_lowercase()),
    );
    if state.outputs.is_empty() {
        html.push_str("<div class=\"thumb none\">no image</div>\n");
    }
    for output in &state.outputs {
        // Outputs are saved directly in --out, next to this page.
        let name = output
            .path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let href = escape(&percent_encode(&name));
        let _ = writeln!(
            html,
            "<a class=\"thumb\" href=\"{href}\"><img src=\"{href}\" loading=\"lazy\" decoding=\"async\" alt=\"line {line}\"></a>"
        );
    }
    let _ = writeln!(
        html,
        "<p class=\"prompt\">{}</p>",
        escape(if prompt.is_empty() {
            "(no prompt)"
        } else {
            prompt
        })
    );
    html.push_str("<dl>");
    let mut fact = |name: &str, value: &str| {
        let _ = write!(html, "<dt>{name}</dt><dd>{}</dd>", escape(value));
    };
    fact("line", &line.to_string());
    fact("status", status);
    fact("model", &state.model);
    if let Some(id) = state.id.as_deref().or(state.local_id.as_deref()) {
        fact("id", id);
    }
    if let Some(body) = body {
        let params: Vec<String> = body
            .iter()
            .filter(|(name, _)| name.as_str() != "prompt")
            .map(|(name, value)| match value {
                serde_json::Value::String(text) => format!("{name}={text}"),
                other => format!("{name}={other}"),
            })
            .collect();
        if !params.is_empty() {
            fact("parameters", &params.join(", "));
        }
    }
    let mut time = utc(state.at_ms);
    if let (Some(start), Status::Done) = (state.submitted_ms, state.status) {
        let taken = state.at_ms.saturating_sub(start);
        time.push_str(&format!(" ({:.1} s)", taken as f64 / 1000.0));
    }
    fact("time", &time);
    let cost = match (state.status, state.cost) {
        (Status::NotSent | Status::Skipped, _) => "nothing (not sent)".to_owned(),
        (_, Some(cost)) => cost.to_string(),
        (_, None) => "unknown".to_owned(),
    };
    fact("cost", &cost);
    html.push_str("</dl>\n");
    if let Some(error) = &state.error {
        let _ = writeln!(html, "<p class=\"error\">{}</p>", escape(error));
    }
    html.push_str("</article>\n");
}

/// The status shown and filtered by: the manifest's, with `skipped` named
/// by its reason.
fn status_name(state: &LineState) -> &'static str {
    match (state.status, state.skipped) {
        (Status::Done, _) => "done",
        (Status::Failed, _) => "failed",
        (Status::Submitted, _) => "submitted",
        (Status::Submitting, _) => "submitting",
        (Status::Uncertain, _) => "uncertain",
        (Status::NotSent, _) => "not_sent",
        (Status::Skipped, Some(SkipReason::Budget)) => "skipped_budget",
        (Status::Skipped, None) => "skipped",
    }
}

/// Text safe in HTML text and in a double- or single-quoted attribute.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// A file name as a relative URL: everything but unreserved characters
/// percent-encoded (a `#` or `?` in a name would otherwise cut the URL).
fn percent_encode(name: &str) -> String {
    let mut encoded = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

/// Milliseconds since the Unix epoch as `2026-12-07 03:12:45 UTC`.
fn utc(ms: u128) -> String {
    let secs = i64::try_from(ms / 1000).unwrap_or(i64::MAX);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

const STYLE: &str = "\
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f4f4f5;color:#18181b}\
header{position:sticky;top:0;background:#fff;padding:8px 16px;border-bottom:1px solid #ddd;z-index:1}\
h1{font-size:18px;margin:4px 0}header p{margin:4px 0}\
#cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:12px;padding:16px}\
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px;overflow-wrap:anywhere;\
content-visibility:auto;contain-intrinsic-size:240px 420px}\
.card[hidden]{display:none}\
.card.failed,.card.skipped_budget,.card.not_sent{border-color:#f87171}\
.card.uncertain{border-color:#fbbf24}\
.thumb{display:block}.thumb img{width:100%;height:auto;display:block;background:#e4e4e7}\
.thumb.none{height:120px;display:flex;align-items:center;justify-content:center;background:#e4e4e7;color:#71717a}\
.prompt{font-weight:600;margin:6px 0}\
dl{display:grid;grid-template-columns:auto 1fr;gap:0 8px;margin:0;font-size:12px}dt{color:#71717a}dd{margin:0}\
.error{color:#b91c1c;font-size:12px;margin:6px 0 0}";

const SCRIPT: &str = "\
(function(){\
var cards=Array.prototype.slice.call(document.querySelectorAll('.card'));\
var status=document.getElementById('status'),search=document.getElementById('search'),\
shown=document.getElementById('shown');\
function apply(){\
var want=status.value,text=search.value.toLowerCase(),count=0;\
cards.forEach(function(card){\
var ok=(want==='all'||card.dataset.status===want)&&card.dataset.prompt.indexOf(text)!==-1;\
card.hidden=!ok;if(ok){count++;}});\
shown.textContent=count+' shown';}\
status.addEventListener('change',apply);search.addEventListener('input',apply);apply();\
})();";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_names_are_escaped() {
        assert_eq!(
            escape(r#"<script>alert("1")</script> & 'x'"#),
            "&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt; &amp; &#39;x&#39;"
        );
        assert_eq!(percent_encode("a b#?.png"), "a%20b%23%3F.png");
    }

    #[test]
    fn times_are_utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_796_616_765_000), "2026-12-07 04:12:45 UTC");
        assert_eq!(utc(951_782_400_000), "2000-02-29 00:00:00 UTC");
    }
}
