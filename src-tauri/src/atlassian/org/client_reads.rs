//! The organization client's reads: the org, the orgs the key sees, the directories, user
//! search pages, users by id, and one user.

use super::{parse_json, OrgClient};
use crate::atlassian::org::reply::parse_error_body;
use crate::atlassian::org::signals::{self, ACCOUNT_IDS_PER_SEARCH, SEARCH_PAGE};
use crate::atlassian::org::{Directory, Org, OrgError, OrgUser, UserPage, UserSearch};
use crate::atlassian::reply::looks_like_html;
use crate::atlassian::waiting_out_rate_limits;
use crate::roster::canonical_account_id;
use reqwest::Method;
use serde::Deserialize;
use std::collections::HashSet;

/// Most pages of `GET /admin/v1/orgs` followed (a key sees one org, or a few).
const MAX_ORG_PAGES: usize = 20;

/// Most pages of `GET …/directories` followed, at 100 directories a page.
const MAX_DIRECTORY_PAGES: usize = 100;

/// Rate-limit waits per search page of [`OrgClient::users_by_id`].
const MAX_WAITS: u32 = 5;

/// `{ "data": { "id": …, "attributes": { "name": … } } }`.
#[derive(Deserialize)]
struct OrgReply {
    data: OrgModel,
}

#[derive(Deserialize)]
struct OrgModel {
    #[serde(default)]
    id: String,
    #[serde(default)]
    attributes: OrgAttributes,
}

#[derive(Deserialize, Default)]
struct OrgAttributes {
    #[serde(default)]
    name: String,
}

/// `{ "data": [T], "links": { "next": … } }`, the shape of every list.
#[derive(Deserialize)]
struct ListReply<T> {
    #[serde(default = "Vec::new")]
    data: Vec<T>,
    #[serde(default)]
    links: Links,
}

#[derive(Deserialize, Default)]
struct Links {
    #[serde(default)]
    next: Option<String>,
}

/// `{ "data": OrgUser }`.
#[derive(Deserialize)]
struct UserReply {
    data: OrgUser,
}

impl OrgClient {
    /// `GET /admin/v1/orgs/{orgId}`: the organization's name (the connection check); 404 is
    /// [`OrgError::OrgNotFound`].
    pub async fn org(&self) -> Result<Org, OrgError> {
        let url = self
            .inner
            .api
            .endpoint(&["admin", "v1", "orgs", &self.inner.org_id], &[]);
        let reply = self.fetch(Method::GET, url, None).await?;
        if reply.status == 404 && !looks_like_html(&reply.headers, &reply.body) {
            return Err(OrgError::OrgNotFound);
        }
        let org: OrgReply = parse_json(reply)?;
        let id = if org.data.id.is_empty() {
            self.inner.org_id.clone()
        } else {
            org.data.id
        };
        Ok(Org {
            id,
            name: org.data.attributes.name,
        })
    }

    /// `GET /admin/v1/orgs`, following `links.next` (a URL or a cursor) for at most 20 pages:
    /// the ids of the organizations the key sees (see [`signals::key_has_scopes`]).
    pub async fn visible_orgs(&self) -> Result<Vec<String>, OrgError> {
        let mut ids = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_ORG_PAGES {
            let query: Vec<(&str, &str)> = cursor.iter().map(|c| ("cursor", c.as_str())).collect();
            let url = self.inner.api.endpoint(&["admin", "v1", "orgs"], &query);
            let page: ListReply<IdOnly> = parse_json(self.fetch(Method::GET, url, None).await?)?;
            ids.extend(
                page.data
                    .into_iter()
                    .map(|o| o.id)
                    .filter(|id| !id.is_empty()),
            );
            match next_cursor(page.links.next)? {
                Some(next) => cursor = Some(next),
                None => return Ok(ids),
            }
        }
        Err(endless("list of organizations", MAX_ORG_PAGES))
    }

    /// `GET /admin/v2/orgs/{orgId}/directories?limit=100`, then `?cursor=` alone for the next
    /// pages (ORG-API.md §2), for at most 100 pages.
    pub async fn directories(&self) -> Result<Vec<Directory>, OrgError> {
        let path = ["admin", "v2", "orgs", &self.inner.org_id, "directories"];
        let mut directories = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_DIRECTORY_PAGES {
            let query = match &cursor {
                Some(c) => vec![("cursor", c.as_str())],
                None => vec![("limit", "100")],
            };
            let url = self.inner.api.endpoint(&path, &query);
            let page: ListReply<Directory> = parse_json(self.fetch(Method::GET, url, None).await?)?;
            directories.extend(page.data);
            match next_cursor(page.links.next)? {
                Some(next) => cursor = Some(next),
                None => return Ok(directories),
            }
        }
        Err(endless("list of directories", MAX_DIRECTORY_PAGES))
    }

    /// One page of `POST …/directories/{dir}/users/search`: the filters, `limit` (1 to
    /// [`SEARCH_PAGE`]), the expands and `cursor` when given (see [`signals::search_body`]).
    pub async fn search_page(
        &self,
        directory_id: &str,
        search: &UserSearch,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<UserPage, OrgError> {
        let directory_id = chosen(directory_id)?;
        let mut path = self.directory_path(directory_id);
        path.extend(["users", "search"]);
        let url = self.inner.api.endpoint(&path, &[]);
        let body = signals::search_body(search, cursor, limit);
        let page: ListReply<OrgUser> =
            parse_json(self.fetch(Method::POST, url, Some(&body)).await?)?;
        Ok(UserPage {
            users: page.data,
            next: page.links.next.filter(|n| !n.trim().is_empty()),
        })
    }

    /// The users of `directory_id` among `ids` (searched by `accountIds` in batches, following
    /// cursors, each page waiting out at most 5 rate limits); absent ones are not returned.
    /// Ids are compared in canonical form; blank and repeated ids are asked once or never.
    pub async fn users_by_id(
        &self,
        directory_id: &str,
        ids: &[String],
    ) -> Result<Vec<OrgUser>, OrgError> {
        let mut asked = HashSet::new();
        let unique: Vec<String> = ids
            .iter()
            .map(|id| id.trim())
            .filter(|id| !id.is_empty() && asked.insert(canonical_account_id(id)))
            .map(str::to_owned)
            .collect();
        let mut found = HashSet::new();
        let mut users = Vec::new();
        for batch in unique.chunks(ACCOUNT_IDS_PER_SEARCH) {
            match self
                .search_batch(directory_id, batch, &asked, &mut found, &mut users)
                .await
            {
                // The search may cap accountIds lower than its page (the GET listing caps them
                // at 10): a 400 for a large batch is asked again in batches of that size.
                Err(OrgError::Status { status: 400, .. })
                    if batch.len() > signals::ACCOUNT_IDS_FALLBACK =>
                {
                    tracing::info!(
                        ids = batch.len(),
                        "search refused a batch of ids; asking in smaller batches"
                    );
                    for small in batch.chunks(signals::ACCOUNT_IDS_FALLBACK) {
                        self.search_batch(directory_id, small, &asked, &mut found, &mut users)
                            .await?;
                    }
                }
                other => other?,
            }
        }
        Ok(users)
    }

    /// One `accountIds` search followed to its last page; the users asked for are added to
    /// `users` once each.
    async fn search_batch(
        &self,
        directory_id: &str,
        batch: &[String],
        asked: &HashSet<String>,
        found: &mut HashSet<String>,
        users: &mut Vec<OrgUser>,
    ) -> Result<(), OrgError> {
        let search = UserSearch {
            account_ids: batch.to_vec(),
            ..UserSearch::default()
        };
        let mut cursor: Option<String> = None;
        // Every page but the last brings at least one of the batch's users.
        for _ in 0..=batch.len() {
            let page = waiting_out_rate_limits(MAX_WAITS, || {
                self.search_page(directory_id, &search, cursor.as_deref(), SEARCH_PAGE)
            })
            .await?;
            for user in page.users {
                let id = canonical_account_id(&user.account_id);
                if asked.contains(&id) && found.insert(id) {
                    users.push(user);
                }
            }
            cursor = page.next;
            if cursor.is_none() {
                return Ok(());
            }
        }
        // Missing users would read as "removed": better to stop and say so.
        Err(endless("search for these users", batch.len() + 1))
    }

    /// `GET …/directories/{dir}/users/{id}`: the user, or `None` when the directory does not
    /// have them (404).
    pub async fn user(
        &self,
        directory_id: &str,
        account_id: &str,
    ) -> Result<Option<OrgUser>, OrgError> {
        let directory_id = chosen(directory_id)?;
        let account_id = account_id.trim();
        if account_id.is_empty() {
            return Ok(None);
        }
        let url = self
            .inner
            .api
            .endpoint(&self.user_path(directory_id, account_id), &[]);
        let reply = self.fetch(Method::GET, url, None).await?;
        if reply.status == 404
            && !looks_like_html(&reply.headers, &reply.body)
            && !signals::org_missing(&parse_error_body(&reply.body))
        {
            return Ok(None);
        }
        let user: UserReply = parse_json(reply)?;
        Ok(Some(user.data))
    }
}

/// An org in `GET /admin/v1/orgs`: only its id is read.
#[derive(Deserialize)]
struct IdOnly {
    #[serde(default)]
    id: String,
}

/// The cursor in a `links.next`: a bare cursor (v2), or a URL whose `cursor` parameter it is
/// (v1 lists). Only the cursor is used, so the key never follows a link to another host.
fn next_cursor(next: Option<String>) -> Result<Option<String>, OrgError> {
    let Some(next) = next.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    let is_link =
        next.starts_with("http://") || next.starts_with("https://") || next.starts_with('/');
    if !is_link {
        return Ok(Some(next));
    }
    let base = url::Url::parse("https://api.atlassian.com/").expect("a valid constant URL");
    let cursor = base
        .join(&next)
        .ok()
        .and_then(|u| {
            u.query_pairs()
                .find(|(k, _)| k == "cursor")
                .map(|(_, v)| v.into_owned())
        })
        .filter(|c| !c.is_empty());
    match cursor {
        Some(cursor) => Ok(Some(cursor)),
        None => Err(OrgError::BadReply {
            status: 200,
            detail: "a link to the next page without a cursor in it".into(),
        }),
    }
}

/// The directory a read names, trimmed: `-` (every directory) is fine here, nothing is not.
fn chosen(directory_id: &str) -> Result<&str, OrgError> {
    match directory_id.trim() {
        "" => Err(OrgError::Setup(
            "no directory was chosen to read users from. Check the connection again and pick one."
                .into(),
        )),
        directory => Ok(directory),
    }
}

fn endless(what: &str, pages: usize) -> OrgError {
    OrgError::BadReply {
        status: 200,
        detail: format!("the {what} did not end after {pages} pages"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_name_a_directory_or_every_directory() {
        assert_eq!(chosen(" d1 ").unwrap(), "d1");
        assert_eq!(chosen("-").unwrap(), "-");
        assert!(matches!(chosen("  "), Err(OrgError::Setup(w)) if w.contains("no directory")));
    }

    #[test]
    fn next_links_give_their_cursor_only() {
        assert_eq!(next_cursor(None).unwrap(), None);
        assert_eq!(next_cursor(Some("  ".into())).unwrap(), None);
        assert_eq!(
            next_cursor(Some("kloHX1ZQVasDAkx_P48NYQ".into()))
                .unwrap()
                .as_deref(),
            Some("kloHX1ZQVasDAkx_P48NYQ")
        );
        for link in [
            "https://api.atlassian.com/admin/v1/orgs?cursor=abc%3D",
            "https://evil.example/admin/v1/orgs?cursor=abc%3D",
            "/admin/v1/orgs?cursor=abc%3D",
        ] {
            assert_eq!(
                next_cursor(Some(link.into())).unwrap().as_deref(),
                Some("abc="),
                "{link}"
            );
        }
        assert!(matches!(
            next_cursor(Some("https://api.atlassian.com/admin/v1/orgs".into())),
            Err(OrgError::BadReply { .. })
        ));
    }
}
