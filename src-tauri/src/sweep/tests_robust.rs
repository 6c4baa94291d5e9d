//! "In doubt" over several tries, and rate hints: zero waits, failed rows, near-limit replies.

use super::pace::Pacer;
use super::tests_engine::{collect, ids, plan_of, run, Scripted};
use super::*;
use crate::atlassian::{RateLimitInfo, TransportKind, Verdict};
use std::time::Duration;
use tokio::time::Instant;

fn limited(status: u16, retry_after: Option<u64>) -> Verdict {
    Verdict::RateLimited {
        status,
        info: RateLimitInfo {
            retry_after: retry_after.map(Duration::from_secs),
            ..Default::default()
        },
    }
}

fn transport(kind: TransportKind) -> Verdict {
    Verdict::Transport {
        kind,
        message: "no reply".into(),
    }
}

fn server_error(status: u16) -> Verdict {
    Verdict::ServerError {
        status,
        message: String::new(),
    }
}

fn not_found() -> Verdict {
    Verdict::NotFound {
        message: String::new(),
    }
}

/// The outcome of the last reply in `replies`, every earlier one having asked for a retry.
fn outcome_after(replies: &[Verdict]) -> Outcome {
    let settings = RetrySettings::default();
    let mut row = RowAttempts::default();
    let (last, earlier) = replies.split_last().unwrap();
    for reply in earlier {
        let step = decide(Action::SiteRemove, reply, &mut row, &settings, 1.0);
        assert!(matches!(step, Step::Retry { .. }), "{reply:?}: {step:?}");
    }
    match decide(Action::SiteRemove, last, &mut row, &settings, 1.0) {
        Step::Decide { outcome, .. } => outcome,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_404_after_a_try_that_may_have_reached_the_site_is_removed_and_otherwise_already_gone() {
    let removed = Outcome::Removed;
    let gone = Outcome::AlreadyGone;
    let cases = [
        // A 503 with Retry-After is a gateway's answer: the site may have acted before it.
        (vec![limited(503, Some(3)), not_found()], removed),
        // A 429 is a definite refusal: nothing was done.
        (vec![limited(429, Some(3)), not_found()], gone),
        // A later 429 does not take back an earlier timeout's doubt.
        (
            vec![
                transport(TransportKind::Timeout),
                limited(429, None),
                not_found(),
            ],
            removed,
        ),
        (vec![server_error(500), not_found()], removed),
        (vec![transport(TransportKind::Broken), not_found()], removed),
        // A refused connection sent nothing.
        (vec![transport(TransportKind::Connect), not_found()], gone),
        (
            vec![Verdict::NearLimit(Box::new(server_error(502))), not_found()],
            removed,
        ),
    ];
    for (replies, expected) in cases {
        assert_eq!(outcome_after(&replies), expected, "{replies:?}");
    }
}

#[test]
fn a_row_given_up_on_rate_limits_after_a_lost_reply_says_it_may_be_removed() {
    let settings = RetrySettings::default();
    let mut row = RowAttempts::default();
    let _ = decide(
        Action::SiteRemove,
        &limited(503, Some(1)),
        &mut row,
        &settings,
        1.0,
    );
    row.rate_limits = settings.max_rate_limit_waits;
    let Step::Decide {
        outcome: Outcome::Failed,
        message,
        ..
    } = decide(
        Action::SiteRemove,
        &limited(429, None),
        &mut row,
        &settings,
        1.0,
    )
    else {
        panic!("not given up");
    };
    assert!(message.contains("may have been removed"), "{message}");
}

#[test]
fn a_zero_or_past_wait_from_the_site_falls_back_to_the_backoff() {
    let settings = RetrySettings::default();
    let zero = limited(429, Some(0));
    let past = Verdict::RateLimited {
        status: 429,
        // What a reset already past is read as.
        info: RateLimitInfo {
            until_reset: Some(Duration::ZERO),
            ..Default::default()
        },
    };
    for verdict in [zero, past] {
        let step = decide(
            Action::SiteRemove,
            &verdict,
            &mut RowAttempts::default(),
            &settings,
            1.0,
        );
        let Step::Retry {
            delay, throttle, ..
        } = step
        else {
            panic!("{step:?}");
        };
        assert_eq!(delay, Duration::from_secs(2), "{verdict:?}");
        assert_eq!(throttle.map(|t| t.0), Some(Duration::from_secs(2)));
    }
}

#[tokio::test(start_paused = true)]
async fn easing_off_lowers_the_pace_a_little_once_a_second_without_a_pause() {
    let pacer = Pacer::new(20.0);
    assert_eq!(pacer.ease_off(), Some(16.0));
    assert_eq!(pacer.ease_off(), None, "replies of one moment count once");
    // No pause: a token is there at once, and the next comes at the lower pace.
    let t0 = Instant::now();
    pacer.acquire().await;
    assert_eq!(t0.elapsed(), Duration::ZERO);
    pacer.acquire().await;
    let gap = t0.elapsed();
    assert!(
        gap > Duration::from_millis(60) && gap < Duration::from_millis(65),
        "{gap:?}"
    );
    // No climb back in the second after easing off.
    assert_eq!(pacer.on_success(), None);
    tokio::time::advance(Duration::from_secs(1)).await;
    let near = |got: Option<f64>, want: f64| got.is_some_and(|r| (r - want).abs() < 1e-9);
    assert!(near(pacer.ease_off(), 12.8));
    tokio::time::advance(Duration::from_secs(1)).await;
    assert!(near(pacer.on_success(), 13.8));
    for _ in 0..30 {
        tokio::time::advance(Duration::from_secs(1)).await;
        pacer.ease_off();
    }
    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(pacer.ease_off(), None, "never below the floor");
}

fn paces(seen: &[Event]) -> Vec<f64> {
    seen.iter()
        .filter_map(|e| match e {
            Event::Pace { rate_per_sec } => Some(*rate_per_sec),
            _ => None,
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_row_that_finally_fails_does_not_raise_the_pace() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(1);
    let mut replies = vec![limited(429, Some(1))];
    replies.extend((0..5).map(|_| server_error(500)));
    let site = Scripted::with(&[(&ids[0], replies)]);
    let (events, seen) = collect();
    let report = run(
        &site,
        tmp.path(),
        plan_of(&ids, 20.0, 1),
        events,
        RunControl::new(),
    )
    .await;
    assert_eq!(report.counters.failed, 1);
    assert_eq!(paces(&seen.lock().unwrap()), vec![10.0]);
}

#[tokio::test(start_paused = true)]
async fn a_near_limit_reply_of_any_kind_slows_the_pace_before_a_429() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(12);
    let near = |v: Verdict| vec![Verdict::NearLimit(Box::new(v))];
    let site = Scripted::with(&[
        (&ids[0], near(Verdict::Done { status: 204 })),
        (&ids[1], near(not_found())),
    ]);
    let (events, seen) = collect();
    let report = run(
        &site,
        tmp.path(),
        plan_of(&ids, 20.0, 1),
        events,
        RunControl::new(),
    )
    .await;
    assert_eq!(report.counters.removed, 11);
    assert_eq!(report.counters.already_gone, 1);
    let seen = seen.lock().unwrap();
    assert!(!seen.iter().any(|e| matches!(e, Event::Throttled { .. })));
    // Both hints came within a second: one step down, then the climb back a second later.
    assert_eq!(paces(&seen)[0], 16.0);
    let calls: Vec<Instant> = site.calls().iter().map(|(_, t)| *t).collect();
    assert!(
        calls[1] - calls[0] > Duration::from_millis(50),
        "not slowed"
    );
    assert!(calls[1] - calls[0] < Duration::from_millis(100), "paused");
}
