//! The organization-mode plan and its phrase (`suspend 120`), the guard read live just before
//! a run, and the people a finished suspend run can restore.

use super::super::{Prepared, SessionError};
use super::connect::OrgConnection;
use crate::atlassian::org::OrgUser;
use crate::sweep::{
    grace_ends, read_plan, read_state, Action, Guard, OrgFacts, Outcome, Plan, PlanRow, RowOutcome,
};
use std::path::Path;
use time::OffsetDateTime;

/// What the admin chose in organization mode.
pub struct OrgChoice<'a> {
    /// The action.
    pub action: Action,
    /// The people, as the directory described them (loaded, or matched from an export).
    pub users: &'a [OrgUser],
    /// The export they came from, if any (for the admin's reference).
    pub source: Option<String>,
    /// Admins unlocked one by one (account ids in any form).
    pub unlocked: &'a [String],
    /// Every admin unlocked.
    pub unlock_admins: bool,
}

/// Builds the plan for `choice` in `conn`'s directory: the guards of the core decide who is
/// protected; the phrase names the action and the count.
pub fn prepare_org(conn: &OrgConnection, choice: OrgChoice<'_>) -> Result<Prepared, SessionError> {
    if choice.action == Action::SiteRemove {
        return Err(SessionError::NothingToPlan(
            "Removing people from one site is site mode: connect to the site instead.".into(),
        ));
    }
    if choice.users.is_empty() {
        return Err(SessionError::NothingToPlan(format!(
            "Select at least one person to {}.",
            choice.action.phrase_verb()
        )));
    }
    conn.require_unscoped()?;
    let rows = choice.users.iter().map(|u| PlanRow {
        account_id: u.account_id.clone(),
        name: u.name.clone(),
        email: u.email.clone().unwrap_or_default(),
        org: Some(OrgFacts::from(u)),
        ..PlanRow::default()
    });
    let mut plan = Plan::for_org(&conn.api(), conn.target()?, choice.action, rows);
    plan.source_file = choice.source;
    plan.practice = conn.practice;
    plan.unlock_admins = choice.unlock_admins;
    plan.unlock_rows(choice.unlocked);
    let protected = plan.protected_rows(&Guard::default());
    let to_act = plan.rows.len() - protected.len();
    let verb = choice.action.phrase_verb();
    let target = conn.target()?;
    let words = if to_act == 0 {
        format!(
            "Nobody to {verb} in {}: every selected person is protected or skipped.",
            target.directory_name
        )
    } else {
        let people = if to_act == 1 { "person" } else { "people" };
        let lead = if choice.action.is_lifecycle() {
            format!(
                "{} the accounts of {to_act} {people} of {} ({})",
                upper_first(choice.action.phrase_verb()),
                target.org_name,
                target.directory_name
            )
        } else {
            format!(
                "{} {to_act} {people} in {} ({})",
                choice.action.title(),
                target.directory_name,
                target.org_name
            )
        };
        let mut words = format!("{lead}. {}", choice.action.explanation());
        if choice.action == Action::DeleteAccount {
            words.push_str(&format!(
                " Deletions made now can be cancelled until {} (Offboard's history offers \
                 \"Cancel the deletions\" until then); after that they are permanent.",
                grace_ends_words(OffsetDateTime::now_utc())
            ));
        }
        if !protected.is_empty() {
            words.push_str(&format!(
                " {} selected {} protected or skipped.",
                protected.len(),
                if protected.len() == 1 {
                    "person is"
                } else {
                    "people are"
                }
            ));
        }
        words
    };
    Ok(Prepared {
        id: uuid::Uuid::new_v4().simple().to_string(),
        rehearsal: false,
        caller: String::new(),
        site_admins: Vec::new(),
        phrase: format!("{} {to_act}", choice.action.phrase_head()),
        to_remove: to_act,
        protected,
        words,
        protection_words: PROTECTION_WORDS.into(),
        plan,
    })
}

/// `text` with its first letter upper case.
fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The last day of a grace period that starts at `start`, as "15 December 2026" (UTC).
pub fn grace_ends_words(start: OffsetDateTime) -> String {
    let ends = start + time::Duration::days(crate::sweep::DELETION_GRACE_DAYS);
    let date = ends.date();
    format!("{} {} {}", date.day(), date.month(), date.year())
}

/// How organization mode protects people, for the plan's protection paragraph.
const PROTECTION_WORDS: &str =
    "Organization admins are never touched (the API key belongs to one of them). \
     People your identity provider provisions are skipped: remove them there, or Atlassian would \
     re-create them. Accounts without membership in the directory are skipped. Other admins \
     (site admins, user-access admins) are locked unless you unlock them. Deactivating or \
     deleting accounts reaches only accounts your company manages, never an admin's, and never \
     one your identity provider provisions. Everyone is read from the directory again just \
     before anything is changed.";

/// Reads the plan's people from the directory again, just before a run, and returns the
/// guard built on what it says now. With `prepared`, a change in who is protected voids the
/// typed phrase (as in site mode); a resume passes `None` and simply runs on the fresh facts.
pub async fn live_guard(
    conn: &OrgConnection,
    plan: &Plan,
    prepared: Option<&Prepared>,
) -> Result<Guard, SessionError> {
    conn.require_unscoped()?;
    let same_place = plan.org.as_ref().is_some_and(|t| {
        t.org_id == conn.org.id
            && conn
                .directory
                .as_ref()
                .is_some_and(|d| d.directory_id == t.directory_id)
    });
    if !same_place || plan.site != conn.api() {
        return Err(SessionError::StalePlan);
    }
    let ids: Vec<String> = plan.rows.iter().map(|r| r.account_id.clone()).collect();
    let (now, _) = super::read_people(conn, &ids).await?;
    let guard = Guard::of_org_users(&now);
    if let Some(prepared) = prepared {
        let protected_now = plan
            .rows
            .iter()
            .filter(|r| plan.protection(r, &guard).is_some())
            .map(|r| r.account_id.as_str());
        if !protected_now.eq(prepared.protected.iter().map(|(id, _)| id.as_str())) {
            return Err(SessionError::StalePlan);
        }
    }
    Ok(guard)
}

/// The people an earlier organization run carried its action out on (`--from-run`, the
/// history's undo): an undo action (restore, reactivate, cancel-delete) takes them from a run
/// of the action it undoes only; any other action from any organization run (suspend first,
/// then remove or deactivate the same people). A cancel-delete keeps only the accounts whose
/// 14-day grace period has not ended.
pub fn people_of_run(run_dir: &Path, action: Action) -> Result<(Plan, Vec<String>), SessionError> {
    people_of_run_at(run_dir, action, OffsetDateTime::now_utc())
}

/// [`people_of_run`] at `now`.
pub fn people_of_run_at(
    run_dir: &Path,
    action: Action,
    now: OffsetDateTime,
) -> Result<(Plan, Vec<String>), SessionError> {
    let plan = read_plan(run_dir).map_err(|e| SessionError::NothingToPlan(e.to_string()))?;
    let undoes = Action::ALL.into_iter().find(|a| a.undo() == Some(action));
    let fits = match undoes {
        // A cancelled deletion leaves the accounts deactivated: reactivating them is its
        // natural next step.
        Some(Action::Deactivate) => {
            matches!(plan.action, Action::Deactivate | Action::CancelDelete)
        }
        Some(undone) => plan.action == undone,
        None => plan.action.is_org(),
    };
    if !fits {
        return Err(SessionError::NotASuspendRun(plan.run_id));
    }
    let state = read_state(run_dir).map_err(|e| SessionError::NothingToPlan(e.to_string()))?;
    let done: Vec<&RowOutcome> = (0..plan.rows.len())
        .filter_map(|i| state.decided.get(&i))
        .filter(|o| o.outcome == Outcome::Removed)
        .collect();
    if done.is_empty() {
        return Err(SessionError::NothingToPlan(format!(
            "Run {} {} nobody, so there is nobody to {} from it.",
            plan.run_id,
            plan.action.done_word(),
            action.phrase_verb()
        )));
    }
    let ids: Vec<String> = done
        .iter()
        .filter(|o| action != Action::CancelDelete || in_grace(o, now))
        .map(|o| o.account_id.clone())
        .collect();
    if ids.is_empty() {
        let ended = done
            .iter()
            .filter_map(|o| grace_ends(&o.finished_at))
            .max()
            .map(|t| t.date().to_string())
            .unwrap_or_else(|| "some time ago".into());
        return Err(SessionError::GraceEnded {
            run: plan.run_id,
            ended,
        });
    }
    Ok((plan, ids))
}

/// True while the deletion `done` records can still be cancelled.
fn in_grace(done: &RowOutcome, now: OffsetDateTime) -> bool {
    grace_ends(&done.finished_at).is_some_and(|ends| now < ends)
}
