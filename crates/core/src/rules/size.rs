//! Image sizes: `WxH` / `W*H` presets and documented rules for custom sizes
//! (gpt-image-2: multiples of 16, longest edge ≤ 3840, aspect ≤ 3:1,
//! 655,360 to 8,294,400 pixels).

use crate::Violation;

/// Parses `"1536x1024"` (with `separator` `b'x'`) into `(1536, 1024)`.
///
/// Only the canonical spelling is accepted, since it goes on the wire as
/// written: decimal digits without sign or leading zeros on both sides.
pub const fn parse_dimensions(text: &str, separator: u8) -> Option<(u32, u32)> {
    let bytes = text.as_bytes();
    let mut split = 0;
    while split < bytes.len() && bytes[split] != separator {
        split += 1;
    }
    if split == bytes.len() {
        return None;
    }
    let width = match parse_side(bytes, 0, split) {
        Some(width) => width,
        None => return None,
    };
    match parse_side(bytes, split + 1, bytes.len()) {
        Some(height) => Some((width, height)),
        None => None,
    }
}

const fn parse_side(bytes: &[u8], start: usize, end: usize) -> Option<u32> {
    if start >= end || (bytes[start] == b'0' && end - start > 1) {
        return None;
    }
    let mut value: u64 = 0;
    let mut index = start;
    while index < end {
        let byte = bytes[index];
        if !byte.is_ascii_digit() {
            return None;
        }
        value = value * 10 + (byte - b'0') as u64;
        if value > u32::MAX as u64 {
            return None;
        }
        index += 1;
    }
    Some(value as u32)
}

/// The documented rules a custom (non-preset) size must satisfy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CustomSizeRule {
    /// Both sides must be multiples of this, if documented.
    pub multiple_of: Option<u32>,
    /// Shortest allowed side, if documented.
    pub min_edge: Option<u32>,
    /// Longest allowed side, if documented.
    pub max_edge: Option<u32>,
    /// Most extreme aspect ratio allowed, as `(long, short)`: `(3, 1)` for 3:1.
    pub max_aspect_ratio: Option<(u32, u32)>,
    /// Fewest pixels in total, if documented.
    pub min_pixels: Option<u64>,
    /// Most pixels in total, if documented.
    pub max_pixels: Option<u64>,
}

impl CustomSizeRule {
    /// Checks `width` × `height`, reporting the first rule broken in the order
    /// the rules are documented.
    pub const fn check(&self, width: u32, height: u32) -> Result<(), Violation> {
        if width == 0 || height == 0 {
            return Err(Violation::Malformed);
        }
        if let Some(unit) = self.multiple_of
            && (!width.is_multiple_of(unit) || !height.is_multiple_of(unit))
        {
            return Err(Violation::NotMultiple);
        }
        let (long, short) = if width >= height {
            (width, height)
        } else {
            (height, width)
        };
        if let Some(max) = self.max_edge
            && long > max
        {
            return Err(Violation::EdgeTooLong);
        }
        if let Some(min) = self.min_edge
            && short < min
        {
            return Err(Violation::EdgeTooShort);
        }
        if let Some((ratio_long, ratio_short)) = self.max_aspect_ratio {
            // long / short <= ratio_long / ratio_short, in integers.
            if long as u64 * ratio_short as u64 > short as u64 * ratio_long as u64 {
                return Err(Violation::AspectTooExtreme);
            }
        }
        let pixels = width as u64 * height as u64;
        if let Some(min) = self.min_pixels
            && pixels < min
        {
            return Err(Violation::TooFewPixels);
        }
        if let Some(max) = self.max_pixels
            && pixels > max
        {
            return Err(Violation::TooManyPixels);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GPT_IMAGE_2: CustomSizeRule = CustomSizeRule {
        multiple_of: Some(16),
        min_edge: None,
        max_edge: Some(3840),
        max_aspect_ratio: Some((3, 1)),
        min_pixels: Some(655_360),
        max_pixels: Some(8_294_400),
    };

    #[test]
    fn parses_the_canonical_spelling_only() {
        assert_eq!(parse_dimensions("1536x1024", b'x'), Some((1536, 1024)));
        assert_eq!(parse_dimensions("1024*1536", b'*'), Some((1024, 1536)));
        assert_eq!(parse_dimensions("1024*1536", b'x'), None);
        for text in [
            "",
            "x",
            "1024x",
            "x1024",
            "01024x1024",
            "+1x1",
            "1x1x1",
            "1 x1",
        ] {
            assert_eq!(parse_dimensions(text, b'x'), None, "{text:?}");
        }
        assert_eq!(parse_dimensions("99999999999x1", b'x'), None);
    }

    #[test]
    fn documented_gpt_image_2_limits() {
        assert_eq!(GPT_IMAGE_2.check(2048, 1152), Ok(()));
        assert_eq!(GPT_IMAGE_2.check(3840, 2160), Ok(()), "max pixels exactly");
        assert_eq!(GPT_IMAGE_2.check(1024, 640), Ok(()), "min pixels exactly");
        assert_eq!(GPT_IMAGE_2.check(3072, 1024), Ok(()), "3:1 exactly");
        assert_eq!(GPT_IMAGE_2.check(1000, 1000), Err(Violation::NotMultiple));
        assert_eq!(
            GPT_IMAGE_2.check(3840, 1024),
            Err(Violation::AspectTooExtreme)
        );
        assert_eq!(GPT_IMAGE_2.check(3856, 2160), Err(Violation::EdgeTooLong));
        assert_eq!(GPT_IMAGE_2.check(512, 512), Err(Violation::TooFewPixels));
        assert_eq!(GPT_IMAGE_2.check(3840, 2176), Err(Violation::TooManyPixels));
        assert_eq!(GPT_IMAGE_2.check(0, 1024), Err(Violation::Malformed));
    }
}
