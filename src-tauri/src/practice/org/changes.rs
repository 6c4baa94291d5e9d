//! The practice organization's memory across launches: each applied change as one line, in a
//! file beside the site's removals file, written and synced before the reply, and replayed in
//! order over the seeded organization when the site starts again. Same file rules as
//! `removals.rs` (a torn last line is cut off; a line this version does not know is skipped).
//!
//! Lines: `suspended <id>`, `restored <id>`, `removed <id>` (directory writes);
//! `deactivated <id> <when>`, `reactivated <id>`, `deletion-requested <id> <when>`,
//! `deletion-cancelled <id>` (the managed-account lifecycle, `<when>` on the practice clock in
//! RFC 3339, so a grace period goes on across restarts); `clock-advanced <days>` (the practice
//! clock, so it never goes back at the next launch).

use crate::practice::removals::RemovalLog;
use crate::practice::state::OrgChanges;
use crate::practice::{PracticeConfig, PracticeError};
use std::path::{Path, PathBuf};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// One remembered change to a member (or to the practice clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OrgChange {
    /// Access suspended.
    Suspended,
    /// Access restored.
    Restored,
    /// Removed from the directory.
    Removed,
    /// The account deactivated, at this practice time.
    Deactivated(OffsetDateTime),
    /// The account reactivated.
    Reactivated,
    /// The account's deletion asked for, at this practice time (the grace period starts).
    DeletionRequested(OffsetDateTime),
    /// A pending deletion cancelled.
    DeletionCancelled,
    /// The practice clock moved this many days forward (its line names no account).
    ClockAdvanced(u32),
}

impl OrgChange {
    /// The word the file uses.
    fn word(self) -> &'static str {
        match self {
            OrgChange::Suspended => "suspended",
            OrgChange::Restored => "restored",
            OrgChange::Removed => "removed",
            OrgChange::Deactivated(_) => "deactivated",
            OrgChange::Reactivated => "reactivated",
            OrgChange::DeletionRequested(_) => "deletion-requested",
            OrgChange::DeletionCancelled => "deletion-cancelled",
            OrgChange::ClockAdvanced(_) => "clock-advanced",
        }
    }

    /// The file's line for this change to `account_id` (ignored for the clock).
    pub(crate) fn line(self, account_id: &str) -> String {
        let when = |t: OffsetDateTime| t.format(&Rfc3339).unwrap_or_default();
        match self {
            OrgChange::Deactivated(t) | OrgChange::DeletionRequested(t) => {
                format!("{} {account_id} {}", self.word(), when(t))
            }
            OrgChange::ClockAdvanced(days) => format!("{} {days}", self.word()),
            _ => format!("{} {account_id}", self.word()),
        }
    }

    /// Reads one line; `None` for a line this version does not know (it is skipped). A clock
    /// line comes back with an empty account id.
    pub(crate) fn parse(line: &str) -> Option<(OrgChange, String)> {
        let mut words = line.split_whitespace();
        let (word, subject) = (words.next()?, words.next()?);
        let when = words
            .next()
            .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok());
        let change = match word {
            "suspended" => OrgChange::Suspended,
            "restored" => OrgChange::Restored,
            "removed" => OrgChange::Removed,
            "deactivated" => OrgChange::Deactivated(when?),
            "reactivated" => OrgChange::Reactivated,
            "deletion-requested" => OrgChange::DeletionRequested(when?),
            "deletion-cancelled" => OrgChange::DeletionCancelled,
            "clock-advanced" => {
                let days = subject.parse().ok()?;
                return Some((OrgChange::ClockAdvanced(days), String::new()));
            }
            _ => return None,
        };
        Some((change, subject.to_string()))
    }
}

/// The org file beside a removals file: the same name with `-org` before the extension.
pub(crate) fn path_beside(removals: &Path) -> PathBuf {
    let stem = removals
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match removals.extension() {
        Some(ext) => format!("{stem}-org.{}", ext.to_string_lossy()),
        None => format!("{stem}-org"),
    };
    removals.with_file_name(name)
}

/// Opens the org file when the config names a removals file; returns it with the changes it
/// holds, oldest first.
pub(crate) fn open(config: &PracticeConfig) -> Result<Option<OrgChanges>, PracticeError> {
    let Some(removals) = &config.removals_file else {
        return Ok(None);
    };
    let (log, lines) = RemovalLog::open_lines(&path_beside(removals))?;
    let changes = lines.iter().filter_map(|l| OrgChange::parse(l)).collect();
    Ok(Some((log, changes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_back_and_unknown_ones_are_skipped() {
        let at = time::macros::datetime!(2026-12-01 10:00:05 UTC);
        for change in [
            OrgChange::Suspended,
            OrgChange::Restored,
            OrgChange::Removed,
            OrgChange::Deactivated(at),
            OrgChange::Reactivated,
            OrgChange::DeletionRequested(at),
            OrgChange::DeletionCancelled,
        ] {
            let line = change.line("712020:a-b");
            assert_eq!(OrgChange::parse(&line), Some((change, "712020:a-b".into())));
        }
        assert_eq!(
            OrgChange::DeletionRequested(at).line("a"),
            "deletion-requested a 2026-12-01T10:00:05Z"
        );
        let clock = OrgChange::ClockAdvanced(15).line("ignored");
        assert_eq!(clock, "clock-advanced 15");
        assert_eq!(
            OrgChange::parse(&clock),
            Some((OrgChange::ClockAdvanced(15), String::new()))
        );
        assert_eq!(OrgChange::parse("promoted abc"), None);
        assert_eq!(OrgChange::parse("removed "), None);
        assert_eq!(OrgChange::parse("justanid"), None);
        assert_eq!(OrgChange::parse("deactivated a"), None, "no time");
        assert_eq!(OrgChange::parse("deletion-requested a yesterday"), None);
        assert_eq!(OrgChange::parse("clock-advanced -3"), None);
    }

    #[test]
    fn the_file_sits_beside_the_removals_file() {
        let p = Path::new("/data/practice/practice-site-removed.txt");
        assert_eq!(
            path_beside(p),
            Path::new("/data/practice/practice-site-removed-org.txt")
        );
        assert_eq!(path_beside(Path::new("removed")), Path::new("removed-org"));
    }

    #[test]
    fn changes_are_kept_in_order_across_opens() {
        let tmp = tempfile::tempdir().unwrap();
        let config = PracticeConfig {
            removals_file: Some(tmp.path().join("removed.txt")),
            ..PracticeConfig::default()
        };
        let (log, changes) = open(&config).unwrap().unwrap();
        assert!(changes.is_empty());
        log.record(&OrgChange::Suspended.line("a")).unwrap();
        log.record(&OrgChange::Restored.line("a")).unwrap();
        log.record(&OrgChange::Removed.line("b")).unwrap();
        drop(log);
        let (_, changes) = open(&config).unwrap().unwrap();
        assert_eq!(
            changes,
            [
                (OrgChange::Suspended, "a".to_string()),
                (OrgChange::Restored, "a".to_string()),
                (OrgChange::Removed, "b".to_string()),
            ]
        );
        assert!(tmp.path().join("removed-org.txt").exists());
        assert!(open(&PracticeConfig::default()).unwrap().is_none());
    }
}
