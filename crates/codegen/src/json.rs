//! JSON printed the same way in every build.
//!
//! Whether `serde_json::Map` keeps insertion order or sorts depends on cargo
//! feature unification (`preserve_order`), which can differ between the
//! `cargo xtask` build and the `cargo test` build; generated files must not.
//! So keys are always sorted here.

use serde_json::Value;

/// `value` pretty-printed with two-space indents and sorted keys.
pub(crate) fn canonical(value: &Value) -> String {
    let mut out = String::new();
    write(value, 0, &mut out);
    out
}

fn write(value: &Value, indent: usize, out: &mut String) {
    match value {
        Value::Array(items) if !items.is_empty() => {
            out.push_str("[\n");
            for (index, item) in items.iter().enumerate() {
                pad(indent + 1, out);
                write(item, indent + 1, out);
                out.push_str(if index + 1 < items.len() { ",\n" } else { "\n" });
            }
            pad(indent, out);
            out.push(']');
        }
        Value::Object(map) if !map.is_empty() => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push_str("{\n");
            for (index, key) in keys.iter().enumerate() {
                pad(indent + 1, out);
                out.push_str(&Value::String((*key).clone()).to_string());
                out.push_str(": ");
                write(&map[key.as_str()], indent + 1, out);
                out.push_str(if index + 1 < keys.len() { ",\n" } else { "\n" });
            }
            pad(indent, out);
            out.push('}');
        }
        // Scalars, `[]` and `{}` print the same in every build.
        other => out.push_str(&other.to_string()),
    }
}

fn pad(indent: usize, out: &mut String) {
    for _ in 0..indent {
        out.push_str("  ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_keys_at_every_level() {
        let value = serde_json::json!({"b": [1, {"z": null, "a": "x"}], "a": {}, "c": []});
        assert_eq!(
            canonical(&value),
            "{\n  \"a\": {},\n  \"b\": [\n    1,\n    {\n      \"a\": \"x\",\n      \"z\": null\n    }\n  ],\n  \"c\": []\n}"
        );
    }
}
