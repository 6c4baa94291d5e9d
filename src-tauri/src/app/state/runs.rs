//! Starting, steering and listing runs: a run or rehearsal starts only on the confirmation of
//! the current plan, with the site's admins (or, in organization mode, the plan's people) read
//! again just before. Site and organization runs share this machinery: only the connection the
//! engine acts through differs.

use super::org_plan::connect_to_run_place;
use super::run_stream::{started_dto, EventStream, HeldRows, PROGRESS_EVERY};
use super::{AppState, RunSink};
use crate::app::dto::{RunEvent, RunStartedDto, RunSummaryDto};
use crate::app::error::AppError;
use crate::session::org::{live_guard, OrgConnection};
use crate::session::{require_site_admins, Connection, SessionError};
use crate::sweep::{
    self, list_runs, Guard, PaceSettings, Plan, Run, RunControl, RunOptions, RunReport, SweepError,
};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The connection a run acts through: a site's (removals) or an organization's directory.
enum Link {
    Site(Connection),
    Org(OrgConnection),
}

impl Link {
    /// Where the rows go now (a resumed practice run's site has a new address).
    fn place(&self) -> String {
        match self {
            Link::Site(conn) => conn.client.site().base_url().to_owned(),
            Link::Org(conn) => conn.api(),
        }
    }

    /// Runs the engine (with its verification) through this connection's client.
    async fn execute(
        self,
        run: Run,
        options: RunOptions,
        control: RunControl,
        events: sweep::EventSink,
    ) -> Result<RunReport, SweepError> {
        match self {
            Link::Site(conn) => {
                sweep::execute_verified(Arc::new(conn.client), run, options, control, events).await
            }
            Link::Org(conn) => {
                sweep::execute_verified(Arc::new(conn.client), run, options, control, events).await
            }
        }
    }
}

impl AppState {
    /// Starts the run of the current plan, if `phrase` is its phrase; progress goes to `sink`.
    /// `held`: the rows the page holds already, not sent again when they are the plan's.
    pub async fn start(
        &self,
        plan_id: &str,
        phrase: &str,
        pace: PaceSettings,
        held: Option<HeldRows>,
        sink: RunSink,
    ) -> Result<RunStartedDto, AppError> {
        let pace = pace
            .validated()
            .map_err(|e| AppError::new("bad_pace", e).at("pace"))?;
        self.start_plan(plan_id, phrase, pace, false, held, sink)
            .await
    }

    /// Removes the one person of the current rehearsal plan, if `phrase` is its phrase.
    pub async fn rehearse(
        &self,
        plan_id: &str,
        phrase: &str,
        held: Option<HeldRows>,
        sink: RunSink,
    ) -> Result<RunStartedDto, AppError> {
        self.start_plan(plan_id, phrase, PaceSettings::default(), true, held, sink)
            .await
            .map_err(|e| {
                if e.field == Some("confirm") {
                    e.at("rehearse")
                } else {
                    e
                }
            })
    }

    async fn start_plan(
        &self,
        plan_id: &str,
        phrase: &str,
        pace: PaceSettings,
        rehearsal: bool,
        held: Option<HeldRows>,
        sink: RunSink,
    ) -> Result<RunStartedDto, AppError> {
        let prepared = self.current_plan(plan_id, rehearsal)?;
        prepared.confirm(plan_id, phrase)?;
        let (link, guard) = if prepared.plan.action.is_org() {
            let conn = self.org_connected()?;
            self.ensure_idle()?;
            // The people as the directory says now, not as at Review: a change in who is
            // protected voids the phrase.
            let guard = live_guard(&conn, &prepared.plan, Some(&prepared)).await?;
            (Link::Org(conn), guard)
        } else {
            let conn = self.connected()?;
            self.ensure_idle()?;
            // The site's admins now, not as they were at Review: a change voids the phrase.
            let admins = require_site_admins(&conn.client).await?;
            let guard = prepared.still_holds(&conn, &admins)?;
            (Link::Site(conn), guard)
        };
        let mut plan = prepared.plan.clone();
        plan.pace = pace;
        let _starting = self.starting.lock().unwrap_or_else(|p| p.into_inner());
        {
            // Consumed: one typed phrase arms one run; and still the current plan?
            let mut s = self.session();
            let slot = if rehearsal {
                &mut s.rehearsal_plan
            } else {
                &mut s.run_plan
            };
            if slot.as_ref().is_none_or(|p| p.id != plan_id) {
                return Err(SessionError::StalePlan.into());
            }
            *slot = None;
        }
        self.ensure_idle()?;
        let run = Run::create(&self.runs_dir, plan)?;
        Ok(self.launch(link, RunOptions::new(guard), run, held, sink))
    }

    /// Goes on with a run cut short, with the connection checked for its site and email (for a
    /// practice run: the practice site running now, whatever its address was); an organization
    /// run, with the connection to its organization and directory. With
    /// `retry_failed` its failed rows are sent again too, in this same run, so a row whose
    /// earlier reply was lost and is now gone is reported removed, and the journal keeps one
    /// record of every decision. `held`: the rows the page holds already (the run on screen).
    pub async fn continue_run(
        &self,
        run_id: &str,
        retry_failed: bool,
        held: Option<HeldRows>,
        sink: RunSink,
    ) -> Result<RunStartedDto, AppError> {
        self.ensure_idle()?;
        let dir = self.run_dir(run_id)?;
        let mut run = Run::open(&dir)?;
        let practice_run = self.is_practice_run(run.plan.practice, &run.plan.site);
        self.may_resume_here(practice_run, &run.plan.site)?;
        let (link, guard) = if run.plan.action.is_org() {
            let conn = self.org_for_run(&run.plan, practice_run)?;
            let guard = if conn.api() == run.plan.site {
                live_guard(&conn, &run.plan, None).await?
            } else {
                // A practice organization keeps its people across launches, not its address.
                let mut here = run.plan.clone();
                here.site = conn.api();
                live_guard(&conn, &here, None).await?
            };
            (Link::Org(conn), guard)
        } else {
            let conn = self.site_for_run(&run.plan, practice_run)?;
            let admins = require_site_admins(&conn.client).await?;
            let guard = Guard::new(&conn.me.account_id, &admins);
            (Link::Site(conn), guard)
        };
        let options = if retry_failed {
            // The page's first picture of the run shows the failed rows open again; the
            // engine's session record reopens them in the journal.
            run.state.reopen_failed();
            RunOptions::retrying(guard)
        } else {
            RunOptions::new(guard)
        };
        let _starting = self.starting.lock().unwrap_or_else(|p| p.into_inner());
        self.ensure_idle()?;
        Ok(self.launch(link, options, run, held, sink))
    }

    /// The site connection a site run may resume over, or words asking for it.
    fn site_for_run(&self, plan: &Plan, practice_run: bool) -> Result<Connection, AppError> {
        let conn = self.connected().ok().filter(|c| {
            // Practice and real never mix; a practice site keeps its users across launches
            // (practice/removals.rs) but not its port, so its address is not compared.
            c.email.eq_ignore_ascii_case(&plan.email)
                && c.practice == practice_run
                && (practice_run || c.client.site().base_url() == plan.site)
        });
        let Some(conn) = conn else {
            let place = if practice_run {
                "the practice site".to_owned()
            } else {
                plan.site.clone()
            };
            return Err(AppError::new(
                "not_connected",
                format!(
                    "To resume this run, first connect to {place} as {} (step 1).",
                    plan.email
                ),
            )
            .at("run"));
        };
        Ok(conn)
    }

    /// The organization connection an organization run may resume over (its organization and
    /// directory; for a practice run the practice organization running now), or words naming
    /// the organization to connect to.
    fn org_for_run(&self, plan: &Plan, practice_run: bool) -> Result<OrgConnection, AppError> {
        let conn = self.org_connected().ok().filter(|c| {
            plan.org.as_ref().is_some_and(|t| {
                t.org_id.eq_ignore_ascii_case(&c.org.id)
                    && c.directory
                        .as_ref()
                        .is_some_and(|d| d.directory_id == t.directory_id)
            }) && c.practice == practice_run
                && (practice_run || c.api() == plan.site)
        });
        conn.ok_or_else(|| connect_to_run_place(plan, "resume this run"))
    }

    /// A practice run: made on the practice site, or (before plans said so) made by a practice
    /// window, whose runs folder holds practice runs only, on this computer's loopback address.
    fn is_practice_run(&self, flagged: bool, site: &str) -> bool {
        flagged
            || (self.practice.is_some()
                && crate::atlassian::Site::parse(site).is_ok_and(|s| s.is_loopback()))
    }

    /// Practice runs resume in practice mode only, real runs outside it only.
    fn may_resume_here(&self, practice_run: bool, site: &str) -> Result<(), AppError> {
        match (practice_run, self.practice.is_some()) {
            (true, false) => Err(AppError::new(
                "no_run",
                "This run was made in practice mode, on the practice site. To resume it, open \
                 Offboard in practice mode (offboard --practice).",
            )
            .at("run")),
            (false, true) => Err(AppError::new(
                "practice_only",
                format!(
                    "This run was made on {site}, a real site, and practice mode connects only \
                     to the practice site. To resume it, close Offboard and open it normally \
                     (without --practice)."
                ),
            )
            .at("run")),
            _ => Ok(()),
        }
    }

    fn ensure_idle(&self) -> Result<(), AppError> {
        match self.session().active {
            Some(_) => Err(AppError::busy()),
            None => Ok(()),
        }
    }

    // Spawns the engine; the active slot is cleared when it ends, whatever the ending. Every
    // event, the engine's and the window's own, goes through one stream, in order.
    fn launch(
        &self,
        link: Link,
        options: RunOptions,
        run: Run,
        held: Option<HeldRows>,
        sink: RunSink,
    ) -> RunStartedDto {
        let run_id = run.plan.run_id.clone();
        let control = RunControl::new();
        // Where the rows go now: a resumed practice run's site has a new address.
        let started = started_dto(&run.plan, &run.state, link.place(), held);
        self.session().active = Some((run_id.clone(), control.clone()));
        let session = self.session.clone();
        let stream = Arc::new(Mutex::new(EventStream::default()));
        let events: sweep::EventSink = {
            let (stream, sink) = (stream.clone(), sink.clone());
            Arc::new(move |e| locked(&stream).push(e, Instant::now(), &mut |ev| sink(ev)))
        };
        // Rows and progress that wait for a later event go out on the clock, until the release.
        let (ticking, tick_sink) = (Arc::downgrade(&stream), sink.clone());
        tokio::spawn(async move {
            let mut every = tokio::time::interval(PROGRESS_EVERY);
            loop {
                every.tick().await;
                let Some(stream) = ticking.upgrade() else {
                    return;
                };
                if locked(&stream).tick(Instant::now(), &mut |ev| tick_sink(ev)) {
                    return;
                }
            }
        });
        // The window's own last words, after the engine's.
        let say = move |ev| locked(&stream).other(ev, Instant::now(), &mut |ev| sink(ev));
        tokio::spawn(async move {
            let result = link.execute(run, options, control, events).await;
            {
                let mut s = session.lock().unwrap_or_else(|p| p.into_inner());
                if s.active.as_ref().is_some_and(|(id, _)| *id == run_id) {
                    s.active = None;
                }
            }
            if let Err(e) = result {
                say(RunEvent::Error {
                    message: e.to_string(),
                });
            }
            say(RunEvent::Released);
        });
        started
    }

    fn control(&self) -> Result<RunControl, AppError> {
        self.session()
            .active
            .as_ref()
            .map(|(_, c)| c.clone())
            .ok_or_else(|| AppError::new("no_run", "No run is in progress."))
    }

    /// Holds new requests of the run in progress.
    pub fn pause(&self) -> Result<(), AppError> {
        self.control().map(|c| c.pause())
    }

    /// Lets the paused run go on.
    pub fn resume(&self) -> Result<(), AppError> {
        self.control().map(|c| c.resume())
    }

    /// Stops the run after the requests in flight.
    pub fn stop(&self) -> Result<(), AppError> {
        self.control().map(|c| c.stop())
    }

    /// The id of the run in progress, if any.
    pub fn active_run(&self) -> Option<String> {
        self.session().active.as_ref().map(|(id, _)| id.clone())
    }

    /// The run history, newest first; read on a blocking thread, as it may read journals.
    pub async fn runs(&self) -> Vec<RunSummaryDto> {
        let active = self.active_run();
        let dir = self.runs_dir.clone();
        let infos = tokio::task::spawn_blocking(move || list_runs(&dir))
            .await
            .unwrap_or_default();
        infos
            .into_iter()
            .map(|mut info| {
                let is_active = active.as_deref() == Some(info.run_id.as_str());
                info.practice = self.is_practice_run(info.practice, &info.site);
                RunSummaryDto::new(info, is_active)
            })
            .collect()
    }

    /// The results file of a run (written when a session of it ends).
    pub fn results_file(&self, run_id: &str) -> Result<PathBuf, AppError> {
        let dir = self.run_dir(run_id)?;
        let path = dir.join(sweep::RESULTS_FILE);
        if path.is_file() {
            Ok(path)
        } else {
            Err(AppError::new(
                "no_run",
                "This run has no results yet: they are written when it finishes or stops.",
            )
            .at("run"))
        }
    }

    // The page names runs by id only, never by a path of its choosing.
    pub(super) fn run_dir(&self, run_id: &str) -> Result<PathBuf, AppError> {
        let plain = !run_id.is_empty()
            && run_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !plain {
            return Err(AppError::new("no_run", "That is not a run of this computer.").at("run"));
        }
        Ok(Run::locate(&self.runs_dir, run_id)?)
    }
}

// A panic in one event's delivery must not silence the rest of the run's events.
fn locked(stream: &Mutex<EventStream>) -> std::sync::MutexGuard<'_, EventStream> {
    stream.lock().unwrap_or_else(|p| p.into_inner())
}
