//! Saved connections: the sites and emails an admin chose to remember, and the organizations
//! they connected to. Tokens and org API keys are never here; they live in the OS keychain
//! (under the same site and email, or per org id).

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file, in the app's data folder.
pub const CONNECTIONS_FILE: &str = "connections.json";

/// Which kind of connection an entry remembers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionKind {
    /// A site, with an admin email and API token (every entry of files written before
    /// organization mode).
    #[default]
    Site,
    /// An organization, with an org API key.
    Org,
}

/// One remembered site and login, or organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedConnection {
    /// A site or an organization.
    #[serde(default)]
    pub kind: ConnectionKind,
    /// The site's normalised base URL (an organization: the org API's base URL).
    pub site: String,
    /// The admin email (empty for an organization).
    #[serde(default)]
    pub email: String,
    /// The org id (organizations only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    /// The organization's name when it was last connected to (organizations only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_name: Option<String>,
}

impl SavedConnection {
    /// A site entry.
    pub fn site(site: &str, email: &str) -> Self {
        SavedConnection {
            kind: ConnectionKind::Site,
            site: site.to_owned(),
            email: email.to_owned(),
            org_id: None,
            org_name: None,
        }
    }

    /// An organization entry.
    pub fn org(api: &str, org_id: &str, org_name: &str) -> Self {
        SavedConnection {
            kind: ConnectionKind::Org,
            site: api.to_owned(),
            email: String::new(),
            org_id: Some(org_id.to_owned()),
            org_name: Some(org_name.to_owned()),
        }
    }
}

/// What can go wrong reading or writing the list, in words for an admin.
#[derive(Debug, thiserror::Error)]
pub enum ConnectionsError {
    /// The file could not be written.
    #[error("Could not save the list of connections in {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// The list kept in `dir/connections.json`.
#[derive(Debug, Clone)]
pub struct ConnectionList {
    path: PathBuf,
}

impl ConnectionList {
    /// The list in `data_dir`.
    pub fn new(data_dir: &Path) -> Self {
        ConnectionList {
            path: data_dir.join(CONNECTIONS_FILE),
        }
    }

    /// The saved connections, oldest first; a missing or damaged file reads as an empty list
    /// (it only saves typing, so it must never stop the app).
    pub fn load(&self) -> Vec<SavedConnection> {
        std::fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Adds (or keeps) a site connection.
    pub fn remember(&self, site: &str, email: &str) -> Result<(), ConnectionsError> {
        let mut list = self.load();
        let entry = SavedConnection::site(site, email);
        if list.iter().any(|c| same(c, &entry)) {
            return Ok(());
        }
        list.push(entry);
        self.store(&list)
    }

    /// Adds an organization, or updates its API address and name (one entry per org id, as
    /// its key is kept per org id).
    pub fn remember_org(
        &self,
        api: &str,
        org_id: &str,
        org_name: &str,
    ) -> Result<(), ConnectionsError> {
        let mut list = self.load();
        let entry = SavedConnection::org(api, org_id, org_name);
        match list.iter_mut().find(|c| same(c, &entry)) {
            Some(known) if *known == entry => return Ok(()),
            Some(known) => *known = entry,
            None => list.push(entry),
        }
        self.store(&list)
    }

    /// Removes an organization; `true` when it was listed.
    pub fn forget_org(&self, org_id: &str) -> Result<bool, ConnectionsError> {
        self.forget_entry(&SavedConnection::org("", org_id, ""))
    }

    /// Removes a site connection; `true` when it was listed.
    pub fn forget(&self, site: &str, email: &str) -> Result<bool, ConnectionsError> {
        self.forget_entry(&SavedConnection::site(site, email))
    }

    fn forget_entry(&self, entry: &SavedConnection) -> Result<bool, ConnectionsError> {
        let mut list = self.load();
        let before = list.len();
        list.retain(|c| !same(c, entry));
        if list.len() == before {
            return Ok(false);
        }
        self.store(&list).map(|_| true)
    }

    fn store(&self, list: &[SavedConnection]) -> Result<(), ConnectionsError> {
        let write_error = |source| ConnectionsError::Write {
            path: self.path.clone(),
            source,
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(write_error)?;
        }
        let json = serde_json::to_vec_pretty(list).map_err(|e| write_error(e.into()))?;
        // Write then rename, so a crash never leaves half a file.
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, json).map_err(write_error)?;
        std::fs::rename(&tmp, &self.path).map_err(write_error)
    }
}

// Emails are case-insensitive for Atlassian logins; sites are already normalised. An
// organization is one entry per org id (UUIDs, whatever their case).
fn same(a: &SavedConnection, b: &SavedConnection) -> bool {
    match (a.kind, b.kind) {
        (ConnectionKind::Site, ConnectionKind::Site) => {
            a.site == b.site && a.email.eq_ignore_ascii_case(&b.email)
        }
        (ConnectionKind::Org, ConnectionKind::Org) => match (&a.org_id, &b.org_id) {
            (Some(x), Some(y)) => x.trim().eq_ignore_ascii_case(y.trim()),
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_once_and_forgets() {
        let dir = tempfile::tempdir().unwrap();
        let list = ConnectionList::new(dir.path());
        assert!(list.load().is_empty());
        list.remember("https://acme.atlassian.net", "a@x.io")
            .unwrap();
        list.remember("https://acme.atlassian.net", "A@X.io")
            .unwrap();
        list.remember("https://beta.atlassian.net", "a@x.io")
            .unwrap();
        assert_eq!(list.load().len(), 2);
        assert!(list.forget("https://acme.atlassian.net", "a@x.io").unwrap());
        assert!(!list.forget("https://acme.atlassian.net", "a@x.io").unwrap());
        assert_eq!(list.load()[0].site, "https://beta.atlassian.net");
    }

    #[test]
    fn organizations_are_kept_beside_sites_and_older_files_read_as_sites() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(CONNECTIONS_FILE),
            br#"[{"site": "https://acme.atlassian.net", "email": "a@x.io"}]"#,
        )
        .unwrap();
        let list = ConnectionList::new(dir.path());
        assert_eq!(list.load()[0].kind, ConnectionKind::Site);
        let org = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
        list.remember_org("https://api.atlassian.com", org, "Acme")
            .unwrap();
        list.remember_org("https://api.atlassian.com", &org.to_uppercase(), "Acme Inc")
            .unwrap();
        let read = list.load();
        assert_eq!(read.len(), 2);
        assert_eq!(read[1].kind, ConnectionKind::Org);
        assert_eq!(read[1].org_name.as_deref(), Some("Acme Inc"));
        // An org entry never stands for a site entry, nor the other way round.
        assert!(!list.forget("https://api.atlassian.com", "").unwrap());
        assert!(list.forget_org(org).unwrap());
        assert!(!list.forget_org(org).unwrap());
        assert_eq!(
            list.load(),
            vec![SavedConnection::site(
                "https://acme.atlassian.net",
                "a@x.io"
            )]
        );
    }

    #[test]
    fn a_damaged_file_reads_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONNECTIONS_FILE), b"{not json").unwrap();
        let list = ConnectionList::new(dir.path());
        assert!(list.load().is_empty());
        list.remember("https://acme.atlassian.net", "a@x.io")
            .unwrap();
        assert_eq!(list.load().len(), 1);
    }
}
