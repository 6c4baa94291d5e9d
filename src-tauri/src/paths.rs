//! Where Offboard keeps its runs and its log on this computer.

use std::path::PathBuf;

/// The app's identifier, shared with `tauri.conf.json` so the CLI and the window use one folder.
pub const APP_IDENTIFIER: &str = "com.offboard.desktop";

/// Folder holding one sub-folder per run: `OFFBOARD_DATA_DIR` if set, else the OS data folder.
pub fn runs_dir() -> PathBuf {
    data_dir().join("runs")
}

/// Folder holding the window's log file (`offboard.log`).
pub fn logs_dir() -> PathBuf {
    data_dir().join("logs")
}

/// The window's log file, the one the About box names (see `cli::logging`).
pub fn log_file() -> PathBuf {
    logs_dir().join(LOG_FILE_NAME)
}

/// The log file's name in [`logs_dir`].
pub const LOG_FILE_NAME: &str = "offboard.log";

/// The app's data folder: `OFFBOARD_DATA_DIR` if set, else `<OS data dir>/com.offboard.desktop`.
pub fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("OFFBOARD_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(APP_IDENTIFIER)
}
