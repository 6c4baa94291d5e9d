//! The user-management API and the practice clock over HTTP on 127.0.0.1, as a client sees
//! them: privileges per kind of account, every lifecycle transition and its user object, the
//! 409 and 403 bodies, the scoped key, the 14-day grace period and memory across launches.

use crate::practice::{PracticeConfig, PracticeSite};
use reqwest::Method;
use serde_json::{json, Value};

const ORG_ADMIN: &str = "atlassian/org-admin";

/// A running practice site and a client for it.
struct Org {
    site: PracticeSite,
    http: reqwest::Client,
    key: String,
}

impl Org {
    async fn start(config: PracticeConfig) -> Org {
        Org {
            key: config.org_api_key.clone(),
            site: PracticeSite::start(config).await.unwrap(),
            http: reqwest::Client::new(),
        }
    }

    /// Status and JSON body (`Null` when empty) of one request with `key` (`None`: no header).
    async fn call(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<&str>,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.site.url()));
        if let Some(key) = key {
            req = req.bearer_auth(key);
        }
        if let Some(body) = body {
            req = req
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// `GET /users/{id}/manage` with these `privileges` (none: every key).
    async fn privileges(&self, id: &str, privileges: &[&str]) -> (u16, Value) {
        let query: Vec<String> = privileges
            .iter()
            .map(|p| format!("privileges={p}"))
            .collect();
        let path = format!("/users/{id}/manage?{}", query.join("&"));
        self.call(Method::GET, &path, Some(&self.key), None).await
    }

    /// `POST /users/{id}/manage/lifecycle/{action}` with the key without scopes.
    async fn act(&self, id: &str, action: &str) -> (u16, Value) {
        let path = format!("/users/{id}/manage/lifecycle/{action}");
        self.call(Method::POST, &path, Some(&self.key), None).await
    }

    /// The user object of `GET …/directories/-/users/{id}` (`None` on a 404).
    async fn user(&self, id: &str) -> Option<Value> {
        let path = format!(
            "/admin/v2/orgs/{}/directories/-/users/{id}",
            self.site.org_id()
        );
        let (status, body) = self.call(Method::GET, &path, Some(&self.key), None).await;
        match status {
            200 => Some(body["data"].clone()),
            404 => None,
            other => panic!("user {id}: {other} {body}"),
        }
    }

    /// The account ids every page of a search with `filters` lists.
    async fn search(&self, filters: Value) -> Vec<String> {
        let path = format!(
            "/admin/v2/orgs/{}/directories/-/users/search",
            self.site.org_id()
        );
        let mut body = filters;
        body["limit"] = json!(100);
        let mut ids = Vec::new();
        for _ in 0..100 {
            let (status, page) = self
                .call(
                    Method::POST,
                    &path,
                    Some(&self.key),
                    Some(&body.to_string()),
                )
                .await;
            assert_eq!(status, 200, "{page}");
            let data = page["data"].as_array().unwrap();
            ids.extend(
                data.iter()
                    .map(|u| u["accountId"].as_str().unwrap().to_string()),
            );
            match page["links"]["next"].as_str() {
                Some(next) => body["cursor"] = json!(next),
                None => return ids,
            }
        }
        panic!("the search did not end");
    }

    /// `POST /practice/clock` with this body.
    async fn clock(&self, body: &str) -> (u16, Value) {
        self.call(Method::POST, "/practice/clock", None, Some(body))
            .await
    }
}

fn config() -> PracticeConfig {
    PracticeConfig::generated(150, 3)
}

/// (accountStatus, status) of a user object.
fn statuses(user: &Value) -> (&str, &str) {
    (
        user["accountStatus"].as_str().unwrap(),
        user["status"].as_str().unwrap(),
    )
}

#[tokio::test]
async fn the_seed_has_every_kind_of_account() {
    let org = Org::start(config()).await;
    let site = &org.site;
    let (managed, unmanaged) = (site.org_managed_ids(), site.org_unmanaged_ids());
    let (synced, owners) = (site.org_synced_ids(), site.org_site_owner_ids());
    assert!(managed.len() > 50, "{}", managed.len());
    assert!(
        unmanaged.len() >= 2 && synced.len() >= 2,
        "{unmanaged:?} {synced:?}"
    );
    assert!((1..=2).contains(&owners.len()), "{owners:?}");
    for id in managed.iter().chain(&owners) {
        let u = site.org_user(id).unwrap();
        assert!(
            u.is_managed() && !u.is_synced() && u.admin_roles().is_empty(),
            "{id}"
        );
        assert_eq!(u.status, "active");
    }
    assert!(unmanaged
        .iter()
        .all(|id| !site.org_user(id).unwrap().is_managed()));
    assert!(synced
        .iter()
        .all(|id| site.org_user(id).unwrap().is_synced()));
    assert_eq!(site.org_clock_days(), 0);
    let again = Org::start(config()).await;
    assert_eq!(
        again.site.org_site_owner_ids(),
        owners,
        "the same seed, the same kinds"
    );
    assert_eq!(again.site.org_unmanaged_ids(), unmanaged);
}

#[tokio::test]
async fn privileges_say_exactly_what_the_actions_enforce() {
    let org = Org::start(config()).await;
    let site = &org.site;
    let caller = config().caller_account_id;
    let other_admin = site
        .org_users()
        .into_iter()
        .find(|u| u.platform_roles.iter().any(|r| r == ORG_ADMIN) && u.account_id != caller)
        .expect("a second organization admin")
        .account_id;
    let cases = [
        (site.org_managed_ids()[0].clone(), None),
        (site.org_site_owner_ids()[0].clone(), None),
        (site.org_unmanaged_ids()[0].clone(), Some("managedAccount")),
        (
            site.org_synced_ids()[0].clone(),
            Some("externalDirectory.scim"),
        ),
        (caller, Some("administrative.notMyself")),
        (other_admin, Some("administrative")),
    ];
    for (id, reason) in cases {
        let asked = [
            "lifecycle.enablement",
            "lifecycle.delete",
            "lifecycle.everything",
        ];
        let (status, body) = org.privileges(&id, &asked).await;
        assert_eq!(status, 200, "{id}: {body}");
        let want = match reason {
            None => json!({"allowed": true}),
            Some(key) => json!({"allowed": false, "reason": {"key": key}}),
        };
        assert_eq!(
            body,
            json!({"lifecycle.enablement": want, "lifecycle.delete": want}),
            "{id}: unknown privileges are ignored"
        );
        // The actions refuse with the same reason, and change nothing.
        if let Some(key) = reason {
            for action in ["disable", "enable", "delete", "cancel-delete"] {
                let (status, body) = org.act(&id, action).await;
                assert_eq!(status, 403, "{id} {action}");
                assert_eq!(
                    body,
                    json!({"key": "forbidden.action",
                        "context": {"allowed": false, "reason": {"key": key}}})
                );
            }
            assert_eq!(
                site.org_lifecycle_of(&id),
                Some(("active".to_string(), None))
            );
        }
    }
    // Without `privileges`, every known key.
    let (_, all) = org.privileges(&site.org_synced_ids()[0], &[]).await;
    let keys: Vec<&String> = all.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 8, "{all}");
    assert_eq!(all["profile.read"], json!({"allowed": true}));
    assert_eq!(all["email.set"]["reason"]["key"], "externalDirectory.scim");
    let (status, body) = org.privileges("712020:nobody", &[]).await;
    assert_eq!((status, body), (404, json!({"key": "accountNotFound"})));
}

#[tokio::test]
async fn every_transition_shows_in_the_user_object() {
    let org = Org::start(config()).await;
    let id = org.site.org_managed_ids()[0].clone();
    let lifecycle = || org.site.org_lifecycle_of(&id).unwrap();
    assert_eq!(
        statuses(&org.user(&id).await.unwrap()),
        ("active", "active")
    );
    assert!(org.user(&id).await.unwrap()["deactivatedOn"].is_null());
    let path = format!("/users/{id}/manage/lifecycle/disable");
    let body = r#"{"message": "On leave until March"}"#;
    let (status, _) = org
        .call(Method::POST, &path, Some(&org.key), Some(body))
        .await;
    assert_eq!(status, 204);
    let user = org.user(&id).await.unwrap();
    assert_eq!(statuses(&user), ("inactive", "deactivated"));
    assert_eq!(user["membershipStatus"], "active");
    assert!(user["deactivatedOn"].is_string());
    assert_eq!(lifecycle(), ("inactive".to_string(), None));
    assert_eq!(org.act(&id, "disable").await.0, 204, "already inactive");
    assert_eq!(org.act(&id, "enable").await.0, 204);
    assert_eq!(
        statuses(&org.user(&id).await.unwrap()),
        ("active", "active")
    );
    assert_eq!(org.act(&id, "enable").await.0, 204, "already active");
    // Delete: pending deletion, shown as inactive and for_deletion.
    assert_eq!(
        org.act(&id, "delete").await,
        (200, json!({"message": "Success"}))
    );
    assert_eq!(
        statuses(&org.user(&id).await.unwrap()),
        ("inactive", "for_deletion")
    );
    let (account_status, since) = lifecycle();
    assert_eq!(account_status, "inactive");
    assert!(since.is_some_and(|s| s.ends_with('Z')));
    let pending = json!({"status": ["for_deletion"]});
    assert_eq!(org.search(pending).await, [id.as_str()]);
    let inactive = org.search(json!({"accountStatus": ["inactive"]})).await;
    assert_eq!(inactive, [id.as_str()]);
    for action in ["delete", "enable"] {
        let (status, body) = org.act(&id, action).await;
        assert_eq!(status, 409, "{action}");
        assert_eq!(body["key"], "conflict.lifecycleErrors");
        assert_eq!(body["context"]["accountId"], id.as_str());
    }
    assert_eq!(org.act(&id, "disable").await.0, 204, "pending is inactive");
    // Cancel: the account stays deactivated until it is enabled.
    assert_eq!(
        org.act(&id, "cancel-delete").await,
        (200, json!({"message": "Success"}))
    );
    assert_eq!(
        statuses(&org.user(&id).await.unwrap()),
        ("inactive", "deactivated")
    );
    assert_eq!(lifecycle(), ("inactive".to_string(), None));
    let (status, body) = org.act(&id, "cancel-delete").await;
    assert_eq!(
        (status, &body["key"]),
        (409, &json!("conflict.lifecycleErrors"))
    );
    assert_eq!(org.act(&id, "enable").await.0, 204);
    assert_eq!(
        statuses(&org.user(&id).await.unwrap()),
        ("active", "active")
    );
    assert_eq!(org.site.org_lifecycle_calls_of(&id), 11);
    // A bad disable body is a 400 and changes nothing.
    let (status, body) = org
        .call(Method::POST, &path, Some(&org.key), Some("{not json"))
        .await;
    assert_eq!((status, &body["key"]), (400, &json!("bodyParseFailure")));
    assert_eq!(lifecycle(), ("active".to_string(), None));
}

#[tokio::test]
async fn a_site_owner_gets_the_documented_409_while_its_privileges_say_allowed() {
    let org = Org::start(config()).await;
    let id = org.site.org_site_owner_ids()[0].clone();
    let (_, privileges) = org
        .privileges(&id, &["lifecycle.enablement", "lifecycle.delete"])
        .await;
    assert_eq!(
        privileges,
        json!({"lifecycle.enablement": {"allowed": true}, "lifecycle.delete": {"allowed": true}})
    );
    for action in ["disable", "delete"] {
        let (status, body) = org.act(&id, action).await;
        assert_eq!(status, 409, "{action}");
        assert_eq!(
            body,
            json!({"key": "conflict.lifecycleErrors", "context": {
                "message": "This account isn't eligible for the requested action",
                "accountId": id,
                "errorCodes": [{
                    "code": "userOwnsSites",
                    "message": "The user still owns sites they created. Transfer those sites \
                                to someone else or delete them, then try again.",
                    "link": "https://confluence.atlassian.com/x/pTgoPQ",
                }],
            }})
        );
    }
    assert_eq!(org.act(&id, "enable").await.0, 204, "already active");
    assert_eq!(
        org.site.org_lifecycle_of(&id),
        Some(("active".to_string(), None))
    );
}

#[tokio::test]
async fn only_the_key_without_scopes_manages_accounts() {
    let org = Org::start(PracticeConfig {
        scoped_org_key: Some("scoped-practice-key".into()),
        ..config()
    })
    .await;
    let id = org.site.org_managed_ids()[0].clone();
    let manage = format!("/users/{id}/manage");
    let scoped = json!({"key": "forbidden.insufficientScope"});
    let got = org
        .call(Method::GET, &manage, Some("scoped-practice-key"), None)
        .await;
    assert_eq!(got, (403, scoped.clone()));
    for action in ["disable", "enable", "delete", "cancel-delete"] {
        let path = format!("{manage}/lifecycle/{action}");
        let got = org
            .call(Method::POST, &path, Some("scoped-practice-key"), None)
            .await;
        assert_eq!(got, (403, scoped.clone()), "{action}");
        let got = org.call(Method::POST, &path, None, None).await;
        assert_eq!(got, (401, json!({"key": "unauthorized"})), "{action}");
        let got = org.call(Method::POST, &path, Some("wrong-key"), None).await;
        assert_eq!(got.0, 401);
    }
    assert_eq!(
        org.site.org_lifecycle_of(&id),
        Some(("active".to_string(), None))
    );
    let (status, body) = org.call(Method::PUT, &manage, Some(&org.key), None).await;
    assert_eq!((status, &body["key"]), (405, &json!("methodNotAllowed")));
    let unknown = format!("{manage}/lifecycle/explode");
    let (status, body) = org.call(Method::POST, &unknown, Some(&org.key), None).await;
    assert_eq!((status, &body["key"]), (404, &json!("notFound")));
}

#[path = "lifecycle_clock_tests.rs"]
mod clock;
