//! RFC 3339 (ISO 8601) times, as provider APIs write them
//! (`2025-05-19T06:09:15.948268264Z`): the runtime writes them in history
//! queries and reads `created_at`; the emulator writes its timestamps and
//! reads query filters.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `at` as `YYYY-MM-DDTHH:MM:SS.mmmZ` (times before 1970 as 1970).
pub fn format(at: SystemTime) -> String {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since.as_secs();
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_from_days(i64::try_from(days).unwrap_or(i64::MAX / 2));
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        since.subsec_millis()
    )
}

/// Reads `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (a space for the `T`
/// and a lower-case `t`/`z` too); `None` for anything else.
pub fn parse(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    let bytes = text.as_bytes();
    if bytes.len() < 20 || !text.is_ascii() {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = &text[range];
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if separators.iter().any(|&(at, want)| bytes[at] != want)
        || !matches!(bytes[10], b'T' | b't' | b' ')
    {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    // A leap second is read as the second before it.
    let second = second.min(59);
    let mut rest = &text[19..];
    let mut nanos = 0u32;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        for (index, digit) in fraction[..digits].bytes().take(9).enumerate() {
            nanos += u32::from(digit - b'0') * 10u32.pow(8 - index as u32);
        }
        rest = &fraction[digits..];
    }
    let offset_seconds: i64 = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && matches!(&rest[3..4], ":") => {
            let sign = match &rest[..1] {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let (hours, minutes) = (
                rest[1..3].parse::<i64>().ok()?,
                rest[4..6].parse::<i64>().ok()?,
            );
            sign * (hours * 3600 + minutes * 60)
        }
        _ => return None,
    };
    let days = days_from_civil(i64::from(year), month, day);
    let local = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    let utc = u64::try_from(local - offset_seconds).ok()?;
    UNIX_EPOCH.checked_add(Duration::new(utc, nanos))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day counted from 1970-01-01 (`civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_reads_and_times_write_back() {
        // From WaveSpeed's prediction history example answer.
        let at = parse("2025-05-19T06:09:15.948268264Z").unwrap();
        let since = at.duration_since(UNIX_EPOCH).unwrap();
        assert_eq!(since.as_secs(), 1_747_634_955);
        assert_eq!(since.subsec_nanos(), 948_268_264);
        assert_eq!(format(at), "2025-05-19T06:09:15.948Z");
        assert_eq!(
            parse(&format(at)).unwrap(),
            UNIX_EPOCH + Duration::from_millis(1_747_634_955_948)
        );
        assert_eq!(format(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        // 2000-02-29 (a leap day of a century leap year) round-trips.
        let leap = parse("2000-02-29T23:59:59Z").unwrap();
        assert_eq!(format(leap), "2000-02-29T23:59:59.000Z");
    }

    #[test]
    fn offsets_are_applied_and_nonsense_is_refused() {
        assert_eq!(
            parse("2025-05-19T08:09:15+02:00"),
            parse("2025-05-19T06:09:15Z")
        );
        assert_eq!(
            parse("2025-05-18T23:09:15-07:00"),
            parse("2025-05-19T06:09:15Z")
        );
        for bad in [
            "",
            "2025-05-19",
            "2025-13-19T06:09:15Z",
            "2025-05-19T24:09:15Z",
            "2025-05-19T06:09:15",
            "2025-05-19T06:09:15.Z",
            "2025-05-19T06:09:15+0200",
            "2025-05-19T06:09:15Zjunk",
            "１０２５-05-19T06:09:15Z",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
