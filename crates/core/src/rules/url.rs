//! Image URL parameters ("Pass a public image URL").

use crate::Violation;

/// Checks that `text` is an absolute `http` or `https` URL with a host and no
/// whitespace or control characters. Which image formats the URL must serve is
/// documented on the parameter but can only be checked by whoever downloads it.
pub const fn check_http_url(text: &str) -> Result<(), Violation> {
    let bytes = text.as_bytes();
    let authority_start = if starts_with_ignore_case(bytes, b"https://") {
        8
    } else if starts_with_ignore_case(bytes, b"http://") {
        7
    } else {
        return Err(Violation::Malformed);
    };
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte <= b' ' || byte == 0x7f {
            return Err(Violation::Malformed);
        }
        index += 1;
    }
    let mut authority_end = authority_start;
    while authority_end < bytes.len() {
        let byte = bytes[authority_end];
        if byte == b'/' || byte == b'?' || byte == b'#' {
            break;
        }
        authority_end += 1;
    }
    // A host is needed: `https://` and `https://:443/x` name no server.
    if authority_end == authority_start || bytes[authority_start] == b':' {
        return Err(Violation::Malformed);
    }
    Ok(())
}

const fn starts_with_ignore_case(bytes: &[u8], prefix: &[u8]) -> bool {
    if bytes.len() < prefix.len() {
        return false;
    }
    let mut index = 0;
    while index < prefix.len() {
        if bytes[index].to_ascii_lowercase() != prefix[index] {
            return false;
        }
        index += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_http_and_https_urls_with_a_host() {
        for url in [
            "https://example.com/your-image.jpg",
            "http://127.0.0.1:8080/a.png",
            "HTTPS://Example.com",
            "https://example.com?x=1",
        ] {
            assert_eq!(check_http_url(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn rejects_other_schemes_missing_hosts_and_spaces() {
        for url in [
            "",
            "example.com/a.png",
            "ftp://example.com/a.png",
            "data:image/png;base64,AAAA",
            "https://",
            "https:///a.png",
            "https://:443/a.png",
            "https://example.com/my image.png",
            "https://example.com/a.png\n",
        ] {
            assert_eq!(check_http_url(url), Err(Violation::Malformed), "{url:?}");
        }
    }
}
