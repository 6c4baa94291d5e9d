//! What the organization admin API's undocumented replies are taken to mean. ORG-API.md lists
//! "points to verify against a real org before shipping"; every assumption Offboard makes about
//! them lives here, named after the point it answers, with its source, and is tested below
//! (`signals_tests.rs`). Change an assumption here and nowhere else.
//!
//! 1. Writes succeed with any 2xx ([`write_accepted`]).
//! 2. A 403 on a write refuses one user unless it names the whole key ([`read_403`]).
//! 3. `-` is never a directory for writes ([`directory_for_writes`]).
//! 4. Search pages hold at most [`SEARCH_PAGE`] users and a cursor is sent with the filters
//!    ([`search_body`], [`ACCOUNT_IDS_PER_SEARCH`]).
//! 5. The wait of a 429 is `Retry-After`, else `X-RateLimit-Reset` in a lenient ISO 8601
//!    ([`parse_reset`], [`rate_limit_wait`], [`near_limit`]).
//! 6. A key with scopes sees no organizations in `GET /admin/v1/orgs` ([`key_has_scopes`]).
//! 7. A key with scopes is refused writes with a reply naming a scope ([`names_scope`]).
//!
//! Two more follow from documented codes: a 404 naming the organization is not "user gone"
//! ([`org_missing`]), and what reading a user back proves ([`end_state_holds`]).

use super::reply::ErrorBody;
use super::{OrgUser, UserSearch};
use crate::atlassian::RateLimitInfo;
use crate::sweep::Action;
use serde_json::{json, Value};
use std::time::{Duration, SystemTime};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Point 1 (ORG-API.md §4–5: no source lists the success codes of v2 DELETE, suspend and
/// restore; 204 was observed for suspend, v1 used 204 and later 200, a queued delete may be
/// 202). Assumed: any 2xx means Atlassian accepted the write; the read-back after the run
/// says whether it took effect.
pub fn write_accepted(status: u16) -> bool {
    (200..300).contains(&status)
}

/// What a 403 on a write refuses (points 2 and 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal403 {
    /// The key has scopes: every write will be refused, the run must stop.
    ScopedKey,
    /// The key may not manage this organization at all: the run must stop.
    WholeKey,
    /// Atlassian refuses this one user (an org admin, a synced user, access on another site).
    ThisUser,
}

/// Point 2 (ORG-API.md §4 "Error cases", §8): the codes for an org-admin target, a SCIM-synced
/// user or a user with access on a site the key cannot manage are undocumented; a field note
/// saw "one account returned 403 (it had access on a second site of the org)". Assumed: a
/// 403 naming a scope is a scoped key (point 7), one with `ADMIN-403-3` or `ADMIN-UAM-403-2`
/// ("Not allowed to manage the org", §8 shapes 2 and 4) refuses the whole key, and any other
/// 403 refuses only this user, with Atlassian's words.
pub fn read_403(body: &ErrorBody) -> Refusal403 {
    const WHOLE_KEY: [&str; 2] = ["ADMIN-403-3", "ADMIN-UAM-403-2"];
    if names_scope(body) {
        return Refusal403::ScopedKey;
    }
    let coded = body
        .codes
        .iter()
        .any(|c| WHOLE_KEY.iter().any(|w| c.eq_ignore_ascii_case(w)));
    let worded = body
        .message
        .to_lowercase()
        .contains("not allowed to manage the org");
    if coded || worded {
        Refusal403::WholeKey
    } else {
        Refusal403::ThisUser
    }
}

/// Point 7 (ORG-API.md §1 "user-management API refuses scoped keys": every operation answers
/// `403 forbidden.insufficientScope`; no scope is documented for v2 remove and suspend).
/// Assumed: a refusal (401 or 403) whose code or words name a scope (`insufficientScope`,
/// "scope") is a key with scopes, whichever endpoint answered.
pub fn names_scope(body: &ErrorBody) -> bool {
    body.codes
        .iter()
        .any(|c| c.to_lowercase().contains("scope"))
        || body.message.to_lowercase().contains("scope")
}

/// The directory id that means "every directory" on reads (ORG-API.md §3).
pub const WILDCARD_DIRECTORY: &str = "-";

/// Point 3 (ORG-API.md §3: the DELETE, suspend and restore parameter docs do not mention `-`,
/// "Use the Get directories endpoint to find the directory ID"). Assumed: `-` is refused there
/// (or worse, acts on every directory), so a write needs a concrete directory; the error is
/// the words for the admin.
pub fn directory_for_writes(directory_id: &str) -> Result<(), String> {
    match directory_id.trim() {
        "" => Err("No directory was chosen for this organization, so nothing was sent. Check the connection again and pick the directory to act on.".into()),
        WILDCARD_DIRECTORY => Err("'-' (every directory) can only be used to read users; suspending, restoring or removing needs one directory. Check the connection again and pick one; nothing was sent.".into()),
        _ => Ok(()),
    }
}

/// Point 4 (ORG-API.md §3: `limit` "defaults to 50", no maximum stated; the GET listing's
/// maximum is 100 and field code uses 100). Assumed: 100 users per search page.
pub const SEARCH_PAGE: u32 = 100;

/// Point 4 again (ORG-API.md §3: the GET variant caps `accountIds` at 10, the search's cap is
/// unknown). Assumed: a search takes as many account ids as a page holds users.
pub const ACCOUNT_IDS_PER_SEARCH: usize = SEARCH_PAGE as usize;

/// Ids per search after a 400 for a batch of [`ACCOUNT_IDS_PER_SEARCH`]: the cap the GET
/// listing documents for `accountIds` (ORG-API.md §3), in case the search shares it.
pub const ACCOUNT_IDS_FALLBACK: usize = 10;

/// What every search asks to be added to each user (ORG-API.md §3 `expand`; without
/// `platformRoles` the admin roles are not returned).
pub const SEARCH_EXPAND: [&str; 3] = ["platformRoles", "productAccess", "groups"];

/// Point 4 (ORG-API.md §3 "Pagination": field clients resend the filters and `limit` with
/// `cursor`; for the GET variants "all other parameters are discarded"). Assumed: the search
/// needs them resent, so every page's body carries the filters, `limit` (1 to
/// [`SEARCH_PAGE`]), `expand`, and the cursor when there is one.
pub fn search_body(search: &UserSearch, cursor: Option<&str>, limit: u32) -> Value {
    let mut body = match serde_json::to_value(search) {
        Ok(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    body.insert("limit".into(), json!(limit.clamp(1, SEARCH_PAGE)));
    body.insert("expand".into(), json!(SEARCH_EXPAND));
    if let Some(cursor) = cursor {
        body.insert("cursor".into(), json!(cursor));
    }
    Value::Object(body)
}

/// Point 5 (ORG-API.md §7: `Retry-After` is not documented for the admin API; field clients
/// check it first, then `X-RateLimit-Reset`, documented as "ISO 8601 - Date and time in UTC"
/// and parsed by one client as `%Y-%m-%dT%H:%M%z`). Assumed: that order, else no hint (the
/// engine backs off on its own). A zero wait is no hint. The organization's rate-limit waits
/// read it (`atlassian::rate_limit_waits`).
pub fn rate_limit_wait(info: &RateLimitInfo) -> Option<Duration> {
    info.wait_hint()
}

/// Point 5: `X-RateLimit-Reset` read leniently, as the wait from `now` (clamped to
/// [`RateLimitInfo::MAX_WAIT`], never negative): RFC 3339 with or without seconds, with
/// fractions, with `Z`, `+hh:mm`, `+hhmm` or `+hh`; else Unix time (seconds or milliseconds)
/// or a delay in seconds, as other gateways send.
pub fn parse_reset(value: &str, now: OffsetDateTime) -> Option<Duration> {
    let value = value.trim();
    if let Some(at) = lenient_instant(value) {
        return Some(until(at, now));
    }
    let secs = value.parse::<f64>().ok().filter(|s| s.is_finite())?;
    if secs > 1e9 {
        let secs = if secs >= 1e11 { secs / 1000.0 } else { secs };
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs_f64(secs.min(1e11));
        return Some(until(OffsetDateTime::from(at), now));
    }
    Some(Duration::from_secs_f64(
        secs.clamp(0.0, RateLimitInfo::MAX_WAIT.as_secs_f64()),
    ))
}

/// Point 5 (ORG-API.md §7 "pace proactively: if `X-RateLimit-Remaining` is at or near 0").
/// Assumed near: `Remaining: 0`, under a fifth of `X-RateLimit-Limit`, or
/// `X-RateLimit-NearLimit: true`.
pub fn near_limit(info: &RateLimitInfo) -> bool {
    info.remaining == Some(0) || info.is_near_limit()
}

/// Point 6 (ORG-API.md §1: jira.js's live suite asserts a scoped key "lists no organizations
/// at all", `data == []`; what an unscoped key gets is unconfirmed). Assumed: an unscoped key
/// sees its own organization there, so an org that could be read by id but is missing from
/// the visible list means the key has scopes. Only meaningful after the org was read.
pub fn key_has_scopes(visible: &[String], org_id: &str) -> bool {
    let org_id = org_id.trim();
    !visible
        .iter()
        .any(|id| id.trim().eq_ignore_ascii_case(org_id))
}

/// ORG-API.md §8 code `ADMIN-404-2` "org not found": a write answered so does not prove the
/// user is gone (the key or org is wrong), so it must not count as "not in the directory".
pub fn org_missing(body: &ErrorBody) -> bool {
    body.codes
        .iter()
        .any(|c| c.eq_ignore_ascii_case("ADMIN-404-2"))
}

/// ORG-API.md §4 ("done means the user is gone from the directory, or `membershipStatus` is
/// `no_membership`") and §5 ("verify afterwards: `membershipStatus == suspended`"). Assumed
/// for restore: `membershipStatus == active`. `user` is the account as the directory reports
/// it, `None` when absent.
///
/// The account actions (ORG-API.md §6) are read from the same user object. Assumed (§6 "[U]
/// accountStatus during the grace period is probably inactive"): deactivated is `accountStatus
/// == inactive` without `status == for_deletion`; a scheduled deletion is `status ==
/// for_deletion`, or the account gone once the grace period ended; reactivated is `accountStatus
/// == active`; a cancelled deletion is an account still there and no longer `for_deletion`.
pub fn end_state_holds(action: Action, user: Option<&OrgUser>) -> bool {
    let membership = user.map(|u| u.membership_status.as_str());
    let pending = user.is_some_and(pending_deletion);
    let account = user.map(|u| u.account_status.as_str());
    match action {
        Action::Remove => matches!(membership, None | Some("no_membership")),
        Action::Suspend => membership == Some("suspended"),
        Action::Restore => membership == Some("active"),
        Action::Deactivate => account == Some("inactive") && !pending,
        Action::Reactivate => account == Some("active") && !pending,
        Action::DeleteAccount => user.is_none() || pending,
        Action::CancelDelete => user.is_some() && !pending,
        Action::SiteRemove => false,
    }
}

/// ORG-API.md §6: "a pending deletion shows as `status: for_deletion`" [S, generated].
pub fn pending_deletion(user: &OrgUser) -> bool {
    user.status.eq_ignore_ascii_case("for_deletion")
}

/// A date and time in the lenient forms of [`parse_reset`].
fn lenient_instant(value: &str) -> Option<OffsetDateTime> {
    let (date, rest) = value.split_once(['T', 't', ' '])?;
    let (clock, offset) = match rest.strip_suffix(['Z', 'z']) {
        Some(clock) => (clock, "+00:00".to_owned()),
        None => {
            let at = rest.rfind(['+', '-'])?;
            let (clock, offset) = rest.split_at(at);
            (clock, full_offset(offset)?)
        }
    };
    // `HH:MM` gets its seconds; `HH:MM:SS[.fff]` stays.
    let clock = if clock.len() == 5 {
        format!("{clock}:00")
    } else {
        clock.to_owned()
    };
    OffsetDateTime::parse(&format!("{date}T{clock}{offset}"), &Rfc3339).ok()
}

/// `+hh:mm`, `+hhmm` or `+hh` as `+hh:mm`.
fn full_offset(offset: &str) -> Option<String> {
    let (sign, digits) = offset.split_at(1);
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match digits.len() {
        2 => Some(format!("{sign}{digits}:00")),
        4 => Some(format!("{sign}{}:{}", &digits[..2], &digits[2..])),
        _ => None,
    }
}

fn until(at: OffsetDateTime, now: OffsetDateTime) -> Duration {
    let left = at - now;
    if left.is_negative() {
        return Duration::ZERO;
    }
    Duration::try_from(left)
        .unwrap_or(RateLimitInfo::MAX_WAIT)
        .min(RateLimitInfo::MAX_WAIT)
}

#[cfg(test)]
#[path = "signals_tests.rs"]
mod tests;
