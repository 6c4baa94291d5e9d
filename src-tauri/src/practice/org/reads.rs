//! The organization's read endpoints besides search (ORG-API.md §1–3): the org list, the org,
//! its directories, and one user. Every key may read; only the list differs for a scoped key.

use super::cursor::{self, Listing};
use super::errors::OrgRefusal;
use super::gate::OrgKey;
use super::state::{OrgLive, OrgSetup};
use super::view::{org_json, user_json, Expand};
use serde_json::{json, Value};

/// A directories page's size when none is asked for (ORG-API.md §2).
pub(crate) const DIRECTORIES_DEFAULT_LIMIT: usize = 20;
/// The largest directories page (ORG-API.md §2).
pub(crate) const DIRECTORIES_MAX_LIMIT: usize = 100;

/// `GET /admin/v1/orgs`: the organization for the key without scopes; nothing for a scoped key
/// (as jira.js's live suite saw, ORG-API.md §1). `links` is empty: there is one page.
pub(crate) fn orgs(base_url: &str, config_id: &str, name: &str, key: OrgKey) -> Value {
    let data = match key {
        OrgKey::Full => vec![org_json(base_url, config_id, name)],
        OrgKey::Scoped => Vec::new(),
    };
    json!({ "data": data, "links": {} })
}

/// `GET /admin/v1/orgs/{orgId}`.
pub(crate) fn org(base_url: &str, config_id: &str, name: &str) -> Value {
    json!({ "data": org_json(base_url, config_id, name) })
}

/// `GET /admin/v2/orgs/{orgId}/directories`: `limit` (1–100, default 20) and an opaque
/// `cursor`, which, as documented, makes every other parameter be discarded (so it carries the
/// limit itself). Other filters (`accountId`, `directoryIds`, `searchTerm`) are not played.
pub(crate) fn directories(
    setup: &OrgSetup,
    query: &[(String, String)],
) -> Result<Value, OrgRefusal> {
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let (start, limit) = match param("cursor") {
        Some(c) => {
            let packed = cursor::decode(Listing::Directories, c, 0)?;
            (packed / 1000, (packed % 1000).max(1))
        }
        None => {
            let limit = match param("limit") {
                None => DIRECTORIES_DEFAULT_LIMIT,
                Some(v) => v
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|l| (1..=DIRECTORIES_MAX_LIMIT).contains(l))
                    .ok_or_else(|| {
                        OrgRefusal::InvalidRequest(format!(
                            "limit must be a whole number from 1 to {DIRECTORIES_MAX_LIMIT}."
                        ))
                    })?,
            };
            (0, limit)
        }
    };
    // Position and limit in one number: a cursor is `start * 1000 + limit`.
    let pack = |at: usize| cursor::encode(Listing::Directories, at * 1000 + limit, 0);
    let data: Vec<Value> = setup
        .directories
        .iter()
        .skip(start)
        .take(limit)
        .map(|d| {
            json!({
                "directoryId": d.id,
                "name": d.name,
                "icon": "https://admin.example.invalid/directory-icon.png",
            })
        })
        .collect();
    let mut links = json!({ "self": pack(start) });
    if start + limit < setup.directories.len() {
        links["next"] = json!(pack(start + limit));
    }
    Ok(json!({ "data": data, "links": links }))
}

/// `GET …/directories/{dir|-}/users/{accountId}`: the user's details (the search's fields
/// without expansions, plus `deactivatedOn`: when the account was deactivated or its deletion
/// asked for, on the practice clock), or 404 when the directory does not list them.
pub(crate) fn user(
    setup: &OrgSetup,
    live: &OrgLive,
    dir: Option<usize>,
    account_id: &str,
) -> Result<Value, OrgRefusal> {
    let member = live
        .get(account_id)
        .filter(|m| m.listed_in(dir))
        .ok_or_else(|| OrgRefusal::UserNotFound(account_id.to_string()))?;
    let mut data = user_json(setup, member, Expand::default());
    data["deactivatedOn"] = member
        .deactivated_on
        .map_or(Value::Null, |t| json!(super::seed::iso(t)));
    Ok(json!({ "data": data }))
}

#[cfg(test)]
mod tests {
    use super::super::seed::seed;
    use super::*;
    use crate::practice::PracticeConfig;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_scoped_key_lists_no_organization() {
        let full = orgs("http://h", "o1", "Org", OrgKey::Full);
        assert_eq!(full["data"][0]["id"], "o1");
        assert_eq!(full["links"], json!({}));
        assert_eq!(
            orgs("http://h", "o1", "Org", OrgKey::Scoped)["data"],
            json!([])
        );
        assert_eq!(
            org("http://h", "o1", "Org")["data"]["attributes"]["name"],
            "Org"
        );
    }

    #[test]
    fn directories_page_with_a_cursor_that_keeps_the_limit() {
        let config = PracticeConfig {
            org_directories: 3,
            ..PracticeConfig::default()
        };
        let (setup, _) = seed(&config);
        let all = directories(&setup, &[]).unwrap();
        assert_eq!(all["data"].as_array().unwrap().len(), 3);
        assert_eq!(all["data"][0]["name"], "Practice Directory");
        assert!(all["links"].get("next").is_none());
        let mut seen = Vec::new();
        let mut page = directories(&setup, &q(&[("limit", "2")])).unwrap();
        for _ in 0..5 {
            seen.extend(page["data"].as_array().unwrap().iter().cloned());
            let Some(next) = page["links"]["next"].as_str() else {
                break;
            };
            // Documented: with a cursor every other parameter is discarded.
            page = directories(&setup, &q(&[("cursor", next), ("limit", "1")])).unwrap();
        }
        assert_eq!(Value::Array(seen), all["data"]);
        for bad in [
            ("limit", "0"),
            ("limit", "101"),
            ("limit", "x"),
            ("cursor", "x"),
        ] {
            assert!(directories(&setup, &q(&[bad])).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn one_user_in_its_directory_or_everywhere() {
        let config = PracticeConfig {
            org_directories: 2,
            ..PracticeConfig::generated(40, 8)
        };
        let (setup, members) = seed(&config);
        let live = OrgLive::new(members);
        let m = live
            .members
            .iter()
            .find(|m| m.directory == Some(1))
            .unwrap();
        let got = user(&setup, &live, Some(1), &m.account_id).unwrap();
        assert_eq!(got["data"]["accountId"], m.account_id.as_str());
        assert!(got["data"]["deactivatedOn"].is_null());
        assert!(got["data"].get("platformRoles").is_none());
        assert!(user(&setup, &live, None, &m.account_id).is_ok());
        assert_eq!(
            user(&setup, &live, Some(0), &m.account_id),
            Err(OrgRefusal::UserNotFound(m.account_id.clone()))
        );
        assert!(user(&setup, &live, None, "nobody").is_err());
    }
}
