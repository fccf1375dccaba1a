//! When a failed request is tried again, and after how long.
//!
//! Status checks and downloads are idempotent GETs: they are retried on 408,
//! 429, 5xx and broken connections, for as long as the operation's deadline
//! allows, so a wait outlasts any outage shorter than its deadline. A
//! submission is paid for, so it is retried only when the failure proves the
//! server never took it: the connection was never made, or it answered 429.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// How often and how patiently failed requests are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts per request, the first included (1 disables retries). By
    /// default unlimited: the operation's deadline is what ends retrying.
    pub max_attempts: u32,
    /// Backoff bound before the first retry; doubles per retry.
    pub initial_backoff: Duration,
    /// Upper bound of the backoff.
    pub max_backoff: Duration,
    /// The longest server-requested pause (`Retry-After`) that is honoured as
    /// given; longer ones are shortened to this.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: u32::MAX,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Sets the number of attempts (at least 1).
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the first backoff bound.
    #[must_use]
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Sets the backoff cap.
    #[must_use]
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Sets the cap on server-requested pauses.
    #[must_use]
    pub fn max_retry_after(mut self, pause: Duration) -> Self {
        self.max_retry_after = pause;
        self
    }

    /// The pause before retry number `retry` (1 for the first): the server's
    /// `Retry-After` when it gave one (capped), else "full jitter" — uniform
    /// in `[0, min(cap, initial · 2^(retry-1))]` — so clients that failed
    /// together do not retry together.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>, random: f64) -> Duration {
        if let Some(pause) = retry_after {
            return pause.min(self.max_retry_after);
        }
        let exponent = retry.saturating_sub(1).min(30);
        let bound = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        bound.mul_f64(unit(random))
    }
}

/// A random number forced into `[0, 1]` (NaN counts as 0), so a bad random
/// source cannot make a duration computation panic.
pub(crate) fn unit(random: f64) -> f64 {
    if random.is_nan() {
        0.0
    } else {
        random.clamp(0.0, 1.0)
    }
}

/// `instant + duration`, saturating far in the future instead of panicking
/// (an "unlimited" timeout is `Duration::MAX`).
pub(crate) fn later(instant: std::time::Instant, duration: Duration) -> std::time::Instant {
    const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
    instant
        .checked_add(duration)
        .or_else(|| instant.checked_add(CENTURY))
        .unwrap_or(instant)
}

/// Whether a response status is worth retrying on an idempotent request.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
}

/// The pause a response asks for: `retry-after-ms` (milliseconds, as OpenAI
/// and compatible servers send it) or `Retry-After` (seconds or an HTTP date).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| headers.get(name)?.to_str().ok().map(str::trim);
    if let Some(ms) = text("retry-after-ms").and_then(|value| value.parse::<f64>().ok())
        && ms >= 0.0
    {
        // Absurd values (1e300, inf) saturate instead of panicking; callers cap them.
        return Some(Duration::try_from_secs_f64(ms / 1000.0).unwrap_or(Duration::MAX));
    }
    let value = text("retry-after")?;
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn reads_every_retry_after_form() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert_eq!(
            retry_after(&headers(&[("retry-after", "3")]), now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "1500")]), now),
            Some(Duration::from_millis(1500))
        );
        // retry-after-ms is the more precise of the two when both are sent.
        assert_eq!(
            retry_after(
                &headers(&[("retry-after", "3"), ("retry-after-ms", "250")]),
                now
            ),
            Some(Duration::from_millis(250))
        );
        let in_ten = httpdate::fmt_http_date(now + Duration::from_secs(10));
        assert_eq!(
            retry_after(&headers(&[("retry-after", &in_ten)]), now),
            Some(Duration::from_secs(10))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(10));
        assert_eq!(
            retry_after(&headers(&[("retry-after", &past)]), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")]), now), None);
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "1e300")]), now),
            Some(Duration::MAX)
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "18446744073709551615")]), now),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "NaN")]), now),
            None
        );
        assert_eq!(retry_after(&headers(&[]), now), None);
    }

    #[test]
    fn backoff_is_full_jitter_capped_and_retry_after_wins_up_to_its_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay(1, None, 0.999_999),
            Duration::from_millis(500).mul_f64(0.999_999)
        );
        assert_eq!(policy.delay(3, None, 0.5), Duration::from_millis(1000));
        assert_eq!(policy.delay(3, None, 0.0), Duration::ZERO);
        assert_eq!(policy.delay(20, None, 1.0), Duration::from_secs(10));
        assert_eq!(policy.delay(u32::MAX, None, 1.0), Duration::from_secs(10));
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(2)), 0.0),
            Duration::from_secs(2)
        );
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(3600)), 0.0),
            Duration::from_secs(60)
        );
    }

    #[test]
    fn retryable_statuses() {
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(
                is_retryable_status(StatusCode::from_u16(status).unwrap()),
                "{status}"
            );
        }
        for status in [200, 400, 401, 403, 404, 422] {
            assert!(
                !is_retryable_status(StatusCode::from_u16(status).unwrap()),
                "{status}"
            );
        }
    }
}
