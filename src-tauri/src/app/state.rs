//! `AppState`: what one window holds between commands (the checked connection, the imported
//! export, the run in progress) and the orchestration the commands call. No Tauri types here,
//! so tests drive it directly as well as through the mock runtime.

use super::dto::{
    DecidedDto, ImportDto, PreflightDto, RunEvent, RunRowDto, RunStartedDto, RunSummaryDto,
};
use super::error::AppError;
use crate::atlassian::{ClientConfig, Myself, Site, SiteClient};
use crate::connections::ConnectionList;
use crate::practice::PracticeSite;
use crate::roster::{import_file, Roster, RosterUser};
use crate::sweep::{self, list_runs, PaceSettings, Plan, PlanRow, Run, RunControl, RunOptions};
use crate::vault::{ApiToken, TokenStore, VaultKey};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// Where progress of a run goes (the run's `Channel` in the window).
pub type RunSink = Arc<dyn Fn(RunEvent) + Send + Sync>;

/// The practice site this window started (`offboard --practice`).
pub struct PracticeMode {
    /// The running site.
    pub site: PracticeSite,
    /// Its login.
    pub email: String,
    /// Its token: kept here so the page never has to see it.
    pub token: ApiToken,
    /// The sample export offered on the Choose step.
    pub sample_export: PathBuf,
}

/// What the page learns at start-up.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    version: &'static str,
    practice: Option<PracticeInfo>,
    /// Where this window keeps its runs (for the About box).
    runs_dir: String,
    /// Where the window writes its log file.
    logs_dir: String,
}

/// Practice mode's pre-filled connection.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PracticeInfo {
    site: String,
    email: String,
    sample_export: String,
}

/// A checked connection, as the page shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionDto {
    site: String,
    host: String,
    account_id: String,
    display_name: String,
    email: String,
    practice: bool,
    token_saved: bool,
    /// Set when the connection works but remembering it did not.
    warning: Option<String>,
}

/// A saved connection, with whether the keychain still holds its token.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedConnectionDto {
    site: String,
    email: String,
    has_token: bool,
}

#[derive(Clone)]
struct Connected {
    client: SiteClient,
    me: Myself,
    email: String,
}

struct Imported {
    path: PathBuf,
    roster: Roster,
}

#[derive(Default)]
struct Session {
    connection: Option<Connected>,
    roster: Option<Arc<Imported>>,
    active: Option<(String, RunControl)>,
}

/// Everything the window's commands share.
pub struct AppState {
    store: Arc<dyn TokenStore>,
    runs_dir: PathBuf,
    connections: ConnectionList,
    practice: Option<PracticeMode>,
    session: Arc<Mutex<Session>>,
    // Held from "is a run active?" to "this run is active", so two clicks start one run.
    starting: Mutex<()>,
}

impl AppState {
    /// State keeping runs and saved connections under `data_dir`, tokens in `store`.
    pub fn new(
        data_dir: &Path,
        store: Arc<dyn TokenStore>,
        practice: Option<PracticeMode>,
    ) -> Self {
        AppState {
            store,
            runs_dir: data_dir.join("runs"),
            connections: ConnectionList::new(data_dir),
            practice,
            session: Arc::new(Mutex::new(Session::default())),
            starting: Mutex::new(()),
        }
    }

    fn session(&self) -> MutexGuard<'_, Session> {
        // A panic elsewhere must not lock the admin out of their runs.
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Version and practice-mode details.
    pub fn info(&self) -> AppInfo {
        AppInfo {
            version: env!("CARGO_PKG_VERSION"),
            practice: self.practice.as_ref().map(|p| PracticeInfo {
                site: p.site.url(),
                email: p.email.clone(),
                sample_export: p.sample_export.display().to_string(),
            }),
            runs_dir: self.runs_dir.display().to_string(),
            logs_dir: crate::paths::logs_dir().display().to_string(),
        }
    }

    fn practice_for(&self, site: &Site, email: &str) -> Option<&PracticeMode> {
        self.practice.as_ref().filter(|p| {
            site.base_url() == p.site.url().trim_end_matches('/')
                && email.eq_ignore_ascii_case(&p.email)
        })
    }

    /// Checks the credentials with `myself` and keeps the connection for the next steps.
    pub async fn connect(
        &self,
        site: &str,
        email: &str,
        token: Option<String>,
        remember: bool,
    ) -> Result<ConnectionDto, AppError> {
        let site = Site::parse(site)?;
        let email = email.trim().to_owned();
        if email.is_empty() || !email.contains('@') {
            return Err(AppError::new(
                "bad_email",
                "Enter the email address you sign in to Atlassian with (the API token's owner).",
            )
            .at("email"));
        }
        let key = VaultKey::new(site.base_url(), &email);
        let practice = self.practice_for(&site, &email);
        let typed = token.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        let token = match (&typed, practice) {
            (Some(t), _) => ApiToken::new(t.clone()),
            (None, Some(p)) => p.token.clone(),
            (None, None) => self.load_token(&key).await?.ok_or_else(|| {
                AppError::new(
                    "no_token",
                    "Enter your API token. Create one on Atlassian's API-token page (link below).",
                )
                .at("token")
            })?,
        };
        let client = SiteClient::new(site.clone(), &email, token.clone(), ClientConfig::default())?;
        let me = client.myself().await?;
        let mut warning = None;
        // The practice site changes port each time: nothing of it is worth remembering.
        if remember && practice.is_none() {
            if typed.is_some() {
                if let Err(e) = self.blocking(move |s| s.save(&key, &token)).await {
                    warning = Some(format!(
                        "Connected, but the token was not saved: {}",
                        e.message
                    ));
                }
            }
            if let Err(e) = self.connections.remember(site.base_url(), &email) {
                warning.get_or_insert(e.to_string());
            }
        }
        let token_saved = self
            .token_saved(site.base_url(), &email)
            .await
            .unwrap_or(false);
        let dto = ConnectionDto {
            site: site.base_url().to_owned(),
            host: site.authority(),
            account_id: me.account_id.clone(),
            display_name: me.display_name.clone(),
            email: me.email_address.clone().unwrap_or_else(|| email.clone()),
            practice: practice.is_some(),
            token_saved,
            warning,
        };
        self.session().connection = Some(Connected { client, me, email });
        Ok(dto)
    }

    async fn load_token(&self, key: &VaultKey) -> Result<Option<ApiToken>, AppError> {
        let key = key.clone();
        self.blocking(move |s| s.load(&key)).await
    }

    // Keychain calls may block on another process: keep them off the async workers.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn TokenStore) -> Result<T, crate::vault::VaultError> + Send + 'static,
    ) -> Result<T, AppError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(store.as_ref()))
            .await
            .map_err(|e| AppError::new("internal", e.to_string()))?
            .map_err(AppError::from)
    }

    /// Whether the keychain holds a token for this site and email.
    pub async fn token_saved(&self, site: &str, email: &str) -> Result<bool, AppError> {
        let key = VaultKey::new(Site::parse(site)?.base_url(), email.trim());
        self.blocking(move |s| s.has(&key)).await
    }

    /// The remembered connections, with whether each still has a token.
    pub async fn saved_connections(&self) -> Vec<SavedConnectionDto> {
        let mut out = Vec::new();
        for c in self.connections.load() {
            let has_token = self.token_saved(&c.site, &c.email).await.unwrap_or(false);
            out.push(SavedConnectionDto {
                site: c.site,
                email: c.email,
                has_token,
            });
        }
        out
    }

    /// Deletes the token from the keychain and the connection from the list.
    pub async fn forget_connection(&self, site: &str, email: &str) -> Result<(), AppError> {
        let base = Site::parse(site)?.base_url().to_owned();
        let key = VaultKey::new(&base, email.trim());
        self.blocking(move |s| s.forget(&key)).await?;
        self.connections.forget(&base, email.trim())?;
        Ok(())
    }

    /// Reads an export and keeps it for the plan.
    pub async fn import(&self, path: PathBuf) -> Result<ImportDto, AppError> {
        let imported = tokio::task::spawn_blocking(move || {
            import_file(&path).map(|roster| Imported { path, roster })
        })
        .await
        .map_err(|e| AppError::new("internal", e.to_string()))??;
        if imported.roster.users.is_empty() {
            return Err(AppError::new(
                "bad_file",
                "This file holds no user with a valid account id, so there is nobody to remove. \
                 Export users again from admin.atlassian.com (Directory › Users › Export users).",
            )
            .at("file"));
        }
        let dto = ImportDto::new(&imported.path, &imported.roster);
        self.session().roster = Some(Arc::new(imported));
        Ok(dto)
    }

    fn connected(&self) -> Result<Connected, AppError> {
        self.session()
            .connection
            .clone()
            .ok_or_else(AppError::not_connected)
    }

    // The plan for the selected ids, in file order; unlocks apply only to selected rows.
    fn plan_for(
        &self,
        conn: &Connected,
        selection: &[String],
        unlocked: &[String],
    ) -> Result<Plan, AppError> {
        let imported = self.session().roster.clone().ok_or_else(|| {
            AppError::new("no_roster", "Open the user export first (step 2).").at("file")
        })?;
        let by_id: HashMap<&str, &RosterUser> = imported
            .roster
            .users
            .iter()
            .map(|u| (u.account_id.as_str(), u))
            .collect();
        let mut rows = Vec::with_capacity(selection.len());
        for id in selection {
            let user = by_id.get(id.as_str()).ok_or_else(|| {
                AppError::new(
                    "no_roster",
                    format!("{id} is not in the export that is open; open it again and re-select."),
                )
            })?;
            rows.push(PlanRow::from(*user));
        }
        if rows.is_empty() {
            return Err(AppError::new(
                "no_roster",
                "Select at least one user to remove.",
            ));
        }
        let selected: HashSet<&str> = selection.iter().map(String::as_str).collect();
        let mut plan = Plan::new(conn.client.site().base_url(), &conn.email, rows);
        plan.source_file = Some(imported.path.display().to_string());
        plan.unlocked_ids = unlocked
            .iter()
            .filter(|id| selected.contains(id.as_str()))
            .cloned()
            .collect();
        Ok(plan)
    }

    /// The dry run over the selection: GET only.
    pub async fn preflight(
        &self,
        selection: &[String],
        unlocked: &[String],
    ) -> Result<PreflightDto, AppError> {
        let conn = self.connected()?;
        let plan = self.plan_for(&conn, selection, unlocked)?;
        let report = sweep::preflight(&conn.client, &plan, &conn.me.account_id).await?;
        Ok(report.into())
    }

    /// Plans and starts a run over the selection; progress goes to `sink`.
    pub fn start(
        &self,
        selection: &[String],
        unlocked: &[String],
        pace: PaceSettings,
        sink: RunSink,
    ) -> Result<RunStartedDto, AppError> {
        let conn = self.connected()?;
        let mut plan = self.plan_for(&conn, selection, unlocked)?;
        plan.pace = pace
            .validated()
            .map_err(|e| AppError::new("bad_pace", e).at("pace"))?;
        let _starting = self.starting.lock().unwrap_or_else(|p| p.into_inner());
        self.ensure_idle()?;
        let run = Run::create(&self.runs_dir, plan)?;
        Ok(self.launch(conn, run, sink))
    }

    /// Goes on with a run cut short, with the connection checked for its site and email.
    pub fn continue_run(&self, run_id: &str, sink: RunSink) -> Result<RunStartedDto, AppError> {
        let _starting = self.starting.lock().unwrap_or_else(|p| p.into_inner());
        self.ensure_idle()?;
        let dir = self.run_dir(run_id)?;
        let run = Run::open(&dir)?;
        let conn = self.connected().ok().filter(|c| {
            c.client.site().base_url() == run.plan.site
                && c.email.eq_ignore_ascii_case(&run.plan.email)
        });
        let Some(conn) = conn else {
            return Err(AppError::new(
                "not_connected",
                format!(
                    "To resume this run, first connect to {} as {} (step 1).",
                    run.plan.site, run.plan.email
                ),
            )
            .at("run"));
        };
        Ok(self.launch(conn, run, sink))
    }

    fn ensure_idle(&self) -> Result<(), AppError> {
        match self.session().active {
            Some(_) => Err(AppError::busy()),
            None => Ok(()),
        }
    }

    // Spawns the engine; the active slot is cleared when it ends, whatever the ending.
    fn launch(&self, conn: Connected, run: Run, sink: RunSink) -> RunStartedDto {
        let run_id = run.plan.run_id.clone();
        let control = RunControl::new();
        let started = RunStartedDto {
            run_id: run_id.clone(),
            total: run.plan.rows.len(),
            site: run.plan.site.clone(),
            rows: run
                .plan
                .rows
                .iter()
                .map(|r| RunRowDto {
                    account_id: r.account_id.clone(),
                    name: r.name.clone(),
                    email: r.email.clone(),
                })
                .collect(),
            decided: run.state.decided.values().map(DecidedDto::from).collect(),
        };
        self.session().active = Some((run_id.clone(), control.clone()));
        let session = self.session.clone();
        let events: sweep::EventSink = {
            let sink = sink.clone();
            Arc::new(move |e| sink(RunEvent::from(e)))
        };
        let options = RunOptions {
            caller_account_id: conn.me.account_id.clone(),
        };
        tokio::spawn(async move {
            let result = sweep::execute(Arc::new(conn.client), run, options, control, events).await;
            {
                let mut s = session.lock().unwrap_or_else(|p| p.into_inner());
                if s.active.as_ref().is_some_and(|(id, _)| *id == run_id) {
                    s.active = None;
                }
            }
            if let Err(e) = result {
                sink(RunEvent::Error {
                    message: e.to_string(),
                });
            }
        });
        started
    }

    fn control(&self) -> Result<RunControl, AppError> {
        self.session()
            .active
            .as_ref()
            .map(|(_, c)| c.clone())
            .ok_or_else(|| AppError::new("no_run", "No run is in progress."))
    }

    /// Holds new requests of the run in progress.
    pub fn pause(&self) -> Result<(), AppError> {
        self.control().map(|c| c.pause())
    }

    /// Lets the paused run go on.
    pub fn resume(&self) -> Result<(), AppError> {
        self.control().map(|c| c.resume())
    }

    /// Stops the run after the requests in flight.
    pub fn stop(&self) -> Result<(), AppError> {
        self.control().map(|c| c.stop())
    }

    /// The id of the run in progress, if any.
    pub fn active_run(&self) -> Option<String> {
        self.session().active.as_ref().map(|(id, _)| id.clone())
    }

    /// The run history, newest first.
    pub fn runs(&self) -> Vec<RunSummaryDto> {
        let active = self.active_run();
        list_runs(&self.runs_dir)
            .into_iter()
            .map(|info| {
                let is_active = active.as_deref() == Some(info.run_id.as_str());
                RunSummaryDto::new(info, is_active)
            })
            .collect()
    }

    /// The results file of a run (written when a session of it ends).
    pub fn results_file(&self, run_id: &str) -> Result<PathBuf, AppError> {
        let dir = self.run_dir(run_id)?;
        let path = dir.join(sweep::RESULTS_FILE);
        if path.is_file() {
            Ok(path)
        } else {
            Err(AppError::new(
                "no_run",
                "This run has no results yet: they are written when it finishes or stops.",
            )
            .at("run"))
        }
    }

    // The page names runs by id only, never by a path of its choosing.
    fn run_dir(&self, run_id: &str) -> Result<PathBuf, AppError> {
        let plain = !run_id.is_empty()
            && run_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !plain {
            return Err(AppError::new("no_run", "That is not a run of this computer.").at("run"));
        }
        Ok(Run::locate(&self.runs_dir, run_id)?)
    }
}
