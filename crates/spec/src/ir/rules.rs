//! A numeric parameter's rule as the runtime checks it: the value a
//! generated type holds as its `RULE` constant, and the one a model read at
//! run time checks with. Codegen prints these; the run-time path uses them
//! as they are, so both check by the same rule.

use imagegen_core::rules::{DecimalRule, FloatRule, IntegerRule};

use super::{Param, ParamKind, Value};
use crate::decimal::Decimal;

impl Param {
    /// The rule of an integer parameter.
    pub fn integer_rule(&self) -> Option<IntegerRule> {
        let ParamKind::Integer {
            minimum,
            maximum,
            step,
        } = &self.kind
        else {
            return None;
        };
        Some(IntegerRule {
            min: *minimum,
            max: *maximum,
            step: *step,
            step_origin: minimum.unwrap_or(0),
        })
    }

    /// The rule of a stepped number, kept exact as whole units of
    /// 10^-[`decimal_scale`](Self::decimal_scale).
    pub fn decimal_rule(&self) -> Option<DecimalRule> {
        let ParamKind::Number {
            minimum,
            maximum,
            step: step @ Some(_),
        } = &self.kind
        else {
            return None;
        };
        let scale = self.decimal_scale();
        let units = |value: &Option<Decimal>| value.and_then(|v| v.units_at(scale));
        Some(DecimalRule {
            scale,
            min: units(minimum),
            max: units(maximum),
            step: units(step),
            step_origin: units(minimum).unwrap_or(0),
        })
    }

    /// The rule of a number without a step, checked as a double.
    pub fn float_rule(&self) -> Option<FloatRule> {
        let ParamKind::Number {
            minimum,
            maximum,
            step: None,
        } = &self.kind
        else {
            return None;
        };
        Some(FloatRule {
            min: minimum.as_ref().map(decimal_to_f64),
            max: maximum.as_ref().map(decimal_to_f64),
        })
    }

    /// Digits after the point needed to hold every number of a stepped
    /// decimal: its bounds, step, default and sentinels.
    pub fn decimal_scale(&self) -> u32 {
        let ParamKind::Number {
            minimum,
            maximum,
            step,
        } = &self.kind
        else {
            return 0;
        };
        let mut scale = [minimum, maximum, step]
            .iter()
            .filter_map(|v| v.map(|d| d.scale()))
            .max()
            .unwrap_or(0);
        for value in self
            .default
            .iter()
            .chain(self.sentinels.iter().map(|s| &s.value))
        {
            if let Value::Number(number) = value {
                scale = scale.max(number.scale());
            }
        }
        scale
    }
}

/// The double nearest a decimal (NaN for none, which the checker excludes).
pub fn decimal_to_f64(value: &Decimal) -> f64 {
    value.to_string().parse().unwrap_or(f64::NAN)
}
