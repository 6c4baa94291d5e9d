//! Organization mode's commands (docs/window-contract.md): parse, call `AppState`, map errors.
//! A plan made here is started, steered and resumed with the run commands of `commands.rs`.
//! Each is declared in build.rs and granted one by one in capabilities/default.json.

use super::dto_plan::PlanDto;
use super::error::AppError;
use super::org_dto::{OrgConnectionDto, OrgPreflightDto};
use super::state::AppState;
use std::path::PathBuf;
use tauri::ipc::Response;
use tauri::{Emitter, Runtime, State, WebviewWindow};

/// The event a load of the organization's users sends after each page: `{ loaded, pages }`.
pub const ORG_LOAD_EVENT: &str = "org-load";

type Reply<T> = Result<T, AppError>;

/// Checks an organization connection: `org` is an id or a pasted admin.atlassian.com address;
/// `key: null` uses the key saved for that organization (or `OFFBOARD_ORG_API_KEY`; in practice
/// mode the practice key). Never returns the key.
#[tauri::command]
pub async fn org_connect(
    state: State<'_, AppState>,
    api: Option<String>,
    org: String,
    key: Option<String>,
    save_key: bool,
) -> Reply<OrgConnectionDto> {
    state.org_connect(api.as_deref(), &org, key, save_key).await
}

/// Chooses the directory to work in (organizations with several).
#[tauri::command]
pub async fn org_choose_directory(
    state: State<'_, AppState>,
    directory_id: String,
) -> Reply<OrgConnectionDto> {
    state.org_choose_directory(&directory_id).await
}

/// Whether a key is saved for this organization (never the key itself).
#[tauri::command]
pub async fn org_key_saved(state: State<'_, AppState>, org: String) -> Reply<bool> {
    state.org_key_saved(&org).await
}

/// Forgets a saved organization and deletes its key from the keychain.
#[tauri::command]
pub async fn forget_org(state: State<'_, AppState>, org_id: String) -> Reply<()> {
    state.forget_org(&org_id).await
}

/// Loads every user of the chosen directory, sending `org-load` after each page; answers
/// `OrgUsers` (columns, written as JSON page by page as they were read).
#[tauri::command]
pub async fn org_load_users<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, AppState>,
) -> Reply<Response> {
    let json = state
        .org_load_users(move |progress| {
            // A closed page misses the progress; the load itself goes on.
            let _ = window.emit(ORG_LOAD_EVENT, progress);
        })
        .await?;
    Ok(Response::new(json))
}

/// Cancels the load in progress (it then fails with `cancelled` and keeps nothing).
#[tauri::command]
pub fn org_cancel_load(state: State<'_, AppState>) -> Reply<()> {
    state.org_cancel_load();
    Ok(())
}

/// Matches an export to the chosen directory by account id; answers `OrgImport`.
#[tauri::command]
pub async fn org_import_export(state: State<'_, AppState>, path: PathBuf) -> Reply<Response> {
    Ok(Response::new(state.org_import_export(path).await?))
}

/// Shows the open dialog and matches the chosen export to the directory; `OrgImport`, or
/// `null` when cancelled.
#[tauri::command]
pub async fn org_choose_export<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, AppState>,
) -> Reply<Response> {
    let json = match super::dialogs::pick_export(window).await? {
        Some(path) => state.org_import_export(path).await?,
        None => "null".to_owned(),
    };
    Ok(Response::new(json))
}

/// Builds the plan of `action` (`suspend`, `restore`, `remove`, `deactivate`, `reactivate`,
/// `delete_account`, `cancel_delete`) for `ids`, or for the people of run `from_run` (the
/// history's undo); `start_run` starts it.
#[tauri::command]
pub async fn org_prepare(
    state: State<'_, AppState>,
    action: String,
    ids: Vec<String>,
    unlocked: Vec<String>,
    unlock_admins: bool,
    from_run: Option<String>,
) -> Reply<PlanDto> {
    state
        .org_prepare(&action, &ids, &unlocked, unlock_admins, from_run.as_deref())
        .await
}

/// The dry run of the current organization plan: reads only.
#[tauri::command]
pub async fn org_preflight(state: State<'_, AppState>, plan_id: String) -> Reply<OrgPreflightDto> {
    state.org_preflight(&plan_id).await
}
