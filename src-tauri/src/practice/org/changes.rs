//! The practice organization's memory across launches: each applied suspend, restore and
//! remove as one line (`suspended <id>`, `restored <id>`, `removed <id>`) in a file beside the
//! site's removals file, written and synced before the reply, and replayed in order over the
//! seeded organization when the site starts again. Same file rules as `removals.rs` (a torn
//! last line is cut off).

use crate::practice::removals::RemovalLog;
use crate::practice::state::OrgChanges;
use crate::practice::{PracticeConfig, PracticeError};
use std::path::{Path, PathBuf};

/// One remembered change to a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OrgChange {
    /// Access suspended.
    Suspended,
    /// Access restored.
    Restored,
    /// Removed from the directory.
    Removed,
}

impl OrgChange {
    /// The word the file uses.
    fn word(self) -> &'static str {
        match self {
            OrgChange::Suspended => "suspended",
            OrgChange::Restored => "restored",
            OrgChange::Removed => "removed",
        }
    }

    /// The file's line for this change to `account_id`.
    pub(crate) fn line(self, account_id: &str) -> String {
        format!("{} {account_id}", self.word())
    }

    /// Reads one line; `None` for a line this version does not know (it is skipped).
    pub(crate) fn parse(line: &str) -> Option<(OrgChange, String)> {
        let (word, id) = line.trim().split_once(' ')?;
        let change = [
            OrgChange::Suspended,
            OrgChange::Restored,
            OrgChange::Removed,
        ]
        .into_iter()
        .find(|c| c.word() == word)?;
        let id = id.trim();
        (!id.is_empty()).then(|| (change, id.to_string()))
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
        for change in [
            OrgChange::Suspended,
            OrgChange::Restored,
            OrgChange::Removed,
        ] {
            let line = change.line("712020:a-b");
            assert_eq!(OrgChange::parse(&line), Some((change, "712020:a-b".into())));
        }
        assert_eq!(OrgChange::parse("promoted abc"), None);
        assert_eq!(OrgChange::parse("removed "), None);
        assert_eq!(OrgChange::parse("justanid"), None);
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
