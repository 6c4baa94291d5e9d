//! The parallel dry run against a scripted lookup under tokio's paused clock: every id looked up
//! once, the classification of a plain sequential pass, and cancel, rate limits and errors
//! judged by the order of what the lookup saw, never by real time.

use super::lookups::{CHUNK, MAX_WAITS};
use super::*;
use crate::atlassian::RateLimitInfo;
use crate::sweep::{ControlState, PaceSettings, PlanRow};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::time::Instant;

/// What the fake site saw, in order.
#[derive(Debug, Clone)]
enum Seen {
    /// A lookup started, for these ids, in this state of the run's control.
    Start(Vec<String>, Instant, ControlState),
    /// A lookup answered these ids.
    Answered(Vec<String>),
    /// A lookup failed (429 or an error) at this time.
    Failed(Instant),
}

/// A site with `users`, answering each lookup after `delay`, failing scripted chunks first.
struct FakeSite {
    users: HashMap<String, SiteUser>,
    delay: fn(&[String]) -> Duration,
    /// Errors a chunk answers (by its first id) before it answers normally.
    failures: Mutex<HashMap<String, VecDeque<AtlassianError>>>,
    /// Calls never answer: they wait until the dry run drops them.
    hold: bool,
    control: RunControl,
    seen: Mutex<Vec<Seen>>,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    /// One permit per call started.
    started: Semaphore,
}

impl FakeSite {
    fn new(users: Vec<SiteUser>, control: &RunControl) -> FakeSite {
        FakeSite {
            users: users
                .into_iter()
                .map(|u| (canonical_account_id(&u.account_id), u))
                .collect(),
            delay: |_| Duration::from_millis(20),
            failures: Mutex::default(),
            hold: false,
            control: control.clone(),
            seen: Mutex::default(),
            in_flight: AtomicUsize::new(0),
            most_in_flight: AtomicUsize::new(0),
            started: Semaphore::new(0),
        }
    }

    fn fail_first(&self, first_id: &str, errors: Vec<AtlassianError>) {
        self.failures
            .lock()
            .unwrap()
            .insert(first_id.to_owned(), errors.into());
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// How many times each id was answered.
    fn answers(&self) -> HashMap<String, usize> {
        let mut n = HashMap::new();
        for s in self.seen() {
            if let Seen::Answered(ids) = s {
                for id in ids {
                    *n.entry(id).or_default() += 1;
                }
            }
        }
        n
    }

    fn starts(&self) -> usize {
        let seen = self.seen();
        seen.iter().filter(|s| matches!(s, Seen::Start(..))).count()
    }
}

/// Counts a call in flight until it ends or is dropped.
struct Gauge<'a>(&'a AtomicUsize);

impl Drop for Gauge<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Lookup for FakeSite {
    async fn lookup(&self, ids: &[String]) -> Result<Vec<SiteUser>, AtlassianError> {
        let now = Instant::now();
        let state = self.control.state();
        self.seen
            .lock()
            .unwrap()
            .push(Seen::Start(ids.to_vec(), now, state));
        let n = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_in_flight.fetch_max(n, Ordering::SeqCst);
        let _gauge = Gauge(&self.in_flight);
        self.started.add_permits(1);
        if self.hold {
            std::future::pending::<()>().await;
        }
        tokio::time::sleep((self.delay)(ids)).await;
        let failure = self
            .failures
            .lock()
            .unwrap()
            .get_mut(&ids[0])
            .and_then(VecDeque::pop_front);
        if let Some(e) = failure {
            self.seen.lock().unwrap().push(Seen::Failed(Instant::now()));
            return Err(e);
        }
        self.seen.lock().unwrap().push(Seen::Answered(ids.to_vec()));
        Ok(ids
            .iter()
            .filter_map(|id| self.users.get(&canonical_account_id(id)).cloned())
            .collect())
    }
}

fn ids(n: usize) -> Vec<String> {
    // 24 hex digits: case-free ids, as Atlassian's older ones are.
    (0..n)
        .map(|i| format!("5b10ac8d82e05b22cc7d{i:04x}"))
        .collect()
}

fn plan_of(ids: &[String]) -> Plan {
    let rows = ids.iter().map(|id| PlanRow {
        account_id: id.clone(),
        name: format!("User {id}"),
        ..PlanRow::default()
    });
    Plan::new("http://127.0.0.1:1", "admin@example.com", rows)
}

fn user(id: &str, account_type: &str) -> SiteUser {
    SiteUser {
        account_id: id.into(),
        account_type: account_type.into(),
        display_name: format!("Name of {id}"),
        email_address: None,
        active: true,
    }
}

/// Everyone on the site, as ordinary accounts.
fn everyone(ids: &[String]) -> Vec<SiteUser> {
    ids.iter().map(|id| user(id, "atlassian")).collect()
}

fn options(control: &RunControl, in_flight: usize) -> PreflightOptions<'static> {
    PreflightOptions {
        pace: PaceSettings {
            max_rate: 1000.0,
            max_in_flight: in_flight,
        },
        control: control.clone(),
        progress: &|_| {},
    }
}

/// The dry run as one pass would make it: each row protected, or classified by the site's users.
fn reference(plan: &Plan, guard: &Guard, site: &[SiteUser]) -> PreflightReport {
    let by_id: HashMap<String, &SiteUser> = site
        .iter()
        .map(|u| (canonical_account_id(&u.account_id), u))
        .collect();
    let mut report = PreflightReport::default();
    for (i, row) in plan.rows.iter().enumerate() {
        let on_site = by_id.get(&canonical_account_id(&row.account_id));
        let (presence, detail) = match (plan.protection(row, guard), on_site) {
            (Some(reason), _) => (Presence::Protected, reason),
            (None, None) => (Presence::AlreadyGone, String::new()),
            (None, Some(u)) => match u.account_type.as_str() {
                "app" => (Presence::AppAccount, u.display_name.clone()),
                "customer" => (Presence::CustomerAccount, u.display_name.clone()),
                _ => (Presence::Exists, u.display_name.clone()),
            },
        };
        *match presence {
            Presence::Exists => &mut report.exists,
            Presence::AlreadyGone => &mut report.already_gone,
            Presence::AppAccount => &mut report.app_accounts,
            Presence::CustomerAccount => &mut report.customer_accounts,
            Presence::Protected => &mut report.protected,
        } += 1;
        report.rows.push(PreflightRow {
            row: i,
            account_id: row.account_id.clone(),
            presence,
            detail,
        });
    }
    report
}

#[tokio::test(start_paused = true)]
async fn the_dry_run_classifies_without_removing() {
    let ids = ids(5);
    let lookup = FakeSite::new(
        vec![
            user(&ids[0], "atlassian"),
            user(&ids[1], "app"),
            user(&ids[2], "customer"),
        ],
        &RunControl::new(),
    );
    let mut plan = plan_of(&ids);
    plan.rows[4].account_id = "me".into();
    let report = preflight(
        &lookup,
        &plan,
        &Guard::caller_only("me"),
        &PreflightOptions::quiet(),
    )
    .await
    .unwrap()
    .unwrap();
    let kinds: Vec<Presence> = report.rows.iter().map(|r| r.presence).collect();
    assert_eq!(
        kinds,
        vec![
            Presence::Exists,
            Presence::AppAccount,
            Presence::CustomerAccount,
            Presence::AlreadyGone,
            Presence::Protected
        ]
    );
    assert_eq!(
        (
            report.exists,
            report.app_accounts,
            report.customer_accounts,
            report.already_gone,
            report.protected
        ),
        (1, 1, 1, 1, 1)
    );
}

#[tokio::test(start_paused = true)]
async fn parallel_lookups_classify_as_one_sequential_pass_and_ask_each_id_once() {
    let ids = ids(1234);
    // Every kind of row, protected ones (the caller, a live site admin, an export's org role),
    // and ids the export upper-cased while the site answers them in lower case.
    let mut site = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        match i % 5 {
            0 | 4 => site.push(user(id, "atlassian")),
            1 => site.push(user(id, "app")),
            2 => site.push(user(id, "customer")),
            _ => {}
        }
    }
    let mut plan = plan_of(&ids);
    plan.rows[13].org_role = "Organization admin".into();
    for i in (0..ids.len()).step_by(17) {
        plan.rows[i].account_id = ids[i].to_ascii_uppercase();
    }
    let guard = Guard::new(&ids[7], [&ids[11]]);
    let control = RunControl::new();
    let mut lookup = FakeSite::new(site.clone(), &control);
    // Later chunks answer first: the report must not depend on the order replies come in.
    lookup.delay =
        |ids| Duration::from_millis(200 - u64::from_str_radix(&ids[0][20..], 16).unwrap() / 10);
    let report = preflight(&lookup, &plan, &guard, &options(&control, 8))
        .await
        .unwrap()
        .unwrap();
    let expected = reference(&plan, &guard, &site);
    assert_eq!(report, expected);
    assert_eq!(expected.protected, 3);
    assert!(expected.exists > 0 && expected.already_gone > 0);
    assert!(expected.app_accounts > 0 && expected.customer_accounts > 0);
    let answers = lookup.answers();
    for (i, row) in plan.rows.iter().enumerate() {
        let times = answers.get(&row.account_id).copied().unwrap_or(0);
        let protected = [7, 11, 13].contains(&i);
        assert_eq!(times, usize::from(!protected), "row {i}");
    }
    assert_eq!(lookup.starts(), (1234 - 3usize).div_ceil(CHUNK));
    assert!(lookup.most_in_flight.load(Ordering::SeqCst) > 1);
}

#[tokio::test(start_paused = true)]
async fn lookups_in_flight_stay_within_the_limit_and_progress_climbs_to_the_total() {
    let ids = ids(2050);
    let plan = plan_of(&ids);
    for limit in [1, 4, 20] {
        let control = RunControl::new();
        let lookup = FakeSite::new(everyone(&ids), &control);
        let reports = Mutex::new(Vec::new());
        let progress = |p: PreflightProgress| reports.lock().unwrap().push(p);
        let options = PreflightOptions {
            progress: &progress,
            ..options(&control, limit)
        };
        let report = preflight(&lookup, &plan, &Guard::caller_only("me"), &options)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(report.exists, 2050);
        assert_eq!(lookup.most_in_flight.load(Ordering::SeqCst), limit);
        assert!(lookup.answers().values().all(|n| *n == 1));
        assert_eq!(lookup.answers().len(), 2050);
        let reports = reports.into_inner().unwrap();
        assert_eq!(reports.len(), 21 + 1, "at the start and after each chunk");
        assert_eq!(reports[0].looked_up, 0);
        assert!(reports.iter().all(|p| p.to_look_up == 2050));
        assert!(reports.windows(2).all(|w| w[0].looked_up < w[1].looked_up));
        assert_eq!(reports.last().unwrap().looked_up, 2050);
    }
}

#[tokio::test(start_paused = true)]
async fn a_stop_drops_the_lookups_in_flight_and_starts_no_more() {
    let ids = ids(1000);
    let control = RunControl::new();
    let mut lookup = FakeSite::new(everyone(&ids), &control);
    lookup.hold = true;
    let options = options(&control, 3);
    let stopped_at = Mutex::new(None);
    let driver = async {
        // Three lookups are held in flight, and seven chunks wait for a lane.
        let _ = lookup.started.acquire_many(3).await.unwrap();
        control.stop();
        *stopped_at.lock().unwrap() = Some(Instant::now());
    };
    let (plan, guard) = (plan_of(&ids), Guard::caller_only("me"));
    // Paused clock: a dry run that waited for the held lookups would end here, not hang.
    let both = async { tokio::join!(preflight(&lookup, &plan, &guard, &options), driver) };
    let (report, ()) = tokio::time::timeout(Duration::from_secs(3600), both)
        .await
        .expect("the dry run ended without its lookups in flight");
    assert_eq!(report.unwrap(), None);
    assert_eq!(Some(Instant::now()), *stopped_at.lock().unwrap(), "no wait");
    assert_eq!(lookup.starts(), 3, "nothing started after the stop");
    assert_eq!(lookup.in_flight.load(Ordering::SeqCst), 0, "dropped");
    assert!(lookup
        .seen()
        .iter()
        .all(|s| !matches!(s, Seen::Start(_, _, ControlState::Stopped))));
}

#[tokio::test(start_paused = true)]
async fn a_lookup_due_at_the_moment_of_a_stop_is_not_sent() {
    let ids = ids(300);
    let control = RunControl::new();
    let mut lookup = FakeSite::new(everyone(&ids), &control);
    // The first reply comes just as the second lane's token is due: the same wake-up.
    lookup.delay = |_| Duration::from_millis(100);
    let stopper = control.clone();
    let progress = move |p: PreflightProgress| {
        if p.looked_up > 0 {
            stopper.stop();
        }
    };
    let options = PreflightOptions {
        pace: PaceSettings {
            max_rate: 10.0,
            max_in_flight: 2,
        },
        progress: &progress,
        ..options(&control, 2)
    };
    let report = preflight(&lookup, &plan_of(&ids), &Guard::caller_only("me"), &options).await;
    assert_eq!(report.unwrap(), None);
    assert_eq!(lookup.starts(), 1, "nothing started after the stop");
}

#[tokio::test(start_paused = true)]
async fn a_rate_limit_on_one_chunk_pauses_every_lookup_then_the_report_is_whole() {
    let ids = ids(1000);
    let control = RunControl::new();
    let lookup = FakeSite::new(everyone(&ids), &control);
    let wait = Duration::from_secs(5);
    let limited = AtlassianError::RateLimited {
        status: 429,
        info: RateLimitInfo {
            retry_after: Some(wait),
            ..RateLimitInfo::default()
        },
    };
    lookup.fail_first(&ids[300], vec![limited]);
    let report = preflight(
        &lookup,
        &plan_of(&ids),
        &Guard::caller_only("me"),
        &options(&control, 4),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(report.exists, 1000);
    assert!(lookup.answers().values().all(|n| *n == 1));
    assert_eq!(lookup.answers().len(), 1000);
    let seen = lookup.seen();
    let at = seen
        .iter()
        .position(|s| matches!(s, Seen::Failed(_)))
        .unwrap();
    let Seen::Failed(limited_at) = seen[at] else {
        unreachable!()
    };
    let later: Vec<Instant> = seen[at..]
        .iter()
        .filter_map(|s| match s {
            Seen::Start(_, t, _) => Some(*t),
            _ => None,
        })
        .collect();
    assert!(!later.is_empty(), "chunks were left after the 429");
    assert!(
        later.iter().all(|t| *t >= limited_at + wait),
        "no lookup started during the pause"
    );
    assert_eq!(lookup.starts(), 11, "ten chunks, one of them twice");
}

#[tokio::test(start_paused = true)]
async fn rate_limit_waits_per_chunk_are_bounded() {
    let ids = ids(150);
    let control = RunControl::new();
    let lookup = FakeSite::new(everyone(&ids), &control);
    let limited = || AtlassianError::RateLimited {
        status: 429,
        info: RateLimitInfo {
            retry_after: Some(Duration::from_secs(1)),
            ..RateLimitInfo::default()
        },
    };
    lookup.fail_first(&ids[0], (0..100).map(|_| limited()).collect());
    let result = preflight(
        &lookup,
        &plan_of(&ids),
        &Guard::caller_only("me"),
        &options(&control, 2),
    )
    .await;
    assert!(matches!(result, Err(AtlassianError::RateLimited { .. })));
    let first_chunk = |s: &Seen| matches!(s, Seen::Start(ids_, ..) if ids_[0] == ids[0]);
    let tries = lookup.seen().iter().filter(|s| first_chunk(s)).count();
    assert_eq!(tries as u32, MAX_WAITS + 1);
}

#[tokio::test(start_paused = true)]
async fn the_first_error_stops_new_lookups_and_is_returned() {
    let ids = ids(2000);
    let control = RunControl::new();
    let mut lookup = FakeSite::new(everyone(&ids), &control);
    // Uneven replies, so lookups are in flight when the error comes.
    lookup.delay =
        |ids| Duration::from_millis(10 + u64::from_str_radix(&ids[0][20..], 16).unwrap() % 37);
    lookup.fail_first(&ids[500], vec![AtlassianError::Unauthorized]);
    let result = preflight(
        &lookup,
        &plan_of(&ids),
        &Guard::caller_only("me"),
        &options(&control, 4),
    )
    .await;
    assert!(matches!(result, Err(AtlassianError::Unauthorized)));
    let seen = lookup.seen();
    let at = seen
        .iter()
        .position(|s| matches!(s, Seen::Failed(_)))
        .unwrap();
    assert!(
        seen[at..].iter().all(|s| !matches!(s, Seen::Start(..))),
        "nothing started after the error"
    );
    assert!(lookup.starts() < 20, "the chunks after it were never asked");
    assert_eq!(lookup.in_flight.load(Ordering::SeqCst), 0, "dropped");
}

#[tokio::test(start_paused = true)]
async fn nothing_to_look_up_reports_zero_of_zero_and_asks_nothing() {
    let control = RunControl::new();
    let lookup = FakeSite::new(Vec::new(), &control);
    let reports = Mutex::new(Vec::new());
    let progress = |p: PreflightProgress| reports.lock().unwrap().push(p);
    let options = PreflightOptions {
        progress: &progress,
        ..options(&control, 4)
    };
    let plan = plan_of(&["me".to_owned()]);
    let report = preflight(&lookup, &plan, &Guard::caller_only("me"), &options)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.protected, 1);
    assert_eq!(lookup.starts(), 0);
    assert_eq!(
        reports.into_inner().unwrap(),
        vec![PreflightProgress {
            looked_up: 0,
            to_look_up: 0
        }]
    );
}

#[test]
fn the_lookup_future_can_run_on_any_thread() {
    fn is_send<T: Send>(_: &T) {}
    let lookup = FakeSite::new(Vec::new(), &RunControl::new());
    let plan = plan_of(&[]);
    let guard = Guard::caller_only("me");
    let options = PreflightOptions::quiet();
    is_send(&preflight(&lookup, &plan, &guard, &options));
}
