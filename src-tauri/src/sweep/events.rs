//! The typed event stream a run emits: the CLI draws a progress bar from it, the window a table.

use super::outcome::{Counters, Outcome};
use serde::Serialize;
use std::sync::Arc;

/// Why a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Every row was decided.
    Completed,
    /// The user stopped it.
    Stopped,
    /// The site rejected the credentials (401) or their rights (403): stopped at once.
    CredentialsRejected,
}

/// What a run reports while it goes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The run began (or resumed).
    Started {
        /// The run's id.
        run_id: String,
        /// Rows in the plan.
        total: u64,
        /// Rows already decided by an earlier session of this run.
        already_decided: u64,
    },
    /// One row was decided.
    Row {
        /// Index in the plan.
        row: usize,
        /// The account id.
        account_id: String,
        /// The outcome.
        outcome: Outcome,
        /// Last HTTP status.
        http_status: Option<u16>,
        /// Message in words.
        message: String,
    },
    /// A row will be tried again after a delay.
    Retrying {
        /// Index in the plan.
        row: usize,
        /// Attempt number that failed (1-based).
        attempt: u32,
        /// Delay before the next try, in milliseconds.
        delay_ms: u64,
        /// What went wrong.
        reason: String,
    },
    /// Atlassian asked us to slow down: every worker waits this long.
    Throttled {
        /// The wait, in milliseconds.
        wait_ms: u64,
        /// `RateLimit-Reason`, when given.
        reason: Option<String>,
        /// 429 or 503.
        status: u16,
    },
    /// The pace changed.
    Pace {
        /// Requests per second now allowed.
        rate_per_sec: f64,
    },
    /// Counters and estimate, after each decided row.
    Progress {
        /// Outcomes so far (including earlier sessions of this run).
        counters: Counters,
        /// Rows decided.
        done: u64,
        /// Rows in the plan.
        total: u64,
        /// Estimated seconds left, once there is something to estimate from.
        eta_secs: Option<f64>,
    },
    /// The run is paused (true) or running again (false).
    Paused {
        /// Paused now?
        paused: bool,
    },
    /// The run ended.
    Finished {
        /// Why it ended.
        status: RunStatus,
        /// Final counts, every row counted once.
        counters: Counters,
        /// Message in words for the admin (e.g. why it stopped).
        message: String,
    },
    /// After `Finished`: the rows reported removed or already gone, looked up again.
    Verified {
        /// Not on the site any more.
        gone: u64,
        /// Account ids still on the site although reported gone.
        still_present: Vec<String>,
        /// Rows the lookup could not check.
        not_checked: u64,
        /// One sentence for the admin.
        message: String,
    },
}

/// Where events go: a closure, so the CLI, the window's channel and tests can each listen.
pub type EventSink = Arc<dyn Fn(Event) + Send + Sync>;

/// A sink that drops every event.
pub fn no_events() -> EventSink {
    Arc::new(|_| {})
}
