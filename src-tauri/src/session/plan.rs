//! The plan and its phrase, built in one place for the command line and the window: which rows
//! a run removes, which it protects and why, the words that describe it, and the typed phrase
//! that arms it. A run starts only when the phrase typed matches this exact plan.

use super::connect::Connection;
use super::SessionError;
use crate::roster::{canonical_account_id, Roster, RosterUser};
use crate::sweep::{Guard, Plan, PlanRow};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Why a plan that protects every row it holds cannot start.
const NOBODY: &str =
    "Every selected user is protected (you, or admins still locked), so there is nobody to remove.";

/// Which rows of the export the plan takes.
pub enum Selection<'a> {
    /// Every user in the export (the command line).
    All,
    /// These account ids, in any form (the window's ticks, or the rehearsal's one row).
    Ids(&'a [String]),
}

/// A plan ready to be confirmed.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Names this plan; the confirmation must name it too.
    pub id: String,
    /// A one-row rehearsal rather than a run.
    pub rehearsal: bool,
    /// The plan itself (pace and retries at their defaults; the caller may set them).
    pub plan: Plan,
    /// The site admins the protection was computed with (canonical, sorted).
    pub site_admins: Vec<String>,
    /// The signed-in account (canonical).
    pub caller: String,
    /// What to type: `remove N`.
    pub phrase: String,
    /// Rows a run will send a removal for.
    pub to_remove: usize,
    /// Selected rows that will be skipped, with the reason.
    pub protected: Vec<(String, String)>,
    /// The plan in words.
    pub words: String,
    /// Who is protected, and from which information.
    pub protection_words: String,
}

impl Prepared {
    /// Checks a confirmation: it must name this plan and carry exactly its phrase.
    pub fn confirm(&self, plan_id: &str, typed: &str) -> Result<(), SessionError> {
        if plan_id != self.id {
            return Err(SessionError::StalePlan);
        }
        if self.to_remove == 0 {
            return Err(SessionError::NothingToPlan(NOBODY.into()));
        }
        if typed.trim() != self.phrase {
            return Err(SessionError::WrongPhrase {
                expected: self.phrase.clone(),
            });
        }
        Ok(())
    }

    /// Checks the plan still holds for this connection and these live admins: same site, same
    /// account, and the same rows protected. Anything else voids the typed phrase.
    pub fn still_holds(
        &self,
        conn: &Connection,
        site_admins: &[String],
    ) -> Result<Guard, SessionError> {
        let same_place = conn.client.site().base_url() == self.plan.site
            && canonical_account_id(&conn.me.account_id) == self.caller;
        let guard = Guard::new(&conn.me.account_id, site_admins);
        let protected_now = self
            .plan
            .rows
            .iter()
            .filter(|r| self.plan.protection(r, &guard).is_some())
            .map(|r| r.account_id.as_str());
        let same_rows = protected_now.eq(self.protected.iter().map(|(id, _)| id.as_str()));
        if !same_place || !same_rows {
            return Err(SessionError::StalePlan);
        }
        Ok(guard)
    }
}

/// Builds the plan for `selection` of `roster` on `conn`, protecting the caller, the file's
/// admins and the live `site_admins` (unless unlocked: per id in `unlocked`, or all admins
/// with `unlock_admins`). A rehearsal is one row and may not be a protected one.
#[allow(clippy::too_many_arguments)] // each is one fact the plan binds
pub fn prepare(
    conn: &Connection,
    roster: &Roster,
    source: &Path,
    selection: Selection<'_>,
    unlocked: &[String],
    unlock_admins: bool,
    rehearsal: bool,
    site_admins: &[String],
) -> Result<Prepared, SessionError> {
    let rows = selected_rows(roster, selection)?;
    if rehearsal && rows.len() != 1 {
        return Err(SessionError::NothingToPlan(
            "A rehearsal removes exactly one person: pick one.".into(),
        ));
    }
    let mut plan = Plan::new(conn.client.site().base_url(), &conn.email, rows);
    plan.source_file = Some(source.display().to_string());
    plan.rehearsal = rehearsal;
    plan.practice = conn.practice;
    plan.unlock_admins = unlock_admins;
    plan.unlock_rows(unlocked);
    let guard = Guard::new(&conn.me.account_id, site_admins);
    let protected = plan.protected_rows(&guard);
    let to_remove = plan.rows.len() - protected.len();
    if rehearsal {
        if let Some((_, reason)) = protected.first() {
            let row = &plan.rows[0];
            let name = if row.name.is_empty() {
                &row.account_id
            } else {
                &row.name
            };
            return Err(SessionError::ProtectedRehearsal {
                name: name.clone(),
                reason: reason.clone(),
            });
        }
    }
    let mut admins: Vec<String> = site_admins
        .iter()
        .map(|id| canonical_account_id(id))
        .collect();
    admins.sort();
    admins.dedup();
    let host = conn.client.site().authority();
    let words = plan_words(to_remove, protected.len(), &host);
    let protection_words = protection_words(roster, conn, &admins, &plan, &guard);
    Ok(Prepared {
        id: uuid::Uuid::new_v4().simple().to_string(),
        rehearsal,
        caller: guard.caller().to_owned(),
        site_admins: admins,
        phrase: format!("remove {to_remove}"),
        to_remove,
        protected,
        words,
        protection_words,
        plan,
    })
}

/// The rows named by `selection`, in file order, each once.
fn selected_rows(roster: &Roster, selection: Selection<'_>) -> Result<Vec<PlanRow>, SessionError> {
    let users: Vec<&RosterUser> = match selection {
        Selection::All => roster.users.iter().collect(),
        Selection::Ids(ids) => {
            let by_id: HashMap<&str, (usize, &RosterUser)> = roster
                .users
                .iter()
                .enumerate()
                .map(|(i, u)| (u.account_id.as_str(), (i, u)))
                .collect();
            let mut picked = Vec::with_capacity(ids.len());
            let mut seen = HashSet::new();
            for id in ids {
                let canonical = canonical_account_id(id);
                let Some(&(i, user)) = by_id.get(canonical.as_str()) else {
                    return Err(SessionError::NotInExport(id.trim().to_owned()));
                };
                if seen.insert(i) {
                    picked.push((i, user));
                }
            }
            picked.sort_by_key(|(i, _)| *i);
            picked.into_iter().map(|(_, u)| u).collect()
        }
    };
    if users.is_empty() {
        return Err(SessionError::NothingToPlan(
            "Select at least one user to remove.".into(),
        ));
    }
    Ok(users.into_iter().map(PlanRow::from).collect())
}

fn plan_words(to_remove: usize, protected: usize, host: &str) -> String {
    if to_remove == 0 {
        return format!("Nobody to remove from {host}: {}", NOBODY.to_lowercase());
    }
    let mut words = format!(
        "Remove {to_remove} {} from {host}. This removes their access to the site; their \
         Atlassian accounts are not deleted.",
        if to_remove == 1 { "user" } else { "users" }
    );
    if protected > 0 {
        words.push_str(&format!(
            " {protected} selected {} protected and will be skipped.",
            if protected == 1 { "row is" } else { "rows are" }
        ));
    }
    words
}

/// Who is protected and from what information, in words (the plan's protection paragraph).
fn protection_words(
    roster: &Roster,
    conn: &Connection,
    site_admins: &[String],
    plan: &Plan,
    guard: &Guard,
) -> String {
    let info = &roster.summary.protection;
    let mut words = vec!["Your own account is never removed.".to_owned()];
    words.push(info.describe());
    if conn.site_admins.checked || !site_admins.is_empty() {
        words.push(format!(
            "Your site's site-admins group was read from the site ({} {}); its members are \
             protected too, and it is read again just before anything is removed.",
            site_admins.len(),
            if site_admins.len() == 1 {
                "member"
            } else {
                "members"
            }
        ));
    }
    if !info.has_admin_info() {
        words.push(
            "This file carries no admin information, so protection of your admins rests on that \
             live check of the site-admins group."
                .into(),
        );
    }
    let is_admin = |r: &PlanRow| {
        r.admin.is_some() || !r.org_role.trim().is_empty() || guard.is_site_admin(&r.account_id)
    };
    let unlocked = plan
        .rows
        .iter()
        .filter(|r| is_admin(r) && plan.protection(r, guard).is_none())
        .count();
    if unlocked > 0 {
        words.push(format!(
            "You unlocked {unlocked} {}: they will be removed.",
            if unlocked == 1 { "admin" } else { "admins" }
        ));
    }
    words.join(" ")
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
