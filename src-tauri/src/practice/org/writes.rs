//! Suspend, restore and remove (ORG-API.md §4–5): `POST …/users/{id}/suspend` and `/restore`,
//! `DELETE …/users/{id}`, each 204 with no body when done (the status observed for suspend;
//! for the others the practice site's assumption).
//!
//! Order of checks once the key and the rate are accepted: the key's scopes (403
//! `insufficientScope`), the directory (`-` is a 400, an unknown id a 404), the fault draw
//! (503, 500 or a dropped connection before anything changes, as `delete.rs` draws them), then
//! the account: unknown or in another directory 404, without membership 404, the key's owner
//! 403, an organization admin 403, synced from an identity provider 403 (suspend and remove
//! only, as the admin UI refuses them), a restore past the licence limit 409. Suspending a
//! suspended account and restoring an active one answer 204 and change nothing (the practice
//! site's assumption). A 500 or drop drawn "after" happens once the change is applied and
//! saved: the lost reply whose write still worked.

use super::changes::OrgChange;
use super::errors::{ApiGen, OrgRefusal};
use super::gate::OrgKey;
use super::routes::WriteKind;
use super::state::ORG_ADMIN;
use crate::practice::delete::{pick, Fault};
use crate::practice::reply::{Outcome, Reply};
use crate::practice::state::{Live, SiteState};
use rand::Rng;

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
    let draw: f64 = live.rng.random();
    let fault = pick(draw, &live.faults);
    // Only 500s and drops can come after the change; the second draw keeps that seeded too.
    let after =
        matches!(fault, Some(Fault::Internal | Fault::Dropped)) && live.rng.random_bool(0.5);
    let internal = || OrgRefusal::Internal("Internal server error.".into()).reply(ApiGen::V2);
    match fault {
        Some(Fault::Unavailable) => {
            let r = Reply::gateway_page(503, "Service Unavailable")
                .with_header("retry-after", state.config.retry_after_secs.to_string());
            return Outcome::Reply(r);
        }
        Some(Fault::UnavailableBare) => {
            return Outcome::Reply(Reply::gateway_page(503, "Service Unavailable"))
        }
        Some(Fault::Internal) if !after => return Outcome::Reply(internal()),
        Some(Fault::Dropped) if !after => return Outcome::Drop,
        _ => {}
    }
    let reply = match change(state, live, dir, account_id, kind) {
        Ok(()) => Reply::empty(204),
        Err(refusal) => refusal.reply(ApiGen::V2),
    };
    match fault {
        Some(Fault::Internal) => Outcome::Reply(internal()),
        Some(Fault::Dropped) => Outcome::Drop,
        Some(Fault::Slow) => Outcome::Slow(reply, live.faults.slow_delay),
        _ => Outcome::Reply(reply),
    }
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
    if let Some(log) = &state.org.changes {
        // Synced before the 204, as site removals are: a change the client hears of is one
        // the next launch still knows. Unsaved, it is not applied.
        log.record(&change.line(account_id)).map_err(|e| {
            OrgRefusal::Internal(format!(
                "The practice site could not save this change in {}: {e}",
                log.path().display()
            ))
        })?;
    }
    org.apply(change, account_id);
    Ok(())
}

#[cfg(test)]
#[path = "writes_tests.rs"]
mod tests;
