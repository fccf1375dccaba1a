//! Bounded numbers without a documented step, kept as `f64`.

use crate::Violation;

/// The documented range of a number parameter that has no step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FloatRule {
    /// Smallest allowed value, if documented.
    pub min: Option<f64>,
    /// Largest allowed value, if documented.
    pub max: Option<f64>,
}

impl FloatRule {
    /// Checks that `value` is finite and inside the range.
    pub const fn check(&self, value: f64) -> Result<f64, Violation> {
        if value.is_nan() || value.is_infinite() {
            return Err(Violation::NotFinite);
        }
        if let Some(min) = self.min
            && value < min
        {
            return Err(Violation::BelowMinimum);
        }
        if let Some(max) = self.max
            && value > max
        {
            return Err(Violation::AboveMaximum);
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finite_and_in_range() {
        let rule = FloatRule {
            min: Some(1.0),
            max: Some(20.0),
        };
        assert_eq!(rule.check(1.0), Ok(1.0));
        assert_eq!(rule.check(7.25), Ok(7.25));
        assert_eq!(rule.check(0.5), Err(Violation::BelowMinimum));
        assert_eq!(rule.check(20.5), Err(Violation::AboveMaximum));
        assert_eq!(rule.check(f64::NAN), Err(Violation::NotFinite));
        assert_eq!(rule.check(f64::NEG_INFINITY), Err(Violation::NotFinite));
    }
}
