//! The worker loop: takes planned rows, paces and sends removals, journals intent and outcome,
//! and streams events, until every row is decided or the run is stopped.

use super::actor::Actor;
use super::control::{ControlState, RunControl};
use super::events::{Event, EventSink, RunStatus};
use super::journal::{Journal, JournalState, Record, RESULTS_FILE};
use super::outcome::{now_rfc3339, now_seconds, Counters, Outcome, RowOutcome};
use super::pace::Pacer;
use super::plan::{Guard, Plan};
use super::results::{count, final_outcomes, write_results};
use super::retry::RetrySettings;
use super::runs::Run;
use super::verify::{verify, Verification};
use super::SweepError;
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::watch;
use tokio::time::Instant;

/// What the layer above learned before starting.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The signed-in account (never removed, whatever the plan says) and the site's live
    /// admins (removed only when unlocked).
    pub guard: Guard,
    /// Send the rows that failed before again, in this same run (see [`JournalState::reopen_failed`]).
    pub retry_failed: bool,
}

impl RunOptions {
    /// A first run or a resume: rows already decided, failed ones included, are left alone.
    pub fn new(guard: Guard) -> RunOptions {
        RunOptions {
            guard,
            retry_failed: false,
        }
    }

    /// A retry of the failed rows inside the same run (rows never decided go on as in a resume).
    pub fn retrying(guard: Guard) -> RunOptions {
        RunOptions {
            guard,
            retry_failed: true,
        }
    }
}

/// How a session of a run ended.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// Why it ended.
    pub status: RunStatus,
    /// Every plan row counted once.
    pub counters: Counters,
    /// One outcome per plan row, in plan order.
    pub outcomes: Vec<RowOutcome>,
    /// The results CSV written in the run's folder.
    pub results_path: PathBuf,
    /// The run's folder.
    pub dir: PathBuf,
    /// Words for the admin about how it ended.
    pub message: String,
    /// The plan that ran.
    pub plan: Plan,
    /// The second look at the rows reported gone (set by [`execute_verified`]).
    pub verification: Option<Verification>,
}

pub(super) struct Shared<A> {
    pub(super) actor: Arc<A>,
    pub(super) plan: Plan,
    pub(super) journal: Arc<Journal>,
    pub(super) state: Mutex<JournalState>,
    pub(super) events: EventSink,
    pub(super) control: RunControl,
    pub(super) pacer: Pacer,
    pub(super) retry: RetrySettings,
    pub(super) queue: Mutex<VecDeque<(usize, bool)>>,
    // Set once the run must end early (rejected credentials, journal failure).
    pub(super) halt: watch::Sender<bool>,
    pub(super) fatal: Mutex<Option<String>>,
    pub(super) journal_error: Mutex<Option<SweepError>>,
    pub(super) last_error: Mutex<HashMap<usize, (Option<u16>, String)>>,
    pub(super) started: Instant,
    pub(super) decided_now: AtomicU64,
}

impl<A: Actor> Shared<A> {
    /// Appends `record` and waits until it is on disk, on a blocking thread: an fsync can take
    /// long on a slow or network drive, and must not hold up the runtime's other workers.
    pub(super) async fn record(&self, record: Record) -> Result<(), ()> {
        let journal = self.journal.clone();
        let written = tokio::task::spawn_blocking(move || {
            let result = journal.append(&record);
            (record, result)
        })
        .await;
        let (record, result) = match written {
            Ok(done) => done,
            // The blocking task panicked or the runtime is shutting down: nothing can be known
            // to be on disk, so the run must not go on.
            Err(e) => {
                let run = &self.plan.run_id;
                tracing::error!(%run, error = %e, "journal write did not finish; the run stops");
                self.journal_error
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .get_or_insert(SweepError::Journal {
                        path: self.journal.path().to_path_buf(),
                        source: std::io::Error::other(e.to_string()),
                    });
                self.halt.send_replace(true);
                return Err(());
            }
        };
        if let Err(e) = result {
            let run = &self.plan.run_id;
            tracing::error!(%run, error = %e, "journal write failed; the run stops");
            self.journal_error
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get_or_insert(e);
            self.halt.send_replace(true);
            return Err(());
        }
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .apply(&record);
        Ok(())
    }

    pub(super) fn halted(&self) -> bool {
        *self.halt.borrow() || self.control.state() == ControlState::Stopped
    }

    pub(super) async fn interrupted(&self) {
        let mut halt = self.halt.subscribe();
        tokio::select! {
            _ = halt.wait_for(|h| *h) => {}
            _ = self.control.stopped() => {}
        }
    }

    /// Waits while paused; false once stopped or halted, so a halt during a pause ends the run
    /// at once instead of leaving it sitting "Paused".
    pub(super) async fn runnable(&self) -> bool {
        tokio::select! {
            go = self.control.wait_runnable() => go && !self.halted(),
            _ = self.interrupted() => false,
        }
    }

    /// Waits until this worker may send: not paused, not stopped or halted, and paced. A pause
    /// that starts during the pacing wait holds the request, and pacing starts over after the
    /// resume, so a pause never lets a burst through. False when the row must be left.
    pub(super) async fn clear_to_send(&self) -> bool {
        loop {
            if !self.runnable().await {
                return false;
            }
            tokio::select! {
                _ = self.pacer.acquire() => {}
                _ = self.interrupted() => return false,
            }
            if self.halted() {
                return false;
            }
            if self.control.state() == ControlState::Running {
                return true;
            }
        }
    }

    pub(super) fn emit(&self, event: Event) {
        (self.events)(event);
    }

    pub(super) async fn decided(&self, outcome: RowOutcome) -> Result<(), ()> {
        let event = Event::Row {
            row: outcome.row,
            account_id: outcome.account_id.clone(),
            outcome: outcome.outcome,
            http_status: outcome.http_status,
            message: outcome.message.clone(),
        };
        self.record(Record::Outcome(outcome)).await?;
        self.emit(event);
        self.progress();
        Ok(())
    }

    pub(super) fn progress(&self) {
        let (counters, done) = {
            let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            (state.counters, state.decided.len() as u64)
        };
        let total = self.plan.rows.len() as u64;
        let now_done = self.decided_now.load(Ordering::Relaxed);
        let elapsed = self.started.elapsed().as_secs_f64();
        let eta_secs = (now_done > 0 && elapsed > 0.0)
            .then(|| (total - done) as f64 * elapsed / now_done as f64);
        self.emit(Event::Progress {
            counters,
            done,
            total,
            eta_secs,
        });
    }
}

/// Runs (or resumes) `run` until every row is decided, the admin stops it, or the site rejects
/// the credentials. Every request is preceded by an intent record and followed by its outcome
/// record in the journal; results are written to the run's folder at the end.
pub async fn execute<A: Actor>(
    actor: Arc<A>,
    run: Run,
    options: RunOptions,
    control: RunControl,
    events: EventSink,
) -> Result<RunReport, SweepError> {
    let Run {
        dir,
        plan,
        journal,
        state,
    } = run;
    plan.pace.validated().map_err(SweepError::Pace)?;
    let resumed = state.sessions > 0;
    let in_flight = plan.pace.max_in_flight;
    let shared = Arc::new(Shared {
        actor,
        pacer: Pacer::new(plan.pace.max_rate),
        retry: plan.retry,
        journal: Arc::new(journal),
        state: Mutex::new(state),
        events,
        control,
        queue: Mutex::new(VecDeque::new()),
        halt: watch::Sender::new(false),
        fatal: Mutex::new(None),
        journal_error: Mutex::new(None),
        last_error: Mutex::new(HashMap::new()),
        started: Instant::now(),
        decided_now: AtomicU64::new(0),
        plan,
    });
    let guard = options.guard;
    let _ = shared
        .record(Record::Session {
            at: now_rfc3339(),
            caller_account_id: guard.caller().to_owned(),
            resumed,
            retry_failed: options.retry_failed,
        })
        .await;
    // Counted after the session record, which reopens failed rows on a retry.
    let already_decided = shared
        .state
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .decided
        .len() as u64;
    shared.emit(Event::Started {
        run_id: shared.plan.run_id.clone(),
        total: shared.plan.rows.len() as u64,
        already_decided,
    });

    // Protected rows are decided before any request, so nothing below can reach them.
    let pending: Vec<(usize, bool)> = {
        let state = shared.state.lock().unwrap_or_else(|p| p.into_inner());
        (0..shared.plan.rows.len())
            .filter(|i| !state.decided.contains_key(i))
            .map(|i| (i, state.in_doubt.contains(&i)))
            .collect()
    };
    for (i, in_doubt) in pending {
        let row = &shared.plan.rows[i];
        match shared.plan.protection(row, &guard) {
            Some(reason) if !shared.halted() => {
                let skip = RowOutcome {
                    row: i,
                    account_id: row.account_id.clone(),
                    outcome: Outcome::Skipped,
                    http_status: None,
                    message: reason,
                    finished_at: now_seconds(),
                    may_have_applied: false,
                };
                let _ = shared.decided(skip).await;
            }
            Some(_) => {}
            None => shared
                .queue
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push_back((i, in_doubt)),
        }
    }

    tracing::info!(
        run = %shared.plan.run_id,
        site = %shared.plan.site,
        admin = %shared.plan.email,
        account_id = %guard.caller(),
        rows = shared.plan.rows.len(),
        already_decided,
        to_send = shared.queue.lock().unwrap_or_else(|p| p.into_inner()).len(),
        max_rate = shared.plan.pace.max_rate,
        max_in_flight = shared.plan.pace.max_in_flight,
        resumed,
        retry_failed = options.retry_failed,
        "{}",
        match (resumed, options.retry_failed) {
            (_, true) => "run resumed to retry failed rows",
            (true, false) => "run resumed",
            (false, false) => "run started",
        }
    );
    let pause_reporter = tokio::spawn(report_pauses(
        shared.control.subscribe(),
        shared.events.clone(),
    ));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..in_flight {
        workers.spawn(super::worker::worker(shared.clone()));
    }
    while workers.join_next().await.is_some() {}
    pause_reporter.abort();

    finish(shared, dir)
        .await
        .inspect_err(|e| tracing::error!(error = %e, "the run ended on an error"))
}

/// [`execute`], then the second look: every row reported removed or already gone is looked up
/// again, the results file gets its `verified` column and a `Verified` event follows `Finished`.
/// Skipped when the site rejected the credentials (the lookups would be refused too).
pub async fn execute_verified<C: Actor>(
    client: Arc<C>,
    run: Run,
    options: RunOptions,
    control: RunControl,
    events: EventSink,
) -> Result<RunReport, SweepError> {
    let mut report = execute(client.clone(), run, options, control, events.clone()).await?;
    if report.status == RunStatus::CredentialsRejected {
        return Ok(report);
    }
    let verification = verify(client.as_ref(), report.plan.action, &report.outcomes).await;
    write_results(
        &report.results_path,
        &report.plan,
        &report.outcomes,
        Some(&verification),
    )?;
    events(Event::Verified {
        gone: verification.gone(),
        still_present: verification
            .rows
            .iter()
            .filter(|(_, v)| **v == super::verify::Verified::StillPresent)
            .map(|(row, _)| report.plan.rows[*row].account_id.clone())
            .collect(),
        not_checked: verification.not_checked(),
        message: verification.words(),
    });
    report.verification = Some(verification);
    Ok(report)
}

async fn report_pauses(mut rx: watch::Receiver<ControlState>, events: EventSink) {
    while rx.changed().await.is_ok() {
        let state = *rx.borrow_and_update();
        tracing::info!(state = ?state, "run control: pause, go on or stop");
        match state {
            ControlState::Paused => events(Event::Paused { paused: true }),
            ControlState::Running => events(Event::Paused { paused: false }),
            ControlState::Stopped => return,
        }
    }
}

async fn finish<A: Actor>(shared: Arc<Shared<A>>, dir: PathBuf) -> Result<RunReport, SweepError> {
    if let Some(e) = shared
        .journal_error
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
    {
        return Err(e);
    }
    let mut outcomes = {
        let state = shared.state.lock().unwrap_or_else(|p| p.into_inner());
        final_outcomes(&shared.plan, &state)
    };
    {
        // Undecided rows carry the last error this session saw, which says more than "not
        // confirmed".
        let last_error = shared.last_error.lock().unwrap_or_else(|p| p.into_inner());
        for o in outcomes.iter_mut().filter(|o| o.finished_at.is_empty()) {
            if let Some((status, message)) = last_error.get(&o.row) {
                o.outcome = Outcome::Failed;
                o.http_status = *status;
                o.message = message.clone();
            }
        }
    }
    let counters = count(&outcomes);
    let fatal = shared
        .fatal
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let (status, message) = match fatal {
        Some(message) => (RunStatus::CredentialsRejected, message),
        None if counters.failed + counters.not_attempted > 0
            && shared.control.state() == ControlState::Stopped =>
        {
            (
                RunStatus::Stopped,
                "Stopped. Rows not yet tried are listed as not attempted; resume the run to go on."
                    .into(),
            )
        }
        None => (RunStatus::Completed, "Every row is decided.".into()),
    };
    shared
        .record(Record::Finished {
            at: now_rfc3339(),
            status,
            counters,
        })
        .await
        .map_err(|()| {
            shared
                .journal_error
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take()
                .expect("record failed with an error")
        })?;
    let results_path = dir.join(RESULTS_FILE);
    // A results file of many rows takes a while to write: off the runtime's workers too.
    let outcomes = {
        let (shared, path, dir) = (shared.clone(), results_path.clone(), dir.clone());
        tokio::task::spawn_blocking(move || {
            write_results(&path, &shared.plan, &outcomes, None)?;
            // The history's line for this run, so listing runs never re-reads this journal.
            let state = shared.state.lock().unwrap_or_else(|p| p.into_inner());
            super::run_summary::write_summary(&dir, &shared.plan, &state);
            Ok::<_, SweepError>(outcomes)
        })
        .await
        .map_err(|e| SweepError::Results {
            path: results_path.clone(),
            detail: e.to_string(),
        })??
    };
    // Rows tried this session but not settled (in doubt, or cut short while retrying) end
    // "failed": tell the window which, so every row it shows without an outcome was never tried.
    // At most the rows that were in flight or waiting to retry, never the whole plan.
    for o in outcomes
        .iter()
        .filter(|o| o.finished_at.is_empty() && o.outcome == Outcome::Failed)
    {
        shared.emit(Event::Row {
            row: o.row,
            account_id: o.account_id.clone(),
            outcome: o.outcome,
            http_status: o.http_status,
            message: o.message.clone(),
        });
    }
    tracing::info!(
        run = %shared.plan.run_id,
        status = ?status,
        removed = counters.removed,
        already_gone = counters.already_gone,
        cannot_remove = counters.cannot_remove,
        skipped = counters.skipped,
        failed = counters.failed,
        not_attempted = counters.not_attempted,
        duration_secs = shared.started.elapsed().as_secs(),
        "run ended"
    );
    shared.emit(Event::Finished {
        status,
        counters,
        message: message.clone(),
    });
    Ok(RunReport {
        status,
        counters,
        outcomes,
        results_path,
        dir,
        message,
        plan: shared.plan.clone(),
        verification: None,
    })
}
