//! The user-management API's managed-account lifecycle (ORG-API.md §6): what `GET
//! /users/{id}/manage?privileges=…` says an admin may do to one account, and Atlassian's reason
//! keys in an admin's words. The calls themselves are in `client_lifecycle.rs`.

use crate::sweep::Action;
use serde_json::Value;

/// The privilege that deactivate and reactivate need.
pub const ENABLEMENT: &str = "lifecycle.enablement";
/// The privilege that delete and cancel-delete need.
pub const DELETE: &str = "lifecycle.delete";

/// Whether Atlassian lets this key do an account action to one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Permission {
    /// `{"allowed": true}`.
    Allowed,
    /// `{"allowed": false, "reason": {"key": …}}`: the reason key (empty when none was given).
    NotAllowed {
        /// Atlassian's reason key (`externalDirectory.scim`, `administrative.notMyself`, …).
        reason: String,
    },
}

impl Permission {
    /// The admin's words for a refusal, or `None` when allowed.
    pub fn refusal(&self) -> Option<String> {
        match self {
            Permission::Allowed => None,
            Permission::NotAllowed { reason } => Some(reason_words(reason)),
        }
    }
}

/// What one account's `manage` reply allows, for the two lifecycle privileges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Privileges {
    /// `lifecycle.enablement`: deactivate and reactivate.
    pub enablement: Permission,
    /// `lifecycle.delete`: delete and cancel the deletion.
    pub delete: Permission,
}

impl Privileges {
    /// Reads a `manage` reply; a privilege it does not mention is not allowed (nothing is
    /// assumed in favour of a change).
    pub fn from_reply(value: &Value) -> Privileges {
        Privileges {
            enablement: permission(value.get(ENABLEMENT)),
            delete: permission(value.get(DELETE)),
        }
    }

    /// The permission `action` needs; anything but an account action is not this API's to say.
    pub fn for_action(&self, action: Action) -> Option<&Permission> {
        match action {
            Action::Deactivate | Action::Reactivate => Some(&self.enablement),
            Action::DeleteAccount | Action::CancelDelete => Some(&self.delete),
            _ => None,
        }
    }
}

fn permission(entry: Option<&Value>) -> Permission {
    let Some(entry) = entry else {
        return Permission::NotAllowed {
            reason: String::new(),
        };
    };
    if entry.get("allowed").and_then(Value::as_bool) == Some(true) {
        return Permission::Allowed;
    }
    let reason = entry
        .get("reason")
        .and_then(|r| r.get("key"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    Permission::NotAllowed {
        reason: reason.to_owned(),
    }
}

/// The last path segment of `action`'s lifecycle call, or `None` for other actions.
pub fn lifecycle_verb(action: Action) -> Option<&'static str> {
    match action {
        Action::Deactivate => Some("disable"),
        Action::Reactivate => Some("enable"),
        Action::DeleteAccount => Some("delete"),
        Action::CancelDelete => Some("cancel-delete"),
        _ => None,
    }
}

/// Atlassian's reason keys (ORG-API.md §6) in an admin's words; an unknown key is quoted.
pub fn reason_words(key: &str) -> String {
    let words = match key {
        "externalDirectory.scim" => {
            "managed by your identity provider (SCIM): deactivate or delete this person there"
        }
        "externalDirectory.google" => {
            "managed by Google Workspace sync: deactivate or delete this person in Google"
        }
        "administrative.notMyself" => "this is the account of the admin the API key belongs to",
        "administrative" => "an admin: remove their admin roles at admin.atlassian.com first",
        "managedAccount" => {
            "not an account your company manages: only managed accounts can be deactivated or \
             deleted (verify the domain at admin.atlassian.com)"
        }
        "authPolicy.saml" => "the account's authentication policy (SAML) does not allow it",
        "blocked.exportControl" => "the account is blocked for export-control reasons",
        "myselfOnly" => "only the account's owner can do this",
        "forbidden.targetUnverified" => {
            "the account's email domain is not verified by your organization, so it is not \
             an account your company manages"
        }
        "forbidden" => "Atlassian does not allow this key to manage this account",
        "" => "Atlassian does not allow it and gave no reason",
        other => return format!("Atlassian does not allow it ({other})"),
    };
    words.to_owned()
}

/// The first lifecycle reason key among an error body's codes, if any (a `forbidden.action`
/// reply carries one in `context.reason.key`).
pub fn reason_in(codes: &[String]) -> Option<&str> {
    const REASONS: [&str; 8] = [
        "externalDirectory.scim",
        "externalDirectory.google",
        "administrative.notMyself",
        "administrative",
        "managedAccount",
        "authPolicy.saml",
        "blocked.exportControl",
        "myselfOnly",
    ];
    codes
        .iter()
        .map(String::as_str)
        .find(|c| REASONS.iter().any(|r| c.eq_ignore_ascii_case(r)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_manage_reply_is_read_and_silence_is_a_refusal() {
        let reply = json!({
            "lifecycle.enablement": {"allowed": true},
            "lifecycle.delete": {"allowed": false, "reason": {"key": "externalDirectory.scim"}},
        });
        let p = Privileges::from_reply(&reply);
        assert_eq!(p.for_action(Action::Deactivate), Some(&Permission::Allowed));
        assert_eq!(p.for_action(Action::Reactivate), Some(&Permission::Allowed));
        let refusal = p
            .for_action(Action::DeleteAccount)
            .unwrap()
            .refusal()
            .unwrap();
        assert!(refusal.contains("identity provider"), "{refusal}");
        assert_eq!(p.for_action(Action::Suspend), None);
        let silent = Privileges::from_reply(&json!({"profile.read": {"allowed": true}}));
        assert!(matches!(silent.enablement, Permission::NotAllowed { .. }));
        let odd = Privileges::from_reply(&json!({"lifecycle.delete": {"allowed": "yes"}}));
        assert!(matches!(odd.delete, Permission::NotAllowed { .. }));
    }

    #[test]
    fn reasons_are_words_for_an_admin() {
        assert!(reason_words("administrative.notMyself").contains("API key belongs"));
        assert!(reason_words("managedAccount").contains("managed accounts"));
        assert!(reason_words("somethingNew").contains("somethingNew"));
        let codes = vec![
            "forbidden.action".to_owned(),
            "externalDirectory.scim".to_owned(),
        ];
        assert_eq!(reason_in(&codes), Some("externalDirectory.scim"));
        assert_eq!(reason_in(&["forbidden".to_owned()]), None);
        assert_eq!(lifecycle_verb(Action::CancelDelete), Some("cancel-delete"));
        assert_eq!(lifecycle_verb(Action::Remove), None);
    }
}
