//! Timestamps as the providers write them.

use std::time::{SystemTime, UNIX_EPOCH};

/// `2025-01-15T12:00:00.000Z`: RFC 3339 in UTC with milliseconds, as the
/// documented examples write `createdAt`.
pub(crate) fn rfc3339(at: SystemTime) -> String {
    imagegen_core::rfc3339::format(at)
}

/// Seconds since the Unix epoch, as OpenAI's `created` is.
pub(crate) fn unix_seconds(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn formats_like_the_documentation() {
        let at = UNIX_EPOCH + Duration::from_millis(1_736_942_400_000);
        assert_eq!(rfc3339(at), "2025-01-15T12:00:00.000Z");
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let leap = UNIX_EPOCH + Duration::from_millis(951_782_400_123);
        assert_eq!(rfc3339(leap), "2000-02-29T00:00:00.123Z");
        assert_eq!(unix_seconds(at), 1_736_942_400);
    }
}
