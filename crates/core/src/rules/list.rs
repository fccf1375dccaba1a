//! Lists (`images`: 1 to 10 URLs, `loras`: at most 5 objects).

use crate::Violation;

/// The documented rules of a list parameter: how many items it takes. Each
/// item is checked by its own type's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ListRule {
    /// Fewest items, if documented.
    pub min_items: Option<usize>,
    /// Most items, if documented.
    pub max_items: Option<usize>,
}

impl ListRule {
    /// Checks a list of `len` items.
    pub const fn check(&self, len: usize) -> Result<(), Violation> {
        if let Some(min) = self.min_items
            && len < min
        {
            return Err(Violation::TooFewItems);
        }
        if let Some(max) = self.max_items
            && len > max
        {
            return Err(Violation::TooManyItems);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_checked_against_both_bounds() {
        let rule = ListRule {
            min_items: Some(1),
            max_items: Some(3),
        };
        assert_eq!(rule.check(0), Err(Violation::TooFewItems));
        assert_eq!(rule.check(1), Ok(()));
        assert_eq!(rule.check(3), Ok(()));
        assert_eq!(rule.check(4), Err(Violation::TooManyItems));
        let open = ListRule {
            min_items: None,
            max_items: None,
        };
        assert_eq!(open.check(0), Ok(()));
        assert_eq!(open.check(usize::MAX), Ok(()));
    }
}
