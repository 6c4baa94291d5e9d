//! The site's fault knobs on the organization's writes (directory writes and lifecycle
//! actions alike), drawn as `delete.rs` draws them for the site's DELETE: a 503 (with or
//! without `Retry-After`), a 500 or a dropped connection before anything changes; half of the
//! 500s and drops after the change is applied and saved (the lost reply whose write still
//! worked); or a slow reply.

use crate::practice::delete::{pick, Fault};
use crate::practice::reply::{Outcome, Reply};
use crate::practice::state::{Live, SiteState};
use rand::Rng;

/// Runs `apply` (which decides, saves and applies the write, and returns its reply) under one
/// seeded fault draw; `internal` is the API's 500 reply.
pub(crate) fn with_faults(
    state: &SiteState,
    live: &mut Live,
    internal: Reply,
    apply: impl FnOnce(&mut Live) -> Reply,
) -> Outcome {
    let draw: f64 = live.rng.random();
    let fault = pick(draw, &live.faults);
    // Only 500s and drops can come after the change; the second draw keeps that seeded too.
    let after =
        matches!(fault, Some(Fault::Internal | Fault::Dropped)) && live.rng.random_bool(0.5);
    match fault {
        Some(Fault::Unavailable) => {
            let r = Reply::gateway_page(503, "Service Unavailable")
                .with_header("retry-after", state.config.retry_after_secs.to_string());
            return Outcome::Reply(r);
        }
        Some(Fault::UnavailableBare) => {
            return Outcome::Reply(Reply::gateway_page(503, "Service Unavailable"))
        }
        Some(Fault::Internal) if !after => return Outcome::Reply(internal),
        Some(Fault::Dropped) if !after => return Outcome::Drop,
        _ => {}
    }
    let reply = apply(live);
    match fault {
        Some(Fault::Internal) => Outcome::Reply(internal),
        Some(Fault::Dropped) => Outcome::Drop,
        Some(Fault::Slow) => Outcome::Slow(reply, live.faults.slow_delay),
        _ => Outcome::Reply(reply),
    }
}
