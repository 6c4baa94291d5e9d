//! Connecting: where the token comes from, the email check, the practice sandbox, the `myself`
//! check and the live admin read. One path for the command line and the window.

use super::admins::{read_with_standing, SiteAdmins};
use super::SessionError;
use crate::atlassian::{ClientConfig, Myself, Site, SiteClient};
use crate::vault::{token_from_sources, ApiToken, MemoryStore, TokenStore, VaultKey};
use std::sync::Arc;

/// The practice site's login, held in memory so the page never sees its token.
#[derive(Clone)]
pub struct PracticeLogin {
    /// The practice site's base URL (`http://127.0.0.1:PORT`).
    pub url: String,
    /// Its admin email.
    pub email: String,
    /// Its token.
    pub token: ApiToken,
}

/// Where the token for a connection comes from.
pub enum TokenChoice {
    /// Typed by the admin just now.
    Typed(ApiToken),
    /// The keychain, then `OFFBOARD_API_TOKEN` (and in practice mode the practice token).
    Stored,
}

/// A checked connection: the client, who it signs in as, and the site's live admins.
#[derive(Clone)]
pub struct Connection {
    /// The client for the site.
    pub client: SiteClient,
    /// Who the credentials belong to.
    pub me: Myself,
    /// The email signed in with.
    pub email: String,
    /// True on the practice site.
    pub practice: bool,
    /// The site's `site-admins` group as read at connection time.
    pub site_admins: SiteAdmins,
    /// Set when that read says the account is not a site admin: the connection works, but
    /// removals will probably be refused (shown at once, not at the rehearsal's 403).
    pub admin_warning: Option<String>,
}

/// Makes connections. In practice mode it is a sandbox: the practice site only, and a store
/// in memory in place of the OS keychain, which is then neither read nor written.
pub struct Connector {
    store: Arc<dyn TokenStore>,
    practice: Option<PracticeLogin>,
    config: ClientConfig,
}

impl Connector {
    /// Connections to real sites, tokens in `store` (the OS keychain in the app and CLI).
    pub fn new(store: Arc<dyn TokenStore>, config: ClientConfig) -> Connector {
        Connector {
            store,
            practice: None,
            config,
        }
    }

    /// The practice sandbox: only `login`'s site, and no keychain at all.
    pub fn practice(login: PracticeLogin, config: ClientConfig) -> Connector {
        Connector {
            store: Arc::new(MemoryStore::new()),
            practice: Some(login),
            config,
        }
    }

    /// The token store in use (an in-memory one in practice mode).
    pub fn store(&self) -> Arc<dyn TokenStore> {
        self.store.clone()
    }

    /// True in practice mode.
    pub fn is_practice(&self) -> bool {
        self.practice.is_some()
    }

    /// Parses the site and, in practice mode, refuses any site but the practice one.
    pub fn site(&self, input: &str) -> Result<Site, SessionError> {
        let site = Site::parse(input)?;
        if let Some(p) = &self.practice {
            if site.base_url() != p.url.trim_end_matches('/') {
                return Err(SessionError::PracticeOnly {
                    practice: p.url.clone(),
                    asked: site.authority(),
                });
            }
        }
        Ok(site)
    }

    /// Checks the email's shape.
    pub fn email(input: &str) -> Result<String, SessionError> {
        let email = input.trim();
        if email.is_empty() || !email.contains('@') {
            return Err(SessionError::BadEmail);
        }
        Ok(email.to_owned())
    }

    /// The token for a site and email: typed; else, in practice mode, the practice token; else
    /// the keychain, then `OFFBOARD_API_TOKEN`; else whatever `prompt` gives (the CLI asks on the
    /// terminal, the window gives nothing).
    pub async fn token(
        &self,
        site: &Site,
        email: &str,
        choice: TokenChoice,
        prompt: impl FnOnce() -> Option<ApiToken>,
    ) -> Result<ApiToken, SessionError> {
        if let TokenChoice::Typed(token) = choice {
            if !token.is_empty() {
                return Ok(token);
            }
        }
        if let Some(p) = &self.practice {
            if email.eq_ignore_ascii_case(&p.email) {
                return Ok(p.token.clone());
            }
        }
        let key = VaultKey::new(site.base_url(), email);
        let store = self.store.clone();
        let found = tokio::task::spawn_blocking(move || token_from_sources(store.as_ref(), &key))
            .await
            .map_err(|e| SessionError::Keychain(e.to_string()))?;
        let keychain_error = match found {
            Ok(Some((token, _))) => return Ok(token),
            Ok(None) => None,
            Err(e) => Some(SessionError::from(e)),
        };
        if let Some(token) = prompt() {
            return Ok(token);
        }
        Err(keychain_error.unwrap_or_else(|| SessionError::NoToken {
            site: site.authority(),
            email: email.to_owned(),
        }))
    }

    /// Checks the credentials with `myself` and reads the site's admins, and with them whether
    /// the account is one.
    pub async fn connect(
        &self,
        site: &Site,
        email: &str,
        token: ApiToken,
    ) -> Result<Connection, SessionError> {
        let failed = |e: &dyn std::fmt::Display| {
            let site = site.base_url();
            tracing::info!(site = %site, admin = %email, error = %e, "connection check failed");
        };
        let client = SiteClient::new(site.clone(), email, token, self.config.clone())
            .inspect_err(|e| failed(e))?;
        let me = client.myself().await.inspect_err(|e| failed(e))?;
        let (site_admins, admin_warning) = read_with_standing(&client, &me.account_id).await;
        tracing::info!(
            site = %site.base_url(),
            admin = %email,
            account_id = %me.account_id,
            practice = self.practice.is_some(),
            site_admins_read = site_admins.checked,
            site_admins = site_admins.ids.len(),
            warning = admin_warning.as_deref().unwrap_or("none"),
            "connection checked"
        );
        Ok(Connection {
            client,
            me,
            email: email.to_owned(),
            practice: self.practice.is_some(),
            site_admins,
            admin_warning,
        })
    }
}
