//! Organization runs through a 429 storm (with and without `Retry-After`) and through the fault
//! mix (5xx, dropped connections, writes applied whose reply is lost): every row is decided
//! once, and no account is written to again once a write to it took effect.

use crate::common::*;
use crate::*;
use offboard::practice::{Faults, PracticeConfig};
use std::time::Duration;

/// Suspends every plain person through three bursts of 429s: each time a few writes have gone
/// through, the organization API drops to one request every 2 s until it has refused two more,
/// then lets everything through again.
async fn through_a_429_storm(retry_after: bool, seed: u64) {
    let mut config = PracticeConfig::generated(60, seed);
    config.org_retry_after = retry_after;
    // Replies slow enough to keep several writes in flight: a drop meets them all.
    config.latency = Duration::from_millis(100);
    let (setup, plain, csv) = plain_site(config).await;
    assert!(
        plain.len() >= 20,
        "enough people for three bursts: {}",
        plain.len()
    );
    let storm = {
        let site = setup.site.clone();
        tokio::spawn(async move {
            let writes = |status: u16| {
                let record = site.record();
                let suspend =
                    |r: &&offboard::practice::RecordedRequest| r.path.ends_with("/suspend");
                record
                    .iter()
                    .filter(suspend)
                    .filter(|r| r.status == Some(status))
                    .count()
            };
            for _ in 0..3 {
                let through = writes(204);
                poll_until(120, "writes going through", || writes(204) >= through + 3).await;
                let refused = writes(429);
                site.set_rate(Some(0.5));
                poll_until(120, "a burst of 429s", || writes(429) >= refused + 2).await;
                site.set_rate(None);
            }
        })
    };
    let args = ["--csv", csv.to_str().unwrap(), "--yes", "--max-rate", "20"];
    let out = run(act_cmd(&setup, "suspend", &args)).await;
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    storm.await.unwrap();
    let c = counts(&out, "suspended");
    assert_eq!(
        (c["suspended"], c["failed"]),
        (plain.len() as u64, 0),
        "{c:?}"
    );
    assert_eq!(c["verified"], plain.len() as u64);
    decided_once(&setup.run_dir());
    let writes = org_writes(&setup);
    let throttled: usize = writes
        .values()
        .map(|s| s.iter().filter(|s| **s == Some(429)).count())
        .sum();
    assert!(throttled >= 6, "the storm answered 429s: {throttled}");
    for id in &plain {
        let sent = &writes[id];
        // Refused (429) until one went through, and nothing after it.
        assert_eq!(sent.last(), Some(&Some(204)), "{id}: {sent:?}");
        assert!(
            sent[..sent.len() - 1].iter().all(|s| *s == Some(429)),
            "{id}: {sent:?}"
        );
        assert_eq!(
            setup.site.org_user(id).unwrap().membership_status,
            "suspended"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_with_retry_after_loses_and_repeats_nothing() {
    through_a_429_storm(true, 41).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_with_only_the_reset_header_loses_and_repeats_nothing() {
    through_a_429_storm(false, 43).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fault_mix_settles_lost_replies_by_reading_back_never_by_sending_again() {
    let mut config = PracticeConfig::generated(90, 45);
    config.faults = Faults {
        p_503_retry_after: 0.02,
        p_503_bare: 0.05,
        p_500: 0.08,
        p_drop: 0.08,
        p_slow: 0.04,
        // Longer than the client's timeout: the removal is applied, the reply never heard.
        slow_delay: Duration::from_millis(1500),
    };
    config.latency = Duration::from_millis(20);
    let (setup, plain, csv) = plain_site(config).await;
    let args = [
        "--csv",
        csv.to_str().unwrap(),
        "--yes",
        "--max-rate",
        "50",
        "--timeout",
        "1",
    ];
    let out = run(act_cmd(&setup, "remove", &args)).await;
    let code = out.status.code();
    assert!(matches!(code, Some(0 | 1)), "{}", texts(&out).1);
    let dir = setup.run_dir();
    decided_once(&dir);
    let outcome = outcomes(&dir);
    let rows = results(&dir.join("results.csv"));
    let writes = org_writes(&setup);
    let (mut lost_then_read, mut gave_up) = (0, 0);
    for (id, cell, status, message) in &rows {
        let sent = &writes[id];
        // A write after one that took effect would meet a user already gone: 404.
        assert!(
            !sent.contains(&Some(404)),
            "{id} was removed twice: {sent:?}"
        );
        match cell.as_str() {
            "removed" => {
                assert!(setup.site.org_user(id).is_none(), "{id} is still there");
                assert!(
                    sent.iter().filter(|s| **s == Some(204)).count() <= 1,
                    "{sent:?}"
                );
                if status != "204" {
                    lost_then_read += 1;
                }
            }
            "failed" => {
                assert!(sent.len() >= 5, "{id} given up after {sent:?}: {message}");
                gave_up += 1;
            }
            other => panic!("{id}: unexpected outcome {other} ({message}), sent {sent:?}"),
        }
    }
    assert_eq!(outcome.len(), plain.len());
    assert!(gave_up <= 2, "{gave_up} rows given up");
    assert_eq!(code, Some(i32::from(gave_up > 0)));
    assert!(
        lost_then_read > 0,
        "some lost replies were settled by reading back"
    );
    let all: Vec<Option<u16>> = writes.values().flatten().copied().collect();
    for (what, status) in [("a drop", None), ("a 500", Some(500)), ("a 503", Some(503))] {
        assert!(all.contains(&status), "the mix had {what}");
    }
}
