//! The plan: which rows a run removes, from which site, at what pace. Written once per run.

use super::pace::PaceSettings;
use super::retry::RetrySettings;
use crate::roster::RosterUser;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// One row to remove, with the columns the admin knows it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRow {
    /// The account id.
    pub account_id: String,
    /// `User name` from the export.
    pub name: String,
    /// `email` from the export.
    pub email: String,
    /// `Org role` from the export; not empty means protected unless unlocked.
    pub org_role: String,
}

impl From<&RosterUser> for PlanRow {
    fn from(u: &RosterUser) -> Self {
        PlanRow {
            account_id: u.account_id.clone(),
            name: u.name.clone(),
            email: u.email.clone(),
            org_role: u.org_role.clone(),
        }
    }
}

/// Everything a run needs to know, saved as `plan.json` in its folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Sortable id: creation time plus a random suffix.
    pub run_id: String,
    /// When the plan was made (RFC 3339).
    pub created_at: String,
    /// The site's normalised base URL.
    pub site: String,
    /// The admin email used.
    pub email: String,
    /// The export the rows came from, for the admin's reference.
    pub source_file: Option<String>,
    /// The rows, de-duplicated by account id.
    pub rows: Vec<PlanRow>,
    /// Remove rows with an org role too (the admin asked explicitly).
    pub unlock_admins: bool,
    /// Single protected rows the admin unlocked one by one.
    pub unlocked_ids: Vec<String>,
    /// Pace.
    pub pace: PaceSettings,
    /// Retries.
    pub retry: RetrySettings,
}

impl Plan {
    /// Makes a plan with a fresh run id; a second row with the same account id is dropped, so
    /// one run never sends two removals for one account.
    pub fn new(site: &str, email: &str, rows: impl IntoIterator<Item = PlanRow>) -> Plan {
        let mut seen = HashSet::new();
        let rows = rows
            .into_iter()
            .filter(|r| seen.insert(r.account_id.clone()))
            .collect();
        let now = time::OffsetDateTime::now_utc();
        let stamp = now
            .format(time::macros::format_description!(
                "[year][month][day]-[hour][minute][second]"
            ))
            .unwrap_or_default();
        let suffix = &uuid::Uuid::new_v4().simple().to_string()[..6];
        Plan {
            run_id: format!("{stamp}-{suffix}"),
            created_at: super::outcome::now_rfc3339(),
            site: site.to_owned(),
            email: email.to_owned(),
            source_file: None,
            rows,
            unlock_admins: false,
            unlocked_ids: Vec::new(),
            pace: PaceSettings::default(),
            retry: RetrySettings::default(),
        }
    }

    /// How many rows are protected for this caller (see [`Plan::protection`]).
    pub fn count_protected(&self, caller_account_id: &str) -> usize {
        self.rows
            .iter()
            .filter(|r| self.protection(r, caller_account_id).is_some())
            .count()
    }

    /// Why a row must not be removed, if it must not: the caller's own account always, an
    /// org-role row unless unlocked.
    pub fn protection(&self, row: &PlanRow, caller_account_id: &str) -> Option<String> {
        if row.account_id == caller_account_id {
            return Some(
                "this is your own account: Offboard never removes the account it is signed in with"
                    .into(),
            );
        }
        let role = row.org_role.trim();
        if !role.is_empty()
            && !self.unlock_admins
            && !self.unlocked_ids.iter().any(|id| id == &row.account_id)
        {
            return Some(format!(
                "protected: org role '{role}'; unlock admins explicitly to remove them"
            ));
        }
        None
    }
}
