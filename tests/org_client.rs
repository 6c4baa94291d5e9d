//! The organization client against the practice site's organization admin API, over real HTTP
//! on 127.0.0.1: the org and its directories, paged search, suspend / restore / remove and
//! their read-backs, and what a wrong or scoped key gets.

use offboard::atlassian::org::{
    key_has_scopes, OrgApi, OrgClient, OrgError, OrgUser, UserSearch, SEARCH_PAGE,
};
use offboard::atlassian::{ClientConfig, Verdict};
use offboard::practice::{PracticeConfig, PracticeSite};
use offboard::vault::ApiToken;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

#[path = "org_client/lifecycle.rs"]
mod lifecycle;
#[path = "org_client/writes.rs"]
mod writes;

const SCOPED_KEY: &str = "practice-scoped-org-key";

fn quick() -> ClientConfig {
    ClientConfig {
        connect_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(10),
    }
}

/// A generated practice site of `people` people and `directories` directories, with a scoped
/// key besides the one without scopes.
async fn start(people: usize, directories: usize) -> PracticeSite {
    let config = PracticeConfig {
        org_name: "Acme Practice Org".into(),
        org_directories: directories,
        scoped_org_key: Some(SCOPED_KEY.into()),
        ..PracticeConfig::generated(people, 17)
    };
    PracticeSite::start(config).await.unwrap()
}

/// A client for the practice organization with `key`.
fn client(site: &PracticeSite, key: &str) -> OrgClient {
    let api = OrgApi::parse(&site.url()).unwrap();
    OrgClient::new(api, &site.org_id(), ApiToken::new(key), quick()).unwrap()
}

/// Members of `directory` that every action may touch: active, no admin role, not synced.
fn plain_members(site: &PracticeSite, directory: &str) -> Vec<OrgUser> {
    site.org_users()
        .into_iter()
        .filter(|u| site.org_directory_of(&u.account_id).as_deref() == Some(directory))
        .filter(|u| u.membership_status == "active" && u.admin_roles().is_empty() && !u.is_synced())
        .collect()
}

#[tokio::test]
async fn reads_the_org_name_and_its_directories() {
    let site = start(30, 3).await;
    let org = client(&site, &site.org_api_key());
    let found = org.org().await.unwrap();
    assert_eq!(found.id, site.org_id());
    assert_eq!(found.name, "Acme Practice Org");

    let directories = org.directories().await.unwrap();
    let ids: Vec<String> = directories.iter().map(|d| d.directory_id.clone()).collect();
    assert_eq!(ids, site.org_directory_ids());
    assert_eq!(directories[0].name, "Practice Directory");

    let visible = org.visible_orgs().await.unwrap();
    assert_eq!(visible, vec![site.org_id()]);
    assert!(!key_has_scopes(&visible, org.org_id()));

    let agent = format!("Offboard/{}", env!("CARGO_PKG_VERSION"));
    let record = site.record();
    assert_eq!(record.len(), 3);
    assert!(record
        .iter()
        .all(|r| r.user_agent.as_deref() == Some(agent.as_str())));
    assert!(record.iter().all(|r| r.status == Some(200)));
}

#[tokio::test]
async fn another_org_id_is_not_found() {
    let site = start(5, 1).await;
    let api = OrgApi::parse(&site.url()).unwrap();
    let other = "99999999-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    let org = OrgClient::new(api, other, ApiToken::new(site.org_api_key()), quick()).unwrap();
    let err = org.org().await.unwrap_err();
    assert_eq!(err, OrgError::OrgNotFound);
    assert!(err.to_string().contains("after /o/"), "{err}");
}

#[tokio::test]
async fn search_pages_are_followed_to_the_end_and_list_everyone_once() {
    let site = start(230, 1).await;
    let org = client(&site, &site.org_api_key());
    let directory = site.org_directory_ids()[0].clone();
    let mut seen: HashMap<String, OrgUser> = HashMap::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    // 230 people at 40 a page: 6 pages and a few; the bound only stops a runaway.
    for _ in 0..50 {
        let page = org
            .search_page(&directory, &UserSearch::default(), cursor.as_deref(), 40)
            .await
            .unwrap();
        pages += 1;
        assert!(page.users.len() <= 40);
        for user in page.users {
            let id = user.account_id.clone();
            assert!(seen.insert(id.clone(), user).is_none(), "{id} listed twice");
        }
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    assert!(cursor.is_none(), "the search did not end");
    assert!(pages >= 6, "{pages} pages");
    let members: HashSet<String> = site.org_users().into_iter().map(|u| u.account_id).collect();
    for id in &members {
        assert!(seen.contains_key(id), "{id} was never listed");
    }
    // Anyone else listed is a managed account without membership (ORG-API.md §9).
    for (id, user) in &seen {
        assert!(members.contains(id) || user.has_no_membership(), "{id}");
    }
    // The expands came back: the caller's roles, someone's product activity and groups.
    assert!(seen.values().any(|u| !u.admin_roles().is_empty()));
    assert!(seen.values().any(|u| !u.product_access.is_empty()));
    assert!(seen.values().any(|u| !u.groups.is_empty()));

    // Filters are sent with every page: only suspended people, all of them.
    let suspended = UserSearch {
        status: vec!["suspended".into()],
        ..UserSearch::default()
    };
    let page = org
        .search_page(&directory, &suspended, None, SEARCH_PAGE)
        .await
        .unwrap();
    let expected = seen.values().filter(|u| u.status == "suspended").count();
    assert_eq!(page.users.len(), expected);
    assert!(page
        .users
        .iter()
        .all(|u| u.membership_status == "suspended"));
}

#[tokio::test]
async fn users_by_id_batches_and_finds_only_the_known_ones() {
    let site = start(230, 1).await;
    let org = client(&site, &site.org_api_key());
    let directory = site.org_directory_ids()[0].clone();
    let mut ids: Vec<String> = site.org_users().into_iter().map(|u| u.account_id).collect();
    assert!(
        ids.len() > SEARCH_PAGE as usize,
        "more ids than one search takes"
    );
    let known = ids.len();
    ids.push("712020:00000000-0000-0000-0000-00000000dead".into());
    ids.push(ids[0].clone());
    ids.push("  ".into());
    let found = org.users_by_id(&directory, &ids).await.unwrap();
    assert_eq!(found.len(), known);
    let unique: HashSet<&str> = found.iter().map(|u| u.account_id.as_str()).collect();
    assert_eq!(unique.len(), known);
    let searches = site
        .record()
        .iter()
        .filter(|r| r.path.ends_with("/users/search"))
        .count();
    assert!(searches >= 2, "{searches} searches");
}

#[tokio::test]
async fn a_search_that_takes_fewer_account_ids_is_asked_again_in_small_batches() {
    let config = PracticeConfig {
        org_search_max_ids: Some(10),
        ..PracticeConfig::generated(60, 17)
    };
    let site = PracticeSite::start(config).await.unwrap();
    let org = client(&site, &site.org_api_key());
    let directory = site.org_directory_ids()[0].clone();
    let ids: Vec<String> = site.org_users().into_iter().map(|u| u.account_id).collect();
    assert!(ids.len() > 10);
    let found = org.users_by_id(&directory, &ids).await.unwrap();
    assert_eq!(found.len(), ids.len());
    let statuses: Vec<Option<u16>> = site
        .record()
        .iter()
        .filter(|r| r.path.ends_with("/users/search"))
        .map(|r| r.status)
        .collect();
    // One refused batch of all, then batches of ten.
    assert_eq!(statuses[0], Some(400));
    assert_eq!(statuses.len(), 1 + ids.len().div_ceil(10));
    assert!(statuses[1..].iter().all(|s| *s == Some(200)));
}

#[tokio::test]
async fn rate_limits_are_read_from_the_reset_and_waited_out() {
    let config = PracticeConfig {
        rate_per_sec: Some(1.0),
        burst: Some(1),
        // Only X-RateLimit-Reset says when to come back.
        org_retry_after: false,
        ..PracticeConfig::generated(20, 17)
    };
    let site = PracticeSite::start(config).await.unwrap();
    let directory = site.org_directory_ids()[0].clone();
    let org = client(&site, &site.org_api_key());
    let targets = plain_members(&site, &directory);

    // The one token is taken: done, and the headers say none is left.
    let first = org.suspend(&directory, &targets[0].account_id).await;
    assert!(first.near_limit(), "{first:?}");
    assert_eq!(first.answer(), &Verdict::Done { status: 204 });

    let second = org.suspend(&directory, &targets[1].account_id).await;
    match &second {
        Verdict::RateLimited { status: 429, info } => {
            assert_eq!(info.retry_after, None);
            let wait = info.until_reset.expect("the reset was read");
            assert!(
                wait > Duration::ZERO && wait <= Duration::from_secs(2),
                "{wait:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        site.org_user(&targets[1].account_id)
            .unwrap()
            .membership_status,
        "active"
    );
    // A read waits until the reset and then gets its answer.
    let ids = vec![targets[0].account_id.clone()];
    let found = org.users_by_id(&directory, &ids).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].membership_status, "suspended");
}
