//! The journal failing mid-run in the real binary (a debug-build hook cuts a write short, as a
//! full disk does): the run stops with the journal's message, the journal ends on a whole record,
//! and a resume decides every row once without sending anything already decided again.

mod common;

use common::*;
use offboard::practice::PracticeConfig;
use offboard::sweep::{read_plan, read_state, JOURNAL_FILE};
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

/// Appends that go through before the hook's short write: the session and 40 more records.
const GOOD_APPENDS: usize = 41;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_write_cut_short_stops_the_run_and_a_resume_loses_and_repeats_nothing() {
    let mut config = PracticeConfig::generated(80, 5);
    // Slow replies keep several removals in flight when the write fails: their outcomes come
    // back after it, and must not reach the journal.
    config.latency = Duration::from_millis(60);
    config.latency_jitter = Duration::from_millis(30);
    let setup = Setup::start(config).await;

    let mut cmd = setup.delete_cmd(&["--yes", "--max-rate", "50", "--max-in-flight", "6"]);
    cmd.env("OFFBOARD_TEST_JOURNAL_FAIL_AFTER", GOOD_APPENDS.to_string());
    let out = run(cmd).await;
    let (_, stderr) = texts(&out);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("Could not write the run's journal")
            && stderr.contains("no space left on the device"),
        "{stderr}"
    );

    // The half record was cut off again and nothing was appended after it.
    let dir = setup.run_dir();
    let bytes = std::fs::read(dir.join(JOURNAL_FILE)).unwrap();
    assert!(
        bytes.ends_with(b"\n"),
        "the journal ends with a whole record"
    );
    assert_eq!(
        journal_records(&dir).len(),
        GOOD_APPENDS,
        "exactly the records before the failure, all readable"
    );
    let decided_before: BTreeSet<usize> = read_state(&dir).unwrap().decided.into_keys().collect();
    let plan = read_plan(&dir).unwrap();
    assert!(
        !decided_before.is_empty() && decided_before.len() < plan.rows.len(),
        "the failure came mid-run ({} of {} decided)",
        decided_before.len(),
        plan.rows.len()
    );
    let sent_before = setup.site.record().len();

    let mut cmd = setup.cmd();
    cmd.arg("resume")
        .arg(&dir)
        .args(["--backoff-base-ms", "50"]);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(0), "{}", texts(&out).1);
    setup.no_delete_for_decided_rows(sent_before, &decided_before);

    // Every row decided exactly once, every line readable.
    let journal = std::fs::read_to_string(dir.join(JOURNAL_FILE)).unwrap();
    let records: Vec<serde_json::Value> = journal
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let decisions = per_row(&records, "outcome");
    assert_eq!(decisions.len(), plan.rows.len());
    assert!(
        decisions.values().all(|n| *n == 1),
        "a row was decided twice"
    );

    // Nothing lost: every removable user is gone and reported removed.
    let rows = results(&dir.join("results.csv"));
    assert_eq!(rows.len(), plan.rows.len());
    let outcome: HashMap<_, _> = rows.iter().map(|r| (r.0.clone(), r.1.clone())).collect();
    for id in setup.removable() {
        assert!(!setup.site.exists(&id), "{id} is still on the site");
        assert_eq!(outcome[&id], "removed", "{id}");
    }
    assert_eq!(summary(&out)["removed"], setup.removable().len() as u64);
}
