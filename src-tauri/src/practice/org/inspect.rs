//! What tests (and the window's practice mode) can read of the practice organization without
//! going through HTTP.

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
        let live = state.live();
        live.org.get(account_id).map(|m| org_user(&state.org, m))
    }

    /// Every directory member (accounts without membership left out), in the order searches
    /// list them.
    pub fn org_users(&self) -> Vec<OrgUser> {
        let state = self.state();
        let live = state.live();
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
}
