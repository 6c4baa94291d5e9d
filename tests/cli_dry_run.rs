//! `offboard delete --dry-run` end to end: the real binary against the practice site, its bulk
//! lookups in parallel, its plain progress lines off a terminal, and Ctrl-C cancelling at once.

mod common;

use common::*;
use offboard::practice::PracticeConfig;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

/// Exit code of a cancelled dry run (`EXIT_CANCELLED`).
const CANCELLED: i32 = 130;

/// The site's bulk lookups so far.
fn bulk_lookups(setup: &Setup) -> Vec<offboard::practice::RecordedRequest> {
    let record = setup.site.record();
    record
        .into_iter()
        .filter(|r| r.path.ends_with("/user/bulk"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_of_a_large_site_reports_its_counts_and_says_what_it_did() {
    let mut config = PracticeConfig::generated(1050, 21);
    // Replies take a moment, so several lookups are in flight at once.
    config.latency = Duration::from_millis(20);
    let setup = Setup::start(config).await;
    let out = run(setup.delete_cmd(&["--dry-run"])).await;
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let of_type = |t: &str| {
        let users = &setup.config.users;
        users.iter().filter(|u| u.account_type == t).count() as u64
    };
    let (apps, customers) = (of_type("app"), of_type("customer"));
    let protected = setup.config.site_admins.len() as u64;
    let exists = setup.removable().len() as u64 - customers;
    let c = counts(&out, "exists");
    assert_eq!(
        (
            c["exists"],
            c["already_gone"],
            c["app_accounts"],
            c["customer_accounts"],
            c["protected"]
        ),
        (exists, 0, apps, customers, protected),
        "{stdout}"
    );
    let to_look_up = setup.config.users.len() as u64 - protected;
    // Off a terminal there is no bar: a line as the lookups begin, and one when they end.
    assert!(
        stderr.contains(&format!("Looking up {to_look_up} users in bulk")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("Looked up {to_look_up} users in")),
        "{stderr}"
    );
    assert_eq!(
        bulk_lookups(&setup).len() as u64,
        to_look_up.div_ceil(100),
        "one lookup per hundred users"
    );
    assert!(setup.site.record().iter().all(|r| r.method == "GET"));
    assert!(!setup.journal_dir().exists(), "a dry run creates no run");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_cancels_a_dry_run_at_once_and_no_lookup_follows() {
    let users = 8000;
    let mut config = PracticeConfig::generated(users, 22);
    // Each reply takes long: the lookups in flight when Ctrl-C comes are still unanswered
    // when the CLI exits, unless it waits for them.
    config.latency = Duration::from_secs(1);
    let setup = Setup::start(config).await;
    let mut cmd = setup.delete_cmd(&["--dry-run"]);
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let stderr = Arc::new(Mutex::new(String::new()));
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let collected = stderr.clone();
    let reader = tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            let mut all = collected.lock().unwrap();
            all.push_str(&line);
            all.push('\n');
        }
    });
    // The line comes once the Ctrl-C handler is in place and the lookups begin.
    poll_until(120, "the dry run to start its lookups", || {
        stderr.lock().unwrap().contains("Looking up")
    })
    .await;
    let pid = child.id().unwrap().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = tokio::time::timeout(Duration::from_secs(60), child.wait())
        .await
        .expect("the dry run ended")
        .unwrap();
    let asked = bulk_lookups(&setup);
    reader.await.unwrap();
    let stderr = stderr.lock().unwrap().clone();
    assert_eq!(status.code(), Some(CANCELLED), "{stderr}");
    assert!(
        stderr.contains("Dry run cancelled: nothing was changed."),
        "{stderr}"
    );
    assert!(!stderr.contains("Looked up"), "{stderr}");
    let full = (setup.config.users.len() - setup.config.site_admins.len()).div_ceil(100);
    assert!(
        !asked.is_empty() && asked.len() < full,
        "{} of {full} lookups were sent",
        asked.len()
    );
    assert!(
        asked.iter().any(|r| r.status.is_none()),
        "the CLI did not wait for the lookups in flight"
    );
    assert!(setup.site.record().iter().all(|r| r.method == "GET"));
}
