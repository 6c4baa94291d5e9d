//! Organization mode's Choose step in the window: loading the directory's users page by page
//! (with progress and a cancel that keeps nothing), or matching an export to the directory.
//! Either way the users are kept here, and plans are made from them by account id.

use super::org::{org_not_connected, KeptUsers};
use super::AppState;
use crate::app::error::AppError;
use crate::app::org_columns::{org_import_json, org_users_json, OrgUserColumns};
use crate::atlassian::org::UserSearch;
use crate::roster::{canonical_account_id, import_file};
use crate::session::org::{load_pages, match_export, LoadProgress};
use crate::session::SessionError;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::watch;

impl AppState {
    /// Reads every user of the chosen directory, calling `on_page` after each page, and keeps
    /// them; answers `OrgUsers` as JSON text (written page by page as the users are read).
    /// Starting a load forgets the users kept before (and cancels another load); a cancelled
    /// load (`org_cancel_load`, a new connection, directory, load or export) fails with
    /// `cancelled` and keeps nothing.
    pub async fn org_load_users(
        &self,
        on_page: impl Fn(LoadProgress) + Send,
    ) -> Result<String, AppError> {
        let (conn, directory_name, cancel, cancelled) = {
            let mut s = self.session();
            let conn = s.org.connection.clone().ok_or_else(org_not_connected)?;
            let directory_name = conn
                .directory()
                .map_err(|e| AppError::from(e).at("directory"))?
                .name
                .clone();
            s.org.forget_users();
            s.void_plans();
            let (tx, rx) = watch::channel(false);
            let tx = Arc::new(tx);
            s.org.load = Some(tx.clone());
            (conn, directory_name, tx, rx)
        };
        // Each page is written for the page and filed by id as it comes, so little is left
        // to do after the last one (100,000 users take a while to write and file).
        let mut columns = OrgUserColumns::new();
        let mut by_id = HashMap::new();
        // `cancel` stays alive here until the load ends: a dropped sender would read as a cancel.
        let loaded = load_pages(
            &conn,
            &UserSearch::default(),
            cancelled,
            |progress, page| {
                columns.extend(&page);
                for u in page {
                    by_id.insert(canonical_account_id(&u.account_id), u);
                }
                on_page(progress)
            },
        )
        .await;
        if let Err(e) = loaded {
            self.end_load(&cancel);
            return Err(e.into());
        }
        let started = Instant::now();
        let users = columns.len();
        let json = org_users_json(&directory_name, columns);
        tracing::info!(
            users,
            bytes = json.len(),
            ms = started.elapsed().as_millis() as u64,
            "organization users written for the page"
        );
        let mut s = self.session();
        let still_ours = s.org.load.as_ref().is_some_and(|l| Arc::ptr_eq(l, &cancel));
        if still_ours {
            s.org.load = None;
        }
        if !still_ours || *cancel.borrow() {
            return Err(SessionError::LoadCancelled.into());
        }
        s.org.users = Some(Arc::new(KeptUsers {
            by_id,
            source: None,
        }));
        drop(s);
        Ok(json)
    }

    /// Forgets the load `cancel` belongs to, if it is still the one in progress.
    fn end_load(&self, cancel: &Arc<watch::Sender<bool>>) {
        let mut s = self.session();
        if s.org.load.as_ref().is_some_and(|l| Arc::ptr_eq(l, cancel)) {
            s.org.load = None;
        }
    }

    /// Cancels the load in progress, if any (a load that has just ended is left as it is).
    pub fn org_cancel_load(&self) {
        if let Some(cancel) = &self.session().org.load {
            cancel.send_replace(true);
        }
    }

    /// Reads an export and matches it to the chosen directory by account id; the people found
    /// are kept as loaded users are, those not found are listed and never planned. Answers
    /// `OrgImport` as JSON text.
    pub async fn org_import_export(&self, path: PathBuf) -> Result<String, AppError> {
        let (conn, generation) = {
            let mut s = self.session();
            let conn = s.org.connection.clone().ok_or_else(org_not_connected)?;
            s.org.forget_users();
            s.void_plans();
            (conn, s.generation)
        };
        let directory_name = conn
            .directory()
            .map_err(|e| AppError::from(e).at("directory"))?
            .name
            .clone();
        let file = path.clone();
        let roster = tokio::task::spawn_blocking(move || import_file(&file))
            .await
            .map_err(|e| AppError::new("internal", e.to_string()))??;
        if roster.users.is_empty() {
            return Err(AppError::new(
                "bad_file",
                "This file holds no user with a valid account id, so there is nobody to match. \
                 Export users again from admin.atlassian.com (Directory › Users › Export users).",
            )
            .at("file"));
        }
        let matched = match_export(&conn, &roster).await?;
        let mut s = self.session();
        if s.generation != generation {
            return Err(AppError::new(
                "cancelled",
                "The connection or the users changed while the export was being matched, so \
                 nothing was kept. Open the export again.",
            )
            .at("file"));
        }
        s.org.users = Some(Arc::new(KeptUsers::new(
            &matched.users,
            Some(path.display().to_string()),
        )));
        drop(s);
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(org_import_json(
            OrgUserColumns::of(&matched.users),
            &matched.not_in_directory,
            &file_name,
            &directory_name,
        ))
    }
}
