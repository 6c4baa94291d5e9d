//! Import of the admin.atlassian.com user export (and the files people make of it) into a
//! typed, de-duplicated roster with a summary of what was read and what was skipped.
// PLACEHOLDER types: the roster helper owns this folder and may reshape the internals, but keeps
// these public names.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// One user from the export, merged across the rows that named them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RosterUser {
    /// The Atlassian account id, trimmed and validated.
    pub account_id: String,
    /// `User name` / `Name`.
    pub name: String,
    /// `email` (may be empty).
    pub email: String,
    /// `User status` / `Status`, e.g. `Active`.
    pub status: String,
    /// `Added to org`, as written in the file.
    pub added_to_org: String,
    /// `Org role`: empty for ordinary users; anything else protects the row.
    pub org_role: String,
    /// `Last seen in <App> - <site>` columns: (product, value as written).
    pub last_seen: Vec<(String, String)>,
    /// `<App> - <site>` product-access columns with a value: (product, role).
    pub products: Vec<(String, String)>,
    /// Group names, merged across duplicate rows.
    pub groups: Vec<String>,
    /// The 1-based line of the file where this user first appeared.
    pub line: u64,
}

/// A row that was not imported, with its line and the reason in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedRow {
    /// 1-based line number in the file.
    pub line: u64,
    /// Why it was skipped.
    pub reason: String,
}

/// What the import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ImportSummary {
    /// Data rows read (blank lines not counted).
    pub rows_read: u64,
    /// Distinct users imported.
    pub users: u64,
    /// Rows merged into an earlier row with the same account id.
    pub duplicates_merged: u64,
    /// Rows not imported.
    pub skipped: Vec<SkippedRow>,
}

/// An imported export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Roster {
    /// Users in file order.
    pub users: Vec<RosterUser>,
    /// What the import did.
    pub summary: ImportSummary,
}

/// Why a file could not be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    /// The file could not be read.
    #[error("Could not read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    /// Placeholder until the importer lands.
    #[error("not built yet")]
    NotBuilt,
}

/// Reads and imports an export file.
pub fn import_file(path: &Path) -> Result<Roster, RosterError> {
    let bytes = std::fs::read(path).map_err(|source| RosterError::Read {
        path: path.display().to_string(),
        source,
    })?;
    import_bytes(&bytes)
}

/// Imports an export from its raw bytes (any supported encoding).
pub fn import_bytes(_bytes: &[u8]) -> Result<Roster, RosterError> {
    Err(RosterError::NotBuilt)
}

/// True for an Atlassian account id: `712020:` + UUID style, 24 hex characters, or another
/// `prefix:value` id, at most 128 characters.
pub fn is_valid_account_id(_id: &str) -> bool {
    false
}
