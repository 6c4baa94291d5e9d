//! Pacing: a token bucket shared by every worker, a site-wide pause when Atlassian asks for one,
//! and additive-increase / multiplicative-decrease of the rate around it.

use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Requests per second by default: well under Atlassian's documented 50/s for DELETE, which
/// every app and token on the site shares.
pub const DEFAULT_RATE: f64 = 20.0;
/// The highest pace a user may choose: Atlassian's documented steady DELETE rate.
pub const MAX_RATE: f64 = 50.0;
/// Requests per second a new organization-mode plan starts at: the org admin API publishes no
/// limits, so Offboard starts slower there (DESIGN.md §6).
pub const DEFAULT_ORG_RATE: f64 = 5.0;
/// Requests in flight by default.
pub const DEFAULT_IN_FLIGHT: usize = 8;
/// The most requests in flight a user may choose.
pub const MAX_IN_FLIGHT: usize = 32;
/// The pace never drops below this, however many 429s come.
pub const MIN_RATE: f64 = 0.5;
/// How much the pace climbs back per quiet second after a slow-down.
const INCREASE_PER_SEC: f64 = 1.0;
/// The gentle slow-down when the site says its budget is nearly spent (no pause, unlike a 429).
const EASE_FACTOR: f64 = 0.8;
/// At most one gentle slow-down per this long: replies in flight all carry the same hint.
const EASE_EVERY: Duration = Duration::from_secs(1);

/// The pace a run may use.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PaceSettings {
    /// Top pace in requests per second (at most [`MAX_RATE`]).
    pub max_rate: f64,
    /// Most requests in flight at once (at most [`MAX_IN_FLIGHT`]).
    pub max_in_flight: usize,
}

impl Default for PaceSettings {
    fn default() -> Self {
        PaceSettings {
            max_rate: DEFAULT_RATE,
            max_in_flight: DEFAULT_IN_FLIGHT,
        }
    }
}

impl PaceSettings {
    /// Checks the values against the allowed ranges; the error says what is allowed.
    pub fn validated(self) -> Result<Self, String> {
        if !(self.max_rate.is_finite() && self.max_rate >= MIN_RATE && self.max_rate <= MAX_RATE) {
            return Err(format!(
                "The pace must be between {MIN_RATE} and {MAX_RATE} requests per second (Atlassian's documented limit for removing users); got {}.",
                self.max_rate
            ));
        }
        if self.max_in_flight == 0 || self.max_in_flight > MAX_IN_FLIGHT {
            return Err(format!(
                "Requests in flight must be between 1 and {MAX_IN_FLIGHT}; got {}.",
                self.max_in_flight
            ));
        }
        Ok(self)
    }
}

/// A fraction of a token that float rounding may leave missing from a full one.
const TOKEN_EPSILON: f64 = 1e-9;
/// Tokens the bucket holds: a quarter more than one, so a timer that wakes a little late
/// (tokio's tick is a millisecond; a 50/s pace is a request every 20) is made up by the next
/// request and the pace holds on average, yet two requests never leave back to back. With
/// exactly one, each late wake was lost: 46.5/s measured for a pace of 50.
const BUCKET: f64 = 1.25;
/// The shortest wait for a token: tokio's timers tick in milliseconds.
const MIN_WAIT: Duration = Duration::from_millis(1);

#[derive(Debug)]
struct State {
    rate: f64,
    tokens: f64,
    last_refill: Instant,
    paused_until: Instant,
    // No increase before this instant: a slow-down holds for a quiet second after its pause.
    hold_until: Instant,
    // No gentle slow-down before this instant.
    ease_after: Instant,
}

impl State {
    /// Takes a token at `now` (`None`), or says how long until one is due.
    fn take(&mut self, now: Instant) -> Option<Duration> {
        if now < self.paused_until {
            return Some(self.paused_until - now);
        }
        let refill_from = self.last_refill.max(self.paused_until);
        let elapsed = now.saturating_duration_since(refill_from).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(BUCKET);
        self.last_refill = now;
        // Sums of float refills land a hair under 1.0 (0.05 × 20 in steps): count that as a
        // token, or the wait below rounds to nothing and the caller's loop spins.
        if self.tokens >= 1.0 - TOKEN_EPSILON {
            self.tokens = (self.tokens - 1.0).max(0.0);
            return None;
        }
        // Never less than the timer's resolution: a shorter sleep returns at once.
        Some(Duration::from_secs_f64((1.0 - self.tokens) / self.rate).max(MIN_WAIT))
    }
}

/// The shared pacer: call [`Pacer::acquire`] before each request.
#[derive(Debug)]
pub struct Pacer {
    max_rate: f64,
    state: Mutex<State>,
}

impl Pacer {
    /// A pacer starting at `max_rate`, with a bucket of [`BUCKET`] tokens (starting with one) so
    /// requests are spread evenly rather than sent in bursts that would drain the site's
    /// shared bucket.
    pub fn new(max_rate: f64) -> Self {
        let now = Instant::now();
        Pacer {
            max_rate,
            state: Mutex::new(State {
                rate: max_rate,
                tokens: 1.0,
                last_refill: now,
                paused_until: now,
                hold_until: now,
                ease_after: now,
            }),
        }
    }

    /// Waits until a request may be sent: after any site-wide pause and for a token.
    pub async fn acquire(&self) {
        loop {
            let wait = self.lock().take(Instant::now());
            match wait {
                None => return,
                Some(wait) => tokio::time::sleep(wait).await,
            }
        }
    }

    /// The site asked us to wait: every worker pauses for `wait`, and the pace halves once per
    /// slow-down (several 429s from one burst count as one). Returns the new pace if it changed.
    pub fn throttle(&self, wait: Duration) -> Option<f64> {
        let mut s = self.lock();
        let now = Instant::now();
        let new_episode = now >= s.paused_until;
        let until = now + wait;
        if until > s.paused_until {
            s.paused_until = until;
        }
        // One request may go when the pause ends; the bucket refills from there, not from now.
        s.tokens = 1.0;
        s.hold_until = s.paused_until + Duration::from_secs(1);
        if new_episode {
            let old = s.rate;
            s.rate = (s.rate / 2.0).max(MIN_RATE);
            if s.rate != old {
                return Some(s.rate);
            }
        }
        None
    }

    /// A request went through: once a second without slow-downs has passed, the pace climbs back
    /// by one request per second, up to the user's maximum. Returns the new pace if it changed.
    pub fn on_success(&self) -> Option<f64> {
        let mut s = self.lock();
        let now = Instant::now();
        if s.rate >= self.max_rate || now < s.hold_until {
            return None;
        }
        s.rate = (s.rate + INCREASE_PER_SEC).min(self.max_rate);
        // The next step waits another second, so the pace climbs at most one request/s per second.
        s.hold_until = now + Duration::from_secs(1);
        Some(s.rate)
    }

    /// The site said its budget is nearly spent: lower the pace a little (×0.8, at most once a
    /// second, never below [`MIN_RATE`]) without pausing, and hold off climbing back for a
    /// second. Returns the new pace if it changed.
    pub fn ease_off(&self) -> Option<f64> {
        let mut s = self.lock();
        let now = Instant::now();
        if now < s.ease_after {
            return None;
        }
        s.ease_after = now + EASE_EVERY;
        s.hold_until = s.hold_until.max(now + Duration::from_secs(1));
        let old = s.rate;
        s.rate = (s.rate * EASE_FACTOR).max(MIN_RATE);
        (s.rate != old).then_some(s.rate)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding this lock leaves plain numbers behind: safe to keep using.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod token_tests {
    use super::*;

    fn state(tokens: f64, now: Instant) -> State {
        State {
            rate: 20.0,
            tokens,
            last_refill: now,
            paused_until: now,
            hold_until: now,
            ease_after: now,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_token_a_rounding_error_short_of_full_is_taken_and_waits_are_never_zero() {
        let now = Instant::now();
        // What adding 0.05 s × 20/s in steps leaves: a hair under one token. Before, this gave
        // a wait of 0 ns, a sleep that returns at once, and a loop that never ended.
        let mut s = state(1.0 - 1e-15, now);
        assert_eq!(s.take(now), None);
        assert!(s.tokens.abs() < 1e-9);
        let mut s = state(1.0 - 1e-6, now);
        assert_eq!(s.take(now), Some(MIN_WAIT));
        let mut s = state(0.0, now);
        assert_eq!(s.take(now), Some(Duration::from_millis(50)));
        assert_eq!(s.take(now + Duration::from_millis(50)), None);
    }

    #[tokio::test(start_paused = true)]
    async fn timers_that_wake_late_do_not_slow_the_pace_and_never_send_two_at_once() {
        // A caller woken 1.5 ms after each token is due, as tokio's millisecond timer does.
        let late = Duration::from_micros(1500);
        let start = Instant::now();
        let mut s = state(1.0, start);
        s.rate = 50.0;
        let mut now = start;
        let mut sent = vec![];
        while sent.len() < 1000 {
            match s.take(now) {
                None => sent.push(now),
                Some(wait) => now += wait + late,
            }
        }
        let took = (now - start).as_secs_f64();
        // 999 intervals of 20 ms: within 1 % (one token a late wake loses would make it 7 %).
        assert!(
            (took - 19.98).abs() < 0.2,
            "1000 requests took {took} s at 50/s"
        );
        for pair in sent.windows(2) {
            assert!(pair[1] - pair[0] >= Duration::from_millis(10), "{pair:?}");
        }
    }
}
