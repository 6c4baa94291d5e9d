//! `POST /admin/v2/orgs/{orgId}/directories/{dir|-}/users/search` (ORG-API.md §3): JSON body
//! filters, `expand`, and opaque cursors over the seeded order.
//!
//! The practice site's assumptions where Atlassian is silent: `limit` defaults to 50 and more
//! than 100 is a 400; filters Offboard does not send (`directoryIds`, `resourceIds`,
//! `groupIds`, `roleIds`, `emailDomains`, `mfaEnabled`, `sortBy`) are accepted and ignored;
//! `accountIds` has no cap; a cursor must come with the same filters it was handed out for.

use super::cursor::{self, Listing};
use super::errors::OrgRefusal;
use super::state::{OrgLive, OrgMember, OrgSetup};
use super::view::{user_json, Expand};
use serde::Deserialize;
use serde_json::{json, Value};

/// A page's size when the body names none.
pub(crate) const SEARCH_DEFAULT_LIMIT: i64 = 50;
/// The largest page (the practice site's assumption; the GET listing's documented maximum).
pub(crate) const SEARCH_MAX_LIMIT: i64 = 100;

const STATUSES: &[&str] = &[
    "active",
    "suspended",
    "not_invited",
    "deactivated",
    "for_deletion",
];
const MEMBERSHIPS: &[&str] = &["active", "suspended", "no_membership"];
const ACCOUNT_STATUSES: &[&str] = &["active", "inactive", "closed"];
const CLAIMS: &[&str] = &["managed", "unmanaged"];

/// The body fields the practice site reads (every one optional).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    cursor: Option<String>,
    limit: Option<i64>,
    #[serde(default)]
    account_ids: Vec<String>,
    #[serde(default)]
    status: Vec<String>,
    claim_status: Option<String>,
    #[serde(default)]
    membership_status: Vec<String>,
    #[serde(default)]
    account_status: Vec<String>,
    search_term: Option<String>,
    emails: Option<Vec<String>>,
    #[serde(default)]
    expand: Vec<String>,
}

/// A search, read and checked.
struct Search {
    body: Body,
    limit: usize,
    expand: Expand,
    /// The search term, lower-cased.
    term: Option<String>,
}

impl Search {
    fn read(raw: &[u8]) -> Result<Search, OrgRefusal> {
        let invalid = |why: String| OrgRefusal::InvalidRequest(why);
        let body: Body = if raw.iter().all(u8::is_ascii_whitespace) {
            Body::default()
        } else {
            serde_json::from_slice(raw)
                .map_err(|e| invalid(format!("The request body is not a valid search: {e}.")))?
        };
        let limit = body.limit.unwrap_or(SEARCH_DEFAULT_LIMIT);
        if !(1..=SEARCH_MAX_LIMIT).contains(&limit) {
            return Err(invalid(format!(
                "limit must be from 1 to {SEARCH_MAX_LIMIT}; it was {limit}."
            )));
        }
        if body.search_term.is_some() && body.emails.is_some() {
            return Err(invalid(
                "searchTerm and emails can't be used together: send one or the other.".into(),
            ));
        }
        let lists: [(&str, &[String], &[&str]); 3] = [
            ("status", &body.status, STATUSES),
            ("membershipStatus", &body.membership_status, MEMBERSHIPS),
            ("accountStatus", &body.account_status, ACCOUNT_STATUSES),
        ];
        let claim = body.claim_status.iter().cloned().collect::<Vec<_>>();
        for (field, given, allowed) in
            lists
                .into_iter()
                .chain([("claimStatus", claim.as_slice(), CLAIMS)])
        {
            if let Some(bad) = given.iter().find(|v| !allowed.contains(&v.as_str())) {
                return Err(invalid(format!(
                    "{field} can't be {bad:?}: use {}.",
                    allowed.join(", ")
                )));
            }
        }
        let mut expand = Expand::default();
        if let Some(bad) = body.expand.iter().find(|v| !expand.add(v)) {
            return Err(invalid(format!(
                "expand can't be {bad:?}: use platformRoles, counts.resources, productAccess \
                 or groups."
            )));
        }
        let term = body.search_term.as_ref().map(|t| t.trim().to_lowercase());
        Ok(Search {
            limit: limit as usize,
            expand,
            term,
            body,
        })
    }

    /// The checksum a cursor must carry: the directory and every filter (not the limit or
    /// `expand`, which do not change who is listed).
    fn checksum(&self, dir: &str) -> u64 {
        let b = &self.body;
        let emails = b.emails.as_ref().map(|e| format!("{e:?}"));
        cursor::checksum([
            dir,
            &format!("{:?}", b.account_ids),
            &format!("{:?}", b.status),
            b.claim_status.as_deref().unwrap_or(""),
            &format!("{:?}", b.membership_status),
            &format!("{:?}", b.account_status),
            b.search_term.as_deref().unwrap_or(""),
            emails.as_deref().unwrap_or(""),
        ])
    }

    fn matches(&self, m: &OrgMember) -> bool {
        let b = &self.body;
        let any = |list: &[String], value: &str| list.is_empty() || list.iter().any(|v| v == value);
        let claim = if m.managed { "managed" } else { "unmanaged" };
        let email = m.email.as_deref().unwrap_or("");
        any(&b.account_ids, &m.account_id)
            && any(&b.status, m.status())
            && b.claim_status.as_deref().is_none_or(|c| c == claim)
            && any(&b.membership_status, m.membership_status())
            && any(&b.account_status, m.account_status())
            && self.term.as_deref().is_none_or(|t| {
                m.name.to_lowercase().contains(t) || email.to_lowercase().contains(t)
            })
            && b.emails
                .as_ref()
                .is_none_or(|list| list.iter().any(|e| e.trim().eq_ignore_ascii_case(email)))
    }
}

/// One page of a search of directory `dir` (`None` = `-`); `dir_segment` is the path's text.
pub(crate) fn search(
    setup: &OrgSetup,
    live: &OrgLive,
    dir: Option<usize>,
    dir_segment: &str,
    raw: &[u8],
) -> Result<Value, OrgRefusal> {
    let search = Search::read(raw)?;
    if let Some(max) = setup.max_account_ids {
        if search.body.account_ids.len() > max {
            return Err(OrgRefusal::InvalidRequest(format!(
                "accountIds can hold at most {max} ids; it held {}.",
                search.body.account_ids.len()
            )));
        }
    }
    let checksum = search.checksum(dir_segment);
    let start = match &search.body.cursor {
        Some(c) => cursor::decode(Listing::Users, c, checksum)?,
        None => 0,
    };
    let mut hits = live
        .members
        .iter()
        .enumerate()
        .skip(start)
        .filter(|(_, m)| m.listed_in(dir) && search.matches(m));
    let page: Vec<Value> = hits
        .by_ref()
        .take(search.limit)
        .map(|(_, m)| user_json(setup, m, search.expand))
        .collect();
    let mut links = json!({ "self": cursor::encode(Listing::Users, start, checksum) });
    if let Some((next, _)) = hits.next() {
        links["next"] = json!(cursor::encode(Listing::Users, next, checksum));
    }
    Ok(json!({ "data": page, "links": links }))
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
