//! Unit tests of the engine's parts: pacing, retry decisions, journal, results.

use super::journal::{Journal, Record, JOURNAL_FILE};
use super::pace::Pacer;
use super::*;
use crate::atlassian::{RateLimitInfo, TransportKind, Verdict};
use std::time::Duration;
use tokio::time::Instant;

#[test]
fn backoff_doubles_from_two_seconds_and_caps_at_thirty() {
    let s = RetrySettings::default();
    let secs: Vec<u64> = (1..=6)
        .map(|n| backoff_delay(&s, n, 1.0).as_secs())
        .collect();
    assert_eq!(secs, vec![2, 4, 8, 16, 30, 30]);
    assert_eq!(backoff_delay(&s, 1, 0.7), Duration::from_millis(1400));
    assert_eq!(
        backoff_delay(&s, 1, 5.0),
        Duration::from_millis(2600),
        "jitter is clamped to 1.3"
    );
    assert_eq!(backoff_delay(&s, 1000, 1.0), Duration::from_secs(30));
}

#[test]
fn decisions_follow_the_engine_rules() {
    let s = RetrySettings::default();
    let fresh = RowAttempts::default;
    let d = |v: Verdict, a: &mut RowAttempts| decide(Action::SiteRemove, &v, a, &s, 1.0);
    assert!(matches!(
        d(Verdict::Done { status: 204 }, &mut fresh()),
        Step::Decide {
            outcome: Outcome::Removed,
            ..
        }
    ));
    let gone = d(
        Verdict::NotFound {
            message: String::new(),
        },
        &mut fresh(),
    );
    assert!(matches!(
        gone,
        Step::Decide {
            outcome: Outcome::AlreadyGone,
            http_status: Some(404),
            ..
        }
    ));
    let refused = d(
        Verdict::CannotRemove {
            message: "app user".into(),
        },
        &mut fresh(),
    );
    assert_eq!(
        refused,
        Step::Decide {
            outcome: Outcome::CannotRemove,
            http_status: Some(400),
            message: "app user".into()
        }
    );
    assert!(matches!(
        d(
            Verdict::Unauthorized {
                message: String::new()
            },
            &mut fresh()
        ),
        Step::StopRun {
            http_status: 401,
            ..
        }
    ));
    assert!(matches!(
        d(
            Verdict::Forbidden {
                message: String::new()
            },
            &mut fresh()
        ),
        Step::StopRun {
            http_status: 403,
            ..
        }
    ));
    let odd = d(
        Verdict::Unexpected {
            status: 302,
            message: "moved".into(),
        },
        &mut fresh(),
    );
    assert!(matches!(
        odd,
        Step::Decide {
            outcome: Outcome::Failed,
            http_status: Some(302),
            ..
        }
    ));

    // A lost reply, then 404: the first try worked.
    let mut a = fresh();
    let lost = Verdict::Transport {
        kind: TransportKind::Timeout,
        message: "timed out".into(),
    };
    assert!(matches!(
        d(lost, &mut a),
        Step::Retry { throttle: None, .. }
    ));
    assert!(matches!(
        d(
            Verdict::NotFound {
                message: String::new()
            },
            &mut a
        ),
        Step::Decide {
            outcome: Outcome::Removed,
            ..
        }
    ));
    // A refused connection sent nothing: a later 404 means already gone.
    let mut a = fresh();
    let _ = d(
        Verdict::Transport {
            kind: TransportKind::Connect,
            message: "refused".into(),
        },
        &mut a,
    );
    assert!(matches!(
        d(
            Verdict::NotFound {
                message: String::new()
            },
            &mut a
        ),
        Step::Decide {
            outcome: Outcome::AlreadyGone,
            ..
        }
    ));

    // Faults are bounded.
    let mut a = fresh();
    for _ in 1..s.max_fault_attempts {
        assert!(matches!(
            d(
                Verdict::ServerError {
                    status: 500,
                    message: String::new()
                },
                &mut a
            ),
            Step::Retry { .. }
        ));
    }
    assert!(matches!(
        d(
            Verdict::ServerError {
                status: 500,
                message: String::new()
            },
            &mut a
        ),
        Step::Decide {
            outcome: Outcome::Failed,
            ..
        }
    ));

    // Rate limits use the server's wait, else the backoff, and are bounded too.
    let info = RateLimitInfo {
        retry_after: Some(Duration::from_secs(7)),
        reason: Some("jira-burst-based".into()),
        ..Default::default()
    };
    let step = d(Verdict::RateLimited { status: 429, info }, &mut fresh());
    assert_eq!(
        step,
        Step::Retry {
            delay: Duration::from_secs(7),
            throttle: Some((Duration::from_secs(7), Some("jira-burst-based".into()), 429)),
            reason: Verdict::RateLimited {
                status: 429,
                info: RateLimitInfo::default()
            }
            .describe(),
        }
    );
    let bare = d(
        Verdict::RateLimited {
            status: 503,
            info: RateLimitInfo::default(),
        },
        &mut fresh(),
    );
    assert!(matches!(bare, Step::Retry { delay, .. } if delay == Duration::from_secs(2)));
    let mut a = RowAttempts {
        rate_limits: s.max_rate_limit_waits,
        ..fresh()
    };
    assert!(matches!(
        d(
            Verdict::RateLimited {
                status: 429,
                info: RateLimitInfo::default()
            },
            &mut a
        ),
        Step::Decide {
            outcome: Outcome::Failed,
            ..
        }
    ));
}

#[tokio::test(start_paused = true)]
async fn pacer_spaces_requests_at_the_rate() {
    let pacer = Pacer::new(20.0);
    let t0 = Instant::now();
    for _ in 0..41 {
        pacer.acquire().await;
    }
    // One token at start, then one every 50 ms.
    assert_eq!(t0.elapsed(), Duration::from_millis(2000));
}

#[tokio::test(start_paused = true)]
async fn pacer_halves_once_per_slowdown_and_climbs_back_slowly() {
    let pacer = Pacer::new(20.0);
    assert_eq!(pacer.throttle(Duration::from_secs(3)), Some(10.0));
    // More 429s from the same burst do not halve again, but may lengthen the pause.
    assert_eq!(pacer.throttle(Duration::from_secs(4)), None);
    let t0 = Instant::now();
    pacer.acquire().await;
    assert_eq!(
        t0.elapsed(),
        Duration::from_secs(4),
        "every worker waits out the longest wait"
    );
    // No climb within the quiet second after the pause.
    assert_eq!(pacer.on_success(), None);
    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(pacer.on_success(), Some(11.0));
    assert_eq!(pacer.on_success(), None, "at most one step per second");
    for expected in 12..=20 {
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(pacer.on_success(), Some(expected as f64));
    }
    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(pacer.on_success(), None, "never above the user's maximum");
    // Repeated slow-downs never go below the floor.
    for _ in 0..20 {
        tokio::time::advance(Duration::from_secs(10)).await;
        pacer.throttle(Duration::from_millis(1));
    }
    tokio::time::advance(Duration::from_secs(10)).await;
    assert_eq!(pacer.throttle(Duration::from_millis(1)), None);
}

#[test]
fn pace_settings_are_bounded() {
    assert!(PaceSettings::default().validated().is_ok());
    assert!(PaceSettings {
        max_rate: 50.0,
        max_in_flight: 32
    }
    .validated()
    .is_ok());
    assert!(PaceSettings {
        max_rate: 51.0,
        max_in_flight: 8
    }
    .validated()
    .is_err());
    assert!(PaceSettings {
        max_rate: f64::NAN,
        max_in_flight: 8
    }
    .validated()
    .is_err());
    assert!(PaceSettings {
        max_rate: 20.0,
        max_in_flight: 0
    }
    .validated()
    .is_err());
}

fn outcome(row: usize, id: &str) -> RowOutcome {
    RowOutcome {
        row,
        account_id: id.into(),
        outcome: Outcome::Removed,
        http_status: Some(204),
        message: String::new(),
        finished_at: "t".into(),
        may_have_applied: false,
    }
}

#[test]
fn journal_drops_a_torn_tail_and_knows_rows_in_doubt() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (j, state) = Journal::open(dir.path()).unwrap();
        assert_eq!(state, JournalState::default());
        j.append(&Record::Intent {
            row: 0,
            attempt: 1,
            at: "t".into(),
        })
        .unwrap();
        j.append(&Record::Outcome(outcome(0, "a"))).unwrap();
        j.append(&Record::Intent {
            row: 1,
            attempt: 1,
            at: "t".into(),
        })
        .unwrap();
    }
    // A crash in the middle of writing row 1's outcome.
    let path = dir.path().join(JOURNAL_FILE);
    let mut bytes = std::fs::read(&path).unwrap();
    let good = bytes.len();
    bytes.extend_from_slice(br#"{"type":"outcome","row":1,"acc"#);
    std::fs::write(&path, &bytes).unwrap();

    let (j, state) = Journal::open(dir.path()).unwrap();
    assert_eq!(state.decided.keys().copied().collect::<Vec<_>>(), vec![0]);
    assert_eq!(state.in_doubt.iter().copied().collect::<Vec<_>>(), vec![1]);
    assert_eq!(
        std::fs::metadata(&path).unwrap().len() as usize,
        good,
        "torn record removed"
    );
    j.append(&Record::Outcome(outcome(1, "b"))).unwrap();
    drop(j);
    let state = read_state(dir.path()).unwrap();
    assert!(state.in_doubt.is_empty());
    assert_eq!(state.decided.len(), 2);
}

#[test]
fn a_run_cannot_be_driven_by_two_processes() {
    let dir = tempfile::tempdir().unwrap();
    let (_held, _) = Journal::open(dir.path()).unwrap();
    assert!(matches!(
        Journal::open(dir.path()),
        Err(SweepError::RunBusy(_))
    ));
}

#[test]
fn results_start_with_a_byte_order_mark_and_keep_accented_names() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = Plan::new(
        "https://acme.atlassian.net",
        "admin@example.com",
        [("a", "Zoë Müller"), ("b", "Łukasz Żółć")].map(|(id, name)| PlanRow {
            account_id: id.into(),
            name: name.into(),
            ..PlanRow::default()
        }),
    );
    let outcomes: Vec<RowOutcome> = (0..2).map(|i| outcome(i, ["a", "b"][i])).collect();
    let path = tmp.path().join("results.csv");
    write_results(&path, &plan, &outcomes, None).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(UTF8_BOM), "no byte-order mark");
    let text = std::str::from_utf8(&bytes[UTF8_BOM.len()..]).unwrap();
    assert!(text.starts_with("User id,"), "{text}");
    assert!(text.contains("Zoë Müller") && text.contains("Łukasz Żółć"));
    // A csv reader skips the mark: the first header is "User id", not "\u{feff}User id".
    let mut r = csv::Reader::from_path(&path).unwrap();
    assert_eq!(&r.headers().unwrap()[0], "User id");
}

#[test]
fn results_neutralise_formulas_from_the_input() {
    assert_eq!(neutralise("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
    assert_eq!(neutralise("+1"), "'+1");
    assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(neutralise("-2"), "'-2");
    assert_eq!(neutralise("Ann O'Neil"), "Ann O'Neil");
    assert_eq!(neutralise(""), "");
}

#[test]
fn protection_covers_the_caller_always_and_admins_until_unlocked() {
    let row = |id: &str, role: &str| PlanRow {
        account_id: id.into(),
        org_role: role.into(),
        ..PlanRow::default()
    };
    let mut plan = Plan::new(
        "https://acme.atlassian.net",
        "a@b.c",
        [
            row("me", ""),
            row("adm", "Organization admin"),
            row("x", ""),
        ],
    );
    let me = Guard::caller_only("me");
    assert!(plan.protection(&plan.rows[0], &me).is_some());
    assert!(plan.protection(&plan.rows[1], &me).is_some());
    assert!(plan.protection(&plan.rows[2], &me).is_none());
    plan.unlocked_ids.push("adm".into());
    assert!(plan.protection(&plan.rows[1], &me).is_none());
    plan.unlock_admins = true;
    plan.unlocked_ids.push("me".into());
    assert!(
        plan.protection(&plan.rows[0], &me).is_some(),
        "your own account can never be unlocked"
    );
}

#[test]
fn protection_reads_every_admin_signal_and_compares_canonical_ids() {
    let row = |id: &str, admin: Option<&str>| PlanRow {
        account_id: id.into(),
        admin: admin.map(str::to_owned),
        ..PlanRow::default()
    };
    let me = "5b10ac8d82e05b22cc7d4ef5";
    let live = "712020:0b6f3c51-9d0e-4d57-a3f1-1f6f0b9e2a10";
    let mut plan = Plan::new(
        "https://acme.atlassian.net",
        "a@b.c",
        [
            // You, written in upper case with spaces: still you.
            row(" 5B10AC8D82E05B22CC7D4EF5 ", None),
            row(
                "5c9e2a41b3f0d2001f6e8a77",
                Some("member of the \"site-admins\" group"),
            ),
            // Nothing in the file says admin, but the site's live group does.
            row(&live.to_uppercase(), None),
            row("5c9e2a41b3f0d2001f6e8a78", None),
        ],
    );
    let guard = Guard::new(me, [live]);
    assert!(plan
        .protection(&plan.rows[0], &guard)
        .unwrap()
        .contains("your own account"));
    assert!(plan
        .protection(&plan.rows[1], &guard)
        .unwrap()
        .contains("site-admins"));
    assert!(plan
        .protection(&plan.rows[2], &guard)
        .unwrap()
        .contains("site's site-admins group"));
    assert!(plan.protection(&plan.rows[3], &guard).is_none());
    assert!(
        plan.protection(&plan.rows[2], &Guard::caller_only(me))
            .is_none(),
        "without the live read the file says nothing about this row"
    );
    assert_eq!(plan.count_protected(&guard), 3);
    // An unlock written in another case still names the same account.
    plan.unlocked_ids.push(live.to_uppercase());
    assert!(plan.protection(&plan.rows[2], &guard).is_none());
}

#[test]
fn plans_drop_duplicate_ids() {
    let row = |id: &str| PlanRow {
        account_id: id.into(),
        ..PlanRow::default()
    };
    let plan = Plan::new(
        "s",
        "e",
        [
            row("5b10ac8d82e05b22cc7d4ef5"),
            row("b"),
            row("5B10AC8D82E05B22CC7D4EF5"),
        ],
    );
    assert_eq!(
        plan.rows.len(),
        2,
        "ids differing only in case are one account"
    );
}
