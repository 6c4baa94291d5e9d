//! The practice site: a simulated Atlassian site on 127.0.0.1 for practice mode and tests.
//!
//! It answers Jira Cloud's user endpoints (`myself`, `user`, `user/bulk`, `DELETE user`, under
//! both `/rest/api/2/` and `/rest/api/3/`) the way DESIGN.md §4 describes them, with Basic auth,
//! a token-bucket rate limit on DELETE, and seeded, reproducible faults. It also answers
//! `group/member` for its one group, `site-admins` (paged like Jira's "Get users from group";
//! 404 when the site is set up without it), and can pretend to remove chosen users while
//! keeping them. Given a file to remember removals in, it holds the same users across launches
//! (removals.rs). It can also act out what "Check connection" must explain (credentials.rs):
//! scoped and expired tokens (401s), and a Confluence-only site (no Jira paths, Confluence's
//! "Get current user" answering). Under `/admin/` it also plays the Atlassian Organization
//! admin API for an organization seeded from the same people (org/). Every request is recorded
//! (never the token or key) so tests can assert on what a client did.

mod admins;
mod bucket;
mod cli;
mod cli_org;
mod config;
mod credentials;
mod delete;
mod generate;
mod group;
mod handler;
mod org;
mod removals;
mod reply;
mod sample;
mod server;
mod state;

pub use admins::{practice_admin_ids, AdminIds};
pub use cli::{run_cli, write_export, PracticeSiteArgs};
pub use cli_org::PracticeOrgArgs;
pub use config::{
    Faults, PracticeConfig, PracticeUser, DEFAULT_ORG_API_KEY, DEFAULT_ORG_ID, DEFAULT_ORG_NAME,
};
pub use sample::write_sample_export;
pub use server::PracticeSite;
pub use state::RecordedRequest;

/// The account id of the weak (non-site-admin) practice login, as `myself` reports it.
pub const WEAK_ACCOUNT_ID: &str = "5c0ffee0d1a2b3c4d5e6f701";

/// Why the practice site could not be prepared or started.
#[derive(Debug, thiserror::Error)]
pub enum PracticeError {
    /// The listening socket could not be opened.
    #[error(
        "Could not start the practice site on {addr}: {source}. Another program may be using \
         that port: choose another port, or use port 0 to let the computer pick a free one."
    )]
    Bind {
        /// The address we tried to listen on.
        addr: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The export used to seed the practice users could not be read.
    #[error(
        "Could not load practice users from {path}: {reason}. Choose a user export from \
         admin.atlassian.com, or start the practice site with generated users instead."
    )]
    Csv {
        /// The file we tried to read.
        path: String,
        /// What went wrong, in words.
        reason: String,
    },
    /// The practice users could not be written out as an export.
    #[error(
        "Could not write the practice users to {path}: {reason}. Choose a folder you can write to."
    )]
    Export {
        /// The file we tried to write.
        path: String,
        /// What went wrong, in words.
        reason: String,
    },
    /// The file that remembers the practice site's removals could not be read or written.
    #[error(
        "Could not read or write the practice site's list of removed users at {path}: {source}. \
         Check that Offboard's data folder can be written to."
    )]
    Memory {
        /// The file.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A practice setting is out of range.
    #[error("The practice site setting {setting} is not valid: {reason}")]
    InvalidSetting {
        /// Which setting (as the command line names it).
        setting: &'static str,
        /// What is allowed.
        reason: String,
    },
}
