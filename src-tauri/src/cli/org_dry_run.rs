//! `--dry-run` of an organization action: what a run would do to each person, from the
//! directory as it was read a moment ago. Reads only; no write is sent.

use super::actions::Chosen;
use super::clean;
use crate::atlassian::org::Permission;
use crate::cli::EXIT_OK;
use crate::session::org::{dry_run, DryRunState};
use crate::sweep::{Action, Plan};
use std::collections::HashMap;
use std::io::Write;

/// Prints one line per person (what a run would do, or why not) and a counts line; returns
/// the exit code.
pub fn report(plan: &Plan, chosen: &Chosen, allowed: &HashMap<String, Permission>) -> i32 {
    eprintln!("Dry run: nothing will be changed.");
    let action = plan.action;
    let would = format!("would_{}", action.as_str());
    let already = already_key(action);
    let mut counts = [
        (would.as_str(), 0u64),
        (already, 0),
        ("protected", 0),
        ("not_in_directory", 0),
        ("not_allowed", 0),
    ];
    let mut out = std::io::stdout().lock();
    let mut line = |what: usize, id: &str, name: &str, why: &str| {
        counts[what].1 += 1;
        let why = if why.is_empty() {
            String::new()
        } else {
            format!(": {why}")
        };
        // A reader that goes away early (`| head`) ends the listing quietly.
        let _ = writeln!(
            out,
            "{:<18} {}  {}{why}",
            counts[what].0,
            clean(id),
            clean(name)
        );
    };
    let directory = plan
        .org
        .as_ref()
        .map_or("the directory", |t| t.directory_name.as_str());
    for found in dry_run(plan, &chosen.users, directory, allowed) {
        let row = &plan.rows[found.row];
        match found.state {
            DryRunState::Protected => line(2, &row.account_id, &row.name, &found.detail),
            DryRunState::AlreadyDone => line(1, &row.account_id, &row.name, ""),
            DryRunState::WouldAct => line(0, &row.account_id, &row.name, ""),
            DryRunState::NotInDirectory => line(3, &row.account_id, &row.name, &found.detail),
            DryRunState::NotAllowed => line(4, &row.account_id, &row.name, &found.detail),
        }
    }
    for (id, name) in &chosen.not_in_directory {
        line(3, id, name, "never planned");
    }
    let summary: Vec<String> = counts.iter().map(|(k, n)| format!("{k}={n}")).collect();
    let _ = writeln!(out, "{}", summary.join(" "));
    EXIT_OK
}

/// The name for people the action has nothing to do for.
fn already_key(action: Action) -> &'static str {
    match action {
        Action::Suspend => "already_suspended",
        Action::Restore => "already_active",
        Action::Remove | Action::SiteRemove => "already_gone",
        Action::Deactivate => "already_deactivated",
        Action::Reactivate => "already_active",
        Action::DeleteAccount => "already_scheduled",
        Action::CancelDelete => "not_scheduled",
    }
}
