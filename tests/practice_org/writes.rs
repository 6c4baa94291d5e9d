//! Suspend, restore and remove over HTTP: refusals, faults, directories, memory across launches.

use super::{first_error, Org, CALLER};
use offboard::atlassian::org::OrgUser;
use offboard::practice::{Faults, PracticeConfig, PracticeSite};
use serde_json::json;

/// Directory members that can be suspended and removed: no admin role, not synced, active.
fn plain(site: &PracticeSite) -> Vec<OrgUser> {
    site.org_users()
        .into_iter()
        .filter(|u| u.platform_roles.is_empty() && !u.is_synced() && u.status == "active")
        .collect()
}

#[tokio::test]
async fn suspend_restore_and_remove_show_in_later_reads() {
    let org = Org::start(PracticeConfig::generated(40, 5)).await;
    let (dir, id) = (org.dir(), plain(&org.site)[0].account_id.clone());
    assert_eq!(org.wrote(&dir, &id, "suspend").await, (204, json!(null)));
    let (_, user) = org.user("-", &id).await;
    assert_eq!(user["data"]["membershipStatus"], "suspended");
    assert_eq!(user["data"]["status"], "suspended");
    assert_eq!(
        org.wrote(&dir, &id, "suspend").await.0,
        204,
        "again: no change"
    );
    assert_eq!(org.wrote(&dir, &id, "restore").await.0, 204);
    assert_eq!(org.site.org_user(&id).unwrap().status, "active");
    assert_eq!(
        org.wrote(&dir, &id, "restore").await.0,
        204,
        "an active user"
    );
    assert_eq!(org.wrote(&dir, &id, "remove").await.0, 204);
    assert_eq!(org.user("-", &id).await.0, 404);
    assert_eq!(org.user(&dir, &id).await.0, 404);
    assert!(org.site.org_user(&id).is_none());
    let (status, err) = org.wrote(&dir, &id, "remove").await;
    assert_eq!((status, first_error(&err).1.as_str()), (404, "ADMIN-404-8"));
    assert_eq!(org.site.org_writes_of(&id), 6);
    // The site's own users are another matter: the org removal did not touch them.
    assert!(org.site.exists(&id));
    assert_eq!(org.site.deletes_of(&id), 0);
    let record = org.site.record();
    let last = record.last().unwrap();
    assert_eq!(
        (last.method.as_str(), last.account_id.as_deref()),
        ("DELETE", Some(id.as_str()))
    );
}

#[tokio::test]
async fn each_refusal_as_the_admin_ui_refuses_it() {
    let org = Org::start(PracticeConfig {
        scoped_org_key: Some("scoped-practice-key".into()),
        ..PracticeConfig::generated(200, 5)
    })
    .await;
    let dir = org.dir();
    let users = org.site.org_users();
    let find = |f: &dyn Fn(&OrgUser) -> bool| users.iter().find(|u| f(u)).unwrap().clone();
    let admin = find(&|u| {
        u.platform_roles.iter().any(|r| r == "atlassian/org-admin") && u.account_id != CALLER
    });
    let synced = find(&|u| u.is_synced() && u.platform_roles.is_empty());
    let expect = [
        (CALLER.to_string(), 403, "You can't suspend or remove yourself.".to_string()),
        (
            admin.account_id.clone(),
            403,
            "You can't suspend or remove an organization admin. Remove their organization admin role first.".into(),
        ),
        (
            synced.account_id.clone(),
            403,
            format!("{} is synced from an identity provider. Remove this user in your identity provider instead.", synced.name),
        ),
    ];
    for (id, status, detail) in &expect {
        for action in ["suspend", "remove"] {
            let (got, err) = org.wrote(&dir, id, action).await;
            assert_eq!(
                (got, &first_error(&err).2),
                (*status, detail),
                "{action} {id}"
            );
        }
    }
    // No membership: listed by search, but nothing to suspend.
    let (_, page) = org
        .search("-", &json!({"membershipStatus": ["no_membership"]}))
        .await;
    let nobody = page["data"][0]["accountId"].as_str().unwrap().to_string();
    assert_eq!(page["data"][0]["status"], "not_invited");
    assert_eq!(org.wrote(&dir, &nobody, "suspend").await.0, 404);
    // The scoped key reads, but may not write.
    let victim = plain(&org.site)[0].account_id.clone();
    let url = org.v2(&format!("/directories/{dir}/users/{victim}/suspend"));
    let resp = org
        .http
        .post(&url)
        .bearer_auth("scoped-practice-key")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let body: serde_json::Value = resp.json().await.unwrap();
    let e = &body["errors"][0];
    assert_eq!(
        (
            e["status"].as_str(),
            e["code"].as_str(),
            e["title"].as_str()
        ),
        (Some("403"), Some("ADMIN-403-7"), Some("Forbidden"))
    );
    assert_eq!(
        e["detail"],
        "The API key does not have the required scope (insufficientScope) for this operation."
    );
    let search = org.v2("/directories/-/users/search");
    let read = org
        .http
        .post(&search)
        .bearer_auth("scoped-practice-key")
        .json(&json!({}));
    assert_eq!(read.send().await.unwrap().status(), 200);
    // `-` is for reads only.
    assert_eq!(org.wrote("-", &victim, "suspend").await.0, 400);
    // Nothing refused was applied.
    for (id, _, _) in &expect {
        assert_eq!(org.site.org_user(id).unwrap().status, "active", "{id}");
    }
    assert_eq!(org.site.org_user(&victim).unwrap().status, "active");
}

#[tokio::test]
async fn a_restore_past_the_licence_limit_is_refused() {
    let config = PracticeConfig::generated(60, 5);
    let probe = PracticeSite::start(config.clone()).await.unwrap();
    let active = probe
        .org_users()
        .iter()
        .filter(|u| u.status == "active")
        .count();
    probe.shutdown().await;
    let org = Org::start(PracticeConfig {
        org_licence_limit: Some(active),
        ..config
    })
    .await;
    let suspended = org
        .site
        .org_users()
        .into_iter()
        .find(|u| u.status == "suspended")
        .expect("a seeded suspended user");
    let (status, err) = org
        .wrote(&org.dir(), &suspended.account_id, "restore")
        .await;
    assert_eq!((status, first_error(&err).1.as_str()), (409, "ADMIN-409-3"));
    assert_eq!(
        org.site.org_user(&suspended.account_id).unwrap().status,
        "suspended"
    );
}

#[tokio::test]
async fn a_write_applied_whose_reply_was_lost_shows_in_a_read() {
    let org = Org::start(PracticeConfig::generated(120, 5)).await;
    org.site.set_faults(Faults {
        p_500: 0.5,
        p_drop: 0.5,
        ..Faults::default()
    });
    let dir = org.dir();
    let (mut applied_unheard, mut refused_unheard) = (0, 0);
    for user in plain(&org.site).iter().take(30) {
        let id = &user.account_id;
        let heard = match org.write(&dir, id, "suspend").await {
            Ok(resp) => Some(resp.status().as_u16()),
            Err(_) => None,
        };
        assert_ne!(heard, Some(204), "every write draws a fault");
        // Reads draw no faults: they settle what happened.
        let (status, now) = org.user("-", id).await;
        assert_eq!(status, 200);
        match now["data"]["membershipStatus"].as_str() {
            Some("suspended") => applied_unheard += 1,
            Some("active") => refused_unheard += 1,
            other => panic!("{other:?}"),
        }
        assert_eq!(org.site.org_writes_of(id), 1);
    }
    assert!(
        applied_unheard > 3 && refused_unheard > 3,
        "{applied_unheard} / {refused_unheard}"
    );
}

#[tokio::test]
async fn two_directories_each_with_its_own_members() {
    let org = Org::start(PracticeConfig {
        org_directories: 2,
        ..PracticeConfig::generated(80, 5)
    })
    .await;
    let dirs = org.site.org_directory_ids();
    assert_eq!(dirs.len(), 2);
    let (_, listed) = org
        .call(org.req(reqwest::Method::GET, &org.v2("/directories?limit=1")))
        .await;
    assert_eq!(listed["data"][0]["name"], "Practice Directory");
    let next = listed["links"]["next"].as_str().unwrap();
    let url = org.v2(&format!("/directories?cursor={next}"));
    let (_, second) = org.call(org.req(reqwest::Method::GET, &url)).await;
    assert_eq!(second["data"][0]["directoryId"], dirs[1].as_str());
    assert!(second["links"].get("next").is_none());
    let members = json!({"membershipStatus": ["active", "suspended"], "limit": 9});
    let mut seen = 0;
    for dir in &dirs {
        let got = org.all(dir, members.clone()).await;
        let want: Vec<String> = org
            .site
            .org_users()
            .into_iter()
            .filter(|u| org.site.org_directory_of(&u.account_id).as_ref() == Some(dir))
            .map(|u| u.account_id)
            .collect();
        assert!(!want.is_empty());
        assert_eq!(got, want);
        seen += got.len();
    }
    assert_eq!(seen, org.site.org_users().len());
    let user = plain(&org.site)
        .into_iter()
        .find(|u| org.site.org_directory_of(&u.account_id).as_ref() == Some(&dirs[1]))
        .unwrap();
    assert_eq!(
        org.wrote(&dirs[0], &user.account_id, "suspend").await.0,
        404
    );
    assert_eq!(org.user(&dirs[0], &user.account_id).await.0, 404);
    assert_eq!(
        org.wrote(&dirs[1], &user.account_id, "suspend").await.0,
        204
    );
    assert_eq!(
        org.site.org_user(&user.account_id).unwrap().status,
        "suspended"
    );
}

#[tokio::test]
async fn a_practice_organization_resumes_across_launches() {
    let tmp = tempfile::tempdir().unwrap();
    let config = PracticeConfig {
        removals_file: Some(tmp.path().join("practice-site-removed.txt")),
        ..PracticeConfig::generated(30, 5)
    };
    let org = Org::start(config.clone()).await;
    let people = plain(&org.site);
    let (dir, a, b) = (
        org.dir(),
        people[0].account_id.clone(),
        people[1].account_id.clone(),
    );
    assert_eq!(org.wrote(&dir, &a, "suspend").await.0, 204);
    assert_eq!(org.wrote(&dir, &b, "remove").await.0, 204);
    let before = org.site.org_users().len();
    org.site.clone().shutdown().await;
    assert!(tmp.path().join("practice-site-removed-org.txt").exists());

    let again = Org::start(config).await;
    assert_eq!(again.site.org_user(&a).unwrap().status, "suspended");
    assert!(again.site.org_user(&b).is_none());
    assert_eq!(again.site.org_users().len(), before);
    assert_eq!(again.wrote(&again.dir(), &a, "restore").await.0, 204);
    assert_eq!(again.site.org_user(&a).unwrap().status, "active");
}
