//! Each assumption of `signals.rs`, as the replies it is about.

use super::*;
use crate::atlassian::org::reply::parse_error_body;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-12-01 10:00:00 UTC);

#[test]
fn point_1_any_2xx_is_an_accepted_write() {
    for status in [200, 201, 202, 204, 299] {
        assert!(write_accepted(status), "{status}");
    }
    for status in [199, 300, 304, 400, 404, 500] {
        assert!(!write_accepted(status), "{status}");
    }
}

#[test]
fn point_2_a_403_refuses_this_user_unless_it_names_the_whole_key() {
    let body = |json: &str| parse_error_body(json);
    // The org-admin refusal of ORG-API.md §8 shapes 2 and 4.
    let org = r#"{"errors":[{"id":"1","status":"403","code":"ADMIN-403-3","title":"Forbidden","detail":"Not allowed to manage the org"}]}"#;
    assert_eq!(read_403(&body(org)), Refusal403::WholeKey);
    let uam = r#"{"errors":[{"id":"1","code":"ADMIN-UAM-403-2","status":"403","title":"Not allowed to manage the org","detail":null}]}"#;
    assert_eq!(read_403(&body(uam)), Refusal403::WholeKey);
    let words_only = r#"{"message":"You are not allowed to manage the org"}"#;
    assert_eq!(read_403(&body(words_only)), Refusal403::WholeKey);
    // Per-user refusals: access on another site, a synced user, anything unnamed.
    let other_site = r#"{"errors":[{"status":"403","code":"ADMIN-403-9","title":"Forbidden","detail":"The user has access to a site you can't manage"}]}"#;
    assert_eq!(read_403(&body(other_site)), Refusal403::ThisUser);
    let scim = r#"{"key":"forbidden.action","context":{"allowed":false,"reason":{"key":"externalDirectory.scim"}}}"#;
    assert_eq!(read_403(&body(scim)), Refusal403::ThisUser);
    assert_eq!(read_403(&body("")), Refusal403::ThisUser);
    assert_eq!(read_403(&body("Forbidden")), Refusal403::ThisUser);
}

#[test]
fn point_7_a_refusal_naming_a_scope_is_a_scoped_key() {
    let body = |json: &str| parse_error_body(json);
    let um =
        r#"{"key":"forbidden.insufficientScope","context":{"message":"needs one of manage:org"}}"#;
    assert!(names_scope(&body(um)));
    assert_eq!(read_403(&body(um)), Refusal403::ScopedKey);
    let v2 = r#"{"errors":[{"status":"403","code":"insufficientScope","title":"Forbidden"}]}"#;
    assert_eq!(read_403(&body(v2)), Refusal403::ScopedKey);
    let proxy = r#"{"code":401,"message":"Unauthorized; scope does not match"}"#;
    assert!(names_scope(&body(proxy)));
    assert!(names_scope(&body("The API key's SCOPES do not allow this")));
    // Scope words win over the whole-key code: the admin must make a key without scopes.
    let both = r#"{"errors":[{"code":"ADMIN-403-3","detail":"missing scope write:users:admin"}]}"#;
    assert_eq!(read_403(&body(both)), Refusal403::ScopedKey);
    assert!(!names_scope(&body(
        r#"{"code":401,"message":"Unauthorized"}"#
    )));
}

#[test]
fn point_3_writes_need_one_concrete_directory() {
    assert!(directory_for_writes("0b7c5f3e-dir").is_ok());
    let wildcard = directory_for_writes(" - ").unwrap_err();
    assert!(wildcard.contains("needs one directory"), "{wildcard}");
    assert!(wildcard.contains("nothing was sent"), "{wildcard}");
    let none = directory_for_writes("").unwrap_err();
    assert!(none.contains("No directory was chosen"), "{none}");
}

#[test]
fn point_4_every_search_page_resends_filters_limit_and_expand() {
    let search = UserSearch {
        account_ids: vec!["a".into(), "b".into()],
        status: vec!["active".into()],
        claim_status: Some("managed".into()),
        search_term: Some("ada".into()),
    };
    let first = search_body(&search, None, SEARCH_PAGE);
    assert_eq!(
        first,
        json!({"accountIds": ["a", "b"], "status": ["active"], "claimStatus": "managed",
               "searchTerm": "ada", "limit": 100,
               "expand": ["platformRoles", "productAccess", "groups"]})
    );
    let next = search_body(&search, Some("kloHX1ZQ"), SEARCH_PAGE);
    assert_eq!(next["cursor"], "kloHX1ZQ");
    assert_eq!(next["accountIds"], first["accountIds"]);
    assert_eq!(next["limit"], 100);
    // The limit stays within 1..=SEARCH_PAGE.
    assert_eq!(search_body(&UserSearch::default(), None, 0)["limit"], 1);
    assert_eq!(
        search_body(&UserSearch::default(), None, 5000)["limit"],
        100
    );
    assert_eq!(search_body(&UserSearch::default(), None, 30)["limit"], 30);
    assert_eq!(ACCOUNT_IDS_PER_SEARCH, 100);
}

#[test]
fn point_5_the_reset_is_read_leniently() {
    let secs = |s: u64| Some(Duration::from_secs(s));
    for (value, wait) in [
        ("2026-12-01T10:01:30Z", secs(90)),
        (
            "2026-12-01T10:01:30.250Z",
            Some(Duration::from_millis(90_250)),
        ),
        ("2026-12-01T10:02Z", secs(120)),
        ("2026-12-01T10:02+0000", secs(120)),
        ("2026-12-01T11:02+0100", secs(120)),
        ("2026-12-01T11:02:00+01:00", secs(120)),
        ("2026-12-01T05:02-0500", secs(120)),
        ("2026-12-01T10:02+00", secs(120)),
        ("2026-12-01t10:02z", secs(120)),
        // Past resets are no wait; far ones are clamped.
        ("2026-12-01T09:00Z", secs(0)),
        ("2026-12-02T10:00Z", Some(RateLimitInfo::MAX_WAIT)),
        // Other gateways: delay seconds, Unix seconds and milliseconds.
        ("30", secs(30)),
        ("1796119290", secs(90)),
        ("1796119290000", secs(90)),
        ("tomorrow", None),
        ("2026-12-01T10:02", None),
        ("2026-12-01T10:02+5", None),
    ] {
        assert_eq!(parse_reset(value, NOW), wait, "{value}");
    }
}

#[test]
fn point_5_retry_after_comes_first_then_the_reset_then_nothing() {
    let both = RateLimitInfo {
        retry_after: Some(Duration::from_secs(3)),
        until_reset: Some(Duration::from_secs(60)),
        ..RateLimitInfo::default()
    };
    assert_eq!(rate_limit_wait(&both), Some(Duration::from_secs(3)));
    let reset = RateLimitInfo {
        until_reset: Some(Duration::from_secs(60)),
        ..RateLimitInfo::default()
    };
    assert_eq!(rate_limit_wait(&reset), Some(Duration::from_secs(60)));
    assert_eq!(rate_limit_wait(&RateLimitInfo::default()), None);
    let zero = RateLimitInfo {
        retry_after: Some(Duration::ZERO),
        ..RateLimitInfo::default()
    };
    assert_eq!(rate_limit_wait(&zero), None);
}

#[test]
fn point_5_near_the_limit_is_none_left_or_under_a_fifth() {
    let info = |limit, remaining| RateLimitInfo {
        limit,
        remaining,
        ..RateLimitInfo::default()
    };
    assert!(near_limit(&info(None, Some(0))));
    assert!(near_limit(&info(Some(100), Some(19))));
    assert!(!near_limit(&info(Some(100), Some(20))));
    assert!(!near_limit(&info(None, Some(3))));
    assert!(!near_limit(&info(None, None)));
}

#[test]
fn point_6_an_org_missing_from_the_visible_list_means_scopes() {
    let org = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    assert!(key_has_scopes(&[], org));
    assert!(key_has_scopes(&["another-org-1".into()], org));
    assert!(!key_has_scopes(&[org.into()], org));
    assert!(!key_has_scopes(&[org.to_uppercase()], &format!(" {org} ")));
}

#[test]
fn a_404_naming_the_org_is_not_a_missing_user() {
    let org =
        r#"{"errors":[{"status":"404","code":"ADMIN-404-2","title":"Organization not found"}]}"#;
    assert!(org_missing(&parse_error_body(org)));
    let user = r#"{"errors":[{"status":"404","code":"ADMIN-404-8","title":"User not found"}]}"#;
    assert!(!org_missing(&parse_error_body(user)));
    assert!(!org_missing(&parse_error_body("")));
}

#[test]
fn reading_back_proves_each_actions_end_state() {
    let user = |membership: &str| OrgUser {
        account_id: "a".into(),
        membership_status: membership.into(),
        ..OrgUser::default()
    };
    let (active, suspended, none) = (user("active"), user("suspended"), user("no_membership"));
    assert!(end_state_holds(Action::Remove, None));
    assert!(end_state_holds(Action::Remove, Some(&none)));
    assert!(!end_state_holds(Action::Remove, Some(&active)));
    assert!(!end_state_holds(Action::Remove, Some(&suspended)));
    assert!(end_state_holds(Action::Suspend, Some(&suspended)));
    assert!(!end_state_holds(Action::Suspend, Some(&active)));
    assert!(!end_state_holds(Action::Suspend, None));
    assert!(end_state_holds(Action::Restore, Some(&active)));
    assert!(!end_state_holds(Action::Restore, Some(&suspended)));
    assert!(!end_state_holds(Action::Restore, None));
    assert!(!end_state_holds(Action::SiteRemove, None));
}
