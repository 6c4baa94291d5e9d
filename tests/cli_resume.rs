//! A CLI run killed with SIGKILL mid-flight, again and again, and resumed each time: every row is
//! decided exactly once, and the site never sees a DELETE for a row already decided.

mod common;
#[path = "cli_resume/log_file.rs"]
mod log_file;

use common::*;
use offboard::practice::PracticeConfig;
use offboard::sweep::{read_state, JOURNAL_FILE};
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_at_any_instant_resumes_without_losing_or_repeating_a_decision() {
    let mut config = PracticeConfig::generated(240, 11);
    // Slow replies keep several removals in flight, so kills land between a DELETE and its outcome.
    config.latency = Duration::from_millis(120);
    config.latency_jitter = Duration::from_millis(60);
    let setup = Setup::start(config).await;
    let mut in_doubt_seen = 0;
    let mut decided_before: BTreeSet<usize> = BTreeSet::new();
    let mut checked_from = 0usize;
    for (session, kill_at) in [10usize, 60, 120].into_iter().enumerate() {
        let mut cmd = if session == 0 {
            setup.delete_cmd(&["--yes", "--max-rate", "50", "--max-in-flight", "8"])
        } else {
            let mut c = setup.cmd();
            c.arg("resume")
                .arg(setup.run_dir())
                .args(["--backoff-base-ms", "50"]);
            c
        };
        let mut child = cmd
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        poll_until(120, &format!("the site to get {kill_at} DELETEs"), || {
            let record = setup.site.record();
            record.iter().filter(|r| r.method == "DELETE").count() >= kill_at
        })
        .await;
        child.start_kill().unwrap(); // SIGKILL
        child.wait().await.unwrap();

        // No DELETE since the last kill was for a row decided before it.
        checked_from = setup.no_delete_for_decided_rows(checked_from, &decided_before);
        let dir = setup.run_dir();
        let state = read_state(&dir).unwrap();
        in_doubt_seen += state.in_doubt.len();
        decided_before = state.decided.keys().copied().collect();
    }
    assert!(
        in_doubt_seen > 0,
        "at least one kill landed between a DELETE and its outcome"
    );

    let mut cmd = setup.cmd();
    cmd.arg("resume")
        .arg(setup.run_dir())
        .args(["--backoff-base-ms", "50"]);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(0), "{}", texts(&out).1);
    let dir = setup.run_dir();
    setup.no_delete_for_decided_rows(checked_from, &decided_before);
    let plan = offboard::sweep::read_plan(&dir).unwrap();

    // Every row decided exactly once in the journal.
    let journal = std::fs::read_to_string(dir.join(JOURNAL_FILE)).unwrap();
    let mut decisions: HashMap<usize, usize> = HashMap::new();
    for line in journal.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["type"] == "outcome" {
            *decisions
                .entry(v["row"].as_u64().unwrap() as usize)
                .or_default() += 1;
        }
    }
    assert_eq!(decisions.len(), plan.rows.len());
    assert!(
        decisions.values().all(|n| *n == 1),
        "a row was decided twice"
    );

    // Nothing lost: every removable user is gone and reported removed (never "already gone",
    // since every one of them existed when the run began).
    let rows = results(&dir.join("results.csv"));
    let outcome: HashMap<_, _> = rows.iter().map(|r| (r.0.clone(), r.1.clone())).collect();
    for id in setup.removable() {
        assert!(!setup.site.exists(&id), "{id} is still on the site");
        assert_eq!(outcome[&id], "removed", "{id}");
    }
    assert_eq!(summary(&out)["removed"], setup.removable().len() as u64);
}

/// `offboard runs | head`: a reader that goes away early ends the listing quietly, without the
/// panic `println!` gives on a closed pipe.
#[test]
fn the_history_listing_stops_quietly_when_its_reader_goes_away() {
    use offboard::sweep::{Plan, PlanRow, Run};
    let journal_dir = tempfile::tempdir().unwrap();
    for i in 0..3 {
        let rows = (0..2).map(|r| PlanRow {
            account_id: format!("5b10ac8d82e05b22cc7d4e{i}{r}"),
            ..PlanRow::default()
        });
        let mut plan = Plan::new("https://acme.atlassian.net", "admin@example.com", rows);
        plan.run_id = format!("20261201-12000{i}-aaaaaa");
        Run::create(journal_dir.path(), plan).unwrap();
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_offboard"))
        .arg("runs")
        .arg("--journal-dir")
        .arg(journal_dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The reading end closes before anything is written: every write meets a closed pipe.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
}
