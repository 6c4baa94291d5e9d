//! Whole-file problems, each telling the admin what to do next.

/// Where a fresh export comes from, quoted in several messages.
const EXPORT_HOW: &str = "Export users from admin.atlassian.com › Directory › Users › Export users \
                          (or your site's Users › Export users) and choose the downloaded CSV file.";

/// Why a file could not be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    /// The file could not be read.
    #[error("Could not open {path}: {source}. Check that the file still exists and that you may read it, then choose it again.")]
    Read {
        /// The file as the user chose it.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// Far larger than any user export.
    #[error("{path} is {megabytes} MB, far larger than any user export. {EXPORT_HOW}")]
    TooLarge {
        /// The file as the user chose it.
        path: String,
        /// Its size in megabytes.
        megabytes: u64,
    },
    /// Zero bytes (or only a byte-order mark).
    #[error("The file is empty. {EXPORT_HOW}")]
    Empty,
    /// Only blank lines.
    #[error("The file has no header row, only blank lines. {EXPORT_HOW}")]
    NoHeader,
    /// The first row is data: the header row was removed.
    #[error("Line {line} holds an account id where the column names should be: the header row (User id, User name, email, …) is missing. Put the header row back, or export again: {EXPORT_HOW}")]
    HeaderIsData {
        /// The line of that first row.
        line: u64,
    },
    /// Binary content: NUL or control characters where text should be.
    #[error("This is not a text (CSV) file. {EXPORT_HOW}")]
    NotText,
    /// An Excel workbook rather than a CSV.
    #[error("This is a spreadsheet workbook (.xlsx or .xls), not a CSV file. Save it from your spreadsheet app as \"CSV UTF-8\", or: {EXPORT_HOW}")]
    Spreadsheet,
    /// Marked as UTF-16 but not valid UTF-16 (damaged or cut short).
    #[error("The file is marked as {encoding} text but holds invalid characters; it may be damaged or cut short. Save it again from your spreadsheet app as \"CSV UTF-8\", or: {EXPORT_HOW}")]
    InvalidUtf16 {
        /// The encoding the file declared.
        encoding: &'static str,
    },
    /// No `User id` / `Atlassian ID` column.
    #[error("The file has no \"User id\" or \"Atlassian ID\" column, so it does not say which accounts to remove (columns found: {columns}). {EXPORT_HOW}")]
    NoAccountIdColumn {
        /// The first few column names, quoted.
        columns: String,
    },
    /// The pre-2021 export (`group_name,username,full_name,…`), which has no account ids.
    #[error("This is the user export format from before 2021 (group_name, username, full_name, …). It has no account ids, so Offboard cannot tell which accounts to remove. Export again in today's format: {EXPORT_HOW}")]
    LegacyExport,
}
