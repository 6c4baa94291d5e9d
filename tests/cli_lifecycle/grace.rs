//! The 14-day grace period: once over on Atlassian's clock, a cancel finds the accounts deleted
//! for good (nothing planned for them, or Atlassian's 404 on each row when the period ends
//! during the run); once over by the run's own journal times, `offboard undo` refuses before
//! sending anything.

use crate::common::*;
use crate::*;
use offboard::practice::PracticeConfig;
use std::path::Path;
use std::time::Duration;

/// A site with `people` people, `seed`, replies held `latency`; and a finished delete-account
/// run of `count` managed people on it.
async fn deleted(
    people: usize,
    seed: u64,
    latency: Duration,
    count: usize,
) -> (Setup, Vec<String>, std::path::PathBuf) {
    let mut config = PracticeConfig::generated(people, seed);
    config.latency = latency;
    let setup = Setup::start(config).await;
    let ids = managed(&setup, count);
    let csv = export_of(&setup, "people.csv", &ids);
    let cmd = act_cmd(
        &setup,
        "delete-account",
        &["--csv", csv.to_str().unwrap(), "--yes"],
    );
    let (out, dir) = run_new(&setup, cmd).await;
    exits(&out, 0);
    assert_eq!(
        counts(&out, "deletion_scheduled")["deletion_scheduled"],
        count as u64
    );
    (setup, ids, dir)
}

/// Cancel-delete calls the site has received.
fn cancels(setup: &Setup) -> usize {
    lifecycle_calls(setup)
        .values()
        .flatten()
        .filter(|(verb, _)| verb == "cancel-delete")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifteen_days_on_the_deleted_accounts_are_gone_and_nothing_is_sent() {
    let (setup, ids, dir) = deleted(30, 71, Duration::ZERO, 2).await;
    setup.site.advance_clock_days(15);
    for id in &ids {
        assert_eq!(lifecycle(&setup, id), None, "{id} is deleted for good");
    }
    let run_arg = dir.to_str().unwrap();
    let out = run(act_cmd(
        &setup,
        "cancel-delete",
        &["--from-run", run_arg, "--yes"],
    ))
    .await;
    exits(&out, 2);
    let (_, stderr) = texts(&out);
    assert!(stderr.contains("not in this directory"), "{stderr}");
    assert!(stderr.contains("deleted for good"), "{stderr}");
    assert_eq!(cancels(&setup), 0, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grace_period_ending_during_the_cancel_gets_atlassians_404_on_each_row() {
    // Replies are held long enough for the test to move the clock while the cancels, which
    // Atlassian decides only once their reply is due, are in flight.
    let (setup, ids, dir) = deleted(30, 73, Duration::from_millis(400), 3).await;
    let run_arg = dir.to_str().unwrap().to_owned();
    let mut cmd = act_cmd(&setup, "cancel-delete", &["--from-run", &run_arg, "--yes"]);
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let before = run_dirs(&setup);
    let child = cmd.spawn().unwrap();
    poll_until(60, "the first cancel", || cancels(&setup) > 0).await;
    setup.site.advance_clock_days(15);
    let out = tokio::time::timeout(Duration::from_secs(120), child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let (_, stderr) = texts(&out);
    // Nothing was cancelled. As for every organization action, an account Atlassian no longer
    // knows is its own outcome (not_found), not a failure: the exit code stays 0.
    exits(&out, 0);
    let c = counts(&out, "deletion_cancelled");
    assert_eq!(
        (c["deletion_cancelled"], c["not_found"], c["failed"]),
        (0, 3, 0),
        "{c:?}\n{stderr}"
    );
    let cancel_run = new_run(&setup, &before);
    decided_once(&cancel_run);
    let cells = outcomes(&cancel_run);
    let calls = lifecycle_calls(&setup);
    for id in &ids {
        let sent: Vec<_> = calls[id]
            .iter()
            .filter(|(v, _)| v == "cancel-delete")
            .collect();
        assert_eq!(sent.len(), 1, "{id}: one cancel, not repeated: {sent:?}");
        assert_eq!(sent[0].1, Some(404), "{id}");
        let (outcome, message) = &cells[id];
        assert_eq!(outcome, "not_found", "{id}: {message}");
        assert!(!message.is_empty(), "{id}: Atlassian's words are kept");
        assert_eq!(lifecycle(&setup, id), None, "{id}");
    }
}

/// Copies the run in `dir` under `to` with every time its journal records moved `days` back,
/// as if it had been made that long ago.
fn aged_copy(dir: &Path, to: &Path, days: i64) -> std::path::PathBuf {
    use time::format_description::well_known::Rfc3339;
    let copy = to.join(dir.file_name().unwrap());
    std::fs::create_dir_all(&copy).unwrap();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        // The summary is rebuilt from the journal; a lock or temporary file is not copied.
        let name = entry.file_name();
        if name == "summary.json" || !entry.path().is_file() {
            continue;
        }
        std::fs::copy(entry.path(), copy.join(&name)).unwrap();
    }
    let journal = copy.join(offboard::sweep::JOURNAL_FILE);
    let mut text = String::new();
    for line in std::fs::read_to_string(&journal).unwrap().lines() {
        let mut record: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Some(at) = record["finished_at"].as_str() {
            let then =
                time::OffsetDateTime::parse(at, &Rfc3339).unwrap() - time::Duration::days(days);
            record["finished_at"] = then.format(&Rfc3339).unwrap().into();
        }
        text.push_str(&serde_json::to_string(&record).unwrap());
        text.push('\n');
    }
    std::fs::write(&journal, text).unwrap();
    copy
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_refuses_a_deletion_run_past_its_grace_period_before_sending_anything() {
    let (setup, _, dir) = deleted(30, 75, Duration::ZERO, 2).await;
    let aged_runs = setup.tmp.path().join("aged");
    let copy = aged_copy(&dir, &aged_runs, 15);
    let records = journal_records(&copy);
    assert!(
        records.iter().any(|r| r["finished_at"].is_string()),
        "the journal's outcomes carry their time: {records:?}"
    );
    let before = requests(&setup);
    let mut cmd = setup.cmd();
    cmd.env("OFFBOARD_ORG_API_KEY", &setup.config.org_api_key)
        .arg("undo")
        .arg(&copy)
        .arg("--yes")
        .arg("--journal-dir")
        .arg(&aged_runs);
    let out = run(cmd).await;
    exits(&out, 2);
    let (_, stderr) = texts(&out);
    assert!(stderr.contains("can no longer be cancelled"), "{stderr}");
    assert!(stderr.contains("Nothing was changed"), "{stderr}");
    assert_eq!(
        requests(&setup),
        before,
        "nothing was sent, not even a read"
    );
    assert_eq!(cancels(&setup), 0);

    // The history no longer offers it, and says why.
    let mut cmd = setup.cmd();
    cmd.arg("runs").arg("--journal-dir").arg(&aged_runs);
    let out = run(cmd).await;
    let (stdout, _) = texts(&out);
    assert!(!stdout.contains("undo: offboard undo"), "{stdout}");
    assert!(stdout.contains("grace period ended on"), "{stdout}");

    // Thirteen days back instead: still inside it, so the undo goes ahead.
    let fresh_runs = setup.tmp.path().join("fresh");
    let copy = aged_copy(&dir, &fresh_runs, 13);
    let mut cmd = setup.cmd();
    cmd.arg("runs").arg("--journal-dir").arg(&fresh_runs);
    let (stdout, _) = texts(&run(cmd).await);
    assert!(stdout.contains("undo: offboard undo"), "{stdout}");
    let mut cmd = setup.cmd();
    cmd.env("OFFBOARD_ORG_API_KEY", &setup.config.org_api_key)
        .arg("undo")
        .arg(&copy)
        .args(["--dry-run", "--journal-dir"])
        .arg(&fresh_runs);
    let out = run(cmd).await;
    exits(&out, 0);
    assert_eq!(
        counts(&out, "would_cancel_delete")["would_cancel_delete"],
        2
    );
    assert_eq!(cancels(&setup), 0, "a dry run sends no cancel");
}
