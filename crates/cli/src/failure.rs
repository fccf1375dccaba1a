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

    /// A failed operation, with the prediction id when there is one and what
    /// to do next. `resume` is the command that waits for that prediction
    /// again, shown when the prediction may still finish.
    pub fn from_error(error: &Error, resume: impl FnOnce(&str) -> String) -> Self {
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
        let id = error.prediction_id();
        if let Some(id) = id
            && !message.contains(id)
        {
            message.push_str(&format!(" (prediction {id})"));
        }
        let hint = match error {
            Error::MissingApiKey { env_var, .. } => Some(format!(
                "set {env_var} to your API key, or add --sim to try the model offline against the built-in emulator"
            )),
            Error::Unauthorized { .. } => {
                Some("the server refused the key: check the API key variable".to_owned())
            }
            Error::Timeout { .. } | Error::Transport { .. } | Error::Server { .. }
            | Error::RateLimited { .. } | Error::Output { .. } | Error::Io { .. }
            | Error::UnknownStatus { .. } | Error::Undecodable { .. } => id.map(|id| {
                format!(
                    "the prediction may still finish on the server; nothing is lost: wait for it again with\n  {}",
                    resume(id)
                )
            }),
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
