//! Pause holds every worker, wherever it waits; a halt during a pause ends the run at once.

use super::tests_engine::{collect, ids, plan_of, run, Scripted};
use super::*;
use crate::atlassian::{RateLimitInfo, Verdict};
use std::time::Duration;
use tokio::time::Instant;

/// Pauses at `pause_at` and resumes at `resume_at` after now, on the paused clock.
fn drive(control: &RunControl, pause_at: Duration, resume_at: Duration) {
    let driver = control.clone();
    let t0 = Instant::now();
    tokio::spawn(async move {
        tokio::time::sleep_until(t0 + pause_at).await;
        driver.pause();
        tokio::time::sleep_until(t0 + resume_at).await;
        driver.resume();
    });
}

#[tokio::test(start_paused = true)]
async fn pause_holds_workers_waiting_out_a_throttle_and_lets_no_burst_through_after() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(30);
    // The first request is told to wait a minute: every other worker waits in the pacer, and
    // the first in its retry backoff, when the pause comes.
    let info = RateLimitInfo {
        retry_after: Some(Duration::from_secs(60)),
        ..Default::default()
    };
    let site = Scripted::with(&[(&ids[0], vec![Verdict::RateLimited { status: 429, info }])]);
    let control = RunControl::new();
    let t0 = Instant::now();
    let (pause_at, resume_at) = (Duration::from_secs(10), Duration::from_secs(120));
    drive(&control, pause_at, resume_at);
    let (events, seen) = collect();
    let report = run(&site, tmp.path(), plan_of(&ids, 2.0, 8), events, control).await;
    assert_eq!(report.status, RunStatus::Completed);
    assert_eq!(report.counters.removed, 30);
    let calls = site.calls();
    assert_eq!(calls.iter().filter(|(_, t)| *t < t0 + pause_at).count(), 1);
    let during: Vec<_> = calls
        .iter()
        .filter(|(_, t)| *t >= t0 + pause_at && *t < t0 + resume_at)
        .collect();
    assert!(during.is_empty(), "sent while paused: {during:?}");
    // After the resume the workers pace again instead of sending what they held.
    let mut after: Vec<Instant> = calls.iter().map(|(_, t)| *t).collect();
    after.sort();
    for pair in after[1..].windows(2) {
        assert!(
            pair[1] - pair[0] >= Duration::from_millis(200),
            "a burst after the resume: {after:?}"
        );
    }
    assert_eq!(after[1], t0 + resume_at);
    let seen = seen.lock().unwrap();
    assert!(seen
        .iter()
        .any(|e| matches!(e, Event::Paused { paused: true })));
}

#[tokio::test(start_paused = true)]
async fn a_401_arriving_while_paused_ends_the_run_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(30);
    // One slow request is in flight when the pause comes; its 401 arrives during the pause.
    let site = Scripted::with(&[(
        &ids[0],
        vec![Verdict::Unauthorized {
            message: String::new(),
        }],
    )]);
    site.slow(&ids[0], Duration::from_secs(30));
    let control = RunControl::new();
    let t0 = Instant::now();
    // Between two paced sends (every 500 ms), so the pause never ties with one.
    let (pause_at, resume_at) = (Duration::from_millis(5250), Duration::from_secs(600));
    drive(&control, pause_at, resume_at);
    let (events, seen) = collect();
    let report = run(&site, tmp.path(), plan_of(&ids, 2.0, 8), events, control).await;
    assert_eq!(report.status, RunStatus::CredentialsRejected);
    assert_eq!(
        t0.elapsed(),
        Duration::from_secs(30),
        "the run ends when the 401 comes, not when someone resumes"
    );
    assert!(site.calls().iter().all(|(_, t)| *t < t0 + pause_at));
    assert_eq!(report.outcomes[0].http_status, Some(401));
    assert!(report.counters.not_attempted > 0);
    assert!(matches!(
        seen.lock().unwrap().last(),
        Some(Event::Finished {
            status: RunStatus::CredentialsRejected,
            ..
        })
    ));
}
