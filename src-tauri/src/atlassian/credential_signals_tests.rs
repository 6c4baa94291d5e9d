//! Each assumption of `credential_signals.rs`, as the replies it is about.

use super::*;
use reqwest::header::{HeaderName, HeaderValue};

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

const PAGE: &str = "https://id.atlassian.com/manage-profile/security/api-tokens";

#[test]
fn a_401_mentioning_scope_is_a_scoped_token() {
    let none = headers(&[]);
    // As reported by the Atlassian Community (July 2025).
    let reported = r#"{"code":401,"message":"Unauthorized; scope does not match"}"#;
    assert_eq!(read_401(&none, reported), CredentialRefusal::Scoped);
    let collection = r#"{"errorMessages":["Token SCOPES do not allow this"],"errors":{}}"#;
    assert_eq!(read_401(&none, collection), CredentialRefusal::Scoped);
    assert_eq!(
        read_401(&none, "Unauthorized; Scope does not match"),
        CredentialRefusal::Scoped
    );
}

#[test]
fn a_401_naming_expiry_in_the_body_or_the_challenge_is_an_expired_token() {
    let none = headers(&[]);
    let body = r#"{"errorMessages":["The API token has EXPIRED."],"errors":{}}"#;
    assert_eq!(read_401(&none, body), CredentialRefusal::Expired);
    assert_eq!(
        read_401(&none, r#"{"message":"token expired"}"#),
        CredentialRefusal::Expired
    );
    let challenge = headers(&[
        ("www-authenticate", "Basic realm=\"protected-area\""),
        (
            "www-authenticate",
            "Bearer error=\"invalid_token\", error_description=\"The token expired\"",
        ),
    ]);
    assert_eq!(read_401(&challenge, ""), CredentialRefusal::Expired);
}

#[test]
fn any_other_401_is_rejected_and_its_message_still_names_expiry() {
    // What Jira Cloud sends for a wrong (or an expired) classic token.
    let jira = headers(&[
        ("www-authenticate", "Basic realm=\"protected-area\""),
        ("x-seraph-loginreason", "AUTHENTICATED_FAILED"),
    ]);
    let body = r#"{"errorMessages":["You are not authenticated. Authentication required to perform this operation."],"errors":{}}"#;
    assert_eq!(read_401(&jira, body), CredentialRefusal::Rejected);
    assert_eq!(read_401(&headers(&[]), ""), CredentialRefusal::Rejected);
    assert_eq!(
        read_401(&headers(&[]), "Client must be authenticated"),
        CredentialRefusal::Rejected
    );
    let message = CredentialRefusal::Rejected.message();
    for needle in ["HTTP 401", "expired", "15 December 2024", "a year", PAGE] {
        assert!(message.contains(needle), "{needle}: {message}");
    }
}

#[test]
fn the_scoped_and_expired_messages_point_to_the_classic_token_button() {
    let scoped = CredentialRefusal::Scoped.message();
    assert!(scoped.contains(PAGE), "{scoped}");
    assert!(scoped.contains("\"Create API token\""), "{scoped}");
    assert!(
        scoped.contains("not \"Create API token with scopes\""),
        "{scoped}"
    );
    let expired = CredentialRefusal::Expired.message();
    assert!(
        expired.contains("expired") && expired.contains(PAGE),
        "{expired}"
    );
    assert_eq!(CLASSIC_TOKEN_PAGE, PAGE);
    for refusal in [
        CredentialRefusal::Scoped,
        CredentialRefusal::Expired,
        CredentialRefusal::Rejected,
    ] {
        assert!(!refusal.message().contains('@'), "no email in the words");
    }
}

#[test]
fn only_a_404_from_myself_means_no_jira() {
    assert!(jira_missing(404));
    for status in [200, 301, 401, 403, 410, 500] {
        assert!(!jira_missing(status), "{status}");
    }
}

#[test]
fn the_confluence_probe_needs_a_known_caller_with_an_account_id() {
    let none = headers(&[]);
    let caller = r#"{"type":"known","accountId":"5b10ac8d82e05b22cc7d4ef5","accountType":"atlassian","publicName":"Ada"}"#;
    assert_eq!(
        read_confluence_probe(200, &none, caller),
        ConfluenceProbe::Caller
    );
    let no_type = r#"{"accountId":"712020:abc"}"#;
    assert_eq!(
        read_confluence_probe(200, &none, no_type),
        ConfluenceProbe::Caller
    );
    for body in [
        r#"{"type":"anonymous","accountId":"x"}"#,
        r#"{"type":"known","accountId":"  "}"#,
        r#"{"displayName":"Ada"}"#,
        r#"["not","an","object"]"#,
        "<html><title>Page Unavailable</title></html>",
        "",
    ] {
        assert_eq!(
            read_confluence_probe(200, &none, body),
            ConfluenceProbe::Nothing,
            "{body}"
        );
    }
    for status in [404, 403, 500, 302] {
        assert_eq!(
            read_confluence_probe(status, &none, caller),
            ConfluenceProbe::Nothing,
            "{status}"
        );
    }
}

#[test]
fn a_401_from_the_confluence_probe_is_the_credentials_refusal() {
    let none = headers(&[]);
    assert_eq!(
        read_confluence_probe(
            401,
            &none,
            r#"{"message":"Unauthorized; scope does not match"}"#
        ),
        ConfluenceProbe::Refused(CredentialRefusal::Scoped)
    );
    assert_eq!(
        read_confluence_probe(401, &none, ""),
        ConfluenceProbe::Refused(CredentialRefusal::Rejected)
    );
}

#[test]
fn the_standing_comes_from_the_live_group() {
    let me = "5B10AC8D82E05B22CC7D4EF5";
    let group = |ids: &[&str]| Ok(Some(ids.iter().map(|s| s.to_string()).collect()));
    assert_eq!(
        admin_standing(me, &group(&["x", "5b10ac8d82e05b22cc7d4ef5"])),
        AdminStanding::InGroup
    );
    assert_eq!(
        admin_standing(me, &group(&["5c0ffee0d1a2b3c4d5e6f701"])),
        AdminStanding::NotInGroup
    );
    assert_eq!(admin_standing(me, &group(&[])), AdminStanding::NotInGroup);
    assert_eq!(
        admin_standing(me, &Err(AtlassianError::Forbidden)),
        AdminStanding::ReadRefused
    );
    // No group, or a read that failed otherwise: nothing can be said.
    assert_eq!(admin_standing(me, &Ok(None)), AdminStanding::Unknown);
    for err in [
        AtlassianError::Network("down".into()),
        AtlassianError::Unauthorized,
        AtlassianError::Status {
            status: 500,
            message: String::new(),
        },
    ] {
        assert_eq!(admin_standing(me, &Err(err)), AdminStanding::Unknown);
    }
}

#[test]
fn only_a_missing_or_refused_membership_warns() {
    for standing in [AdminStanding::NotInGroup, AdminStanding::ReadRefused] {
        let warning = standing.warning().unwrap();
        assert!(warning.contains("site-admins"), "{warning}");
        assert!(warning.contains("403"), "{warning}");
        assert!(warning.contains("organization"), "{warning}");
        assert!(!warning.contains('@'), "{warning}");
    }
    assert_eq!(AdminStanding::InGroup.warning(), None);
    assert_eq!(AdminStanding::Unknown.warning(), None);
}
