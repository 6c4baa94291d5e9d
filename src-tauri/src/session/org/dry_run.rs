//! The dry run of an organization plan: what a run would do to each person, from the
//! directory as read (reads only), told apart exactly as the engine's guards would.

use crate::atlassian::org::signals::{end_state_holds, pending_deletion};
use crate::atlassian::org::{OrgUser, Permission};
use crate::roster::canonical_account_id;
use crate::sweep::{Action, Guard, Plan};
use std::collections::HashMap;

/// What a run would do to one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DryRunState {
    /// The action would be sent.
    WouldAct,
    /// A guard of the core keeps the person out (the reason is the detail).
    Protected,
    /// The action's end state holds already (suspended, active, gone).
    AlreadyDone,
    /// The directory does not hold the person now.
    NotInDirectory,
    /// An account action Atlassian's per-account check (`manage` privileges) does not allow.
    NotAllowed,
}

/// One planned person in the dry run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DryRunRow {
    /// The plan's row.
    pub row: usize,
    /// What a run would do.
    pub state: DryRunState,
    /// Why, in words for the admin.
    pub detail: String,
}

/// Tells every row of `plan` apart by what the directory says now (`now`: the planned people
/// as just read from `directory_name`) and, for account actions, what Atlassian's per-account
/// check allows (`allowed`, by canonical account id, from [`super::read_privileges`]; a row
/// it does not hold is not allowed).
pub fn dry_run(
    plan: &Plan,
    now: &[OrgUser],
    directory_name: &str,
    allowed: &HashMap<String, Permission>,
) -> Vec<DryRunRow> {
    let guard = Guard::of_org_users(now);
    let now: HashMap<String, &OrgUser> = now
        .iter()
        .map(|u| (canonical_account_id(&u.account_id), u))
        .collect();
    let action = plan.action;
    plan.rows
        .iter()
        .enumerate()
        .map(|(row, r)| {
            let user = now.get(&canonical_account_id(&r.account_id)).copied();
            let (state, detail) = match (user, plan.protection(r, &guard)) {
                (None, _) => (
                    DryRunState::NotInDirectory,
                    format!(
                        "not in {directory_name} now: there is nobody to {}",
                        action.phrase_verb()
                    ),
                ),
                (Some(_), Some(why)) => (DryRunState::Protected, why),
                (Some(u), None) if end_state_holds(action, Some(u)) => (
                    DryRunState::AlreadyDone,
                    format!("already {}", already_words(action)),
                ),
                (Some(u), None) => match permission(action, allowed, &r.account_id) {
                    Some(why) => (DryRunState::NotAllowed, format!("not allowed: {why}")),
                    None => (
                        DryRunState::WouldAct,
                        format!(
                            "{}: will be {}",
                            status_words(action, u),
                            action.done_word()
                        ),
                    ),
                },
            };
            DryRunRow { row, state, detail }
        })
        .collect()
}

/// The end state of `action`, after "already".
fn already_words(action: Action) -> &'static str {
    match action {
        Action::Suspend => "suspended: nothing to suspend",
        Action::Restore => "active: nothing to restore",
        Action::Remove | Action::SiteRemove => "gone from the directory: nothing to remove",
        Action::Deactivate => "deactivated: nothing to deactivate",
        Action::Reactivate => "active: nothing to reactivate",
        Action::DeleteAccount => "scheduled for deletion: nothing to delete",
        Action::CancelDelete => "not scheduled for deletion: nothing to cancel",
    }
}

/// Why Atlassian's per-account check refuses `action` for this account, if it does.
fn permission(
    action: Action,
    allowed: &HashMap<String, Permission>,
    account_id: &str,
) -> Option<String> {
    if !action.is_lifecycle() {
        return None;
    }
    match allowed.get(&canonical_account_id(account_id)) {
        Some(permission) => permission.refusal(),
        None => Some("Atlassian's check of this account gave no answer".into()),
    }
}

/// The person's access (or, for account actions, account) now, in words.
fn status_words(action: Action, user: &OrgUser) -> String {
    if action.is_lifecycle() {
        return match (pending_deletion(user), user.account_status.as_str()) {
            (true, _) => "scheduled for deletion".to_owned(),
            (false, "") => "account found".to_owned(),
            (false, status) => format!("account {status}"),
        };
    }
    match user.membership_status.as_str() {
        "" => "in the directory".to_owned(),
        status => format!("access {status}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::{OrgFacts, OrgTarget, PlanRow};

    fn user(id: &str, membership: &str, roles: &[&str]) -> OrgUser {
        OrgUser {
            account_id: id.into(),
            membership_status: membership.into(),
            platform_roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            ..OrgUser::default()
        }
    }

    #[test]
    fn each_person_is_told_apart_as_the_run_would_treat_them_now() {
        let target = OrgTarget {
            org_id: "o".into(),
            org_name: "Acme".into(),
            directory_id: "d".into(),
            directory_name: "Acme directory".into(),
        };
        let rows = ["a", "b", "c", "d"].map(|id| PlanRow {
            account_id: id.into(),
            // The plan's copy says nothing odd: what the directory says now decides.
            org: Some(OrgFacts::default()),
            ..PlanRow::default()
        });
        let plan = Plan::for_org("http://127.0.0.1:1", target, Action::Suspend, rows);
        let now = [
            user("a", "active", &[]),
            user("b", "suspended", &[]),
            user("c", "active", &["atlassian/org-admin"]),
        ];
        let states: Vec<DryRunState> = dry_run(&plan, &now, "Acme directory", &HashMap::new())
            .iter()
            .map(|r| r.state)
            .collect();
        assert_eq!(
            states,
            [
                DryRunState::WouldAct,
                DryRunState::AlreadyDone,
                DryRunState::Protected,
                DryRunState::NotInDirectory
            ]
        );
    }
}
