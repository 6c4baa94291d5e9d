//! Import of the admin.atlassian.com user export (and the files people make of it) into a
//! typed, de-duplicated roster with a summary of what was read and what was skipped.
//!
//! Steps: `decode` the bytes (UTF-8 ± BOM, UTF-16, Windows-1252), `sniff` the header line
//! for the delimiter, map the header's columns (`headers`), then read each row (`rows`):
//! validate its account id (`account_id`) and fold rows with the same canonical id together
//! (`merge`). Each user then gets what the file says about them being an admin (`admins`) and
//! their last activity, read from the last-seen cells (`dates`).

mod account_id;
mod admins;
mod dates;
mod decode;
mod error;
mod headers;
mod merge;
mod rows;
mod sniff;

use serde::{Deserialize, Serialize};
use std::path::Path;

pub use account_id::canonical_account_id;
use account_id::{check_account_id, IdProblem};
pub use admins::{is_admin_group, ProtectionInfo, NO_ADMIN_INFO_WARNING};
pub use dates::{parse_seen, SeenDate};
pub use error::RosterError;

/// Files above this size are refused before reading: a 100,000-user export is about 30 MB.
const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// One user from the export, merged across the rows that named them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RosterUser {
    /// The Atlassian account id, validated, in [`canonical_account_id`] form.
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
    /// Why the file says this person is an admin (`org role "…"`, `member of the "…" group`);
    /// `None` for an ordinary user.
    pub admin: Option<String>,
    /// `Last seen in <App> - <site>` columns: (product, value as written).
    pub last_seen: Vec<(String, String)>,
    /// The latest of the last-seen cells; `Unreadable` if any of them could not be read.
    pub last_active: SeenDate,
    /// `<App> - <site>` product-access columns with a value: (product, role).
    pub products: Vec<(String, String)>,
    /// Group names, merged across duplicate rows.
    pub groups: Vec<String>,
    /// Group ids (`Group id` column), merged across duplicate rows.
    pub group_ids: Vec<String>,
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
    /// The encoding the file was read as, e.g. `UTF-8`, `UTF-16 LE`.
    pub encoding: String,
    /// The delimiter in words: `comma`, `semicolon` or `tab`.
    pub delimiter: String,
    /// The account-id column's name as written (`User id`, `Atlassian ID`).
    pub key_column: String,
    /// What the file can tell about who the admins are.
    pub protection: ProtectionInfo,
    /// Users whose last activity could not be read (`last_active` is `Unreadable`).
    pub unreadable_dates: u64,
}

/// An imported export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Roster {
    /// Users in file order.
    pub users: Vec<RosterUser>,
    /// What the import did.
    pub summary: ImportSummary,
}

/// Reads and imports an export file.
pub fn import_file(path: &Path) -> Result<Roster, RosterError> {
    let read_error = |source| RosterError::Read {
        path: path.display().to_string(),
        source,
    };
    let size = std::fs::metadata(path).map_err(read_error)?.len();
    if size > MAX_FILE_BYTES {
        return Err(RosterError::TooLarge {
            path: path.display().to_string(),
            megabytes: size / (1024 * 1024),
        });
    }
    import_bytes(&std::fs::read(path).map_err(read_error)?)
}

/// Imports an export from its raw bytes (any supported encoding).
pub fn import_bytes(bytes: &[u8]) -> Result<Roster, RosterError> {
    let decoded = decode::decode(bytes)?;
    if decoded.text.is_empty() {
        return Err(RosterError::Empty);
    }
    let layout = sniff::sniff(&decoded.text)?;
    let mut rows = rows::Rows::new(&decoded.text, layout.delimiter, layout.skip);

    let Some(header_line) = rows.next_non_blank() else {
        return Err(RosterError::NoHeader);
    };
    // Reading a record from text cannot fail; if it ever did, the file is not usable text.
    let header_line = header_line.map_err(|_| RosterError::NotText)?;
    let cols = headers::map_header(rows.record.iter(), header_line)?;

    let mut summary = ImportSummary {
        encoding: decoded.encoding.to_owned(),
        delimiter: sniff::delimiter_name(layout.delimiter),
        key_column: cols.key_name.clone(),
        protection: ProtectionInfo {
            org_role_column: cols.org_role.is_some(),
            group_columns: !cols.group_names.is_empty(),
            admins_in_file: 0,
        },
        ..ImportSummary::default()
    };
    let mut merger = merge::Merger::default();
    while let Some(line) = rows.next_non_blank() {
        summary.rows_read += 1;
        let line = match line {
            Ok(line) => line,
            Err(reason) => {
                // The parser cannot go on past this point; keep what was read.
                summary.skipped.push(reason);
                break;
            }
        };
        let row = &rows.record;
        if row.len() != cols.width {
            summary.skipped.push(SkippedRow {
                line,
                reason: format!(
                    "this row has {} cells but the header has {}; a {} or a quote may be out of place",
                    row.len(),
                    cols.width,
                    summary.delimiter
                ),
            });
            continue;
        }
        let id = row.get(cols.key).unwrap_or("").trim();
        if let Err(problem) = check_account_id(id) {
            let reason = match problem {
                IdProblem::Empty => format!("the \"{}\" cell is empty", cols.key_name),
                other => other.to_string(),
            };
            summary.skipped.push(SkippedRow { line, reason });
            continue;
        }
        // Validity is checked as written; rows merge by the canonical form, so an upper-case
        // copy of an id is the same user.
        let id = canonical_account_id(id);
        merger.add(merge::user_from_row(row, &cols, &id, line));
    }
    let (users, duplicates_merged) = merger.finish();
    summary.users = users.len() as u64;
    summary.duplicates_merged = duplicates_merged;
    let count = |keep: fn(&RosterUser) -> bool| users.iter().filter(|u| keep(u)).count() as u64;
    summary.protection.admins_in_file = count(|u| u.admin.is_some());
    summary.unreadable_dates = count(|u| u.last_active == SeenDate::Unreadable);
    Ok(Roster { users, summary })
}

/// True for an Atlassian account id: `712020:` + UUID, 24 hex characters, or another
/// `digits:value` id, at most 128 visible ASCII characters (not trimmed first).
pub fn is_valid_account_id(id: &str) -> bool {
    check_account_id(id).is_ok()
}
