//! `offboard org …` and `offboard undo`: organization mode on the command line (DESIGN.md
//! §6), over the session core's organization steps and the one engine `offboard delete` uses.
//! Connecting (the key from the keychain, `OFFBOARD_ORG_API_KEY` or a hidden prompt, never an
//! argument), choosing the directory, and the exit codes live here; listing, actions, undo and
//! the key in the siblings.

#[path = "org_actions.rs"]
mod actions;
#[path = "org_args.rs"]
mod args;
#[path = "org_dry_run.rs"]
mod dry_run;
#[path = "org_key.rs"]
mod key;
#[path = "undo.rs"]
mod undo;
#[path = "org_users.rs"]
mod users;

#[cfg(test)]
#[path = "org_tests.rs"]
mod tests;

pub use actions::resume;
pub use args::OrgArgs;
pub use undo::{undo, undo_words, UndoArgs};

use super::confirm::interactive;
use super::{EXIT_BAD_INPUT, EXIT_CREDENTIALS};
use crate::atlassian::org::OrgApi;
use crate::atlassian::ClientConfig;
use crate::session::org::{OrgConnection, OrgConnector};
use crate::session::{SessionError, TokenChoice};
use crate::sweep::Action;
use crate::vault::{ApiToken, OsKeychain};
use args::{OrgCommand, TargetArgs};
use std::sync::Arc;

/// Runs `offboard org …`.
pub async fn org(args: OrgArgs) -> i32 {
    match args.command {
        OrgCommand::Users(a) => users::users(a).await,
        OrgCommand::Suspend(a) => actions::act(Action::Suspend, a).await,
        OrgCommand::Restore(a) => actions::act(Action::Restore, a).await,
        OrgCommand::Remove(a) => actions::act(Action::Remove, a).await,
        OrgCommand::Deactivate(a) => actions::act(Action::Deactivate, a).await,
        OrgCommand::Reactivate(a) => actions::act(Action::Reactivate, a).await,
        OrgCommand::DeleteAccount(a) => actions::act(Action::DeleteAccount, a).await,
        OrgCommand::CancelDelete(a) => actions::act(Action::CancelDelete, a).await,
        OrgCommand::Key(a) => key::key(a).await,
    }
}

/// Connects to the organization `target` names and chooses its directory: the key is checked
/// against the organization, whose name and directories are printed.
async fn connect(target: &TargetArgs, config: ClientConfig) -> Result<OrgConnection, i32> {
    let connector = OrgConnector::new(Arc::new(OsKeychain), config);
    let api = connector.api(target.api.as_deref()).map_err(failed)?;
    let org_id = connector.org_id(&target.org).map_err(failed)?;
    let mut conn = open(&connector, &api, &org_id).await?;
    choose_directory(&mut conn, target.directory.as_deref())?;
    Ok(conn)
}

/// Finds the key for `org_id` (keychain, `OFFBOARD_ORG_API_KEY`, else a hidden prompt on a
/// terminal) and checks it against the organization.
async fn open(connector: &OrgConnector, api: &OrgApi, org_id: &str) -> Result<OrgConnection, i32> {
    let prompt = || interactive().then(|| prompt_key(org_id)).flatten();
    let key = connector
        .key(org_id, TokenChoice::Stored, prompt)
        .await
        .map_err(|e| match e {
            // An unreachable keychain is said first, then what to do instead.
            SessionError::Keychain(why) => {
                eprintln!("offboard: {why}");
                failed(SessionError::NoOrgKey {
                    org: org_id.to_owned(),
                })
            }
            other => failed(other),
        })?;
    let conn = connector.connect(api, org_id, key).await.map_err(failed)?;
    eprintln!("{}", conn.words());
    if let Some(warning) = conn.scoped_warning() {
        eprintln!("Warning: {warning}");
    }
    Ok(conn)
}

/// Reads the org API key at a hidden prompt on the terminal.
fn prompt_key(org_id: &str) -> Option<ApiToken> {
    let asked = format!("Organization API key for {org_id} (input hidden): ");
    match rpassword::prompt_password(asked) {
        Ok(k) if !k.trim().is_empty() => Some(ApiToken::new(k)),
        _ => None,
    }
}

/// Chooses the directory `asked` names (its id, or its name when only one has it); without
/// one, an organization with several directories is refused with the list to choose from.
fn choose_directory(conn: &mut OrgConnection, asked: Option<&str>) -> Result<(), i32> {
    let Some(asked) = asked.map(str::trim).filter(|a| !a.is_empty()) else {
        return match conn.directory() {
            Ok(_) => Ok(()),
            Err(e) => Err(directory_refused(conn, e)),
        };
    };
    let by_name: Vec<&str> = conn
        .directories
        .iter()
        .filter(|d| d.name.trim().eq_ignore_ascii_case(asked))
        .map(|d| d.directory_id.as_str())
        .collect();
    let id = match conn.directories.iter().find(|d| d.directory_id == asked) {
        Some(d) => d.directory_id.clone(),
        None if by_name.len() == 1 => by_name[0].to_owned(),
        None => asked.to_owned(),
    };
    conn.choose_directory(&id)
        .map_err(|e| directory_refused(conn, e))?;
    if conn.directories.len() > 1 {
        if let Some(d) = &conn.directory {
            eprintln!("Working in the directory {} ({}).", d.name, d.directory_id);
        }
    }
    Ok(())
}

/// Says why no directory could be chosen, then lists the organization's directories.
fn directory_refused(conn: &OrgConnection, e: SessionError) -> i32 {
    let code = failed(e);
    eprintln!("Choose one with --directory (its id, or its name):");
    for d in &conn.directories {
        eprintln!("  {}  {}", d.directory_id, d.name);
    }
    code
}

/// Text from the directory or a file without control characters, so a name cannot steer the
/// terminal it is printed on.
fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

/// Prints a session step's refusal; the exit code says whether the key was refused (3) or
/// the input cannot be used (2). Either way nothing was changed.
fn failed(e: SessionError) -> i32 {
    let refused = match &e {
        SessionError::ScopedOrgKey => true,
        SessionError::Org(o) => o.credentials_refused(),
        _ => false,
    };
    eprintln!("offboard: {e}");
    if refused {
        EXIT_CREDENTIALS
    } else {
        EXIT_BAD_INPUT
    }
}
