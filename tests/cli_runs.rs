//! The `offboard` CLI end to end against the practice site over real HTTP on 127.0.0.1:
//! clean run, dry run, 429 storm, fault mix, 401/403 mid-run, protected rows, bad input.

mod common;

use common::*;
use offboard::practice::{Faults, PracticeConfig};
use std::collections::HashMap;
use std::time::Duration;

fn deletes(setup: &Setup) -> Vec<offboard::practice::RecordedRequest> {
    setup
        .site
        .record()
        .into_iter()
        .filter(|r| r.method == "DELETE")
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_run_removes_every_removable_user_once() {
    let setup = Setup::start(PracticeConfig::generated(120, 1)).await;
    let results_file = setup.tmp.path().join("results.csv");
    let out = run(setup.delete_cmd(&[
        "--yes",
        "--max-rate",
        "50",
        "--results",
        results_file.to_str().unwrap(),
    ]))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", texts(&out).1);
    let removable = setup.removable();
    let s = summary(&out);
    assert_eq!(s["removed"], removable.len() as u64);
    let admins = &setup.config.site_admins;
    assert!(admins.contains(&setup.config.caller_account_id));
    assert_eq!(
        s["skipped"],
        admins.len() as u64,
        "the caller and the site's live admins"
    );
    assert_eq!(s["failed"] + s["not_attempted"], 0);
    for id in &removable {
        assert!(!setup.site.exists(id), "{id} still on the site");
        assert_eq!(setup.site.deletes_of(id), 1);
    }
    assert_eq!(setup.site.deletes_of(&setup.config.caller_account_id), 0);
    // Every request identified itself and used the admin's login.
    for r in setup.site.record() {
        assert_eq!(r.authorized_as.as_deref(), Some("admin@example.com"));
        assert!(r
            .user_agent
            .as_deref()
            .unwrap_or_default()
            .starts_with("Offboard/"));
    }
    // The results file agrees with the site, row for row.
    let rows = results(&results_file);
    assert_eq!(rows.len(), setup.config.users.len());
    for (id, outcome, status, _) in &rows {
        let expected = if removable.contains(id) {
            ("removed", "204")
        } else if admins.contains(id) {
            ("skipped", "")
        } else {
            ("cannot_remove", "400")
        };
        assert_eq!((outcome.as_str(), status.as_str()), expected, "row {id}");
    }
    assert_eq!(
        std::fs::read(&results_file).unwrap(),
        std::fs::read(setup.run_dir().join("results.csv")).unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_sends_no_delete() {
    let setup = Setup::start(PracticeConfig::generated(80, 2)).await;
    let out = run(setup.delete_cmd(&["--dry-run"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", texts(&out).1);
    assert!(
        deletes(&setup).is_empty(),
        "the dry run must not remove anyone"
    );
    let of_type = |t: &str| {
        setup
            .config
            .users
            .iter()
            .filter(|u| u.account_type == t)
            .count()
    };
    let (apps, customers) = (of_type("app"), of_type("customer"));
    assert!(
        apps > 0 && customers > 0,
        "the generated site has both kinds"
    );
    let (stdout, _) = texts(&out);
    let exists = setup.removable().len() - customers;
    // Protected: the caller and the other members of the site's live site-admins group.
    let protected = setup.config.site_admins.len();
    let expected = format!("exists={exists} already_gone=0 app_accounts={apps} customer_accounts={customers} protected={protected}");
    assert!(stdout.contains(&expected), "{stdout}");
    assert!(!setup.journal_dir().exists(), "a dry run creates no run");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_removes_everyone_and_honours_the_waits() {
    let mut config = PracticeConfig::generated(150, 3);
    config.rate_per_sec = Some(10.0);
    config.burst = Some(5);
    config.retry_after_secs = 1;
    let setup = Setup::start(config).await;
    let out = run(setup.delete_cmd(&["--yes", "--max-rate", "50", "--max-in-flight", "8"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", texts(&out).1);
    let removable = setup.removable();
    assert_eq!(summary(&out)["removed"], removable.len() as u64);
    assert!(removable.iter().all(|id| !setup.site.exists(id)));
    let all = deletes(&setup);
    let throttled: Vec<u64> = all
        .iter()
        .filter(|r| r.status == Some(429))
        .map(|r| r.at_ms)
        .collect();
    assert!(!throttled.is_empty(), "the storm happened");
    // After a 429, nothing new is sent before Retry-After is over. Only requests sent before the
    // 429 reached the client may still arrive (the other 7 in flight, plus what the pacer let out
    // while a loaded machine delivered the 429); without the pause, about 50 would at 50/s.
    for t in &throttled {
        let early = all
            .iter()
            .filter(|r| r.at_ms > *t && r.at_ms < t + 1000)
            .count();
        assert!(
            early <= 12,
            "{early} requests arrived during the wait after the 429 at {t} ms"
        );
    }
    // Backing off works: far fewer 429s than removals.
    assert!(
        throttled.len() < removable.len() / 2,
        "{} 429s for {} users",
        throttled.len(),
        removable.len()
    );
    assert!(texts(&out).1.contains("Atlassian asked us to slow down"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fault_mix_loses_nothing() {
    let mut config = PracticeConfig::generated(200, 4);
    config.retry_after_secs = 1;
    config.faults = Faults {
        p_503_retry_after: 0.05,
        p_503_bare: 0.05,
        p_500: 0.05,
        p_drop: 0.05,
        p_slow: 0.03,
        slow_delay: Duration::from_millis(1500),
    };
    let setup = Setup::start(config).await;
    let out = run(setup.delete_cmd(&["--yes", "--max-rate", "50", "--timeout", "0.5"])).await;
    let code = out.status.code();
    assert!(code == Some(0) || code == Some(1), "{}", texts(&out).1);
    let rows = results(&setup.run_dir().join("results.csv"));
    assert_eq!(rows.len(), setup.config.users.len(), "one outcome per row");
    let outcome: HashMap<_, _> = rows
        .iter()
        .map(|(id, o, _, _)| (id.clone(), o.clone()))
        .collect();
    let all = deletes(&setup);
    assert!(
        all.iter().any(|r| r.status.is_none()),
        "some connections were dropped"
    );
    assert!(all.iter().any(|r| r.status == Some(500)));
    for id in setup.removable() {
        // What the results say matches what the site did.
        match outcome[&id].as_str() {
            "removed" => assert!(
                !setup.site.exists(&id),
                "{id} reported removed but still there"
            ),
            "failed" => {}
            other => panic!("{id}: unexpected outcome {other}"),
        }
        if setup.site.exists(&id) {
            assert_eq!(
                outcome[&id], "failed",
                "{id} is still on the site, so it must be reported failed"
            );
        }
    }
    let removed = rows.iter().filter(|r| r.1 == "removed").count();
    assert!(
        removed as f64 >= setup.removable().len() as f64 * 0.97,
        "retries recovered almost every row ({removed})"
    );
    assert_eq!(summary(&out)["removed"], removed as u64);
}

async fn stops_on(config: PracticeConfig, status: u16) {
    let setup = Setup::start(config).await;
    let out = run(setup.delete_cmd(&["--yes", "--max-in-flight", "1"])).await;
    assert_eq!(out.status.code(), Some(3), "{}", texts(&out).1);
    let all = deletes(&setup);
    let first_bad = all
        .iter()
        .position(|r| r.status == Some(status))
        .expect("the site rejected a request");
    assert_eq!(
        first_bad,
        all.len() - 1,
        "no DELETE after the first {status}"
    );
    assert_eq!(all.len(), 11);
    let s = summary(&out);
    assert_eq!(s["removed"], 10);
    assert_eq!(s["failed"], 1);
    assert!(s["not_attempted"] > 0);
    assert!(
        texts(&out).1.contains(&format!("HTTP {status}")),
        "the admin is told why"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_mid_run_stops_it_at_once() {
    let mut config = PracticeConfig::generated(60, 5);
    config.revoke_token_after_deletes = Some(10);
    stops_on(config, 401).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_403_mid_run_stops_it_at_once() {
    let mut config = PracticeConfig::generated(60, 6);
    config.demote_after_deletes = Some(10);
    stops_on(config, 403).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn you_and_your_admins_are_refused_unless_admins_are_unlocked() {
    let csv = fixture("export-plain.csv");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture("export-plain.manifest.json")).unwrap())
            .unwrap();
    let ids = |k: &str| -> Vec<String> {
        manifest[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    let caller = manifest["caller_id"].as_str().unwrap().to_owned();
    for unlock in [false, true] {
        let config = PracticeConfig::from_csv(&csv).unwrap();
        let setup = Setup::start(config).await;
        std::fs::copy(&csv, &setup.csv).unwrap();
        let mut extra = vec!["--yes"];
        if unlock {
            extra.push("--unlock-admins");
        }
        let out = run(setup.delete_cmd(&extra)).await;
        assert_eq!(out.status.code(), Some(0), "{}", texts(&out).1);
        assert_eq!(setup.site.deletes_of(&caller), 0, "never the caller");
        for admin in ids("org_admins").iter().filter(|a| **a != caller) {
            assert_eq!(
                setup.site.deletes_of(admin),
                usize::from(unlock),
                "admin {admin}, unlock={unlock}"
            );
        }
        for member in ids("members") {
            assert!(!setup.site.exists(&member));
        }
        let rows = results(&setup.run_dir().join("results.csv"));
        let me = rows.iter().find(|r| r.0 == caller).unwrap();
        assert_eq!(me.1, "skipped");
        assert!(me.3.contains("your own account"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_clear_message_exit_2_and_no_request() {
    let setup = Setup::start(PracticeConfig::generated(20, 7)).await;
    let url = setup.site.url();
    let legacy = fixture("export-legacy-pre2021.csv");
    let cases: Vec<(Vec<String>, Option<&str>, &str)> = vec![
        (
            vec!["--csv".into(), legacy.display().to_string(), "--yes".into()],
            None,
            "account id",
        ),
        (
            vec![
                "--csv".into(),
                "/nonexistent/export.csv".into(),
                "--yes".into(),
            ],
            None,
            "/nonexistent/export.csv",
        ),
        (
            vec![
                "--csv".into(),
                setup.csv.display().to_string(),
                "--max-rate".into(),
                "80".into(),
                "--yes".into(),
            ],
            None,
            "between",
        ),
        // No confirmation possible without a terminal.
        (
            vec!["--csv".into(), setup.csv.display().to_string()],
            None,
            "--yes",
        ),
        // No token anywhere.
        (
            vec![
                "--csv".into(),
                setup.csv.display().to_string(),
                "--yes".into(),
            ],
            Some(""),
            "no API token",
        ),
        // A wrong token: the connection check fails before anything else.
        (
            vec![
                "--csv".into(),
                setup.csv.display().to_string(),
                "--yes".into(),
            ],
            Some("wrong-token"),
            "401",
        ),
    ];
    for (args, token, needle) in cases {
        let mut cmd = setup.cmd();
        cmd.args([
            "delete",
            "--site",
            &url,
            "--email",
            "admin@example.com",
            "--journal-dir",
        ])
        .arg(setup.journal_dir())
        .args(&args);
        match token {
            Some("") => {
                cmd.env_remove("OFFBOARD_API_TOKEN");
            }
            Some(t) => {
                cmd.env("OFFBOARD_API_TOKEN", t);
            }
            None => {}
        }
        let out = run(cmd).await;
        let expected = if needle == "401" { 3 } else { 2 };
        assert_eq!(
            out.status.code(),
            Some(expected),
            "{args:?}: {}",
            texts(&out).1
        );
        assert!(
            texts(&out).1.contains(needle),
            "{args:?}: message should mention {needle:?}: {}",
            texts(&out).1
        );
    }
    // A site that is not Atlassian's, and plain http to a remote host, are refused before any request.
    for site in [
        "https://evil.example.com",
        "http://acme.atlassian.net",
        "acme.atlassian.net.evil.com",
    ] {
        let mut cmd = setup.cmd();
        cmd.args([
            "delete",
            "--site",
            site,
            "--email",
            "admin@example.com",
            "--csv",
        ])
        .arg(&setup.csv)
        .arg("--yes");
        let out = run(cmd).await;
        assert_eq!(out.status.code(), Some(2), "{site}");
    }
    assert!(
        deletes(&setup).is_empty(),
        "bad input never reaches the site"
    );
    assert!(!setup.journal_dir().exists(), "and creates no run");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_appears_in_no_file_or_output_of_a_run() {
    let mut config = PracticeConfig::generated(40, 8);
    config.admin_token = format!("ATATT-leakcheck-{}", uuid::Uuid::new_v4().simple());
    config.faults = Faults {
        p_500: 0.2,
        p_drop: 0.1,
        ..Faults::default()
    };
    let setup = Setup::start(config).await;
    let mut cmd = setup.delete_cmd(&["--yes", "--max-rate", "50"]);
    cmd.env("OFFBOARD_LOG", "trace");
    let out = run(cmd).await;
    assert!(out.status.code() == Some(0) || out.status.code() == Some(1));
    let token = setup.config.admin_token.as_bytes();
    let (stdout, stderr) = texts(&out);
    assert!(
        !stdout.contains(&setup.config.admin_token) && !stderr.contains(&setup.config.admin_token)
    );
    let mut scanned = 0;
    for entry in files_under(setup.tmp.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !bytes.windows(token.len()).any(|w| w == token),
            "token found in {}",
            entry.display()
        );
        scanned += 1;
    }
    assert!(
        scanned >= 3,
        "the run's plan, journal and results were scanned ({scanned} files)"
    );
}
