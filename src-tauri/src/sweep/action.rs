//! The action a run applies to each of its accounts: one engine, many actions (DESIGN.md §6).
//! The engine's pacing, retries, journal, results and verification are the same for all; what
//! differs — the request, what "already done" and a lost reply mean, and the words — is here.

use super::outcome::Outcome;
use serde::{Deserialize, Serialize};

/// What a run does to each account. Plans written before organization mode have no action
/// and are site removals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Site mode: `DELETE /rest/api/3/user?accountId=` (removes the user from the site).
    #[default]
    SiteRemove,
    /// Organization mode: suspend the user's access in one directory (reversible).
    Suspend,
    /// Organization mode: restore a suspended user's access.
    Restore,
    /// Organization mode: remove the user from one directory.
    Remove,
    /// Managed accounts: deactivate the Atlassian account (`lifecycle/disable`).
    Deactivate,
    /// Managed accounts: reactivate a deactivated account (`lifecycle/enable`).
    Reactivate,
    /// Managed accounts: schedule the account's deletion (`lifecycle/delete`), 14 days of grace.
    DeleteAccount,
    /// Managed accounts: cancel a scheduled deletion within its grace (`lifecycle/cancel-delete`).
    CancelDelete,
}

/// Days after a deletion request during which it can be cancelled (ORG-API.md §6).
pub const DELETION_GRACE_DAYS: i64 = 14;

impl Action {
    /// Every action.
    pub const ALL: [Action; 8] = [
        Action::SiteRemove,
        Action::Suspend,
        Action::Restore,
        Action::Remove,
        Action::Deactivate,
        Action::Reactivate,
        Action::DeleteAccount,
        Action::CancelDelete,
    ];

    /// The name used in plans, journals, the command line and the page.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::SiteRemove => "site_remove",
            Action::Suspend => "suspend",
            Action::Restore => "restore",
            Action::Remove => "remove",
            Action::Deactivate => "deactivate",
            Action::Reactivate => "reactivate",
            Action::DeleteAccount => "delete_account",
            Action::CancelDelete => "cancel_delete",
        }
    }

    /// Reads an action's name (as [`Action::as_str`] writes it).
    pub fn parse(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// True for the organization admin API's actions.
    pub fn is_org(self) -> bool {
        !matches!(self, Action::SiteRemove)
    }

    /// True for the user-management API's actions on managed accounts: they act on the
    /// Atlassian account itself, everywhere, not on one directory's membership.
    pub fn is_lifecycle(self) -> bool {
        matches!(
            self,
            Action::Deactivate | Action::Reactivate | Action::DeleteAccount | Action::CancelDelete
        )
    }

    /// The verb in sentences ("nothing to suspend", "Select at least one person to delete").
    pub fn phrase_verb(self) -> &'static str {
        match self {
            Action::SiteRemove | Action::Remove => "remove",
            Action::Suspend => "suspend",
            Action::Restore => "restore",
            Action::Deactivate => "deactivate",
            Action::Reactivate => "reactivate",
            Action::DeleteAccount => "delete",
            Action::CancelDelete => "cancel the deletion of",
        }
    }

    /// The typed confirmation's words before the count (`suspend 120`, `delete accounts 40`):
    /// the account actions name what they act on, so the phrase cannot be mistaken.
    pub fn phrase_head(self) -> &'static str {
        match self {
            Action::Deactivate => "deactivate accounts",
            Action::Reactivate => "reactivate accounts",
            Action::DeleteAccount => "delete accounts",
            Action::CancelDelete => "cancel deletions",
            other => other.phrase_verb(),
        }
    }

    /// A short title for buttons and history ("Suspend access").
    pub fn title(self) -> &'static str {
        match self {
            Action::SiteRemove => "Remove from the site",
            Action::Suspend => "Suspend access",
            Action::Restore => "Restore access",
            Action::Remove => "Remove from the directory",
            Action::Deactivate => "Deactivate account",
            Action::Reactivate => "Reactivate account",
            Action::DeleteAccount => "Delete account",
            Action::CancelDelete => "Cancel the deletion",
        }
    }

    /// What the action does, what is kept and how to undo it, for an admin.
    pub fn explanation(self) -> &'static str {
        match self {
            Action::SiteRemove => {
                "Removes each person from this site. Their Atlassian account and their work \
                 (issues, pages, comments) stay. To undo, invite them to the site again and give \
                 back their groups."
            }
            Action::Suspend => {
                "Suspends each person's access to every app in this directory. They cannot sign \
                 in to your apps and you are not billed for them; their account, groups, roles \
                 and work are kept. To undo, restore their access: they get everything back."
            }
            Action::Restore => {
                "Restores access for people whose access was suspended: they get back their \
                 apps, roles and group memberships, and billing for them resumes."
            }
            Action::Remove => {
                "Removes each person from this directory: they lose access to every app in it, \
                 their roles and group memberships, and you are no longer billed for them. \
                 Their Atlassian account and their work stay. To undo, invite them again and \
                 give back their roles and groups; suspending first is reversible in one step."
            }
            Action::Deactivate => {
                "Deactivates each person's Atlassian account (only accounts your company \
                 manages): they can no longer sign in to any Atlassian app, in any directory, \
                 and you are not billed for them. Their content (issues, pages, comments) stays. \
                 People your identity provider provisions must be deactivated there instead. To \
                 undo, reactivate the accounts: they get their access back."
            }
            Action::Reactivate => {
                "Reactivates accounts that were deactivated: they can sign in again and get \
                 back the access they had."
            }
            Action::DeleteAccount => {
                "Deletes each person's Atlassian account (only accounts your company manages). \
                 For 14 days the account is deactivated and the deletion can be cancelled; after \
                 that it is deleted for good and cannot be brought back. Their content (issues, \
                 pages, comments) stays, shown under a former user. If you use SAML single \
                 sign-on, remove the people from your identity provider first, or their \
                 accounts may be activated again."
            }
            Action::CancelDelete => {
                "Cancels the deletion of accounts still in their 14-day grace period. The \
                 accounts stay deactivated: reactivate them to give their access back."
            }
        }
    }

    /// The action that undoes this one, if one exists.
    pub fn undo(self) -> Option<Action> {
        match self {
            Action::Suspend => Some(Action::Restore),
            Action::Deactivate => Some(Action::Reactivate),
            Action::DeleteAccount => Some(Action::CancelDelete),
            _ => None,
        }
    }

    /// True when a lost reply must be settled by reading the account back before the request
    /// is sent again (DESIGN.md §6: org writes are never re-sent blindly). A site DELETE is
    /// safe to repeat: its 404 then tells that the first one worked.
    pub fn reads_back_before_retry(self) -> bool {
        self.is_org()
    }

    /// True when "not found" means the action's end state holds already (the person is not
    /// there to remove); for suspend and restore it means there is nobody to act on.
    pub fn not_found_is_done(self) -> bool {
        matches!(self, Action::SiteRemove | Action::Remove)
    }

    /// Where the action happens, for messages ("the site", "the directory").
    pub fn place(self) -> &'static str {
        if self.is_lifecycle() {
            "the organization"
        } else if self.is_org() {
            "the directory"
        } else {
            "the site"
        }
    }

    /// The results file's `outcome` cell for an outcome of this action: the journal keeps one
    /// set of names, the admin reads the action's own words.
    pub fn outcome_cell(self, outcome: Outcome) -> &'static str {
        match (self, outcome) {
            (Action::Suspend, Outcome::Removed) => "suspended",
            (Action::Restore, Outcome::Removed) => "restored",
            (Action::Suspend | Action::Restore, Outcome::AlreadyGone) => "not_in_directory",
            (Action::Suspend | Action::Restore, Outcome::CannotRemove) => "refused",
            (Action::Remove, Outcome::AlreadyGone) => "not_in_directory",
            (Action::Remove, Outcome::CannotRemove) => "refused",
            (Action::Deactivate, Outcome::Removed) => "deactivated",
            (Action::Reactivate, Outcome::Removed) => "reactivated",
            (Action::DeleteAccount, Outcome::Removed) => "deletion_scheduled",
            (Action::CancelDelete, Outcome::Removed) => "deletion_cancelled",
            (a, Outcome::AlreadyGone) if a.is_lifecycle() => "not_found",
            (a, Outcome::CannotRemove) if a.is_lifecycle() => "refused",
            (_, outcome) => outcome.as_str(),
        }
    }

    /// The past participle for a done row ("removed", "suspended").
    pub fn done_word(self) -> &'static str {
        match self {
            Action::SiteRemove | Action::Remove => "removed",
            Action::Suspend => "suspended",
            Action::Restore => "restored",
            Action::Deactivate => "deactivated",
            Action::Reactivate => "reactivated",
            Action::DeleteAccount => "scheduled for deletion",
            Action::CancelDelete => "taken off the deletion schedule",
        }
    }

    /// The default pace for a new plan of this action: the org API publishes no numbers, so it
    /// starts slower (DESIGN.md §6).
    pub fn default_rate(self) -> f64 {
        if self.is_org() {
            super::pace::DEFAULT_ORG_RATE
        } else {
            super::pace::DEFAULT_RATE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_older_plans_are_site_removals() {
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(action));
            let json = serde_json::to_string(&action).unwrap();
            assert_eq!(json, format!("\"{}\"", action.as_str()));
        }
        assert_eq!(Action::default(), Action::SiteRemove);
        assert_eq!(Action::parse("delete"), None);
    }

    #[test]
    fn words_follow_the_action() {
        assert_eq!(Action::Suspend.outcome_cell(Outcome::Removed), "suspended");
        assert_eq!(Action::SiteRemove.outcome_cell(Outcome::Removed), "removed");
        assert_eq!(
            Action::SiteRemove.outcome_cell(Outcome::AlreadyGone),
            "already_gone"
        );
        assert_eq!(Action::Remove.outcome_cell(Outcome::Skipped), "skipped");
        assert_eq!(Action::Suspend.phrase_verb(), "suspend");
        assert_eq!(Action::Suspend.undo(), Some(Action::Restore));
        assert!(Action::Remove.reads_back_before_retry());
        assert!(!Action::SiteRemove.reads_back_before_retry());
        assert!(Action::Suspend.default_rate() < Action::SiteRemove.default_rate());
    }

    #[test]
    fn account_actions_name_what_they_act_on_and_how_to_undo_them() {
        assert_eq!(Action::DeleteAccount.phrase_head(), "delete accounts");
        assert_eq!(Action::Suspend.phrase_head(), "suspend");
        assert_eq!(Action::Deactivate.undo(), Some(Action::Reactivate));
        assert_eq!(Action::DeleteAccount.undo(), Some(Action::CancelDelete));
        assert_eq!(Action::CancelDelete.undo(), None);
        assert_eq!(Action::Remove.undo(), None);
        for action in Action::ALL {
            assert_eq!(
                action.is_lifecycle(),
                action.as_str().contains("activate") || action.as_str().contains("delete")
            );
        }
        assert!(!Action::DeleteAccount.not_found_is_done());
        assert_eq!(
            Action::DeleteAccount.outcome_cell(Outcome::Removed),
            "deletion_scheduled"
        );
        assert_eq!(
            Action::Deactivate.outcome_cell(Outcome::AlreadyGone),
            "not_found"
        );
        assert!(Action::DeleteAccount.explanation().contains("14 days"));
        assert!(Action::DeleteAccount
            .explanation()
            .contains("identity provider"));
        assert_eq!(Action::parse("delete_account"), Some(Action::DeleteAccount));
    }
}
