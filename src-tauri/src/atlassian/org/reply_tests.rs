//! Every error body shape of ORG-API.md §8 and every branch of a write's classification.

use super::*;
use reqwest::header::{HeaderName, HeaderValue};
use std::time::Duration;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-12-01 10:00:00 UTC);

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

fn write(status: u16, pairs: &[(&str, &str)], body: &str) -> Verdict {
    classify_write(status, &headers(pairs), body, NOW)
}

fn codes(body: &str) -> Vec<String> {
    parse_error_body(body).codes
}

fn said(body: &str) -> String {
    parse_error_body(body).message
}

#[test]
fn v2_and_v1_application_errors_give_codes_and_title_with_detail() {
    let v2 = r#"{"errors":[{"id":"e1","status":"404","code":"ADMIN-404-8","title":"User not found","detail":"No user 712020:x in this directory"}]}"#;
    assert_eq!(codes(v2), ["ADMIN-404-8"]);
    assert_eq!(
        said(v2),
        "User not found: No user 712020:x in this directory"
    );
    let two = r#"{"errors":[{"code":"ADMIN-409-3","title":"Conflict","detail":"License limit exceeded"},
                            {"code":"ADMIN-400-32","title":"Too many license breaches"}]}"#;
    assert_eq!(codes(two), ["ADMIN-409-3", "ADMIN-400-32"]);
    assert_eq!(
        said(two),
        "Conflict: License limit exceeded; Too many license breaches"
    );
    // ApiErrorResponse: `detail` is null.
    let uam = r#"{"errors":[{"id":"1","code":"ADMIN-UAM-403-2","status":"403","title":"Not allowed to manage the org","detail":null}]}"#;
    assert_eq!(codes(uam), ["ADMIN-UAM-403-2"]);
    assert_eq!(said(uam), "Not allowed to manage the org");
    // Only a detail, or the same words twice.
    assert_eq!(
        said(r#"{"errors":[{"detail":"Bad cursor"}]}"#),
        "Bad cursor"
    );
    assert_eq!(
        said(r#"{"errors":[{"title":"Same","detail":"Same"}]}"#),
        "Same"
    );
    let empty = parse_error_body(r#"{"errors":[]}"#);
    assert_eq!(empty, ErrorBody::default());
}

#[test]
fn proxy_errors_and_user_management_errors_are_read() {
    let proxy = r#"{"code":401,"message":"Unauthorized"}"#;
    assert_eq!(codes(proxy), ["401"]);
    assert_eq!(said(proxy), "Unauthorized");
    let limited = r#"{"code":"429","message":"Rate limit exceeded"}"#;
    assert_eq!(codes(limited), ["429"]);
    let scim = r#"{"key":"forbidden.action","context":{"allowed":false,"reason":{"key":"externalDirectory.scim"}}}"#;
    assert_eq!(codes(scim), ["forbidden.action", "externalDirectory.scim"]);
    assert_eq!(said(scim), "forbidden.action");
    let conflict = r#"{"key":"conflict.lifecycleErrors","context":{"message":"Cannot deactivate","accountId":"a",
        "errorCodes":[{"code":"ENTITLEMENTS","message":"The user still has entitlements","link":"https://x"}]}}"#;
    assert_eq!(
        codes(conflict),
        ["conflict.lifecycleErrors", "ENTITLEMENTS"]
    );
    assert_eq!(
        said(conflict),
        "Cannot deactivate; The user still has entitlements"
    );
    assert_eq!(codes(r#"{"key":"accountNotFound"}"#), ["accountNotFound"]);
}

#[test]
fn other_json_text_and_pages_fall_back_to_bounded_words() {
    // Jira-style collections and bare messages still read.
    assert_eq!(said(r#"{"errorMessages":["Nope"],"errors":{}}"#), "Nope");
    assert_eq!(said(r#"{"message":"Try later"}"#), "Try later");
    assert_eq!(said(r#""just a string""#), "just a string");
    // Unknown JSON is shown as it came, bounded.
    assert_eq!(said(r#"{"unexpected":true}"#), r#"{"unexpected":true}"#);
    assert_eq!(
        said("  upstream connect error\n  reset  "),
        "upstream connect error reset"
    );
    let long = "x".repeat(2000);
    assert!(said(&long).chars().count() <= 301);
    let page = "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad</h1></body></html>";
    assert_eq!(
        said(page),
        "a web page instead of Atlassian's API reply (\"502 Bad Gateway\")"
    );
    assert_eq!(
        said("<html></html>"),
        "a web page instead of Atlassian's API reply"
    );
    assert_eq!(parse_error_body("   "), ErrorBody::default());
    let huge = format!(r#"{{"errors":[{{"detail":"{}"}}]}}"#, "y".repeat(3000));
    assert!(said(&huge).chars().count() <= 501);
}

#[test]
fn any_2xx_is_done_unless_a_web_page_came() {
    for status in [200, 202, 204] {
        assert_eq!(write(status, &[], ""), Verdict::Done { status });
    }
    assert_eq!(
        write(200, &[], r#"{"message":"Access suspended"}"#),
        Verdict::Done { status: 200 }
    );
    let page = write(200, &[("content-type", "text/html")], "<html>portal</html>");
    assert!(
        matches!(page, Verdict::Unexpected { status: 200, .. }),
        "{page:?}"
    );
}

#[test]
fn a_404_is_not_in_the_directory_unless_it_names_the_org() {
    let user = r#"{"errors":[{"status":"404","code":"ADMIN-404-8","title":"User not found"}]}"#;
    match write(404, &[], user) {
        Verdict::NotFound { message } => assert!(message.contains("User not found"), "{message}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(write(404, &[], ""), Verdict::NotFound { .. }));
    let org =
        r#"{"errors":[{"status":"404","code":"ADMIN-404-2","title":"Organization not found"}]}"#;
    assert!(matches!(
        write(404, &[], org),
        Verdict::Unexpected { status: 404, .. }
    ));
    let page = write(404, &[], "<html><title>Not Found</title></html>");
    assert!(matches!(page, Verdict::Unexpected { status: 404, .. }));
}

#[test]
fn a_401_stops_the_run_with_the_key_words() {
    let v = write(401, &[], r#"{"code":401,"message":"Unauthorized"}"#);
    match &v {
        Verdict::Unauthorized { message } => {
            assert!(
                message.contains("admin.atlassian.com → Settings → API keys"),
                "{message}"
            );
            assert!(
                message.contains("Atlassian said: Unauthorized"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    let scoped = write(
        401,
        &[],
        r#"{"code":401,"message":"Unauthorized; scope does not match"}"#,
    );
    assert!(
        matches!(&scoped, Verdict::Unauthorized { message } if message.contains("created with scopes")),
        "{scoped:?}"
    );
}

#[test]
fn a_403_stops_the_run_only_for_a_scoped_or_refused_key() {
    let scoped = write(403, &[], r#"{"key":"forbidden.insufficientScope"}"#);
    match &scoped {
        Verdict::Forbidden { message } => assert!(
            message.contains("organization mode needs an API key without scopes"),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
    let org = r#"{"errors":[{"status":"403","code":"ADMIN-403-3","title":"Not allowed to manage the org"}]}"#;
    match write(403, &[], org) {
        Verdict::Forbidden { message } => {
            assert!(
                message.contains("may not manage this organization"),
                "{message}"
            );
            assert!(
                message.contains("Not allowed to manage the org"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Any other 403 refuses this one user, with Atlassian's words.
    let other_site = r#"{"errors":[{"status":"403","title":"Forbidden","detail":"User has access to a site you can't manage"}]}"#;
    assert_eq!(
        write(403, &[], other_site),
        Verdict::CannotRemove {
            message: "Forbidden: User has access to a site you can't manage".into()
        }
    );
    match write(403, &[], "") {
        Verdict::CannotRemove { message } => {
            assert!(message.contains("HTTP 403") && message.contains("without saying why"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_400_or_409_refuses_this_user_with_atlassians_words() {
    let licence =
        r#"{"errors":[{"status":"409","code":"ADMIN-409-3","title":"License limit exceeded"}]}"#;
    assert_eq!(
        write(409, &[], licence),
        Verdict::CannotRemove {
            message: "License limit exceeded".into()
        }
    );
    let synced = r#"{"errors":[{"status":"400","title":"Bad request","detail":"User is synced from an identity provider"}]}"#;
    assert_eq!(
        write(400, &[], synced),
        Verdict::CannotRemove {
            message: "Bad request: User is synced from an identity provider".into()
        }
    );
}

#[test]
fn a_429_waits_for_retry_after_then_the_reset_then_the_engine() {
    let both = write(
        429,
        &[
            ("retry-after", "7"),
            ("x-ratelimit-reset", "2026-12-01T10:02Z"),
        ],
        r#"{"code":429,"message":"Rate limit exceeded"}"#,
    );
    assert_eq!(both.retry_after(), Some(Duration::from_secs(7)));
    let reset = write(429, &[("x-ratelimit-reset", "2026-12-01T10:02+0000")], "");
    match &reset {
        Verdict::RateLimited { status: 429, info } => {
            assert_eq!(info.until_reset, Some(Duration::from_secs(120)));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(reset.retry_after(), Some(Duration::from_secs(120)));
    let bare = write(429, &[], "");
    assert!(matches!(bare, Verdict::RateLimited { status: 429, .. }));
    assert_eq!(bare.retry_after(), None);
    // A 429 is already a slow-down: no near-limit wrapper around it.
    let spent = write(429, &[("x-ratelimit-remaining", "0")], "");
    assert!(!spent.near_limit());
}

#[test]
fn a_5xx_is_retried_and_a_503_with_retry_after_waits() {
    let busy = write(503, &[("retry-after", "2")], "");
    assert_eq!(busy.http_status(), Some(503));
    assert_eq!(busy.retry_after(), Some(Duration::from_secs(2)));
    assert!(matches!(busy, Verdict::RateLimited { status: 503, .. }));
    assert!(busy.may_have_applied());
    for status in [500, 502, 503, 504] {
        let v = write(status, &[], "<html><title>Gateway Timeout</title></html>");
        assert!(matches!(v, Verdict::ServerError { .. }), "{status}: {v:?}");
        assert!(v.may_have_applied());
    }
}

#[test]
fn redirects_and_other_statuses_are_unexpected() {
    let moved = write(
        302,
        &[("location", "https://login.example.com/sso?token=abc")],
        "",
    );
    match moved {
        Verdict::Unexpected {
            status: 302,
            message,
        } => {
            assert!(message.contains("login.example.com"), "{message}");
            assert!(!message.contains("token=abc"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    for status in [402, 405, 410, 418] {
        assert!(
            matches!(write(status, &[], ""), Verdict::Unexpected { .. }),
            "{status}"
        );
    }
}

#[test]
fn near_the_limit_wraps_the_reply_but_not_refusals() {
    let done = write(204, &[("x-ratelimit-remaining", "0")], "");
    assert!(done.near_limit());
    assert_eq!(done.answer(), &Verdict::Done { status: 204 });
    let fifth = write(
        204,
        &[
            ("x-ratelimit-limit", "100"),
            ("x-ratelimit-remaining", "10"),
        ],
        "",
    );
    assert!(fifth.near_limit());
    let plenty = write(
        204,
        &[
            ("x-ratelimit-limit", "100"),
            ("x-ratelimit-remaining", "90"),
        ],
        "",
    );
    assert!(!plenty.near_limit());
    let refused = write(401, &[("x-ratelimit-remaining", "0")], "");
    assert!(matches!(refused, Verdict::Unauthorized { .. }));
    let gone = write(404, &[("x-ratelimit-remaining", "0")], "");
    assert!(matches!(gone.answer(), Verdict::NotFound { .. }) && gone.near_limit());
}

#[test]
fn reads_map_replies_to_errors_in_admin_words() {
    let read =
        |status, pairs: &[(&str, &str)], body: &str| read_error(status, &headers(pairs), body, NOW);
    assert_eq!(read(401, &[], ""), OrgError::Unauthorized);
    assert_eq!(
        read(401, &[], r#"{"code":401,"message":"scope does not match"}"#),
        OrgError::ScopedKey
    );
    assert_eq!(
        read(403, &[], r#"{"key":"forbidden.insufficientScope"}"#),
        OrgError::ScopedKey
    );
    assert_eq!(read(403, &[], ""), OrgError::Forbidden);
    let org = r#"{"errors":[{"code":"ADMIN-404-2","title":"Organization not found"}]}"#;
    assert_eq!(read(404, &[], org), OrgError::OrgNotFound);
    assert!(matches!(
        read(429, &[("retry-after", "1")], ""),
        OrgError::RateLimited { .. }
    ));
    assert!(matches!(
        read(503, &[("retry-after", "1")], ""),
        OrgError::RateLimited { .. }
    ));
    assert!(matches!(
        read(302, &[], ""),
        OrgError::Status { status: 302, .. }
    ));
    assert!(matches!(
        read(502, &[], "<html><title>Bad Gateway</title></html>"),
        OrgError::BadReply { status: 502, .. }
    ));
    assert_eq!(
        read(
            400,
            &[],
            r#"{"errors":[{"code":"ADMIN-400-1","title":"Invalid cursor"}]}"#
        ),
        OrgError::Status {
            status: 400,
            message: "Invalid cursor".into()
        }
    );
    assert_eq!(
        read(500, &[], ""),
        OrgError::Status {
            status: 500,
            message: "no details were given.".into()
        }
    );
}
