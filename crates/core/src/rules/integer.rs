//! Bounded integers (`seed`: -1 to 2147483647, `n`: 1 to 10).

use crate::Violation;

/// The documented rules of an integer parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IntegerRule {
    /// Smallest allowed value, if documented.
    pub min: Option<i64>,
    /// Largest allowed value, if documented.
    pub max: Option<i64>,
    /// Step, if documented.
    pub step: Option<i64>,
    /// Where steps are counted from: the minimum, or 0 without one.
    pub step_origin: i64,
}

impl IntegerRule {
    /// Checks `value` against the range and step.
    pub const fn check(&self, value: i64) -> Result<i64, Violation> {
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
        if let Some(step) = self.step {
            // i128: `value - origin` can overflow i64 for extreme values.
            if (value as i128 - self.step_origin as i128) % step as i128 != 0 {
                return Err(Violation::OffStep);
            }
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: IntegerRule = IntegerRule {
        min: Some(-1),
        max: Some(2_147_483_647),
        step: None,
        step_origin: -1,
    };

    #[test]
    fn range_is_inclusive() {
        assert_eq!(SEED.check(-1), Ok(-1));
        assert_eq!(SEED.check(2_147_483_647), Ok(2_147_483_647));
        assert_eq!(SEED.check(-2), Err(Violation::BelowMinimum));
        assert_eq!(SEED.check(2_147_483_648), Err(Violation::AboveMaximum));
    }

    #[test]
    fn open_ended_ranges_and_steps() {
        let at_most_100 = IntegerRule {
            min: None,
            max: Some(100),
            step: None,
            step_origin: 0,
        };
        assert_eq!(at_most_100.check(i64::MIN), Ok(i64::MIN));
        assert_eq!(at_most_100.check(101), Err(Violation::AboveMaximum));
        let even_from_one = IntegerRule {
            min: Some(1),
            max: None,
            step: Some(2),
            step_origin: 1,
        };
        assert_eq!(even_from_one.check(5), Ok(5));
        assert_eq!(even_from_one.check(4), Err(Violation::OffStep));
        assert_eq!(even_from_one.check(i64::MAX), Ok(i64::MAX));
    }
}
