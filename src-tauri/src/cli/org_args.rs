//! The options of `offboard org …`: which organization and directory, which users, which
//! action, and how fast. The org API key is never an option (keychain, environment, prompt).

use super::super::RunArgs;
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// The statuses `users/search` knows (ORG-API.md §3).
pub const STATUSES: [&str; 5] = [
    "active",
    "suspended",
    "not_invited",
    "deactivated",
    "for_deletion",
];

/// `offboard org`.
#[derive(Debug, Args)]
pub struct OrgArgs {
    /// What to do in the organization.
    #[command(subcommand)]
    pub command: OrgCommand,
}

/// The organization subcommands.
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// List the users of the organization's directory (or write them as a CSV), with filters.
    Users(UsersArgs),
    /// Suspend the access of the users in an export or an earlier run (reversible with
    /// `restore`). Never touched: organization admins and people your identity provider
    /// provisions; other admins only with --unlock-admins.
    Suspend(ActionArgs),
    /// Restore the access of suspended users (from a suspend run with --from-run, or an export).
    Restore(ActionArgs),
    /// Remove the users in an export or an earlier run from the directory. Their account and
    /// work stay; suspending first is the reversible step.
    Remove(ActionArgs),
    /// Deactivate the Atlassian accounts of the users in an export or an earlier run
    /// (reversible with `offboard undo RUN`). Only accounts your company manages.
    ///
    /// A deactivated person can no longer sign in to any Atlassian app, and you are not billed
    /// for them; their work (issues, pages, comments) stays. Only accounts your company manages
    /// (a verified domain) are deactivated; never an admin's account, nor one your identity
    /// provider provisions (deactivate those there). Undo with `offboard undo RUN`, or
    /// `reactivate --from-run RUN`. With --dry-run, Atlassian's own check of each account is
    /// read: who may be deactivated, and why not.
    Deactivate(ActionArgs),
    /// Reactivate deactivated accounts (the people of a deactivate run with --from-run, or an
    /// export): they can sign in again and get back the access they had.
    Reactivate(ActionArgs),
    /// Delete the Atlassian accounts of the users in an export or an earlier run: 14 days to
    /// cancel, then permanent. Only accounts your company manages.
    ///
    /// For 14 days each account is deactivated and its deletion can be cancelled (`offboard
    /// undo RUN`, or `cancel-delete --from-run RUN`); after that it is deleted for good and
    /// cannot be brought back. Their work stays, shown under a former user. Only accounts your
    /// company manages (a verified domain) are deleted; never an admin's account, nor one your
    /// identity provider provisions. With SAML single sign-on, remove the people from your
    /// identity provider first, or their accounts may be activated again. Deactivating is the
    /// step you can always undo.
    DeleteAccount(ActionArgs),
    /// Cancel the deletion of accounts still within their 14-day grace period (the people of a
    /// delete-account run with --from-run, or an export).
    ///
    /// The accounts stay deactivated: reactivate them to give their access back. After the 14
    /// days nothing can be cancelled: the accounts are deleted for good.
    CancelDelete(ActionArgs),
    /// Save or forget an organization's API key in this computer's keychain.
    Key(KeyArgs),
}

/// Which organization, which directory, which API: shared by every org subcommand that
/// connects.
#[derive(Debug, Clone, Args)]
pub struct TargetArgs {
    /// The organization: its id, or an admin.atlassian.com address pasted whole.
    #[arg(long, value_name = "ORG")]
    pub org: String,
    /// The directory to work in (its id or name); needed when the organization has several.
    #[arg(long, value_name = "DIR")]
    pub directory: Option<String>,
    /// The organization API (default https://api.atlassian.com; otherwise only the practice
    /// site on this computer, http://127.0.0.1:PORT).
    #[arg(long, value_name = "URL")]
    pub api: Option<String>,
}

/// `offboard org users`.
#[derive(Debug, Args)]
pub struct UsersArgs {
    /// Which organization and directory.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Write the users to this CSV (shaped like an admin.atlassian.com export, so `suspend
    /// --csv` can read it) instead of printing a table.
    #[arg(long, value_name = "FILE")]
    pub csv_out: Option<PathBuf>,
    /// Only users not active in PRODUCT since DATE (never active counts), e.g. jira:2026-03-01.
    #[arg(long, value_name = "PRODUCT:YYYY-MM-DD")]
    pub inactive_since: Option<String>,
    /// Only users with this status (repeat for several).
    #[arg(long, value_name = "STATUS", value_parser = clap::builder::PossibleValuesParser::new(STATUSES))]
    pub status: Vec<String>,
    /// Only accounts your company manages (a verified domain).
    #[arg(long, conflicts_with = "unmanaged")]
    pub managed: bool,
    /// Only accounts your company does not manage.
    #[arg(long)]
    pub unmanaged: bool,
    /// Only people your identity provider provisions (SCIM).
    #[arg(long, conflicts_with = "not_synced")]
    pub synced: bool,
    /// Only people your identity provider does not provision.
    #[arg(long)]
    pub not_synced: bool,
    /// Only people with an admin role (organization, site or user-access admin).
    #[arg(long, conflicts_with = "no_admins")]
    pub admins: bool,
    /// Only people without an admin role.
    #[arg(long)]
    pub no_admins: bool,
}

/// `offboard org suspend|restore|remove|deactivate|reactivate|delete-account|cancel-delete`.
#[derive(Debug, Args)]
pub struct ActionArgs {
    /// Which organization and directory.
    #[command(flatten)]
    pub target: TargetArgs,
    /// The user export from admin.atlassian.com (CSV), or a file from `org users --csv-out`;
    /// its people are matched to the directory, and those not in it are listed, never acted on.
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "from_run",
        conflicts_with = "from_run"
    )]
    pub csv: Option<PathBuf>,
    /// The people an earlier organization run acted on (its id from `offboard runs`, or its
    /// folder): restore after a suspend, remove or deactivate after a suspend, reactivate after
    /// a deactivate, cancel-delete after a delete-account (accounts still in their 14 days).
    #[arg(long, value_name = "RUN")]
    pub from_run: Option<String>,
    /// Read every user and report what a run would do; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for the typed confirmation.
    #[arg(long)]
    pub yes: bool,
    /// Suspend and remove: also act on site admins and user-access admins. Organization admins
    /// and people your identity provider provisions are never touched. Refused for the account
    /// actions: an admin's account is never deactivated or deleted.
    #[arg(long)]
    pub unlock_admins: bool,
    /// Most requests per second (default 5 for the organization API, which publishes no
    /// limits; at most 50).
    #[arg(long, value_name = "N")]
    pub max_rate: Option<f64>,
    /// In flight, results, runs folder, connection.
    #[command(flatten)]
    pub run: RunArgs,
}

/// `offboard org key`.
#[derive(Debug, Args)]
pub struct KeyArgs {
    /// `set` or `forget`.
    #[command(subcommand)]
    pub action: KeyAction,
}

/// What to do with an organization's saved API key.
#[derive(Debug, Subcommand)]
pub enum KeyAction {
    /// Save the key: typed at a hidden prompt, or read from standard input when piped.
    Set(KeyTarget),
    /// Delete the saved key from the keychain.
    Forget(KeyTarget),
}

/// Whose key.
#[derive(Debug, Args)]
pub struct KeyTarget {
    /// The organization: its id, or an admin.atlassian.com address pasted whole.
    #[arg(long, value_name = "ORG")]
    pub org: String,
}
