//! Exact decimal numbers for spec values (`0.1`, `0.6`, `2147483647`).
//!
//! Spec numbers are read from the YAML text itself, never through `f64`, so a
//! step of `0.1` stays one tenth and "does the step divide the range" is exact.

use std::cmp::Ordering;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserialize, Deserializer, Visitor};

/// Most digits after the point a spec number may have; matches the runtime's
/// `rules::MAX_SCALE`.
pub const MAX_SCALE: u32 = 15;

/// An exact decimal: `mantissa × 10^-scale`, with no trailing zeros in the
/// mantissa's fractional digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    mantissa: i64,
    scale: u32,
}

impl Decimal {
    /// An integer as a decimal.
    pub const fn from_i64(value: i64) -> Self {
        Self {
            mantissa: value,
            scale: 0,
        }
    }

    /// Parses plain decimal notation: an optional `-`, digits, and optionally a
    /// point followed by digits (`-1`, `0.6`, `2147483647`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let invalid = || format!("`{text}` is not a number in plain decimal notation");
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = match digits.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (digits, ""),
        };
        let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !all_digits(whole)
            || !all_digits(fraction)
            || (digits.contains('.') && fraction.is_empty())
        {
            return Err(invalid());
        }
        let fraction = fraction.trim_end_matches('0');
        let scale = u32::try_from(fraction.len()).map_err(|_| invalid())?;
        if scale > MAX_SCALE {
            return Err(format!(
                "`{text}` has more than {MAX_SCALE} digits after the point"
            ));
        }
        let magnitude: i64 = format!("{whole}{fraction}")
            .parse()
            .map_err(|_| format!("`{text}` is too large"))?;
        let mantissa = if negative { -magnitude } else { magnitude };
        Ok(Self { mantissa, scale })
    }

    /// Digits after the point.
    pub const fn scale(self) -> u32 {
        self.scale
    }

    /// The value as an integer, if it is one.
    pub const fn as_i64(self) -> Option<i64> {
        if self.scale == 0 {
            Some(self.mantissa)
        } else {
            None
        }
    }

    /// The value as a count of `10^-scale` units, if `scale` is fine enough to
    /// hold it exactly and the count fits an `i64`.
    pub fn units_at(self, scale: u32) -> Option<i64> {
        let extra = scale.checked_sub(self.scale)?;
        let factor = 10i64.checked_pow(extra)?;
        self.mantissa.checked_mul(factor)
    }

    /// `self / step` is a whole number.
    pub fn is_multiple_of(self, step: Decimal) -> bool {
        let scale = self.scale.max(step.scale);
        match (self.units_at(scale), step.units_at(scale)) {
            (Some(value), Some(step)) if step != 0 => value % step == 0,
            _ => false,
        }
    }

    /// `self - other`, exactly, if it fits.
    pub fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        let difference = self.units_at(scale)?.checked_sub(other.units_at(scale)?)?;
        Some(Decimal::from_units(difference, scale))
    }

    /// `units × 10^-scale`, normalised so equal values compare field-equal.
    pub fn from_units(mut units: i64, mut scale: u32) -> Self {
        while scale > 0 && units % 10 == 0 {
            units /= 10;
            scale -= 1;
        }
        Self {
            mantissa: units,
            scale,
        }
    }

    /// Whether the value is above zero.
    pub const fn is_positive(self) -> bool {
        self.mantissa > 0
    }

    fn cross(self) -> (i128, u32) {
        (i128::from(self.mantissa), self.scale)
    }
}

fn format_units(units: i64, scale: u32) -> String {
    if scale == 0 {
        return units.to_string();
    }
    let magnitude = units.unsigned_abs().to_string();
    let width = scale as usize + 1;
    let padded = format!("{magnitude:0>width$}");
    let (whole, fraction) = padded.split_at(padded.len() - scale as usize);
    let sign = if units < 0 { "-" } else { "" };
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let ((left, left_scale), (right, right_scale)) = (self.cross(), other.cross());
        let scale = left_scale.max(right_scale);
        let left = left * 10i128.pow(scale - left_scale);
        let right = right * 10i128.pow(scale - right_scale);
        left.cmp(&right)
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_units(self.mantissa, self.scale))
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Asking for a string makes serde_yaml hand over the scalar's text as
        // written, so `0.1` never passes through a float.
        deserializer.deserialize_str(DecimalVisitor)
    }
}

struct DecimalVisitor;

impl Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number in plain decimal notation")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Decimal, E> {
        Decimal::parse(text).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Decimal, E> {
        Ok(Decimal::from_i64(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Decimal, E> {
        i64::try_from(value)
            .map(Decimal::from_i64)
            .map_err(|_| E::custom(format!("{value} is too large")))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Decimal, E> {
        // Only reached from self-describing formats other than YAML; the
        // shortest round-trip text of a double is the decimal that was written.
        Decimal::parse(&value.to_string()).map_err(E::custom)
    }
}

impl JsonSchema for Decimal {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Decimal".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "number",
            "description": "A number in plain decimal notation, read exactly (0.1 stays one tenth)."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse(text).unwrap()
    }

    #[test]
    fn parses_plain_notation_exactly() {
        assert_eq!(d("0.6").units_at(1), Some(6));
        assert_eq!(d("0.60").scale(), 1, "trailing zeros do not add scale");
        assert_eq!(d("-1").as_i64(), Some(-1));
        assert_eq!(d("2147483647").as_i64(), Some(2_147_483_647));
        assert_eq!(d("1.0").as_i64(), Some(1));
        for bad in ["", "-", ".5", "5.", "1e3", "0x10", "1,5", " 1", "+1", "--1"] {
            assert!(Decimal::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn compares_and_divides_exactly() {
        assert!(d("0.6") < d("1"));
        assert!(d("-1") < d("0"));
        assert_eq!(d("0.5").cmp(&d("0.50")), Ordering::Equal);
        assert!(d("1").is_multiple_of(d("0.1")));
        assert!(d("0.6").is_multiple_of(d("0.1")));
        assert!(!d("0.65").is_multiple_of(d("0.1")));
        assert!(!d("1").is_multiple_of(d("0.3")));
        assert_eq!(d("0.95").checked_sub(d("0.05")), Some(d("0.9")));
    }

    #[test]
    fn displays_as_written() {
        for text in ["0.6", "-1", "2147483647", "0.05", "-0.5", "12.25"] {
            assert_eq!(d(text).to_string(), text);
        }
    }
}
