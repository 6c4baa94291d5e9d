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
    cancel: watch::Receiver<bool>,
    mut on_page: impl FnMut(LoadProgress, &[OrgUser]),
) -> Result<Vec<OrgUser>, SessionError> {
    let mut users: Vec<OrgUser> = Vec::new();
    load_pages(conn, search, cancel, |progress, page| {
        on_page(progress, &page);
        users.extend(page);
    })
    .await?;
    Ok(users)
}

/// The same, handing each page's users over to `on_page` (which keeps them as it likes, so
/// 100,000 users are dealt with as they come rather than all after the last page); answers how
/// far it came. `cancel` turning true stops it at once, between pages or during a request
/// (which is dropped), and no page is asked for after it.
pub async fn load_pages(
    conn: &OrgConnection,
    search: &UserSearch,
    mut cancel: watch::Receiver<bool>,
    mut on_page: impl FnMut(LoadProgress, Vec<OrgUser>),
) -> Result<LoadProgress, SessionError> {
    let directory = conn.directory()?.directory_id.clone();
    let mut cursor: Option<String> = None;
    let mut progress = LoadProgress {
        loaded: 0,
        pages: 0,
    };
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
        progress.pages += 1;
        progress.loaded += page.users.len();
        on_page(progress, page.users);
        let pages = progress.pages;
        match page.next {
            Some(next) if pages < MAX_PAGES && !next.is_empty() => cursor = Some(next),
            Some(_) if pages >= MAX_PAGES => return Err(SessionError::TooManyPages(MAX_PAGES)),
            _ => break,
        }
    }
    tracing::info!(org = %conn.org.id, directory = %directory, users = progress.loaded, pages = progress.pages, "organization users loaded");
    Ok(progress)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atlassian::ClientConfig;
    use crate::practice::{PracticeConfig, PracticeSite};
    use crate::session::org::{OrgConnector, PracticeOrg};
    use crate::vault::ApiToken;
    use std::time::Duration;

    /// A practice organization of `users` people answering after `latency`, and a connection.
    async fn connected(users: usize, latency: Duration) -> (PracticeSite, OrgConnection) {
        let config = PracticeConfig {
            latency,
            ..PracticeConfig::generated(users, 5)
        };
        let site = PracticeSite::start(config).await.unwrap();
        let practice = PracticeOrg {
            api: site.url(),
            org_id: site.org_id(),
            key: ApiToken::new(site.org_api_key()),
        };
        let connector = OrgConnector::practice(practice.clone(), ClientConfig::default());
        let api = connector.api(None).unwrap();
        let conn = connector
            .connect(&api, &practice.org_id, practice.key)
            .await
            .unwrap();
        (site, conn)
    }

    /// The user searches the site received, and whether each was answered.
    fn searches(site: &PracticeSite) -> Vec<Option<u16>> {
        let record = site.record();
        let asked = record.iter().filter(|r| r.path.ends_with("/users/search"));
        asked.map(|r| r.status).collect()
    }

    #[tokio::test]
    async fn a_cancel_between_pages_asks_for_no_further_page() {
        let (site, conn) = connected(450, Duration::ZERO).await;
        let (cancel, cancelled) = watch::channel(false);
        let mut seen = Vec::new();
        let loaded = load_users(&conn, &UserSearch::default(), cancelled, |p, page| {
            seen.push((p, page.len()));
            if p.pages == 2 {
                cancel.send_replace(true);
            }
        })
        .await;
        assert!(matches!(loaded, Err(SessionError::LoadCancelled)));
        let p = |loaded, pages| LoadProgress { loaded, pages };
        assert_eq!(seen, [(p(100, 1), 100), (p(200, 2), 100)]);
        assert_eq!(
            searches(&site),
            [Some(200), Some(200)],
            "two pages, no third"
        );
    }

    #[tokio::test]
    async fn a_cancel_during_a_page_drops_it_without_waiting_for_its_reply() {
        use tokio::io::AsyncReadExt;
        // The practice organization for the connection; then a server that takes the request
        // and never answers, so the load can only end by dropping it.
        let (site, conn) = connected(10, Duration::ZERO).await;
        let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let api = crate::atlassian::org::OrgApi::parse(&format!(
            "http://{}",
            silent.local_addr().unwrap()
        ))
        .unwrap();
        let key = ApiToken::new(site.org_api_key());
        let mut stalled = conn.clone();
        stalled.client =
            crate::atlassian::org::OrgClient::new(api, &conn.org.id, key, ClientConfig::default())
                .unwrap();
        let (cancel, cancelled) = watch::channel(false);
        let loading = tokio::spawn(async move {
            load_users(&stalled, &UserSearch::default(), cancelled, |_, _| {}).await
        });
        let bound = Duration::from_secs(30);
        let (mut socket, _) = tokio::time::timeout(bound, silent.accept())
            .await
            .expect("the first page is asked for")
            .unwrap();
        let mut request = [0u8; 4096];
        let read = tokio::time::timeout(bound, socket.read(&mut request)).await;
        assert!(read.unwrap().unwrap() > 0, "the request arrived");

        cancel.send_replace(true);
        let loaded = tokio::time::timeout(bound, loading)
            .await
            .expect("the cancel ends the load without a reply")
            .unwrap();
        assert!(matches!(loaded, Err(SessionError::LoadCancelled)));
        // The request in flight was dropped: its connection closes...
        let mut rest = Vec::new();
        let closed = tokio::time::timeout(bound, socket.read_to_end(&mut rest)).await;
        assert!(closed.is_ok(), "the connection was closed");
        // ...and no other request came (the load has ended: none can come later).
        let another = tokio::time::timeout(Duration::ZERO, silent.accept()).await;
        assert!(another.is_err(), "no further request after the cancel");
    }
}
