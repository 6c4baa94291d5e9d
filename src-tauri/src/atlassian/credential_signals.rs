//! What Atlassian's replies say about the credentials and the site, read at "Check connection"
//! and on every DELETE. Atlassian documents almost none of these replies, so every assumption
//! Offboard makes about them lives here, named, with its source, and is tested below
//! (`credential_signals_tests.rs`). Change an assumption here and nowhere else.
//!
//! 1. **A scoped API token on the site's address is refused with HTTP 401.** Support KB
//!    "401 Unauthorized error when service account accesses Jira or Confluence API"
//!    (support.atlassian.com/atlassian-cloud/kb/): scoped tokens must be used through
//!    `api.atlassian.com/ex/jira/{cloudId}`, not `<site>.atlassian.net`, and "there is no way to
//!    distinguish them just from the token itself". The body has been reported as
//!    `{"code":401,"message":"Unauthorized; scope does not match"}` (Atlassian Community, July
//!    and October 2025). Recognised: a 401 whose body (JSON `message`, `errorMessages`, or
//!    plain text) mentions "scope", in any case. A scoped token reported as a 403 (seen on
//!    Confluence) or as "does not exist" is not recognised: it gets the ordinary message.
//! 2. **An expired API token is refused with HTTP 401 too.** "Manage API tokens for your
//!    Atlassian account" (support.atlassian.com/atlassian-account/docs/): tokens made after
//!    15 December 2024 expire within a year; tokens made before it expire between 14 March and
//!    12 May 2026. Jira Cloud answers an invalid or expired token with a JSON 401 (jira.js issue
//!    #418 shows `x-seraph-loginreason: AUTHENTICATED_FAILED`, the same as a wrong token). No
//!    distinct body is documented: recognised when the body or a `WWW-Authenticate` header
//!    mentions "expired"; otherwise the generic 401 message names expiry as a likely cause,
//!    with the page that makes a new token.
//! 3. **A site without Jira answers `GET /rest/api/3/myself` with 404**, while Confluence Cloud's
//!    documented "Get current user", `GET /wiki/rest/api/user/current` (REST v1), answers 200
//!    with the caller as JSON carrying an `accountId` (its `type` is `known`; an anonymous
//!    caller would be `anonymous`). When that probe answers like that, the site is
//!    Confluence-only; when it answers 401, that 401 is the credentials' refusal (read as in 1
//!    and 2); any other answer means the address is not an Atlassian site with Jira.
//! 4. **The signed-in account is not a site admin** when it is not among the members of the live
//!    `site-admins` group (Jira's "Get users from group", read by `session::read_site_admins`),
//!    or when reading that group was refused with 403 (the endpoint needs "Browse users and
//!    groups", which site admins always have). A site without the group (404) or a group that
//!    could not be read for another reason says nothing: no warning. Only a warning: DESIGN.md
//!    §4 says only DELETE's own 403 proves the rights are missing, and organization admins may
//!    manage users without being in the group. `mypermissions?permissions=ADMINISTER` is not
//!    asked: "Administer Jira" is weaker than site administration (DESIGN.md §4), so it could
//!    only add a second, weaker guess.

use super::reply::parse_error_messages;
use super::AtlassianError;
use crate::roster::canonical_account_id;
use reqwest::header::{HeaderMap, WWW_AUTHENTICATE};
use serde_json::Value;

/// Where classic API tokens are made ("Create API token").
pub const CLASSIC_TOKEN_PAGE: &str = "https://id.atlassian.com/manage-profile/security/api-tokens";

/// Confluence Cloud's "Get current user" (REST v1), the probe of assumption 3.
pub const CONFLUENCE_CURRENT_USER: &str = "/wiki/rest/api/user/current";

/// Why the site refused the credentials with a 401 (assumptions 1 and 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialRefusal {
    /// A token with scopes, which the site's address does not accept.
    Scoped,
    /// A token past its expiry date.
    Expired,
    /// Any other 401: a wrong email or token, or an expiry the reply did not name.
    Rejected,
}

impl CredentialRefusal {
    /// What the admin should read and do, without the token or any email.
    pub fn message(self) -> &'static str {
        match self {
            CredentialRefusal::Scoped => concat!(
                "The site refused this API token (HTTP 401): it is a token with scopes, and those ",
                "do not work with a site's own address. Create a classic token instead: on ",
                "https://id.atlassian.com/manage-profile/security/api-tokens choose ",
                "\"Create API token\" (not \"Create API token with scopes\")."
            ),
            CredentialRefusal::Expired => concat!(
                "The site refused this API token because it has expired (HTTP 401). Create a new ",
                "one on https://id.atlassian.com/manage-profile/security/api-tokens with ",
                "\"Create API token\" (not \"Create API token with scopes\")."
            ),
            CredentialRefusal::Rejected => concat!(
                "The site rejected the email or API token (HTTP 401). Check both. If they are ",
                "right, the token has probably expired: tokens made before 15 December 2024 ",
                "expired between 14 March and 12 May 2026, and newer ones last a year at most. ",
                "Create a new one on https://id.atlassian.com/manage-profile/security/api-tokens ",
                "with \"Create API token\"."
            ),
        }
    }
}

/// Reads a 401 (assumptions 1 and 2): scoped, expired, or plainly rejected.
pub fn read_401(headers: &HeaderMap, body: &str) -> CredentialRefusal {
    let said = parse_error_messages(body).to_lowercase();
    if said.contains("scope") {
        return CredentialRefusal::Scoped;
    }
    let challenge_says_expired = headers
        .get_all(WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_lowercase().contains("expired"));
    if said.contains("expired") || challenge_says_expired {
        return CredentialRefusal::Expired;
    }
    CredentialRefusal::Rejected
}

/// True when a reply to `GET /rest/api/3/myself` says the site has no Jira to ask
/// (assumption 3): a 404, whatever its body.
pub fn jira_missing(status: u16) -> bool {
    status == 404
}

/// What the Confluence probe (assumption 3) found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfluenceProbe {
    /// Confluence answered with the signed-in caller: a Confluence site.
    Caller,
    /// Confluence refused the credentials (401).
    Refused(CredentialRefusal),
    /// Anything else (no Confluence here, another reply, no reply).
    Nothing,
}

/// Reads the reply to `GET /wiki/rest/api/user/current` (assumption 3).
pub fn read_confluence_probe(status: u16, headers: &HeaderMap, body: &str) -> ConfluenceProbe {
    if status == 401 {
        return ConfluenceProbe::Refused(read_401(headers, body));
    }
    if status != 200 {
        return ConfluenceProbe::Nothing;
    }
    let Ok(Value::Object(user)) = serde_json::from_str::<Value>(body.trim()) else {
        return ConfluenceProbe::Nothing;
    };
    let known = user
        .get("accountId")
        .and_then(Value::as_str)
        .is_some_and(|id| !id.trim().is_empty());
    let anonymous = user.get("type").and_then(Value::as_str) == Some("anonymous");
    if known && !anonymous {
        ConfluenceProbe::Caller
    } else {
        ConfluenceProbe::Nothing
    }
}

/// What the live `site-admins` read says about the signed-in account (assumption 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminStanding {
    /// A member of the group.
    InGroup,
    /// The group was read and the account is not in it.
    NotInGroup,
    /// Reading the group was refused with 403.
    ReadRefused,
    /// No group on this site, or it could not be read: nothing can be said.
    Unknown,
}

/// The caller's standing from the live read of the group: its members (`None`: no such group)
/// or why it could not be read. Ids are compared in canonical form.
pub fn admin_standing(
    caller: &str,
    group: &Result<Option<Vec<String>>, AtlassianError>,
) -> AdminStanding {
    let caller = canonical_account_id(caller);
    match group {
        Ok(Some(ids)) if ids.iter().any(|id| canonical_account_id(id) == caller) => {
            AdminStanding::InGroup
        }
        Ok(Some(_)) => AdminStanding::NotInGroup,
        Err(AtlassianError::Forbidden) => AdminStanding::ReadRefused,
        Ok(None) | Err(_) => AdminStanding::Unknown,
    }
}

impl AdminStanding {
    /// The warning to show at once after "Check connection", if any.
    pub fn warning(self) -> Option<&'static str> {
        match self {
            AdminStanding::NotInGroup => Some(concat!(
                "This account is not in your site's site-admins group. Removing users needs site ",
                "administration, so Atlassian will probably refuse every removal (HTTP 403), ",
                "unless your organization lets this account manage users without being in the ",
                "group (some organization admins can). Sign in as a member of site-admins, or ",
                "rehearse on one user first to find out."
            )),
            AdminStanding::ReadRefused => Some(concat!(
                "This account may not read your site's site-admins group (HTTP 403), so it is ",
                "probably not a site admin. Removing users needs site administration, so ",
                "Atlassian will probably refuse every removal (HTTP 403), unless your ",
                "organization lets this account manage users. Sign in as a member of site-admins, ",
                "or rehearse on one user first to find out."
            )),
            AdminStanding::InGroup | AdminStanding::Unknown => None,
        }
    }
}

#[cfg(test)]
#[path = "credential_signals_tests.rs"]
mod tests;
