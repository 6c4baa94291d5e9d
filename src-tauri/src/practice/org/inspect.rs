//! What tests (and the window's practice mode) can read of the practice organization without
//! going through HTTP.

use super::seed::iso;
use super::state::Kind;
use super::view::org_user;
use crate::atlassian::org::OrgUser;
use crate::practice::PracticeSite;

impl PracticeSite {
    /// The practice organization's id (the `{orgId}` of every `/admin/` path).
    pub fn org_id(&self) -> String {
        self.state().config.org_id.clone()
    }

    /// The practice org API key without scopes (a made-up value that only opens this site).
    pub fn org_api_key(&self) -> String {
        self.state().config.org_api_key.clone()
    }

    /// One account as an expanded search shows it (roles, product access, groups filled);
    /// `None` when the organization does not hold it (never did, or it was removed).
    pub fn org_user(&self, account_id: &str) -> Option<OrgUser> {
        let state = self.state();
        let mut live = state.live();
        live.org.settle();
        live.org.get(account_id).map(|m| org_user(&state.org, m))
    }

    /// Every directory member (accounts without membership left out), in the order searches
    /// list them.
    pub fn org_users(&self) -> Vec<OrgUser> {
        let state = self.state();
        let mut live = state.live();
        live.org.settle();
        live.org
            .members
            .iter()
            .filter(|m| !m.gone && m.directory.is_some())
            .map(|m| org_user(&state.org, m))
            .collect()
    }

    /// The directory ids, the first being `Practice Directory`.
    pub fn org_directory_ids(&self) -> Vec<String> {
        let dirs = &self.state().org.directories;
        dirs.iter().map(|d| d.id.clone()).collect()
    }

    /// The directory an account belongs to; `None` when it belongs to none (or is unknown).
    pub fn org_directory_of(&self, account_id: &str) -> Option<String> {
        let state = self.state();
        let index = state.live().org.get(account_id)?.directory?;
        state.org.directories.get(index).map(|d| d.id.clone())
    }

    /// How many suspend, restore and remove requests arrived for this account, whatever was
    /// answered (a dropped connection included).
    pub fn org_writes_of(&self, account_id: &str) -> usize {
        self.state().org_writes_of(account_id)
    }

    /// An account's lifecycle: its `accountStatus` (`active` or `inactive`) and, while its
    /// deletion is pending, when it was asked for (ISO 8601, practice clock); `None` when the
    /// organization does not hold it (never did, removed, or permanently deleted).
    pub fn org_lifecycle_of(&self, account_id: &str) -> Option<(String, Option<String>)> {
        let mut live = self.state().live();
        live.org.settle();
        let m = live.org.get(account_id)?;
        Some((
            m.account_status().to_string(),
            m.deletion_requested.map(iso),
        ))
    }

    /// Moves the practice clock `days` forward (it never goes back; at most about 100 years
    /// ahead) and permanently deletes the accounts whose 14-day grace period is over; returns
    /// the total days ahead. Remembered across launches like `POST /practice/clock`, and
    /// applied even if the practice file cannot be written.
    pub fn advance_clock_days(&self, days: u32) -> u32 {
        // Only a failed save errs, and `must_save: false` applies the change all the same.
        super::clock::advance(self.state(), days, false).unwrap_or_default()
    }

    /// How many days the practice clock runs ahead of the computer's.
    pub fn org_clock_days(&self) -> u32 {
        self.state().live().org.clock_days
    }

    /// Plain managed accounts: invited directory members without any admin role, not the key's
    /// owner, not suspended when seeded, owning no sites. Every lifecycle action works on them.
    pub fn org_managed_ids(&self) -> Vec<String> {
        self.org_ids_of(Kind::Managed)
    }

    /// Directory members without an admin role that the organization has not claimed
    /// (`claimStatus: unmanaged`): the manage API refuses them (`managedAccount`).
    pub fn org_unmanaged_ids(&self) -> Vec<String> {
        self.org_ids_of(Kind::Unmanaged)
    }

    /// Managed directory members without an admin role synced from an identity provider: the
    /// manage API refuses lifecycle actions on them (`externalDirectory.scim`).
    pub fn org_synced_ids(&self) -> Vec<String> {
        self.org_ids_of(Kind::Synced)
    }

    /// Plain managed accounts (as [`PracticeSite::org_managed_ids`]) that own sites they
    /// created: their privileges say allowed, yet disable and delete answer 409
    /// `conflict.lifecycleErrors`. One or two when the organization has six or more plain
    /// managed people (one with three to five).
    pub fn org_site_owner_ids(&self) -> Vec<String> {
        self.org_ids_of(Kind::SiteOwner)
    }

    /// Plain-looking managed accounts that Google Workspace sync manages: the organization API
    /// shows nothing special, the manage API refuses lifecycle actions on them
    /// (`externalDirectory.google`). One when there are enough plain managed people.
    pub fn org_google_synced_ids(&self) -> Vec<String> {
        self.org_ids_of(Kind::GoogleSynced)
    }

    /// How many user-management lifecycle actions (`POST /users/{id}/manage/lifecycle/…`)
    /// arrived for this account, whatever was answered (a dropped connection included).
    pub fn org_lifecycle_calls_of(&self, account_id: &str) -> usize {
        self.record()
            .iter()
            .filter(|r| super::is_lifecycle_call(&r.method, &r.path))
            .filter(|r| r.account_id.as_deref() == Some(account_id))
            .count()
    }

    /// The accounts of one kind the organization still holds, in seed order.
    fn org_ids_of(&self, kind: Kind) -> Vec<String> {
        let mut live = self.state().live();
        live.org.settle();
        live.org
            .members
            .iter()
            .filter(|m| !m.gone && m.kind == kind)
            .map(|m| m.account_id.clone())
            .collect()
    }
}
