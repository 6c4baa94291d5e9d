//! Saved connections: the sites and emails an admin chose to remember. Tokens are never here;
//! they live in the OS keychain under the same site and email.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file, in the app's data folder.
pub const CONNECTIONS_FILE: &str = "connections.json";

/// One remembered site and login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedConnection {
    /// The site's normalised base URL.
    pub site: String,
    /// The admin email.
    pub email: String,
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

    /// Adds (or keeps) a connection.
    pub fn remember(&self, site: &str, email: &str) -> Result<(), ConnectionsError> {
        let mut list = self.load();
        let entry = SavedConnection {
            site: site.to_owned(),
            email: email.to_owned(),
        };
        if list.iter().any(|c| same(c, &entry)) {
            return Ok(());
        }
        list.push(entry);
        self.store(&list)
    }

    /// Removes a connection; `true` when it was listed.
    pub fn forget(&self, site: &str, email: &str) -> Result<bool, ConnectionsError> {
        let entry = SavedConnection {
            site: site.to_owned(),
            email: email.to_owned(),
        };
        let mut list = self.load();
        let before = list.len();
        list.retain(|c| !same(c, &entry));
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

// Emails are case-insensitive for Atlassian logins; sites are already normalised.
fn same(a: &SavedConnection, b: &SavedConnection) -> bool {
    a.site == b.site && a.email.eq_ignore_ascii_case(&b.email)
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
