//! Waiting out rate limits on the reads a step cannot do without (look-ups, the site-admins
//! group, read-backs, organization search pages): one loop for the site's errors, the
//! organization API's errors and the engine's verdicts, whether a wait sleeps or slows a pacer.

use super::org::{signals, OrgError};
use super::{AtlassianError, RateLimitInfo, Verdict};
use std::future::Future;
use std::time::Duration;

/// A failed reply that may be a rate limit.
pub trait MayBeRateLimited {
    /// What the reply said about waiting, when it is a rate-limit refusal.
    fn rate_limit(&self) -> Option<&RateLimitInfo>;

    /// The wait a refusal asks for, if it names one.
    fn asked_wait(info: &RateLimitInfo) -> Option<Duration> {
        info.wait_hint()
    }
}

impl MayBeRateLimited for AtlassianError {
    fn rate_limit(&self) -> Option<&RateLimitInfo> {
        match self {
            AtlassianError::RateLimited { info, .. } => Some(info),
            _ => None,
        }
    }
}

impl MayBeRateLimited for OrgError {
    fn rate_limit(&self) -> Option<&RateLimitInfo> {
        match self {
            OrgError::RateLimited { info } => Some(info),
            _ => None,
        }
    }

    /// The organization API's headers as its named assumption reads them.
    fn asked_wait(info: &RateLimitInfo) -> Option<Duration> {
        signals::rate_limit_wait(info)
    }
}

impl MayBeRateLimited for Verdict {
    fn rate_limit(&self) -> Option<&RateLimitInfo> {
        match self {
            Verdict::RateLimited { info, .. } => Some(info),
            _ => None,
        }
    }
}

/// The wait before the next try after rate limit number `waits` (1-based): what the reply
/// asked, else a doubling backoff from 4 s, capped at 32 s.
pub fn wait_before_retry(asked: Option<Duration>, waits: u32) -> Duration {
    asked.unwrap_or(Duration::from_secs(2 << waits.clamp(1, 4)))
}

/// Calls `call` until it is not refused for a rate limit, at most `max_waits` times; each
/// wait (see [`wait_before_retry`]) goes to `wait` with the refusal, which sleeps it or slows a
/// shared pacer. After the last allowed wait, the refusal itself is returned.
pub async fn waiting_out<T, E, F, Fut, W, WFut>(
    max_waits: u32,
    mut call: F,
    mut wait: W,
) -> Result<T, E>
where
    E: MayBeRateLimited,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    W: FnMut(Duration, &E) -> WFut,
    WFut: Future<Output = ()>,
{
    let mut waits = 0;
    loop {
        let reply = call().await;
        let refusal = match &reply {
            Err(e) if waits < max_waits => e.rate_limit().map(|info| (e, info)),
            _ => None,
        };
        match refusal {
            Some((e, info)) => {
                waits += 1;
                wait(wait_before_retry(E::asked_wait(info), waits), e).await;
            }
            None => return reply,
        }
    }
}

/// [`waiting_out`] sleeping each wait: for a read that waits alone.
pub async fn waiting_out_rate_limits<T, E, F, Fut>(max_waits: u32, call: F) -> Result<T, E>
where
    E: MayBeRateLimited,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    waiting_out(max_waits, call, |d, _| tokio::time::sleep(d)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use tokio::time::Instant;

    fn limited(retry_after: Option<u64>) -> AtlassianError {
        let info = RateLimitInfo {
            retry_after: retry_after.map(Duration::from_secs),
            ..RateLimitInfo::default()
        };
        AtlassianError::RateLimited { status: 429, info }
    }

    #[tokio::test(start_paused = true)]
    async fn the_reply_s_wait_is_slept_then_the_answer_returned() {
        let tries = RefCell::new(0);
        let start = Instant::now();
        let got = waiting_out_rate_limits(5, || async {
            *tries.borrow_mut() += 1;
            match *tries.borrow() {
                1 => Err(limited(Some(7))),
                _ => Ok("answer"),
            }
        })
        .await;
        assert_eq!(got.unwrap(), "answer");
        assert_eq!(*tries.borrow(), 2);
        assert_eq!(start.elapsed(), Duration::from_secs(7));
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_hint_the_waits_double_from_4_s_to_32_s_then_the_refusal_is_returned() {
        let waited = RefCell::new(Vec::new());
        let tries = RefCell::new(0);
        let got: Result<(), _> = waiting_out(
            6,
            || async {
                *tries.borrow_mut() += 1;
                Err(limited(None))
            },
            |d, e: &AtlassianError| {
                assert!(e.rate_limit().is_some());
                waited.borrow_mut().push(d.as_secs());
                async {}
            },
        )
        .await;
        assert!(matches!(got, Err(AtlassianError::RateLimited { .. })));
        assert_eq!(
            *tries.borrow(),
            7,
            "one try, then one after each of 6 waits"
        );
        assert_eq!(*waited.borrow(), [4, 8, 16, 32, 32, 32]);
    }

    #[tokio::test(start_paused = true)]
    async fn any_other_failure_is_returned_at_once() {
        let tries = RefCell::new(0);
        let got: Result<(), _> = waiting_out_rate_limits(5, || async {
            *tries.borrow_mut() += 1;
            Err(OrgError::OrgNotFound)
        })
        .await;
        assert!(matches!(got, Err(OrgError::OrgNotFound)));
        assert_eq!(*tries.borrow(), 1);
    }

    #[test]
    fn each_reply_type_names_its_rate_limit_only() {
        let info = RateLimitInfo::default();
        assert!(Verdict::RateLimited {
            status: 503,
            info: info.clone()
        }
        .rate_limit()
        .is_some());
        assert!(OrgError::RateLimited { info }.rate_limit().is_some());
        assert!(AtlassianError::Forbidden.rate_limit().is_none());
        assert!(Verdict::Done { status: 204 }.rate_limit().is_none());
    }
}
