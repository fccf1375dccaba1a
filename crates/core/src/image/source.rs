//! The value of an image parameter: a URL the provider fetches, or a local
//! image (a file, or bytes in memory) the client checks and sends first.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;

/// Where an image parameter's image is.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ImageSource {
    /// A URL the provider fetches (checked by the parameter's rule).
    Url(Cow<'static, str>),
    /// A local file, read, checked and uploaded (or inlined) when the
    /// request is sent.
    Path(PathBuf),
    /// An image in memory, checked and uploaded (or inlined) when the
    /// request is sent.
    Bytes(Arc<[u8]>),
}

impl ImageSource {
    /// Whether the image must be sent by the client (a file or bytes), not
    /// fetched by the provider.
    pub fn is_local(&self) -> bool {
        !matches!(self, ImageSource::Url(_))
    }

    /// The URL, for a URL.
    pub fn as_url(&self) -> Option<&str> {
        match self {
            ImageSource::Url(url) => Some(url),
            _ => None,
        }
    }

    /// The path, for a local file.
    pub fn as_path(&self) -> Option<&std::path::Path> {
        match self {
            ImageSource::Path(path) => Some(path),
            _ => None,
        }
    }
}

impl std::fmt::Debug for ImageSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageSource::Url(url) => f.debug_tuple("Url").field(url).finish(),
            ImageSource::Path(path) => f.debug_tuple("Path").field(path).finish(),
            // Megabytes of image are no use in a log line.
            ImageSource::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
        }
    }
}

impl std::fmt::Display for ImageSource {
    /// The URL, the path, or `<N bytes in memory>`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageSource::Url(url) => f.write_str(url),
            ImageSource::Path(path) => write!(f, "{}", path.display()),
            ImageSource::Bytes(bytes) => write!(f, "<{} bytes in memory>", bytes.len()),
        }
    }
}

/// Whether `text` starts with a URL scheme (`https:`, `data:`, `ftp:`): a
/// letter, then letters, digits, `+`, `-` or `.`, then `:`. One letter
/// before the colon is a Windows drive (`C:\photo.png`), not a scheme.
pub fn has_scheme(text: &str) -> bool {
    let Some((scheme, _)) = text.split_once(':') else {
        return false;
    };
    scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_and_paths() {
        for url in [
            "https://a.b/c.png",
            "HTTP://x",
            "data:image/png;base64,AA",
            "ftp://x",
        ] {
            assert!(has_scheme(url), "{url}");
        }
        for path in [
            "./photo.png",
            "photo.png",
            "/tmp/a:b.png",
            "C:\\photo.png",
            "dir/x:y",
            "",
        ] {
            assert!(!has_scheme(path), "{path}");
        }
    }

    #[test]
    fn bytes_are_not_dumped_in_debug_output() {
        let source = ImageSource::Bytes(vec![0; 1000].into());
        assert_eq!(format!("{source:?}"), "Bytes(1000 bytes)");
        assert_eq!(source.to_string(), "<1000 bytes in memory>");
        assert!(source.is_local());
    }
}
