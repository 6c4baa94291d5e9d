//! Organization mode's connection in the window: checking an org API key against the
//! organization (the key typed, or from the keychain per org id, or the environment), choosing
//! a directory, and the saved organizations. One connection at a time: connecting to an
//! organization ends the site connection, and the other way round.

use super::AppState;
use crate::app::error::AppError;
use crate::app::org_dto::OrgConnectionDto;
use crate::atlassian::org::{parse_org_id, OrgUser};
use crate::session::org::OrgConnection;
use crate::session::TokenChoice;
use crate::vault::{ApiToken, VaultKey};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::watch;

/// What the window holds in organization mode.
#[derive(Default)]
pub(super) struct OrgSession {
    /// The checked connection.
    pub(super) connection: Option<OrgConnection>,
    /// The users last loaded from the directory or matched from an export: plans are made
    /// from these, by account id.
    pub(super) users: Option<Arc<KeptUsers>>,
    /// Turns true to cancel the load in progress.
    pub(super) load: Option<Arc<watch::Sender<bool>>>,
}

impl OrgSession {
    /// Forgets the connection and its users, and cancels a load in progress.
    pub(super) fn clear(&mut self) {
        self.connection = None;
        self.forget_users();
    }

    /// Forgets the users (another directory, a new load or export) and cancels a load.
    pub(super) fn forget_users(&mut self) {
        self.users = None;
        if let Some(cancel) = self.load.take() {
            cancel.send_replace(true);
        }
    }
}

/// Users read from the directory, by canonical account id.
pub(super) struct KeptUsers {
    /// The users.
    pub(super) by_id: HashMap<String, OrgUser>,
    /// The export they were matched from (`None`: loaded from the organization).
    pub(super) source: Option<String>,
}

impl KeptUsers {
    /// Keeps `users`, read from the directory (from the export at `source`, if any).
    pub(super) fn new(users: &[OrgUser], source: Option<String>) -> Self {
        KeptUsers {
            by_id: users
                .iter()
                .map(|u| {
                    (
                        crate::roster::canonical_account_id(&u.account_id),
                        u.clone(),
                    )
                })
                .collect(),
            source,
        }
    }
}

/// Said when a step needs an organization connection and there is none.
pub(super) fn org_not_connected() -> AppError {
    AppError::new(
        "not_connected",
        "Connect to the organization first: go to step 1 and check the connection.",
    )
}

impl AppState {
    /// Checks the org API key against the organization and keeps the connection. Any attempt
    /// first ends the previous connection (site or organization) and voids the plans. With
    /// `save_key`, a typed key that passed the check is saved in the keychain; the
    /// organization joins the saved connections either way (never in practice mode).
    pub async fn org_connect(
        &self,
        api: Option<&str>,
        org: &str,
        key: Option<String>,
        save_key: bool,
    ) -> Result<OrgConnectionDto, AppError> {
        self.session().disconnect();
        let connector = &self.org_connector;
        let api = connector
            .api(api)
            .map_err(|e| AppError::from(e).at("api"))?;
        let org_id = connector
            .org_id(org)
            .map_err(|e| AppError::from(e).at("org"))?;
        let typed = key.map(ApiToken::new).filter(|k| !k.is_empty());
        let choice = match &typed {
            Some(k) => TokenChoice::Typed(k.clone()),
            None => TokenChoice::Stored,
        };
        let key = connector
            .key(&org_id, choice, || None)
            .await
            .map_err(|e| AppError::from(e).at("org-key"))?;
        let conn = connector.connect(&api, &org_id, key.clone()).await?;
        let mut note = None;
        if conn.practice {
            if save_key {
                note = Some(
                    "Practice mode keeps nothing on this computer: the practice key is not saved \
                     in your keychain."
                        .to_owned(),
                );
            }
        } else {
            if save_key && typed.is_some() {
                if let Err(e) = connector.save_key(&conn.org.id, &key).await {
                    note = Some(format!(
                        "Connected, but the key was not saved: {}",
                        AppError::from(e).message
                    ));
                }
            }
            if let Err(e) = self
                .connections
                .remember_org(&conn.api(), &conn.org.id, &conn.org.name)
            {
                note.get_or_insert(e.to_string());
            }
        }
        let key_saved = self.org_key_saved(&conn.org.id).await.unwrap_or(false);
        let dto = OrgConnectionDto::new(&conn, note, key_saved);
        let mut s = self.session();
        s.disconnect();
        s.org.connection = Some(conn);
        Ok(dto)
    }

    /// Chooses the directory loads and runs act in; the users kept and the plans are void.
    pub async fn org_choose_directory(
        &self,
        directory_id: &str,
    ) -> Result<OrgConnectionDto, AppError> {
        let conn = {
            let mut s = self.session();
            let mut conn = s.org.connection.clone().ok_or_else(org_not_connected)?;
            conn.choose_directory(directory_id)
                .map_err(|e| AppError::from(e).at("directory"))?;
            s.org.forget_users();
            s.void_plans();
            s.org.connection = Some(conn.clone());
            conn
        };
        let key_saved = self.org_key_saved(&conn.org.id).await.unwrap_or(false);
        Ok(OrgConnectionDto::new(&conn, None, key_saved))
    }

    /// Whether the keychain holds a key for this organization (never the key; never in
    /// practice mode, which keeps nothing).
    pub async fn org_key_saved(&self, org: &str) -> Result<bool, AppError> {
        let org_id = parse_org_id(org).map_err(|e| AppError::from(e).at("org"))?;
        let key = VaultKey::for_org(&org_id);
        let store = self.org_connector.store();
        tokio::task::spawn_blocking(move || store.has(&key))
            .await
            .map_err(|e| AppError::new("internal", e.to_string()))?
            .map_err(|e| AppError::from(e).at("org-key"))
    }

    /// Deletes the organization's key from the keychain and the organization from the list.
    pub async fn forget_org(&self, org_id: &str) -> Result<(), AppError> {
        if self.practice.is_some() {
            return Ok(()); // practice mode saved nothing, so there is nothing to forget
        }
        let org_id = parse_org_id(org_id).map_err(|e| AppError::from(e).at("org"))?;
        self.org_connector
            .forget_key(&org_id)
            .await
            .map_err(|e| AppError::from(e).at("org-key"))?;
        self.connections.forget_org(&org_id)?;
        Ok(())
    }

    /// The organization connection, or words asking for one.
    pub(super) fn org_connected(&self) -> Result<OrgConnection, AppError> {
        self.session()
            .org
            .connection
            .clone()
            .ok_or_else(org_not_connected)
    }
}
