//! The desktop window: the only module that knows Tauri. Commands are thin; `AppState` holds
//! the session; progress streams through one `Channel` per run.

pub mod about;
pub mod commands;
mod dialogs;
pub mod dto;
pub mod dto_plan;
pub mod error;
pub mod org_columns;
pub mod org_commands;
pub mod org_dto;
mod practice_mode;
pub mod state;

pub use dialogs::{TEST_OPEN_FILE, TEST_SAVE_FILE};
pub use error::AppError;
pub use state::AppState;

use crate::vault::OsKeychain;
use std::sync::Arc;

/// Wires state and commands on any builder (a mock one in tests).
pub fn build_app<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    state: AppState,
) -> tauri::Builder<R> {
    // build.rs declares the same names, so only those granted in capabilities/ reach the page.
    builder
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            about::about_records,
            commands::saved_connections,
            commands::connect,
            commands::forget_connection,
            commands::token_saved,
            commands::open_token_page,
            commands::choose_export,
            commands::import_export,
            commands::prepare_plan,
            commands::prepare_rehearsal,
            commands::preflight,
            commands::cancel_preflight,
            commands::rehearse,
            commands::start_run,
            commands::pause_run,
            commands::resume_run,
            commands::stop_run,
            commands::list_runs,
            commands::continue_run,
            commands::retry_run,
            commands::export_results,
            org_commands::org_connect,
            org_commands::org_choose_directory,
            org_commands::org_key_saved,
            org_commands::forget_org,
            org_commands::org_load_users,
            org_commands::org_cancel_load,
            org_commands::org_import_export,
            org_commands::org_choose_export,
            org_commands::org_prepare,
            org_commands::org_preflight,
        ])
}

/// Wires the app on `builder` and runs it until the window closes.
pub fn run_app<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    state: AppState,
) -> Result<(), tauri::Error> {
    build_app(builder, state).run(tauri::generate_context!())
}

/// Opens the desktop window with the default runtime; `practice` starts the practice site.
pub fn run(practice: bool) -> Result<(), tauri::Error> {
    let data_dir = crate::paths::data_dir();
    let state = if practice {
        let mode = tauri::async_runtime::block_on(practice_mode::start(&data_dir))
            .map_err(|e| tauri::Error::Io(std::io::Error::other(e.to_string())))?;
        // The practice sandbox never opens the OS keychain (AppState would not use it anyway).
        AppState::new(
            &data_dir.join("practice"),
            Arc::new(crate::vault::MemoryStore::new()),
            Some(mode),
        )
    } else {
        AppState::new(&data_dir, Arc::new(OsKeychain::new()), None)
    };
    let instance_dir = if practice {
        data_dir.join("practice")
    } else {
        data_dir.clone()
    };
    let builder = tauri::Builder::default()
        .plugin(single_instance(&instance_dir))
        .plugin(window_memory(&data_dir))
        .setup(|app| {
            exit_on_terminate(app.handle().clone());
            Ok(())
        });
    run_app(builder, state)
}

/// SIGTERM (logging out, shutting down, `kill`) and Ctrl+C in a terminal end the app the way
/// closing its window does, so what is kept at exit (the window's size and place) is written.
/// A run in progress is cut short either way; its journal already holds every decided row.
#[cfg(unix)]
fn exit_on_terminate<R: tauri::Runtime>(app: tauri::AppHandle<R>) {
    use tokio::signal::unix::{signal, SignalKind};
    tauri::async_runtime::spawn(async move {
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            tracing::warn!("could not listen for SIGTERM/SIGINT; they will end the app at once");
            return;
        };
        tokio::select! {
            _ = term.recv() => tracing::info!("SIGTERM: closing"),
            _ = int.recv() => tracing::info!("SIGINT: closing"),
        }
        app.exit(0);
    });
}

/// Windows ends a GUI app through its window messages, which Tauri already handles.
#[cfg(not(unix))]
fn exit_on_terminate<R: tauri::Runtime>(_app: tauri::AppHandle<R>) {}

/// The window opens where and as large as it was last closed (or maximised), from
/// `<data>/window-state.json`; written when the app exits. A position on a screen that is gone
/// is ignored by the plugin, so the window never opens out of sight.
fn window_memory<R: tauri::Runtime>(data_dir: &std::path::Path) -> tauri::plugin::TauriPlugin<R> {
    use tauri_plugin_window_state::StateFlags;
    // The plugin joins this name to the OS config folder; an absolute path replaces that folder,
    // which keeps every file of Offboard in the one data folder (and tests in their own).
    tauri_plugin_window_state::Builder::new()
        .with_filename(data_dir.join(WINDOW_STATE_FILE).to_string_lossy())
        .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED)
        .build()
}

/// The file in the data folder that remembers the window's size and position.
pub const WINDOW_STATE_FILE: &str = "window-state.json";

/// Opening Offboard again focuses the window already open on the same data folder, instead of
/// a second window writing to the same runs. On Linux the D-Bus name carries the folder, so
/// separate folders (practice mode, tests) are separate instances; elsewhere it is one per user.
fn single_instance<R: tauri::Runtime>(data_dir: &std::path::Path) -> tauri::plugin::TauriPlugin<R> {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    data_dir.hash(&mut hasher);
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(format!(
            "{}.h{:016x}",
            crate::paths::APP_IDENTIFIER,
            hasher.finish()
        ))
        .callback(|app, _args, _cwd| {
            use tauri::Manager;
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        })
        .build()
}
