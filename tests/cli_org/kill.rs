//! An organization run killed with SIGKILL mid-flight, twice, then finished by `offboard
//! resume`: every row decided exactly once, and no account written to again after a write to
//! it took effect (a write in doubt is settled by reading the account back).

use crate::common::*;
use crate::*;
use offboard::practice::PracticeConfig;
use offboard::sweep::read_state;
use std::time::Duration;

/// Suspend requests the site has received.
fn suspends(setup: &Setup) -> usize {
    setup
        .site
        .record()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/suspend"))
        .count()
}

/// Starts `cmd`, kills it with SIGKILL once the site has received `n` suspend requests, and
/// returns how many rows its journal left in doubt (sent, no outcome).
async fn kill_after(setup: &Setup, mut cmd: tokio::process::Command, n: usize) -> usize {
    cmd.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = cmd.spawn().unwrap();
    poll_until(120, &format!("{n} suspend requests"), || {
        suspends(setup) >= n
    })
    .await;
    child.start_kill().unwrap();
    child.wait().await.unwrap();
    read_state(&setup.run_dir()).unwrap().in_doubt.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_org_run_killed_twice_resumes_and_decides_every_row_once() {
    let mut config = PracticeConfig::generated(140, 47);
    // Slow replies keep several writes in flight, so kills land between a write and its outcome.
    config.latency = Duration::from_millis(150);
    config.latency_jitter = Duration::from_millis(50);
    let (setup, plain, csv) = plain_site(config).await;
    assert!(
        plain.len() > 60,
        "enough people for two kills: {}",
        plain.len()
    );
    let csv = csv.to_str().unwrap();
    let first = [
        "--csv",
        csv,
        "--yes",
        "--max-rate",
        "50",
        "--max-in-flight",
        "8",
    ];
    let mut in_doubt = kill_after(&setup, act_cmd(&setup, "suspend", &first), 10).await;
    in_doubt += kill_after(&setup, resume_cmd(&setup, &setup.run_dir()), 40).await;
    assert!(
        in_doubt > 0,
        "a kill landed between a write and its outcome"
    );

    let out = run(resume_cmd(&setup, &setup.run_dir())).await;
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("Resuming run"), "{stderr}");
    let c = counts(&out, "suspended");
    assert_eq!((c["failed"], c["not_attempted"]), (0, 0), "{c:?}");
    let dir = setup.run_dir();
    decided_once(&dir);
    let outcome = outcomes(&dir);
    let writes = org_writes(&setup);
    for id in &plain {
        let now = setup.site.org_user(id).unwrap();
        assert_eq!(now.membership_status, "suspended", "{id}");
        assert_eq!(outcome[id], "suspended", "{id}");
        // Writes cut off unanswered by a kill may be sent again; one that was answered
        // (applied) is the last ever sent.
        let sent = &writes[id];
        let answered = sent.iter().filter(|s| **s == Some(204)).count();
        assert_eq!(answered, 1, "{id}: {sent:?}");
        assert_eq!(sent.last(), Some(&Some(204)), "{id}: {sent:?}");
    }
}
