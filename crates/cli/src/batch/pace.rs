//! The client-side rate limit (`--rate N/min`): submissions are spaced at
//! least a minute / N apart, and no minute holds more than N, so an account
//! limited to N per minute never sees a 429 from this batch.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

const WINDOW: Duration = Duration::from_secs(60);

/// A rate given as `N/min`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub per_minute: u32,
}

/// Parses `N/min` (also `N/m`, or a bare `N`).
pub fn parse_rate(text: &str) -> Result<Rate, String> {
    let number = text
        .strip_suffix("/min")
        .or_else(|| text.strip_suffix("/m"))
        .unwrap_or(text)
        .trim();
    match number.parse::<u32>() {
        Ok(per_minute) if per_minute > 0 => Ok(Rate { per_minute }),
        _ => Err(format!(
            "`{text}` is not a rate: give submissions per minute as N/min, N at least 1 (e.g. 2/min)"
        )),
    }
}

/// The times submissions may start.
#[derive(Debug)]
pub struct Pacer {
    rate: Option<Rate>,
    starts: Mutex<VecDeque<Instant>>,
}

impl Pacer {
    pub fn new(rate: Option<Rate>) -> Self {
        Pacer {
            rate,
            starts: Mutex::new(VecDeque::new()),
        }
    }

    /// Waits for this submission's turn and books it. Turns are handed out
    /// in order of asking (tokio's mutex is fair).
    pub async fn turn(&self) {
        let Some(rate) = self.rate else { return };
        let mut starts = self.starts.lock().await;
        let now = Instant::now();
        let at = next_start(&starts, rate, now);
        if at > now {
            tokio::time::sleep_until(at).await;
        }
        starts.push_back(at);
        while starts.len() > rate.per_minute as usize {
            starts.pop_front();
        }
    }
}

/// When the next submission may start, given the last ones (at most
/// `per_minute` of them, oldest first).
fn next_start(starts: &VecDeque<Instant>, rate: Rate, now: Instant) -> Instant {
    let spacing = WINDOW / rate.per_minute;
    let mut at = now;
    if let Some(last) = starts.back() {
        at = at.max(*last + spacing);
    }
    if starts.len() >= rate.per_minute as usize
        && let Some(oldest) = starts.front()
    {
        at = at.max(*oldest + WINDOW);
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rates() {
        assert_eq!(parse_rate("2/min"), Ok(Rate { per_minute: 2 }));
        assert_eq!(parse_rate("30"), Ok(Rate { per_minute: 30 }));
        assert!(parse_rate("0/min").is_err());
        assert!(parse_rate("fast").is_err());
        assert!(parse_rate("2/s").is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn two_a_minute_are_thirty_seconds_apart_and_never_three_in_a_minute() {
        let pacer = Pacer::new(Some(Rate { per_minute: 2 }));
        let started = Instant::now();
        let mut offsets = Vec::new();
        for _ in 0..5 {
            pacer.turn().await;
            offsets.push(started.elapsed().as_secs());
        }
        assert_eq!(offsets, [0, 30, 60, 90, 120]);
    }

    #[tokio::test(start_paused = true)]
    async fn no_rate_means_no_wait() {
        let pacer = Pacer::new(None);
        let started = Instant::now();
        for _ in 0..100 {
            pacer.turn().await;
        }
        assert_eq!(started.elapsed(), Duration::ZERO);
    }
}
