//! Stepped decimal numbers (`strength`: 0 to 1 in steps of 0.1), kept exact.
//!
//! A value is stored as an integer count of `10^-scale` units (strength 0.6 is
//! 6 units at scale 1), so comparisons and step checks are integer arithmetic.
//! On the wire it becomes `units / 10^scale` as an `f64`: both operands are
//! exact and IEEE division rounds correctly, so the result is the double
//! nearest the decimal and serialises as `0.6`, never `0.6000000000000001`.

use crate::Violation;

/// `10^n` for the scales we support, as integers and as exact doubles.
const POW10_I64: [i64; 16] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
    1_000_000_000_000_000,
];
const POW10_F64: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// The largest scale a rule may use (digits after the decimal point).
pub const MAX_SCALE: u32 = 15;

/// How far (relative, in units) a double may sit from the unit grid and still
/// count as on it: a few rounding errors, so `0.1 + 0.2` is 0.3, while any
/// literal that means another number (`0.6000000000001`) is off the step.
const GRID_TOLERANCE: f64 = 4.0 * f64::EPSILON;

/// Beyond this many units a double can no longer be placed on the grid exactly.
const MAX_EXACT_UNITS: f64 = 9_007_199_254_740_992.0; // 2^53

/// The documented rules of a stepped decimal parameter, in units of `10^-scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DecimalRule {
    /// Digits after the decimal point; every value is a multiple of `10^-scale`.
    pub scale: u32,
    /// Smallest allowed value in units, if documented.
    pub min: Option<i64>,
    /// Largest allowed value in units, if documented.
    pub max: Option<i64>,
    /// Step in units, if documented.
    pub step: Option<i64>,
    /// Where steps are counted from, in units: the minimum, or 0 without one.
    pub step_origin: i64,
}

impl DecimalRule {
    /// Checks a value already expressed in units.
    pub const fn check_units(&self, units: i64) -> Result<i64, Violation> {
        if let Some(min) = self.min
            && units < min
        {
            return Err(Violation::BelowMinimum);
        }
        if let Some(max) = self.max
            && units > max
        {
            return Err(Violation::AboveMaximum);
        }
        if let Some(step) = self.step
            && (units - self.step_origin) % step != 0
        {
            return Err(Violation::OffStep);
        }
        Ok(units)
    }

    /// Places a double on the unit grid and checks it.
    ///
    /// Used both by the compile-time literal macros and by `try_new`, so a
    /// literal and the same number computed at runtime get the same verdict.
    pub const fn units_from_f64(&self, value: f64) -> Result<i64, Violation> {
        if value.is_nan() || value.is_infinite() {
            return Err(Violation::NotFinite);
        }
        let scaled = value * POW10_F64[self.scale as usize];
        if scaled > MAX_EXACT_UNITS {
            return Err(self.outside_grid(value));
        }
        if scaled < -MAX_EXACT_UNITS {
            return Err(self.outside_grid(value));
        }
        let nearest = nearest_integer(scaled);
        let distance = abs(scaled - nearest as f64);
        let magnitude = abs(nearest as f64);
        let tolerance = if magnitude > 1.0 {
            GRID_TOLERANCE * magnitude
        } else {
            GRID_TOLERANCE
        };
        if distance > tolerance {
            return Err(self.outside_grid(value));
        }
        self.check_units(nearest)
    }

    /// The verdict for a value that is not on the unit grid: a range violation
    /// if it is outside the range (the more useful message), else off the step.
    const fn outside_grid(&self, value: f64) -> Violation {
        if let Some(min) = self.min
            && value < self.to_f64(min)
        {
            return Violation::BelowMinimum;
        }
        if let Some(max) = self.max
            && value > self.to_f64(max)
        {
            return Violation::AboveMaximum;
        }
        Violation::OffStep
    }

    /// The double nearest `units * 10^-scale`: what goes on the wire.
    pub const fn to_f64(&self, units: i64) -> f64 {
        units as f64 / POW10_F64[self.scale as usize]
    }

    /// The exact decimal text of `units` (`6` at scale 1 is `"0.6"`, `10` is `"1"`).
    pub fn format(&self, units: i64) -> String {
        let divisor = POW10_I64[self.scale as usize].unsigned_abs();
        let magnitude = units.unsigned_abs();
        let sign = if units < 0 { "-" } else { "" };
        let whole = magnitude / divisor;
        let fraction = magnitude % divisor;
        if fraction == 0 {
            return format!("{sign}{whole}");
        }
        let digits = format!("{fraction:0width$}", width = self.scale as usize);
        format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
    }
}

const fn abs(value: f64) -> f64 {
    if value < 0.0 { -value } else { value }
}

/// Round half away from zero, for values known to fit an `i64`.
const fn nearest_integer(value: f64) -> i64 {
    let truncated = value as i64;
    let remainder = value - truncated as f64;
    if remainder >= 0.5 {
        truncated + 1
    } else if remainder <= -0.5 {
        truncated - 1
    } else {
        truncated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// strength: 0 to 1 in steps of 0.1.
    const STRENGTH: DecimalRule = DecimalRule {
        scale: 1,
        min: Some(0),
        max: Some(10),
        step: Some(1),
        step_origin: 0,
    };

    #[test]
    fn every_step_round_trips_exactly() {
        for units in 0..=10 {
            let value = STRENGTH.to_f64(units);
            assert_eq!(STRENGTH.units_from_f64(value), Ok(units));
            let text = STRENGTH.format(units);
            assert_eq!(value.to_string(), text, "serialises as the decimal it is");
        }
        assert_eq!(STRENGTH.to_f64(6).to_string(), "0.6");
        assert_ne!(
            (6.0 * 0.1f64).to_string(),
            "0.6",
            "the naive product would not"
        );
    }

    #[test]
    fn verdicts_for_out_of_range_and_off_step_values() {
        assert_eq!(STRENGTH.units_from_f64(1.5), Err(Violation::AboveMaximum));
        assert_eq!(STRENGTH.units_from_f64(-0.1), Err(Violation::BelowMinimum));
        assert_eq!(STRENGTH.units_from_f64(0.65), Err(Violation::OffStep));
        assert_eq!(STRENGTH.units_from_f64(1.05), Err(Violation::AboveMaximum));
        assert_eq!(STRENGTH.units_from_f64(-0.05), Err(Violation::BelowMinimum));
        assert_eq!(STRENGTH.units_from_f64(f64::NAN), Err(Violation::NotFinite));
        assert_eq!(
            STRENGTH.units_from_f64(f64::INFINITY),
            Err(Violation::NotFinite)
        );
        assert_eq!(STRENGTH.units_from_f64(1e300), Err(Violation::AboveMaximum));
    }

    #[test]
    fn runtime_noise_snaps_but_a_different_literal_does_not() {
        assert_eq!(STRENGTH.units_from_f64(0.1 + 0.2), Ok(3));
        assert_eq!(STRENGTH.units_from_f64(0.1 * 3.0), Ok(3));
        assert_eq!(
            STRENGTH.units_from_f64(0.600_000_000_1),
            Err(Violation::OffStep)
        );
        assert_eq!(
            STRENGTH.units_from_f64(0.600_000_000_000_1),
            Err(Violation::OffStep)
        );
        assert_eq!(STRENGTH.units_from_f64(0.7 - 0.1), Ok(6));
    }

    #[test]
    fn steps_count_from_the_minimum() {
        // 0.05 to 0.95 in steps of 0.1: 0.15 is on the step, 0.2 is not.
        let rule = DecimalRule {
            scale: 2,
            min: Some(5),
            max: Some(95),
            step: Some(10),
            step_origin: 5,
        };
        assert_eq!(rule.units_from_f64(0.15), Ok(15));
        assert_eq!(rule.units_from_f64(0.2), Err(Violation::OffStep));
        assert_eq!(rule.format(15), "0.15");
    }

    #[test]
    fn negative_values_format_with_their_sign() {
        let rule = DecimalRule {
            scale: 2,
            min: None,
            max: None,
            step: None,
            step_origin: 0,
        };
        assert_eq!(rule.format(-5), "-0.05");
        assert_eq!(rule.format(-150), "-1.5");
        assert_eq!(rule.format(i64::MIN).len(), 21);
        assert_eq!(rule.units_from_f64(-1.25), Ok(-125));
    }
}
