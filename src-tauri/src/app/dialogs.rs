//! Native open and save dialogs, shown the way Tauri's dialog plugin shows them: on the main
//! thread, parented to the window, with rfd (gtk3 on Linux).

use super::error::AppError;
use std::path::PathBuf;
use tauri::{Runtime, WebviewWindow};

/// Debug builds only: answers the open dialog with this path (WebDriver cannot drive it).
pub const TEST_OPEN_FILE: &str = "OFFBOARD_TEST_OPEN_FILE";
/// Debug builds only: answers the save dialog with this path.
pub const TEST_SAVE_FILE: &str = "OFFBOARD_TEST_SAVE_FILE";

/// Asks for the export to open; `None` when the admin cancels.
pub async fn pick_export<R: Runtime>(
    window: WebviewWindow<R>,
) -> Result<Option<PathBuf>, AppError> {
    if let Some(answer) = test_answer(TEST_OPEN_FILE) {
        return Ok(Some(answer));
    }
    on_main_thread(window, |dialog| {
        dialog
            .set_title("Open the user export")
            .add_filter("User export (CSV)", &["csv", "txt", "tsv"])
            .add_filter("All files", &["*"])
            .pick_file()
    })
    .await
}

/// Asks where to save a results file; `None` when the admin cancels.
pub async fn pick_results_target<R: Runtime>(
    window: WebviewWindow<R>,
    suggested_name: String,
) -> Result<Option<PathBuf>, AppError> {
    if let Some(answer) = test_answer(TEST_SAVE_FILE) {
        return Ok(Some(answer));
    }
    on_main_thread(window, move |dialog| {
        dialog
            .set_title("Save the results")
            .set_file_name(suggested_name)
            .add_filter("CSV", &["csv"])
            .save_file()
    })
    .await
}

async fn on_main_thread<R: Runtime>(
    window: WebviewWindow<R>,
    show: impl FnOnce(rfd::FileDialog) -> Option<PathBuf> + Send + 'static,
) -> Result<Option<PathBuf>, AppError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let parent = window.clone();
    window
        .run_on_main_thread(move || {
            let _ = tx.send(show(rfd::FileDialog::new().set_parent(&parent)));
        })
        .map_err(|e| AppError::new("dialog", format!("Could not open the file dialog: {e}")))?;
    rx.await
        .map_err(|_| AppError::new("dialog", "The file dialog closed unexpectedly; try again."))
}

fn test_answer(var: &str) -> Option<PathBuf> {
    if cfg!(debug_assertions) {
        std::env::var_os(var).map(PathBuf::from)
    } else {
        None
    }
}
