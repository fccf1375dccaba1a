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
            message.push_str(&error.to_string());
        }
        Failure::usage(message)
    }

    /// A failed operation and what to do next. `resume` gives the command
    /// that waits for a prediction again (`None` when it cannot be resumed),
    /// shown when the prediction may still finish. Every runtime error
    /// raised after submission names its prediction id already.
    pub fn from_error(error: &Error, resume: impl FnOnce(&str) -> Option<String>) -> Self {
        let exit = match error {
            Error::InvalidParameter(_) => USAGE,
            _ => FAILED,
        };
        let mut message = match error {
            // The runtime's text speaks to library users ("pass a key to the
            // client builder"); the hint below says what to do here.
            Error::MissingApiKey { env_var, .. } => format!("no API key: {env_var} is not set"),
            _ => error.to_string(),
        };
        let hint = match (error, error.prediction_id()) {
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
pub fn resume_hint(id: &str, command: &str) -> String {
    format!(
        "prediction {id} may still finish on the server; nothing is lost: wait for it again with\n  {command}"
    )
}
