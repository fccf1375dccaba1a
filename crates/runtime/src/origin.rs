//! Which URLs the client may fetch, and which may see the API key.
//!
//! The key goes to the provider's API origin only. Output URLs point at asset
//! hosts (CDNs, buckets) and status URLs are chosen by the server: neither is
//! trusted with credentials unless it is the very origin the caller configured.

use std::net::IpAddr;

use url::Url;

/// Parses `text` as a URL the client may fetch: `https`, or `http` to a
/// loopback host (a local emulator or proxy), where nothing crosses a network.
pub(crate) fn fetchable_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|error| format!("`{text}` is not a URL: {error}"))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(format!(
            "`{text}` uses plain http to a host that is not loopback; use https"
        )),
        other => Err(format!(
            "`{text}` has scheme `{other}`; only https (or http to loopback) is allowed"
        )),
    }
}

/// A URL a server named (an output, a status URL) without any `user:pass@`:
/// credentials in it would be sent as Basic auth to whatever host it names,
/// and printed wherever the URL is shown. Text that is not a URL is kept.
pub(crate) fn without_userinfo(text: &str) -> String {
    match Url::parse(text) {
        Ok(mut url) if !url.username().is_empty() || url.password().is_some() => {
            // Only URLs that cannot be a base (`data:`, `mailto:`) refuse
            // this, and they have no userinfo to begin with.
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.to_string()
        }
        _ => text.to_owned(),
    }
}

/// Whether the URL's host is this machine.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Whether two URLs share scheme, host and port.
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.origin() == b.origin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_on_loopback() {
        assert!(fetchable_url("https://api.vibedream.ai").is_ok());
        assert!(fetchable_url("http://127.0.0.1:8080/x").is_ok());
        assert!(fetchable_url("http://[::1]:8080/x").is_ok());
        assert!(fetchable_url("http://localhost/x").is_ok());
        let error = fetchable_url("http://api.vibedream.ai").unwrap_err();
        assert!(error.contains("plain http"), "{error}");
        assert!(fetchable_url("ftp://127.0.0.1/x").is_err());
        assert!(fetchable_url("not a url").is_err());
    }

    #[test]
    fn credentials_in_server_named_urls_are_dropped() {
        assert_eq!(
            without_userinfo("https://user:pass@cdn.example.com/a.png?sig=1"),
            "https://cdn.example.com/a.png?sig=1"
        );
        assert_eq!(
            without_userinfo("https://token@cdn.example.com/a.png"),
            "https://cdn.example.com/a.png"
        );
        let plain = "https://cdn.example.com/a.png";
        assert_eq!(without_userinfo(plain), plain);
        assert_eq!(without_userinfo("iVBORw0KGgo="), "iVBORw0KGgo=");
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let api = Url::parse("http://127.0.0.1:8080/vibedream").unwrap();
        assert!(same_origin(
            &api,
            &Url::parse("http://127.0.0.1:8080/other").unwrap()
        ));
        assert!(!same_origin(
            &api,
            &Url::parse("http://127.0.0.1:8081/vibedream").unwrap()
        ));
        assert!(!same_origin(
            &api,
            &Url::parse("https://127.0.0.1:8080/").unwrap()
        ));
    }
}
