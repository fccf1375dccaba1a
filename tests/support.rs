//! Helpers for the workspace tests: where things are, and the JSON examples
//! embedded in the seed documents.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The repository root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the repository root")
        .to_path_buf()
}

/// The text of a seed document, from the copies in `tests/seeds/`.
pub fn seed(file: &str) -> String {
    let path = workspace_root().join("tests/seeds").join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every JSON object written in a seed document (curl bodies, response
/// examples, the HTTP example), each once, in order of appearance.
///
/// Scans for `{` and lets serde_json read as far as it can; text that is not
/// JSON (a JavaScript object literal, prose) is skipped.
pub fn json_objects(text: &str) -> Vec<Value> {
    let mut found: Vec<Value> = Vec::new();
    let mut start = 0;
    while let Some(offset) = text[start..].find('{') {
        let at = start + offset;
        let mut stream = serde_json::Deserializer::from_str(&text[at..]).into_iter::<Value>();
        match stream.next() {
            Some(Ok(value @ Value::Object(_))) => {
                if !found.contains(&value) {
                    found.push(value);
                }
                start = at + stream.byte_offset();
            }
            _ => start = at + 1,
        }
    }
    found
}

/// The one JSON object in `seed_file` for which `pick` holds.
pub fn documented(seed_file: &str, what: &str, pick: impl Fn(&Value) -> bool) -> Value {
    let matches: Vec<Value> = json_objects(&seed(seed_file))
        .into_iter()
        .filter(|v| pick(v))
        .collect();
    match matches.as_slice() {
        [one] => one.clone(),
        [] => panic!("{seed_file} has no {what}"),
        many => panic!(
            "{seed_file} has {} objects matching {what}: {many:#?}",
            many.len()
        ),
    }
}

/// Whether `value` has the string `text` at `key`.
pub fn has(value: &Value, key: &str, text: &str) -> bool {
    value.get(key).and_then(Value::as_str) == Some(text)
}

/// The README's Rust examples run as doctests, so they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
