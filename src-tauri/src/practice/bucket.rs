//! The token bucket behind the practice site's DELETE rate limit.
//!
//! Time is passed in, so the refill arithmetic is tested without sleeping; the site passes
//! `tokio::time::Instant::now()`, which follows tokio's paused clock in callers' tests.

use std::time::Duration;
use tokio::time::Instant;

/// A bucket of `capacity` requests refilled continuously at `rate` per second.
#[derive(Debug, Clone)]
pub(crate) struct TokenBucket {
    rate: f64,
    capacity: u32,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    /// A full bucket.
    pub(crate) fn new(rate: f64, capacity: u32, now: Instant) -> Self {
        TokenBucket {
            rate,
            capacity,
            tokens: f64::from(capacity),
            last: now,
        }
    }

    /// The bucket size, reported as `X-RateLimit-Limit`.
    pub(crate) fn capacity(&self) -> u32 {
        self.capacity
    }

    /// Takes one token; `Some(left)` when allowed, `None` when the bucket is empty.
    pub(crate) fn try_take(&mut self, now: Instant) -> Option<f64> {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(f64::from(self.capacity));
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Some(self.tokens)
        } else {
            None
        }
    }

    /// How long after the last take until one token is back (zero when one is there).
    pub(crate) fn until_one(&self) -> Duration {
        Duration::from_secs_f64(((1.0 - self.tokens) / self.rate).max(0.0))
    }

    /// How long after the last take until the bucket is full again.
    pub(crate) fn until_full(&self) -> Duration {
        Duration::from_secs_f64(((f64::from(self.capacity) - self.tokens) / self.rate).max(0.0))
    }

    /// True when under 20% of the bucket is left (Atlassian's `X-RateLimit-NearLimit`).
    pub(crate) fn near_limit(&self, left: f64) -> bool {
        left < 0.2 * f64::from(self.capacity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refill_at_the_rate() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(2.0, 3, t0);
        assert_eq!(b.try_take(t0), Some(2.0));
        assert_eq!(b.try_take(t0), Some(1.0));
        assert_eq!(b.try_take(t0), Some(0.0));
        assert_eq!(b.try_take(t0), None);
        // Half a second at 2/s gives exactly one token back.
        let t1 = t0 + Duration::from_millis(500);
        assert_eq!(b.try_take(t1), Some(0.0));
        assert_eq!(b.try_take(t1), None);
        // A long pause refills only up to the capacity.
        let t2 = t1 + Duration::from_secs(60);
        assert_eq!(b.try_take(t2), Some(2.0));
        assert_eq!(b.capacity(), 3);
    }

    #[test]
    fn refused_requests_do_not_drain_the_bucket() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(1.0, 1, t0);
        assert!(b.try_take(t0).is_some());
        for ms in [100, 200, 300, 400] {
            assert!(b.try_take(t0 + Duration::from_millis(ms)).is_none());
        }
        assert!(b.try_take(t0 + Duration::from_millis(1001)).is_some());
    }

    #[test]
    fn waits_until_one_and_until_full() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(2.0, 4, t0);
        assert_eq!(b.until_one(), Duration::ZERO);
        for _ in 0..4 {
            assert!(b.try_take(t0).is_some());
        }
        assert_eq!(b.until_one(), Duration::from_millis(500));
        assert_eq!(b.until_full(), Duration::from_secs(2));
        assert!(b.try_take(t0 + Duration::from_millis(250)).is_none());
        assert_eq!(b.until_one(), Duration::from_millis(250));
    }

    #[test]
    fn near_limit_under_a_fifth() {
        let b = TokenBucket::new(10.0, 10, Instant::now());
        assert!(!b.near_limit(2.0));
        assert!(b.near_limit(1.9));
        assert!(b.near_limit(0.0));
    }
}
