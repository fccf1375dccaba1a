//! Server-provided text never shows the key: a server that echoes it (`401
//! Incorrect API key provided: sk-…`) or a failed prediction whose error
//! quotes the request's headers must not put it in an error, a log, an
//! event or on the terminal.

use crate::secret::ApiKey;

/// What replaces a secret.
pub(crate) const MASK: &str = "[redacted]";

/// Masks the configured key, and any `Bearer <token>`, in text.
#[derive(Clone)]
pub(crate) struct Redactor {
    key: ApiKey,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Redactor")
    }
}

impl Redactor {
    pub(crate) fn new(key: ApiKey) -> Self {
        Redactor { key }
    }

    /// `text` with every occurrence of the key, and the token after every
    /// `Bearer `, replaced by [`MASK`].
    pub(crate) fn text(&self, text: &str) -> String {
        let key = self.key.expose();
        let mut out = if key.is_empty() {
            text.to_owned()
        } else {
            text.replace(key, MASK)
        };
        let mut from = 0;
        while let Some(found) = find_ignore_case(&out[from..], "bearer ") {
            let start = from + found + "bearer ".len();
            let token_len = out[start..]
                .find(|c: char| {
                    c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';' | '}' | ']')
                })
                .unwrap_or(out.len() - start);
            if token_len > 0 && &out[start..start + token_len] != MASK {
                out.replace_range(start..start + token_len, MASK);
            }
            from = start + MASK.len().min(out.len() - start);
        }
        out
    }
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .char_indices()
        .map(|(index, _)| index)
        .find(|&index| {
            haystack
                .get(index..index + needle.len())
                .is_some_and(|part| part.eq_ignore_ascii_case(needle))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor() -> Redactor {
        Redactor::new(ApiKey::new("sk-secret-123"))
    }

    #[test]
    fn the_key_and_bearer_tokens_are_masked() {
        let r = redactor();
        assert_eq!(
            r.text("Incorrect API key provided: sk-secret-123."),
            "Incorrect API key provided: [redacted]."
        );
        assert_eq!(
            r.text(r#"{"headers": {"Authorization": "Bearer other-token"}}"#),
            r#"{"headers": {"Authorization": "Bearer [redacted]"}}"#
        );
        assert_eq!(r.text("bearer abc def"), "bearer [redacted] def");
        assert_eq!(r.text("nothing secret"), "nothing secret");
        assert_eq!(r.text("Bearer "), "Bearer ");
        assert_eq!(r.text("ünïcode Bearer x"), "ünïcode Bearer [redacted]");
    }
}
