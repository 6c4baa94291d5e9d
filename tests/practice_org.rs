//! The practice site's organization admin API (`/admin/`), driven over real HTTP with reqwest.

#[path = "practice_org/writes.rs"]
mod writes;

use offboard::practice::{PracticeConfig, PracticeSite};
use reqwest::{Client, Method, Response};
use serde_json::{json, Value};
use std::collections::HashSet;

/// The practice caller (the key's owner).
pub const CALLER: &str = "5b10ac8d82e05b22cc7d4ef5";

/// A started site and a client for its organization.
pub struct Org {
    pub site: PracticeSite,
    pub http: Client,
    pub key: String,
}

impl Org {
    /// Starts a site with this config.
    pub async fn start(config: PracticeConfig) -> Org {
        let site = PracticeSite::start(config).await.unwrap();
        let key = site.org_api_key();
        Org {
            site,
            http: Client::builder()
                .user_agent("practice-org-suite/1")
                .build()
                .unwrap(),
            key,
        }
    }

    /// `{site}/admin/v2/orgs/{orgId}{rest}`.
    pub fn v2(&self, rest: &str) -> String {
        format!(
            "{}/admin/v2/orgs/{}{rest}",
            self.site.url(),
            self.site.org_id()
        )
    }

    /// A request with the key without scopes.
    pub fn req(&self, method: Method, url: &str) -> reqwest::RequestBuilder {
        self.http.request(method, url).bearer_auth(&self.key)
    }

    /// Status and JSON body of a request (`Value::Null` for an empty or non-JSON body).
    pub async fn call(&self, req: reqwest::RequestBuilder) -> (u16, Value) {
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// One search page.
    pub async fn search(&self, dir: &str, body: &Value) -> (u16, Value) {
        let url = self.v2(&format!("/directories/{dir}/users/search"));
        self.call(self.req(Method::POST, &url).json(body)).await
    }

    /// Every account id a search lists, following `links.next` (at most 500 pages).
    pub async fn all(&self, dir: &str, body: Value) -> Vec<String> {
        let mut body = body;
        let mut ids = Vec::new();
        for _ in 0..500 {
            let (status, page) = self.search(dir, &body).await;
            assert_eq!(status, 200, "{page}");
            ids.extend(account_ids(&page));
            match page["links"]["next"].as_str() {
                Some(next) => body["cursor"] = json!(next),
                None => return ids,
            }
        }
        panic!("more than 500 pages");
    }

    /// One user through `GET …/directories/{dir}/users/{id}`.
    pub async fn user(&self, dir: &str, id: &str) -> (u16, Value) {
        let url = self.v2(&format!("/directories/{dir}/users/{id}"));
        self.call(self.req(Method::GET, &url)).await
    }

    /// A suspend (`suspend`), restore (`restore`) or remove (`remove`) with the full key.
    pub async fn write(&self, dir: &str, id: &str, action: &str) -> reqwest::Result<Response> {
        let user = self.v2(&format!("/directories/{dir}/users/{id}"));
        let req = match action {
            "remove" => self.req(Method::DELETE, &user),
            _ => self.req(Method::POST, &format!("{user}/{action}")),
        };
        req.send().await
    }

    /// The status and body of a write that must be answered.
    pub async fn wrote(&self, dir: &str, id: &str, action: &str) -> (u16, Value) {
        let resp = self.write(dir, id, action).await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// The first (only) directory.
    pub fn dir(&self) -> String {
        self.site.org_directory_ids()[0].clone()
    }
}

/// The account ids of a page, in order.
pub fn account_ids(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["accountId"].as_str().unwrap().to_string())
        .collect()
}

/// The first error of an `Errors` body: (status, code, detail).
pub fn first_error(body: &Value) -> (String, String, String) {
    let e = &body["errors"][0];
    let s = |k: &str| e[k].as_str().unwrap_or_default().to_string();
    (s("status"), s("code"), s("detail"))
}

#[tokio::test]
async fn cursor_pages_cover_every_member_exactly_once_with_and_without_filters() {
    let org = Org::start(PracticeConfig::generated(260, 4)).await;
    let members: Vec<String> = org
        .site
        .org_users()
        .into_iter()
        .map(|u| u.account_id)
        .collect();
    assert!(members.len() > 200);
    let in_dirs = json!({"membershipStatus": ["active", "suspended"], "limit": 37});
    assert_eq!(org.all("-", in_dirs.clone()).await, members);
    assert_eq!(org.all(&org.dir(), in_dirs).await, members);
    // Without filters the accounts without membership come too, once each.
    let everyone = org.all("-", json!({})).await;
    let unique: HashSet<&String> = everyone.iter().collect();
    assert_eq!(unique.len(), everyone.len(), "each account once");
    assert!((members.len() + 2..=members.len() + 3).contains(&everyone.len()));
    assert_eq!(org.all("-", json!({"limit": 100})).await, everyone);
    // Filters, each compared with what the site holds.
    let users = org.site.org_users();
    let want = |f: &dyn Fn(&offboard::atlassian::org::OrgUser) -> bool| -> Vec<String> {
        users
            .iter()
            .filter(|u| f(u))
            .map(|u| u.account_id.clone())
            .collect()
    };
    let suspended = json!({"status": ["suspended"], "limit": 3});
    let got = org.all("-", suspended).await;
    assert!(!got.is_empty());
    assert_eq!(got, want(&|u| u.status == "suspended"));
    let synced_or_not = json!({"claimStatus": "unmanaged", "limit": 5});
    assert_eq!(
        org.all("-", synced_or_not).await,
        want(&|u| u.claim_status == "unmanaged")
    );
    let term =
        json!({"searchTerm": "PATEL", "limit": 4, "membershipStatus": ["active", "suspended"]});
    let patels = want(&|u| {
        u.name.to_lowercase().contains("patel")
            || u.email.as_deref().unwrap_or("").contains("patel")
    });
    assert!(!patels.is_empty());
    assert_eq!(org.all("-", term).await, patels);
    // A last page has no `next`; a page in the middle has one.
    let (_, page) = org.search("-", &json!({"limit": 100})).await;
    assert!(page["links"]["next"].is_string() && page["links"]["self"].is_string());
    let (_, one) = org.search("-", &json!({"accountIds": [CALLER]})).await;
    assert_eq!(account_ids(&one), [CALLER]);
    assert!(one["links"].get("next").is_none());
}

#[tokio::test]
async fn bad_searches_and_cursors_are_400s() {
    let org = Org::start(PracticeConfig::generated(30, 4)).await;
    let (_, page) = org.search("-", &json!({"limit": 5})).await;
    let next = page["links"]["next"].as_str().unwrap().to_string();
    for body in [
        json!({"limit": 101}),
        json!({"limit": 0}),
        json!({"searchTerm": "a", "emails": ["a@example.com"]}),
        json!({"status": ["asleep"]}),
        json!({"cursor": "not-a-cursor"}),
        json!({"cursor": next, "claimStatus": "managed"}),
    ] {
        let (status, err) = org.search("-", &body).await;
        assert_eq!(status, 400, "{body}: {err}");
        assert_eq!(first_error(&err).0, "400");
    }
    let (_, err) = org.search("-", &json!({"cursor": "not-a-cursor"})).await;
    assert_eq!(first_error(&err).1, "ADMIN-400-1");
    let url = org.v2("/directories/-/users/search");
    let (status, _) = org
        .call(org.req(Method::POST, &url).body("{not json"))
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn expand_adds_roles_activity_and_groups_only_when_asked() {
    let org = Org::start(PracticeConfig::generated(40, 4)).await;
    let body = json!({"accountIds": [CALLER]});
    let (_, plain) = org.search("-", &body).await;
    let me = &plain["data"][0];
    for absent in ["platformRoles", "productAccess", "groups"] {
        assert!(me.get(absent).is_none(), "{absent}: {me}");
    }
    assert_eq!(me["claimStatus"], "managed");
    assert_eq!(me["membershipStatus"], "active");
    let body =
        json!({"accountIds": [CALLER], "expand": ["platformRoles", "productAccess", "groups"]});
    let (_, full) = org.search("-", &body).await;
    let me = &full["data"][0];
    assert_eq!(
        me["platformRoles"],
        json!(["atlassian/org-admin", "atlassian/site-admin"])
    );
    assert!(me["productAccess"].is_array() && me["groups"].is_array());
    let parsed: offboard::atlassian::org::OrgUser = serde_json::from_value(me.clone()).unwrap();
    assert_eq!(Some(parsed), org.site.org_user(CALLER));
    // The details endpoint: the same account, 404 for one it does not hold.
    let (status, details) = org.user("-", CALLER).await;
    assert_eq!(status, 200);
    assert_eq!(details["data"]["accountId"], CALLER);
    let (status, missing) = org.user("-", "712020:nobody").await;
    assert_eq!(status, 404);
    assert_eq!(first_error(&missing).1, "ADMIN-404-8");
}

#[tokio::test]
async fn keys_orgs_and_not_found_shapes() {
    let org = Org::start(PracticeConfig {
        scoped_org_key: Some("scoped-practice-key".into()),
        ..PracticeConfig::generated(10, 4)
    })
    .await;
    let orgs = format!("{}/admin/v1/orgs", org.site.url());
    let (status, list) = org.call(org.req(Method::GET, &orgs)).await;
    assert_eq!(status, 200);
    assert_eq!(list["data"][0]["id"], org.site.org_id().as_str());
    assert_eq!(
        list["data"][0]["attributes"]["name"],
        "Practice Organization"
    );
    assert_eq!(list["links"], json!({}));
    let scoped = |url: &str| org.http.get(url).bearer_auth("scoped-practice-key");
    let (status, empty) = org.call(scoped(&orgs)).await;
    assert_eq!((status, &empty["data"]), (200, &json!([])));
    let one = format!("{orgs}/{}", org.site.org_id());
    let (status, got) = org.call(scoped(&one)).await;
    assert_eq!((status, got["data"]["type"].as_str()), (200, Some("orgs")));
    // 401: no key, a wrong key, Basic auth.
    let unauthorized = json!({"code": 401, "message": "Unauthorized"});
    for req in [
        org.http.get(&one),
        org.http.get(&one).bearer_auth("wrong"),
        org.http
            .get(&one)
            .basic_auth("admin@example.com", Some("practice-token")),
    ] {
        assert_eq!(org.call(req).await, (401, unauthorized.clone()));
    }
    // 404s: the org, the directory.
    let (status, err) = org
        .call(org.req(Method::GET, &format!("{orgs}/not-this-org")))
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        first_error(&err),
        (
            "404".into(),
            "ADMIN-404-2".into(),
            "Organization not found".into()
        )
    );
    let wrong_dir = org.v2("/directories/not-a-directory/users/search");
    let (status, err) = org
        .call(org.req(Method::POST, &wrong_dir).json(&json!({})))
        .await;
    assert_eq!((status, first_error(&err).0.as_str()), (404, "404"));
    let (status, dirs) = org
        .call(org.req(Method::GET, &org.v2("/directories")))
        .await;
    assert_eq!(status, 200);
    assert_eq!(dirs["data"][0]["name"], "Practice Directory");
    assert_eq!(dirs["data"][0]["directoryId"], org.dir().as_str());
    // The record never holds the key, and names the key's owner.
    let record = org.site.record();
    let text = format!("{record:?}");
    assert!(!text.contains(&org.key) && !text.contains("scoped-practice-key"));
    assert_eq!(
        record[0].authorized_as.as_deref(),
        Some("admin@example.com")
    );
}

#[tokio::test]
async fn a_low_rate_gets_429s_with_retry_after_or_only_a_reset_time() {
    for retry_after in [true, false] {
        let org = Org::start(PracticeConfig {
            rate_per_sec: Some(0.2),
            burst: Some(2),
            org_retry_after: retry_after,
            ..PracticeConfig::generated(10, 4)
        })
        .await;
        let url = org.v2("/directories");
        let mut statuses = Vec::new();
        let mut last = None;
        for _ in 0..3 {
            let resp = org.req(Method::GET, &url).send().await.unwrap();
            statuses.push(resp.status().as_u16());
            last = Some(resp);
        }
        assert_eq!(statuses, [200, 200, 429], "retry_after {retry_after}");
        let resp = last.unwrap();
        let header = |n: &str| {
            resp.headers()
                .get(n)
                .map(|v| v.to_str().unwrap().to_string())
        };
        assert_eq!(header("x-ratelimit-limit").as_deref(), Some("2"));
        assert_eq!(header("x-ratelimit-remaining").as_deref(), Some("0"));
        let reset = header("x-ratelimit-reset").unwrap();
        let reset =
            time::OffsetDateTime::parse(&reset, &time::format_description::well_known::Rfc3339)
                .unwrap();
        let ahead = reset - time::OffsetDateTime::now_utc();
        assert!(ahead > time::Duration::ZERO && ahead <= time::Duration::seconds(6));
        match header("retry-after") {
            Some(secs) if retry_after => {
                assert!((1..=5).contains(&secs.parse::<u64>().unwrap()), "{secs}")
            }
            None if !retry_after => {}
            other => panic!("retry_after {retry_after}: Retry-After {other:?}"),
        }
        let body: Value = resp.json().await.unwrap();
        assert_eq!(first_error(&body).1, "ADMIN-429-1");
        // The site's own DELETE bucket is separate: still full.
        assert_eq!(org.site.applied_deletes(), 0);
    }
}
