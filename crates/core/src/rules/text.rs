//! Text with documented length bounds (`prompt`: 1 to 32000 characters).

use crate::Violation;

/// The documented length bounds of a text parameter, in characters
/// (Unicode scalar values, which is what the providers' limits count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LengthRule {
    /// Fewest characters allowed, if documented.
    pub min_chars: Option<usize>,
    /// Most characters allowed, if documented.
    pub max_chars: Option<usize>,
}

impl LengthRule {
    /// Checks the length of `text`.
    pub const fn check(&self, text: &str) -> Result<(), Violation> {
        // A character is 1 to 4 bytes, so the byte length alone settles
        // most texts (a prompt far under its 32000) without counting.
        let bytes = text.len();
        let long_enough = match self.min_chars {
            None => true,
            Some(min) => bytes.div_ceil(4) >= min,
        };
        let short_enough = match self.max_chars {
            None => true,
            Some(max) => bytes <= max,
        };
        if long_enough && short_enough {
            return Ok(());
        }
        let chars = char_count(text);
        if let Some(min) = self.min_chars
            && chars < min
        {
            return Err(Violation::TooShort);
        }
        if let Some(max) = self.max_chars
            && chars > max
        {
            return Err(Violation::TooLong);
        }
        Ok(())
    }
}

/// The number of characters in `text`, usable in constants.
pub const fn char_count(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut index = 0;
    while index < bytes.len() {
        // Every character has exactly one byte that is not a continuation byte.
        if bytes[index] & 0b1100_0000 != 0b1000_0000 {
            count += 1;
        }
        index += 1;
    }
    count
}

/// What a text parameter must be: within its length bounds, or an http(s) URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextRule {
    /// Free text with documented length bounds.
    Length(LengthRule),
    /// An http(s) URL (of an image).
    HttpUrl,
    /// An http(s) URL, or a `data:image/...;base64,` URI.
    HttpOrDataUrl,
}

impl TextRule {
    /// Checks `text`.
    pub const fn check(&self, text: &str) -> Result<(), Violation> {
        match self {
            TextRule::Length(rule) => rule.check(text),
            TextRule::HttpUrl => crate::rules::check_http_url(text),
            TextRule::HttpOrDataUrl => match crate::rules::check_http_url(text) {
                Ok(()) => Ok(()),
                Err(_) => crate::image::check_data_uri(text),
            },
        }
    }
}

/// The index of `value` in `allowed`, usable in constants (the enumerated
/// types' wire lookup).
pub const fn position(value: &str, allowed: &[&str]) -> Option<usize> {
    let mut index = 0;
    while index < allowed.len() {
        if str_eq(value, allowed[index]) {
            return Some(index);
        }
        index += 1;
    }
    None
}

/// Byte-wise string equality, usable in constants.
pub const fn str_eq(left: &str, right: &str) -> bool {
    let (left, right) = (left.as_bytes(), right.as_bytes());
    if left.len() != right.len() {
        return false;
    }
    let mut index = 0;
    while index < left.len() {
        if left[index] != right[index] {
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
    fn counts_characters_not_bytes() {
        assert_eq!(char_count(""), 0);
        assert_eq!(char_count("sunset"), 6);
        assert_eq!(char_count("日没 🌅"), 4);
        assert_eq!(char_count("é"), "é".chars().count());
    }

    #[test]
    fn bounds_are_inclusive() {
        let rule = LengthRule {
            min_chars: Some(1),
            max_chars: Some(3),
        };
        assert_eq!(rule.check(""), Err(Violation::TooShort));
        assert_eq!(rule.check("a"), Ok(()));
        assert_eq!(rule.check("日没🌅"), Ok(()));
        assert_eq!(rule.check("abcd"), Err(Violation::TooLong));
    }

    #[test]
    fn the_byte_length_shortcut_agrees_with_counting_characters() {
        let texts = [
            "",
            "a",
            "ab",
            "日",
            "日没",
            "🌅🌅",
            "aé日🌅",
            "abcdefgh",
            "日没日没日没",
        ];
        for min in [None, Some(0), Some(1), Some(2), Some(3), Some(5)] {
            for max in [None, Some(0), Some(1), Some(2), Some(4), Some(8)] {
                let rule = LengthRule {
                    min_chars: min,
                    max_chars: max,
                };
                for text in texts {
                    let chars = text.chars().count();
                    let expected = if min.is_some_and(|min| chars < min) {
                        Err(Violation::TooShort)
                    } else if max.is_some_and(|max| chars > max) {
                        Err(Violation::TooLong)
                    } else {
                        Ok(())
                    };
                    assert_eq!(rule.check(text), expected, "{text:?} in {min:?}..{max:?}");
                }
            }
        }
    }

    #[test]
    fn string_equality() {
        assert!(str_eq("1024x1024", "1024x1024"));
        assert!(!str_eq("1024x1024", "1024*1024"));
        assert!(!str_eq("auto", "aut"));
    }
}
