//! The session core shared by the command line and the window: connecting (token sources,
//! email checks, practice sandbox, the live `site-admins` read), building the plan and its typed
//! phrase, checking the confirmation against the exact plan, and copying results into place.
//! Written once here so the two front ends cannot drift apart; knows nothing of Tauri.

mod admins;
mod connect;
pub mod org;
mod plan;
mod rehearsal;
mod results;

#[cfg(test)]
mod tests;

pub use admins::{read_site_admins, require_site_admins, SiteAdmins};
pub use connect::{Connection, Connector, PracticeLogin, TokenChoice};
pub use plan::{prepare, Prepared, Selection};
pub use rehearsal::check_rehearsal_person;
pub use results::copy_into_place;

use crate::atlassian::{AtlassianError, SiteError};
use crate::vault::VaultError;

/// Why a session step was refused, in words for an admin.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SessionError {
    /// The site address cannot be used.
    #[error(transparent)]
    Site(#[from] SiteError),
    /// The site answered badly or not at all.
    #[error(transparent)]
    Atlassian(#[from] AtlassianError),
    /// The email cannot be an Atlassian login.
    #[error("Enter the email address you sign in to Atlassian with (the API token's owner).")]
    BadEmail,
    /// No token from any source.
    #[error("No API token for {email} on {site}. Enter one (create it on Atlassian's API-token page), save one in the keychain, or set OFFBOARD_API_TOKEN.")]
    NoToken {
        /// The site's host.
        site: String,
        /// The admin email.
        email: String,
    },
    /// The keychain failed and nothing else had a token.
    #[error("{0}")]
    Keychain(String),
    /// Practice mode reaches the practice site only.
    #[error("Practice mode connects only to the practice site ({practice}). To work on {asked}, close Offboard and open it normally (without --practice).")]
    PracticeOnly {
        /// The practice site's address.
        practice: String,
        /// What was asked for.
        asked: String,
    },
    /// No export open, or nothing selected.
    #[error("{0}")]
    NothingToPlan(String),
    /// A selected id is not in the open export.
    #[error("{0} is not in the export that is open; open it again and re-select.")]
    NotInExport(String),
    /// A rehearsal of a person Offboard protects.
    #[error("{name} is protected ({reason}), so it cannot be rehearsed on. Pick another person.")]
    ProtectedRehearsal {
        /// Who.
        name: String,
        /// Why.
        reason: String,
    },
    /// A rehearsal of an app or customer account: the site says it is not a person.
    #[error("{name} is {kind}, not a person: a rehearsal shows what happens to the people you remove, so pick one of them.")]
    NotAPersonRehearsal {
        /// Who.
        name: String,
        /// What the site says the account is.
        kind: &'static str,
    },
    /// The plan the confirmation was typed for is no longer the current one.
    #[error("The plan changed since the confirmation was typed (another connection, file or selection). Review it again and type the new phrase.")]
    StalePlan,
    /// The typed words are not the plan's phrase.
    #[error("Type exactly '{expected}' to go on. Nothing was removed.")]
    WrongPhrase {
        /// The phrase to type.
        expected: String,
    },
    /// The organization API refused or failed.
    #[error(transparent)]
    Org(#[from] crate::atlassian::org::OrgError),
    /// No org API key from any source.
    #[error("No organization API key for {org}. Enter one (admin.atlassian.com → Settings → API keys → Create API key, without scopes), save one in the keychain with `offboard org key set --org {org}`, or set OFFBOARD_ORG_API_KEY.")]
    NoOrgKey {
        /// The org id.
        org: String,
    },
    /// The key was made with scopes.
    #[error("This organization API key was created with scopes. It can read your users, but Atlassian refuses suspend and remove with it. Create an API key without scopes: admin.atlassian.com → Settings → API keys → Create API key, and do not choose any scopes.")]
    ScopedOrgKey,
    /// The organization has several directories and none is chosen.
    #[error("{org} has several directories: choose the one to work in ({names}).")]
    ChooseDirectory {
        /// The organization's name.
        org: String,
        /// Its directories.
        names: String,
    },
    /// The directory asked for is not one of the organization's.
    #[error("{org} has no directory '{directory}'. Choose one of its directories (offboard org users --org … lists them).")]
    NoSuchDirectory {
        /// The organization's name.
        org: String,
        /// What was asked for.
        directory: String,
    },
    /// The organization shows no directory to this key.
    #[error("{org} shows no directory to this API key, so there are no users to work on. Check that the key belongs to an organization admin of {org}.")]
    NoDirectories {
        /// The organization's name.
        org: String,
    },
    /// The directory could not be read before planning or running.
    #[error("Could not read the organization's directory ({0}). Nothing was changed; try again in a moment.")]
    DirectoryUnread(String),
    /// The admin cancelled loading users.
    #[error("Loading users was cancelled; nothing was kept.")]
    LoadCancelled,
    /// The directory's pages never ended.
    #[error("The organization's user list went on past {0} pages, so Offboard stopped reading it. Filter the list (status, managed) and load again.")]
    TooManyPages(usize),
    /// An undo asked from a run of another action (restore from a run that did not suspend).
    #[error("Run {0} cannot be used here: restore takes the people of a suspend run, reactivate those of a deactivate run, and cancel-delete those of a delete-account run; the other actions take the people of any organization run. Choose another run (offboard runs lists them).")]
    NotASuspendRun(String),
    /// Every deletion of a run is past its 14-day grace period.
    #[error("The deletions of run {run} can no longer be cancelled: their 14-day grace period ended on {ended}, and Atlassian has deleted those accounts for good. Nothing was changed.")]
    GraceEnded {
        /// The run.
        run: String,
        /// The day the last grace period ended.
        ended: String,
    },
    /// The users file could not be written.
    #[error("Could not write the users file {path}: {detail}")]
    UsersFile {
        /// The file.
        path: String,
        /// What went wrong.
        detail: String,
    },
    /// The site's admins could not be read before a run.
    #[error("Could not read your site's site-admins group ({0}), so Offboard cannot be sure who your admins are. Nothing was removed; try again in a moment.")]
    AdminsUnknown(String),
}

impl From<VaultError> for SessionError {
    fn from(e: VaultError) -> Self {
        SessionError::Keychain(e.to_string())
    }
}
