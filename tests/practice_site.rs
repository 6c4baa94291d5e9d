//! The practice site, driven over real HTTP with reqwest.

use offboard::atlassian::{ClientConfig, Site, SiteClient, SITE_ADMINS_GROUP};
use offboard::practice::{
    practice_admin_ids, write_sample_export, Faults, PracticeConfig, PracticeSite,
    PracticeSiteArgs, PracticeUser,
};
use offboard::vault::ApiToken;
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

const ADMIN: (&str, &str) = ("admin@example.com", "practice-token");
const WEAK: (&str, &str) = ("member@example.com", "member-token");
const CALLER: &str = "5b10ac8d82e05b22cc7d4ef5";
const AGENT: &str = "practice-suite/1";

fn client() -> Client {
    Client::builder().user_agent(AGENT).build().unwrap()
}

/// Account ids of ordinary, removable people in a config.
fn people(config: &PracticeConfig) -> Vec<String> {
    config
        .users
        .iter()
        .filter(|u| u.account_type == "atlassian" && u.account_id != CALLER)
        .map(|u| u.account_id.clone())
        .collect()
}

async fn site(config: PracticeConfig) -> PracticeSite {
    PracticeSite::start(config).await.unwrap()
}

async fn get(site: &PracticeSite, path: &str, login: Option<(&str, &str)>) -> Response {
    let mut req = client().get(format!("{}{path}", site.url()));
    if let Some((email, token)) = login {
        req = req.basic_auth(email, Some(token));
    }
    req.send().await.unwrap()
}

async fn delete_as(
    site: &PracticeSite,
    id: &str,
    login: (&str, &str),
) -> reqwest::Result<Response> {
    client()
        .delete(format!("{}/rest/api/3/user", site.url()))
        .query(&[("accountId", id)])
        .basic_auth(login.0, Some(login.1))
        .send()
        .await
}

async fn delete(site: &PracticeSite, id: &str) -> Response {
    delete_as(site, id, ADMIN).await.unwrap()
}

/// The status of a DELETE by the admin.
async fn del(site: &PracticeSite, id: &str) -> u16 {
    delete(site, id).await.status().as_u16()
}

/// The status of `GET myself` with a login.
async fn myself(site: &PracticeSite, login: (&str, &str)) -> u16 {
    let resp = get(site, "/rest/api/3/myself", Some(login)).await;
    resp.status().as_u16()
}

/// The status of an admin GET.
async fn status(site: &PracticeSite, path: &str) -> u16 {
    get(site, path, Some(ADMIN)).await.status().as_u16()
}

/// The JSON body of an admin GET.
async fn json(site: &PracticeSite, path: &str) -> Value {
    get(site, path, Some(ADMIN)).await.json().await.unwrap()
}

/// An admin `GET user/bulk` with these query pairs.
async fn bulk(site: &PracticeSite, query: &[(&str, String)]) -> Response {
    let url = format!("{}/rest/api/2/user/bulk", site.url());
    let req = client()
        .get(url)
        .query(query)
        .basic_auth(ADMIN.0, Some(ADMIN.1));
    req.send().await.unwrap()
}

async fn error_messages(resp: Response) -> String {
    let body: Value = resp.json().await.unwrap();
    assert!(body["errors"].is_object(), "not an ErrorCollection: {body}");
    body["errorMessages"][0].as_str().unwrap().to_string()
}

fn ids_query(ids: &[String]) -> Vec<(&'static str, String)> {
    ids.iter().map(|id| ("accountId", id.clone())).collect()
}

fn header<'a>(resp: &'a Response, name: &str) -> Option<&'a str> {
    resp.headers().get(name).map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn missing_or_wrong_credentials_get_401_and_the_weak_login_403_on_delete() {
    let config = PracticeConfig::generated(5, 1);
    let victim = people(&config)[0].clone();
    let site = site(config).await;
    let none = get(&site, "/rest/api/3/myself", None).await;
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert!(error_messages(none).await.contains("not authenticated"));
    let wrong = get(&site, "/rest/api/3/myself", Some((ADMIN.0, "nope"))).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let weak = get(&site, "/rest/api/3/myself", Some(WEAK)).await;
    assert_eq!(weak.status(), StatusCode::OK);
    let me: Value = weak.json().await.unwrap();
    assert_eq!(me["emailAddress"], WEAK.0);
    assert_ne!(me["accountId"], CALLER);
    let refused = delete_as(&site, &victim, WEAK).await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(error_messages(refused).await.contains("permission"));
    assert!(site.exists(&victim));
    let seen: Vec<_> = site
        .record()
        .iter()
        .map(|r| r.authorized_as.clone())
        .collect();
    assert_eq!(seen, [None, None, Some(WEAK.0.into()), Some(WEAK.0.into())]);
}

#[tokio::test]
async fn myself_user_and_unknown_paths_on_both_api_versions() {
    let config = PracticeConfig::generated(5, 2);
    let someone = config.users[3].clone();
    let site = site(config).await;
    for api in ["2", "3"] {
        let me = json(&site, &format!("/rest/api/{api}/myself")).await;
        assert_eq!(me["accountId"], CALLER);
        assert_eq!(me["emailAddress"], ADMIN.0);
        assert_eq!(me["accountType"], "atlassian");
        assert_eq!(me["active"], true);
        let path = format!("/rest/api/{api}/user?accountId={}", someone.account_id);
        let user = json(&site, &path).await;
        assert_eq!(user["accountId"], someone.account_id.as_str());
        assert_eq!(user["displayName"], someone.display_name.as_str());
        assert_eq!(user["accountType"], someone.account_type.as_str());
        assert_eq!(user["emailAddress"].as_str(), someone.email.as_deref());
        assert!(user["self"].as_str().unwrap().starts_with(&site.url()));
    }
    let missing = get(
        &site,
        "/rest/api/3/user?accountId=712020:nobody",
        Some(ADMIN),
    )
    .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(error_messages(missing).await.contains("712020:nobody"));
    let no_param = get(&site, "/rest/api/3/user", Some(ADMIN)).await;
    assert_eq!(no_param.status(), StatusCode::BAD_REQUEST);
    assert_eq!(status(&site, "/rest/api/3/issue/X-1").await, 404);
    assert_eq!(status(&site, "/wiki/rest/api/user").await, 404);
    let post = client()
        .post(format!("{}/rest/api/3/myself", site.url()))
        .basic_auth(ADMIN.0, Some(ADMIN.1))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn bulk_pages_through_the_ids_it_knows() {
    let config = PracticeConfig::generated(40, 3);
    let known: Vec<String> = config.users[..25]
        .iter()
        .map(|u| u.account_id.clone())
        .collect();
    let mut asked = known.clone();
    asked.insert(4, "712020:not-here".into());
    asked.push("5f0000000000000000000000".into());
    let site = site(config).await;
    let mut got = Vec::new();
    for (page, start) in [0usize, 10, 20].into_iter().enumerate() {
        let mut query = ids_query(&asked);
        query.push(("startAt", start.to_string()));
        query.push(("maxResults", "10".into()));
        let body: Value = bulk(&site, &query).await.json().await.unwrap();
        assert_eq!(body["total"], 25);
        assert_eq!(body["startAt"], start);
        assert_eq!(body["maxResults"], 10);
        assert_eq!(body["isLast"], page == 2, "{body}");
        for user in body["values"].as_array().unwrap() {
            got.push(user["accountId"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(got, known, "missing ids are simply absent, order kept");
    // maxResults is capped, and more than 200 ids are refused.
    let mut query = ids_query(&asked);
    query.push(("maxResults", "5000".into()));
    let body: Value = bulk(&site, &query).await.json().await.unwrap();
    assert_eq!(body["maxResults"], 100);
    assert_eq!(body["isLast"], true);
    let many: Vec<String> = (0..201).map(|i| format!("5f{i:022x}")).collect();
    let resp = bulk(&site, &ids_query(&many)).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(error_messages(resp).await.contains("200"));
}

#[tokio::test]
async fn delete_removes_once_then_404_and_protects_apps_and_the_caller() {
    let config = PracticeConfig::generated(60, 4);
    let victim = people(&config)[0].clone();
    let app = config
        .users
        .iter()
        .find(|u| u.account_type == "app")
        .unwrap()
        .account_id
        .clone();
    let site = site(config).await;
    let before = site.remaining_users();
    assert_eq!(del(&site, &victim).await, 204);
    assert!(!site.exists(&victim));
    assert_eq!(site.remaining_users(), before - 1);
    let again = delete(&site, &victim).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    assert!(error_messages(again).await.contains(&victim));
    assert_eq!(site.deletes_of(&victim), 2);
    let app_reply = delete(&site, &app).await;
    assert_eq!(app_reply.status(), StatusCode::BAD_REQUEST);
    assert!(error_messages(app_reply).await.contains("app"));
    let me = delete(&site, CALLER).await;
    assert_eq!(me.status(), StatusCode::BAD_REQUEST);
    assert!(error_messages(me).await.contains("yourself"));
    assert!(site.exists(&app) && site.exists(CALLER));
    assert_eq!(site.remaining_users(), before - 1);
    assert_eq!(site.applied_deletes(), 1);
}

#[tokio::test]
async fn the_record_keeps_arrival_order_and_never_the_token() {
    let config = PracticeConfig::generated(5, 5);
    let victim = people(&config)[0].clone();
    let site = site(config).await;
    get(&site, "/rest/api/3/myself", Some(ADMIN)).await;
    delete(&site, &victim).await;
    get(
        &site,
        &format!("/rest/api/2/user?accountId={victim}"),
        Some(ADMIN),
    )
    .await;
    let record = site.record();
    let summary: Vec<_> = record
        .iter()
        .map(|r| {
            (
                r.method.as_str(),
                r.path.as_str(),
                r.account_id.as_deref(),
                r.status,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("GET", "/rest/api/3/myself", None, Some(200)),
            (
                "DELETE",
                "/rest/api/3/user",
                Some(victim.as_str()),
                Some(204)
            ),
            ("GET", "/rest/api/2/user", Some(victim.as_str()), Some(404)),
        ]
    );
    assert!(record
        .iter()
        .all(|r| r.user_agent.as_deref() == Some(AGENT)));
    assert!(record
        .iter()
        .all(|r| r.authorized_as.as_deref() == Some(ADMIN.0)));
    assert!(record.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
    assert!(!format!("{record:?}").contains(ADMIN.1));
    assert!(!format!("{:?}", PracticeConfig::default()).contains(ADMIN.1));
}

#[tokio::test]
async fn over_the_bucket_answers_429_with_atlassians_headers_and_keeps_the_user() {
    // A rate so slow that nothing refills during the test: the bucket is the only source.
    let config = PracticeConfig {
        rate_per_sec: Some(0.001),
        burst: Some(5),
        retry_after_secs: 7,
        ..PracticeConfig::generated(20, 6)
    };
    let ids = people(&config);
    let site = site(config).await;
    for (i, id) in ids[..5].iter().enumerate() {
        let resp = delete(&site, id).await;
        assert_eq!(resp.status(), StatusCode::NO_CONTENT);
        // 4, 3, 2, 1, 0 tokens left: only the last is under 20% of 5.
        assert_eq!(
            header(&resp, "x-ratelimit-nearlimit").is_some(),
            i == 4,
            "delete {i}"
        );
    }
    let limited = delete(&site, &ids[5]).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&limited, "retry-after"), Some("7"));
    assert_eq!(header(&limited, "x-ratelimit-limit"), Some("5"));
    assert_eq!(header(&limited, "x-ratelimit-remaining"), Some("0"));
    assert_eq!(
        header(&limited, "ratelimit-reason"),
        Some("jira-burst-based")
    );
    let reset = header(&limited, "x-ratelimit-reset").unwrap();
    let reset =
        time::OffsetDateTime::parse(reset, &time::format_description::well_known::Rfc3339).unwrap();
    let ahead = reset - time::OffsetDateTime::now_utc();
    assert!(
        ahead > time::Duration::seconds(4) && ahead <= time::Duration::seconds(7),
        "{ahead}"
    );
    assert!(site.exists(&ids[5]));
    // Reads are not limited.
    assert_eq!(myself(&site, ADMIN).await, 200);
    // set_rate brings a fresh bucket of the configured burst.
    site.set_rate(Some(0.001));
    for id in &ids[5..10] {
        assert_eq!(del(&site, id).await, 204);
    }
    assert_eq!(del(&site, &ids[10]).await, 429);
    site.set_rate(None);
    assert_eq!(del(&site, &ids[10]).await, 204);
}

#[tokio::test]
async fn a_503_with_or_without_retry_after_removes_nobody() {
    let config = PracticeConfig::generated(5, 7);
    let id = people(&config)[0].clone();
    let site = site(config).await;
    site.set_faults(Faults {
        p_503_retry_after: 1.0,
        ..Faults::default()
    });
    let resp = delete(&site, &id).await;
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(header(&resp, "retry-after"), Some("1"));
    site.set_faults(Faults {
        p_503_bare: 1.0,
        ..Faults::default()
    });
    let resp = delete(&site, &id).await;
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(header(&resp, "retry-after"), None);
    // A gateway page, not JSON: clients must cope.
    assert!(serde_json::from_str::<Value>(&resp.text().await.unwrap()).is_err());
    assert!(site.exists(&id));
    assert_eq!(site.applied_deletes(), 0);
}

/// Sends one DELETE per id under an always-on fault; returns which ids are gone afterwards.
async fn under_fault(
    site: &PracticeSite,
    ids: &[String],
    faults: Faults,
) -> (Vec<String>, Vec<String>) {
    site.set_faults(faults);
    for id in ids {
        match delete_as(site, id, ADMIN).await {
            Ok(resp) => assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR),
            Err(e) => assert!(!e.is_timeout(), "{e}"),
        }
    }
    site.set_faults(Faults::default());
    ids.iter().cloned().partition(|id| !site.exists(id))
}

#[tokio::test]
async fn a_500_sometimes_lands_after_the_delete_and_a_retry_then_meets_404() {
    let config = PracticeConfig::generated(40, 8);
    let ids: Vec<String> = people(&config)[..16].to_vec();
    let site = site(config).await;
    let (gone, kept) = under_fault(
        &site,
        &ids,
        Faults {
            p_500: 1.0,
            ..Faults::default()
        },
    )
    .await;
    assert!(!gone.is_empty() && !kept.is_empty(), "gone {gone:?}");
    assert_eq!(site.applied_deletes(), gone.len() as u64);
    assert!(site.record().iter().all(|r| r.status == Some(500)));
    for id in &gone {
        assert_eq!(del(&site, id).await, 404);
    }
    for id in &kept {
        assert_eq!(del(&site, id).await, 204);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_gets_no_reply_and_the_site_keeps_serving() {
    let config = PracticeConfig::generated(40, 9);
    let ids: Vec<String> = people(&config)[..16].to_vec();
    let site = site(config).await;
    let faults = Faults {
        p_drop: 1.0,
        ..Faults::default()
    };
    let (gone, kept) = under_fault(&site, &ids, faults).await;
    assert!(!gone.is_empty() && !kept.is_empty(), "gone {gone:?}");
    let record = site.record();
    assert_eq!(record.len(), 16);
    assert!(record.iter().all(|r| r.status.is_none()));
    assert_eq!(myself(&site, ADMIN).await, 200);
    assert_eq!(del(&site, &gone[0]).await, 404);
}

#[tokio::test]
async fn a_slow_reply_is_applied_even_when_the_client_gives_up() {
    let config = PracticeConfig::generated(5, 10);
    let ids = people(&config);
    let site = site(config).await;
    site.set_faults(Faults {
        p_slow: 1.0,
        slow_delay: Duration::from_secs(60),
        ..Faults::default()
    });
    let impatient = client()
        .delete(format!("{}/rest/api/3/user", site.url()))
        .query(&[("accountId", &ids[0])])
        .basic_auth(ADMIN.0, Some(ADMIN.1))
        .timeout(Duration::from_secs(1))
        .send()
        .await;
    assert!(impatient.unwrap_err().is_timeout());
    assert!(!site.exists(&ids[0]));
    site.set_faults(Faults {
        p_slow: 1.0,
        slow_delay: Duration::from_millis(200),
        ..Faults::default()
    });
    let started = Instant::now();
    assert_eq!(del(&site, &ids[1]).await, 204);
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn every_reply_waits_the_configured_latency() {
    let config = PracticeConfig {
        latency: Duration::from_millis(120),
        latency_jitter: Duration::from_millis(40),
        ..PracticeConfig::generated(3, 11)
    };
    let site = site(config).await;
    for _ in 0..3 {
        let started = Instant::now();
        assert_eq!(myself(&site, ADMIN).await, 200);
        assert!(
            started.elapsed() >= Duration::from_millis(80),
            "{:?}",
            started.elapsed()
        );
    }
}

#[tokio::test]
async fn the_admin_token_can_be_revoked_after_n_deletes() {
    let config = PracticeConfig {
        revoke_token_after_deletes: Some(2),
        ..PracticeConfig::generated(10, 12)
    };
    let ids = people(&config);
    let site = site(config).await;
    assert_eq!(del(&site, &ids[0]).await, 204);
    // A refused delete does not count.
    assert_eq!(del(&site, CALLER).await, 400);
    assert_eq!(del(&site, &ids[1]).await, 204);
    assert_eq!(del(&site, &ids[2]).await, 401);
    assert_eq!(myself(&site, ADMIN).await, 401);
    assert_eq!(myself(&site, WEAK).await, 200);
    assert!(site.exists(&ids[2]));
}

#[tokio::test]
async fn the_admin_can_lose_site_admin_after_n_deletes() {
    let config = PracticeConfig {
        demote_after_deletes: Some(1),
        ..PracticeConfig::generated(10, 13)
    };
    let ids = people(&config);
    let site = site(config).await;
    assert_eq!(del(&site, &ids[0]).await, 204);
    assert_eq!(del(&site, &ids[1]).await, 403);
    assert!(site.exists(&ids[1]));
    let read = format!("/rest/api/3/user?accountId={}", ids[1]);
    assert_eq!(status(&site, &read).await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_deletes_each_land_once_and_shutdown_closes_the_port() {
    let config = PracticeConfig::generated(120, 14);
    let ids = people(&config);
    let site = site(config).await;
    let before = site.remaining_users();
    let tasks: Vec<_> = ids[..50]
        .iter()
        .map(|id| {
            let (site, id) = (site.clone(), id.clone());
            tokio::spawn(async move { del(&site, &id).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::NO_CONTENT);
    }
    assert_eq!(site.remaining_users(), before - 50);
    assert!(ids[..50].iter().all(|id| site.deletes_of(id) == 1));
    let url = site.url();
    site.shutdown().await;
    let after = client()
        .get(format!("{url}/rest/api/3/myself"))
        .send()
        .await;
    assert!(after.unwrap_err().is_connect());
}

#[tokio::test]
async fn users_can_come_from_an_export() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/export-plain.csv");
    let config = PracticeConfig::from_csv(&path).unwrap();
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(path.with_file_name("export-plain.manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        config.users.len(),
        manifest["accounts"].as_u64().unwrap() as usize
    );
    let kind = |id: &Value| -> PracticeUser {
        config
            .users
            .iter()
            .find(|u| u.account_id == id.as_str().unwrap())
            .unwrap()
            .clone()
    };
    let listed = |key: &str| manifest[key].as_array().unwrap().clone();
    assert!(listed("apps")
        .iter()
        .all(|id| kind(id).account_type == "app"));
    // `557057:` ids are people too: the fixture lists them as members.
    assert!(listed("members")
        .iter()
        .all(|id| kind(id).account_type == "atlassian"));
    assert!(listed("inactive").iter().all(|id| !kind(id).active));
    let site = site(config).await;
    let app = manifest["apps"][0].as_str().unwrap();
    assert_eq!(del(&site, app).await, 400);
    let me = json(&site, "/rest/api/3/myself").await;
    assert_eq!(me["accountId"], manifest["caller_id"]);
    let missing = PracticeConfig::from_csv(Path::new("/no/such/export.csv")).unwrap_err();
    assert!(
        missing.to_string().contains("/no/such/export.csv"),
        "{missing}"
    );
}

#[tokio::test]
async fn dropping_the_last_handle_stops_the_server() {
    let site = site(PracticeConfig::generated(3, 15)).await;
    let url = site.url();
    let copy = site.clone();
    drop(site);
    // A clone keeps it running.
    assert_eq!(myself(&copy, ADMIN).await, 200);
    drop(copy);
    let after = client()
        .get(format!("{url}/rest/api/3/myself"))
        .send()
        .await;
    assert!(after.is_err());
}

#[tokio::test(start_paused = true)]
async fn latency_follows_tokios_paused_clock() {
    // Engine tests run on a paused clock: the site's waits must use tokio time, not the wall.
    let config = PracticeConfig {
        latency: Duration::from_secs(30),
        ..PracticeConfig::generated(3, 16)
    };
    let site = site(config).await;
    let started = tokio::time::Instant::now();
    let wall = Instant::now();
    assert_eq!(myself(&site, ADMIN).await, 200);
    assert!(started.elapsed() >= Duration::from_secs(30));
    assert!(wall.elapsed() < Duration::from_secs(30));
    assert!(site.record()[0].at_ms < 30_000);
}

/// `offboard practice-site --record-file`: the real binary, stopped by SIGTERM, leaves every
/// request it saw as JSON lines, so a suite driving another process can check that process's
/// report against what the site saw.
#[cfg(unix)]
#[tokio::test]
async fn the_binary_writes_its_record_file_when_terminated() {
    use tokio::io::AsyncBufReadExt;
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("record.jsonl");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_offboard"))
        .args([
            "practice-site",
            "--users",
            "4",
            "--seed",
            "3",
            "--port",
            "0",
        ])
        .arg("--record-file")
        .arg(&record)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("the banner in time")
        .unwrap()
        .unwrap();
    let url = first
        .strip_prefix("PRACTICE_SITE_URL=")
        .unwrap()
        .to_string();
    let victim = people(&PracticeConfig::generated(4, 3))[0].clone();
    let user = format!("{url}/rest/api/3/user");
    let mut seen = Vec::new();
    for _ in 0..2 {
        let resp = client()
            .delete(&user)
            .query(&[("accountId", &victim)])
            .basic_auth(ADMIN.0, Some(ADMIN.1))
            .send()
            .await
            .unwrap();
        seen.push(resp.status().as_u16());
    }
    assert_eq!(seen, [204, 404]);

    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("the site stops on SIGTERM")
        .unwrap();
    assert!(status.success(), "{status:?}");
    let mut rest = Vec::new();
    while let Some(line) = lines.next_line().await.unwrap() {
        rest.push(line);
    }
    assert!(
        rest.iter()
            .any(|l| l == "PRACTICE_SITE_SAW requests=2 deletes=2 204=1 404=1"),
        "{rest:?}"
    );

    let text = std::fs::read_to_string(&record).unwrap();
    assert!(!text.contains(ADMIN.1), "no token in the record: {text}");
    let rows: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(&str, &str, u64, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap(),
                r["account_id"].as_str().unwrap(),
                r["status"].as_u64().unwrap(),
                r["user_agent"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("DELETE", victim.as_str(), 204, AGENT),
            ("DELETE", victim.as_str(), 404, AGENT)
        ]
    );
}

#[path = "practice_site/groups.rs"]
mod groups;
