//! What an image file says about itself in its first bytes: format, width,
//! height and whether it has an alpha channel, read without decoding it.

use crate::ImageFormat;

/// The facts an image's header gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ImageHeader {
    /// The format, by magic bytes.
    pub format: ImageFormat,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The colour model, where the header says it.
    pub colour: Colour,
}

/// How an image stores colour, as far as a mask needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Colour {
    /// Grey or colour with an alpha channel (PNG colour types 4 and 6, a
    /// WebP flagged as having alpha).
    WithAlpha,
    /// Grey or colour without one (PNG colour types 0 and 2; a PNG `tRNS`
    /// colour key is transparency, not an alpha channel).
    Opaque(&'static str),
    /// The header does not say (JPEG has no alpha; GIF's transparency is
    /// per frame).
    Unknown,
}

impl ImageHeader {
    /// Reads the header of `bytes`; `None` when they are not a JPEG, PNG,
    /// GIF or WebP image whose header is complete.
    pub fn read(bytes: &[u8]) -> Option<Self> {
        let format = ImageFormat::sniff(bytes)?;
        let (width, height, colour) = match format {
            ImageFormat::Png => png(bytes)?,
            ImageFormat::Jpeg => jpeg(bytes)?,
            ImageFormat::Gif => gif(bytes)?,
            ImageFormat::WebP => webp(bytes)?,
        };
        (width > 0 && height > 0).then_some(ImageHeader {
            format,
            width,
            height,
            colour,
        })
    }
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn be16(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?).into())
}

fn le16(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?).into())
}

fn le24(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 3)?;
    Some(u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16)
}

/// The signature, then `IHDR` first: width, height, bit depth, colour type.
fn png(bytes: &[u8]) -> Option<(u32, u32, Colour)> {
    if bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    let (width, height) = (be32(bytes, 16)?, be32(bytes, 20)?);
    let colour = match *bytes.get(25)? {
        4 | 6 => Colour::WithAlpha,
        0 => Colour::Opaque("greyscale"),
        2 => Colour::Opaque("RGB"),
        3 => Colour::Opaque("palette"),
        _ => return None,
    };
    Some((width, height, colour))
}

/// Segments from SOI to the first start-of-frame, whose header holds the
/// height and width.
fn jpeg(bytes: &[u8]) -> Option<(u32, u32, Colour)> {
    let mut at = 2;
    loop {
        // Markers may be padded with any number of 0xFF.
        while *bytes.get(at)? == 0xFF && *bytes.get(at + 1)? == 0xFF {
            at += 1;
        }
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        match marker {
            // Standalone markers carry no length.
            0x01 | 0xD0..=0xD7 => at += 2,
            // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let (height, width) = (be16(bytes, at + 5)?, be16(bytes, at + 7)?);
                return Some((width, height, Colour::Opaque("JPEG")));
            }
            0xD9 | 0xDA => return None,
            _ => at += 2 + usize::try_from(be16(bytes, at + 2)?).ok()?,
        }
    }
}

/// The logical screen descriptor after `GIF89a`.
fn gif(bytes: &[u8]) -> Option<(u32, u32, Colour)> {
    Some((le16(bytes, 6)?, le16(bytes, 8)?, Colour::Unknown))
}

/// The first chunk after `RIFF....WEBP`: lossy `VP8 `, lossless `VP8L` or
/// extended `VP8X`, each with its own layout.
fn webp(bytes: &[u8]) -> Option<(u32, u32, Colour)> {
    match bytes.get(12..16)? {
        b"VP8 " => {
            if bytes.get(23..26)? != [0x9D, 0x01, 0x2A] {
                return None;
            }
            Some((
                le16(bytes, 26)? & 0x3FFF,
                le16(bytes, 28)? & 0x3FFF,
                Colour::Opaque("lossy WebP"),
            ))
        }
        b"VP8L" => {
            if *bytes.get(20)? != 0x2F {
                return None;
            }
            let bits = u32::from_le_bytes(bytes.get(21..25)?.try_into().ok()?);
            let alpha = bits >> 28 & 1 == 1;
            Some((
                (bits & 0x3FFF) + 1,
                (bits >> 14 & 0x3FFF) + 1,
                if alpha {
                    Colour::WithAlpha
                } else {
                    Colour::Opaque("lossless WebP without alpha")
                },
            ))
        }
        b"VP8X" => {
            let alpha = *bytes.get(20)? & 0x10 != 0;
            Some((
                le24(bytes, 24)? + 1,
                le24(bytes, 27)? + 1,
                if alpha {
                    Colour::WithAlpha
                } else {
                    Colour::Opaque("WebP without alpha")
                },
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_header(width: u32, height: u32, colour_type: u8) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bytes.extend(width.to_be_bytes());
        bytes.extend(height.to_be_bytes());
        bytes.extend([8, colour_type, 0, 0, 0]);
        bytes.extend([0; 4]);
        bytes
    }

    #[test]
    fn reads_png_size_and_alpha() {
        let header = ImageHeader::read(&png_header(640, 480, 6)).unwrap();
        assert_eq!((header.width, header.height), (640, 480));
        assert_eq!(header.colour, Colour::WithAlpha);
        assert_eq!(
            ImageHeader::read(&png_header(1, 2, 2)).unwrap().colour,
            Colour::Opaque("RGB")
        );
        assert_eq!(ImageHeader::read(&png_header(0, 2, 2)), None);
        assert_eq!(ImageHeader::read(&png_header(1, 2, 2)[..20]), None);
    }

    #[test]
    fn reads_jpeg_size_past_other_segments() {
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, b'J', b'F'];
        bytes.extend([0xFF, 0xFF, 0xC2, 0, 11, 8, 0x01, 0xE0, 0x02, 0x80, 3]);
        let header = ImageHeader::read(&bytes).unwrap();
        assert_eq!(
            (header.format, header.width, header.height),
            (ImageFormat::Jpeg, 640, 480)
        );
        assert_eq!(ImageHeader::read(&bytes[..12]), None);
    }

    #[test]
    fn reads_gif_and_webp_sizes() {
        let gif = ImageHeader::read(b"GIF89a\x80\x02\xe0\x01\0\0").unwrap();
        assert_eq!((gif.width, gif.height), (640, 480));
        let mut vp8x = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\x10\0\0\0".to_vec();
        vp8x.extend([0x7F, 0x02, 0, 0xDF, 0x01, 0]);
        let webp = ImageHeader::read(&vp8x).unwrap();
        assert_eq!(
            (webp.width, webp.height, webp.colour),
            (640, 480, Colour::WithAlpha)
        );
        let mut vp8l = b"RIFF\0\0\0\0WEBPVP8L\0\0\0\0\x2f".to_vec();
        let bits: u32 = 639 | 479 << 14;
        vp8l.extend(bits.to_le_bytes());
        let webp = ImageHeader::read(&vp8l).unwrap();
        assert_eq!((webp.width, webp.height), (640, 480));
        assert!(matches!(webp.colour, Colour::Opaque(_)));
    }
}
