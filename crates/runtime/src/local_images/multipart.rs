//! The `multipart/form-data` body of an upload: one part, the file.

use bytes::Bytes;
use reqwest::header::HeaderValue;

use crate::ImageFormat;

/// The body holding `bytes` as field `field` named `file_name`, and its
/// `Content-Type` (with the boundary).
pub(crate) fn form(
    field: &str,
    file_name: &str,
    format: ImageFormat,
    bytes: &[u8],
) -> (Bytes, HeaderValue) {
    // Random, and long enough that no image holds it by chance; RFC 2046
    // allows up to 70 characters of this alphabet.
    let boundary = format!(
        "imagegen-{:016x}{:016x}",
        fastrand::u64(..),
        fastrand::u64(..)
    );
    let mut body = Vec::with_capacity(bytes.len() + 256);
    body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    body.extend_from_slice(
        format!(
            "Content-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\n",
            quoted(field),
            quoted(file_name)
        )
        .as_bytes(),
    );
    body.extend_from_slice(format!("Content-Type: image/{}\r\n\r\n", format.name()).as_bytes());
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
        .expect("the boundary is ASCII letters, digits and `-`");
    (Bytes::from(body), content_type)
}

/// A name inside a quoted header parameter: quotes, backslashes and line
/// breaks would end it early, and non-ASCII is not safe in every server's
/// parser, so each becomes `_`.
fn quoted(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_part_with_the_file_between_boundaries() {
        let (body, content_type) = form("file", "my \"photo\".png", ImageFormat::Png, b"PNGDATA");
        let content_type = content_type.to_str().unwrap();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert_eq!(
            text,
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"my _photo_.png\"\r\n\
                 Content-Type: image/png\r\n\r\nPNGDATA\r\n--{boundary}--\r\n"
            )
        );
    }
}
