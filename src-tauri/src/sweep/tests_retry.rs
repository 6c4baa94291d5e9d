//! "Retry failed rows" inside the same run: failed rows are reopened with their doubt, rows a
//! stop left go on, and nothing decided otherwise is sent again.

use super::tests_engine::{collect, ids, plan_of, Scripted};
use super::*;
use crate::atlassian::{RateLimitInfo, TransportKind, Verdict};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

fn timeout() -> Verdict {
    Verdict::Transport {
        kind: TransportKind::Timeout,
        message: "no reply in time".into(),
    }
}

fn too_many() -> Verdict {
    Verdict::RateLimited {
        status: 429,
        info: RateLimitInfo {
            retry_after: Some(Duration::from_secs(1)),
            ..Default::default()
        },
    }
}

fn not_found() -> Verdict {
    Verdict::NotFound {
        message: String::new(),
    }
}

async fn session(site: &Arc<Scripted>, dir: &Path, options: RunOptions) -> RunReport {
    let (events, _) = collect();
    let run = Run::open(dir).unwrap();
    execute(site.clone(), run, options, RunControl::new(), events)
        .await
        .unwrap()
}

fn me() -> Guard {
    Guard::caller_only("me")
}

#[tokio::test(start_paused = true)]
async fn a_retry_in_the_same_run_reports_a_lost_reply_as_removed_and_a_refusal_as_already_gone() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(3);
    let settings = RetrySettings::default();
    // Row 0: every try times out (each may have reached the site). Row 1: only 429s, a definite
    // refusal each time. Row 2: removed at once.
    let mut first: Vec<(&str, Vec<Verdict>)> = vec![(
        &ids[0],
        vec![timeout(); settings.max_fault_attempts as usize],
    )];
    first.push((
        &ids[1],
        vec![too_many(); settings.max_rate_limit_waits as usize + 1],
    ));
    let site = Scripted::with(&first);
    let dir = Run::create(tmp.path(), plan_of(&ids, 50.0, 2)).unwrap().dir;
    let report = session(&site, &dir, RunOptions::new(me())).await;
    let outcomes: Vec<_> = report.outcomes.iter().map(|o| o.outcome).collect();
    assert_eq!(
        outcomes,
        [Outcome::Failed, Outcome::Failed, Outcome::Removed]
    );
    assert!(report.outcomes[0].may_have_applied);
    assert!(!report.outcomes[1].may_have_applied);

    // A plain resume leaves decided rows alone, failed ones included.
    let calls_before = site.calls().len();
    let resumed = session(&site, &dir, RunOptions::new(me())).await;
    assert_eq!(
        site.calls().len(),
        calls_before,
        "a resume resent a decided row"
    );
    assert_eq!(resumed.counters.failed, 2);

    // Now both failed rows answer 404: the site no longer has them.
    let site2 = Scripted::with(&[(&ids[0], vec![not_found()]), (&ids[1], vec![not_found()])]);
    let retried = session(&site2, &dir, RunOptions::retrying(me())).await;
    let outcomes: Vec<_> = retried.outcomes.iter().map(|o| o.outcome).collect();
    assert_eq!(
        outcomes,
        [Outcome::Removed, Outcome::AlreadyGone, Outcome::Removed]
    );
    assert!(retried.outcomes[0].message.contains("reply was lost"));
    // Only the failed rows were sent, once each; the removed row never again.
    assert_eq!(site2.calls_for(&ids[0]), 1);
    assert_eq!(site2.calls_for(&ids[1]), 1);
    assert_eq!(site2.calls_for(&ids[2]), 0);
    assert_eq!(retried.counters.removed, 2);
    assert_eq!(retried.counters.already_gone, 1);
    assert_eq!(retried.counters.failed, 0);

    // The journal read back from disk agrees: one run, each row decided once.
    let state = Run::open(&dir).unwrap().state;
    assert_eq!(state.counters, retried.counters);
    assert_eq!(state.sessions, 3);
    assert!(state.in_doubt.is_empty());
    assert!(
        std::fs::read_dir(tmp.path()).unwrap().count() == 1,
        "a second run was made"
    );
}

#[tokio::test(start_paused = true)]
async fn rows_a_stop_left_go_on_in_the_same_run_with_the_failed_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(6);
    let site = Scripted::with(&[(
        &ids[0],
        vec![timeout(); RetrySettings::default().max_fault_attempts as usize],
    )]);
    let dir = Run::create(tmp.path(), plan_of(&ids, 50.0, 1)).unwrap().dir;
    // Stop as soon as the first row is decided: the rest are never tried.
    let control = RunControl::new();
    let stopper = control.clone();
    let events: EventSink = Arc::new(move |e| {
        if matches!(e, Event::Row { .. }) {
            stopper.stop();
        }
    });
    let run = Run::open(&dir).unwrap();
    let stopped = execute(site.clone(), run, RunOptions::new(me()), control, events)
        .await
        .unwrap();
    assert_eq!(stopped.status, RunStatus::Stopped);
    assert_eq!(stopped.counters.failed, 1);
    assert!(
        stopped.counters.not_attempted >= 4,
        "{:?}",
        stopped.counters
    );

    let site2 = Scripted::with(&[(&ids[0], vec![not_found()])]);
    let retried = session(&site2, &dir, RunOptions::retrying(me())).await;
    assert_eq!(retried.status, RunStatus::Completed);
    assert_eq!(retried.counters.removed, 6, "{:?}", retried.counters);
    for id in &ids {
        assert!(site2.calls_for(id) <= 1, "{id} sent twice");
    }
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn an_old_journal_without_the_new_fields_reads_as_before() {
    let session: Record = serde_json::from_str(
        r#"{"type":"session","at":"t","caller_account_id":"me","resumed":true}"#,
    )
    .unwrap();
    assert!(matches!(
        session,
        Record::Session {
            retry_failed: false,
            ..
        }
    ));
    let outcome: Record = serde_json::from_str(
        r#"{"type":"outcome","row":0,"account_id":"a","outcome":"failed","http_status":null,"message":"m","finished_at":"t"}"#,
    )
    .unwrap();
    let Record::Outcome(o) = outcome else {
        panic!("not an outcome")
    };
    assert!(!o.may_have_applied);
    // And a new record without doubt writes no new field, so older readers are not surprised.
    let line = serde_json::to_string(&Record::Outcome(o)).unwrap();
    assert!(!line.contains("may_have_applied"), "{line}");
}

#[tokio::test(start_paused = true)]
async fn a_row_stopped_while_waiting_to_retry_is_reported_failed_and_untried_rows_are_not_sent() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(4);
    let site = Scripted::with(&[(&ids[0], vec![timeout(); 3])]);
    let dir = Run::create(tmp.path(), plan_of(&ids, 50.0, 1)).unwrap().dir;
    let control = RunControl::new();
    let stopper = control.clone();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let events: EventSink = {
        let seen = seen.clone();
        Arc::new(move |e| {
            if matches!(e, Event::Retrying { .. }) {
                stopper.stop();
            }
            seen.lock().unwrap().push(e);
        })
    };
    let run = Run::open(&dir).unwrap();
    let report = execute(site.clone(), run, RunOptions::new(me()), control, events)
        .await
        .unwrap();
    assert_eq!(report.status, RunStatus::Stopped);
    let rows: Vec<(usize, Outcome)> = seen
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            Event::Row { row, outcome, .. } => Some((*row, *outcome)),
            _ => None,
        })
        .collect();
    // The window hears about the row it tried; the rows never tried stay silent ("not attempted").
    assert_eq!(rows, [(0, Outcome::Failed)]);
    assert_eq!(report.counters.not_attempted, 3);
}
