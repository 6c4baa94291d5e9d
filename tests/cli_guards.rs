//! The guards through the command line, against the practice site over HTTP: an export without
//! admin information warns and the site's live admins stay protected; every removal is checked
//! again afterwards and a user the site still has is reported, never counted as gone.

mod common;

use common::*;
use offboard::practice::PracticeConfig;

const MANAGED: &str = "export-managed-accounts.csv";
const JANA: &str = "712020:0b6f3c51-9d0e-4d57-a3f1-1f6f0b9e2a10";

/// A practice site holding the managed-accounts export's people, Jana in its site-admins group.
async fn managed_site() -> Setup {
    let mut config = PracticeConfig::from_csv(&fixture(MANAGED)).unwrap();
    config.site_admins = vec![JANA.to_owned()];
    let mut setup = Setup::start(config).await;
    setup.csv = fixture(MANAGED);
    setup
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_without_admin_information_warns_and_the_live_site_admin_is_kept() {
    let setup = managed_site().await;
    let dry = run(setup.delete_cmd(&["--dry-run"])).await;
    let (stdout, stderr) = texts(&dry);
    assert_eq!(dry.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("Warning:"), "{stderr}");
    assert!(stderr.contains("no Org role column"), "{stderr}");
    assert!(stderr.contains("live check"), "{stderr}");
    assert!(stdout.contains("protected=1"), "{stdout}");

    let out = run(setup.delete_cmd(&["--yes", "--max-rate", "50"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", texts(&out).1);
    let s = summary(&out);
    assert_eq!((s["removed"], s["skipped"]), (2, 1));
    assert_eq!((s["verified"], s["still_present"]), (2, 0));
    assert_eq!(
        setup.site.deletes_of(JANA),
        0,
        "a DELETE reached the live site admin"
    );
    assert!(setup.site.exists(JANA));
    let rows = results(&setup.run_dir().join("results.csv"));
    let jana = rows.iter().find(|r| r.0 == JANA).unwrap();
    assert_eq!(jana.1, "skipped");
    assert!(jana.3.contains("site-admins"), "{}", jana.3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unlocking_admins_on_the_command_line_reaches_the_live_admin_too() {
    let setup = managed_site().await;
    let out = run(setup.delete_cmd(&["--yes", "--unlock-admins"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", texts(&out).1);
    assert_eq!(summary(&out)["removed"], 3);
    assert_eq!(setup.site.deletes_of(JANA), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_still_there_after_a_removed_reply_is_reported_and_fails_the_run() {
    let mut config = PracticeConfig::generated(40, 5);
    let survivor = config
        .users
        .iter()
        .find(|u| {
            u.account_type == "atlassian"
                && u.account_id != config.caller_account_id
                && !config.site_admins.contains(&u.account_id)
        })
        .unwrap()
        .account_id
        .clone();
    config.keep_after_delete = vec![survivor.clone()];
    let setup = Setup::start(config).await;
    let out = run(setup.delete_cmd(&["--yes", "--max-rate", "50"])).await;
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let s = summary(&out);
    assert_eq!(s["still_present"], 1);
    assert_eq!(s["verified"], s["removed"] + s["already_gone"] - 1);
    assert!(stderr.contains("still on the site: 1"), "{stderr}");
    let mut r = csv::Reader::from_path(setup.run_dir().join("results.csv")).unwrap();
    let row = r
        .records()
        .map(|x| x.unwrap())
        .find(|x| x[0] == *survivor)
        .unwrap();
    assert_eq!((&row[3], &row[7]), ("removed", "no: still on the site"));
}

/// `offboard delete --dry-run` on `setup`'s site as `email` with `token`.
fn dry_run_as(setup: &Setup, email: &str, token: &str) -> tokio::process::Command {
    let mut cmd = setup.cmd();
    cmd.env("OFFBOARD_API_TOKEN", token)
        .args(["delete", "--dry-run", "--site", &setup.site.url()])
        .args(["--email", email, "--csv"])
        .arg(&setup.csv)
        .arg("--journal-dir")
        .arg(setup.journal_dir());
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connecting_names_a_scoped_token_and_warns_an_account_outside_site_admins() {
    let mut config = PracticeConfig::generated(10, 2);
    config.scoped_tokens = vec!["scoped-token".into()];
    let setup = Setup::start(config).await;
    let admin = setup.config.admin_email.clone();
    let out = run(dry_run_as(&setup, &admin, "scoped-token")).await;
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("token with scopes"), "{stderr}");
    assert!(
        stderr.contains("https://id.atlassian.com/manage-profile/security/api-tokens"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("scoped-token"),
        "the token is never echoed: {stderr}"
    );

    let (member, token) = (&setup.config.weak_email, &setup.config.weak_token);
    let out = run(dry_run_as(&setup, member, token)).await;
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("Warning: This account is not in your site's site-admins group"),
        "{stderr}"
    );
    let out = run(dry_run_as(&setup, &admin, &setup.config.admin_token)).await;
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("Warning: This account"), "{stderr}");
    assert!(setup.site.record().iter().all(|r| r.method == "GET"));
}
