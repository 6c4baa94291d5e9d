//! The user-management API's rules for one managed account (ORG-API.md §6): which privileges
//! the org API key holds on it, and what each lifecycle action does to it. One function,
//! [`allowed`], answers both `GET /users/{id}/manage` and the 403 of every lifecycle action, so
//! the privileges a client reads are exactly the ones the actions enforce.
//!
//! Who may not be managed, in this order (the first that applies is the reason):
//! - an account the organization has not claimed (`claimStatus: unmanaged`): `managedAccount`;
//! - the key's owner, the practice caller (`PracticeConfig::caller_account_id`, the org admin
//!   who made the key): `administrative.notMyself`;
//! - another organization admin: `administrative`;
//! - an account synced from an identity provider (`managementSource: synced`):
//!   `externalDirectory.scim`.
//!
//! Lifecycle keys follow all four; of the other keys, an unmanaged account refuses every one
//! (`managedAccount`), a synced one refuses `profile`, `profile.write` and `email.set`
//! (`externalDirectory.scim`), and the rest are allowed (the practice site's assumption).
//!
//! What the actions do (the practice site's decisions where Atlassian is silent):
//! - `disable`: 204; the account becomes inactive (`accountStatus: inactive`,
//!   `status: deactivated`). Already inactive, or pending deletion: 204, nothing changes.
//! - `enable`: 204; the account is active again. Already active: 204. Pending deletion: 409
//!   (Atlassian: deleted accounts "need the deletion to be canceled before reactivating").
//! - `delete`: 200 `{"message":"Success"}`; the account is pending deletion (`accountStatus:
//!   inactive`, `status: for_deletion`) for 14 days on the practice clock, then permanently
//!   deleted: gone from every search and read, and the manage API answers 404. Already
//!   pending: 409.
//! - `cancel-delete`: 200 `{"message":"Success"}` within the grace period. The account stays
//!   **deactivated**, whatever it was before the deletion: reactivating it is a separate
//!   `enable`. Not pending deletion: 409.
//! - An account that owns sites it created (a known cause, ID-9136) answers 409 to `disable`
//!   and `delete`, while its privileges still say allowed: production refuses only the action.

use super::changes::OrgChange;
use super::state::{Kind, OrgMember, ORG_ADMIN};
use time::OffsetDateTime;

/// Days a deleted account stays pending deletion before it is permanently deleted.
pub(crate) const GRACE_DAYS: i64 = 14;
/// How far the practice clock may run ahead (about 100 years: dates stay printable).
pub(crate) const MAX_CLOCK_DAYS: u32 = 36_500;
/// Atlassian's page for the 409 (ORG-API.md §6).
pub(crate) const INELIGIBLE_LINK: &str = "https://confluence.atlassian.com/x/pTgoPQ";

/// One key of `GET /users/{id}/manage?privileges=…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Privilege {
    /// `profile`
    Profile,
    /// `profile.write`
    ProfileWrite,
    /// `profile.read`
    ProfileRead,
    /// `email.set`
    EmailSet,
    /// `lifecycle.enablement`: enable and disable.
    Enablement,
    /// `lifecycle.delete`: delete and cancel-delete.
    Delete,
    /// `apiToken.read`
    ApiTokenRead,
    /// `apiToken.delete`
    ApiTokenDelete,
}

impl Privilege {
    /// Every key, in the order a reply without `privileges` lists them.
    pub(crate) const ALL: [Privilege; 8] = [
        Privilege::Profile,
        Privilege::ProfileWrite,
        Privilege::ProfileRead,
        Privilege::EmailSet,
        Privilege::Enablement,
        Privilege::Delete,
        Privilege::ApiTokenRead,
        Privilege::ApiTokenDelete,
    ];

    /// The key as the API spells it.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Privilege::Profile => "profile",
            Privilege::ProfileWrite => "profile.write",
            Privilege::ProfileRead => "profile.read",
            Privilege::EmailSet => "email.set",
            Privilege::Enablement => "lifecycle.enablement",
            Privilege::Delete => "lifecycle.delete",
            Privilege::ApiTokenRead => "apiToken.read",
            Privilege::ApiTokenDelete => "apiToken.delete",
        }
    }

    /// The privilege a key names; `None` for one the API does not know (ignored).
    pub(crate) fn from_key(key: &str) -> Option<Privilege> {
        Privilege::ALL.into_iter().find(|p| p.key() == key.trim())
    }

    fn is_lifecycle(self) -> bool {
        matches!(self, Privilege::Enablement | Privilege::Delete)
    }
}

/// Why a privilege is not held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    /// Not a managed account of the organization.
    ManagedAccount,
    /// The key's owner's own account.
    NotMyself,
    /// An organization admin.
    Administrative,
    /// Provisioned by an identity provider over SCIM.
    Scim,
    /// Managed by Google Workspace sync.
    Google,
}

impl Reason {
    /// The reason's key as the API spells it.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Reason::ManagedAccount => "managedAccount",
            Reason::NotMyself => "administrative.notMyself",
            Reason::Administrative => "administrative",
            Reason::Scim => "externalDirectory.scim",
            Reason::Google => "externalDirectory.google",
        }
    }
}

/// Whether the key (owned by `key_owner`) holds `privilege` on `m`: the one rule behind the
/// privileges read and the lifecycle actions' 403s.
pub(crate) fn allowed(key_owner: &str, m: &OrgMember, privilege: Privilege) -> Result<(), Reason> {
    if !m.managed {
        return Err(Reason::ManagedAccount);
    }
    let synced = m.source == Some("synced");
    if !privilege.is_lifecycle() {
        let profile_write = matches!(
            privilege,
            Privilege::Profile | Privilege::ProfileWrite | Privilege::EmailSet
        );
        return if synced && profile_write {
            Err(Reason::Scim)
        } else {
            Ok(())
        };
    }
    if m.account_id == key_owner {
        Err(Reason::NotMyself)
    } else if m.roles.contains(&ORG_ADMIN) {
        Err(Reason::Administrative)
    } else if synced {
        Err(Reason::Scim)
    } else if m.kind == Kind::GoogleSynced {
        Err(Reason::Google)
    } else {
        Ok(())
    }
}

/// One lifecycle action, `POST /users/{id}/manage/lifecycle/{action}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// `disable`
    Disable,
    /// `enable`
    Enable,
    /// `delete`
    Delete,
    /// `cancel-delete`
    CancelDelete,
}

impl Action {
    /// The action a path segment names.
    pub(crate) fn from_segment(segment: &str) -> Option<Action> {
        match segment {
            "disable" => Some(Action::Disable),
            "enable" => Some(Action::Enable),
            "delete" => Some(Action::Delete),
            "cancel-delete" => Some(Action::CancelDelete),
            _ => None,
        }
    }

    /// The privilege the action needs.
    pub(crate) fn privilege(self) -> Privilege {
        match self {
            Action::Disable | Action::Enable => Privilege::Enablement,
            Action::Delete | Action::CancelDelete => Privilege::Delete,
        }
    }
}

/// Why an account is not eligible for an action right now (the 409 `conflict.lifecycleErrors`
/// body's one `errorCodes` entry). Atlassian publishes no list of codes: these are the practice
/// site's, and clients must not rely on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ineligible {
    /// The account owns sites it created.
    OwnsSites,
    /// Enable or delete while a deletion is pending.
    PendingDeletion,
    /// Cancel-delete without a pending deletion.
    NotPendingDeletion,
}

impl Ineligible {
    /// The entry's `code`.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Ineligible::OwnsSites => "userOwnsSites",
            Ineligible::PendingDeletion => "accountPendingDeletion",
            Ineligible::NotPendingDeletion => "accountNotPendingDeletion",
        }
    }

    /// The entry's `message`, in the admin's words.
    pub(crate) fn message(self) -> &'static str {
        match self {
            Ineligible::OwnsSites => {
                "The user still owns sites they created. Transfer those sites to someone else \
                 or delete them, then try again."
            }
            Ineligible::PendingDeletion => {
                "The account is scheduled for deletion. Cancel the deletion before reactivating \
                 or deleting it again."
            }
            Ineligible::NotPendingDeletion => "The account is not scheduled for deletion.",
        }
    }
}

/// What `action` changes on `m` at practice time `now`: `Ok(None)` when it is already so,
/// `Ok(Some(change))` to remember and apply, or why it is not eligible (409). Privileges are
/// checked before this, by [`allowed`].
pub(crate) fn transition(
    m: &OrgMember,
    action: Action,
    now: OffsetDateTime,
) -> Result<Option<OrgChange>, Ineligible> {
    let pending = m.deletion_requested.is_some();
    match action {
        Action::Disable | Action::Delete if m.owns_sites() => Err(Ineligible::OwnsSites),
        Action::Disable if pending || m.deactivated_on.is_some() => Ok(None),
        Action::Disable => Ok(Some(OrgChange::Deactivated(now))),
        Action::Enable if pending => Err(Ineligible::PendingDeletion),
        Action::Enable if m.deactivated_on.is_none() => Ok(None),
        Action::Enable => Ok(Some(OrgChange::Reactivated)),
        Action::Delete if pending => Err(Ineligible::PendingDeletion),
        Action::Delete => Ok(Some(OrgChange::DeletionRequested(now))),
        Action::CancelDelete if pending => Ok(Some(OrgChange::DeletionCancelled)),
        Action::CancelDelete => Err(Ineligible::NotPendingDeletion),
    }
}

#[cfg(test)]
mod tests {
    use super::super::state::{OrgLive, SITE_ADMIN};
    use super::*;

    /// A plain managed member of the first directory.
    fn member(id: &str) -> OrgMember {
        super::super::state::tests::member(id, Some(0))
    }

    #[test]
    fn reasons_come_in_order_and_lifecycle_keys_follow_all_of_them() {
        let ok = member("a");
        let unmanaged = OrgMember {
            managed: false,
            source: None,
            ..member("u")
        };
        let admin = OrgMember {
            roles: vec![ORG_ADMIN, SITE_ADMIN],
            ..member("adm")
        };
        let synced = OrgMember {
            source: Some("synced"),
            ..member("s")
        };
        let site_admin = OrgMember {
            roles: vec![SITE_ADMIN],
            ..member("sa")
        };
        let of = |m: &OrgMember, p| allowed("adm", m, p);
        for p in [Privilege::Enablement, Privilege::Delete] {
            assert_eq!(of(&ok, p), Ok(()));
            assert_eq!(of(&site_admin, p), Ok(()), "only org admins are refused");
            assert_eq!(of(&unmanaged, p), Err(Reason::ManagedAccount));
            assert_eq!(of(&admin, p), Err(Reason::NotMyself), "the key's owner");
            assert_eq!(allowed("x", &admin, p), Err(Reason::Administrative));
            assert_eq!(of(&synced, p), Err(Reason::Scim));
        }
        assert_eq!(of(&admin, Privilege::ProfileRead), Ok(()));
        assert_eq!(of(&synced, Privilege::EmailSet), Err(Reason::Scim));
        assert_eq!(of(&synced, Privilege::ApiTokenRead), Ok(()));
        for p in Privilege::ALL {
            assert_eq!(of(&unmanaged, p), Err(Reason::ManagedAccount));
            assert_eq!(Privilege::from_key(p.key()), Some(p));
        }
        assert_eq!(Privilege::from_key("lifecycle.everything"), None);
    }

    #[test]
    fn transitions_follow_the_module_doc() {
        let now = time::macros::datetime!(2026-12-01 10:00 UTC);
        let mut live = OrgLive::new(vec![member("a")]);
        let step = |live: &mut OrgLive, action| {
            let got = transition(live.get("a").unwrap(), action, now);
            if let Ok(Some(change)) = got {
                live.apply(change, "a");
            }
            got.map(|c| c.is_some())
        };
        use Action::*;
        assert_eq!(step(&mut live, Enable), Ok(false), "already active");
        assert_eq!(
            step(&mut live, CancelDelete),
            Err(Ineligible::NotPendingDeletion)
        );
        assert_eq!(step(&mut live, Disable), Ok(true));
        assert_eq!(step(&mut live, Disable), Ok(false), "already inactive");
        assert_eq!(step(&mut live, Enable), Ok(true));
        assert_eq!(live.get("a").unwrap().account_status(), "active");
        assert_eq!(step(&mut live, Delete), Ok(true));
        let a = live.get("a").unwrap();
        assert_eq!(
            (a.status(), a.account_status()),
            ("for_deletion", "inactive")
        );
        assert_eq!(step(&mut live, Delete), Err(Ineligible::PendingDeletion));
        assert_eq!(step(&mut live, Enable), Err(Ineligible::PendingDeletion));
        assert_eq!(step(&mut live, Disable), Ok(false));
        assert_eq!(step(&mut live, CancelDelete), Ok(true));
        let a = live.get("a").unwrap();
        assert_eq!(
            (a.status(), a.account_status()),
            ("deactivated", "inactive")
        );
        assert_eq!(step(&mut live, Enable), Ok(true));
        assert_eq!(live.get("a").unwrap().status(), "active");
        let owner = OrgMember {
            kind: Kind::SiteOwner,
            ..member("o")
        };
        for action in [Disable, Delete] {
            assert_eq!(transition(&owner, action, now), Err(Ineligible::OwnsSites));
        }
        assert_eq!(transition(&owner, Enable, now), Ok(None));
    }

    #[test]
    fn a_pending_deletion_ends_after_fourteen_days_on_the_practice_clock() {
        let mut live = OrgLive::new(vec![member("a"), member("b")]);
        let now = live.now();
        live.apply(OrgChange::DeletionRequested(now), "a");
        live.apply(OrgChange::ClockAdvanced(13), "");
        live.settle();
        assert!(live.get("a").is_some(), "13 days: still pending");
        live.apply(OrgChange::ClockAdvanced(1), "");
        live.settle();
        assert!(live.get("a").is_none(), "14 days: gone for good");
        assert!(live.get("b").is_some());
        live.apply(OrgChange::ClockAdvanced(u32::MAX), "");
        assert_eq!(live.clock_days, MAX_CLOCK_DAYS);
        let _ = live.now();
    }
}
