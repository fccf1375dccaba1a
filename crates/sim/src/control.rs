//! The control endpoints under `/__sim/` on the API listener, so a client in
//! another process (the CLI, a user's CI script) can inject faults and read
//! the log:
//!
//! | request | effect |
//! |---|---|
//! | `POST /__sim/faults` | injects a [`FaultRule`] (or an array of them), as JSON |
//! | `GET /__sim/faults` | the rules not yet spent |
//! | `DELETE /__sim/faults` | removes every rule |
//! | `GET /__sim/log` | the [`SimLog`](crate::SimLog) as JSON |
//! | `POST /__sim/reset` | forgets predictions, uploads, rules and the log |

use http::Method;
use serde_json::{Value, json};

use crate::faults::FaultRule;
use crate::respond::Reply;
use crate::state::State;

/// Handles `/__sim/<rest>`.
pub(crate) fn handle(
    state: &State,
    method: &Method,
    rest: &str,
    body: Result<bytes::Bytes, String>,
) -> Reply {
    match (method.as_str(), rest) {
        ("POST", "faults") => match body.and_then(|b| rules(&b)) {
            Ok(rules) => {
                let count = rules.len();
                for rule in rules {
                    state.inject(rule);
                }
                Reply::json(
                    201,
                    &json!({ "injected": count, "active": state.fault_rules() }),
                )
            }
            Err(message) => Reply::json(400, &json!({ "error": message })),
        },
        ("GET", "faults") => Reply::json(200, &json!({ "active": state.fault_rules() })),
        ("DELETE", "faults") => {
            state.clear_faults();
            Reply::json(200, &json!({ "active": [] }))
        }
        ("GET", "log") => Reply::json(
            200,
            &serde_json::to_value(state.log()).unwrap_or(Value::Null),
        ),
        ("POST", "reset") => {
            state.reset();
            Reply::json(200, &json!({ "reset": true }))
        }
        _ => Reply::json(
            404,
            &json!({
                "error": format!("no control endpoint `{method} /__sim/{rest}`"),
                "endpoints": [
                    "POST /__sim/faults", "GET /__sim/faults", "DELETE /__sim/faults",
                    "GET /__sim/log", "POST /__sim/reset"
                ]
            }),
        ),
    }
}

/// One rule or an array of them, each usable.
fn rules(body: &[u8]) -> Result<Vec<FaultRule>, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let rules: Vec<FaultRule> = if value.is_array() {
        serde_json::from_value(value)
    } else {
        serde_json::from_value(value).map(|rule| vec![rule])
    }
    .map_err(|e| {
        format!(
            "not a fault rule: {e}; expected e.g. \
             {{\"fault\": {{\"type\": \"server_error\", \"status\": 503}}, \"target\": \"poll\", \"times\": 1}}"
        )
    })?;
    if let Some(problem) = rules.iter().find_map(FaultRule::problem) {
        return Err(problem);
    }
    Ok(rules)
}
