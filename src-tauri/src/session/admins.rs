//! The site's own `site-admins` group, read live: its members are protected whatever the export
//! says (DESIGN.md §5), so a file without admin information cannot unprotect anyone.

use super::SessionError;
use crate::atlassian::credential_signals::admin_standing;
use crate::atlassian::{waiting_out_rate_limits, AtlassianError, SiteClient};
use crate::roster::canonical_account_id;
use serde::Serialize;

/// Rate-limit waits tolerated before giving up on the read.
const MAX_WAITS: u32 = 5;

/// What the live read found, as the window shows it after "Check connection".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteAdmins {
    /// False when the group could not be read (see `note`).
    pub checked: bool,
    /// The group's members, canonical ids (empty for a site without the group).
    pub ids: Vec<String>,
    /// One sentence for the admin.
    pub note: String,
}

/// The members of the site's `site-admins` group; `None` when the site has no such group.
async fn members(client: &SiteClient) -> Result<Option<Vec<String>>, AtlassianError> {
    let found = waiting_out_rate_limits(MAX_WAITS, || client.site_admins()).await?;
    Ok(found.map(|ids| ids.iter().map(|id| canonical_account_id(id)).collect()))
}

/// Reads the group for display: a failure is reported in `note`, not raised.
pub async fn read_site_admins(client: &SiteClient) -> SiteAdmins {
    shown(members(client).await)
}

/// Reads the group at "Check connection": what to show, and the warning to give at once when
/// it says `caller` is not a site admin (credential_signals.rs, assumption 4).
pub(super) async fn read_with_standing(
    client: &SiteClient,
    caller: &str,
) -> (SiteAdmins, Option<String>) {
    let found = members(client).await;
    let warning = admin_standing(caller, &found).warning().map(str::to_owned);
    (shown(found), warning)
}

/// The group as the window shows it.
fn shown(found: Result<Option<Vec<String>>, AtlassianError>) -> SiteAdmins {
    match found {
        Ok(Some(ids)) => SiteAdmins {
            checked: true,
            note: format!(
                "Your site's site-admins group has {} {}: they are protected.",
                ids.len(),
                if ids.len() == 1 { "member" } else { "members" }
            ),
            ids,
        },
        Ok(None) => SiteAdmins {
            checked: true,
            ids: Vec::new(),
            note: "This site has no site-admins group; admins are recognised from the export."
                .into(),
        },
        Err(e) => SiteAdmins {
            checked: false,
            ids: Vec::new(),
            note: format!(
                "Could not read your site's site-admins group ({e}). It is read again before \
                 anything is removed."
            ),
        },
    }
}

/// Reads the group before a run or rehearsal: no run starts without knowing it.
pub async fn require_site_admins(client: &SiteClient) -> Result<Vec<String>, SessionError> {
    match members(client).await {
        Ok(found) => Ok(found.unwrap_or_default()),
        // Weak or bad credentials would stop the run anyway: say that, not "admins unknown".
        Err(e) if e.credentials_refused() => Err(SessionError::Atlassian(e)),
        Err(e) => Err(SessionError::AdminsUnknown(e.to_string())),
    }
}
