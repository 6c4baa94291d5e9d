//! The deletion engine: pacing, retries, outcomes, events, journal and results (DESIGN.md §5).

mod action;
mod actor;
mod control;
mod engine;
mod events;
mod journal;
mod outcome;
mod pace;
mod plan;
mod preflight;
mod results;
mod retry;
mod run_summary;
mod runs;
mod verify;
mod worker;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_accounts;
#[cfg(test)]
mod tests_actions;
#[cfg(test)]
mod tests_engine;
#[cfg(test)]
mod tests_pause;
#[cfg(test)]
mod tests_retry;
#[cfg(test)]
mod tests_robust;

pub use action::{Action, DELETION_GRACE_DAYS};
pub use actor::Actor;
pub use control::{ControlState, RunControl};
pub use engine::{execute, execute_verified, RunOptions, RunReport};
pub use events::{no_events, Event, EventSink, RunStatus};
pub use journal::{
    read_plan, read_state, JournalState, Record, JOURNAL_FILE, PLAN_FILE, RESULTS_FILE,
};
pub use outcome::{Counters, Outcome, RowOutcome};
pub use pace::{
    PaceSettings, DEFAULT_IN_FLIGHT, DEFAULT_ORG_RATE, DEFAULT_RATE, MAX_IN_FLIGHT, MAX_RATE,
    MIN_RATE,
};
pub use plan::{Guard, OrgFacts, OrgTarget, Plan, PlanRow};
pub use preflight::{
    preflight, Lookup, PreflightOptions, PreflightProgress, PreflightReport, PreflightRow,
    Presence, LOOKUP_PACE,
};
pub use results::{count, final_outcomes, neutralise, write_results, RESULTS_HEADER, UTF8_BOM};
pub use retry::{backoff_delay, decide, RetrySettings, RowAttempts, Step};
pub use run_summary::SUMMARY_FILE;
pub use runs::{grace_ends, list_runs, runs_kept, size_words, Run, RunSummaryInfo, RunsKept};
pub use verify::{verify, Verification, Verified};

use std::path::PathBuf;

/// What can stop a run from starting or going on, in words for an admin.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The journal could not be written or read: the run stops rather than act unrecorded.
    #[error("Could not write the run's journal at {path}: {source}. Nothing more was sent; free some disk space or choose another folder, then resume the run.")]
    Journal {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The journal has an unreadable line with more after it: not a crash, so no safe guess.
    #[error("The run's journal at {path} is damaged at line {line}, so Offboard cannot tell which users this run already removed. Nothing was sent and nothing was changed. Keep the run's folder as it is and contact support, or start a new run from a fresh export of the site's users.")]
    JournalDamaged {
        /// The file.
        path: PathBuf,
        /// The first unreadable line (1-based).
        line: usize,
    },
    /// Another Offboard process holds this run.
    #[error("This run ({0}) is already running in another Offboard window or terminal.")]
    RunBusy(PathBuf),
    /// The folder is not a run.
    #[error("{0} is not an Offboard run folder (it has no plan.json). Give a run id from `offboard runs` or the run's folder.")]
    NotARun(PathBuf),
    /// plan.json is damaged.
    #[error("The run's plan at {path} is damaged ({detail}); this run cannot be resumed.")]
    BadPlan {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        detail: String,
    },
    /// The results file could not be written.
    #[error("Could not write the results file {path}: {detail}")]
    Results {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },
    /// The pace settings are out of range.
    #[error("{0}")]
    Pace(String),
}
