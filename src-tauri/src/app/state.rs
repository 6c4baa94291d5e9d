//! `AppState`: what one window holds between commands (the checked connection — a site's or an
//! organization's, one at a time — the imported export or loaded users, the prepared plans, the
//! run in progress) and the orchestration the commands call. Connecting and planning are the
//! session core's (`crate::session`), shared with the CLI. No Tauri types here, so tests drive
//! it directly as well as through the mock runtime.

use super::dto::{ImportDto, RunEvent};
use super::dto_plan::{PaceLimitsDto, PlanDto};
use super::error::AppError;
use crate::atlassian::{ClientConfig, Site};
use crate::connections::ConnectionList;
use crate::practice::PracticeSite;
use crate::roster::{import_file, Roster};
use crate::session::org::OrgConnector;
use crate::session::{
    self, require_site_admins, Connection, Connector, PracticeLogin, Prepared, Selection,
    SiteAdmins, TokenChoice,
};
use crate::sweep::RunControl;
use crate::vault::{ApiToken, TokenStore, VaultKey};
use serde::Serialize;
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
    /// The bounds and defaults of the pace fields.
    pace: PaceLimitsDto,
    /// The organization API's address when the admin gives none.
    org_api_default: &'static str,
}

/// Practice mode's pre-filled connection.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PracticeInfo {
    site: String,
    email: String,
    sample_export: String,
    /// The practice organization's id (its key stays in Rust).
    org_id: String,
    /// The practice organization's API address (the practice site).
    org_api: String,
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
    /// Set when the connection works but remembering it did not (or was not possible).
    warning: Option<String>,
    /// The site's `site-admins` group as read just now.
    site_admins: SiteAdmins,
    /// Set when that group says this account is not a site admin (show it at once).
    admin_warning: Option<String>,
}

/// A saved connection, with whether the keychain still holds its token (or org API key).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedConnectionDto {
    /// `site` or `org`.
    kind: crate::connections::ConnectionKind,
    /// The site (an organization: the org API's address).
    site: String,
    /// The admin email (empty for an organization).
    email: String,
    has_token: bool,
    /// The org id (organizations only).
    org_id: Option<String>,
    /// The organization's name when last connected (organizations only).
    org_name: Option<String>,
}

struct Imported {
    path: PathBuf,
    roster: Roster,
}

#[derive(Default)]
struct Session {
    connection: Option<Connection>,
    /// Organization mode: the connection, the users loaded or matched, a load in progress.
    org: org::OrgSession,
    roster: Option<Arc<Imported>>,
    /// The plan the Review step shows and the typed phrase must match; `None` once voided.
    run_plan: Option<Arc<Prepared>>,
    /// The one-row rehearsal plan, confirmed on its own.
    rehearsal_plan: Option<Arc<Prepared>>,
    /// Bumped by every connection attempt and import: a plan prepared across one is void.
    generation: u64,
    active: Option<(String, RunControl)>,
}

impl Session {
    /// A new connection attempt or file: every prepared plan (and so its phrase and dry run)
    /// is void.
    fn void_plans(&mut self) {
        self.run_plan = None;
        self.rehearsal_plan = None;
        self.generation += 1;
    }

    /// A new connection of either kind: one connection at a time, so the previous one, the
    /// organization's users (and any load of them) and every plan go.
    fn disconnect(&mut self) {
        self.connection = None;
        self.org.clear();
        self.void_plans();
    }
}

/// Everything the window's commands share.
pub struct AppState {
    connector: Connector,
    org_connector: OrgConnector,
    runs_dir: PathBuf,
    connections: ConnectionList,
    practice: Option<PracticeMode>,
    session: Arc<Mutex<Session>>,
    // Held from "is a run active?" to "this run is active", so two clicks start one run.
    starting: Mutex<()>,
    /// The dry run in progress, one at a time (state/preflight.rs).
    dry_run: preflight::DryRun,
}

impl AppState {
    /// State keeping runs and saved connections under `data_dir`, tokens in `store`. In
    /// practice mode `store` is not used at all: the practice sandbox keeps nothing.
    pub fn new(
        data_dir: &Path,
        store: Arc<dyn TokenStore>,
        practice: Option<PracticeMode>,
    ) -> Self {
        let connector = match &practice {
            Some(p) => Connector::practice(
                PracticeLogin {
                    url: p.site.url(),
                    email: p.email.clone(),
                    token: p.token.clone(),
                },
                ClientConfig::default(),
            ),
            None => Connector::new(store.clone(), ClientConfig::default()),
        };
        let org_connector = match &practice {
            Some(p) => OrgConnector::practice(
                super::practice_mode::practice_org(&p.site),
                ClientConfig::default(),
            ),
            None => OrgConnector::new(store, ClientConfig::default()),
        };
        AppState {
            connector,
            org_connector,
            runs_dir: data_dir.join("runs"),
            connections: ConnectionList::new(data_dir),
            practice,
            session: Arc::new(Mutex::new(Session::default())),
            starting: Mutex::new(()),
            dry_run: preflight::DryRun::default(),
        }
    }

    fn session(&self) -> MutexGuard<'_, Session> {
        // A panic elsewhere must not lock the admin out of their runs.
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Where this window keeps its runs (practice mode: apart from the real ones).
    pub fn runs_dir(&self) -> &Path {
        &self.runs_dir
    }

    /// Version and practice-mode details.
    pub fn info(&self) -> AppInfo {
        AppInfo {
            version: env!("CARGO_PKG_VERSION"),
            practice: self.practice.as_ref().map(|p| PracticeInfo {
                site: p.site.url(),
                email: p.email.clone(),
                sample_export: p.sample_export.display().to_string(),
                org_id: p.site.org_id(),
                org_api: p.site.url(),
            }),
            runs_dir: self.runs_dir.display().to_string(),
            logs_dir: crate::paths::logs_dir().display().to_string(),
            pace: PaceLimitsDto::current(),
            org_api_default: crate::atlassian::org::PRODUCTION_API,
        }
    }

    /// Checks the credentials with `myself`, reads the site's admins and keeps the connection
    /// for the next steps. Any attempt first ends the previous connection and voids the plans.
    pub async fn connect(
        &self,
        site: &str,
        email: &str,
        token: Option<String>,
        remember: bool,
    ) -> Result<ConnectionDto, AppError> {
        self.session().disconnect();
        let site = self.connector.site(site)?;
        let email = Connector::email(email).map_err(|e| AppError::from(e).at("email"))?;
        let typed = token.map(ApiToken::new).filter(|t| !t.is_empty());
        let choice = match &typed {
            Some(t) => TokenChoice::Typed(t.clone()),
            None => TokenChoice::Stored,
        };
        let token = self.connector.token(&site, &email, choice, || None).await?;
        let conn = self.connector.connect(&site, &email, token.clone()).await?;
        let mut warning = None;
        if remember && self.connector.is_practice() {
            warning = Some(
                "Practice mode keeps nothing on this computer: the practice token is not saved \
                 in your keychain."
                    .to_owned(),
            );
        } else if remember {
            if typed.is_some() {
                let key = VaultKey::new(site.base_url(), &email);
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
            account_id: crate::roster::canonical_account_id(&conn.me.account_id),
            display_name: conn.me.display_name.clone(),
            email: conn
                .me
                .email_address
                .clone()
                .unwrap_or_else(|| email.clone()),
            practice: conn.practice,
            token_saved,
            warning,
            site_admins: conn.site_admins.clone(),
            admin_warning: conn.admin_warning.clone(),
        };
        let mut s = self.session();
        s.disconnect();
        s.connection = Some(conn);
        Ok(dto)
    }

    // Keychain calls may block on another process: keep them off the async workers.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn TokenStore) -> Result<T, crate::vault::VaultError> + Send + 'static,
    ) -> Result<T, AppError> {
        let store = self.connector.store();
        tokio::task::spawn_blocking(move || f(store.as_ref()))
            .await
            .map_err(|e| AppError::new("internal", e.to_string()))?
            .map_err(AppError::from)
    }

    /// Whether the keychain holds a token for this site and email (never in practice mode).
    pub async fn token_saved(&self, site: &str, email: &str) -> Result<bool, AppError> {
        let key = VaultKey::new(Site::parse(site)?.base_url(), email.trim());
        self.blocking(move |s| s.has(&key)).await
    }

    /// The remembered connections, with whether each still has a token (none in practice mode).
    pub async fn saved_connections(&self) -> Vec<SavedConnectionDto> {
        if self.connector.is_practice() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for c in self.connections.load() {
            let has_token = match (c.kind, &c.org_id) {
                (crate::connections::ConnectionKind::Org, Some(org)) => {
                    self.org_key_saved(org).await.unwrap_or(false)
                }
                _ => self.token_saved(&c.site, &c.email).await.unwrap_or(false),
            };
            out.push(SavedConnectionDto {
                kind: c.kind,
                site: c.site,
                email: c.email,
                has_token,
                org_id: c.org_id,
                org_name: c.org_name,
            });
        }
        out
    }

    /// Deletes the token from the keychain and the connection from the list.
    pub async fn forget_connection(&self, site: &str, email: &str) -> Result<(), AppError> {
        if self.connector.is_practice() {
            return Ok(()); // practice mode saved nothing, so there is nothing to forget
        }
        let base = Site::parse(site)?.base_url().to_owned();
        let key = VaultKey::new(&base, email.trim());
        self.blocking(move |s| s.forget(&key)).await?;
        self.connections.forget(&base, email.trim())?;
        Ok(())
    }

    /// Reads an export and keeps it for the plan; every prepared plan is void.
    pub async fn import(&self, path: PathBuf) -> Result<ImportDto, AppError> {
        self.session().void_plans();
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
        let mut s = self.session();
        s.void_plans();
        s.roster = Some(Arc::new(imported));
        Ok(dto)
    }

    fn connected(&self) -> Result<Connection, AppError> {
        self.session()
            .connection
            .clone()
            .ok_or_else(AppError::not_connected)
    }

    fn imported(&self) -> Result<Arc<Imported>, AppError> {
        self.session().roster.clone().ok_or_else(|| {
            AppError::new("no_roster", "Open the user export first (step 2).").at("file")
        })
    }

    /// Builds the run plan for the selection (with the site's admins read live) and makes it
    /// the one the typed phrase must match.
    pub async fn prepare_plan(
        &self,
        selection: &[String],
        unlocked: &[String],
    ) -> Result<PlanDto, AppError> {
        self.prepare(Selection::Ids(selection), unlocked, false)
            .await
    }

    /// Builds the one-row rehearsal plan, confirmed with its own phrase (`remove 1`).
    pub async fn prepare_rehearsal(
        &self,
        account_id: &str,
        unlocked: bool,
    ) -> Result<PlanDto, AppError> {
        let ids = [account_id.to_owned()];
        let unlocked: &[String] = if unlocked { &ids } else { &[] };
        self.prepare(Selection::Ids(&ids), unlocked, true)
            .await
            .map_err(|e| e.at("rehearse"))
    }

    async fn prepare(
        &self,
        selection: Selection<'_>,
        unlocked: &[String],
        rehearsal: bool,
    ) -> Result<PlanDto, AppError> {
        let generation = self.session().generation;
        let conn = self.connected()?;
        let imported = self.imported()?;
        let admins = require_site_admins(&conn.client).await?;
        let prepared = session::prepare(
            &conn,
            &imported.roster,
            &imported.path,
            selection,
            unlocked,
            false,
            rehearsal,
            &admins,
        )?;
        if rehearsal {
            // The export cannot tell an app or customer account from a person; the site can.
            session::check_rehearsal_person(&conn.client, &prepared.plan.rows[0]).await?;
        }
        let dto = PlanDto::from(&prepared);
        let mut s = self.session();
        // A connection or import while the admins were read: this plan describes the old one.
        if s.generation != generation {
            return Err(AppError::from(session::SessionError::StalePlan));
        }
        let slot = if rehearsal {
            &mut s.rehearsal_plan
        } else {
            &mut s.run_plan
        };
        *slot = Some(Arc::new(prepared));
        Ok(dto)
    }

    /// The current plan of a kind, if `plan_id` names it; otherwise the plan is stale.
    fn current_plan(&self, plan_id: &str, rehearsal: bool) -> Result<Arc<Prepared>, AppError> {
        let s = self.session();
        let slot = if rehearsal {
            &s.rehearsal_plan
        } else {
            &s.run_plan
        };
        slot.clone()
            .filter(|p| p.id == plan_id)
            .ok_or_else(|| AppError::from(session::SessionError::StalePlan))
    }
}

mod org;
mod org_plan;
mod org_users;
mod preflight;
mod run_stream;
mod runs;

pub use run_stream::{rows_check, HeldRows};
