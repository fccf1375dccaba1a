//! Exit codes and the messages that go with them, as the CLI contract says:
//! 2 for invalid arguments or parameter values, with nothing sent; 1 for any
//! other failure, with the prediction id once one exists and what to do next.

use std::process::ExitCode;

use imagegen::args::ArgErrors;
use imagegen_runtime::Error;

/// Exit code for invalid arguments or values: nothing was sent.
pub const USAGE: u8 = 2;
/// Exit code for every other failure.
pub const FAILED: u8 = 1;

/// Why the command stopped, and how it exits.
#[derive(Debug)]
pub struct Failure {
    /// The process exit code.
    pub exit: u8,
    /// What went wrong and what to do, one or more lines.
    pub message: String,
}

impl Failure {
    /// Invalid arguments or values (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            exit: USAGE,
            message: message.into(),
        }
    }

    /// Any other failure (exit 1).
    pub fn other(message: impl Into<String>) -> Self {
        Failure {
            exit: FAILED,
            message: message.into(),
        }
    }

    /// Parameters the model's rules reject, one line each (exit 2).
    pub fn invalid_parameters(model: &str, errors: &ArgErrors) -> Self {
        let mut message = format!("invalid parameters for {model}; nothing was sent:");
        for error in errors.errors() {
            message.push_str("\n  ");
            message.push_str(&printable(&error.to_string()));
        }
        Failure::usage(message)
    }

    /// A failed operation and what to do next. `resume` gives the command
    /// that waits for a prediction again (`None` when it cannot be resumed),
    /// shown when the prediction may still finish. Every runtime error
    /// raised after submission names its prediction id already.
    pub fn from_error(error: &Error, resume: impl FnOnce(&str) -> Option<String>) -> Self {
        // A value nothing can send (a bad local image, one the provider
        // cannot take) is invalid input, found before anything was sent.
        let exit = match error {
            Error::InvalidParameter(_)
            | Error::InvalidImage { .. }
            | Error::LocalImageRefused { .. } => USAGE,
            _ => FAILED,
        };
        let mut message = match error {
            // The runtime's text speaks to library users ("pass a key to the
            // client builder"); the hint below says what to do here.
            Error::MissingApiKey { env_var, .. } => format!("no API key: {env_var} is not set"),
            _ => printable(&error.to_string()),
        };
        // An upload is the first request a run with a local image makes:
        // its refusal of the key is the key's problem, said the same way.
        let hint = match (error.underlying(), error.prediction_id()) {
            (Error::MissingApiKey { env_var, .. }, _) => Some(format!(
                "set {env_var} to your API key, or add --sim to try the model offline against the built-in emulator"
            )),
            (Error::Unauthorized { .. }, _) => {
                Some("the server refused the key: check the API key variable".to_owned())
            }
            (_, Some(id)) if error.may_still_finish() => {
                resume(id).map(|command| resume_hint(id, &command))
            }
            _ => None,
        };
        if let Some(hint) = hint {
            message.push('\n');
            message.push_str(&hint);
        }
        Failure { exit, message }
    }

    /// Prints the message on stderr and turns the failure into the exit code.
    pub fn report(self) -> ExitCode {
        eprintln!("error: {}", self.message);
        ExitCode::from(self.exit)
    }
}

/// What to do when prediction `id` may still finish: run `command`, which
/// waits for it again.
/// What to say after a submission whose answer never came
/// ([`Error::Unanswered`], or reconciling it found nothing certain): the
/// request may exist, and be charged for.
pub fn uncertain_submission(error: &Error) -> Option<&'static str> {
    error.uncertain().map(|_| {
        "the request reached the server, which may have accepted it (and charged for it); \
         imagegen did not send it again. Check the provider's dashboard or request history \
         before submitting it again"
    })
}

pub fn resume_hint(id: &str, command: &str) -> String {
    format!(
        "prediction {} may still finish on the server; nothing is lost: wait for it again with\n  {}",
        printable(id),
        printable(command)
    )
}

/// Text a server controls (a message, a status, a prediction id), safe to
/// print on a terminal: every control character (a newline that would start
/// a fake `error:` line, `ESC` starting an escape sequence, `BEL`, C1
/// controls) is shown escaped, as Rust writes it (`\u{1b}`, `\n`).
pub fn printable(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_text_cannot_drive_the_terminal() {
        assert_eq!(printable("plain text"), "plain text");
        assert_eq!(
            printable("id\u{1b}]0;owned\u{7}\nerror: fake"),
            "id\\u{1b}]0;owned\\u{7}\\nerror: fake"
        );
        assert_eq!(printable("\u{1b}[2J"), "\\u{1b}[2J");
        assert_eq!(printable("tab\there"), "tab\\there");
        assert_eq!(printable("ümlaut ok"), "ümlaut ok");
        let hint = resume_hint("a\nb", "imagegen generate m --resume 'a\nb'");
        assert_eq!(hint.lines().count(), 2, "{hint}");
    }
}
