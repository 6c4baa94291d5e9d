//! The run's journal: an append-only JSON-lines file, each record flushed to disk before the
//! next step, so that a run killed at any instant can be resumed without losing or repeating
//! a decision.

use super::events::RunStatus;
use super::outcome::{to_the_second, Counters, Outcome, RowOutcome};
use super::plan::Plan;
use super::SweepError;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
#[cfg(debug_assertions)]
use writer::{Cut, FaultyWriter};
use writer::{Direct, JournalWriter};

#[path = "journal_writer.rs"]
mod writer;

#[cfg(test)]
#[path = "journal_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "journal_off_runtime_tests.rs"]
mod off_runtime_tests;

#[cfg(test)]
#[path = "journal_format_tests.rs"]
mod format_tests;

/// The plan, written once when the run is created.
pub const PLAN_FILE: &str = "plan.json";
/// The journal.
pub const JOURNAL_FILE: &str = "journal.jsonl";
/// The results, rewritten at the end of each session of the run.
pub const RESULTS_FILE: &str = "results.csv";

/// One line of the journal: a compact JSON object that still reads as words. Times are written
/// to the second; a field with nothing to say (no HTTP status, no message) is left out. Lines
/// written before that (times to the nanosecond, `null`s, empty messages, an intent's account
/// id) read the same.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    /// A session of the run began (the first, or a resume).
    Session {
        /// When.
        #[serde(serialize_with = "to_the_second")]
        at: String,
        /// The account the credentials belong to (never removed).
        caller_account_id: String,
        /// Whether this session resumes an earlier one.
        resumed: bool,
        /// This session retries the rows that failed before: they are reopened, and a row one
        /// of whose tries may have reached the site is in doubt again.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        retry_failed: bool,
    },
    /// A removal request for this row is about to be sent. It names the row only: plan.json
    /// holds the row's account, and the row's outcome names it again.
    Intent {
        /// Row index in the plan.
        row: usize,
        /// Attempt number within the session (1-based).
        attempt: u32,
        /// When.
        #[serde(serialize_with = "to_the_second")]
        at: String,
    },
    /// The row is decided; it is never sent again.
    Outcome(RowOutcome),
    /// A session ended.
    Finished {
        /// When.
        #[serde(serialize_with = "to_the_second")]
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
            Record::Session { retry_failed, .. } => {
                self.sessions += 1;
                self.last_status = None;
                if *retry_failed {
                    self.reopen_failed();
                }
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

    /// Takes every failed row back out of the decided ones so a retry sends it again; a row
    /// whose earlier tries may have reached the site is in doubt, so a 404 then means "removed".
    /// Returns how many rows were reopened.
    pub fn reopen_failed(&mut self) -> usize {
        let failed: Vec<usize> = self
            .decided
            .iter()
            .filter(|(_, o)| o.outcome == Outcome::Failed)
            .map(|(row, _)| *row)
            .collect();
        for row in &failed {
            if let Some(o) = self.decided.remove(row) {
                self.counters.take(Outcome::Failed);
                if o.may_have_applied {
                    self.in_doubt.insert(*row);
                }
            }
        }
        failed.len()
    }

    /// Rows a retry would send again: failed ones, and those never decided.
    pub fn retryable(&self, total_rows: usize) -> usize {
        total_rows - self.decided.len() + self.counters.failed as usize
    }
}

/// The append handle of a run's journal; holds an exclusive lock so two processes never drive
/// one run at once.
#[derive(Debug)]
pub struct Journal {
    appender: Mutex<Appender>,
    path: PathBuf,
}

#[derive(Debug)]
struct Appender {
    /// The locked handle.
    file: File,
    writer: Box<dyn JournalWriter>,
    /// Where the last whole record ends.
    good_len: u64,
    /// Set by a failed append: the kind and words of that failure.
    poisoned: Option<(io::ErrorKind, String)>,
}

/// Debug builds only: `OFFBOARD_TEST_JOURNAL_FAIL_AFTER=<n>` lets `n` appends through and cuts
/// the next one short with an error, as a full disk would; the end-to-end tests drive it.
#[cfg(debug_assertions)]
const FAIL_AFTER_ENV: &str = "OFFBOARD_TEST_JOURNAL_FAIL_AFTER";

fn writer() -> Box<dyn JournalWriter> {
    #[cfg(debug_assertions)]
    if let Some(n) = std::env::var(FAIL_AFTER_ENV)
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return Box::new(FaultyWriter::new(n, Cut::Half, true));
    }
    Box::new(Direct)
}

impl Journal {
    /// Opens (creating if needed) the journal in `dir`, locks it, drops a torn last line left by
    /// a crash mid-write, and returns the handle with the state read so far. An unreadable line
    /// before the last one is refused and nothing on disk is changed.
    pub fn open(dir: &Path) -> Result<(Journal, JournalState), SweepError> {
        Journal::open_with(dir, writer())
    }

    /// [`Journal::open`], writing through `writer` (tests inject failing writers with it).
    fn open_with(
        dir: &Path,
        writer: Box<dyn JournalWriter>,
    ) -> Result<(Journal, JournalState), SweepError> {
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
        let (state, good_len) = match read_records(&mut file).map_err(io)? {
            Readback::Clean { state, good_len } => (state, good_len),
            Readback::Damaged { line } => {
                return Err(SweepError::JournalDamaged {
                    path: path.clone(),
                    line,
                })
            }
        };
        let len = file.metadata().map_err(io)?.len();
        if good_len < len {
            // The tail is a record cut short by a crash: it never took effect, so drop it.
            file.set_len(good_len).map_err(io)?;
            file.sync_data().map_err(io)?;
        }
        Ok((
            Journal {
                appender: Mutex::new(Appender {
                    file,
                    writer,
                    good_len,
                    poisoned: None,
                }),
                path,
            },
            state,
        ))
    }

    /// Appends one record and waits until it is on disk. If that fails, the part written is cut
    /// off again and every later append on this handle is refused, so no record is ever glued
    /// onto a torn one (which would make the journal unreadable from there on).
    pub fn append(&self, record: &Record) -> Result<(), SweepError> {
        let mut line = serde_json::to_vec(record).expect("journal records always serialise");
        line.push(b'\n');
        let mut guard = self.appender.lock().unwrap_or_else(|e| e.into_inner());
        let a = &mut *guard;
        if let Some((kind, why)) = &a.poisoned {
            return Err(self.error(io::Error::new(
                *kind,
                format!("an earlier write failed ({why}), so nothing more is written to it"),
            )));
        }
        let written = a.writer.write_line(&mut a.file, &line);
        match written.and_then(|()| a.file.sync_data()) {
            Ok(()) => {
                a.good_len += line.len() as u64;
                Ok(())
            }
            Err(e) => {
                // Best effort: if the drive is gone this fails too, and the next open drops the
                // torn last line instead; nothing is appended after it either way.
                let _ = a.file.set_len(a.good_len).and_then(|()| a.file.sync_data());
                a.poisoned = Some((e.kind(), e.to_string()));
                Err(self.error(e))
            }
        }
    }

    /// The journal file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, source: io::Error) -> SweepError {
        SweepError::Journal {
            path: self.path.clone(),
            source,
        }
    }
}

/// What reading a journal back found.
enum Readback {
    /// Every whole record; `good_len` is where the last one ends (a torn last line lies beyond).
    Clean { state: JournalState, good_len: u64 },
    /// This line (1-based) is unreadable and more lines follow it.
    Damaged { line: usize },
}

/// Reads every record. An unreadable line is a torn write only when it is the last one; one
/// with lines after it means the file was changed some other way, and guessing past it could
/// lose decisions, so it is reported instead.
fn read_records(file: &mut File) -> io::Result<Readback> {
    file.seek(SeekFrom::Start(0))?;
    let mut reader = BufReader::new(&mut *file);
    let mut state = JournalState::default();
    let mut good_len = 0u64;
    let mut line = Vec::new();
    let mut number = 0usize;
    let mut torn: Option<usize> = None;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        number += 1;
        if let Some(at) = torn {
            return Ok(Readback::Damaged { line: at });
        }
        let record = match line.last() {
            Some(b'\n') => serde_json::from_slice::<Record>(&line).ok(),
            _ => None,
        };
        match record {
            Some(record) => {
                state.apply(&record);
                good_len += n as u64;
            }
            None => torn = Some(number),
        }
    }
    Ok(Readback::Clean { state, good_len })
}

/// Reads the journal of a run without locking it (for listings and reports).
pub fn read_state(dir: &Path) -> Result<JournalState, SweepError> {
    let path = dir.join(JOURNAL_FILE);
    let mut file = File::open(&path).map_err(|source| SweepError::Journal {
        path: path.clone(),
        source,
    })?;
    match read_records(&mut file) {
        Ok(Readback::Clean { state, .. }) => Ok(state),
        Ok(Readback::Damaged { line }) => Err(SweepError::JournalDamaged { path, line }),
        Err(source) => Err(SweepError::Journal { path, source }),
    }
}

/// Makes a folder's list of files durable, so a power cut cannot lose a file just created in it.
pub(super) fn sync_dir(dir: &Path) -> io::Result<()> {
    // Windows: std cannot open a folder as a file (that needs FILE_FLAG_BACKUP_SEMANTICS), and
    // NTFS logs folder changes in its own journal, so there is nothing to do (SQLite skips it too).
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    #[cfg(test)]
    tests::note_dir_sync(dir);
    Ok(())
}

/// Writes `plan.json` in a new run folder under `runs_dir`, atomically, as one compact line
/// (a quarter smaller than indented; any JSON viewer indents it again).
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
    f.write_all(&serde_json::to_vec(plan).expect("plans always serialise"))
        .map_err(io)?;
    f.sync_all().map_err(io)?;
    std::fs::rename(&tmp, dir.join(PLAN_FILE)).map_err(io)?;
    // The new folder's entry in `runs_dir` and plan.json's entry in it, on disk too.
    sync_dir(&dir).map_err(io)?;
    sync_dir(runs_dir).map_err(io)?;
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
