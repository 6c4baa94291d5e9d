//! The per-account check before an account action (issue 14 point 3): Atlassian's `manage`
//! privileges for every person a run would act on, read before anything changes (reads only).

use super::super::SessionError;
use super::connect::OrgConnection;
use crate::atlassian::org::{OrgUser, Permission};
use crate::atlassian::waiting_out_rate_limits;
use crate::roster::canonical_account_id;
use crate::sweep::{Guard, Plan};
use std::collections::{HashMap, HashSet};

/// Rate-limit waits tolerated per account before the check gives up.
const MAX_WAITS: u32 = 10;

/// Reads what Atlassian allows for each row of an account-action `plan` that is in the
/// directory now (`now`, just read) and that the core's guards let through, keyed by canonical
/// account id. An account Atlassian does not know is left out (the dry run then says it gave
/// no answer). Other actions read nothing.
pub async fn read_privileges(
    conn: &OrgConnection,
    plan: &Plan,
    now: &[OrgUser],
) -> Result<HashMap<String, Permission>, SessionError> {
    let mut allowed = HashMap::new();
    if !plan.action.is_lifecycle() {
        return Ok(allowed);
    }
    conn.require_unscoped()?;
    let listed: HashSet<String> = now
        .iter()
        .map(|u| canonical_account_id(&u.account_id))
        .collect();
    let guard = Guard::of_org_users(now);
    for row in plan
        .rows
        .iter()
        .filter(|r| plan.protection(r, &guard).is_none())
    {
        let id = canonical_account_id(&row.account_id);
        if id.is_empty() || !listed.contains(&id) || allowed.contains_key(&id) {
            continue;
        }
        let found = waiting_out_rate_limits(MAX_WAITS, || conn.client.privileges(&id))
            .await
            .map_err(|e| {
                if e.credentials_refused() {
                    SessionError::Org(e)
                } else {
                    SessionError::DirectoryUnread(e.to_string())
                }
            })?;
        if let Some(privileges) = found {
            if let Some(permission) = privileges.for_action(plan.action) {
                allowed.insert(id, permission.clone());
            }
        }
    }
    Ok(allowed)
}
