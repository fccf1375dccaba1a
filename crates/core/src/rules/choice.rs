//! Suggestions for near misses of enumerated values.

/// The allowed value `input` most likely meant, if one stands out.
///
/// First by spelling-insensitive equality (case, and `x`/`X`/`*`/`×` between
/// sizes: `1024x1024` for a provider that spells it `1024*1024`), then by a
/// small edit distance (`hihg` for `high`).
pub fn suggest(input: &str, allowed: &[&'static str]) -> Option<&'static str> {
    // Far longer than every allowed value, it is no near miss; and comparing a
    // megabyte of input would cost time and memory for nothing.
    let longest = allowed.iter().map(|v| v.chars().count()).max().unwrap_or(0);
    if input.len() > 4 * longest + 8 {
        return None;
    }
    let normalized = normalize(input);
    if let Some(found) = allowed.iter().find(|value| normalize(value) == normalized) {
        return Some(found);
    }
    let budget = (input.chars().count() / 4).max(1);
    let mut best: Option<(usize, &'static str)> = None;
    let mut tie = false;
    for &value in allowed {
        let distance = edit_distance(&normalized, &normalize(value));
        if distance > budget {
            continue;
        }
        match best {
            Some((best_distance, _)) if distance > best_distance => {}
            Some((best_distance, _)) if distance == best_distance => tie = true,
            _ => {
                best = Some((distance, value));
                tie = false;
            }
        }
    }
    // Two equally close candidates: guessing would mislead.
    if tie {
        None
    } else {
        best.map(|(_, value)| value)
    }
}

fn normalize(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c {
            '*' | '×' | 'X' => 'x',
            c => c.to_ascii_lowercase(),
        })
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Edit distance over characters where an insertion, deletion, substitution or
/// swap of two neighbours costs 1 (optimal string alignment): `hihg` is one
/// edit from `high`. Keeps three rows, not the whole table.
fn edit_distance(left: &str, right: &str) -> usize {
    let left: Vec<char> = left.chars().collect();
    let right: Vec<char> = right.chars().collect();
    let mut before: Vec<usize> = vec![0; right.len() + 1];
    let mut previous: Vec<usize> = (0..=right.len()).collect();
    let mut current: Vec<usize> = vec![0; right.len() + 1];
    for i in 1..=left.len() {
        current[0] = i;
        for j in 1..=right.len() {
            let cost = usize::from(left[i - 1] != right[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && left[i - 1] == right[j - 2] && left[i - 2] == right[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[right.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAR_SIZES: &[&str] = &["1024*1024", "1024*1536", "1536*1024"];

    #[test]
    fn size_separator_and_case_near_misses() {
        assert_eq!(suggest("1024x1024", STAR_SIZES), Some("1024*1024"));
        assert_eq!(suggest("1536X1024", STAR_SIZES), Some("1536*1024"));
        assert_eq!(
            suggest("1024x1024", &["1024x1024", "auto"]),
            Some("1024x1024")
        );
        assert_eq!(suggest("AUTO", &["auto", "1024*1024"]), Some("auto"));
    }

    #[test]
    fn typos_within_budget_and_no_guess_when_ambiguous() {
        assert_eq!(suggest("hihg", &["low", "medium", "high"]), Some("high"));
        assert_eq!(suggest("ultra", &["low", "medium", "high"]), None);
        assert_eq!(suggest("2048x2048", STAR_SIZES), None);
        // Two edits from 1024*1024 and more from the others; the budget for nine
        // characters is two.
        assert_eq!(suggest("1024*1000", STAR_SIZES), Some("1024*1024"));
        assert_eq!(suggest("ab", &["aa", "bb"]), None, "tie");
    }

    #[test]
    fn huge_inputs_get_no_suggestion_without_comparing() {
        let huge = "x".repeat(10_000_000);
        assert_eq!(suggest(&huge, STAR_SIZES), None);
        assert_eq!(suggest(" 1024x1024 ", STAR_SIZES), Some("1024*1024"));
    }

    #[test]
    fn edit_distance_basics() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
        assert_eq!(edit_distance("hihg", "high"), 1);
        assert_eq!(edit_distance("abcd", "badc"), 2);
        assert_eq!(edit_distance("ca", "abc"), 3);
    }
}
