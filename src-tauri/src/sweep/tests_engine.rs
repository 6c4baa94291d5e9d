//! The engine on a scripted site under tokio's paused clock: rules and pacing without real waits.

use super::*;
use crate::atlassian::{RateLimitInfo, TransportKind, Verdict};
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// A site whose replies are scripted per account id; anything unscripted is removed (204).
#[derive(Default)]
pub(super) struct Scripted {
    script: Mutex<HashMap<String, VecDeque<Verdict>>>,
    calls: Mutex<Vec<(String, Instant)>>,
    // How long the site takes to answer an account's requests (none: at once).
    delays: Mutex<HashMap<String, Duration>>,
    // Accounts whose action holds now (what a read-back finds), and the reads made.
    holds: Mutex<HashSet<String>>,
    reads: Mutex<Vec<String>>,
    // Accounts whose next request is carried out but whose reply is lost (a timeout).
    lose_reply: Mutex<HashSet<String>>,
    // Actions the requests carried.
    actions: Mutex<Vec<Action>>,
}

impl Scripted {
    pub(super) fn with(script: &[(&str, Vec<Verdict>)]) -> Arc<Self> {
        let s = Scripted::default();
        for (id, replies) in script {
            s.script
                .lock()
                .unwrap()
                .insert((*id).into(), replies.iter().cloned().collect());
        }
        Arc::new(s)
    }
    /// Makes every request for `id` take `delay` to be answered.
    pub(super) fn slow(&self, id: &str, delay: Duration) {
        self.delays.lock().unwrap().insert(id.into(), delay);
    }
    pub(super) fn calls(&self) -> Vec<(String, Instant)> {
        self.calls.lock().unwrap().clone()
    }
    pub(super) fn calls_for(&self, id: &str) -> usize {
        self.calls().iter().filter(|(c, _)| c == id).count()
    }
    /// Makes the next request for `id` take effect but lose its reply.
    pub(super) fn lose_reply(&self, id: &str) {
        self.lose_reply.lock().unwrap().insert(id.into());
    }
    /// Ids read back so far (one entry per id per read).
    pub(super) fn reads(&self) -> Vec<String> {
        self.reads.lock().unwrap().clone()
    }
    /// The actions the requests carried.
    pub(super) fn actions(&self) -> Vec<Action> {
        self.actions.lock().unwrap().clone()
    }
}

impl Actor for Scripted {
    async fn read_back(&self, _: Action, ids: &[String]) -> Result<HashSet<String>, Verdict> {
        self.reads.lock().unwrap().extend(ids.iter().cloned());
        let holds = self.holds.lock().unwrap();
        Ok(ids
            .iter()
            .filter(|id| holds.contains(*id))
            .cloned()
            .collect())
    }

    async fn apply(&self, action: Action, account_id: &str) -> Verdict {
        self.actions.lock().unwrap().push(action);
        self.calls
            .lock()
            .unwrap()
            .push((account_id.to_owned(), Instant::now()));
        if self.lose_reply.lock().unwrap().remove(account_id) {
            self.holds.lock().unwrap().insert(account_id.to_owned());
            return Verdict::Transport {
                kind: TransportKind::Timeout,
                message: "no reply in time".into(),
            };
        }
        let delay = self.delays.lock().unwrap().get(account_id).copied();
        if let Some(delay) = delay {
            tokio::time::sleep(delay).await;
        }
        let next = self
            .script
            .lock()
            .unwrap()
            .get_mut(account_id)
            .and_then(|q| q.pop_front());
        let verdict = next.unwrap_or(Verdict::Done { status: 204 });
        if matches!(verdict.answer(), Verdict::Done { .. }) {
            self.holds.lock().unwrap().insert(account_id.to_owned());
        }
        verdict
    }
}

pub(super) fn ids(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("712020:{i:08}-0000-4000-8000-000000000000"))
        .collect()
}

pub(super) fn plan_of(ids: &[String], rate: f64, in_flight: usize) -> Plan {
    let rows = ids.iter().map(|id| PlanRow {
        account_id: id.clone(),
        name: format!("User {id}"),
        ..PlanRow::default()
    });
    let mut plan = Plan::new("http://127.0.0.1:1", "admin@example.com", rows);
    plan.pace = PaceSettings {
        max_rate: rate,
        max_in_flight: in_flight,
    };
    plan
}

pub(super) fn collect() -> (EventSink, Arc<Mutex<Vec<Event>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    (Arc::new(move |e| s.lock().unwrap().push(e)), seen)
}

pub(super) async fn run(
    site: &Arc<Scripted>,
    dir: &Path,
    plan: Plan,
    events: EventSink,
    control: RunControl,
) -> RunReport {
    let run = Run::create(dir, plan).unwrap();
    execute(
        site.clone(),
        run,
        RunOptions::new(Guard::caller_only("me")),
        control,
        events,
    )
    .await
    .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_clean_run_removes_every_row_once_at_the_set_pace() {
    let tmp = tempfile::tempdir().unwrap();
    let site = Scripted::with(&[]);
    let ids = ids(100);
    let (events, seen) = collect();
    let t0 = Instant::now();
    let report = run(
        &site,
        tmp.path(),
        plan_of(&ids, 20.0, 8),
        events,
        RunControl::new(),
    )
    .await;
    assert_eq!(report.status, RunStatus::Completed);
    assert_eq!(report.counters.removed, 100);
    assert_eq!(report.counters.total(), 100);
    for id in &ids {
        assert_eq!(site.calls_for(id), 1);
    }
    // 100 requests at 20/s: the first at once, then one per 50 ms.
    assert_eq!(t0.elapsed(), Duration::from_millis(99 * 50));
    let results = std::fs::read_to_string(&report.results_path).unwrap();
    assert_eq!(results.lines().count(), 101);
    assert!(results.starts_with(
        "\u{feff}User id,User name,email,outcome,http_status,message,finished_at,verified\n"
    ));
    let seen = seen.lock().unwrap();
    assert!(matches!(
        seen.first(),
        Some(Event::Started {
            total: 100,
            already_decided: 0,
            ..
        })
    ));
    assert!(matches!(
        seen.last(),
        Some(Event::Finished {
            status: RunStatus::Completed,
            ..
        })
    ));
    assert_eq!(
        seen.iter()
            .filter(|e| matches!(e, Event::Row { .. }))
            .count(),
        100
    );
    let last_progress = seen.iter().rev().find_map(|e| match e {
        Event::Progress {
            done,
            total,
            eta_secs,
            ..
        } => Some((*done, *total, *eta_secs)),
        _ => None,
    });
    assert_eq!(last_progress, Some((100, 100, Some(0.0))));
}

#[tokio::test(start_paused = true)]
async fn a_rate_limit_pauses_every_worker_for_the_servers_time_then_slows_down() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(40);
    let info = RateLimitInfo {
        retry_after: Some(Duration::from_secs(5)),
        ..Default::default()
    };
    let site = Scripted::with(&[(&ids[10], vec![Verdict::RateLimited { status: 429, info }])]);
    let (events, seen) = collect();
    let report = run(
        &site,
        tmp.path(),
        plan_of(&ids, 20.0, 8),
        events,
        RunControl::new(),
    )
    .await;
    assert_eq!(report.counters.removed, 40);
    let calls = site.calls();
    let t429 = calls.iter().find(|(id, _)| id == &ids[10]).unwrap().1;
    let quiet = calls
        .iter()
        .filter(|(_, t)| *t > t429 && *t < t429 + Duration::from_secs(5))
        .count();
    assert_eq!(
        quiet, 0,
        "no request may start while the site asked us to wait"
    );
    assert_eq!(site.calls_for(&ids[10]), 2);
    let seen = seen.lock().unwrap();
    assert!(seen.iter().any(|e| matches!(
        e,
        Event::Throttled {
            wait_ms: 5000,
            status: 429,
            ..
        }
    )));
    assert!(seen
        .iter()
        .any(|e| matches!(e, Event::Pace { rate_per_sec } if *rate_per_sec == 10.0)));
    // After the pause, the halved pace holds: the next two requests are 100 ms apart.
    let after: Vec<Instant> = calls
        .iter()
        .filter(|(_, t)| *t >= t429 + Duration::from_secs(5))
        .map(|(_, t)| *t)
        .collect();
    assert_eq!(after[1] - after[0], Duration::from_millis(100));
}

#[tokio::test(start_paused = true)]
async fn a_401_stops_the_run_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(20);
    let site = Scripted::with(&[(
        &ids[4],
        vec![Verdict::Unauthorized {
            message: String::new(),
        }],
    )]);
    let (events, seen) = collect();
    let report = run(
        &site,
        tmp.path(),
        plan_of(&ids, 20.0, 1),
        events,
        RunControl::new(),
    )
    .await;
    assert_eq!(report.status, RunStatus::CredentialsRejected);
    assert_eq!(site.calls().len(), 5, "no request after the 401");
    assert_eq!(report.counters.removed, 4);
    assert_eq!(report.counters.failed, 1);
    assert_eq!(report.counters.not_attempted, 15);
    assert_eq!(report.outcomes[4].http_status, Some(401));
    assert!(matches!(
        seen.lock().unwrap().last(),
        Some(Event::Finished {
            status: RunStatus::CredentialsRejected,
            ..
        })
    ));
    // The 401 row stays undecided in the journal, so a resume with good credentials retries it.
    let state = read_state(&report.dir).unwrap();
    assert!(state.in_doubt.contains(&4) && !state.decided.contains_key(&4));
}

#[tokio::test(start_paused = true)]
async fn a_403_with_many_in_flight_stops_new_requests() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(200);
    let site = Scripted::with(&[(
        &ids[30],
        vec![Verdict::Forbidden {
            message: String::new(),
        }],
    )]);
    let report = run(
        &site,
        tmp.path(),
        plan_of(&ids, 50.0, 8),
        no_events(),
        RunControl::new(),
    )
    .await;
    assert_eq!(report.status, RunStatus::CredentialsRejected);
    let t403 = site
        .calls()
        .iter()
        .find(|(id, _)| id == &ids[30])
        .unwrap()
        .1;
    assert!(
        site.calls().iter().all(|(_, t)| *t <= t403),
        "nothing was sent after the 403 came back"
    );
    assert!(report.counters.not_attempted >= 160);
}

#[tokio::test(start_paused = true)]
async fn your_own_row_and_admins_are_never_sent() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ids = ids(3);
    ids.push("me".into());
    let mut plan = plan_of(&ids, 20.0, 2);
    plan.rows[1].org_role = "Organization admin".into();
    let site = Scripted::with(&[]);
    let report = run(
        &site,
        tmp.path(),
        plan.clone(),
        no_events(),
        RunControl::new(),
    )
    .await;
    assert_eq!(report.counters.skipped, 2);
    assert_eq!(report.counters.removed, 2);
    assert_eq!(site.calls_for("me"), 0);
    assert_eq!(site.calls_for(&ids[1]), 0);
    assert!(report.outcomes[3].message.contains("your own account"));

    // Unlocking admins lets the admin row through; never the caller.
    let tmp = tempfile::tempdir().unwrap();
    let site = Scripted::with(&[]);
    let mut plan = Plan {
        run_id: "unlocked".into(),
        ..plan
    };
    plan.unlock_admins = true;
    plan.unlocked_ids.push("me".into());
    let report = run(&site, tmp.path(), plan, no_events(), RunControl::new()).await;
    assert_eq!(site.calls_for(&ids[1]), 1);
    assert_eq!(site.calls_for("me"), 0);
    assert_eq!(report.counters.skipped, 1);
}

#[tokio::test(start_paused = true)]
async fn faults_are_retried_and_a_lost_reply_then_404_counts_as_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(4);
    let lost = Verdict::Transport {
        kind: TransportKind::Broken,
        message: "connection closed".into(),
    };
    let e500 = Verdict::ServerError {
        status: 500,
        message: String::new(),
    };
    let gone = Verdict::NotFound {
        message: String::new(),
    };
    let site = Scripted::with(&[
        (&ids[0], vec![lost.clone(), gone.clone()]),
        (
            &ids[1],
            vec![e500.clone(), e500.clone(), Verdict::Done { status: 204 }],
        ),
        (&ids[2], vec![gone.clone()]),
        (&ids[3], vec![e500.clone(); 5]),
    ]);
    let report = run(
        &site,
        tmp.path(),
        plan_of(&ids, 20.0, 4),
        no_events(),
        RunControl::new(),
    )
    .await;
    let outcome = |i: usize| report.outcomes[i].outcome;
    assert_eq!(
        [outcome(0), outcome(1), outcome(2), outcome(3)],
        [
            Outcome::Removed,
            Outcome::Removed,
            Outcome::AlreadyGone,
            Outcome::Failed
        ]
    );
    assert!(report.outcomes[0].message.contains("reply was lost"));
    assert!(report.outcomes[3].message.contains("gave up after 5 tries"));
    assert_eq!(site.calls_for(&ids[3]), 5);
    assert_eq!(report.status, RunStatus::Completed);
}

#[tokio::test(start_paused = true)]
async fn a_resumed_run_settles_rows_in_doubt_and_never_resends_decided_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(5);
    let plan = plan_of(&ids, 20.0, 2);
    let dir = {
        let run = Run::create(tmp.path(), plan).unwrap();
        // As a killed run leaves it: row 0 decided, row 1 sent without an answer.
        run.journal
            .append(&Record::Session {
                at: "t".into(),
                caller_account_id: "me".into(),
                resumed: false,
                retry_failed: false,
            })
            .unwrap();
        for (row, rec) in [(0, true), (1, false)] {
            run.journal
                .append(&Record::Intent {
                    row,
                    attempt: 1,
                    at: "t".into(),
                })
                .unwrap();
            if rec {
                let o = RowOutcome {
                    row,
                    account_id: ids[row].clone(),
                    outcome: Outcome::Removed,
                    http_status: Some(204),
                    message: String::new(),
                    finished_at: "t".into(),
                    may_have_applied: false,
                };
                run.journal.append(&Record::Outcome(o)).unwrap();
            }
        }
        run.dir
    };
    let site = Scripted::with(&[(
        &ids[1],
        vec![Verdict::NotFound {
            message: String::new(),
        }],
    )]);
    let (events, seen) = collect();
    let run = Run::open(&dir).unwrap();
    let report = execute(
        site.clone(),
        run,
        RunOptions::new(Guard::caller_only("me")),
        RunControl::new(),
        events,
    )
    .await
    .unwrap();
    assert_eq!(
        site.calls_for(&ids[0]),
        0,
        "a decided row is never sent again"
    );
    assert_eq!(
        report.outcomes[1].outcome,
        Outcome::Removed,
        "404 after an unanswered try means it worked"
    );
    assert_eq!(report.counters.removed, 5);
    assert!(matches!(
        seen.lock().unwrap().first(),
        Some(Event::Started {
            already_decided: 1,
            ..
        })
    ));
    let state = read_state(&dir).unwrap();
    assert_eq!(state.sessions, 2);
    assert_eq!(state.decided.len(), 5);
}

#[tokio::test(start_paused = true)]
async fn stop_leaves_the_rest_not_attempted_and_resume_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(10);
    let site = Scripted::with(&[]);
    let control = RunControl::new();
    let stopper = control.clone();
    let events: EventSink = Arc::new(move |e| {
        if let Event::Progress { done: 3, .. } = e {
            stopper.stop();
        }
    });
    let report = run(&site, tmp.path(), plan_of(&ids, 20.0, 1), events, control).await;
    assert_eq!(report.status, RunStatus::Stopped);
    assert_eq!(site.calls().len(), 3);
    assert_eq!(report.counters.removed, 3);
    assert_eq!(report.counters.not_attempted, 7);
    let runs = list_runs(tmp.path());
    assert_eq!(runs.len(), 1);
    assert!(runs[0].resumable);
    assert_eq!(runs[0].last_status, Some(RunStatus::Stopped));

    let run = Run::open(&report.dir).unwrap();
    let report = execute(
        site.clone(),
        run,
        RunOptions::new(Guard::caller_only("me")),
        RunControl::new(),
        no_events(),
    )
    .await
    .unwrap();
    assert_eq!(report.counters.removed, 10);
    assert_eq!(
        site.calls().len(),
        10,
        "every row sent exactly once across both sessions"
    );
    assert!(!list_runs(tmp.path())[0].resumable);
}

#[tokio::test(start_paused = true)]
async fn pause_holds_new_requests_until_resume() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(6);
    let site = Scripted::with(&[]);
    let control = RunControl::new();
    let driver = control.clone();
    let paused_at = Arc::new(Mutex::new(None));
    let p = paused_at.clone();
    let (inner, seen) = collect();
    let events: EventSink = Arc::new(move |e| {
        if let Event::Progress { done: 2, .. } = e {
            driver.pause();
            *p.lock().unwrap() = Some(Instant::now());
            let d = driver.clone();
            // Virtual time: the resume comes 10 s later on the paused clock.
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(10)).await;
                d.resume();
            });
        }
        inner(e)
    });
    let report = run(&site, tmp.path(), plan_of(&ids, 20.0, 1), events, control).await;
    assert_eq!(report.counters.removed, 6);
    let t = paused_at.lock().unwrap().unwrap();
    let calls = site.calls();
    assert_eq!(calls.iter().filter(|(_, c)| *c <= t).count(), 2);
    assert!(calls
        .iter()
        .filter(|(_, c)| *c > t)
        .all(|(_, c)| *c >= t + Duration::from_secs(10)));
    let seen = seen.lock().unwrap();
    assert!(seen
        .iter()
        .any(|e| matches!(e, Event::Paused { paused: true })));
    assert!(seen
        .iter()
        .any(|e| matches!(e, Event::Paused { paused: false })));
}
