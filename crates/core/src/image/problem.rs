//! Why a local image cannot be sent.

use crate::ImageFormat;

/// What is wrong with a local image, found before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImageProblem {
    /// The file could not be read.
    #[error("cannot be read: {reason}")]
    Unreadable {
        /// The operating system's reason.
        reason: String,
    },
    /// The file is empty.
    #[error("is empty")]
    Empty,
    /// The bytes are not a JPEG, PNG, GIF or WebP image.
    #[error("is not an image: a JPEG, PNG, GIF or WebP file starts with its signature, and this one starts with {}", Hex(.start))]
    NotAnImage {
        /// Its first bytes.
        start: Vec<u8>,
    },
    /// An image of a format no provider here takes (HEIC, AVIF, BMP, TIFF).
    #[error("is a {format} image, which is not taken here: convert it to JPEG or PNG")]
    UnsupportedFormat {
        /// The format its signature names.
        format: &'static str,
    },
    /// An image of a format the parameter does not take.
    #[error("is a {} image, and this parameter takes {}", .found.label(), FormatList(.accepted))]
    FormatNotAccepted {
        /// Its format.
        found: ImageFormat,
        /// What the parameter takes.
        accepted: &'static [ImageFormat],
    },
    /// The signature is there but the header is cut short or invalid.
    #[error("starts like a {} image but its header is cut short or invalid", .format.label())]
    BadHeader {
        /// The format its signature names.
        format: ImageFormat,
    },
    /// Larger than the provider takes.
    #[error("is {bytes} bytes, over the provider's limit of {limit} bytes")]
    TooLarge {
        /// Its size.
        bytes: u64,
        /// The largest size taken.
        limit: u64,
    },
    /// Larger than the client sends inline (the provider documents no
    /// limit for `data:` URIs; this is imagegen's own).
    #[error("is {bytes} bytes, over the {limit} bytes imagegen sends inline as a data: URI")]
    TooLargeInline {
        /// Its size.
        bytes: u64,
        /// The largest size sent inline.
        limit: u64,
    },
    /// The file changed between its check and its upload.
    #[error("changed on disk after it was checked; nothing was uploaded from it")]
    Changed,
    /// A mask without an alpha channel, so nothing marks where to edit.
    #[error(
        "is a mask without an alpha channel ({colour}): a mask must be a PNG with an alpha channel (RGBA or grey with alpha), whose fully transparent pixels mark where to edit"
    )]
    MaskWithoutAlpha {
        /// What it has instead.
        colour: &'static str,
    },
    /// A mask whose size differs from its image's.
    #[error("is {}x{} pixels and `{image_param}` is {}x{}: a mask must have the same width and height as the image it masks", .mask.0, .mask.1, .image.0, .image.1)]
    MaskSizeMismatch {
        /// The mask's width and height.
        mask: (u32, u32),
        /// The image's width and height.
        image: (u32, u32),
        /// The parameter holding the image.
        image_param: &'static str,
    },
}

/// Image formats recognised only to say what a file is: their signatures.
pub(super) fn other_format(bytes: &[u8]) -> Option<&'static str> {
    let brand = bytes.get(4..12);
    match bytes {
        _ if brand.is_some_and(|b| {
            b.starts_with(b"ftyp")
                && (b.ends_with(b"heic")
                    || b.ends_with(b"heix")
                    || b.ends_with(b"mif1")
                    || b.ends_with(b"hevc"))
        }) =>
        {
            Some("HEIC")
        }
        _ if brand.is_some_and(|b| {
            b.starts_with(b"ftyp") && (b.ends_with(b"avif") || b.ends_with(b"avis"))
        }) =>
        {
            Some("AVIF")
        }
        [b'B', b'M', ..] => Some("BMP"),
        [b'I', b'I', 42, 0, ..] | [b'M', b'M', 0, 42, ..] => Some("TIFF"),
        _ => None,
    }
}

struct Hex<'a>(&'a [u8]);

impl std::fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            return f.write_str("nothing");
        }
        for (index, byte) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

struct FormatList(&'static [ImageFormat]);

impl std::fmt::Display for FormatList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|f| f.label()).collect();
        match names.as_slice() {
            [] => f.write_str("no image format"),
            [one] => write!(f, "{one} only"),
            [rest @ .., last] => write!(f, "{} or {last}", rest.join(", ")),
        }
    }
}
