//! The practice site's site-admins group, its refusals, and the "kept after a 204" knob.

use super::*;

/// An admin `GET group/member` with these query pairs (api version 3).
async fn group(
    site: &PracticeSite,
    query: &[(&str, &str)],
    login: Option<(&str, &str)>,
) -> Response {
    let mut req = client()
        .get(format!("{}/rest/api/3/group/member", site.url()))
        .query(query);
    if let Some((email, token)) = login {
        req = req.basic_auth(email, Some(token));
    }
    req.send().await.unwrap()
}

/// The real site client, signed in as the practice admin.
fn site_client(site: &PracticeSite) -> SiteClient {
    let target = Site::parse(&site.url()).unwrap();
    let token = ApiToken::new(ADMIN.1);
    SiteClient::new(target, ADMIN.0, token, ClientConfig::default()).unwrap()
}

fn member_ids(body: &Value) -> Vec<String> {
    let values = body["values"].as_array().unwrap();
    values
        .iter()
        .map(|u| u["accountId"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_site_admins_group_pages_like_jira() {
    let mut config = PracticeConfig::generated(150, 20);
    // The caller leads the generated users, so these 120 include it.
    let admins: Vec<String> = config.users[..120]
        .iter()
        .map(|u| u.account_id.clone())
        .collect();
    let active = config.users[..120].iter().filter(|u| u.active).count();
    assert!(active < 120, "the mix should hold inactive members");
    config.site_admins = admins.clone();
    let site = site(config).await;
    let mut got = Vec::new();
    for (start, size, last) in [("0", 50, false), ("50", 50, false), ("100", 20, true)] {
        let query = [
            ("groupname", "site-admins"),
            ("includeInactiveUsers", "true"),
            ("startAt", start),
        ];
        let body: Value = group(&site, &query, Some(ADMIN))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            (body["total"].as_u64(), body["maxResults"].as_u64()),
            (Some(120), Some(50))
        );
        assert_eq!(body["isLast"], last, "{body}");
        assert_eq!(body["values"].as_array().unwrap().len(), size);
        assert!(body["self"]
            .as_str()
            .unwrap()
            .contains(&format!("startAt={start}")));
        let next = body["nextPage"].as_str();
        assert_eq!(next.is_none(), last, "{body}");
        if let Some(next) = next {
            let want = format!("startAt={}", start.parse::<usize>().unwrap() + 50);
            assert!(
                next.starts_with(&site.url()) && next.contains(&want),
                "{next}"
            );
        }
        assert_eq!(body["values"][0]["accountType"], "atlassian");
        got.extend(member_ids(&body));
    }
    assert_eq!(got, admins);
    // Inactive members only when asked for; maxResults is capped at 50; names ignore case.
    let body: Value = group(
        &site,
        &[("groupname", "Site-Admins"), ("maxResults", "500")],
        Some(ADMIN),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(body["total"].as_u64(), Some(active as u64));
    assert_eq!(body["maxResults"], 50);
    // The real client reads the same group through every page.
    assert_eq!(
        site_client(&site).site_admins().await.unwrap(),
        Some(admins)
    );
    let missing = group(&site, &[("startAt", "0")], Some(ADMIN)).await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    assert!(error_messages(missing).await.contains("groupname"));
    let other = group(&site, &[("groupname", "jira-admins")], Some(ADMIN)).await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    let v2 = format!("/rest/api/2/group/member?groupname={}", SITE_ADMINS_GROUP);
    assert_eq!(status(&site, &v2).await, 200);
    let last = site.record().pop().unwrap();
    assert_eq!(
        (last.method.as_str(), last.path.as_str()),
        ("GET", "/rest/api/2/group/member")
    );
    assert_eq!((last.account_id, last.status), (None, Some(200)));
}

#[tokio::test]
async fn a_groupless_site_answers_404_and_the_group_needs_a_login() {
    let config = PracticeConfig {
        groupless: true,
        ..PracticeConfig::generated(10, 21)
    };
    let site = site(config).await;
    let query = [("groupname", SITE_ADMINS_GROUP)];
    let gone = group(&site, &query, Some(ADMIN)).await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        error_messages(gone).await,
        "The group site-admins does not exist."
    );
    assert_eq!(site_client(&site).site_admins().await.unwrap(), None);
    let anonymous = group(&site, &query, None).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let wrong = group(&site, &query, Some((ADMIN.0, "nope"))).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let statuses: Vec<_> = site
        .record()
        .iter()
        .map(|r| (r.status, r.authorized_as.clone()))
        .collect();
    let admin = Some(ADMIN.0.to_string());
    assert_eq!(
        statuses,
        [
            (Some(404), admin.clone()),
            (Some(404), admin),
            (Some(401), None),
            (Some(401), None)
        ]
    );
}

#[tokio::test]
async fn a_kept_user_gets_204_but_is_still_there() {
    let config = PracticeConfig::generated(20, 22);
    let ids = people(&config);
    let (kept, removed) = (ids[0].clone(), ids[1].clone());
    let config = PracticeConfig {
        keep_after_delete: vec![kept.clone()],
        site_admins: vec![kept.clone(), removed.clone()],
        ..config
    };
    let site = site(config).await;
    for _ in 0..2 {
        assert_eq!(del(&site, &kept).await, 204);
    }
    assert_eq!(del(&site, &removed).await, 204);
    assert!(site.exists(&kept) && !site.exists(&removed));
    assert_eq!(site.applied_deletes(), 1);
    assert_eq!(site.deletes_of(&kept), 2);
    let user = json(&site, &format!("/rest/api/3/user?accountId={kept}")).await;
    assert_eq!(user["accountId"], kept.as_str());
    let body: Value = bulk(&site, &ids_query(&[kept.clone(), removed.clone()]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(member_ids(&body), [kept.as_str()]);
    let client = site_client(&site);
    let found = client
        .users_bulk(&[kept.clone(), removed.clone()])
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    // The group follows the site: the removed admin left it, the kept one did not.
    assert_eq!(
        client.site_admins().await.unwrap(),
        Some(vec![CALLER.to_string(), kept.clone()])
    );
    let deletes: Vec<_> = site
        .record()
        .into_iter()
        .filter(|r| r.method == "DELETE")
        .map(|r| (r.account_id.unwrap(), r.status))
        .collect();
    assert_eq!(
        deletes,
        [
            (kept.clone(), Some(204)),
            (kept, Some(204)),
            (removed, Some(204))
        ]
    );
}

#[tokio::test]
async fn generated_admins_are_in_the_group_and_the_sample_tells_part_of_it() {
    let config = PracticeConfig::generated(300, 7);
    let chosen = practice_admin_ids(&config);
    let (group_only, live_only) = (
        chosen.group_only.clone().unwrap(),
        chosen.live_only.clone().unwrap(),
    );
    let mut expected: Vec<String> = chosen.org_admins.clone();
    expected.extend([CALLER.to_string(), group_only.clone(), live_only.clone()]);
    expected.sort();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sample.csv");
    write_sample_export(&config.users, &config.caller_account_id, config.seed, &path).unwrap();
    let site = site(config).await;
    let mut live = site_client(&site).site_admins().await.unwrap().unwrap();
    live.sort();
    assert_eq!(live, expected);

    let roster = offboard::roster::import_file(&path).unwrap();
    let row = |id: &str| {
        roster
            .users
            .iter()
            .find(|u| u.account_id == id)
            .unwrap()
            .clone()
    };
    let in_admin_group = |id: &str| row(id).groups.iter().any(|g| g == SITE_ADMINS_GROUP);
    for id in chosen.org_admins.iter().map(String::as_str).chain([CALLER]) {
        assert_eq!(row(id).org_role, "Organization admin", "{id}");
        assert!(in_admin_group(id), "{id}");
    }
    for id in [&group_only, &live_only] {
        assert_eq!(row(id).org_role, "", "{id}");
    }
    assert!(in_admin_group(&group_only));
    assert!(!in_admin_group(&live_only));
    let listed: Vec<&str> = roster
        .users
        .iter()
        .filter(|u| u.groups.iter().any(|g| g == SITE_ADMINS_GROUP) && u.org_role.is_empty())
        .map(|u| u.account_id.as_str())
        .collect();
    assert_eq!(
        listed,
        [group_only.as_str()],
        "exactly the group-only admin"
    );
}

#[derive(clap::Parser)]
struct PracticeSiteCommand {
    #[command(flatten)]
    args: PracticeSiteArgs,
}

fn practice_args(argv: &[&str]) -> PracticeSiteArgs {
    let argv = std::iter::once("practice-site").chain(argv.iter().copied());
    <PracticeSiteCommand as clap::Parser>::try_parse_from(argv)
        .unwrap()
        .args
}

#[tokio::test]
async fn the_command_line_sets_the_group_and_the_kept_users() {
    let generated = PracticeConfig::generated(20, 4);
    let (extra, kept) = (people(&generated)[0].clone(), people(&generated)[1].clone());
    let args = [
        "--users",
        "20",
        "--seed",
        "4",
        "--site-admin",
        &extra,
        "--keep-after-delete",
        &kept,
    ];
    let config = practice_args(&args).to_config().unwrap();
    assert_eq!(
        config.site_admins[..generated.site_admins.len()],
        generated.site_admins
    );
    assert_eq!(config.site_admins.last(), Some(&extra));
    assert_eq!(
        (config.keep_after_delete, config.groupless),
        (vec![kept], false)
    );
    assert!(
        practice_args(&["--no-site-admins-group"])
            .to_config()
            .unwrap()
            .groupless
    );

    // With an export, the group is the caller plus the ids given.
    let export = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/export-plain.csv");
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(export.with_file_name("export-plain.manifest.json")).unwrap(),
    )
    .unwrap();
    let member = manifest["members"][0].as_str().unwrap();
    let args = [
        "--users-from-csv",
        export.to_str().unwrap(),
        "--site-admin",
        member,
    ];
    let site = site(practice_args(&args).to_config().unwrap()).await;
    let mut live = site_client(&site).site_admins().await.unwrap().unwrap();
    live.sort();
    let mut want = vec![manifest["caller_id"].as_str().unwrap(), member];
    want.sort();
    assert_eq!(live, want);

    // An id the site does not hold is refused before anything is served.
    let args = ["--users", "3", "--site-admin", "712020:nobody"];
    let refused = PracticeSite::start(practice_args(&args).to_config().unwrap()).await;
    let message = refused.unwrap_err().to_string();
    assert!(
        message.contains("712020:nobody") && message.contains("site-admin"),
        "{message}"
    );
}
