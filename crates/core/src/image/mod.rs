//! Image parameters: what a value is (a URL, a local file, bytes in
//! memory), and the checks a local image passes before anything is sent:
//! a real JPEG, PNG, GIF or WebP by its magic bytes, in a format the
//! parameter accepts, under the provider's size limit, and for a mask a PNG
//! with an alpha channel the size of the image it masks.

mod header;
mod problem;
mod source;

pub use header::{Colour, ImageHeader};
pub use problem::ImageProblem;
pub use source::{ImageSource, has_scheme};

use crate::ImageFormat;
use crate::info::ImageParam;

/// Checks a local image's bytes against what its parameter accepts, and
/// returns its header. The size limit is the caller's (it depends on how
/// the image will be sent); a mask's dimensions are checked against its
/// image by [`check_mask_fits`].
pub fn check_image(param: &ImageParam, bytes: &[u8]) -> Result<ImageHeader, ImageProblem> {
    if bytes.is_empty() {
        return Err(ImageProblem::Empty);
    }
    let Some(format) = ImageFormat::sniff(bytes) else {
        if let Some(format) = problem::other_format(bytes) {
            return Err(ImageProblem::UnsupportedFormat { format });
        }
        return Err(ImageProblem::NotAnImage {
            start: bytes[..bytes.len().min(8)].to_vec(),
        });
    };
    let accepted = param.accepted_formats();
    if !accepted.contains(&format) {
        return Err(ImageProblem::FormatNotAccepted {
            found: format,
            accepted,
        });
    }
    let header = ImageHeader::read(bytes).ok_or(ImageProblem::BadHeader { format })?;
    if param.mask_for.is_some() {
        match header.colour {
            Colour::WithAlpha => {}
            Colour::Opaque(colour) => return Err(ImageProblem::MaskWithoutAlpha { colour }),
            Colour::Unknown => {
                return Err(ImageProblem::MaskWithoutAlpha {
                    colour: format.name(),
                });
            }
        }
    }
    Ok(header)
}

/// A mask must cover its image exactly: the same width and height.
pub fn check_mask_fits(
    mask: &ImageHeader,
    image: &ImageHeader,
    image_param: &'static str,
) -> Result<(), ImageProblem> {
    if (mask.width, mask.height) == (image.width, image.height) {
        Ok(())
    } else {
        Err(ImageProblem::MaskSizeMismatch {
            mask: (mask.width, mask.height),
            image: (image.width, image.height),
            image_param,
        })
    }
}

/// How an image parameter's value is written as JSON (its `Serialize`): a
/// URL as itself; a file as the path it was given, so records of a request
/// (a batch manifest) say which file it was, while the client sends the
/// uploaded URL; bytes in memory have no text form and are an error.
pub fn serialize_source<S: serde::Serializer>(
    name: &'static str,
    source: &ImageSource,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::Error as _;
    match source {
        ImageSource::Url(url) => serializer.serialize_str(url),
        ImageSource::Path(path) => match path.to_str() {
            Some(path) => serializer.serialize_str(path),
            None => Err(S::Error::custom(format_args!(
                "`{name}`: the path {} is not UTF-8 and cannot be written as JSON",
                path.display()
            ))),
        },
        ImageSource::Bytes(bytes) => Err(S::Error::custom(format_args!(
            "`{name}` is an image of {} bytes in memory, which has no JSON form: the client uploads it and sends its URL",
            bytes.len()
        ))),
    }
}

/// Checks a `data:` URI of an image: `data:image/<format>;base64,<data>`
/// with a format it names and base64 text, usable in constants.
pub const fn check_data_uri(text: &str) -> Result<(), crate::Violation> {
    let bytes = text.as_bytes();
    let prefix = b"data:image/";
    if bytes.len() <= prefix.len() {
        return Err(crate::Violation::Malformed);
    }
    let mut index = 0;
    while index < prefix.len() {
        if bytes[index].to_ascii_lowercase() != prefix[index] {
            return Err(crate::Violation::Malformed);
        }
        index += 1;
    }
    // The subtype, then `;base64,`, then at least one base64 character.
    while index < bytes.len() && bytes[index].is_ascii_alphanumeric() {
        index += 1;
    }
    let marker = b";base64,";
    let mut at = 0;
    while at < marker.len() {
        if index + at >= bytes.len() || bytes[index + at].to_ascii_lowercase() != marker[at] {
            return Err(crate::Violation::Malformed);
        }
        at += 1;
    }
    index += marker.len();
    if index == bytes.len() {
        return Err(crate::Violation::Malformed);
    }
    while index < bytes.len() {
        let byte = bytes[index];
        if !(byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'/' | b'=')) {
            return Err(crate::Violation::Malformed);
        }
        index += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const IMAGE: ImageParam = ImageParam {
        formats: &[],
        data_uri: false,
        mask_for: None,
    };
    const MASK: ImageParam = ImageParam {
        formats: &[ImageFormat::Png],
        data_uri: false,
        mask_for: Some("image"),
    };

    fn png(width: u32, height: u32, colour_type: u8) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bytes.extend(width.to_be_bytes());
        bytes.extend(height.to_be_bytes());
        bytes.extend([8, colour_type, 0, 0, 0, 0, 0, 0, 0]);
        bytes
    }

    #[test]
    fn refuses_what_is_not_an_accepted_image() {
        assert_eq!(check_image(&IMAGE, b""), Err(ImageProblem::Empty));
        assert!(matches!(
            check_image(&IMAGE, b"hello, world"),
            Err(ImageProblem::NotAnImage { .. })
        ));
        assert_eq!(
            check_image(&MASK, b"GIF89a\x01\0\x01\0"),
            Err(ImageProblem::FormatNotAccepted {
                found: ImageFormat::Gif,
                accepted: &[ImageFormat::Png]
            })
        );
        assert_eq!(
            check_image(&IMAGE, b"\x89PNG\r\n\x1a\n"),
            Err(ImageProblem::BadHeader {
                format: ImageFormat::Png
            })
        );
        assert!(check_image(&IMAGE, &png(4, 4, 2)).is_ok());
        // A phone's photo is named for what it is.
        assert_eq!(
            check_image(&IMAGE, b"\0\0\0\x18ftypheic\0\0\0\0"),
            Err(ImageProblem::UnsupportedFormat { format: "HEIC" })
        );
        assert_eq!(
            check_image(&IMAGE, b"BM\x36\0\0\0"),
            Err(ImageProblem::UnsupportedFormat { format: "BMP" })
        );
    }

    #[test]
    fn a_mask_needs_alpha_and_its_image_size() {
        assert_eq!(
            check_image(&MASK, &png(4, 4, 2)),
            Err(ImageProblem::MaskWithoutAlpha { colour: "RGB" })
        );
        let mask = check_image(&MASK, &png(4, 4, 6)).unwrap();
        let image = check_image(&IMAGE, &png(4, 4, 2)).unwrap();
        assert_eq!(check_mask_fits(&mask, &image, "image"), Ok(()));
        let other = check_image(&IMAGE, &png(8, 4, 2)).unwrap();
        let problem = check_mask_fits(&mask, &other, "image").unwrap_err();
        assert_eq!(
            problem.to_string(),
            "is 4x4 pixels and `image` is 8x4: a mask must have the same width and height as the image it masks"
        );
    }

    #[test]
    fn data_uris_name_an_image_type_and_carry_base64() {
        assert_eq!(check_data_uri("data:image/png;base64,iVBORw0KGgo="), Ok(()));
        for bad in [
            "data:image/png;base64,",
            "data:text/plain;base64,aGk=",
            "data:image/png,raw",
            "data:image/png;base64,not base64",
            "https://example.com/a.png",
        ] {
            assert!(check_data_uri(bad).is_err(), "{bad}");
        }
    }
}
