//! Torture suite (issue 4, sized for CI): R1 a thousand users through a fault mix and 429
//! bursts, R2 a run SIGKILLed at six chosen points and resumed each time, R5 a leak scan of the
//! CLI and of the window's commands. Everything talks HTTP to the practice site on 127.0.0.1.

mod common;

use base64::Engine;
use common::*;
use offboard::app::dto::RunEvent;
use offboard::app::state::RunSink;
use offboard::app::AppState;
use offboard::practice::{Faults, PracticeConfig};
use offboard::sweep::{read_plan, read_state, PaceSettings};
use offboard::vault::MemoryStore;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Plan row index of each account id.
fn row_of(dir: &std::path::Path) -> HashMap<String, usize> {
    let plan = read_plan(dir).unwrap();
    plan.rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.account_id.clone(), i))
        .collect()
}

/// `OFFBOARD_TORTURE_SCALE` (1 to 5, default 1) multiplies R1's users: `TORTURE=5 bench/run`
/// is the long mode; CI runs the default size.
fn scale() -> usize {
    std::env::var("OFFBOARD_TORTURE_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
        .clamp(1, 5)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r1_a_thousand_users_through_faults_and_429_bursts_lose_nothing() {
    let mut config = PracticeConfig::generated(1000 * scale(), 41);
    config.retry_after_secs = 1;
    // Every 503 with Retry-After (like every 429 burst) halves the client's pace, which climbs
    // back by 1/s each second: a few of them keep a 1,000-user run short; most 503s are bare.
    config.faults = Faults {
        p_503_retry_after: 0.002,
        p_503_bare: 0.048,
        p_500: 0.0,
        p_drop: 0.02,
        p_slow: 0.02,
        slow_delay: Duration::from_millis(1500),
    };
    // Latency keeps a few requests in flight, so a drop of the limit answers them all with 429:
    // one burst, one slow-down of the client.
    config.latency = Duration::from_millis(100);
    config.latency_jitter = Duration::from_millis(50);
    let setup = Setup::start(config).await;
    // The 429 burst: once half the users are gone, the site's limit drops to one request per
    // 10 s until three requests have met it.
    let burst = {
        let site = setup.site.clone();
        tokio::spawn(async move {
            let throttled = || {
                let r = site.record();
                r.iter().filter(|r| r.status == Some(429)).count()
            };
            poll_until(120, "progress", || site.applied_deletes() >= 500).await;
            site.set_rate(Some(0.1));
            poll_until(60, "a 429 burst", || throttled() >= 3).await;
            site.set_rate(None);
        })
    };
    let copy = setup.tmp.path().join("results.csv");
    let out = run(setup.delete_cmd(&[
        "--yes",
        "--max-rate",
        "50",
        "--timeout",
        "1",
        "--results",
        copy.to_str().unwrap(),
    ]))
    .await;
    let code = out.status.code();
    assert!(matches!(code, Some(0 | 1)), "{}", texts(&out).1);
    burst.await.expect("the 429 burst happened");
    let dir = setup.run_dir();
    let plan = read_plan(&dir).unwrap();
    let rows = results(&copy);
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read(dir.join("results.csv")).unwrap()
    );
    assert_eq!(rows.len(), plan.rows.len());
    assert_eq!(plan.rows.len(), setup.config.users.len());

    // Every row has exactly one outcome in the journal, and the results file says the same.
    let records = journal_records(&dir);
    let outcomes = per_row(&records, "outcome");
    let intents = per_row(&records, "intent");
    assert_eq!(outcomes.len(), plan.rows.len());
    assert!(
        outcomes.values().all(|n| *n == 1),
        "a row was decided twice"
    );
    for r in records.iter().filter(|r| r["type"] == "outcome") {
        let (id, outcome, status, _) = &rows[r["row"].as_u64().unwrap() as usize];
        assert_eq!(r["account_id"], id.as_str());
        assert_eq!(r["outcome"], outcome.as_str(), "{id}");
        let journalled = r["http_status"].as_u64().map(|s| s.to_string());
        assert_eq!(journalled.unwrap_or_default(), *status, "{id}");
    }

    // The site's record agrees with each row's outcome, request by request.
    let seen = deletes_by_id(&setup.site.record());
    let removable: BTreeSet<String> = setup.removable().into_iter().collect();
    let (mut slow_then_404, mut drop_applied, mut drop_not_applied) = (0, 0, 0);
    let mut gave_up = Vec::new();
    for (i, (id, outcome, status, message)) in rows.iter().enumerate() {
        let sent = seen.get(id).cloned().unwrap_or_default();
        // Each request was journalled as an intent first, and none went unjournalled.
        assert_eq!(sent.len(), intents.get(&i).copied().unwrap_or(0), "{id}");
        let last = sent.last().copied().flatten().map(|s| s.to_string());
        match outcome.as_str() {
            "removed" => {
                assert!(removable.contains(id) && !setup.site.exists(id), "{id}");
                // The reply that decided the row was the last request for it.
                assert_eq!(last.as_deref(), Some(status.as_str()), "{id}: {sent:?}");
                assert_ne!(sent[0], Some(404), "{id} existed, so never 404 at first");
                let ok = sent.iter().filter(|s| **s == Some(204)).count();
                if status == "204" {
                    assert_eq!(ok, 1, "{id}: {sent:?}");
                } else {
                    // 404 after an attempt that took effect without a clear reply: a dropped
                    // connection or a reply slower than the timeout.
                    assert_eq!(status, "404", "{id}");
                    assert!(message.contains("earlier"), "{id}: {message}");
                    assert!(ok <= 1, "{id}: {sent:?}");
                    if ok == 1 {
                        slow_then_404 += 1;
                    } else {
                        assert!(sent.contains(&None), "{id}: {sent:?}");
                        drop_applied += 1;
                    }
                }
                // A drop followed by a 204 was one that changed nothing.
                drop_not_applied += sent.windows(2).filter(|w| w == &[None, Some(204)]).count();
            }
            // Five faults in a row for one row (about 0.09^5 per row, so a run in a few hundred)
            // make the engine give the row up, as designed: then the record shows the five.
            "failed" => {
                let faults = sent.iter().filter(|s| matches!(s, None | Some(503 | 204)));
                assert!(
                    faults.count() >= 5 && message.contains("gave up"),
                    "{id}: {message}"
                );
                if !setup.site.exists(id) {
                    assert!(message.contains("may have been removed"), "{id}: {message}");
                }
                gave_up.push(id.clone());
            }
            "skipped" => {
                // The caller and the site's live admins (the generated site has some).
                assert!(setup.config.site_admins.contains(id), "{id}");
                assert!(sent.is_empty(), "a protected row is never sent");
            }
            "cannot_remove" => {
                assert!(!removable.contains(id) && setup.site.exists(id), "{id}");
                assert_eq!((status.as_str(), last.as_deref()), ("400", Some("400")));
            }
            other => panic!("{id}: unexpected outcome {other}"),
        }
    }
    // Every removable user removed once on the site and reported so, bar a row given up.
    assert!(gave_up.len() <= 2, "given up: {gave_up:?}");
    assert_eq!(code, Some(i32::from(!gave_up.is_empty())));
    let removed = rows.iter().filter(|r| r.1 == "removed").count();
    let gone_anyway = gave_up.iter().filter(|id| !setup.site.exists(id)).count();
    assert_eq!(setup.site.applied_deletes(), (removed + gone_anyway) as u64);
    let kept = gave_up.iter().filter(|id| removable.contains(*id)).count();
    assert_eq!(removed + kept, removable.len());
    let s = summary(&out);
    assert_eq!(s["removed"], removed as u64);
    assert_eq!(s["failed"], gave_up.len() as u64);
    assert_eq!(s["already_gone"] + s["not_attempted"], 0);
    // The mix really happened: 429 bursts, 503s, slow replies and both kinds of drop.
    let all: Vec<Option<u16>> = seen.values().flatten().copied().collect();
    let of = |s: Option<u16>| all.iter().filter(|x| **x == s).count();
    assert!(
        of(Some(429)) > 0 && of(Some(503)) >= 20,
        "429s {} 503s {}",
        of(Some(429)),
        of(Some(503))
    );
    assert!(slow_then_404 > 0, "a reply slower than the timeout");
    assert!(
        drop_applied > 0 && drop_not_applied > 0,
        "{drop_applied} {drop_not_applied}"
    );
}

/// Where a session of R2 is killed.
#[derive(Debug, Clone, Copy)]
enum KillAt {
    /// As soon as the site has the session's first DELETE.
    FirstRequest,
    /// Once the journal holds this many decided rows.
    Decided(usize),
    /// While the newest DELETE is held by the site's latency: sent, no reply, no outcome.
    HeldByLatency,
    /// With a slow fault on every DELETE: users removed on the site, replies held back, so
    /// their outcome is not journalled yet.
    AppliedButHeld,
    /// While the run waits out a 429.
    Throttled,
}

/// Requests in flight in R2: enough to keep 50/s going through 400 ms of latency.
const IN_FLIGHT: usize = 24;

/// Waits (bounded) until the session whose requests start at `mark` in the site's record
/// reaches `point`; returns the account ids caught in flight there.
async fn reach(setup: &Setup, point: KillAt, mark: usize) -> Vec<String> {
    let session = || {
        let record = setup.site.record();
        record[mark..]
            .iter()
            .filter(|r| r.method == "DELETE")
            .map(|r| (r.account_id.clone().unwrap(), r.status))
            .collect::<Vec<_>>()
    };
    let decided = || {
        let started = std::fs::read_dir(setup.journal_dir()).is_ok_and(|mut d| d.next().is_some());
        started.then(|| read_state(&setup.run_dir()).map_or(0, |s| s.decided.len()))
    };
    let what = format!("kill point {point:?}");
    let mut caught = Vec::new();
    match point {
        KillAt::FirstRequest => poll_until(60, &what, || !session().is_empty()).await,
        KillAt::Decided(n) => poll_until(60, &what, || decided().unwrap_or(0) >= n).await,
        // The newest DELETE arrived at most a pacing step ago: its reply is ~400 ms off.
        KillAt::HeldByLatency => {
            poll_until(60, &what, || {
                let mut sent = session();
                let enough = sent.len() >= 20;
                match sent.pop() {
                    Some((id, None)) if enough => {
                        caught = vec![id];
                        true
                    }
                    _ => false,
                }
            })
            .await
        }
        // Every worker is stuck once as many DELETEs as may be in flight have their status set.
        KillAt::AppliedButHeld => {
            let held = || session().iter().filter(|(_, s)| s.is_some()).count();
            poll_until(60, &what, || held() >= IN_FLIGHT).await;
            caught = session()
                .into_iter()
                .filter(|(_, s)| *s == Some(204))
                .map(|(id, _)| id)
                .collect();
        }
        KillAt::Throttled => {
            poll_until(60, &what, || {
                caught = session()
                    .into_iter()
                    .filter(|(_, s)| *s == Some(429))
                    .map(|(id, _)| id)
                    .collect();
                !caught.is_empty()
            })
            .await
        }
    }
    caught
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r2_a_run_killed_at_six_points_and_resumed_loses_and_repeats_nothing() {
    let mut config = PracticeConfig::generated(400, 42);
    // Long, fixed latency: a DELETE seen arriving stays unanswered for 400 ms, far longer than
    // the kill takes, so "sent but not answered" is a state the test can catch on purpose.
    config.latency = Duration::from_millis(400);
    config.retry_after_secs = 1;
    let setup = Setup::start(config).await;
    let total = setup.config.users.len();
    let points = [
        KillAt::FirstRequest,
        KillAt::Decided(80),
        KillAt::HeldByLatency,
        KillAt::AppliedButHeld,
        KillAt::Throttled,
        KillAt::Decided(total - 40),
    ];
    let resume = || {
        let mut c = setup.cmd();
        c.arg("resume")
            .arg(setup.run_dir())
            .args(["--backoff-base-ms", "50"]);
        c
    };
    let mut decided_before: BTreeSet<usize> = BTreeSet::new();
    let mut checked_from = 0usize;
    for (session, point) in points.into_iter().enumerate() {
        let mark = setup.site.record().len();
        match point {
            KillAt::AppliedButHeld => setup.site.set_faults(Faults {
                p_slow: 1.0,
                slow_delay: Duration::from_secs(30),
                ..Faults::default()
            }),
            KillAt::Throttled => setup.site.set_rate(Some(0.5)),
            _ => {}
        }
        let in_flight = IN_FLIGHT.to_string();
        let mut cmd = match session {
            0 => setup.delete_cmd(&["--yes", "--max-rate", "50", "--max-in-flight", &in_flight]),
            _ => resume(),
        };
        let mut child = cmd
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let caught = reach(&setup, point, mark).await;
        child.start_kill().unwrap(); // SIGKILL
        child.wait().await.unwrap();
        setup.site.set_faults(Faults::default());
        setup.site.set_rate(None);

        let dir = setup.run_dir();
        let state = read_state(&dir).unwrap();
        assert_eq!(state.sessions as usize, session + 1, "{point:?}");
        assert!(
            state.last_status.is_none(),
            "{point:?}: killed, so no end record"
        );
        checked_from = setup.no_delete_for_decided_rows(checked_from, &decided_before);
        // What was caught in flight is in doubt in the journal: sent, not decided.
        let rows = row_of(&dir);
        for row in caught.iter().map(|id| rows[id]) {
            let in_doubt = state.in_doubt.contains(&row) && !state.decided.contains_key(&row);
            assert!(in_doubt, "{point:?}: row {row}");
        }
        if let KillAt::AppliedButHeld = point {
            // Rows left in doubt by the previous kill go first and may meet 404; the rest were
            // removed on the site with their reply held back.
            assert!(!caught.is_empty(), "no DELETE was applied and held back");
            assert!(
                caught.iter().all(|id| !setup.site.exists(id)),
                "applied on the site"
            );
        }
        let now: BTreeSet<usize> = state.decided.keys().copied().collect();
        assert!(
            now.is_superset(&decided_before),
            "{point:?}: a decision was lost"
        );
        decided_before = now;
    }

    let out = run(resume()).await;
    assert_eq!(out.status.code(), Some(0), "{}", texts(&out).1);
    setup.no_delete_for_decided_rows(checked_from, &decided_before);

    // Every row decided exactly once over seven sessions.
    let dir = setup.run_dir();
    let records = journal_records(&dir);
    let sessions = records.iter().filter(|r| r["type"] == "session").count();
    assert_eq!(sessions, points.len() + 1);
    let outcomes = per_row(&records, "outcome");
    assert_eq!(outcomes.len(), total);
    assert!(
        outcomes.values().all(|n| *n == 1),
        "a row was decided twice"
    );
    let intents = per_row(&records, "intent");

    // Nothing lost: every removable user gone and reported removed (never "already gone": each
    // existed when the run began, and a kill in flight leaves its row in doubt, not forgotten).
    let removable: BTreeSet<String> = setup.removable().into_iter().collect();
    let seen = deletes_by_id(&setup.site.record());
    for (i, (id, outcome, status, _)) in results(&dir.join("results.csv")).iter().enumerate() {
        let sent = seen.get(id).cloned().unwrap_or_default();
        let journalled = intents.get(&i).copied().unwrap_or(0);
        assert!(sent.len() <= journalled, "{id}: a DELETE without an intent");
        if removable.contains(id) {
            assert!(!setup.site.exists(id), "{id} is still on the site");
            assert_eq!(outcome, "removed", "{id}");
            // The decisive reply is the last request ever sent for the row.
            let last = sent.last().copied().flatten().map(|s| s.to_string());
            assert_eq!(last.as_deref(), Some(status.as_str()), "{id}: {sent:?}");
        }
    }
    assert_eq!(setup.site.applied_deletes(), removable.len() as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r5_the_token_is_in_no_file_output_argument_list_or_app_reply() {
    let mut config = PracticeConfig::generated(60, 43);
    config.admin_token = format!("ATATT3xLeakProbe{}", uuid::Uuid::new_v4().simple());
    // Error paths log the most: make the run meet every kind of trouble.
    config.faults = Faults {
        p_503_retry_after: 0.05,
        p_503_bare: 0.05,
        p_500: 0.1,
        p_drop: 0.05,
        ..Faults::default()
    };
    config.latency = Duration::from_millis(30);
    let setup = Setup::start(config).await;
    let token = setup.config.admin_token.clone();
    // The token as it travels: also look for the Basic header's encoding of it.
    let basic = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{token}", setup.config.admin_email));
    let needles = [token.clone(), basic];
    let leaks = |what: &str, bytes: &[u8]| {
        for n in &needles {
            assert!(
                !contains_bytes(bytes, n.as_bytes()),
                "the token leaked into {what}"
            );
        }
    };

    // CLI: a full run with trace logging; the argument list is read while it runs.
    let mut cmd = setup.delete_cmd(&["--yes", "--max-rate", "50"]);
    cmd.env("OFFBOARD_LOG", "trace")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    let pid = child.id().unwrap();
    poll_until(60, "the first DELETE", || {
        setup.site.record().iter().any(|r| r.method == "DELETE")
    })
    .await;
    let proc_file = |f: &str| std::fs::read(format!("/proc/{pid}/{f}")).unwrap();
    leaks("the argument list", &proc_file("cmdline"));
    assert!(
        contains_bytes(&proc_file("environ"), token.as_bytes()),
        "the probe reads the right process"
    );
    let out = tokio::time::timeout(Duration::from_secs(120), child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        texts(&out).1
    );
    leaks("stdout", &out.stdout);
    leaks("stderr", &out.stderr);
    assert!(out.stderr.len() > 1000, "trace logging was on");

    // The other commands that print: the history, a resume, and a rejected token (whose own
    // value must not be echoed either).
    let wrong = format!("ATATT3xWrongProbe{}", uuid::Uuid::new_v4().simple());
    let mut listing = setup.cmd();
    listing
        .arg("runs")
        .arg("--journal-dir")
        .arg(setup.journal_dir());
    let mut resume = setup.cmd();
    resume
        .arg("resume")
        .arg(setup.run_dir())
        .env("OFFBOARD_LOG", "trace");
    let mut rejected = setup.delete_cmd(&["--yes"]);
    rejected
        .env("OFFBOARD_API_TOKEN", &wrong)
        .env("OFFBOARD_LOG", "trace");
    for (name, cmd) in [
        ("runs", listing),
        ("resume", resume),
        ("a wrong token", rejected),
    ] {
        let out = run(cmd).await;
        leaks(name, &out.stdout);
        leaks(name, &out.stderr);
        assert!(
            !contains_bytes(&out.stderr, wrong.as_bytes()),
            "{name} echoed the wrong token"
        );
    }

    // The window's state, driven directly: every reply and every run event serialised.
    let mut app_config = setup.config.clone();
    // The window uses Atlassian's 2 s backoff: fewer faults keep the run short, and still some.
    app_config.faults = Faults {
        p_503_retry_after: 0.02,
        p_500: 0.05,
        p_drop: 0.03,
        ..Faults::default()
    };
    let app_site = Setup::start(app_config).await;
    let data = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    let state = AppState::new(data.path(), store.clone(), None);
    let (url, email) = (app_site.site.url(), app_site.config.admin_email.clone());
    let mut replies: Vec<String> = Vec::new();
    let mut keep = |r: serde_json::Result<String>| replies.push(r.unwrap());
    let err = state
        .connect(&url, &email, Some(wrong.clone()), true)
        .await
        .unwrap_err();
    keep(serde_json::to_string(&err));
    keep(serde_json::to_string(
        &state
            .connect(&url, &email, Some(token.clone()), true)
            .await
            .unwrap(),
    ));
    keep(serde_json::to_string(&state.saved_connections().await));
    keep(serde_json::to_string(
        &state.token_saved(&url, &email).await.unwrap(),
    ));
    keep(serde_json::to_string(&state.info()));
    keep(serde_json::to_string(
        &state.import(app_site.csv.clone()).await.unwrap(),
    ));
    let everyone: Vec<String> = app_site
        .config
        .users
        .iter()
        .map(|u| u.account_id.clone())
        .collect();
    let plan = state.prepare_plan(&everyone, &[]).await.unwrap();
    keep(serde_json::to_string(&plan));
    let plan = serde_json::to_value(&plan).unwrap();
    let (plan_id, phrase) = (
        plan["planId"].as_str().unwrap().to_owned(),
        plan["phrase"].as_str().unwrap().to_owned(),
    );
    keep(serde_json::to_string(
        &state.preflight(&plan_id).await.unwrap(),
    ));
    let events: Arc<Mutex<Vec<RunEvent>>> = Arc::default();
    let sink: RunSink = {
        let events = events.clone();
        Arc::new(move |e| events.lock().unwrap().push(e))
    };
    let pace = PaceSettings {
        max_rate: 50.0,
        max_in_flight: 8,
    };
    let started = state
        .start(&plan_id, &phrase, pace, None, sink.clone())
        .await
        .unwrap();
    keep(serde_json::to_string(&started));
    let idle = || state.active_run().is_none();
    poll_until(120, "the window's run to end", idle).await;
    keep(serde_json::to_string(&state.runs().await));
    keep(serde_json::to_string(
        &state.results_file(&started.run_id).unwrap(),
    ));
    // Resuming a finished run: whatever the reply, it is scanned too.
    match state.continue_run(&started.run_id, false, None, sink).await {
        Ok(again) => keep(serde_json::to_string(&again)),
        Err(e) => keep(serde_json::to_string(&e)),
    }
    poll_until(60, "the window's resume to end", idle).await;
    keep(serde_json::to_string(&state.pause().unwrap_err()));
    keep(serde_json::to_string(
        &state.connect(&url, &email, None, false).await.unwrap(),
    ));
    state.forget_connection(&url, &email).await.unwrap();
    keep(serde_json::to_string(&state.saved_connections().await));
    let events = events.lock().unwrap();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, RunEvent::Retrying { .. })),
        "the faults were met"
    );
    for e in events.iter() {
        replies.push(serde_json::to_string(e).unwrap());
    }
    for (i, reply) in replies.iter().enumerate() {
        leaks(&format!("app reply #{i}"), reply.as_bytes());
        assert!(
            !reply.contains(&wrong),
            "app reply #{i} echoed the wrong token"
        );
    }

    // No file the CLI or the window wrote: data folders, plans, journals, results, connections.
    let files: Vec<_> = [setup.tmp.path(), app_site.tmp.path(), data.path()]
        .into_iter()
        .flat_map(files_under)
        .collect();
    for f in &files {
        leaks(&f.display().to_string(), &std::fs::read(f).unwrap());
    }
    assert!(files.len() >= 8, "the runs' files were scanned: {files:?}");
}
