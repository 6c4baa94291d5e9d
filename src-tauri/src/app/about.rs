//! The About box's account of what Offboard keeps on this computer and the rule for each: runs
//! are never deleted (they are the admin's proof of what was done); the window's log is two
//! bounded files. Counted each time the box opens, on a blocking thread, so a folder of hundreds
//! of runs never holds up the window.

use super::error::AppError;
use super::state::AppState;
use crate::cli::logging::LogKept;
use crate::sweep::{runs_kept, RunsKept};
use serde::Serialize;
use std::path::Path;
use tauri::State;
use time::format_description::well_known::Rfc3339;

/// What is kept, with the rule in words (the page shows `runsWords` and `logWords`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordsDto {
    /// The runs folder.
    pub runs_folder: String,
    /// Runs in it.
    pub runs: usize,
    /// Their plans, journals and results, in bytes.
    pub runs_bytes: u64,
    /// When the oldest run was planned (RFC 3339, UTC).
    pub oldest_run: Option<String>,
    /// How many runs, their size, the oldest, and that Offboard never deletes them.
    pub runs_words: String,
    /// The window's log file.
    pub log_file: String,
    /// Its size now.
    pub log_bytes: u64,
    /// Where it is moved at its limit.
    pub older_log_file: String,
    /// The older file's size, when there is one.
    pub older_log_bytes: Option<u64>,
    /// The size at which the log is moved aside.
    pub log_limit_bytes: u64,
    /// Both sizes and the rotation rule.
    pub log_words: String,
}

impl RecordsDto {
    /// Counts the runs in `runs_dir` and sizes the log at `log_file` (reads the disk).
    pub fn read(runs_dir: &Path, log_file: &Path) -> RecordsDto {
        RecordsDto::of(&runs_kept(runs_dir), &LogKept::of(log_file))
    }

    fn of(runs: &RunsKept, log: &LogKept) -> RecordsDto {
        RecordsDto {
            runs_folder: runs.folder.display().to_string(),
            runs: runs.runs,
            runs_bytes: runs.bytes,
            oldest_run: runs.oldest.and_then(|at| at.format(&Rfc3339).ok()),
            runs_words: runs.words(),
            log_file: log.file.display().to_string(),
            log_bytes: log.bytes,
            older_log_file: log.older_file.display().to_string(),
            older_log_bytes: log.older_bytes,
            log_limit_bytes: log.limit,
            log_words: log.words(),
        }
    }
}

impl AppState {
    /// What this window's runs folder and the log hold now.
    pub async fn records(&self) -> Result<RecordsDto, AppError> {
        let (runs_dir, log) = (self.runs_dir().to_path_buf(), crate::paths::log_file());
        tokio::task::spawn_blocking(move || RecordsDto::read(&runs_dir, &log))
            .await
            .map_err(|_| {
                AppError::new(
                    "internal",
                    "Offboard could not count the runs kept on this computer. They are all \
                     still there, in the folder named above.",
                )
            })
    }
}

/// What Offboard keeps on this computer, for the About box.
#[tauri::command]
pub async fn about_records(state: State<'_, AppState>) -> Result<RecordsDto, AppError> {
    state.records().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_records_name_the_folders_sizes_and_rules() {
        let tmp = tempfile::tempdir().unwrap();
        let runs = tmp.path().join("runs");
        let run = runs.join("20250302-101500-aaaaaa");
        std::fs::create_dir_all(&run).unwrap();
        std::fs::write(run.join(crate::sweep::PLAN_FILE), [b'x'; 2048]).unwrap();
        let log = tmp.path().join("logs").join("offboard.log");
        let r = RecordsDto::read(&runs, &log);
        assert_eq!((r.runs, r.runs_bytes), (1, 2048));
        assert_eq!(r.oldest_run.as_deref(), Some("2025-03-02T10:15:00Z"));
        assert!(
            r.runs_words
                .starts_with("1 run, 2 KB in all, made on 2 Mar 2025. Offboard never deletes"),
            "{}",
            r.runs_words
        );
        assert_eq!((r.log_bytes, r.older_log_bytes), (0, None));
        assert!(r.older_log_file.ends_with("offboard.old.log"));
        assert!(r.log_words.contains("never takes more than 20 MB"));
        let json = serde_json::to_value(&r).unwrap();
        for key in ["runsWords", "logWords", "oldestRun", "logLimitBytes"] {
            assert!(json.get(key).is_some(), "{key} in {json}");
        }
    }
}
