//! "Check connection" says what is wrong before anything runs: a scoped or expired token, a
//! site without Jira, and an account outside the site's site-admins group.

use super::*;

const TOKEN_PAGE: &str = "https://id.atlassian.com/manage-profile/security/api-tokens";

fn with_knobs(config: PracticeConfig) -> PracticeConfig {
    PracticeConfig {
        scoped_tokens: vec!["scoped-token".into()],
        expired_tokens: vec!["expired-token".into()],
        ..config
    }
}

fn messy() -> PracticeConfig {
    PracticeConfig::from_csv(&fixture(MESSY)).unwrap()
}

/// `connect` as `email` with `token`, remembering it if it passes.
fn connect_as(w: &Window, email: &str, token: &str) -> Result<Value, Value> {
    w.call(
        "connect",
        json!({"site": w.site.url(), "email": email, "token": token, "remember": true}),
    )
}

#[test]
fn a_scoped_or_expired_token_is_named_next_to_the_token_field() {
    let w = Window::open_with(with_knobs(messy()));
    let admin = w.config.admin_email.clone();
    let cases = [
        ("scoped-token", "scoped_token", "token with scopes"),
        ("expired-token", "expired_token", "because it has expired"),
        ("not-the-token", "credentials", "probably expired"),
    ];
    for (token, kind, words) in cases {
        let err = connect_as(&w, &admin, token).unwrap_err();
        assert_eq!(
            (err["kind"].as_str(), err["field"].as_str()),
            (Some(kind), Some("token")),
            "{err}"
        );
        let message = err["message"].as_str().unwrap();
        assert!(message.contains(words), "{token}: {message}");
        assert!(message.contains(TOKEN_PAGE), "{token}: {message}");
        assert!(
            !message.contains(token),
            "the token is never echoed: {message}"
        );
    }
    assert!(w.store.is_empty(), "a refused token must not be saved");
    let ok = connect_as(&w, &admin, &w.config.admin_token).unwrap();
    assert_eq!(ok["accountId"], CALLER);
}

#[test]
fn an_account_outside_site_admins_connects_with_a_warning_at_once() {
    let w = Window::open(MESSY);
    let member = connect_as(&w, &w.config.weak_email, &w.config.weak_token).unwrap();
    assert_eq!(member["displayName"], "Practice Member");
    let warning = member["adminWarning"]
        .as_str()
        .expect("a warning for the member");
    assert!(warning.contains("site-admins"), "{warning}");
    assert!(warning.contains("HTTP 403"), "{warning}");
    assert!(!warning.contains('@'), "no email in the warning: {warning}");
    // The group itself was read, and the member is not in it.
    assert_eq!(member["siteAdmins"]["checked"], true);
    let ids = member["siteAdmins"]["ids"].as_array().unwrap();
    assert!(!ids
        .iter()
        .any(|id| id == offboard::practice::WEAK_ACCOUNT_ID));

    // A site admin gets no warning.
    let admin = connect_as(&w, &w.config.admin_email, &w.config.admin_token).unwrap();
    assert_eq!(admin["adminWarning"], Value::Null);
    // Nothing was removed by checking.
    assert!(w.site.record().iter().all(|r| r.method == "GET"));
}

#[test]
fn a_site_without_the_group_cannot_tell_so_it_does_not_warn() {
    let w = Window::open_with(PracticeConfig {
        groupless: true,
        ..messy()
    });
    let member = connect_as(&w, &w.config.weak_email, &w.config.weak_token).unwrap();
    assert_eq!(member["adminWarning"], Value::Null, "{member}");
}

#[test]
fn a_confluence_only_site_is_explained_at_check_connection() {
    let w = Window::open_with(PracticeConfig {
        confluence_only: true,
        ..messy()
    });
    let err = connect_as(&w, &w.config.admin_email, &w.config.admin_token).unwrap_err();
    assert_eq!(
        (err["kind"].as_str(), err["field"].as_str()),
        (Some("no_jira"), Some("site")),
        "{err}"
    );
    let message = err["message"].as_str().unwrap();
    for needle in [
        "Confluence-only",
        "organization mode",
        "choose \"Organization\" at Connect",
    ] {
        assert!(message.contains(needle), "{needle}: {message}");
    }
    assert!(
        w.store.is_empty(),
        "nothing is saved for a site Offboard cannot work on"
    );
    let plan = w.plan(&[], &[]).unwrap_err();
    assert_eq!(plan["kind"], "not_connected");
}
