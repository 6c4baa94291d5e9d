//! `offboard org users`: every page read, filters, the CSV it writes read back as an export,
//! and an organization with several directories.

use crate::common::*;
use crate::{counts, no_writes, org_cmd};
use offboard::atlassian::org::OrgUser;
use offboard::practice::PracticeConfig;
use std::collections::BTreeSet;

/// Not active in Jira since 2026-03-01 (never active counts), computed from the site's own
/// description of the user.
fn inactive_in_jira(u: &OrgUser) -> bool {
    u.product_access
        .iter()
        .filter(|p| p.key == "jira" || p.key.starts_with("jira-"))
        .filter_map(|p| p.last_active_timestamp.as_deref())
        .all(|t| &t[..10] < "2026-03-01")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_is_read_filtered_by_last_activity_and_written_as_a_readable_export() {
    let setup = Setup::start(PracticeConfig::generated(260, 5)).await;
    let expected: BTreeSet<String> = setup
        .site
        .org_users()
        .into_iter()
        .filter(|u| u.status == "active" && inactive_in_jira(u))
        .map(|u| u.account_id)
        .collect();
    let all_active = setup
        .site
        .org_users()
        .iter()
        .filter(|u| u.status == "active")
        .count();
    assert!(
        !expected.is_empty() && expected.len() < all_active,
        "the filter keeps some and drops some: {} of {all_active}",
        expected.len()
    );

    let file = setup.tmp.path().join("inactive.csv");
    let mut cmd = org_cmd(&setup, "users");
    cmd.args(["--inactive-since", "jira:2026-03-01", "--status", "active"])
        .arg("--csv-out")
        .arg(&file);
    let out = run(cmd).await;
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("Practice Organization"), "{stderr}");
    let searches = setup
        .site
        .record()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/users/search"))
        .count();
    assert!(
        searches >= 3,
        "260 people need three pages of 100: {searches}"
    );
    assert_eq!(counts(&out, "users")["users"], expected.len() as u64);

    // The file opens again as an export: the same people, by account id.
    let roster = offboard::roster::import_file(&file).unwrap();
    let read: BTreeSet<String> = roster.users.iter().map(|u| u.account_id.clone()).collect();
    assert_eq!(read, expected);

    // The table holds the same people, one line each, with the header.
    let mut cmd = org_cmd(&setup, "users");
    cmd.args(["--inactive-since", "jira:2026-03-01", "--status", "active"]);
    let out = run(cmd).await;
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stdout.lines().count(), expected.len() + 1, "{stdout}");
    assert!(stdout.lines().next().unwrap().starts_with("account id"));
    for id in &expected {
        assert!(stdout.contains(id.as_str()), "{id} missing from the table");
    }
    assert!(no_writes(&setup), "listing users writes nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_and_synced_filters_split_the_directory() {
    let setup = Setup::start(PracticeConfig::generated(60, 9)).await;
    let members = setup.site.org_users();
    for (flag, want) in [
        (
            "--admins",
            members
                .iter()
                .filter(|u| !u.admin_roles().is_empty())
                .count(),
        ),
        ("--synced", members.iter().filter(|u| u.is_synced()).count()),
    ] {
        let file = setup.tmp.path().join(format!("{flag}.csv"));
        let mut cmd = org_cmd(&setup, "users");
        cmd.arg(flag).arg("--csv-out").arg(&file);
        let out = run(cmd).await;
        assert_eq!(out.status.code(), Some(0), "{}", texts(&out).1);
        assert!(want > 0, "the seed has people for {flag}");
        assert_eq!(counts(&out, "users")["users"], want as u64, "{flag}");
    }
    let mut cmd = org_cmd(&setup, "users");
    cmd.args(["--inactive-since", "jira:March"]);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(texts(&out).1.contains("YYYY-MM-DD"), "{}", texts(&out).1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_directories_need_one_chosen_and_are_listed_by_name_and_id() {
    let mut config = PracticeConfig::generated(30, 3);
    config.org_directories = 2;
    let setup = Setup::start(config).await;
    let out = run(org_cmd(&setup, "users")).await;
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--directory"), "{stderr}");
    let ids = setup.site.org_directory_ids();
    assert_eq!(ids.len(), 2);
    for id in &ids {
        assert!(stderr.contains(id.as_str()), "{id}: {stderr}");
    }
    assert!(stderr.contains("Practice Directory") && stderr.contains("Contractors Directory"));
    assert!(
        !setup
            .site
            .record()
            .iter()
            .any(|r| r.path.ends_with("/users/search")),
        "no user was read before a directory was chosen"
    );

    // By name: only that directory's members (and accounts without membership) are listed.
    let mut cmd = org_cmd(&setup, "users");
    cmd.args(["--directory", "contractors directory", "--status", "active"]);
    let out = run(cmd).await;
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    for u in setup
        .site
        .org_users()
        .iter()
        .filter(|u| u.status == "active")
    {
        let there = setup.site.org_directory_of(&u.account_id) == Some(ids[1].clone());
        assert_eq!(stdout.contains(&u.account_id), there, "{}", u.account_id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_cancels_loading_and_keeps_nothing() {
    let mut config = PracticeConfig::generated(600, 11);
    // Slow pages: the load is still reading when Ctrl-C comes.
    config.latency = std::time::Duration::from_millis(300);
    let setup = Setup::start(config).await;
    let searches = || {
        let record = setup.site.record();
        record
            .iter()
            .filter(|r| r.path.ends_with("/users/search"))
            .count()
    };
    let file = setup.tmp.path().join("never.csv");
    let mut cmd = org_cmd(&setup, "users");
    cmd.arg("--csv-out")
        .arg(&file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    let pid = child.id().unwrap().to_string();
    poll_until(60, "the first page asked", || searches() >= 1).await;
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = tokio::time::timeout(std::time::Duration::from_secs(60), child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("cancelled"), "{stderr}");
    assert!(searches() < 7, "the load stopped before its last page");
    assert!(!file.exists(), "nothing was written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_goes_only_to_atlassians_api_or_this_computer() {
    let setup = Setup::start(PracticeConfig::generated(10, 13)).await;
    for api in [
        "https://api.atlassian.com.evil.example",
        "http://10.0.0.1:8080",
    ] {
        let mut cmd = setup.cmd();
        cmd.env("OFFBOARD_ORG_API_KEY", &setup.config.org_api_key)
            .args(["org", "users", "--org", &setup.site.org_id(), "--api", api]);
        let out = run(cmd).await;
        let (_, stderr) = texts(&out);
        assert_eq!(out.status.code(), Some(2), "{api}: {stderr}");
        assert!(stderr.contains("organization API"), "{stderr}");
    }
    let mut cmd = setup.cmd();
    cmd.env("OFFBOARD_ORG_API_KEY", &setup.config.org_api_key)
        .args(["org", "users", "--org", "acme", "--api", &setup.site.url()]);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        texts(&out).1.contains("not an organization id"),
        "{}",
        texts(&out).1
    );
    assert!(setup.site.record().is_empty(), "nothing was sent");
}
