//! What the practice organization holds: its fixed setup (directories, groups, the site it
//! reports activity for, the file that remembers changes) and its members, whose membership
//! and lifecycle change as writes arrive, with the practice clock that ends pending deletions.

use super::changes::OrgChange;
use super::lifecycle::{GRACE_DAYS, MAX_CLOCK_DAYS};
use crate::practice::removals::RemovalLog;
use std::collections::HashMap;
use time::OffsetDateTime;

/// The org-admin platform role.
pub(crate) const ORG_ADMIN: &str = "atlassian/org-admin";
/// The site-admin platform role.
pub(crate) const SITE_ADMIN: &str = "atlassian/site-admin";
/// The user-access-admin platform role.
pub(crate) const USER_ACCESS_ADMIN: &str = "atlassian/user-access-admin";

/// One directory (user base) of the organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OrgDirectory {
    /// Its id, used in every user path.
    pub(crate) id: String,
    /// Its name, as the admin sees it.
    pub(crate) name: String,
}

/// One group of the organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OrgGroup {
    /// The group id.
    pub(crate) id: String,
    /// The group's name.
    pub(crate) name: String,
    /// What the group is for.
    pub(crate) description: String,
}

/// One product a member may use, with the last time they did (`None`: never).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Activity {
    /// `jira-software` or `confluence`.
    pub(crate) product: &'static str,
    /// ISO 8601 UTC, or `None` when the member has access but never used it.
    pub(crate) last_active: Option<String>,
}

/// What the seed made of an account, so tests pick one without guessing (seed.rs). Every kind
/// but `Other` is a directory member without an admin role, not the key's owner, and not
/// suspended when seeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Managed and invited: every lifecycle action works on it.
    Managed,
    /// Not claimed by the organization: the manage API refuses it (`managedAccount`).
    Unmanaged,
    /// Managed, synced from an identity provider: refused (`externalDirectory.scim`).
    Synced,
    /// Managed and invited, but owns sites it created: disable and delete answer 409.
    SiteOwner,
    /// Managed and invited, plain to the organization API, but Google Workspace sync manages
    /// it: the manage API refuses lifecycle actions (`externalDirectory.google`). The one kind
    /// only Atlassian's per-account check tells apart (Offboard's dry run shows "not allowed").
    GoogleSynced,
    /// Anyone else: the key's owner, admins, the seeded suspended, accounts without membership.
    Other,
}

/// One account the organization knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OrgMember {
    /// The Atlassian account id.
    pub(crate) account_id: String,
    /// The display name.
    pub(crate) name: String,
    /// The nickname (the first name).
    pub(crate) nickname: String,
    /// The email, when the profile shows one.
    pub(crate) email: Option<String>,
    /// True for an account on the organization's domain.
    pub(crate) managed: bool,
    /// `invited` or `synced` (managed accounts only).
    pub(crate) source: Option<&'static str>,
    /// Index of the directory the account belongs to; `None`: a managed account without
    /// membership (listed by searches, never suspended or removed).
    pub(crate) directory: Option<usize>,
    /// Access suspended in its directory.
    pub(crate) suspended: bool,
    /// Removed from its directory, or permanently deleted: unknown to every later request.
    pub(crate) gone: bool,
    /// Platform roles, e.g. `atlassian/org-admin`.
    pub(crate) roles: Vec<&'static str>,
    /// Product access and last activity.
    pub(crate) products: Vec<Activity>,
    /// Indexes into the organization's groups.
    pub(crate) groups: Vec<usize>,
    /// When first added to the organization (ISO 8601).
    pub(crate) added_to_org: String,
    /// Two-step verification on (managed accounts only).
    pub(crate) mfa: bool,
    /// What the seed made of it.
    pub(crate) kind: Kind,
    /// When the account was deactivated (practice clock); `None` while it is active.
    pub(crate) deactivated_on: Option<OffsetDateTime>,
    /// When its deletion was asked for (practice clock): pending deletion until 14 days on.
    pub(crate) deletion_requested: Option<OffsetDateTime>,
}

impl OrgMember {
    /// `active`, `suspended` or `no_membership`.
    pub(crate) fn membership_status(&self) -> &'static str {
        match (self.directory, self.suspended) {
            (None, _) => "no_membership",
            (Some(_), true) => "suspended",
            (Some(_), false) => "active",
        }
    }

    /// The composite status (ORG-API.md §3): `for_deletion` while a deletion is pending,
    /// `deactivated` for another inactive account, otherwise it follows the membership.
    pub(crate) fn status(&self) -> &'static str {
        if self.deletion_requested.is_some() {
            return "for_deletion";
        }
        if self.deactivated_on.is_some() {
            return "deactivated";
        }
        match self.membership_status() {
            "no_membership" => "not_invited",
            other => other,
        }
    }

    /// `inactive` when deactivated or pending deletion (which "appears as temporarily
    /// deactivated", ORG-API.md §6), otherwise `active`.
    pub(crate) fn account_status(&self) -> &'static str {
        if self.deactivated_on.is_some() || self.deletion_requested.is_some() {
            "inactive"
        } else {
            "active"
        }
    }

    /// True for an account that owns sites it created (disable and delete answer 409).
    pub(crate) fn owns_sites(&self) -> bool {
        self.kind == Kind::SiteOwner
    }

    /// True when a search or read of directory `dir` (`None` = `-`, every directory) lists it.
    /// Accounts without membership are listed whatever directory is asked (ORG-API.md §9:
    /// searches "also return your organization's managed accounts, even if they're not in a
    /// directory"; for a named directory this is the practice site's assumption).
    pub(crate) fn listed_in(&self, dir: Option<usize>) -> bool {
        !self.gone && (dir.is_none() || self.directory.is_none() || self.directory == dir)
    }
}

/// The organization's fixed parts, decided once when the site starts.
pub(crate) struct OrgSetup {
    /// The directories, the first named `Practice Directory`.
    pub(crate) directories: Vec<OrgDirectory>,
    /// The groups members may belong to.
    pub(crate) groups: Vec<OrgGroup>,
    /// The practice site's cloud id, in product ARIs.
    pub(crate) cloud_id: String,
    /// Where suspensions, restores and removals are remembered across launches, if anywhere.
    pub(crate) changes: Option<RemovalLog>,
    /// Most `accountIds` one search takes (`None`: no cap), see `PracticeConfig`.
    pub(crate) max_account_ids: Option<usize>,
}

impl OrgSetup {
    /// The index of a directory id; `None` for an unknown one.
    pub(crate) fn directory(&self, id: &str) -> Option<usize> {
        self.directories.iter().position(|d| d.id == id)
    }
}

/// The organization's accounts, in the seeded order every page follows, and the practice
/// clock.
#[derive(Debug, Clone, Default)]
pub(crate) struct OrgLive {
    /// Every account ever seeded (removed ones marked `gone`, so positions never move).
    pub(crate) members: Vec<OrgMember>,
    index: HashMap<String, usize>,
    /// Days the practice clock runs ahead of the computer's: it starts at 0 and only moves
    /// forward (`/practice/clock`, `PracticeSite::advance_clock_days`).
    pub(crate) clock_days: u32,
}

impl OrgLive {
    /// The organization with these accounts (a repeated id keeps its first entry).
    pub(crate) fn new(members: Vec<OrgMember>) -> OrgLive {
        let mut live = OrgLive::default();
        for member in members {
            if !live.index.contains_key(&member.account_id) {
                live.index
                    .insert(member.account_id.clone(), live.members.len());
                live.members.push(member);
            }
        }
        live
    }

    /// The position of an account that has not been removed.
    pub(crate) fn position(&self, account_id: &str) -> Option<usize> {
        self.index
            .get(account_id)
            .copied()
            .filter(|&i| !self.members[i].gone)
    }

    /// An account that has not been removed.
    pub(crate) fn get(&self, account_id: &str) -> Option<&OrgMember> {
        self.position(account_id).map(|i| &self.members[i])
    }

    /// Directory members with active access (what a licence counts).
    pub(crate) fn active_members(&self) -> usize {
        self.members
            .iter()
            .filter(|m| !m.gone && m.membership_status() == "active")
            .count()
    }

    /// The practice clock: the computer's time plus `clock_days`, in whole seconds.
    pub(crate) fn now(&self) -> OffsetDateTime {
        let now = OffsetDateTime::now_utc();
        let now = now.replace_nanosecond(0).unwrap_or(now);
        now + time::Duration::days(i64::from(self.clock_days))
    }

    /// Permanently deletes every account whose 14-day grace period has ended on the practice
    /// clock; called before anything reads or changes the organization.
    pub(crate) fn settle(&mut self) {
        let now = self.now();
        for m in &mut self.members {
            let ended = m
                .deletion_requested
                .is_some_and(|since| now >= since + time::Duration::days(GRACE_DAYS));
            if ended {
                m.gone = true;
            }
        }
    }

    /// Applies one change; unknown accounts are ignored (the change was remembered from a
    /// launch with other practice users).
    pub(crate) fn apply(&mut self, change: OrgChange, account_id: &str) {
        if let OrgChange::ClockAdvanced(days) = change {
            self.clock_days = self.clock_days.saturating_add(days).min(MAX_CLOCK_DAYS);
            return;
        }
        let Some(i) = self.position(account_id) else {
            return;
        };
        let member = &mut self.members[i];
        match change {
            OrgChange::Suspended => member.suspended = true,
            OrgChange::Restored => member.suspended = false,
            OrgChange::Removed => member.gone = true,
            OrgChange::Deactivated(at) => {
                member.deactivated_on.get_or_insert(at);
            }
            OrgChange::Reactivated => member.deactivated_on = None,
            OrgChange::DeletionRequested(at) => {
                // Pending deletion "appears as temporarily deactivated" (ORG-API.md §6).
                member.deactivated_on.get_or_insert(at);
                member.deletion_requested = Some(at);
            }
            // The account stays deactivated: enable is a separate step (module doc, lifecycle.rs).
            OrgChange::DeletionCancelled => member.deletion_requested = None,
            OrgChange::ClockAdvanced(_) => {}
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A plain managed member of `directory` (shared by the practice org's unit tests).
    pub(crate) fn member(id: &str, directory: Option<usize>) -> OrgMember {
        OrgMember {
            account_id: id.into(),
            name: format!("Person {id}"),
            nickname: "Person".into(),
            email: Some(format!("{id}@example.com")),
            managed: true,
            source: Some("invited"),
            directory,
            suspended: false,
            gone: false,
            roles: Vec::new(),
            products: Vec::new(),
            groups: Vec::new(),
            added_to_org: "2024-01-01T00:00:00Z".into(),
            mfa: false,
            kind: Kind::Managed,
            deactivated_on: None,
            deletion_requested: None,
        }
    }

    #[test]
    fn statuses_follow_membership_and_changes_apply_in_order() {
        let mut live = OrgLive::new(vec![
            member("a", Some(0)),
            member("b", None),
            member("a", Some(1)),
        ]);
        assert_eq!(live.members.len(), 2, "a repeated id keeps its first entry");
        assert_eq!(live.get("a").unwrap().directory, Some(0));
        assert_eq!(live.get("b").unwrap().status(), "not_invited");
        assert_eq!(live.active_members(), 1);
        live.apply(OrgChange::Suspended, "a");
        let a = live.get("a").unwrap();
        assert_eq!(
            (a.status(), a.membership_status()),
            ("suspended", "suspended")
        );
        assert_eq!(live.active_members(), 0);
        live.apply(OrgChange::Restored, "a");
        assert_eq!(live.get("a").unwrap().status(), "active");
        live.apply(OrgChange::Removed, "a");
        assert!(live.get("a").is_none() && live.position("a").is_none());
        live.apply(OrgChange::Suspended, "nobody");
        assert_eq!(live.members.len(), 2);
    }

    #[test]
    fn listing_by_directory() {
        let (a, none) = (member("a", Some(0)), member("n", None));
        assert!(a.listed_in(None) && a.listed_in(Some(0)) && !a.listed_in(Some(1)));
        assert!(none.listed_in(Some(1)) && none.listed_in(None));
        let gone = OrgMember {
            gone: true,
            ..member("g", Some(0))
        };
        assert!(!gone.listed_in(None));
    }
}
