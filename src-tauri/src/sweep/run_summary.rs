//! A small summary per run (`summary.json`), written when a session of it ends, so the history
//! never parses the plan and journal of a 100,000-row run; rebuilt from them only when it is
//! missing or the journal has grown since. A journal another process holds locked (a live run in
//! another window or terminal) is not read at all: on Windows the lock forbids it, and the run
//! is marked as running elsewhere.

use super::action::Action;
use super::events::RunStatus;
use super::journal::{self, JournalState, JOURNAL_FILE};
use super::outcome::{Counters, Outcome};
use super::plan::Plan;
use super::results::{count, final_outcomes};
use super::runs::RunSummaryInfo;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::path::Path;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The summary file in a run's folder.
pub const SUMMARY_FILE: &str = "summary.json";

/// What `summary.json` holds now; a summary of another version is rebuilt from the run.
/// 2: `rehearsal` and `practice` kept (a version-1 summary would list them as `false`).
/// 3: the action and the organization kept.
/// 4: when the first row was done kept (a deletion's grace period starts there).
const STORED_VERSION: u32 = 4;

/// What `summary.json` holds: the history line, and the journal length it was made from.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stored {
    /// 0 in summaries written before versions were kept.
    #[serde(default)]
    version: u32,
    journal_bytes: u64,
    run_id: String,
    created_at: String,
    site: String,
    email: String,
    source_file: Option<String>,
    rows: usize,
    counters: Counters,
    /// `None` in summaries written before it was kept: such a summary is rebuilt.
    #[serde(default)]
    decided: Option<usize>,
    last_status: Option<RunStatus>,
    resumable: bool,
    #[serde(default)]
    rehearsal: bool,
    #[serde(default)]
    practice: bool,
    #[serde(default)]
    action: Action,
    #[serde(default)]
    org_name: Option<String>,
    #[serde(default)]
    first_done_at: Option<String>,
}

impl Stored {
    fn new(plan: &Plan, state: &JournalState, journal_bytes: u64) -> Stored {
        Stored {
            version: STORED_VERSION,
            journal_bytes,
            run_id: plan.run_id.clone(),
            created_at: plan.created_at.clone(),
            site: plan.site.clone(),
            email: plan.email.clone(),
            source_file: plan.source_file.clone(),
            rows: plan.rows.len(),
            counters: count(&final_outcomes(plan, state)),
            decided: Some(state.decided.len()),
            last_status: state.last_status,
            resumable: state.decided.len() < plan.rows.len(),
            rehearsal: plan.rehearsal,
            practice: plan.practice,
            action: plan.action,
            org_name: plan.org.as_ref().map(|o| o.org_name.clone()),
            first_done_at: first_done_at(state),
        }
    }

    fn info(self, dir: &Path, running_elsewhere: bool) -> RunSummaryInfo {
        RunSummaryInfo {
            run_id: self.run_id,
            dir: dir.to_path_buf(),
            created_at: self.created_at,
            site: self.site,
            email: self.email,
            source_file: self.source_file,
            rows: self.rows,
            counters: self.counters,
            decided: self.decided.unwrap_or_default(),
            problem: None,
            last_status: self.last_status,
            resumable: self.resumable,
            running_elsewhere,
            rehearsal: self.rehearsal,
            practice: self.practice,
            superseded: 0,
            superseded_by: Vec::new(),
            action: self.action,
            org_name: self.org_name,
            first_done_at: self.first_done_at,
        }
    }
}

/// When the earliest row the run carried out was done (RFC 3339), if any.
fn first_done_at(state: &JournalState) -> Option<String> {
    state
        .decided
        .values()
        .filter(|o| o.outcome == Outcome::Removed)
        .filter_map(|o| {
            OffsetDateTime::parse(&o.finished_at, &Rfc3339)
                .ok()
                .map(|t| (t, &o.finished_at))
        })
        .min_by_key(|(t, _)| *t)
        .map(|(_, s)| s.clone())
}

fn journal_bytes(dir: &Path) -> Option<u64> {
    std::fs::metadata(dir.join(JOURNAL_FILE))
        .ok()
        .map(|m| m.len())
}

/// Writes the summary of `plan` as `state` has it (through a temporary file renamed into place).
/// Best effort: the history rebuilds a missing one.
pub fn write_summary(dir: &Path, plan: &Plan, state: &JournalState) {
    write_at(dir, plan, state, journal_bytes(dir).unwrap_or(0));
}

/// Writes the summary as made from a journal of `bytes` bytes.
fn write_at(dir: &Path, plan: &Plan, state: &JournalState, bytes: u64) {
    let stored = Stored::new(plan, state, bytes);
    let tmp = dir.join(format!("{SUMMARY_FILE}.tmp"));
    let written = serde_json::to_vec(&stored)
        .map_err(std::io::Error::other)
        .and_then(|bytes| std::fs::write(&tmp, bytes))
        .and_then(|()| std::fs::rename(&tmp, dir.join(SUMMARY_FILE)));
    if let Err(e) = written {
        tracing::warn!(dir = %dir.display(), "could not write the run's summary: {e}");
    }
}

/// True when another handle holds the journal's lock: a run going on in another process (or,
/// for the window, its own active run, which it knows about and says so itself).
fn locked_elsewhere(dir: &Path) -> bool {
    let Ok(file) = File::open(dir.join(JOURNAL_FILE)) else {
        return false;
    };
    matches!(
        file.try_lock_shared(),
        Err(std::fs::TryLockError::WouldBlock)
    )
}

/// The history line of the run in `dir`; `None` for a folder that is not a readable run.
pub fn summary_of(dir: &Path) -> Option<RunSummaryInfo> {
    let stored: Option<Stored> = std::fs::read(dir.join(SUMMARY_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok());
    let running_elsewhere = locked_elsewhere(dir);
    if let Some(stored) = stored {
        // Fresh, or the journal is another process's to read: the summary is the best there is.
        let fresh = Some(stored.journal_bytes) == journal_bytes(dir)
            && stored.decided.is_some()
            && stored.version == STORED_VERSION;
        if running_elsewhere || fresh {
            return Some(stored.info(dir, running_elsewhere));
        }
    }
    let plan = journal::read_plan(dir).ok()?;
    if running_elsewhere {
        return Some(Stored::new(&plan, &JournalState::default(), 0).info(dir, true));
    }
    // The length first: should the journal grow while it is read, the summary is stale, not wrong.
    let bytes = journal_bytes(dir).unwrap_or(0);
    let state = match journal::read_state(dir) {
        Ok(state) => state,
        // Listed with the problem, never as "nothing done, resumable": a resume would refuse it,
        // and its decisions cannot be counted. No summary is kept, so a repaired one is read again.
        Err(e @ super::SweepError::JournalDamaged { .. }) => {
            let mut info = Stored::new(&plan, &JournalState::default(), 0).info(dir, false);
            info.resumable = false;
            info.problem = Some(e.to_string());
            return Some(info);
        }
        Err(_) => JournalState::default(),
    };
    write_at(dir, &plan, &state, bytes);
    Some(Stored::new(&plan, &state, 0).info(dir, false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::journal::Record;
    use crate::sweep::{PlanRow, Run, PLAN_FILE};

    fn plan(rows: usize) -> Plan {
        Plan::new(
            "https://acme.atlassian.net",
            "admin@example.com",
            (0..rows).map(|i| PlanRow {
                account_id: format!("5b10ac8d82e05b22cc7d4e{i:02x}"),
                ..PlanRow::default()
            }),
        )
    }

    fn session(run: &Run) {
        run.journal
            .append(&Record::Session {
                at: "t".into(),
                caller_account_id: "me".into(),
                resumed: false,
                retry_failed: false,
            })
            .unwrap();
    }

    #[test]
    fn a_fresh_summary_is_read_instead_of_the_plan_and_journal() {
        let tmp = tempfile::tempdir().unwrap();
        let run = Run::create(tmp.path(), plan(3)).unwrap();
        session(&run);
        let dir = run.dir.clone();
        write_summary(&dir, &run.plan, &run.state);
        drop(run);
        // A plan that cannot be parsed any more: a fresh summary never needs it.
        let real_plan = std::fs::read(dir.join(PLAN_FILE)).unwrap();
        std::fs::write(dir.join(PLAN_FILE), b"not json").unwrap();
        let info = summary_of(&dir).expect("listed from its summary");
        assert_eq!(
            (info.rows, info.resumable, info.running_elsewhere),
            (3, true, false)
        );
        // The journal grew since: the summary is stale and the run is read again.
        std::fs::OpenOptions::new()
            .append(true)
            .open(dir.join(JOURNAL_FILE))
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"\n"))
            .unwrap();
        assert!(summary_of(&dir).is_none(), "a stale summary was trusted");
        std::fs::write(dir.join(PLAN_FILE), real_plan).unwrap();
        assert_eq!(summary_of(&dir).unwrap().rows, 3);
    }

    #[test]
    fn a_missing_summary_is_rebuilt_and_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let run = Run::create(tmp.path(), plan(2)).unwrap();
        session(&run);
        let dir = run.dir.clone();
        drop(run);
        assert!(!dir.join(SUMMARY_FILE).exists());
        let info = summary_of(&dir).unwrap();
        assert_eq!((info.rows, info.counters.not_attempted), (2, 2));
        assert!(
            dir.join(SUMMARY_FILE).exists(),
            "the rebuilt summary was not kept"
        );
    }

    #[test]
    fn a_damaged_journal_is_listed_with_its_problem_and_not_as_resumable() {
        let tmp = tempfile::tempdir().unwrap();
        let run = Run::create(tmp.path(), plan(2)).unwrap();
        session(&run);
        session(&run);
        let dir = run.dir.clone();
        drop(run);
        // A line in the middle changed by hand: not a torn write.
        let text = std::fs::read_to_string(dir.join(JOURNAL_FILE)).unwrap();
        let damaged = text.replacen("\"type\"", "\"typ", 1);
        std::fs::write(dir.join(JOURNAL_FILE), damaged).unwrap();
        let info = summary_of(&dir).unwrap();
        assert!(!info.resumable);
        let problem = info.problem.expect("the damage is named");
        assert!(problem.contains("line 1"), "{problem}");
        assert!(
            !dir.join(SUMMARY_FILE).exists(),
            "a summary of nothing was kept"
        );
    }

    #[test]
    fn the_summary_counts_decided_rows_not_rows_with_any_outcome() {
        let tmp = tempfile::tempdir().unwrap();
        let run = Run::create(tmp.path(), plan(3)).unwrap();
        session(&run);
        run.journal
            .append(&Record::Outcome(crate::sweep::RowOutcome {
                row: 0,
                account_id: "a".into(),
                outcome: crate::sweep::Outcome::Removed,
                http_status: Some(204),
                message: String::new(),
                finished_at: "t".into(),
                may_have_applied: false,
            }))
            .unwrap();
        let dir = run.dir.clone();
        drop(run);
        let info = summary_of(&dir).unwrap();
        // Every row has an outcome in the counters (the rest "not attempted"); one is decided.
        assert_eq!((info.counters.total(), info.decided), (3, 1));
        // A summary from before `decided` was kept is rebuilt, not read as zero.
        let stored = std::fs::read_to_string(dir.join(SUMMARY_FILE)).unwrap();
        let old = stored.replace("\"decided\":1,", "");
        assert_ne!(old, stored);
        std::fs::write(dir.join(SUMMARY_FILE), old).unwrap();
        assert_eq!(summary_of(&dir).unwrap().decided, 1);
    }

    #[test]
    fn runs_made_in_the_same_second_are_listed_newest_first() {
        let tmp = tempfile::tempdir().unwrap();
        // The later plan has the smaller random suffix: the id alone would put it second.
        for (id, at) in [
            ("20261201-100000-ffffff", "2026-12-01T10:00:00.1Z"),
            ("20261201-100000-000000", "2026-12-01T10:00:00.9Z"),
        ] {
            let mut p = plan(1);
            p.run_id = id.into();
            p.created_at = at.into();
            Run::create(tmp.path(), p).unwrap();
        }
        let ids: Vec<String> = crate::sweep::list_runs(tmp.path())
            .into_iter()
            .map(|r| r.run_id)
            .collect();
        assert_eq!(ids, ["20261201-100000-000000", "20261201-100000-ffffff"]);
    }

    #[test]
    fn a_run_whose_journal_another_handle_holds_is_running_elsewhere_and_not_read() {
        let tmp = tempfile::tempdir().unwrap();
        let run = Run::create(tmp.path(), plan(2)).unwrap();
        session(&run);
        let info = summary_of(&run.dir).unwrap();
        assert!(info.running_elsewhere, "the held lock was not seen");
        assert!(
            !run.dir.join(SUMMARY_FILE).exists(),
            "a live run's summary was written"
        );
        let dir = run.dir.clone();
        drop(run);
        assert!(!summary_of(&dir).unwrap().running_elsewhere);
    }

    #[test]
    fn the_summary_says_rehearsal_and_practice_and_an_older_one_is_rebuilt() {
        let tmp = tempfile::tempdir().unwrap();
        let mut p = plan(1);
        p.rehearsal = true;
        p.practice = true;
        let run = Run::create(tmp.path(), p).unwrap();
        session(&run);
        let dir = run.dir.clone();
        drop(run);
        let info = summary_of(&dir).unwrap();
        assert!(info.rehearsal && info.practice);
        // A summary from before these were kept would list the rehearsal as a real-site run.
        let stored = std::fs::read_to_string(dir.join(SUMMARY_FILE)).unwrap();
        let old = stored
            .replace(&format!("\"version\":{STORED_VERSION},"), "")
            .replace(",\"rehearsal\":true,\"practice\":true", "");
        assert_ne!(old, stored);
        std::fs::write(dir.join(SUMMARY_FILE), old).unwrap();
        let info = summary_of(&dir).unwrap();
        assert!(
            info.rehearsal && info.practice,
            "an old summary was trusted"
        );
    }

    #[test]
    fn a_version_2_summary_is_rebuilt_to_learn_the_runs_action() {
        let tmp = tempfile::tempdir().unwrap();
        let mut p = plan(1);
        p.action = crate::sweep::Action::Suspend;
        let run = Run::create(tmp.path(), p).unwrap();
        session(&run);
        let dir = run.dir.clone();
        drop(run);
        assert_eq!(
            summary_of(&dir).unwrap().action,
            crate::sweep::Action::Suspend
        );
        let stored = std::fs::read_to_string(dir.join(SUMMARY_FILE)).unwrap();
        let old = stored
            .replace(&format!("\"version\":{STORED_VERSION},"), "\"version\":2,")
            .replace(",\"action\":\"suspend\"", "");
        assert_ne!(old, stored);
        std::fs::write(dir.join(SUMMARY_FILE), old).unwrap();
        assert_eq!(
            summary_of(&dir).unwrap().action,
            crate::sweep::Action::Suspend
        );
    }
}
