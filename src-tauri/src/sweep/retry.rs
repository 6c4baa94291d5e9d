//! What to do after each reply: decide the row, try again (and when), or stop the run.
//! Kept apart from the worker loop so every rule is unit-tested without HTTP or clocks.

use super::action::Action;
use super::outcome::Outcome;
use crate::atlassian::Verdict;
use std::time::Duration;

/// How hard to try before giving a row up.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RetrySettings {
    /// Tries per row against faults (5xx, timeouts, broken connections).
    pub max_fault_attempts: u32,
    /// Waits per row that rate limits may ask for before the row is given up.
    pub max_rate_limit_waits: u32,
    /// First backoff delay (Atlassian advises about 2 s).
    pub backoff_base: Duration,
    /// Longest backoff delay (Atlassian advises about 30 s).
    pub backoff_cap: Duration,
}

impl Default for RetrySettings {
    fn default() -> Self {
        RetrySettings {
            max_fault_attempts: 5,
            max_rate_limit_waits: 30,
            backoff_base: Duration::from_secs(2),
            backoff_cap: Duration::from_secs(30),
        }
    }
}

/// The backoff before retry number `n` (1-based): base doubled each time, capped, times a
/// jitter factor (Atlassian advises 0.7–1.3) so workers do not retry in lockstep.
pub fn backoff_delay(settings: &RetrySettings, n: u32, jitter: f64) -> Duration {
    let doublings = n.saturating_sub(1).min(16);
    let raw = settings
        .backoff_base
        .saturating_mul(1u32 << doublings)
        .min(settings.backoff_cap);
    raw.mul_f64(jitter.clamp(0.7, 1.3))
}

/// What one row has been through so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowAttempts {
    /// Requests sent for this row in this session.
    pub sent: u32,
    /// Faults met (5xx, timeouts, broken connections).
    pub faults: u32,
    /// Rate-limit waits met.
    pub rate_limits: u32,
    /// An earlier request may have removed the user although no clear reply came back. Once
    /// set it stays: a definite answer to a later try says nothing about an earlier one.
    pub maybe_applied: bool,
}

/// The next step for a row after a reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// The row is decided.
    Decide {
        /// The outcome.
        outcome: Outcome,
        /// The status that decided it.
        http_status: Option<u16>,
        /// Words for the admin.
        message: String,
    },
    /// Try again after `delay`.
    Retry {
        /// How long this row waits.
        delay: Duration,
        /// Set when the site asked everyone to wait: (wait, reason, status).
        throttle: Option<(Duration, Option<String>, u16)>,
        /// What went wrong, in words.
        reason: String,
    },
    /// The credentials were rejected: stop the whole run now.
    StopRun {
        /// 401 or 403.
        http_status: u16,
        /// Words for the admin.
        message: String,
    },
}

/// Decides what a reply to `action`'s request means for its row. `jitter` is a factor in 0.7–1.3.
pub fn decide(
    action: Action,
    verdict: &Verdict,
    row: &mut RowAttempts,
    settings: &RetrySettings,
    jitter: f64,
) -> Step {
    let status = verdict.http_status();
    let decide = |outcome, message: String| Step::Decide {
        outcome,
        http_status: status,
        message,
    };
    // Doubt accumulates over tries and is never cleared here (see `maybe_applied`).
    if verdict.may_have_applied() {
        row.maybe_applied = true;
    }
    match verdict {
        // The near-limit hint is the pacer's business; the reply inside decides the row.
        Verdict::NearLimit(answer) => self::decide(action, answer, row, settings, jitter),
        Verdict::Done { .. } => decide(Outcome::Removed, String::new()),
        Verdict::NotFound { .. } if row.maybe_applied && action.not_found_is_done() => decide(
            Outcome::Removed,
            format!(
                "removed: an earlier try's reply was lost, and {} now reports the user gone",
                action.place()
            ),
        ),
        Verdict::NotFound { .. } if action.not_found_is_done() => {
            decide(Outcome::AlreadyGone, verdict.describe())
        }
        // An account action's 404: Atlassian has no such account (its words say so).
        Verdict::NotFound { .. } if action.is_lifecycle() => {
            decide(Outcome::AlreadyGone, verdict.describe())
        }
        // Nobody to suspend or restore: not a member of the directory (any more).
        Verdict::NotFound { .. } => decide(
            Outcome::AlreadyGone,
            format!(
                "not in the directory, so there is nobody to {}",
                action.phrase_verb()
            ),
        ),
        Verdict::CannotRemove { .. } => decide(Outcome::CannotRemove, verdict.describe()),
        Verdict::Unauthorized { .. } | Verdict::Forbidden { .. } => Step::StopRun {
            http_status: status.unwrap_or_default(),
            message: verdict.describe(),
        },
        Verdict::Unexpected { .. } => decide(Outcome::Failed, verdict.describe()),
        Verdict::RateLimited { status, info } => {
            row.rate_limits += 1;
            if row.rate_limits > settings.max_rate_limit_waits {
                let mut message = format!(
                    "still rate limited after {} waits; try this row again later",
                    settings.max_rate_limit_waits
                );
                if row.maybe_applied {
                    message.push_str(&may_have_words(action));
                }
                return decide(Outcome::Failed, message);
            }
            // With no hint from the server, fall back to the backoff (DESIGN.md §4).
            let wait = info
                .wait_hint()
                .unwrap_or_else(|| backoff_delay(settings, row.rate_limits, jitter));
            Step::Retry {
                delay: wait,
                throttle: Some((wait, info.reason.clone(), *status)),
                reason: verdict.describe(),
            }
        }
        Verdict::ServerError { .. } | Verdict::Transport { .. } => {
            row.faults += 1;
            if row.faults >= settings.max_fault_attempts {
                let mut message = format!(
                    "gave up after {} tries; last error: {}",
                    row.faults,
                    verdict.describe()
                );
                if row.maybe_applied {
                    message.push_str(&may_have_words(action));
                }
                return decide(Outcome::Failed, message);
            }
            let delay = backoff_delay(settings, row.faults, jitter);
            Step::Retry {
                delay,
                throttle: None,
                reason: verdict.describe(),
            }
        }
    }
}

fn may_have_words(action: Action) -> String {
    format!(
        " (the user may have been {}; a retry will tell)",
        action.done_word()
    )
}
