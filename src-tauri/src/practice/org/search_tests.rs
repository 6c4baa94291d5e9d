use super::*;
use crate::practice::org::seed::seed;
use crate::practice::PracticeConfig;
use std::collections::HashSet;

fn org(n: usize) -> (OrgSetup, OrgLive) {
    let (setup, members) = seed(&PracticeConfig::generated(n, 5));
    (setup, OrgLive::new(members))
}

fn ids(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["accountId"].as_str().unwrap().to_string())
        .collect()
}

/// Every page of a search, following `links.next` (bounded).
fn all_pages(setup: &OrgSetup, live: &OrgLive, body: Value) -> Vec<String> {
    let mut seen = Vec::new();
    let mut body = body;
    for _ in 0..1000 {
        let page = search(setup, live, None, "-", body.to_string().as_bytes()).unwrap();
        seen.extend(ids(&page));
        match page["links"]["next"].as_str() {
            Some(next) => body["cursor"] = json!(next),
            None => return seen,
        }
    }
    panic!("more than 1000 pages");
}

#[test]
fn pages_cover_every_listed_account_once_in_the_seeded_order() {
    let (setup, live) = org(230);
    let want: Vec<String> = live.members.iter().map(|m| m.account_id.clone()).collect();
    assert_eq!(
        all_pages(&setup, &live, json!({})),
        want,
        "default limit 50"
    );
    assert_eq!(all_pages(&setup, &live, json!({"limit": 7})), want);
    let suspended: Vec<String> = live
        .members
        .iter()
        .filter(|m| m.suspended)
        .map(|m| m.account_id.clone())
        .collect();
    assert!(!suspended.is_empty());
    let body = json!({"limit": 2, "membershipStatus": ["suspended"]});
    assert_eq!(all_pages(&setup, &live, body), suspended);
    let last = search(&setup, &live, None, "-", br#"{"limit": 100}"#).unwrap();
    assert!(
        last["links"].get("next").is_some(),
        "230 people need 3 pages"
    );
    let empty = search(&setup, &live, None, "-", br#"{"accountIds": ["nobody"]}"#).unwrap();
    assert_eq!(empty["data"], json!([]));
    assert!(empty["links"].get("next").is_none());
}

#[test]
fn filters_select_as_the_api_describes() {
    let (setup, live) = org(200);
    let run = |body: Value| all_pages(&setup, &live, body);
    let managed = run(json!({"claimStatus": "managed"}));
    let unmanaged = run(json!({"claimStatus": "unmanaged"}));
    assert_eq!(managed.len() + unmanaged.len(), live.members.len());
    let not_invited = run(json!({"status": ["not_invited"]}));
    assert!((2..=3).contains(&not_invited.len()));
    let caller = &live.members[0];
    let term = caller.name.to_uppercase();
    assert!(run(json!({"searchTerm": term})).contains(&caller.account_id));
    let email = caller.email.clone().unwrap().to_uppercase();
    assert_eq!(
        run(json!({"emails": [email]})),
        [caller.account_id.as_str()]
    );
    let two = [&live.members[3].account_id, &live.members[1].account_id];
    let got: HashSet<String> = run(json!({"accountIds": two})).into_iter().collect();
    assert_eq!(got, two.iter().map(|s| s.to_string()).collect());
    assert!(run(json!({"accountStatus": ["closed"]})).is_empty());
}

#[test]
fn bad_bodies_limits_and_cursors_are_400s() {
    let (setup, live) = org(20);
    let refuse = |body: &str| search(&setup, &live, None, "-", body.as_bytes()).unwrap_err();
    for body in [
        "not json",
        r#"{"limit": 0}"#,
        r#"{"limit": 101}"#,
        r#"{"status": "active"}"#,
        r#"{"status": ["gone"]}"#,
        r#"{"claimStatus": "owned"}"#,
        r#"{"expand": ["everything"]}"#,
        r#"{"searchTerm": "a", "emails": ["a@example.com"]}"#,
    ] {
        assert!(
            matches!(refuse(body), OrgRefusal::InvalidRequest(_)),
            "{body}"
        );
    }
    assert_eq!(
        refuse(r#"{"cursor": "garbage"}"#),
        OrgRefusal::InvalidCursor
    );
    let page = search(&setup, &live, None, "-", br#"{"limit": 5}"#).unwrap();
    let next = page["links"]["next"].as_str().unwrap();
    let other_filters = json!({"cursor": next, "status": ["active"]}).to_string();
    assert_eq!(refuse(&other_filters), OrgRefusal::InvalidCursor);
    let other_dir = json!({"cursor": next}).to_string();
    let d = setup.directories[0].id.clone();
    assert_eq!(
        search(&setup, &live, Some(0), &d, other_dir.as_bytes()).unwrap_err(),
        OrgRefusal::InvalidCursor
    );
    // Same filters, another limit: fine.
    let body = json!({"cursor": next, "limit": 100}).to_string();
    assert!(search(&setup, &live, None, "-", body.as_bytes()).is_ok());
    assert!(
        search(&setup, &live, None, "-", b"").is_ok(),
        "an empty body"
    );
}

#[test]
fn a_removal_between_pages_skips_nobody() {
    let (setup, mut live) = org(40);
    let first = search(&setup, &live, None, "-", br#"{"limit": 10}"#).unwrap();
    let next = first["links"]["next"].as_str().unwrap().to_string();
    let gone = live.members[3].account_id.clone();
    live.apply(super::super::changes::OrgChange::Removed, &gone);
    let body = json!({"cursor": next, "limit": 10}).to_string();
    let second = search(&setup, &live, None, "-", body.as_bytes()).unwrap();
    assert_eq!(ids(&second)[0], live.members[10].account_id);
}

#[test]
fn expand_adds_roles_products_and_groups() {
    let (setup, live) = org(20);
    let plain = search(&setup, &live, None, "-", b"{}").unwrap();
    let user = &plain["data"][0];
    assert!(user.get("platformRoles").is_none() && user.get("productAccess").is_none());
    let body = br#"{"expand": ["platformRoles", "productAccess", "groups"]}"#;
    let full = search(&setup, &live, None, "-", body).unwrap();
    let user = &full["data"][0];
    assert_eq!(user["platformRoles"][0], "atlassian/org-admin");
    assert!(user["productAccess"].is_array() && user["groups"].is_array());
    assert!(user.get("counts").is_none());
}
