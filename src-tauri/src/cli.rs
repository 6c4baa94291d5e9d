//! The command line: `offboard <subcommand>`; without one, the desktop window opens.

mod confirm;
pub mod logging;
mod org;
mod progress;
mod run;
mod token;

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Exit code: nothing failed.
pub const EXIT_OK: i32 = 0;
/// Exit code: some rows failed.
pub const EXIT_SOME_FAILED: i32 = 1;
/// Exit code: bad input (file, site, options, missing token, no confirmation); nothing was removed.
pub const EXIT_BAD_INPUT: i32 = 2;
/// Exit code: the site rejected the credentials (401) or their rights (403).
pub const EXIT_CREDENTIALS: i32 = 3;
/// Exit code: `delete --dry-run` or `org users` cancelled by Ctrl-C (128 + SIGINT); nothing was
/// changed.
pub const EXIT_CANCELLED: i32 = 130;

/// Offboard removes many users from an Atlassian Cloud site, safely, from an admin.atlassian.com
/// user export. Without a subcommand it opens the desktop window.
#[derive(Debug, Parser)]
#[command(name = "offboard", version, about)]
pub struct Cli {
    /// Open the window on the built-in practice site (a simulated Atlassian site on this
    /// computer), to learn the tool without touching a real site.
    #[arg(long)]
    pub practice: bool,
    /// Commands: also write the log (connection checks, each run's start and end, throttles,
    /// retries, errors; never a token) to FILE. The window always writes its own log file, in
    /// the folder its About box names.
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    /// What to do; without a subcommand the desktop window opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Remove the users listed in an export from a site (or only check them with --dry-run).
    ///
    /// Never removed: your own account. Removed only with --unlock-admins: org admins (the
    /// export's Org role), members of admin groups named in the export (site-admins,
    /// org-admins, administrators, jira-admins-<site>, ...), and the members of the site's own
    /// site-admins group, read from the site before anything is removed. A file without admin
    /// information is read with a warning. After the run every removed user is looked up again.
    Delete(DeleteArgs),
    /// Go on with a run that was cut short (crash, kill, stop) or stopped on bad credentials.
    Resume(ResumeArgs),
    /// Save or forget the API token for a site in the OS keychain.
    Token(TokenArgs),
    /// List the runs kept on this computer.
    Runs(RunsArgs),
    /// Undo an earlier suspend, deactivate or delete-account run, as a run of its own.
    ///
    /// Restores the access a suspend run suspended, reactivates the accounts a deactivate run
    /// deactivated, or cancels the deletions of a delete-account run while their 14 days last
    /// (the last day is shown). The undo is planned, confirmed with a typed phrase, journalled
    /// and verified like any run. Site runs, removals and undo runs cannot be undone by Offboard.
    Undo(org::UndoArgs),
    /// Organization mode: list the users of an organization's directory, suspend, restore or
    /// remove them, or deactivate or delete the accounts your company manages, with an
    /// organization API key (made without scopes at admin.atlassian.com).
    Org(org::OrgArgs),
    /// Run the practice site: a simulated Atlassian site on this computer, for learning and tests.
    // Boxed: its many knobs would otherwise make every command as large.
    PracticeSite(Box<crate::practice::PracticeSiteArgs>),
}

/// Options shared by `delete` and `resume` about how to talk to the site.
#[derive(Debug, Clone, Args)]
pub struct NetArgs {
    /// Seconds to wait for each reply before counting it lost (and retrying).
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    pub timeout: f64,
    /// First backoff delay after a fault, in milliseconds (default 2000, as Atlassian advises).
    #[arg(long, value_name = "MS")]
    pub backoff_base_ms: Option<u64>,
}

impl NetArgs {
    /// Applies the options that belong to the plan (a resume may change them too).
    pub fn apply_to(&self, plan: &mut crate::sweep::Plan) {
        if let Some(ms) = self.backoff_base_ms {
            plan.retry.backoff_base = std::time::Duration::from_millis(ms);
        }
    }
}

/// Refuses an email that cannot be an Atlassian login, with the flag to fix.
fn check_email(email: &str) -> Result<(), String> {
    if email.trim().is_empty() || !email.contains('@') {
        return Err("give the site admin's email address with --email".into());
    }
    Ok(())
}

/// `offboard delete`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The site: `acme`, `acme.atlassian.net` or its full URL.
    #[arg(long)]
    pub site: String,
    /// The site admin's email (the token's owner).
    #[arg(long)]
    pub email: String,
    /// The user export from admin.atlassian.com (CSV).
    #[arg(long, value_name = "FILE")]
    pub csv: PathBuf,
    /// Look every user up and report what a run would do; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for the typed confirmation.
    #[arg(long)]
    pub yes: bool,
    /// Most requests per second (default 20; at most 50, Atlassian's documented rate, shared by the whole site).
    #[arg(long, value_name = "N", default_value_t = crate::sweep::DEFAULT_RATE)]
    pub max_rate: f64,
    /// Also remove admins: rows with an org role or an admin group, and members of the site's
    /// site-admins group. Your own account is never removed.
    #[arg(long)]
    pub unlock_admins: bool,
    /// In flight, results, runs folder, connection.
    #[command(flatten)]
    pub run: RunArgs,
}

/// What `delete`, `org ACTION` and `undo` share about how a run goes and what it keeps.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Most requests in flight at once (default 8, at most 32).
    #[arg(long, value_name = "N", default_value_t = crate::sweep::DEFAULT_IN_FLIGHT)]
    pub max_in_flight: usize,
    /// Also write the results CSV here (it is always kept in the run's folder).
    #[arg(long, value_name = "FILE")]
    pub results: Option<PathBuf>,
    /// Where runs are kept.
    #[command(flatten)]
    pub journal: JournalDirArg,
    /// Connection options.
    #[command(flatten)]
    pub net: NetArgs,
}

/// `offboard resume`.
#[derive(Debug, Args)]
pub struct ResumeArgs {
    /// The run's id (from `offboard runs`) or its folder.
    pub run: String,
    /// Also send the rows that failed again, in this same run (a row whose earlier reply was
    /// lost and is now gone from the site is reported removed).
    #[arg(long)]
    pub retry_failed: bool,
    /// Also write the results CSV here (it is always kept in the run's folder).
    #[arg(long, value_name = "FILE")]
    pub results: Option<PathBuf>,
    /// Organization runs made on the practice site: its address now, if it moved.
    #[arg(long, value_name = "URL")]
    pub api: Option<String>,
    /// Where runs are kept.
    #[command(flatten)]
    pub journal: JournalDirArg,
    /// Connection options.
    #[command(flatten)]
    pub net: NetArgs,
}

/// `offboard token`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// `set` or `forget`.
    #[command(subcommand)]
    pub action: TokenAction,
}

/// What to do with a saved token.
#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Save a token: typed at a hidden prompt, or read from standard input when piped.
    Set(TokenTarget),
    /// Delete the saved token from the keychain.
    Forget(TokenTarget),
}

/// Which token.
#[derive(Debug, Args)]
pub struct TokenTarget {
    /// The site.
    #[arg(long)]
    pub site: String,
    /// The admin email.
    #[arg(long)]
    pub email: String,
}

/// `offboard runs`.
#[derive(Debug, Args)]
pub struct RunsArgs {
    /// Where runs are kept.
    #[command(flatten)]
    pub journal: JournalDirArg,
}

/// `--journal-dir`, shared by `delete`, `resume` and `runs`.
#[derive(Debug, Clone, Args)]
pub struct JournalDirArg {
    /// Folder for run journals (default: the app's data folder, or OFFBOARD_DATA_DIR/runs).
    #[arg(long, value_name = "DIR")]
    pub journal_dir: Option<PathBuf>,
}

impl JournalDirArg {
    /// The runs folder: `--journal-dir`, else the app's data folder.
    pub fn runs_dir(&self) -> PathBuf {
        self.journal_dir
            .clone()
            .unwrap_or_else(crate::paths::runs_dir)
    }
}

/// Runs the command line or the window; returns the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        logging::init_window(cli.practice);
        return match crate::app::run(cli.practice) {
            Ok(()) => EXIT_OK,
            Err(e) => {
                eprintln!("offboard: could not open the window: {e}");
                1
            }
        };
    };
    logging::init_command(cli.log_file.as_deref());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("offboard: could not start: {e}");
            return 1;
        }
    };
    runtime.block_on(async move {
        match command {
            Command::Delete(args) => run::delete(args).await,
            Command::Resume(args) => run::resume(args).await,
            Command::Token(args) => token::token(args).await,
            Command::Runs(args) => run::list(args),
            Command::Undo(args) => org::undo(args).await,
            Command::Org(args) => org::org(args).await,
            Command::PracticeSite(args) => crate::practice::run_cli(*args).await,
        }
    })
}
