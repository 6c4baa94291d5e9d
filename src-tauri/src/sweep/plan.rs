//! The plan: which rows a run acts on, where, with which action, at what pace. Written once
//! per run.

use super::action::Action;
use super::pace::PaceSettings;
use super::retry::RetrySettings;
use crate::roster::{canonical_account_id, RosterUser};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// One row to remove, with the columns the admin knows it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PlanRow {
    /// The account id.
    pub account_id: String,
    /// `User name` from the export.
    pub name: String,
    /// `email` from the export.
    pub email: String,
    /// `Org role` from the export; not empty means protected unless unlocked.
    pub org_role: String,
    /// Why the export says this person is an admin (org role, admin group); protected unless
    /// unlocked. Absent in plans written before admin groups were read: `org_role` then decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin: Option<String>,
    /// What the organization's directory said about this person when the plan was made
    /// (organization mode only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<OrgFacts>,
}

/// What the directory says about one person, as the guards need it (organization mode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct OrgFacts {
    /// Admin platform roles held (`atlassian/org-admin`, `atlassian/site-admin`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub admin_roles: Vec<String>,
    /// Provisioned by an identity provider (`managementSource == "synced"`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub synced: bool,
    /// A managed account that is not a member of the directory.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_membership: bool,
    /// Not an account the company manages (`claimStatus != managed`): no account actions.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unmanaged: bool,
}

impl From<&crate::atlassian::org::OrgUser> for OrgFacts {
    fn from(user: &crate::atlassian::org::OrgUser) -> Self {
        OrgFacts {
            admin_roles: user.admin_roles(),
            synced: user.is_synced(),
            no_membership: user.has_no_membership(),
            unmanaged: !user.is_managed(),
        }
    }
}

impl OrgFacts {
    /// The admin roles, short ("site-admin, user-access-admin").
    fn role_names(&self) -> String {
        self.admin_roles
            .iter()
            .map(|r| r.trim_start_matches("atlassian/"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The organization and directory an organization-mode plan acts in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgTarget {
    /// The org id.
    pub org_id: String,
    /// The organization's name, for the admin.
    pub org_name: String,
    /// The directory every request names.
    pub directory_id: String,
    /// The directory's name, for the admin.
    pub directory_name: String,
}

impl From<&RosterUser> for PlanRow {
    fn from(u: &RosterUser) -> Self {
        PlanRow {
            account_id: u.account_id.clone(),
            name: u.name.clone(),
            email: u.email.clone(),
            org_role: u.org_role.clone(),
            admin: u.admin.clone(),
            org: None,
        }
    }
}

/// Who no run may touch, whatever its plan says: the signed-in account, and the members of the
/// site's `site-admins` group as read from the site just before the run (canonical ids).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Guard {
    caller: String,
    site_admins: HashSet<String>,
    // Organization mode: what the directory says now about planned people, read just before
    // the run (fresher than the plan's copy, and it wins over it).
    org_now: HashMap<String, OrgFacts>,
}

impl Guard {
    /// A guard for the signed-in `caller` and the site's live admins.
    pub fn new<S: AsRef<str>>(caller: &str, site_admins: impl IntoIterator<Item = S>) -> Guard {
        Guard {
            caller: canonical_account_id(caller),
            site_admins: site_admins
                .into_iter()
                .map(|id| canonical_account_id(id.as_ref()))
                .collect(),
            org_now: HashMap::new(),
        }
    }

    /// Adds what the directory says now about planned people (organization mode).
    pub fn with_org_facts(mut self, facts: impl IntoIterator<Item = (String, OrgFacts)>) -> Guard {
        self.org_now.extend(
            facts
                .into_iter()
                .map(|(id, f)| (canonical_account_id(&id), f)),
        );
        self
    }

    /// A guard holding what the organization's directory says now of `users` (just read).
    pub fn of_org_users(users: &[crate::atlassian::org::OrgUser]) -> Guard {
        Guard::default().with_org_facts(
            users
                .iter()
                .map(|u| (u.account_id.clone(), OrgFacts::from(u))),
        )
    }

    /// A guard that knows only the caller (no live admin list was read).
    pub fn caller_only(caller: &str) -> Guard {
        Guard::new::<&str>(caller, [])
    }

    /// The signed-in account, canonical.
    pub fn caller(&self) -> &str {
        &self.caller
    }

    /// Whether `account_id` is in the site's live `site-admins` group.
    pub fn is_site_admin(&self, account_id: &str) -> bool {
        self.site_admins.contains(&canonical_account_id(account_id))
    }
}

/// Everything a run needs to know, saved as `plan.json` in its folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Sortable id: creation time plus a random suffix.
    pub run_id: String,
    /// When the plan was made (RFC 3339).
    pub created_at: String,
    /// The site's normalised base URL (organization mode: the org API's base URL).
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
    /// A one-row rehearsal rather than a run (false in plans written before it was kept).
    #[serde(default)]
    pub rehearsal: bool,
    /// Made on the practice site of practice mode. That site keeps its users across launches
    /// but not its address, so such a run resumes on whatever practice site is running now,
    /// and never on a real site (false in plans written before it was kept).
    #[serde(default)]
    pub practice: bool,
    /// What the run does to each account (plans written before organization mode: remove
    /// from the site).
    #[serde(default)]
    pub action: Action,
    /// The organization and directory (organization mode only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<OrgTarget>,
}

impl Plan {
    /// Makes a plan with a fresh run id; a second row with the same account id is dropped, so
    /// one run never sends two removals for one account.
    pub fn new(site: &str, email: &str, rows: impl IntoIterator<Item = PlanRow>) -> Plan {
        let mut seen = HashSet::new();
        let rows = rows
            .into_iter()
            .filter(|r| seen.insert(canonical_account_id(&r.account_id)))
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
            rehearsal: false,
            practice: false,
            action: Action::SiteRemove,
            org: None,
        }
    }

    /// An organization-mode plan: `action` on `rows` in `target`'s directory, through the org
    /// API at `api`, at the org API's slower default pace.
    pub fn for_org(
        api: &str,
        target: OrgTarget,
        action: Action,
        rows: impl IntoIterator<Item = PlanRow>,
    ) -> Plan {
        let mut plan = Plan::new(api, "", rows);
        plan.action = action;
        plan.org = Some(target);
        plan.pace.max_rate = action.default_rate();
        plan
    }

    /// Unlocks the admins among `ids` (any form) that are rows of this plan, one by one; ids
    /// of other rows are ignored. Kept canonical, sorted, each once.
    pub fn unlock_rows(&mut self, ids: &[String]) {
        let rows: HashSet<String> = self
            .rows
            .iter()
            .map(|r| canonical_account_id(&r.account_id))
            .collect();
        let mut unlocked: Vec<String> = ids
            .iter()
            .map(|id| canonical_account_id(id))
            .filter(|id| rows.contains(id))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        unlocked.sort();
        self.unlocked_ids = unlocked;
    }

    /// The rows protected under `guard`, with the reason, in plan order.
    pub fn protected_rows(&self, guard: &Guard) -> Vec<(String, String)> {
        self.rows
            .iter()
            .filter_map(|r| {
                self.protection(r, guard)
                    .map(|why| (r.account_id.clone(), why))
            })
            .collect()
    }

    /// How many rows are protected under `guard` (see [`Plan::protection`]).
    pub fn count_protected(&self, guard: &Guard) -> usize {
        self.rows
            .iter()
            .filter(|r| self.protection(r, guard).is_some())
            .count()
    }

    /// Why a row must not be removed, if it must not: the caller's own account always; an
    /// admin — by the export (org role, admin group) or by the site's live `site-admins`
    /// group — unless the admin unlocked it. Ids are compared in canonical form.
    pub fn protection(&self, row: &PlanRow, guard: &Guard) -> Option<String> {
        let id = canonical_account_id(&row.account_id);
        if id == guard.caller {
            return Some(
                "this is your own account: Offboard never removes the account it is signed in with"
                    .into(),
            );
        }
        if self.action.is_org() {
            return self.org_protection(row, &id, guard);
        }
        let role = row.org_role.trim();
        let admin = match &row.admin {
            Some(reason) => Some(reason.clone()),
            None if !role.is_empty() => Some(format!("org role '{role}'")),
            None => None,
        }
        .or_else(|| {
            guard
                .site_admins
                .contains(&id)
                .then(|| "in the site's site-admins group (read from the site)".to_owned())
        })?;
        let unlocked = self.unlock_admins
            || self
                .unlocked_ids
                .iter()
                .any(|u| canonical_account_id(u) == id);
        (!unlocked)
            .then(|| format!("protected: {admin}; unlock this admin explicitly to remove them"))
    }

    fn unlocked(&self, id: &str) -> bool {
        self.unlock_admins
            || self
                .unlocked_ids
                .iter()
                .any(|u| canonical_account_id(u) == id)
    }

    /// The organization-mode guards (DESIGN.md §6), on what the directory says now when the
    /// guard read it, else on the plan's copy: a row the directory said nothing about is never
    /// touched, organization admins never (the API key's owner is one), people an identity
    /// provider provisions and accounts without membership are skipped, other admin roles are
    /// locked unless unlocked. A restore gives access back, so only the first two apply to it.
    fn org_protection(&self, row: &PlanRow, id: &str, guard: &Guard) -> Option<String> {
        let Some(facts) = guard.org_now.get(id).or(row.org.as_ref()) else {
            return Some(
                "not read from the organization's directory, so Offboard cannot tell whether \
                 this is an admin or a synced user; load the users from the organization again"
                    .into(),
            );
        };
        if self.action.is_lifecycle() {
            return account_protection(self.action, facts);
        }
        let verb = self.action.phrase_verb();
        if facts
            .admin_roles
            .iter()
            .any(|r| r == crate::atlassian::org::ORG_ADMIN_ROLE)
            && self.action != Action::Restore
        {
            return Some(format!(
                "organization admin: Offboard never touches organization admins (the API key \
                 belongs to one, and Atlassian requires their admin role to be removed first \
                 at admin.atlassian.com); nothing to {verb} here"
            ));
        }
        if facts.no_membership {
            return Some(format!(
                "not a member of this directory (an account your company manages, without \
                 access): there is no membership to {verb}"
            ));
        }
        if self.action == Action::Restore {
            return None;
        }
        if facts.synced {
            return Some(
                "provisioned by your identity provider: remove them in your identity provider; \
                 Atlassian would re-create them"
                    .into(),
            );
        }
        let roles = facts.role_names();
        (!roles.is_empty() && !self.unlocked(id)).then(|| {
            format!("protected: admin role {roles}; unlock this admin explicitly to {verb} them")
        })
    }
}

/// Why an account action may not touch this account (DESIGN.md §6, issue 14): only accounts
/// the company manages, never one an identity provider provisions, and never an admin's
/// account for deactivate or delete (no unlock: an admin's roles are removed first, by hand).
/// Reactivate and cancel-delete undo, so they may reach an admin.
fn account_protection(action: Action, facts: &OrgFacts) -> Option<String> {
    let verb = action.phrase_verb();
    if facts.unmanaged {
        return Some(format!(
            "not an account your company manages: only managed accounts (on a domain you \
             verified) can be deactivated or deleted; nothing to {verb} here"
        ));
    }
    if facts.synced {
        return Some(format!(
            "provisioned by your identity provider: {verb} this account there, or Atlassian \
             would undo it"
        ));
    }
    let undoing = matches!(action, Action::Reactivate | Action::CancelDelete);
    if !facts.admin_roles.is_empty() && !undoing {
        let roles = facts.role_names();
        return Some(format!(
            "an admin ({roles}): Offboard never deactivates or deletes an admin's account; \
             remove their admin roles at admin.atlassian.com first"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rehearsal_and_practice_are_kept_and_default_to_false_in_older_plans() {
        let mut plan = Plan::new("https://acme.atlassian.net", "a@example.com", []);
        plan.rehearsal = true;
        plan.practice = true;
        let json = serde_json::to_value(&plan).unwrap();
        assert_eq!(serde_json::from_value::<Plan>(json.clone()).unwrap(), plan);
        let mut older = json;
        let fields = older.as_object_mut().unwrap();
        fields.remove("rehearsal");
        fields.remove("practice");
        let read: Plan = serde_json::from_value(older).unwrap();
        assert!(!read.rehearsal && !read.practice);
    }
}
