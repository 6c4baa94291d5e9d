//! The knobs for what "Check connection" must explain: scoped and expired tokens, and a site
//! without Jira. The replies follow the assumptions listed in the site client's
//! `atlassian/credential_signals.rs`, so the tests exercise those, not made-up shapes.

use super::config::{PracticeConfig, PracticeUser};
use super::reply::Reply;
use super::state::basic_login;
use serde_json::json;

/// The 401 for a scoped or an expired token of the admin email, on any request.
pub(crate) fn token_refusal(config: &PracticeConfig, authorization: Option<&str>) -> Option<Reply> {
    let (email, token) = basic_login(authorization)?;
    if !email.eq_ignore_ascii_case(&config.admin_email) {
        return None;
    }
    let refused = |body: serde_json::Value| {
        Reply::json(401, &body)
            .with_header("www-authenticate", "Basic realm=\"protected-area\"")
            .with_header("x-seraph-loginreason", "AUTHENTICATED_FAILED")
    };
    if config.scoped_tokens.contains(&token) {
        // As reported by the Atlassian Community (July 2025).
        return Some(refused(
            json!({ "code": 401, "message": "Unauthorized; scope does not match" }),
        ));
    }
    if config.expired_tokens.contains(&token) {
        // Not documented by Atlassian: the shape Offboard assumes an expiry could take.
        return Some(refused(
            json!({ "errorMessages": ["The API token has expired."], "errors": {} }),
        ));
    }
    None
}

/// What a Confluence-only site answers on Jira's paths: a page, not Jira's JSON.
pub(crate) fn no_jira_page() -> Reply {
    Reply::gateway_page(404, "Page Not Found")
}

/// Confluence's "Get current user" (`/wiki/rest/api/user/current`) for the signed-in caller.
pub(crate) fn confluence_current_user(user: &PracticeUser) -> Reply {
    let mut body = json!({
        "type": "known",
        "accountId": user.account_id,
        "accountType": user.account_type,
        "publicName": user.display_name,
        "displayName": user.display_name,
    });
    if let Some(email) = &user.email {
        body["email"] = json!(email);
    }
    Reply::json(200, &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn basic(login: &str) -> String {
        let encoded = base64::engine::general_purpose::STANDARD.encode(login);
        format!("Basic {encoded}")
    }

    #[test]
    fn only_the_admin_email_with_a_listed_token_is_refused() {
        let config = PracticeConfig {
            scoped_tokens: vec!["scoped".into()],
            expired_tokens: vec!["old".into()],
            ..PracticeConfig::default()
        };
        let scoped = token_refusal(&config, Some(&basic("ADMIN@example.com:scoped"))).unwrap();
        assert_eq!(scoped.status, 401);
        assert!(
            scoped.body.contains("scope does not match"),
            "{}",
            scoped.body
        );
        let expired = token_refusal(&config, Some(&basic("admin@example.com:old"))).unwrap();
        assert!(expired.body.contains("expired"), "{}", expired.body);
        for login in [
            "admin@example.com:practice-token",
            "member@example.com:scoped",
            "admin@example.com:other",
        ] {
            assert!(
                token_refusal(&config, Some(&basic(login))).is_none(),
                "{login}"
            );
        }
        assert!(token_refusal(&config, None).is_none());
    }
}
