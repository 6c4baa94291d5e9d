use super::*;
use crate::sweep::{Counters, PlanRow, RowOutcome};

fn plan(ids: &[&str]) -> Plan {
    Plan::new(
        "https://acme.atlassian.net",
        "admin@example.com",
        ids.iter().map(|id| PlanRow {
            account_id: (*id).to_owned(),
            name: format!("Name {id}"),
            email: format!("{id}@example.com"),
            ..PlanRow::default()
        }),
    )
}

fn row(row: usize, outcome: Outcome, status: Option<u16>, message: &str) -> Event {
    Event::Row {
        row,
        account_id: format!("id{row}"),
        outcome,
        http_status: status,
        message: message.into(),
    }
}

fn progress(done: u64) -> Event {
    Event::Progress {
        counters: Counters::default(),
        done,
        total: 100,
        eta_secs: None,
    }
}

fn collect(stream: &mut EventStream, events: Vec<(Event, Instant)>) -> Vec<RunEvent> {
    let mut out = Vec::new();
    for (e, at) in events {
        stream.push(e, at, &mut |ev| out.push(ev));
    }
    out
}

#[test]
fn the_check_is_the_pages() {
    // The same figures as tests/ui/run-scale.test.mjs: a change on one side only fails both.
    assert_eq!(rows_check([]), 0x811c_9dc5);
    assert_eq!(rows_check(["abc", "557058:f58131cb"]), 0xa8c6_1372);
    assert_eq!(rows_check(["Zoë"]), 0x2406_9027);
    assert_eq!(
        rows_check(["😀x"]),
        0x22ad_427e,
        "UTF-16 code units, as JavaScript sees them"
    );
    // Order and boundaries count.
    assert_ne!(rows_check(["a", "b"]), rows_check(["b", "a"]));
    assert_ne!(rows_check(["ab", "c"]), rows_check(["a", "bc"]));
}

#[test]
fn rows_go_to_the_page_only_when_it_does_not_hold_them() {
    let p = plan(&["a", "b", "c"]);
    let state = JournalState::default();
    let site = || "https://acme.atlassian.net".to_owned();
    let held = HeldRows {
        count: 3,
        check: rows_check(["a", "b", "c"]),
    };
    let started = started_dto(&p, &state, site(), Some(held));
    assert_eq!(started.rows, None, "the page holds them");
    assert_eq!(started.total, 3);
    let json = serde_json::to_value(&started).unwrap();
    assert_eq!(json["rows"], serde_json::Value::Null);
    assert_eq!(json["decided"], serde_json::json!([]));

    // Another order, another count, or nothing held: the plan's rows, once, by column.
    for held in [
        Some(HeldRows {
            count: 3,
            check: rows_check(["b", "a", "c"]),
        }),
        Some(HeldRows {
            count: 2,
            check: held.check,
        }),
        None,
    ] {
        let rows = started_dto(&p, &state, site(), held).rows.unwrap();
        assert_eq!(rows.id, ["a", "b", "c"]);
        assert_eq!(rows.name[1], "Name b");
        assert_eq!(rows.email[2], "c@example.com");
    }
}

#[test]
fn earlier_decisions_go_by_row_with_each_message_once_per_outcome() {
    let p = plan(&["a", "b", "c", "d"]);
    let mut state = JournalState::default();
    let decide = |row: usize, outcome, status, message: &str| RowOutcome {
        row,
        account_id: p.rows[row].account_id.clone(),
        outcome,
        http_status: status,
        message: message.into(),
        finished_at: "2025-01-01T00:00:00Z".into(),
        may_have_applied: false,
    };
    state.decided.insert(
        0,
        decide(0, Outcome::AlreadyGone, Some(404), "not on the site"),
    );
    state
        .decided
        .insert(1, decide(1, Outcome::Removed, Some(204), ""));
    state.decided.insert(
        3,
        decide(3, Outcome::AlreadyGone, Some(404), "not on the site"),
    );
    let json = serde_json::to_value(started_dto(&p, &state, String::new(), None)).unwrap();
    assert_eq!(
        json["decided"],
        serde_json::json!([
            {"row": 0, "outcome": "already_gone", "httpStatus": 404, "message": "not on the site"},
            {"row": 1, "outcome": "removed", "httpStatus": 204},
            {"row": 3, "outcome": "already_gone", "httpStatus": 404},
        ])
    );
}

/// The rows inside the page events, in order, as the page reads them.
fn rows_in(out: &[RunEvent]) -> Vec<serde_json::Value> {
    out.iter()
        .filter_map(|e| match e {
            RunEvent::Rows { rows } => Some(rows),
            _ => None,
        })
        .flatten()
        .map(|r| serde_json::to_value(r).unwrap())
        .collect()
}

#[test]
fn row_events_carry_the_index_and_a_message_only_when_it_changed() {
    let t = Instant::now();
    let mut stream = EventStream::default();
    let mut out = collect(
        &mut stream,
        vec![
            (row(0, Outcome::Removed, Some(204), ""), t),
            (
                row(1, Outcome::AlreadyGone, Some(404), "not on the site"),
                t,
            ),
            (
                row(2, Outcome::AlreadyGone, Some(404), "not on the site"),
                t,
            ),
            (row(3, Outcome::Failed, Some(500), "gave up"), t),
            (
                row(4, Outcome::AlreadyGone, Some(404), "not on the site"),
                t,
            ),
            (row(5, Outcome::Failed, None, "timed out"), t),
            (row(6, Outcome::Failed, None, "timed out"), t),
        ],
    );
    // The first row goes at once; the rest wait for the clock's next tick, together.
    assert_eq!(out.len(), 1);
    assert!(!stream.tick(t + Duration::from_millis(199), &mut |e| out.push(e)));
    assert_eq!(out.len(), 1, "not due yet");
    assert!(!stream.tick(t + PROGRESS_EVERY, &mut |e| out.push(e)));
    assert_eq!(out.len(), 2);
    assert_eq!(
        rows_in(&out),
        [
            serde_json::json!({"row": 0, "outcome": "removed", "httpStatus": 204}),
            serde_json::json!({"row": 1, "outcome": "already_gone", "httpStatus": 404, "message": "not on the site"}),
            serde_json::json!({"row": 2, "outcome": "already_gone", "httpStatus": 404}),
            serde_json::json!({"row": 3, "outcome": "failed", "httpStatus": 500, "message": "gave up"}),
            serde_json::json!({"row": 4, "outcome": "already_gone", "httpStatus": 404}),
            serde_json::json!({"row": 5, "outcome": "failed", "message": "timed out"}),
            serde_json::json!({"row": 6, "outcome": "failed"}),
        ]
    );
    assert_eq!(
        serde_json::to_value(&out[0]).unwrap(),
        serde_json::json!({"type": "rows", "rows": [{"row": 0, "outcome": "removed", "httpStatus": 204}]})
    );
}

#[test]
fn rows_waiting_go_before_any_other_event_and_the_release_ends_the_clock() {
    let t = Instant::now();
    let mut stream = EventStream::default();
    let mut out = Vec::new();
    stream.push(row(0, Outcome::Removed, None, ""), t, &mut |e| out.push(e));
    stream.push(row(1, Outcome::Removed, None, ""), t, &mut |e| out.push(e));
    stream.push(Event::Paused { paused: true }, t, &mut |e| out.push(e));
    stream.push(row(2, Outcome::Removed, None, ""), t, &mut |e| out.push(e));
    stream.other(RunEvent::Released, t, &mut |e| out.push(e));
    let kinds: Vec<String> = out
        .iter()
        .map(|e| {
            serde_json::to_value(e).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(kinds, ["rows", "rows", "paused", "rows", "released"]);
    assert_eq!(rows_in(&out).len(), 3);
    assert!(
        stream.tick(t + PROGRESS_EVERY, &mut |e| out.push(e)),
        "released"
    );
    assert_eq!(out.len(), 5, "nothing after the release");
}

#[test]
fn progress_goes_a_few_times_a_second_and_never_after_what_it_preceded() {
    let t = Instant::now();
    let ms = |n: u64| t + Duration::from_millis(n);
    let mut stream = EventStream::default();
    let out = collect(
        &mut stream,
        vec![
            (progress(1), ms(0)),   // the first goes at once
            (progress(2), ms(50)),  // held
            (progress(3), ms(100)), // replaces the held one
            (Event::Paused { paused: true }, ms(120)),
            (progress(4), ms(150)), // held: one went at 120
            (row(4, Outcome::Removed, None, ""), ms(160)), // supersedes it
            (Event::Paused { paused: false }, ms(170)),
            (progress(5), ms(400)), // due
        ],
    );
    let kinds: Vec<String> = out
        .iter()
        .map(|e| {
            let v = serde_json::to_value(e).unwrap();
            match v["type"].as_str().unwrap() {
                "progress" => format!("progress {}", v["done"]),
                "paused" => format!("paused {}", v["paused"]),
                other => other.to_owned(),
            }
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "progress 1",
            "progress 3",
            "paused true",
            "rows",
            "paused false",
            "progress 5"
        ]
    );
    // The window's own last words flush what is held, too.
    let mut out = Vec::new();
    stream.push(progress(6), ms(450), &mut |e| out.push(e));
    assert!(out.is_empty(), "held");
    stream.other(RunEvent::Released, ms(460), &mut |e| out.push(e));
    assert!(matches!(
        out[..],
        [RunEvent::Progress { done: 6, .. }, RunEvent::Released]
    ));
}

#[test]
fn a_100k_row_run_sends_a_few_small_events_a_second() {
    // 100,000 rows decided over 2,000 s of a run, each followed by the engine's progress.
    let t = Instant::now();
    let mut stream = EventStream::default();
    let (mut rows, mut row_events, mut progress_events, mut bytes) = (0usize, 0, 0, 0usize);
    for i in 0..100_000u64 {
        let at = t + Duration::from_millis(i * 20);
        let gone = i % 3 == 0;
        let (outcome, status, words) = if gone {
            (Outcome::AlreadyGone, Some(404), "not on the site (404)")
        } else {
            (Outcome::Removed, Some(204), "")
        };
        for e in [row(i as usize, outcome, status, words), progress(i + 1)] {
            stream.push(e, at, &mut |ev| {
                bytes += serde_json::to_string(&ev).unwrap().len();
                match ev {
                    RunEvent::Rows { rows: r } => {
                        rows += r.len();
                        row_events += 1;
                    }
                    _ => progress_events += 1,
                }
            });
        }
    }
    stream.other(
        RunEvent::Released,
        t + Duration::from_secs(2_000),
        &mut |ev| {
            if let RunEvent::Rows { rows: r } = ev {
                rows += r.len();
            }
        },
    );
    assert_eq!(rows, 100_000);
    // 2,000 s: at most five events of rows and five of progress a second.
    assert!(row_events <= 10_001, "{row_events} events of rows");
    assert!(
        progress_events <= 10_001,
        "{progress_events} progress events"
    );
    assert!(bytes / rows < 80, "{} bytes a row", bytes / rows);
}
