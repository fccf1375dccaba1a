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

/// The texts of a list parameter's items, from its text: a JSON array of
/// strings (`["https://a/1.png", "b.png"]`), or, for text not starting
/// with `[`, that one item.
pub fn list_items(text: &str) -> Result<Vec<String>, Violation> {
    if !text.trim_start().starts_with('[') {
        return Ok(vec![text.to_owned()]);
    }
    serde_json::from_str(text).map_err(|_| Violation::Malformed)
}

/// A list's text: the JSON array of its items' texts.
pub fn list_text<T: core::fmt::Display>(items: impl Iterator<Item = T>) -> String {
    let texts: Vec<String> = items.map(|item| item.to_string()).collect();
    serde_json::to_string(&texts).unwrap_or_default()
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

    #[test]
    fn a_lists_text_is_a_json_array_or_one_item() {
        assert_eq!(
            list_items(r#"["https://a/1.png", "b.png"]"#),
            Ok(vec!["https://a/1.png".to_owned(), "b.png".to_owned()])
        );
        assert_eq!(
            list_items("https://a/1.png"),
            Ok(vec!["https://a/1.png".to_owned()])
        );
        assert_eq!(list_items("[1, 2]"), Err(Violation::Malformed));
        assert_eq!(list_items("[\"a\""), Err(Violation::Malformed));
        assert_eq!(list_text(["a", "b\""].iter()), r#"["a","b\""]"#);
    }
}
