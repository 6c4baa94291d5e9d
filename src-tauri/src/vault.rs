//! The OS keychain: one API token per (site, email), and the token type that never shows itself.
//!
//! [`TokenStore`] is the seam: the app and the CLI use [`OsKeychain`] (macOS Keychain, Windows
//! Credential Manager, Secret Service on Linux), unit tests use [`MemoryStore`]. The real store is
//! tested by `tests/keychain.rs` under `.ci/with-keyring`.

mod error;
mod memory;
mod os;
mod turns;

pub use error::VaultError;
pub use memory::MemoryStore;
pub use os::{OsKeychain, KEYCHAIN_SERVICE};

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use std::fmt;

/// The environment variable that gives the token when the keychain has none (or is unavailable).
pub const TOKEN_ENV_VAR: &str = "OFFBOARD_API_TOKEN";

/// The environment variable that gives the organization API key when the keychain has none.
pub const ORG_KEY_ENV_VAR: &str = "OFFBOARD_ORG_API_KEY";

/// The keychain entry's "email" part for organization API keys (one key per org id).
const ORG_KEY_OWNER: &str = "organization api key";

/// An Atlassian API token. Debug and Display print `[redacted]`; only `expose` reveals it.
#[derive(Clone)]
pub struct ApiToken(SecretString);

impl ApiToken {
    /// Wraps a token, trimming the spaces and line ends that copy and paste bring along.
    pub fn new(token: impl Into<String>) -> Self {
        let raw: String = token.into();
        ApiToken(SecretString::from(raw.trim().to_owned()))
    }

    /// The token itself, for the one place that needs it: the Authorization header.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// True when the token is empty after trimming.
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Which saved token: one per admin email on one site.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VaultKey {
    site: String,
    email: String,
}

impl VaultKey {
    /// A key for `email` on the site at `site_base_url` (already normalised by the caller, e.g.
    /// `https://acme.atlassian.net`); surrounding spaces and trailing slashes are dropped and the
    /// email is lowercased, so the same admin always finds the same entry.
    pub fn new(site_base_url: &str, email: &str) -> Self {
        VaultKey {
            site: site_base_url.trim().trim_end_matches('/').to_owned(),
            email: email.trim().to_lowercase(),
        }
    }

    /// The entry for an organization's API key: one per org id (whichever API base it is used
    /// with), shown in Keychain Access or Seahorse as `organization api key on org <id>`.
    pub fn for_org(org_id: &str) -> Self {
        VaultKey {
            site: format!("org {}", org_id.trim()),
            email: ORG_KEY_OWNER.to_owned(),
        }
    }

    /// The site base URL, as stored.
    pub fn site(&self) -> &str {
        &self.site
    }

    /// The admin email, trimmed and lowercased.
    pub fn email(&self) -> &str {
        &self.email
    }

    /// The keychain account name, readable in Keychain Access or Seahorse: `<email> on <site>`.
    pub fn account(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for VaultKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} on {}", self.email, self.site)
    }
}

/// Somewhere to keep API tokens. Calls may block (the OS keychain talks to another process):
/// from async code, call it inside `tokio::task::spawn_blocking`.
pub trait TokenStore: Send + Sync {
    /// Saves (or replaces) the token for `key`. An empty token is refused.
    fn save(&self, key: &VaultKey, token: &ApiToken) -> Result<(), VaultError>;
    /// The token saved for `key`, or `None` when nothing usable is stored.
    fn load(&self, key: &VaultKey) -> Result<Option<ApiToken>, VaultError>;
    /// Whether a token is saved for `key`.
    fn has(&self, key: &VaultKey) -> Result<bool, VaultError>;
    /// Deletes the token for `key`; `true` if something was deleted.
    fn forget(&self, key: &VaultKey) -> Result<bool, VaultError>;
}

/// Where a token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenSource {
    /// Saved in the keychain (or the store given).
    Keychain,
    /// The `OFFBOARD_API_TOKEN` environment variable.
    Environment,
}

/// The token for `key`: from the keychain first, then from `OFFBOARD_API_TOKEN`. A keychain error
/// (locked, missing, ...) is not fatal when the variable is set; `Ok(None)` when neither has one.
pub fn token_from_sources(
    store: &dyn TokenStore,
    key: &VaultKey,
) -> Result<Option<(ApiToken, TokenSource)>, VaultError> {
    resolve_token(store, key, env_value)
}

/// The organization API key for `org_id`: from the keychain first, then from
/// `OFFBOARD_ORG_API_KEY`; `Ok(None)` when neither has one.
pub fn org_key_from_sources(
    store: &dyn TokenStore,
    org_id: &str,
) -> Result<Option<(ApiToken, TokenSource)>, VaultError> {
    resolve_token(store, &VaultKey::for_org(org_id), || {
        named_env_value(ORG_KEY_ENV_VAR)
    })
}

/// The raw value of `OFFBOARD_API_TOKEN`, if set (and valid text).
fn env_value() -> Option<String> {
    named_env_value(TOKEN_ENV_VAR)
}

/// The raw value of the environment variable `name`, if set (and valid text).
fn named_env_value(name: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(value) => Some(value),
        Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(_)) => {
            tracing::warn!("{name} is set but is not valid text; ignoring it");
            None
        }
    }
}

/// `token_from_sources` with the environment injected, so tests need not touch the process env.
/// `env` is read only when the keychain has no token; a blank value counts as unset.
fn resolve_token(
    store: &dyn TokenStore,
    key: &VaultKey,
    env: impl FnOnce() -> Option<String>,
) -> Result<Option<(ApiToken, TokenSource)>, VaultError> {
    let from_env = || {
        env()
            .map(ApiToken::new)
            .filter(|token| !token.is_empty())
            .map(|token| (token, TokenSource::Environment))
    };
    match store.load(key) {
        Ok(Some(token)) => Ok(Some((token, TokenSource::Keychain))),
        Ok(None) => Ok(from_env()),
        Err(keychain_error) => match from_env() {
            Some(found) => {
                tracing::warn!(%keychain_error, "keychain could not be read; using the environment variable");
                Ok(Some(found))
            }
            None => Err(keychain_error),
        },
    }
}

#[cfg(test)]
mod tests;
