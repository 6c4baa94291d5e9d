//! Verification after a run: every row reported removed or already gone is looked up again in
//! bulk, so the results say whether it is really gone — the "check admin.atlassian.com" step of
//! Atlassian's own advice, done for the admin.

use super::outcome::{Outcome, RowOutcome};
use super::preflight::{lookup_with_waits, Lookup};
use crate::roster::canonical_account_id;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// What the second look found for one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verified {
    /// Not on the site any more.
    Gone,
    /// Still on the site although the run reported it removed or already gone.
    StillPresent,
    /// The lookup failed (network, rate limit): nothing is known.
    NotChecked,
}

impl Verified {
    /// The results file's `verified` cell.
    pub fn as_cell(self) -> &'static str {
        match self {
            Verified::Gone => "yes",
            Verified::StillPresent => "no: still on the site",
            Verified::NotChecked => "not checked",
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
        let mut text = format!(
            "Verified gone: {}, still on the site: {}",
            self.gone(),
            self.still_present()
        );
        if self.not_checked() > 0 {
            text.push_str(&format!(", not checked: {}", self.not_checked()));
        }
        text.push('.');
        if self.still_present() > 0 {
            text.push_str(
                " Atlassian reported those removed, but the site still lists them: check them on \
                 the site and run them again.",
            );
        }
        if let Some(problem) = &self.problem {
            text.push_str(&format!(" Some rows could not be checked: {problem}"));
        }
        text
    }
}

/// Ids per lookup call, as in the dry run.
const CHUNK: usize = crate::atlassian::BULK_BATCH;

/// Looks up again every row reported `removed` or `already_gone` (GET only).
pub async fn verify<L: Lookup>(lookup: &L, outcomes: &[RowOutcome]) -> Verification {
    let reported: Vec<&RowOutcome> = outcomes
        .iter()
        .filter(|o| matches!(o.outcome, Outcome::Removed | Outcome::AlreadyGone))
        .collect();
    let mut verification = Verification::default();
    for chunk in reported.chunks(CHUNK) {
        let ids: Vec<String> = chunk.iter().map(|o| o.account_id.clone()).collect();
        match lookup_with_waits(lookup, &ids).await {
            Ok(users) => {
                let present: HashSet<String> = users
                    .iter()
                    .map(|u| canonical_account_id(&u.account_id))
                    .collect();
                for o in chunk {
                    let seen = present.contains(&canonical_account_id(&o.account_id));
                    let v = if seen {
                        Verified::StillPresent
                    } else {
                        Verified::Gone
                    };
                    verification.rows.insert(o.row, v);
                }
            }
            Err(e) => {
                tracing::info!(ids = ids.len(), error = %e, "second look: a lookup failed");
                verification.problem.get_or_insert(e.to_string());
                for o in chunk {
                    verification.rows.insert(o.row, Verified::NotChecked);
                }
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atlassian::{AtlassianError, SiteUser};
    use std::sync::Mutex;

    /// A site that still has `present` and counts its calls.
    struct Site {
        present: Vec<String>,
        fail: bool,
        calls: Mutex<Vec<usize>>,
    }

    impl Lookup for Site {
        async fn lookup(&self, ids: &[String]) -> Result<Vec<SiteUser>, AtlassianError> {
            self.calls.lock().unwrap().push(ids.len());
            if self.fail {
                return Err(AtlassianError::Network("the connection was reset".into()));
            }
            Ok(ids
                .iter()
                .filter(|id| self.present.iter().any(|p| p.eq_ignore_ascii_case(id)))
                .map(|id| SiteUser {
                    account_id: id.to_uppercase(),
                    account_type: "atlassian".into(),
                    display_name: String::new(),
                    email_address: None,
                    active: true,
                })
                .collect())
        }
    }

    fn outcome(row: usize, outcome: Outcome) -> RowOutcome {
        RowOutcome {
            row,
            account_id: format!("5b10ac8d82e05b22cc7d4e{row:02x}"),
            outcome,
            http_status: None,
            message: String::new(),
            finished_at: String::new(),
            may_have_applied: false,
        }
    }

    #[tokio::test]
    async fn rows_reported_gone_are_looked_up_once_in_bulk_and_survivors_reported() {
        let mut outcomes: Vec<RowOutcome> = (0..250)
            .map(|i| {
                outcome(
                    i,
                    if i % 2 == 0 {
                        Outcome::Removed
                    } else {
                        Outcome::AlreadyGone
                    },
                )
            })
            .collect();
        outcomes.push(outcome(250, Outcome::Failed));
        outcomes.push(outcome(251, Outcome::Skipped));
        let site = Site {
            present: vec![outcomes[7].account_id.clone()],
            fail: false,
            calls: Mutex::default(),
        };
        let v = verify(&site, &outcomes).await;
        assert_eq!(*site.calls.lock().unwrap(), [100, 100, 50]);
        assert_eq!((v.gone(), v.still_present(), v.not_checked()), (249, 1, 0));
        assert_eq!(v.rows.get(&7), Some(&Verified::StillPresent));
        assert!(!v.rows.contains_key(&250) && !v.rows.contains_key(&251));
        assert!(v.words().contains("still on the site: 1"));
    }

    #[tokio::test]
    async fn a_failed_lookup_is_not_checked_never_gone() {
        let outcomes = vec![outcome(0, Outcome::Removed)];
        let site = Site {
            present: vec![],
            fail: true,
            calls: Mutex::default(),
        };
        let v = verify(&site, &outcomes).await;
        assert_eq!(v.rows.get(&0), Some(&Verified::NotChecked));
        assert_eq!(v.gone(), 0);
        assert!(v.words().contains("could not be checked"));
    }
}
