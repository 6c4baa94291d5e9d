//! Organization mode's session steps (DESIGN.md §6), shared by the command line and the window:
//! connecting with an org API key, loading the directory's users, filtering them, matching an
//! export, planning an action with its phrase, and the guard read live before a run.

mod connect;
mod dry_run;
mod filter;
mod load;
mod plan;
mod preflight;
mod users_csv;

pub use connect::{OrgConnection, OrgConnector, PracticeOrg};
pub use dry_run::{dry_run, DryRunRow, DryRunState};
pub use filter::UserFilter;
pub use load::{load_pages, load_users, LoadProgress};
pub use plan::{
    grace_ends_words, live_guard, people_of_run, people_of_run_at, prepare_org, OrgChoice,
};
pub use preflight::read_privileges;
pub use users_csv::{match_export, read_people, write_users_csv, ExportMatch, USERS_HEADER};
