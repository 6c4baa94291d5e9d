//! The run's journal: an append-only JSON-lines file, each record flushed to disk before the
//! next step, so that a run killed at any instant can be resumed without losing or repeating
//! a decision.

use super::events::RunStatus;
use super::outcome::{Counters, RowOutcome};
use super::plan::Plan;
use super::SweepError;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The plan, written once when the run is created.
pub const PLAN_FILE: &str = "plan.json";
/// The journal.
pub const JOURNAL_FILE: &str = "journal.jsonl";
/// The results, rewritten at the end of each session of the run.
pub const RESULTS_FILE: &str = "results.csv";

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    /// A session of the run began (the first, or a resume).
    Session {
        /// When.
        at: String,
        /// The account the credentials belong to (never removed).
        caller_account_id: String,
        /// Whether this session resumes an earlier one.
        resumed: bool,
    },
    /// A removal request for this row is about to be sent.
    Intent {
        /// Row index in the plan.
        row: usize,
        /// The account id.
        account_id: String,
        /// Attempt number within the session (1-based).
        attempt: u32,
        /// When.
        at: String,
    },
    /// The row is decided; it is never sent again.
    Outcome(RowOutcome),
    /// A session ended.
    Finished {
        /// When.
        at: String,
        /// Why.
        status: RunStatus,
        /// Counts at that moment (rows without a decision count as not attempted or failed).
        counters: Counters,
    },
}

/// What the journal says so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JournalState {
    /// Rows decided, by row index.
    pub decided: BTreeMap<usize, RowOutcome>,
    /// Rows with a request sent (or about to be) and no decision: it may have worked.
    pub in_doubt: BTreeSet<usize>,
    /// Outcomes of the decided rows, kept as records arrive so progress never recounts.
    pub counters: Counters,
    /// Sessions started: the first run and each resume.
    pub sessions: u32,
    /// How the last session ended, if it ended cleanly.
    pub last_status: Option<RunStatus>,
}

impl JournalState {
    /// Applies one record.
    pub fn apply(&mut self, record: &Record) {
        match record {
            Record::Session { .. } => {
                self.sessions += 1;
                self.last_status = None;
            }
            Record::Intent { row, .. } => {
                if !self.decided.contains_key(row) {
                    self.in_doubt.insert(*row);
                }
            }
            Record::Outcome(o) => {
                self.in_doubt.remove(&o.row);
                if let std::collections::btree_map::Entry::Vacant(slot) = self.decided.entry(o.row)
                {
                    self.counters.add(o.outcome);
                    slot.insert(o.clone());
                }
            }
            Record::Finished { status, .. } => self.last_status = Some(*status),
        }
    }
}

/// The append handle of a run's journal; holds an exclusive lock so two processes never drive
/// one run at once.
#[derive(Debug)]
pub struct Journal {
    file: Mutex<File>,
    path: PathBuf,
}

impl Journal {
    /// Opens (creating if needed) the journal in `dir`, locks it, drops a torn last line left by
    /// a crash mid-write, and returns the handle with the state read so far.
    pub fn open(dir: &Path) -> Result<(Journal, JournalState), SweepError> {
        let path = dir.join(JOURNAL_FILE);
        let io = |source| SweepError::Journal {
            path: path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(SweepError::RunBusy(dir.to_path_buf()))
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        let (state, good_len) = read_records(&mut file).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        if good_len < len {
            // The tail is a record cut short by a crash: it never took effect, so drop it.
            file.set_len(good_len).map_err(io)?;
            file.sync_data().map_err(io)?;
        }
        Ok((
            Journal {
                file: Mutex::new(file),
                path,
            },
            state,
        ))
    }

    /// Appends one record and waits until it is on disk.
    pub fn append(&self, record: &Record) -> Result<(), SweepError> {
        let mut line = serde_json::to_vec(record).expect("journal records always serialise");
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        file.write_all(&line)
            .and_then(|()| file.sync_data())
            .map_err(|source| SweepError::Journal {
                path: self.path.clone(),
                source,
            })
    }
}

/// Reads every complete record; returns the state and the length of the well-formed prefix.
fn read_records(file: &mut File) -> std::io::Result<(JournalState, u64)> {
    file.seek(SeekFrom::Start(0))?;
    let mut reader = BufReader::new(&mut *file);
    let mut state = JournalState::default();
    let mut good_len = 0u64;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 || line.last() != Some(&b'\n') {
            break;
        }
        match serde_json::from_slice::<Record>(&line) {
            Ok(record) => state.apply(&record),
            // A complete but unreadable line can only come from outside tampering or a torn
            // write followed by more writes; stop there rather than guess.
            Err(_) => break,
        }
        good_len += n as u64;
    }
    Ok((state, good_len))
}

/// Reads the journal of a run without locking it (for listings and reports).
pub fn read_state(dir: &Path) -> Result<JournalState, SweepError> {
    let path = dir.join(JOURNAL_FILE);
    let mut file = File::open(&path).map_err(|source| SweepError::Journal {
        path: path.clone(),
        source,
    })?;
    read_records(&mut file)
        .map(|(s, _)| s)
        .map_err(|source| SweepError::Journal { path, source })
}

/// Writes `plan.json` in a new run folder under `runs_dir`, atomically.
pub fn create_run_dir(runs_dir: &Path, plan: &Plan) -> Result<PathBuf, SweepError> {
    let dir = runs_dir.join(&plan.run_id);
    let io = |source| SweepError::Journal {
        path: dir.clone(),
        source,
    };
    std::fs::create_dir_all(runs_dir).map_err(io)?;
    std::fs::create_dir(&dir).map_err(io)?;
    let tmp = dir.join("plan.json.tmp");
    let mut f = File::create(&tmp).map_err(io)?;
    f.write_all(&serde_json::to_vec_pretty(plan).expect("plans always serialise"))
        .map_err(io)?;
    f.sync_all().map_err(io)?;
    std::fs::rename(&tmp, dir.join(PLAN_FILE)).map_err(io)?;
    Ok(dir)
}

/// Reads `plan.json` from a run folder.
pub fn read_plan(dir: &Path) -> Result<Plan, SweepError> {
    let path = dir.join(PLAN_FILE);
    let bytes = std::fs::read(&path).map_err(|_| SweepError::NotARun(dir.to_path_buf()))?;
    serde_json::from_slice(&bytes).map_err(|e| SweepError::BadPlan {
        path,
        detail: e.to_string(),
    })
}
