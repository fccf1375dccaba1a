//! A `multipart/form-data` reader (RFC 7578 over RFC 2046's framing), just
//! enough for the upload endpoints: the boundary from the `Content-Type`,
//! then each part's headers and content. Strict where clients are (CRLF line
//! ends, the closing `--boundary--`), so a client building bodies by hand
//! learns of a malformed one here rather than from the real service.
//!
//! Parts are slices of the request body ([`Bytes::slice`]): a 20 MB file is
//! never copied.

use std::fmt;

use bytes::Bytes;

/// Most parts read from one body: a form posting a file has one or two.
const MAX_PARTS: usize = 64;

/// Largest header block of one part (a `Content-Disposition` and a
/// `Content-Type` are a few hundred bytes).
const MAX_HEADER_BYTES: usize = 16 * 1024;

/// RFC 2046: a boundary is 1 to 70 characters.
const MAX_BOUNDARY: usize = 70;

/// One part of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    /// The form field (`name=` of its `Content-Disposition`).
    pub(crate) name: String,
    /// The file name sent with it (`filename=`), as sent.
    pub(crate) filename: Option<String>,
    /// Its own `Content-Type`, if it has one.
    pub(crate) content_type: Option<String>,
    /// Its content.
    pub(crate) data: Bytes,
}

/// Why a body is not a form the emulator can read; each says what was
/// expected, for the 400's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MultipartError {
    NoContentType,
    NotFormData(String),
    NoBoundary,
    BadBoundary(String),
    NoOpeningBoundary,
    NoClosingBoundary,
    BadDelimiterLine,
    HeadersTooLong,
    BadHeader(String),
    NoDisposition,
    NotFormDataPart(String),
    NoName,
    TooManyParts,
}

impl fmt::Display for MultipartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoContentType => f.write_str(
                "the request has no Content-Type; send `multipart/form-data; boundary=...`",
            ),
            Self::NotFormData(given) => write!(
                f,
                "the Content-Type is `{given}`; the upload takes `multipart/form-data; boundary=...`"
            ),
            Self::NoBoundary => {
                f.write_str("the multipart/form-data Content-Type names no `boundary` parameter")
            }
            Self::BadBoundary(boundary) => write!(
                f,
                "the boundary `{boundary}` is not 1 to {MAX_BOUNDARY} characters without spaces at the end"
            ),
            Self::NoOpeningBoundary => {
                f.write_str("the body does not start a part with `--<boundary>` followed by CRLF")
            }
            Self::NoClosingBoundary => f.write_str(
                "the body ends before the closing `\\r\\n--<boundary>--`; it may be cut short",
            ),
            Self::BadDelimiterLine => {
                f.write_str("a `--<boundary>` line is followed by something other than CRLF")
            }
            Self::HeadersTooLong => write!(
                f,
                "a part's headers do not end (no blank line) within {MAX_HEADER_BYTES} bytes"
            ),
            Self::BadHeader(line) => write!(f, "a part header is not `Name: value`: `{line}`"),
            Self::NoDisposition => f.write_str("a part has no Content-Disposition header"),
            Self::NotFormDataPart(value) => write!(
                f,
                "a part's Content-Disposition is `{value}`, not `form-data; name=\"...\"`"
            ),
            Self::NoName => f.write_str("a part's Content-Disposition has no `name`"),
            Self::TooManyParts => write!(f, "the form has more than {MAX_PARTS} parts"),
        }
    }
}

/// The boundary of a `multipart/form-data` Content-Type
/// (`multipart/form-data; boundary="----x"`).
pub(crate) fn boundary(content_type: Option<&str>) -> Result<String, MultipartError> {
    let content_type = content_type.ok_or(MultipartError::NoContentType)?;
    let mut pieces = split_params(content_type);
    let essence = pieces.next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("multipart/form-data") {
        return Err(MultipartError::NotFormData(content_type.to_owned()));
    }
    let boundary = pieces
        .filter_map(param)
        .find(|(name, _)| name.eq_ignore_ascii_case("boundary"))
        .map(|(_, value)| value)
        .ok_or(MultipartError::NoBoundary)?;
    let valid = !boundary.is_empty()
        && boundary.len() <= MAX_BOUNDARY
        && !boundary.ends_with(' ')
        && boundary.bytes().all(|b| (b' '..=b'~').contains(&b));
    if !valid {
        return Err(MultipartError::BadBoundary(boundary));
    }
    Ok(boundary)
}

/// The parts of `body`, framed by `boundary`.
pub(crate) fn parse(body: &Bytes, boundary: &str) -> Result<Vec<Part>, MultipartError> {
    let dash = format!("--{boundary}");
    let delimiter = format!("\r\n{dash}");
    let (dash, delimiter) = (dash.as_bytes(), delimiter.as_bytes());
    // A preamble before the first boundary is allowed and ignored.
    let mut at = if body.starts_with(dash) {
        dash.len()
    } else {
        find(body, delimiter, 0).ok_or(MultipartError::NoOpeningBoundary)? + delimiter.len()
    };
    let mut parts = Vec::new();
    loop {
        let rest = &body[at..];
        if rest.starts_with(b"--") {
            // The close delimiter; an epilogue after it is ignored.
            return Ok(parts);
        }
        // Transport padding (RFC 2046: linear whitespace), then CRLF.
        let padding = rest
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .count();
        if rest.len() < padding + 2 {
            return Err(MultipartError::NoClosingBoundary);
        }
        if &rest[padding..padding + 2] != b"\r\n" {
            return Err(MultipartError::BadDelimiterLine);
        }
        at += padding + 2;
        if parts.len() == MAX_PARTS {
            return Err(MultipartError::TooManyParts);
        }
        let (headers, content_start) = header_block(body, at)?;
        let end = find(body, delimiter, content_start).ok_or(MultipartError::NoClosingBoundary)?;
        parts.push(part(headers, body.slice(content_start..end))?);
        at = end + delimiter.len();
    }
}

/// The header lines of the part starting at `at`, and where its content
/// starts.
fn header_block(body: &[u8], at: usize) -> Result<(Vec<String>, usize), MultipartError> {
    // No headers at all: the blank line comes first.
    if body[at..].starts_with(b"\r\n") {
        return Ok((Vec::new(), at + 2));
    }
    let window = &body[at..body.len().min(at + MAX_HEADER_BYTES)];
    let Some(end) = find(window, b"\r\n\r\n", 0) else {
        return Err(if window.len() == MAX_HEADER_BYTES {
            MultipartError::HeadersTooLong
        } else {
            MultipartError::NoClosingBoundary
        });
    };
    let text = String::from_utf8_lossy(&window[..end]);
    let mut lines: Vec<String> = Vec::new();
    for line in text.split("\r\n") {
        // An obsolete folded line continues the previous header.
        match lines.last_mut() {
            Some(last) if line.starts_with([' ', '\t']) => {
                last.push(' ');
                last.push_str(line.trim());
            }
            _ => lines.push(line.to_owned()),
        }
    }
    Ok((lines, at + end + 4))
}

/// A part from its header lines and content.
fn part(headers: Vec<String>, data: Bytes) -> Result<Part, MultipartError> {
    let mut disposition = None;
    let mut content_type = None;
    for line in headers {
        let Some((name, value)) = line.split_once(':') else {
            return Err(MultipartError::BadHeader(line));
        };
        let (name, value) = (name.trim(), value.trim());
        if name.eq_ignore_ascii_case("content-disposition") {
            disposition = Some(value.to_owned());
        } else if name.eq_ignore_ascii_case("content-type") {
            content_type = Some(value.to_owned());
        }
    }
    let disposition = disposition.ok_or(MultipartError::NoDisposition)?;
    let mut pieces = split_params(&disposition);
    if !pieces
        .next()
        .is_some_and(|kind| kind.trim().eq_ignore_ascii_case("form-data"))
    {
        return Err(MultipartError::NotFormDataPart(disposition.clone()));
    }
    let params: Vec<(String, String)> = pieces.filter_map(param).collect();
    let named = |wanted: &str| {
        params
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
            .map(|(_, value)| value.clone())
    };
    let name = named("name").ok_or(MultipartError::NoName)?;
    // RFC 5987's `filename*=UTF-8''...` wins over a plain `filename`, as
    // browsers and HTTP libraries send both for non-ASCII names.
    let filename = named("filename*")
        .and_then(|extended| extended_value(&extended))
        .or_else(|| named("filename"));
    Ok(Part {
        name,
        filename,
        content_type,
        data,
    })
}

/// A header value's `;`-separated pieces, `;` inside quotes kept.
fn split_params(value: &str) -> std::vec::IntoIter<&str> {
    let mut pieces = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (index, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => {
                pieces.push(&value[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    pieces.push(&value[start..]);
    pieces.into_iter()
}

/// `name=value` or `name="quoted \"value\""` → (name, value).
fn param(piece: &str) -> Option<(String, String)> {
    let (name, value) = piece.split_once('=')?;
    let (name, value) = (name.trim(), value.trim());
    if name.is_empty() {
        return None;
    }
    let value = match value.strip_prefix('"') {
        Some(inner) => {
            let mut out = String::new();
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => out.extend(chars.next()),
                    '"' => break,
                    c => out.push(c),
                }
            }
            out
        }
        None => value.to_owned(),
    };
    Some((name.to_owned(), value))
}

/// RFC 5987 `charset'language'percent-encoded` (UTF-8 or ASCII only).
fn extended_value(value: &str) -> Option<String> {
    let mut pieces = value.splitn(3, '\'');
    let charset = pieces.next()?;
    let _language = pieces.next()?;
    let encoded = pieces.next()?;
    if !charset.eq_ignore_ascii_case("utf-8") && !charset.eq_ignore_ascii_case("us-ascii") {
        return None;
    }
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = encoded.get(index + 1..index + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Where `needle` first occurs in `haystack` at or after `from`.
fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut at = from;
    while at + needle.len() <= haystack.len() {
        // Jump to the next candidate first byte: cheaper than comparing
        // every window of a 20 MB file.
        let offset = haystack[at..=haystack.len() - needle.len()]
            .iter()
            .position(|b| *b == first)?;
        at += offset;
        if &haystack[at + 1..at + needle.len()] == rest {
            return Some(at);
        }
        at += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(parts: &[(&str, &str)]) -> Bytes {
        let mut body = String::from("preamble to ignore\r\n");
        for (headers, content) in parts {
            body.push_str(&format!("--XyZ\r\n{headers}\r\n\r\n{content}\r\n"));
        }
        body.push_str("--XyZ--\r\nepilogue");
        Bytes::from(body)
    }

    #[test]
    fn boundaries_from_content_types() {
        assert_eq!(
            boundary(Some("multipart/form-data; boundary=abc")),
            Ok("abc".into())
        );
        assert_eq!(
            boundary(Some(
                "Multipart/Form-Data;charset=utf-8; BOUNDARY=\"a;b c\""
            )),
            Ok("a;b c".into())
        );
        assert_eq!(boundary(None), Err(MultipartError::NoContentType));
        assert!(matches!(
            boundary(Some("application/json")),
            Err(MultipartError::NotFormData(_))
        ));
        assert_eq!(
            boundary(Some("multipart/form-data")),
            Err(MultipartError::NoBoundary)
        );
        let long = format!("multipart/form-data; boundary={}", "x".repeat(71));
        assert!(matches!(
            boundary(Some(&long)),
            Err(MultipartError::BadBoundary(_))
        ));
    }

    #[test]
    fn parts_with_names_files_and_types() {
        let body = form(&[
            ("Content-Disposition: form-data; name=\"note\"", "hello"),
            (
                "content-disposition: form-data; name=\"file\"; filename=\"c\\\"a;t.png\"\r\nContent-Type: image/png",
                "a--XyZ b\r\n-XyZ\r\n",
            ),
        ]);
        let parts = parse(&body, "XyZ").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "note");
        assert_eq!(parts[0].filename, None);
        assert_eq!(&parts[0].data[..], b"hello");
        assert_eq!(parts[1].name, "file");
        assert_eq!(parts[1].filename.as_deref(), Some("c\"a;t.png"));
        assert_eq!(parts[1].content_type.as_deref(), Some("image/png"));
        // The boundary not after CRLF and dashes is content.
        assert_eq!(&parts[1].data[..], b"a--XyZ b\r\n-XyZ\r\n");
    }

    #[test]
    fn extended_file_names_and_empty_parts() {
        let body = form(&[(
            "Content-Disposition: form-data; name=file; filename=\"fallback\"; filename*=UTF-8''%E7%8C%AB.png",
            "",
        )]);
        let parts = parse(&body, "XyZ").unwrap();
        assert_eq!(parts[0].filename.as_deref(), Some("猫.png"));
        assert!(parts[0].data.is_empty());
        let no_parts = Bytes::from_static(b"--XyZ--\r\n");
        assert_eq!(parse(&no_parts, "XyZ").unwrap(), []);
    }

    #[test]
    fn malformed_bodies_are_errors_not_panics() {
        let cases: [(&[u8], MultipartError); 8] = [
            (b"", MultipartError::NoOpeningBoundary),
            (b"no boundary here", MultipartError::NoOpeningBoundary),
            (b"--XyZ", MultipartError::NoClosingBoundary),
            (b"--XyZ\r", MultipartError::NoClosingBoundary),
            (b"--XyZjunk\r\n", MultipartError::BadDelimiterLine),
            (
                b"--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\ncut",
                MultipartError::NoClosingBoundary,
            ),
            (
                b"--XyZ\r\nno colon\r\n\r\nx\r\n--XyZ--",
                MultipartError::BadHeader("no colon".into()),
            ),
            (
                b"--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--",
                MultipartError::NoDisposition,
            ),
        ];
        for (body, expected) in cases {
            let body = Bytes::copy_from_slice(body);
            assert_eq!(parse(&body, "XyZ"), Err(expected), "{body:?}");
        }
        let unnamed =
            Bytes::from_static(b"--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--");
        assert_eq!(parse(&unnamed, "XyZ"), Err(MultipartError::NoName));
        let attachment =
            Bytes::from_static(b"--XyZ\r\nContent-Disposition: attachment\r\n\r\nx\r\n--XyZ--");
        assert!(matches!(
            parse(&attachment, "XyZ"),
            Err(MultipartError::NotFormDataPart(_))
        ));
        let endless = Bytes::from(format!("--XyZ\r\nA: {}", "b".repeat(MAX_HEADER_BYTES)));
        assert_eq!(parse(&endless, "XyZ"), Err(MultipartError::HeadersTooLong));
        let many = form(&[("Content-Disposition: form-data; name=a", "x"); MAX_PARTS + 1]);
        assert_eq!(parse(&many, "XyZ"), Err(MultipartError::TooManyParts));
    }

    #[test]
    fn find_finds_first_occurrences() {
        assert_eq!(find(b"abcabc", b"bc", 0), Some(1));
        assert_eq!(find(b"abcabc", b"bc", 2), Some(4));
        assert_eq!(find(b"abc", b"abcd", 0), None);
        assert_eq!(find(b"aab", b"ab", 0), Some(1));
        assert_eq!(find(b"", b"a", 0), None);
        assert_eq!(find(b"abc", b"", 0), None);
    }
}
