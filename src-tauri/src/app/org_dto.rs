//! The shapes organization mode's commands send to the page (camelCase, like `dto.rs`), built
//! from the org session's types. The org API key is in none of them.

use crate::roster::RosterUser;
use crate::session::org::OrgConnection;
use serde::Serialize;

/// A checked organization connection, as the Connect step shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgConnectionDto {
    org_id: String,
    org_name: String,
    /// The org API's base URL.
    api: String,
    /// The organization's directories, as Atlassian names them.
    directories: Vec<DirectoryDto>,
    /// The directory loads and runs act in: chosen, or the only one.
    directory_id: Option<String>,
    /// The key was made with scopes: users can be read, nothing can be changed.
    key_has_scopes: bool,
    /// What a key with scopes means and how to make one without (or a note that the key
    /// could not be saved).
    warning: Option<String>,
    /// One line: which organization, which directories.
    words: String,
    /// Connected to the practice organization.
    practice: bool,
    /// Whether the keychain holds a key for this organization (never in practice mode).
    key_saved: bool,
}

/// One directory of the organization.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryDto {
    id: String,
    name: String,
}

impl OrgConnectionDto {
    /// The page's view of `conn`; `note` joins the scoped-key words in `warning`.
    pub fn new(conn: &OrgConnection, note: Option<String>, key_saved: bool) -> Self {
        let warning = match (conn.scoped_warning(), note) {
            (Some(scoped), Some(note)) => Some(format!("{scoped} {note}")),
            (scoped, note) => scoped.or(note),
        };
        OrgConnectionDto {
            org_id: conn.org.id.clone(),
            org_name: conn.org.name.clone(),
            api: conn.api(),
            directories: conn
                .directories
                .iter()
                .map(|d| DirectoryDto {
                    id: d.directory_id.clone(),
                    name: d.name.clone(),
                })
                .collect(),
            directory_id: conn.directory.as_ref().map(|d| d.directory_id.clone()),
            key_has_scopes: conn.key_has_scopes,
            warning,
            words: conn.words(),
            practice: conn.practice,
            key_saved,
        }
    }
}

/// A person of the export the directory does not hold.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotInDirectoryDto {
    account_id: String,
    name: String,
    email: String,
}

impl From<&RosterUser> for NotInDirectoryDto {
    fn from(u: &RosterUser) -> Self {
        NotInDirectoryDto {
            account_id: u.account_id.clone(),
            name: u.name.clone(),
            email: u.email.clone(),
        }
    }
}

/// The dry run of an organization plan: each person read back from the directory, no writes.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgPreflightDto {
    /// The plan this dry run describes.
    pub plan_id: String,
    /// One entry per planned person, in plan order.
    pub rows: Vec<OrgPreflightRowDto>,
    /// People the run would act on.
    pub would_act: u64,
    /// People the run would skip (admins, synced, no membership, not read).
    pub protected: u64,
    /// People the directory no longer holds.
    pub not_in_directory: u64,
    /// People already in the action's end state (suspended for suspend, active for restore).
    pub already_done: u64,
    /// People Atlassian's per-account check does not allow the account action for.
    pub not_allowed: u64,
}

impl From<crate::session::org::DryRunState> for PreflightState {
    fn from(state: crate::session::org::DryRunState) -> Self {
        use crate::session::org::DryRunState as D;
        match state {
            D::WouldAct => PreflightState::WouldAct,
            D::Protected => PreflightState::Protected,
            D::NotInDirectory => PreflightState::NotInDirectory,
            D::AlreadyDone => PreflightState::AlreadyDone,
            D::NotAllowed => PreflightState::NotAllowed,
        }
    }
}

/// What the dry run found for one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PreflightState {
    /// The run would send its request.
    WouldAct,
    /// The run would skip this person.
    Protected,
    /// The directory does not hold this person now.
    NotInDirectory,
    /// The action's end state holds already.
    AlreadyDone,
    /// Atlassian's per-account check does not allow this account action.
    NotAllowed,
}

/// One person of the dry run.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgPreflightRowDto {
    /// The plan row (0-based, as run events number rows).
    pub row: usize,
    /// The account id.
    pub account_id: String,
    /// The name.
    pub name: String,
    /// What the run would do.
    pub state: PreflightState,
    /// Why, in words.
    pub detail: String,
}

impl OrgPreflightDto {
    /// Adds one row and counts it.
    pub fn push(&mut self, row: OrgPreflightRowDto) {
        let count = match row.state {
            PreflightState::WouldAct => &mut self.would_act,
            PreflightState::Protected => &mut self.protected,
            PreflightState::NotInDirectory => &mut self.not_in_directory,
            PreflightState::AlreadyDone => &mut self.already_done,
            PreflightState::NotAllowed => &mut self.not_allowed,
        };
        *count += 1;
        self.rows.push(row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preflight_rows_are_counted_by_state() {
        let mut dto = OrgPreflightDto::default();
        for (row, state) in [
            PreflightState::WouldAct,
            PreflightState::AlreadyDone,
            PreflightState::WouldAct,
        ]
        .into_iter()
        .enumerate()
        {
            dto.push(OrgPreflightRowDto {
                row,
                account_id: format!("a{row}"),
                name: String::new(),
                state,
                detail: String::new(),
            });
        }
        let json = serde_json::to_value(&dto).unwrap();
        assert_eq!(json["wouldAct"], 2);
        assert_eq!(json["alreadyDone"], 1);
        assert_eq!(json["rows"][1]["state"], "already_done");
    }
}
