//! The practice site's memory across launches: the account ids it removed, one a line in an
//! append-only file (in practice mode, in the practice data folder). Read when the site starts,
//! so it holds the same users as when it was last closed or killed; each applied delete is
//! written and synced before the site answers, so a removal the client heard about is never
//! forgotten. (A removal lost by a kill before its sync was never answered either: the client's
//! journal holds that row in doubt and a resume sends it again.)

use super::PracticeError;
use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The open file of removed account ids.
pub(crate) struct RemovalLog {
    path: PathBuf,
    file: Mutex<File>,
}

impl RemovalLog {
    /// Opens (or creates) the file and returns it with the ids it already holds. A last line
    /// without its newline is a write a kill cut short: it is cut off, never read as an id.
    pub(crate) fn open(path: &Path) -> Result<(RemovalLog, HashSet<String>), PracticeError> {
        let (log, lines) = RemovalLog::open_lines(path)?;
        Ok((log, lines.into_iter().collect()))
    }

    /// Like [`RemovalLog::open`], with the lines in the order they were written (the
    /// organization's changes are replayed in order: a suspend, then its restore).
    pub(crate) fn open_lines(path: &Path) -> Result<(RemovalLog, Vec<String>), PracticeError> {
        let error = |e: std::io::Error| PracticeError::Memory {
            path: path.display().to_string(),
            source: e,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(error)?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(error)?;
        let mut text = String::new();
        file.read_to_string(&mut text).map_err(error)?;
        let whole = text.rfind('\n').map_or(0, |i| i + 1);
        if whole < text.len() {
            file.set_len(whole as u64).map_err(error)?;
            file.seek(SeekFrom::End(0)).map_err(error)?;
        }
        let removed = text[..whole]
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        let log = RemovalLog {
            path: path.to_path_buf(),
            file: Mutex::new(file),
        };
        Ok((log, removed))
    }

    fn file(&self) -> MutexGuard<'_, File> {
        self.file.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Appends one line (a removed id, or an org change) and syncs it to disk.
    pub(crate) fn record(&self, line: &str) -> std::io::Result<()> {
        let mut file = self.file();
        file.write_all(format!("{line}\n").as_bytes())?;
        file.sync_data()
    }

    /// The file, for messages.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removals_are_kept_across_opens_and_a_torn_last_line_is_cut_off() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("practice").join("removed.txt");
        let (log, removed) = RemovalLog::open(&path).unwrap();
        assert!(removed.is_empty());
        log.record("a1").unwrap();
        log.record("b2").unwrap();
        drop(log);
        // A kill in the middle of the next write leaves part of an id without its newline.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"c3-cut")
            .unwrap();
        let (log, removed) = RemovalLog::open(&path).unwrap();
        assert_eq!(removed, HashSet::from(["a1".into(), "b2".into()]));
        log.record("d4").unwrap();
        drop(log);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a1\nb2\nd4\n");
        assert_eq!(RemovalLog::open(&path).unwrap().1.len(), 3);
    }

    #[tokio::test]
    async fn a_restarted_site_holds_the_users_it_held_when_it_stopped() {
        use crate::practice::{PracticeConfig, PracticeSite};
        let tmp = tempfile::tempdir().unwrap();
        let mut config = PracticeConfig::generated(20, 3);
        config.removals_file = Some(tmp.path().join("removed.txt"));
        let people: Vec<String> = config
            .users
            .iter()
            .filter(|u| {
                u.account_type == "atlassian" && !config.site_admins.contains(&u.account_id)
            })
            .map(|u| u.account_id.clone())
            .take(3)
            .collect();
        let site = PracticeSite::start(config.clone()).await.unwrap();
        let before = site.remaining_users();
        for id in &people[..2] {
            let status = reqwest::Client::new()
                .delete(format!("{}/rest/api/3/user", site.url()))
                .query(&[("accountId", id)])
                .basic_auth(&config.admin_email, Some(&config.admin_token))
                .send()
                .await
                .unwrap()
                .status();
            assert_eq!(status, 204);
        }
        site.shutdown().await;

        let site = PracticeSite::start(config.clone()).await.unwrap();
        assert_eq!(site.remaining_users(), before - 2);
        assert!(!site.exists(&people[0]) && !site.exists(&people[1]));
        assert!(site.exists(&people[2]));
        site.shutdown().await;

        // Without the file, every start is fresh.
        config.removals_file = None;
        let site = PracticeSite::start(config).await.unwrap();
        assert_eq!(site.remaining_users(), before);
    }
}
