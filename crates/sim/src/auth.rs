//! The API key, checked as each provider's spec says it is sent, and the
//! credentials the assets origin must never receive.

use http::HeaderMap;
use imagegen_spec::ir::Auth;

use crate::catalog::Catalog;

/// Headers that carry credentials whatever the provider.
const CREDENTIAL_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "x-api-key",
    "cookie",
];

/// Checks the key in the request's auth header; the error says what was
/// wrong and how to send it, never the key expected.
pub(crate) fn check(auth: &Auth, headers: &HeaderMap, key: &str) -> Result<(), String> {
    let how = match &auth.scheme {
        Some(scheme) => format!("`{}: {scheme} <key>`", auth.header),
        None => format!("`{}: <key>`", auth.header),
    };
    let Some(value) = headers.get(auth.header.as_str()) else {
        return Err(format!(
            "no API key: send {how} with the key from {}",
            auth.env_var
        ));
    };
    let Ok(value) = value.to_str() else {
        return Err(format!(
            "the `{}` header is not text; send {how}",
            auth.header
        ));
    };
    let sent = match &auth.scheme {
        Some(scheme) => {
            let (given, rest) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
            if !given.eq_ignore_ascii_case(scheme) {
                return Err(format!("the `{}` header must be {how}", auth.header));
            }
            rest.trim()
        }
        None => value.trim(),
    };
    if sent == key {
        Ok(())
    } else {
        Err(format!("invalid API key (from {})", auth.env_var))
    }
}

/// The credential headers a request carries, lowercase, each once: the
/// usual ones, and every provider's documented auth header.
pub(crate) fn credentials_in(headers: &HeaderMap, catalog: &Catalog) -> Vec<String> {
    let mut names: Vec<String> = CREDENTIAL_HEADERS.iter().map(|s| (*s).to_owned()).collect();
    for provider in &catalog.providers {
        let header = provider.spec.auth.header.to_ascii_lowercase();
        if !names.contains(&header) {
            names.push(header);
        }
    }
    names.retain(|name| headers.contains_key(name.as_str()));
    names
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn bearer() -> Auth {
        Auth {
            header: "Authorization".into(),
            scheme: Some("Bearer".into()),
            env_var: "VIBEDREAM_API_KEY".into(),
            key_url: None,
        }
    }

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn bearer_keys() {
        assert_eq!(check(&bearer(), &headers("Bearer k"), "k"), Ok(()));
        assert_eq!(check(&bearer(), &headers("bearer  k "), "k"), Ok(()));
        let wrong = check(&bearer(), &headers("Bearer x"), "k").unwrap_err();
        assert_eq!(wrong, "invalid API key (from VIBEDREAM_API_KEY)");
        let scheme = check(&bearer(), &headers("Token k"), "k").unwrap_err();
        assert!(scheme.contains("`Authorization: Bearer <key>`"), "{scheme}");
        let missing = check(&bearer(), &HeaderMap::new(), "k").unwrap_err();
        assert!(missing.starts_with("no API key"), "{missing}");
    }
}
