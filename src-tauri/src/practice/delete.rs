//! `DELETE user?accountId=`: the rate limit, the seeded faults, and the removal rules.
//!
//! Order of checks, once the login is accepted: token bucket (429), fault draw (503, 500 or
//! drop before anything changes), permission (403), then the user (404, 400 for the caller or
//! an app account, else 204). A 500 or drop drawn "after" replaces whatever that reply was.
//! A user in `keep_after_delete` gets the 204 but stays: a removal that did not stick.

use super::config::Faults;
use super::handler::{not_found, Asked};
use super::reply::{Outcome, Reply};
use super::state::{Caller, Live, SiteState};
use rand::Rng;
use std::time::Duration;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The fault one draw picked (the org API's writes draw theirs the same way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    Unavailable,
    UnavailableBare,
    Internal,
    Dropped,
    Slow,
}

/// Picks at most one fault from one uniform draw in 0..1, knobs checked in field order.
pub(crate) fn pick(draw: f64, faults: &Faults) -> Option<Fault> {
    let knobs = [
        (faults.p_503_retry_after, Fault::Unavailable),
        (faults.p_503_bare, Fault::UnavailableBare),
        (faults.p_500, Fault::Internal),
        (faults.p_drop, Fault::Dropped),
        (faults.p_slow, Fault::Slow),
    ];
    let mut threshold = 0.0;
    for (p, fault) in knobs {
        threshold += p.max(0.0);
        if draw < threshold {
            return Some(fault);
        }
    }
    None
}

/// Handles one DELETE from an accepted caller.
pub(crate) fn delete(state: &SiteState, live: &mut Live, caller: Caller, req: &Asked) -> Outcome {
    let now = tokio::time::Instant::now();
    let mut near_limit = false;
    if let Some(bucket) = live.bucket.as_mut() {
        match bucket.try_take(now) {
            Some(left) => near_limit = bucket.near_limit(left),
            None => return Outcome::Reply(too_many(state, bucket.capacity())),
        }
    }
    let draw: f64 = live.rng.random();
    let fault = pick(draw, &live.faults);
    // Only 500s and drops can come after the delete; the second draw keeps that seeded too.
    let after =
        matches!(fault, Some(Fault::Internal | Fault::Dropped)) && live.rng.random_bool(0.5);
    let retry_after = state.config.retry_after_secs.to_string();
    match fault {
        Some(Fault::Unavailable) => {
            let r = Reply::gateway_page(503, "Service Unavailable")
                .with_header("retry-after", retry_after);
            return Outcome::Reply(r);
        }
        Some(Fault::UnavailableBare) => {
            return Outcome::Reply(Reply::gateway_page(503, "Service Unavailable"))
        }
        Some(Fault::Internal) if !after => return Outcome::Reply(internal()),
        Some(Fault::Dropped) if !after => return Outcome::Drop,
        _ => {}
    }
    let mut reply = remove(state, live, caller, req.param("accountId"));
    if near_limit && reply.is_success() {
        reply = reply.with_header("x-ratelimit-nearlimit", "true");
    }
    match fault {
        Some(Fault::Internal) => Outcome::Reply(internal()),
        Some(Fault::Dropped) => Outcome::Drop,
        Some(Fault::Slow) => Outcome::Slow(reply, live.faults.slow_delay),
        _ => Outcome::Reply(reply),
    }
}

/// The removal rules themselves (no pace, no faults).
fn remove(state: &SiteState, live: &mut Live, caller: Caller, id: Option<&str>) -> Reply {
    let demoted = state
        .config
        .demote_after_deletes
        .is_some_and(|n| live.applied_deletes >= n);
    if caller == Caller::Weak || demoted {
        return Reply::errors(
            403,
            "You do not have permission to delete users. Only site administrators can remove users.",
        );
    }
    let Some(id) = id.filter(|id| !id.is_empty()) else {
        return Reply::errors(400, "The accountId query parameter is required.");
    };
    let Some(user) = live.users.get(id) else {
        return not_found(id);
    };
    if user.account_id == state.config.caller_account_id {
        return Reply::errors(400, "You cannot delete yourself.");
    }
    if user.account_type == "app" {
        return Reply::errors(
            400,
            "The user cannot be removed: it is an app account, managed by the app that created it.",
        );
    }
    if state.keep_after_delete.contains(id) {
        // Nothing was applied, so the revoke and demote counts do not move either.
        return Reply::empty(204);
    }
    if let Some(log) = &state.removals {
        // Synced before the 204 (under the lock, which is fine at practice rates): a removal
        // the client hears of is one the next launch still knows. Unsaved, it is not applied.
        if let Err(e) = log.record(id) {
            return Reply::errors(
                500,
                &format!(
                    "The practice site could not save this removal in {}: {e}",
                    log.path().display()
                ),
            );
        }
    }
    live.users.remove(id);
    live.applied_deletes += 1;
    Reply::empty(204)
}

fn internal() -> Reply {
    Reply::errors(500, "Internal server error.")
}

/// 429 with the headers Atlassian documents.
fn too_many(state: &SiteState, limit: u32) -> Reply {
    let wait = state.config.retry_after_secs;
    let reset = (OffsetDateTime::now_utc() + Duration::from_secs(wait))
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default();
    Reply::errors(429, "Rate limit exceeded.")
        .with_header("retry-after", wait.to_string())
        .with_header("x-ratelimit-limit", limit.to_string())
        .with_header("x-ratelimit-remaining", "0")
        .with_header("x-ratelimit-reset", reset)
        .with_header("ratelimit-reason", "jira-burst-based")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_draw_picks_in_field_order() {
        let none = Faults::default();
        assert_eq!(pick(0.0, &none), None);
        let all_500 = Faults {
            p_500: 1.0,
            ..Faults::default()
        };
        assert_eq!(pick(0.0, &all_500), Some(Fault::Internal));
        assert_eq!(pick(0.999_999, &all_500), Some(Fault::Internal));
        let mixed = Faults {
            p_503_retry_after: 0.1,
            p_503_bare: 0.1,
            p_500: 0.1,
            p_drop: 0.1,
            p_slow: 0.1,
            slow_delay: Duration::ZERO,
        };
        assert_eq!(pick(0.05, &mixed), Some(Fault::Unavailable));
        assert_eq!(pick(0.15, &mixed), Some(Fault::UnavailableBare));
        assert_eq!(pick(0.25, &mixed), Some(Fault::Internal));
        assert_eq!(pick(0.35, &mixed), Some(Fault::Dropped));
        assert_eq!(pick(0.45, &mixed), Some(Fault::Slow));
        assert_eq!(pick(0.55, &mixed), None);
    }
}
