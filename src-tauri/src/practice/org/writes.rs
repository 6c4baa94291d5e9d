//! Suspend, restore and remove (ORG-API.md §4–5): `POST …/users/{id}/suspend` and `/restore`,
//! `DELETE …/users/{id}`, each 204 with no body when done (the status observed for suspend;
//! for the others the practice site's assumption).
//!
//! Order of checks once the key and the rate are accepted: the key's scopes (403
//! `insufficientScope`), the directory (`-` is a 400, an unknown id a 404), the fault draw
//! (503, 500 or a dropped connection before anything changes, faults.rs), then
//! the account: unknown or in another directory 404, without membership 404, the key's owner
//! 403, an organization admin 403, synced from an identity provider 403 (suspend and remove
//! only, as the admin UI refuses them), a restore past the licence limit 409. Suspending a
//! suspended account and restoring an active one answer 204 and change nothing (the practice
//! site's assumption). A 500 or drop drawn "after" happens once the change is applied and
//! saved: the lost reply whose write still worked.

use super::changes::OrgChange;
use super::errors::{ApiGen, OrgRefusal};
use super::faults::with_faults;
use super::gate::OrgKey;
use super::routes::WriteKind;
use super::state::ORG_ADMIN;
use crate::practice::reply::{Outcome, Reply};
use crate::practice::state::{Live, SiteState};

/// Handles one write from an accepted key.
pub(crate) fn write(
    state: &SiteState,
    live: &mut Live,
    key: OrgKey,
    dir: &str,
    account_id: &str,
    kind: WriteKind,
) -> Outcome {
    let refuse = |r: OrgRefusal| Outcome::Reply(r.reply(ApiGen::V2));
    if key == OrgKey::Scoped {
        return refuse(OrgRefusal::InsufficientScope);
    }
    if dir == "-" {
        return refuse(OrgRefusal::AnyDirectoryOnWrite);
    }
    let Some(dir) = state.org.directory(dir) else {
        return refuse(OrgRefusal::DirectoryNotFound(dir.to_string()));
    };
    let internal = OrgRefusal::Internal("Internal server error.".into()).reply(ApiGen::V2);
    with_faults(state, live, internal, |live| {
        match change(state, live, dir, account_id, kind) {
            Ok(()) => Reply::empty(204),
            Err(refusal) => refusal.reply(ApiGen::V2),
        }
    })
}

/// The rules for one account (no pace, no faults); saves the change before applying it.
fn change(
    state: &SiteState,
    live: &mut Live,
    dir: usize,
    account_id: &str,
    kind: WriteKind,
) -> Result<(), OrgRefusal> {
    let org = &mut live.org;
    let not_found = || OrgRefusal::UserNotFound(account_id.to_string());
    let member = org.get(account_id).ok_or_else(not_found)?;
    match member.directory {
        None => return Err(OrgRefusal::NoMembership(account_id.to_string())),
        Some(d) if d != dir => return Err(not_found()),
        Some(_) => {}
    }
    if kind != WriteKind::Restore {
        if account_id == state.config.caller_account_id {
            return Err(OrgRefusal::Yourself);
        }
        if member.roles.contains(&ORG_ADMIN) {
            return Err(OrgRefusal::OrgAdmin);
        }
        if member.source == Some("synced") {
            return Err(OrgRefusal::Synced(member.name.clone()));
        }
    }
    let change = match kind {
        WriteKind::Suspend if member.suspended => return Ok(()),
        WriteKind::Suspend => OrgChange::Suspended,
        WriteKind::Restore if !member.suspended => return Ok(()),
        WriteKind::Restore => {
            let full = state
                .config
                .org_licence_limit
                .is_some_and(|limit| org.active_members() >= limit);
            if full {
                return Err(OrgRefusal::LicenceLimit);
            }
            OrgChange::Restored
        }
        WriteKind::Remove => OrgChange::Removed,
    };
    remember(state, change, account_id)?;
    org.apply(change, account_id);
    Ok(())
}

/// Saves one change in the organization's changes file (when there is one) before it is
/// applied: synced before the reply, as site removals are, so a change the client hears of
/// is one the next launch still knows. Unsaved, it must not be applied.
pub(crate) fn remember(
    state: &SiteState,
    change: OrgChange,
    account_id: &str,
) -> Result<(), OrgRefusal> {
    let Some(log) = &state.org.changes else {
        return Ok(());
    };
    log.record(&change.line(account_id)).map_err(|e| {
        OrgRefusal::Internal(format!(
            "The practice site could not save this change in {}: {e}",
            log.path().display()
        ))
    })
}

#[cfg(test)]
#[path = "writes_tests.rs"]
mod tests;
