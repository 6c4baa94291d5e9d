//! What a failed command sends to the page: `{kind, message, field}`, written for an admin.

use crate::atlassian::{AtlassianError, SiteError};
use crate::roster::RosterError;
use crate::sweep::SweepError;
use crate::vault::VaultError;
use serde::Serialize;

/// A command's failure, as the page receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    /// A stable word the page can branch on (`bad_site`, `credentials`, `not_connected`, …).
    pub kind: &'static str,
    /// What happened and what to do, in words.
    pub message: String,
    /// The control the error belongs next to (`site`, `email`, `token`, `file`, `pace`, `run`).
    pub field: Option<&'static str>,
}

impl AppError {
    /// An error with no particular control.
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        AppError {
            kind,
            message: message.into(),
            field: None,
        }
    }

    /// The same error, shown next to `field`.
    pub fn at(mut self, field: &'static str) -> Self {
        self.field = Some(field);
        self
    }

    /// No connection checked yet in this window.
    pub fn not_connected() -> Self {
        AppError::new(
            "not_connected",
            "Connect to the site first: go to step 1 and check the connection.",
        )
    }

    /// A run is going on: only one at a time.
    pub fn busy() -> Self {
        AppError::new(
            "busy",
            "A run is in progress. Wait for it to finish or stop it first.",
        )
    }
}

impl From<SiteError> for AppError {
    fn from(e: SiteError) -> Self {
        AppError::new("bad_site", e.to_string()).at("site")
    }
}

impl From<AtlassianError> for AppError {
    fn from(e: AtlassianError) -> Self {
        let (kind, field) = match &e {
            AtlassianError::Site(_) => ("bad_site", Some("site")),
            AtlassianError::Unauthorized => ("credentials", Some("token")),
            AtlassianError::ScopedToken => ("scoped_token", Some("token")),
            AtlassianError::ExpiredToken => ("expired_token", Some("token")),
            AtlassianError::NoJira => ("no_jira", Some("site")),
            AtlassianError::Forbidden => ("forbidden", Some("email")),
            AtlassianError::Network(_) | AtlassianError::Setup(_) => ("network", Some("site")),
            AtlassianError::BadReply { .. } => ("bad_site", Some("site")),
            AtlassianError::RateLimited { .. } | AtlassianError::Status { .. } => ("network", None),
        };
        AppError {
            kind,
            message: e.to_string(),
            field,
        }
    }
}

impl From<crate::atlassian::org::OrgError> for AppError {
    fn from(e: crate::atlassian::org::OrgError) -> Self {
        use crate::atlassian::org::OrgError as O;
        let (kind, field) = match &e {
            O::BadApi(_) | O::BadReply { .. } => ("bad_api", Some("api")),
            O::BadOrgId(_) | O::OrgNotFound => ("bad_org", Some("org")),
            O::Unauthorized => ("credentials", Some("org-key")),
            O::ScopedKey => ("scoped_key", Some("org-key")),
            O::Forbidden => ("forbidden", Some("org-key")),
            O::Network(_) | O::Setup(_) => ("network", Some("api")),
            O::RateLimited { .. } | O::Status { .. } => ("network", None),
        };
        AppError {
            kind,
            message: e.to_string(),
            field,
        }
    }
}

impl From<VaultError> for AppError {
    fn from(e: VaultError) -> Self {
        AppError::new("keychain", e.to_string()).at("token")
    }
}

impl From<RosterError> for AppError {
    fn from(e: RosterError) -> Self {
        AppError::new("bad_file", e.to_string()).at("file")
    }
}

impl From<SweepError> for AppError {
    fn from(e: SweepError) -> Self {
        let kind = match &e {
            SweepError::Pace(_) => return AppError::new("bad_pace", e.to_string()).at("pace"),
            SweepError::RunBusy(_) => "busy",
            SweepError::NotARun(_) | SweepError::BadPlan { .. } => "no_run",
            SweepError::JournalDamaged { .. } => "no_run",
            SweepError::Journal { .. } | SweepError::Results { .. } => "journal",
        };
        AppError::new(kind, e.to_string()).at("run")
    }
}

impl From<crate::connections::ConnectionsError> for AppError {
    fn from(e: crate::connections::ConnectionsError) -> Self {
        AppError::new("internal", e.to_string())
    }
}

impl From<crate::session::SessionError> for AppError {
    fn from(e: crate::session::SessionError) -> Self {
        use crate::session::SessionError as S;
        let (kind, field) = match &e {
            S::Site(site) => return site.clone().into(),
            S::Atlassian(a) => return a.clone().into(),
            S::Org(o) => return o.clone().into(),
            S::BadEmail => ("bad_email", Some("email")),
            S::NoToken { .. } => ("no_token", Some("token")),
            S::Keychain(_) => ("keychain", Some("token")),
            S::PracticeOnly { .. } => ("practice_only", Some("site")),
            S::NothingToPlan(_) | S::NotInExport(_) => ("no_roster", None),
            S::ProtectedRehearsal { .. } => ("protected", Some("rehearse")),
            S::NotAPersonRehearsal { .. } => ("not_a_person", Some("rehearse")),
            S::StalePlan => ("stale_plan", Some("confirm")),
            S::WrongPhrase { .. } => ("phrase", Some("confirm")),
            S::AdminsUnknown(_) => ("admins_unknown", None),
            S::NoOrgKey { .. } => ("no_token", Some("org-key")),
            S::ScopedOrgKey => ("scoped_key", Some("org-key")),
            S::ChooseDirectory { .. } | S::NoSuchDirectory { .. } => {
                ("directory", Some("directory"))
            }
            S::NoDirectories { .. } => ("no_directory", Some("org")),
            S::DirectoryUnread(_) => ("directory_unread", None),
            S::LoadCancelled => ("cancelled", None),
            S::TooManyPages(_) => ("too_many_pages", None),
            S::NotASuspendRun(_) | S::GraceEnded { .. } => ("no_run", None),
            S::UsersFile { .. } => ("users_file", None),
        };
        AppError {
            kind,
            message: e.to_string(),
            field,
        }
    }
}
