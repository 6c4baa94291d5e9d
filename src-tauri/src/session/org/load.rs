//! "Load users from the organization": every page of `users/search`, with progress and a
//! cancel that stops between pages and during a request.

use super::super::SessionError;
use super::connect::OrgConnection;
use crate::atlassian::org::{OrgError, OrgUser, UserSearch, SEARCH_PAGE};
use tokio::sync::watch;

/// Pages read before the load gives up: 100 users a page, 10 million users. Bounds a server
/// whose cursor never ends.
const MAX_PAGES: usize = 100_000;
/// Rate-limit waits allowed per page before the load stops with the rate limit's words.
const MAX_WAITS_PER_PAGE: u32 = 10;

/// How far a load has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LoadProgress {
    /// Users read so far.
    pub loaded: usize,
    /// Pages read so far.
    pub pages: usize,
}

/// Reads every user of the chosen directory matching `search`, page after page, calling
/// `on_page` after each. `cancel` turning true stops it at once: nothing is kept.
pub async fn load_users(
    conn: &OrgConnection,
    search: &UserSearch,
    mut cancel: watch::Receiver<bool>,
    mut on_page: impl FnMut(LoadProgress, &[OrgUser]),
) -> Result<Vec<OrgUser>, SessionError> {
    let directory = conn.directory()?.directory_id.clone();
    let mut users: Vec<OrgUser> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        if *cancel.borrow() {
            return Err(SessionError::LoadCancelled);
        }
        let page = {
            let mut waits = 0;
            loop {
                let call =
                    conn.client
                        .search_page(&directory, search, cursor.as_deref(), SEARCH_PAGE);
                let reply = tokio::select! {
                    reply = call => reply,
                    _ = cancel.wait_for(|c| *c) => return Err(SessionError::LoadCancelled),
                };
                match reply {
                    Err(OrgError::RateLimited { info, .. }) if waits < MAX_WAITS_PER_PAGE => {
                        waits += 1;
                        let wait = info
                            .wait_hint()
                            .unwrap_or(std::time::Duration::from_secs(2 << waits.min(4)));
                        tokio::select! {
                            _ = tokio::time::sleep(wait) => {}
                            _ = cancel.wait_for(|c| *c) => return Err(SessionError::LoadCancelled),
                        }
                    }
                    other => break other?,
                }
            }
        };
        pages += 1;
        users.extend(page.users.iter().cloned());
        on_page(
            LoadProgress {
                loaded: users.len(),
                pages,
            },
            &page.users,
        );
        match page.next {
            Some(next) if pages < MAX_PAGES && !next.is_empty() => cursor = Some(next),
            Some(_) if pages >= MAX_PAGES => return Err(SessionError::TooManyPages(MAX_PAGES)),
            _ => break,
        }
    }
    tracing::info!(org = %conn.org.id, directory = %directory, users = users.len(), pages, "organization users loaded");
    Ok(users)
}
