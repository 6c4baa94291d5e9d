//! The dry run: look every planned account up in bulk and report what a run would meet,
//! without changing anything on the site.

use super::control::RunControl;
use super::pace::PaceSettings;
use super::plan::{Guard, Plan};
use crate::atlassian::{AtlassianError, SiteClient, SiteUser};
use crate::roster::canonical_account_id;
use lookups::look_up_all;
use serde::Serialize;
use std::collections::HashMap;
use std::future::Future;

#[path = "preflight_run.rs"]
mod lookups;
#[cfg(test)]
#[path = "preflight_tests.rs"]
mod tests;

/// The dry run's own pace: lookups are reads, which Atlassian counts per endpoint and method
/// apart from the DELETEs a run sends, and each one stands for 100 accounts. The same pacer as a
/// run keeps them under this ceiling and slows down on any 429.
pub const LOOKUP_PACE: PaceSettings = PaceSettings {
    max_rate: 150.0,
    max_in_flight: 20,
};

/// How far a dry run has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreflightProgress {
    /// Accounts looked up so far.
    pub looked_up: u64,
    /// Accounts to look up in all (protected rows are not looked up).
    pub to_look_up: u64,
}

/// How a dry run goes: its pace, its cancel and where its progress goes.
pub struct PreflightOptions<'a> {
    /// Lookups per second and in flight (normally [`LOOKUP_PACE`]).
    pub pace: PaceSettings,
    /// `stop()` cancels the dry run at once: no lookup starts after it and those in flight are
    /// dropped; `pause()` holds new lookups until `resume()`.
    pub control: RunControl,
    /// Called once at the start (nothing looked up yet) and after each finished bulk lookup
    /// with the totals so far; the counts only grow and end at `to_look_up`.
    pub progress: &'a (dyn Fn(PreflightProgress) + Send + Sync),
}

impl PreflightOptions<'_> {
    /// The default pace, a fresh control and no progress report.
    pub fn quiet() -> PreflightOptions<'static> {
        PreflightOptions {
            pace: LOOKUP_PACE,
            control: RunControl::new(),
            progress: &|_| {},
        }
    }
}

/// Bulk user lookup, as the dry run needs it. `SiteClient` is the real one.
pub trait Lookup: Send + Sync {
    /// The users among `ids` that exist on the site.
    fn lookup(
        &self,
        ids: &[String],
    ) -> impl Future<Output = Result<Vec<SiteUser>, AtlassianError>> + Send;
}

impl Lookup for SiteClient {
    async fn lookup(&self, ids: &[String]) -> Result<Vec<SiteUser>, AtlassianError> {
        self.users_bulk(ids).await
    }
}

/// What the site says about one planned account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// An ordinary account on the site: a run would remove it.
    Exists,
    /// Not on the site: a run would report it already gone.
    AlreadyGone,
    /// An app (bot) account: Atlassian refuses to remove these.
    AppAccount,
    /// A Jira Service Management customer account.
    CustomerAccount,
    /// A row Offboard will not touch (you, or a locked admin).
    Protected,
}

/// One planned row in the dry run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreflightRow {
    /// Row index in the plan.
    pub row: usize,
    /// The account id.
    pub account_id: String,
    /// What the site says.
    pub presence: Presence,
    /// Display name on the site, or the protection reason.
    pub detail: String,
}

/// The dry run's findings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PreflightReport {
    /// One entry per plan row.
    pub rows: Vec<PreflightRow>,
    /// Accounts a run would remove.
    pub exists: u64,
    /// Accounts already gone.
    pub already_gone: u64,
    /// App accounts.
    pub app_accounts: u64,
    /// Customer accounts.
    pub customer_accounts: u64,
    /// Protected rows.
    pub protected: u64,
}

/// Looks every unprotected row up (GET only), in bulk and in parallel under a pacer of
/// `options.pace`, and classifies it. Rate limits pause every lookup and are waited out.
/// `None` when cancelled through `options.control`.
pub async fn preflight<L: Lookup>(
    lookup: &L,
    plan: &Plan,
    guard: &Guard,
    options: &PreflightOptions<'_>,
) -> Result<Option<PreflightReport>, AtlassianError> {
    let mut to_look: Vec<String> = Vec::new();
    let mut protected = HashMap::new();
    for (i, row) in plan.rows.iter().enumerate() {
        match plan.protection(row, guard) {
            Some(reason) => {
                protected.insert(i, reason);
            }
            None => to_look.push(row.account_id.clone()),
        }
    }
    let Some(found) = look_up_all(lookup, &to_look, options).await? else {
        return Ok(None);
    };
    let mut report = PreflightReport::default();
    for (i, row) in plan.rows.iter().enumerate() {
        let (presence, detail) = if let Some(reason) = protected.remove(&i) {
            (Presence::Protected, reason)
        } else {
            match found.get(&canonical_account_id(&row.account_id)) {
                None => (Presence::AlreadyGone, String::new()),
                Some(u) if u.account_type == "app" => {
                    (Presence::AppAccount, u.display_name.clone())
                }
                Some(u) if u.account_type == "customer" => {
                    (Presence::CustomerAccount, u.display_name.clone())
                }
                Some(u) => (Presence::Exists, u.display_name.clone()),
            }
        };
        match presence {
            Presence::Exists => report.exists += 1,
            Presence::AlreadyGone => report.already_gone += 1,
            Presence::AppAccount => report.app_accounts += 1,
            Presence::CustomerAccount => report.customer_accounts += 1,
            Presence::Protected => report.protected += 1,
        }
        report.rows.push(PreflightRow {
            row: i,
            account_id: row.account_id.clone(),
            presence,
            detail,
        });
    }
    Ok(Some(report))
}
