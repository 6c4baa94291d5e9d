//! Connecting to an organization: where the key comes from (typed, keychain per org id,
//! `OFFBOARD_ORG_API_KEY`, a prompt), the practice sandbox, and the check that names the
//! organization and its directories (DESIGN.md §6 "Connect").

use super::super::{SessionError, TokenChoice};
use crate::atlassian::org::{self, Directory, Org, OrgApi, OrgClient};
use crate::atlassian::ClientConfig;
use crate::sweep::OrgTarget;
use crate::vault::{org_key_from_sources, ApiToken, MemoryStore, TokenStore, VaultKey};
use std::sync::Arc;

/// The practice site's organization, held in memory so the page never sees its key.
#[derive(Clone)]
pub struct PracticeOrg {
    /// The practice site's base URL, which also serves the org API.
    pub api: String,
    /// The practice org id.
    pub org_id: String,
    /// The practice org API key.
    pub key: ApiToken,
}

/// A checked organization connection: the client, the organization, its directories, and
/// the one chosen (automatically when there is only one).
#[derive(Clone)]
pub struct OrgConnection {
    /// The client (its directory set once one is chosen).
    pub client: OrgClient,
    /// The organization.
    pub org: Org,
    /// Its directories, as Atlassian names them.
    pub directories: Vec<Directory>,
    /// The directory actions and loads use.
    pub directory: Option<Directory>,
    /// The key was made with scopes: reads work, actions are refused (see `signals`).
    pub key_has_scopes: bool,
    /// True on the practice site.
    pub practice: bool,
}

impl OrgConnection {
    /// Chooses the directory to work in (original user management has several).
    pub fn choose_directory(&mut self, directory_id: &str) -> Result<(), SessionError> {
        let Some(found) = self
            .directories
            .iter()
            .find(|d| d.directory_id == directory_id.trim())
        else {
            return Err(SessionError::NoSuchDirectory {
                org: self.org.name.clone(),
                directory: directory_id.trim().to_owned(),
            });
        };
        self.client = self.client.clone().with_directory(&found.directory_id);
        self.directory = Some(found.clone());
        Ok(())
    }

    /// The chosen directory, or words asking the admin to choose one.
    pub fn directory(&self) -> Result<&Directory, SessionError> {
        self.directory
            .as_ref()
            .ok_or_else(|| SessionError::ChooseDirectory {
                org: self.org.name.clone(),
                names: self
                    .directories
                    .iter()
                    .map(|d| format!("{} ({})", d.name, d.directory_id))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// Where a plan acts: the organization and the chosen directory.
    pub fn target(&self) -> Result<OrgTarget, SessionError> {
        let directory = self.directory()?;
        Ok(OrgTarget {
            org_id: self.org.id.clone(),
            org_name: self.org.name.clone(),
            directory_id: directory.directory_id.clone(),
            directory_name: directory.name.clone(),
        })
    }

    /// The org API's base URL.
    pub fn api(&self) -> String {
        self.client.api().base_url().to_owned()
    }

    /// One line for the admin: which organization, which directories.
    pub fn words(&self) -> String {
        let names: Vec<&str> = self.directories.iter().map(|d| d.name.as_str()).collect();
        let mut words = format!(
            "Connected to the organization {} ({} {}: {})",
            self.org.name,
            names.len(),
            if names.len() == 1 {
                "directory"
            } else {
                "directories"
            },
            names.join(", ")
        );
        match &self.directory {
            Some(d) if self.directories.len() > 1 => {
                words.push_str(&format!("; working in {}", d.name))
            }
            None => words.push_str("; choose the directory to work in"),
            _ => {}
        }
        words.push('.');
        words
    }

    /// Set when the key has scopes: what that means and how to make a key without them.
    pub fn scoped_warning(&self) -> Option<String> {
        self.key_has_scopes
            .then(|| SessionError::ScopedOrgKey.to_string())
    }

    /// Refuses actions with a key made with scopes (reads still work).
    pub fn require_unscoped(&self) -> Result<(), SessionError> {
        if self.key_has_scopes {
            return Err(SessionError::ScopedOrgKey);
        }
        Ok(())
    }
}

/// Makes organization connections. In practice mode only the practice organization, and a
/// store in memory in place of the OS keychain.
pub struct OrgConnector {
    store: Arc<dyn TokenStore>,
    practice: Option<PracticeOrg>,
    config: ClientConfig,
}

impl OrgConnector {
    /// Connections to real organizations, keys in `store` (the OS keychain).
    pub fn new(store: Arc<dyn TokenStore>, config: ClientConfig) -> OrgConnector {
        OrgConnector {
            store,
            practice: None,
            config,
        }
    }

    /// The practice sandbox: only the practice organization, and no keychain at all.
    pub fn practice(practice: PracticeOrg, config: ClientConfig) -> OrgConnector {
        OrgConnector {
            store: Arc::new(MemoryStore::new()),
            practice: Some(practice),
            config,
        }
    }

    /// The key store in use.
    pub fn store(&self) -> Arc<dyn TokenStore> {
        self.store.clone()
    }

    /// The API base: `input` (else `https://api.atlassian.com`; in practice mode the practice
    /// site, and nothing else).
    pub fn api(&self, input: Option<&str>) -> Result<OrgApi, SessionError> {
        let input = input.map(str::trim).filter(|s| !s.is_empty());
        match (&self.practice, input) {
            (Some(p), None) => Ok(OrgApi::parse(&p.api)?),
            (Some(p), Some(asked)) => {
                let api = OrgApi::parse(asked)?;
                if api.base_url() != p.api.trim_end_matches('/') {
                    return Err(SessionError::PracticeOnly {
                        practice: p.api.clone(),
                        asked: asked.to_owned(),
                    });
                }
                Ok(api)
            }
            (None, Some(asked)) => Ok(OrgApi::parse(asked)?),
            (None, None) => Ok(OrgApi::production()),
        }
    }

    /// The org id from what the admin typed or pasted (an id, or an admin.atlassian.com URL).
    pub fn org_id(&self, input: &str) -> Result<String, SessionError> {
        let id = org::parse_org_id(input)?;
        if let Some(p) = &self.practice {
            if id != p.org_id {
                return Err(SessionError::PracticeOnly {
                    practice: format!("the practice organization ({})", p.org_id),
                    asked: id,
                });
            }
        }
        Ok(id)
    }

    /// The key for `org_id`: typed; else in practice mode the practice key; else the
    /// keychain, then `OFFBOARD_ORG_API_KEY`; else whatever `prompt` gives.
    pub async fn key(
        &self,
        org_id: &str,
        choice: TokenChoice,
        prompt: impl FnOnce() -> Option<ApiToken>,
    ) -> Result<ApiToken, SessionError> {
        if let TokenChoice::Typed(key) = choice {
            if !key.is_empty() {
                return Ok(key);
            }
        }
        if let Some(p) = &self.practice {
            return Ok(p.key.clone());
        }
        let (store, id) = (self.store.clone(), org_id.to_owned());
        let found = tokio::task::spawn_blocking(move || org_key_from_sources(store.as_ref(), &id))
            .await
            .map_err(|e| SessionError::Keychain(e.to_string()))?;
        let keychain_error = match found {
            Ok(Some((key, _))) => return Ok(key),
            Ok(None) => None,
            Err(e) => Some(keychain_error(e)),
        };
        if let Some(key) = prompt() {
            return Ok(key);
        }
        Err(keychain_error.unwrap_or_else(|| SessionError::NoOrgKey {
            org: org_id.to_owned(),
        }))
    }

    /// Saves `key` for `org_id` in the keychain (write-only: it is never shown again).
    pub async fn save_key(&self, org_id: &str, key: &ApiToken) -> Result<(), SessionError> {
        let (store, entry, key) = (self.store.clone(), VaultKey::for_org(org_id), key.clone());
        tokio::task::spawn_blocking(move || store.save(&entry, &key))
            .await
            .map_err(|e| SessionError::Keychain(e.to_string()))?
            .map_err(keychain_error)
    }

    /// Forgets the key saved for `org_id`; true when one was there.
    pub async fn forget_key(&self, org_id: &str) -> Result<bool, SessionError> {
        let (store, entry) = (self.store.clone(), VaultKey::for_org(org_id));
        tokio::task::spawn_blocking(move || store.forget(&entry))
            .await
            .map_err(|e| SessionError::Keychain(e.to_string()))?
            .map_err(keychain_error)
    }

    /// Checks the key against the organization: its name, its directories, and whether the
    /// key was made with scopes. With one directory, it is chosen.
    pub async fn connect(
        &self,
        api: &OrgApi,
        org_id: &str,
        key: ApiToken,
    ) -> Result<OrgConnection, SessionError> {
        let failed = |e: &dyn std::fmt::Display| {
            tracing::info!(org = %org_id, error = %e, "organization check failed");
        };
        let client = OrgClient::new(api.clone(), org_id, key, self.config.clone())
            .inspect_err(|e| failed(e))?;
        let org = client.org().await.inspect_err(|e| failed(e))?;
        let directories = client.directories().await.inspect_err(|e| failed(e))?;
        if directories.is_empty() {
            return Err(SessionError::NoDirectories { org: org.name });
        }
        // Only a hint: when the list cannot be read the key is taken as unscoped, and the
        // first action's 403 then says what is wrong.
        let key_has_scopes = match client.visible_orgs().await {
            Ok(visible) => org::key_has_scopes(&visible, org_id),
            Err(e) => {
                tracing::info!(error = %e, "could not list the key's organizations");
                false
            }
        };
        let mut conn = OrgConnection {
            client,
            org,
            directories,
            directory: None,
            key_has_scopes,
            practice: self.practice.is_some(),
        };
        if let [only] = conn.directories.as_slice() {
            let id = only.directory_id.clone();
            conn.choose_directory(&id)?;
        }
        tracing::info!(
            org = %org_id,
            name = %conn.org.name,
            directories = conn.directories.len(),
            key_has_scopes,
            practice = conn.practice,
            "organization checked"
        );
        Ok(conn)
    }
}

/// A keychain error about an organization's key, in its words: the keychain's messages speak
/// of the site token and its environment variable.
fn keychain_error(e: crate::vault::VaultError) -> SessionError {
    SessionError::Keychain(
        e.to_string()
            .replace("API token", "organization API key")
            .replace(crate::vault::TOKEN_ENV_VAR, crate::vault::ORG_KEY_ENV_VAR),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keychain_words_name_the_org_key_and_its_variable() {
        let e = crate::vault::VaultError::Unavailable {
            operation: "read",
            account: VaultKey::for_org("o").account(),
            detail: "no Secret Service".into(),
        };
        let words = keychain_error(e).to_string();
        assert!(words.contains("the organization API key for organization api key on org o"));
        assert!(words.contains("OFFBOARD_ORG_API_KEY") && !words.contains("OFFBOARD_API_TOKEN"));
    }
}
