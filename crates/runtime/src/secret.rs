//! The API key as a type that cannot leak by accident.

/// An API key. It has no `Display`, its `Debug` prints `ApiKey(<redacted>)`,
/// and the header built from it is marked sensitive so HTTP-level logging
/// redacts it too.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key. Surrounding whitespace (a trailing newline from a file or
    /// a shell) is trimmed, since no provider issues keys with it.
    pub fn new(key: impl Into<String>) -> Self {
        let key = key.into();
        let trimmed = key.trim();
        if trimmed.len() == key.len() {
            ApiKey(key)
        } else {
            ApiKey(trimmed.to_owned())
        }
    }

    /// Whether the key is empty (an env var set to nothing).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The key itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The header value `<scheme> <key>` (or the bare key), marked sensitive.
    pub(crate) fn header_value(
        &self,
        scheme: Option<&str>,
    ) -> Result<reqwest::header::HeaderValue, String> {
        let text = match scheme {
            Some(scheme) => format!("{scheme} {}", self.0),
            None => self.0.clone(),
        };
        let mut value = reqwest::header::HeaderValue::from_str(&text)
            .map_err(|_| "the API key holds characters not allowed in an HTTP header".to_owned())?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        ApiKey::new(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        ApiKey::new(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let key = ApiKey::new("sk-very-secret\n");
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert_eq!(key.expose(), "sk-very-secret");
        let header = key.header_value(Some("Bearer")).unwrap();
        assert!(header.is_sensitive());
        assert!(!format!("{header:?}").contains("secret"));
    }

    #[test]
    fn rejects_keys_that_cannot_be_a_header() {
        assert!(ApiKey::new("bad\u{7}key").header_value(None).is_err());
    }
}
