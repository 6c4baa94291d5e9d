//! `--dry-run` of an organization action: what a run would do to each person, from the
//! directory as it was read a moment ago. Reads only; no write is sent.

use super::actions::Chosen;
use super::clean;
use crate::atlassian::org::signals::end_state_holds;
use crate::cli::EXIT_OK;
use crate::roster::canonical_account_id;
use crate::sweep::{Action, Guard, OrgFacts, Plan};
use std::collections::HashMap;
use std::io::Write;

/// Prints one line per person (what a run would do, or why not) and a counts line; returns
/// the exit code.
pub fn report(plan: &Plan, chosen: &Chosen) -> i32 {
    eprintln!("Dry run: nothing will be changed.");
    let action = plan.action;
    let guard = Guard::default().with_org_facts(
        chosen
            .users
            .iter()
            .map(|u| (u.account_id.clone(), OrgFacts::from(u))),
    );
    let by_id: HashMap<String, _> = chosen
        .users
        .iter()
        .map(|u| (canonical_account_id(&u.account_id), u))
        .collect();
    let would = format!("would_{}", action.phrase_verb());
    let already = already_key(action);
    let mut counts = [
        (would.as_str(), 0u64),
        (already, 0),
        ("protected", 0),
        ("not_in_directory", 0),
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
    for row in &plan.rows {
        let user = by_id.get(&canonical_account_id(&row.account_id)).copied();
        if let Some(why) = plan.protection(row, &guard) {
            line(2, &row.account_id, &row.name, &why);
        } else if end_state_holds(action, user) {
            line(1, &row.account_id, &row.name, "");
        } else {
            line(0, &row.account_id, &row.name, "");
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
    }
}
