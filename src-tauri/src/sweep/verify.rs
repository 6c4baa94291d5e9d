//! Verification after a run: every row reported done (removed or already gone; suspended;
//! restored) is read back in bulk, so the results say whether the action really holds — the
//! "check admin.atlassian.com" step of Atlassian's own advice, done for the admin.

use super::action::Action;
use super::actor::Actor;
use super::outcome::{Outcome, RowOutcome};
use super::pace::Pacer;
use super::preflight::LOOKUP_PACE;
use crate::atlassian::{waiting_out, waiting_out_rate_limits, Verdict};
use crate::roster::canonical_account_id;
use futures_util::StreamExt;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// What the second look found for one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verified {
    /// The action holds: not on the site (directory) any more, suspended, restored.
    Gone,
    /// The action does not hold although the run reported it done.
    StillPresent,
    /// The lookup failed (network, rate limit): nothing is known.
    NotChecked,
}

impl Verified {
    /// The results file's `verified` cell for a run of `action`.
    pub fn as_cell(self, action: Action) -> &'static str {
        match (self, action) {
            (Verified::Gone, _) => "yes",
            (Verified::StillPresent, Action::SiteRemove) => "no: still on the site",
            (Verified::StillPresent, Action::Remove) => "no: still in the directory",
            (Verified::StillPresent, Action::Suspend) => "no: not suspended",
            (Verified::StillPresent, Action::Restore) => "no: not active",
            (Verified::StillPresent, Action::Deactivate) => "no: not deactivated",
            (Verified::StillPresent, Action::Reactivate) => "no: not active",
            (Verified::StillPresent, Action::DeleteAccount) => "no: not scheduled for deletion",
            (Verified::StillPresent, Action::CancelDelete) => "no: still scheduled for deletion",
            (Verified::NotChecked, _) => "not checked",
        }
    }
}

/// The verification of one run session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    /// Plan row → what the second look found (only rows reported removed or already gone).
    pub rows: HashMap<usize, Verified>,
    /// Why some rows could not be checked, in words.
    pub problem: Option<String>,
    /// The run's action, which the words follow.
    pub action: Action,
}

impl Verification {
    /// Rows verified gone.
    pub fn gone(&self) -> u64 {
        self.count(Verified::Gone)
    }

    /// Rows still on the site.
    pub fn still_present(&self) -> u64 {
        self.count(Verified::StillPresent)
    }

    /// Rows that could not be checked.
    pub fn not_checked(&self) -> u64 {
        self.count(Verified::NotChecked)
    }

    fn count(&self, what: Verified) -> u64 {
        self.rows.values().filter(|v| **v == what).count() as u64
    }

    /// One sentence for the admin.
    pub fn words(&self) -> String {
        let (done, not_done) = match self.action {
            Action::SiteRemove => ("gone", "still on the site"),
            Action::Remove => ("gone", "still in the directory"),
            Action::Suspend => ("suspended", "not suspended"),
            Action::Restore => ("active again", "not active"),
            Action::Deactivate => ("deactivated", "not deactivated"),
            Action::Reactivate => ("active again", "not active"),
            Action::DeleteAccount => ("scheduled for deletion", "not scheduled for deletion"),
            Action::CancelDelete => ("no longer scheduled for deletion", "still scheduled"),
        };
        let mut text = format!(
            "Verified {done}: {}, {not_done}: {}",
            self.gone(),
            self.still_present()
        );
        if self.not_checked() > 0 {
            text.push_str(&format!(", not checked: {}", self.not_checked()));
        }
        text.push('.');
        if self.still_present() > 0 {
            text.push_str(&format!(
                " Atlassian reported those {}, but reading them back shows otherwise: check \
                 them at {} and run them again.",
                self.action.done_word(),
                if self.action.is_org() {
                    "admin.atlassian.com"
                } else {
                    "the site"
                }
            ));
        }
        if let Some(problem) = &self.problem {
            text.push_str(&format!(" Some rows could not be checked: {problem}"));
        }
        text
    }
}

/// Ids per read-back call, as in the dry run.
const CHUNK: usize = crate::atlassian::BULK_BATCH;
/// Rate-limit waits tolerated per chunk before the chunk is left "not checked".
const MAX_WAITS: u32 = 10;

/// Reads back every row reported done (GET only): for removals, rows removed or already gone;
/// for suspend and restore, rows suspended or restored.
pub async fn verify<A: Actor>(actor: &A, action: Action, outcomes: &[RowOutcome]) -> Verification {
    let reported: Vec<&RowOutcome> = outcomes
        .iter()
        .filter(|o| match o.outcome {
            Outcome::Removed => true,
            Outcome::AlreadyGone => action.not_found_is_done(),
            _ => false,
        })
        .collect();
    let mut verification = Verification {
        action,
        ..Verification::default()
    };
    let pacer = Pacer::new(LOOKUP_PACE.max_rate);
    let chunks: Vec<&[&RowOutcome]> = reported.chunks(CHUNK).collect();
    // In plan order, several in flight: a 100,000-row run's second look is a thousand reads.
    let reads: Vec<_> = chunks
        .iter()
        .map(|chunk| read_chunk(actor, action, chunk, &pacer))
        .collect();
    let mut reads = futures_util::stream::iter(reads).buffered(in_flight(action));
    let mut next = chunks.iter();
    while let (Some(read), Some(chunk)) = (reads.next().await, next.next()) {
        match read {
            Ok(done) => {
                let done: HashSet<String> =
                    done.iter().map(|id| canonical_account_id(id)).collect();
                for o in chunk.iter() {
                    let v = if done.contains(&canonical_account_id(&o.account_id)) {
                        Verified::Gone
                    } else {
                        Verified::StillPresent
                    };
                    verification.rows.insert(o.row, v);
                }
            }
            Err(e) => {
                let e = e.describe();
                tracing::info!(ids = chunk.len(), error = %e, "second look: a read-back failed");
                verification.problem.get_or_insert(e);
                for o in chunk.iter() {
                    verification.rows.insert(o.row, Verified::NotChecked);
                }
            }
        }
    }
    drop(reads);
    if action.is_org() {
        settle_late(actor, action, outcomes, &mut verification).await;
    }
    tracing::info!(
        looked_up = reported.len(),
        gone = verification.gone(),
        still_present = verification.still_present(),
        not_checked = verification.not_checked(),
        "second look done"
    );
    verification
}

/// Waits before each further read of rows an organization run reported done but the first
/// read-back did not show so. Assumed (ORG-API.md "to verify" 1): Atlassian may queue a
/// removal ("placed in a queue for deletion" for the old v1 call) and its admin API is
/// eventually consistent ("up to 30 seconds" for role changes), so a first "still there" is
/// read again for about 30 s before it is reported.
const SETTLE_DELAYS_SECS: [u64; 4] = [2, 4, 8, 16];

/// Reads again, with waits, the rows still shown not done; stops as soon as none is left.
async fn settle_late<A: Actor>(
    actor: &A,
    action: Action,
    outcomes: &[RowOutcome],
    verification: &mut Verification,
) {
    for delay in SETTLE_DELAYS_SECS {
        let late: Vec<&RowOutcome> = outcomes
            .iter()
            .filter(|o| verification.rows.get(&o.row) == Some(&Verified::StillPresent))
            .collect();
        if late.is_empty() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_secs(delay)).await;
        for chunk in late.chunks(CHUNK) {
            let ids: Vec<String> = chunk.iter().map(|o| o.account_id.clone()).collect();
            let Ok(done) = read_back_with_waits(actor, action, &ids).await else {
                return;
            };
            let done: HashSet<String> = done.iter().map(|id| canonical_account_id(id)).collect();
            for o in chunk {
                if done.contains(&canonical_account_id(&o.account_id)) {
                    verification.rows.insert(o.row, Verified::Gone);
                }
            }
        }
    }
}

/// Reads in flight at once: a site's bulk lookups go as the dry run's do; the organization
/// API publishes no limits, so its reads stay one at a time as before.
fn in_flight(action: Action) -> usize {
    if action.is_org() {
        1
    } else {
        LOOKUP_PACE.max_in_flight
    }
}

/// The read-back of one chunk of rows.
async fn read_chunk<A: Actor>(
    actor: &A,
    action: Action,
    chunk: &[&RowOutcome],
    pacer: &Pacer,
) -> Result<HashSet<String>, Verdict> {
    let ids: Vec<String> = chunk.iter().map(|o| o.account_id.clone()).collect();
    read_back_paced(actor, action, &ids, pacer).await
}

/// [`Actor::read_back`] under the shared pacer: a rate-limit wait pauses every read, and is
/// waited out a bounded number of times.
async fn read_back_paced<A: Actor>(
    actor: &A,
    action: Action,
    ids: &[String],
    pacer: &Pacer,
) -> Result<HashSet<String>, Verdict> {
    let read = || async {
        pacer.acquire().await;
        actor.read_back(action, ids).await
    };
    let slow_everyone = |wait, _: &Verdict| {
        pacer.throttle(wait);
        std::future::ready(())
    };
    let done = waiting_out(MAX_WAITS, read, slow_everyone).await;
    if done.is_ok() {
        pacer.on_success();
    }
    done
}

/// [`Actor::read_back`], waiting out rate limits a bounded number of times.
async fn read_back_with_waits<A: Actor>(
    actor: &A,
    action: Action,
    ids: &[String],
) -> Result<HashSet<String>, Verdict> {
    waiting_out_rate_limits(MAX_WAITS, || actor.read_back(action, ids)).await
}

#[cfg(test)]
#[path = "verify_tests.rs"]
mod tests;
