//! Run folders: create one for a new plan, open one to resume, list them for history.

use super::action::Action;
use super::events::RunStatus;
use super::journal::{self, Journal, JournalState};
use super::outcome::Counters;
use super::plan::Plan;
use super::SweepError;
use serde::Serialize;
use std::path::{Path, PathBuf};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A run ready to execute: its folder, plan, locked journal and what the journal says so far.
#[derive(Debug)]
pub struct Run {
    /// The run's folder.
    pub dir: PathBuf,
    /// The plan.
    pub plan: Plan,
    /// The journal, locked by this process.
    pub journal: Journal,
    /// What the journal held when opened.
    pub state: JournalState,
}

impl Run {
    /// Creates the folder `runs_dir/<run id>` with the plan and an empty journal.
    pub fn create(runs_dir: &Path, plan: Plan) -> Result<Run, SweepError> {
        plan.pace.validated().map_err(SweepError::Pace)?;
        let dir = journal::create_run_dir(runs_dir, &plan)?;
        let (journal, state) = Journal::open(&dir)?;
        // The journal's entry in the folder must outlive a power cut as its records do.
        journal::sync_dir(&dir).map_err(|source| SweepError::Journal {
            path: dir.clone(),
            source,
        })?;
        Ok(Run {
            dir,
            plan,
            journal,
            state,
        })
    }

    /// Opens an existing run folder to resume it.
    pub fn open(dir: &Path) -> Result<Run, SweepError> {
        let plan = journal::read_plan(dir)?;
        let (journal, state) = Journal::open(dir)?;
        Ok(Run {
            dir: dir.to_path_buf(),
            plan,
            journal,
            state,
        })
    }

    /// Finds a run by folder path or by id under `runs_dir`.
    pub fn locate(runs_dir: &Path, id_or_dir: &str) -> Result<PathBuf, SweepError> {
        let as_path = Path::new(id_or_dir);
        if as_path.join(journal::PLAN_FILE).is_file() {
            return Ok(as_path.to_path_buf());
        }
        let under = runs_dir.join(id_or_dir);
        // An id is one plain folder name: never let it climb out of the runs folder.
        let plain = as_path.components().count() == 1 && !id_or_dir.contains("..");
        if plain && under.join(journal::PLAN_FILE).is_file() {
            return Ok(under);
        }
        Err(SweepError::NotARun(as_path.to_path_buf()))
    }
}

/// One run, as a history list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummaryInfo {
    /// The run id.
    pub run_id: String,
    /// Its folder.
    pub dir: PathBuf,
    /// When it was planned.
    pub created_at: String,
    /// The site.
    pub site: String,
    /// The admin email the run used.
    pub email: String,
    /// The export the rows came from, if known.
    pub source_file: Option<String>,
    /// Rows in the plan.
    pub rows: usize,
    /// Outcomes so far (rows not decided count as not attempted, or failed when in doubt).
    pub counters: Counters,
    /// Rows decided so far: what a resume would not send again.
    pub decided: usize,
    /// Why the run cannot be read or resumed (a damaged journal), in words for the admin.
    pub problem: Option<String>,
    /// How the last session ended; `None` when it was cut short (crash, kill, power loss).
    pub last_status: Option<RunStatus>,
    /// True when some rows are still undecided: `offboard resume` would go on with them.
    pub resumable: bool,
    /// True when another process holds the run's journal: it is going on in another window or
    /// terminal (counts are from its last summary).
    pub running_elsewhere: bool,
    /// A one-row rehearsal rather than a run.
    pub rehearsal: bool,
    /// Made on the practice site of practice mode (its address changes at every launch).
    pub practice: bool,
    /// For a resumable run: how many of its undecided rows a later run on the same site decided
    /// as removed or already gone. A resume would find those gone; when it is every undecided
    /// row, the run is superseded and a resume has nothing left to do.
    pub superseded: usize,
    /// When each later run that decided some of them was planned (RFC 3339), newest first.
    pub superseded_by: Vec<String>,
    /// What the run did to each account.
    pub action: Action,
    /// The organization (organization mode only).
    pub org_name: Option<String>,
    /// When the first row was carried out (RFC 3339): a deletion's grace period starts there.
    pub first_done_at: Option<String>,
}

impl RunSummaryInfo {
    /// The action that undoes this run, when it did something to undo and is not going on
    /// elsewhere: a suspend run that suspended someone offers "Restore these users".
    pub fn undo(&self) -> Option<Action> {
        self.undo_at(OffsetDateTime::now_utc())
    }

    /// [`RunSummaryInfo::undo`] at `now`: a deletion is offered for cancelling only until its
    /// grace period ends ([`RunSummaryInfo::undo_until`]).
    pub fn undo_at(&self, now: OffsetDateTime) -> Option<Action> {
        let in_time = self.undo_until().is_none_or(|until| now < until);
        self.action.undo().filter(|_| {
            self.counters.removed > 0
                && !self.running_elsewhere
                && self.problem.is_none()
                && in_time
        })
    }

    /// For a delete-account run: when the first deletion's 14-day grace period ends, the last
    /// moment at which every deletion of the run can still be cancelled.
    pub fn undo_until(&self) -> Option<OffsetDateTime> {
        if self.action != Action::DeleteAccount {
            return None;
        }
        grace_ends(self.first_done_at.as_deref()?)
    }

    /// Rows not decided yet.
    pub fn undecided(&self) -> usize {
        self.rows.saturating_sub(self.decided)
    }
}

/// When the grace period of a deletion done at `done_at` (RFC 3339) ends.
pub fn grace_ends(done_at: &str) -> Option<OffsetDateTime> {
    let done = OffsetDateTime::parse(done_at, &Rfc3339).ok()?;
    Some(done + time::Duration::days(super::action::DELETION_GRACE_DAYS))
}

/// Every run under `runs_dir`, newest first; folders that are not readable runs are left out.
/// Reads each run's small summary, and its plan and journal only when that is missing or stale.
pub fn list_runs(runs_dir: &Path) -> Vec<RunSummaryInfo> {
    let Ok(entries) = std::fs::read_dir(runs_dir) else {
        return Vec::new();
    };
    let mut runs: Vec<RunSummaryInfo> = entries
        .flatten()
        .filter_map(|e| super::run_summary::summary_of(&e.path()))
        .collect();
    // Newest first by creation time: run ids share their second, and two plans made in the same
    // second (a rehearsal, then the run) would otherwise sort by their random suffix.
    let when = |r: &RunSummaryInfo| {
        time::OffsetDateTime::parse(
            &r.created_at,
            &time::format_description::well_known::Rfc3339,
        )
        .ok()
    };
    runs.sort_by(|a, b| when(b).cmp(&when(a)).then_with(|| b.run_id.cmp(&a.run_id)));
    superseded::mark(&mut runs);
    runs
}

#[path = "superseded.rs"]
mod superseded;

#[path = "runs_kept.rs"]
mod kept;
pub use kept::{runs_kept, size_words, RunsKept};
