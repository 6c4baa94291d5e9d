//! The commands the page may call (docs/window-contract.md): parse, call `AppState`, map errors.
//! Each is declared in build.rs and granted one by one in capabilities/default.json.

use super::dialogs;
use super::dto::{ImportDto, PreflightDto, RunEvent, RunStartedDto, RunSummaryDto};
use super::dto_plan::PlanDto;
use super::error::AppError;
use super::state::{AppInfo, AppState, ConnectionDto, HeldRows, RunSink, SavedConnectionDto};
use crate::sweep::{PaceSettings, PreflightProgress};
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::Arc;
use tauri::ipc::{Channel, JavaScriptChannelId};
use tauri::{Runtime, State, Webview, WebviewWindow};

/// Atlassian's page for creating API tokens; fixed here so the page cannot open other addresses.
pub const TOKEN_PAGE: &str = "https://id.atlassian.com/manage-profile/security/api-tokens";

type Reply<T> = Result<T, AppError>;

/// Pace settings from the Advanced section.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaceArg {
    max_rate: f64,
    max_in_flight: usize,
}

fn sink(channel: Channel<RunEvent>) -> RunSink {
    // A closed page drops events; the journal still records everything.
    Arc::new(move |event| {
        let _ = channel.send(event);
    })
}

/// Version and practice-mode details.
#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    state.info()
}

/// The remembered connections.
#[tauri::command]
pub async fn saved_connections(state: State<'_, AppState>) -> Reply<Vec<SavedConnectionDto>> {
    Ok(state.saved_connections().await)
}

/// Checks a connection (`token: null` uses the saved or practice token).
#[tauri::command]
pub async fn connect(
    state: State<'_, AppState>,
    site: String,
    email: String,
    token: Option<String>,
    remember: bool,
) -> Reply<ConnectionDto> {
    state.connect(&site, &email, token, remember).await
}

/// Forgets a saved connection and deletes its token from the keychain.
#[tauri::command]
pub async fn forget_connection(
    state: State<'_, AppState>,
    site: String,
    email: String,
) -> Reply<()> {
    state.forget_connection(&site, &email).await
}

/// Whether a token is saved for this site and email (never the token itself).
#[tauri::command]
pub async fn token_saved(state: State<'_, AppState>, site: String, email: String) -> Reply<bool> {
    state.token_saved(&site, &email).await
}

/// Opens Atlassian's API-token page in the system browser.
#[tauri::command]
pub fn open_token_page() -> Reply<()> {
    open::that_detached(TOKEN_PAGE).map_err(|e| {
        AppError::new(
            "internal",
            format!("Could not open the browser ({e}). Go to {TOKEN_PAGE} yourself."),
        )
    })
}

/// Shows the open dialog and imports the chosen export; `null` when cancelled.
#[tauri::command]
pub async fn choose_export<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, AppState>,
) -> Reply<Option<ImportDto>> {
    match dialogs::pick_export(window).await? {
        Some(path) => state.import(path).await.map(Some),
        None => Ok(None),
    }
}

/// Imports an export by path (a file dropped on the window).
#[tauri::command]
pub async fn import_export(state: State<'_, AppState>, path: PathBuf) -> Reply<ImportDto> {
    state.import(path).await
}

/// Builds the run plan for the selection in Rust: its words, protected rows and phrase.
#[tauri::command]
pub async fn prepare_plan(
    state: State<'_, AppState>,
    selection: Vec<String>,
    unlocked: Vec<String>,
) -> Reply<PlanDto> {
    state.prepare_plan(&selection, &unlocked).await
}

/// Builds the one-row rehearsal plan (phrase `remove 1`).
#[tauri::command]
pub async fn prepare_rehearsal(
    state: State<'_, AppState>,
    account_id: String,
    unlocked: bool,
) -> Reply<PlanDto> {
    state.prepare_rehearsal(&account_id, unlocked).await
}

/// The dry run of the current plan; how far it got goes to `on_progress` (when given). One at
/// a time: refused with `busy` while another goes on.
#[tauri::command]
pub async fn preflight<R: Runtime>(
    webview: Webview<R>,
    state: State<'_, AppState>,
    plan_id: String,
    on_progress: Option<JavaScriptChannelId>,
) -> Reply<PreflightDto> {
    let channel: Option<Channel<PreflightProgress>> = on_progress.map(|id| id.channel_on(webview));
    // A closed page drops the reports; the dry run's answer says it all anyway.
    let progress = move |p: PreflightProgress| {
        if let Some(channel) = &channel {
            let _ = channel.send(p);
        }
    };
    state.preflight_with(&plan_id, &progress).await
}

/// Stops the dry run in progress at once; its `preflight` then fails with `cancelled`.
#[tauri::command]
pub fn cancel_preflight(state: State<'_, AppState>) {
    state.cancel_preflight();
}

/// Removes the rehearsal plan's one user, if `phrase` is its phrase: a one-row run, journalled.
/// `held_rows`, for this and the other run commands: the rows the page holds (not sent back).
#[tauri::command]
pub async fn rehearse(
    state: State<'_, AppState>,
    plan_id: String,
    phrase: String,
    held_rows: Option<HeldRows>,
    on_event: Channel<RunEvent>,
) -> Reply<RunStartedDto> {
    state
        .rehearse(&plan_id, &phrase, held_rows, sink(on_event))
        .await
}

/// Starts the current plan's run, if `phrase` is its phrase.
#[tauri::command]
pub async fn start_run(
    state: State<'_, AppState>,
    plan_id: String,
    phrase: String,
    pace: PaceArg,
    held_rows: Option<HeldRows>,
    on_event: Channel<RunEvent>,
) -> Reply<RunStartedDto> {
    let pace = PaceSettings {
        max_rate: pace.max_rate,
        max_in_flight: pace.max_in_flight,
    };
    state
        .start(&plan_id, &phrase, pace, held_rows, sink(on_event))
        .await
}

/// Pauses the run in progress.
#[tauri::command]
pub fn pause_run(state: State<'_, AppState>) -> Reply<()> {
    state.pause()
}

/// Resumes the paused run.
#[tauri::command]
pub fn resume_run(state: State<'_, AppState>) -> Reply<()> {
    state.resume()
}

/// Stops the run in progress after the requests in flight.
#[tauri::command]
pub fn stop_run(state: State<'_, AppState>) -> Reply<()> {
    state.stop()
}

/// The run history, newest first. Async, so reading the runs never holds the window's main
/// thread (a sync command would run there).
#[tauri::command]
pub async fn list_runs(state: State<'_, AppState>) -> Reply<Vec<RunSummaryDto>> {
    Ok(state.runs().await)
}

/// Goes on with a run that was cut short.
#[tauri::command]
pub async fn continue_run(
    state: State<'_, AppState>,
    run_id: String,
    held_rows: Option<HeldRows>,
    on_event: Channel<RunEvent>,
) -> Reply<RunStartedDto> {
    state
        .continue_run(&run_id, false, held_rows, sink(on_event))
        .await
}

/// Sends a run's failed rows again, in the same run, with the rows it never reached.
#[tauri::command]
pub async fn retry_run(
    state: State<'_, AppState>,
    run_id: String,
    held_rows: Option<HeldRows>,
    on_event: Channel<RunEvent>,
) -> Reply<RunStartedDto> {
    state
        .continue_run(&run_id, true, held_rows, sink(on_event))
        .await
}

/// Saves a copy of a run's results where the admin chooses; `null` when cancelled.
#[tauri::command]
pub async fn export_results<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, AppState>,
    run_id: String,
) -> Reply<Option<String>> {
    let source = state.results_file(&run_id)?;
    let suggested = format!("offboard-results-{run_id}.csv");
    let Some(target) = dialogs::pick_results_target(window, suggested).await? else {
        return Ok(None);
    };
    save_copy(&source, &target).await.map_err(|e| {
        AppError::new(
            "journal",
            format!(
                "Could not save the results to {}: {e}. Choose another folder.",
                target.display()
            ),
        )
        .at("run")
    })?;
    Ok(Some(target.display().to_string()))
}

/// Copies through the session core's atomic copy, off the async workers.
async fn save_copy(source: &std::path::Path, target: &std::path::Path) -> std::io::Result<()> {
    let (source, target) = (source.to_owned(), target.to_owned());
    tokio::task::spawn_blocking(move || crate::session::copy_into_place(&source, &target))
        .await
        .map_err(std::io::Error::other)?
}
