//! Reading a group's members live: `GET /rest/api/3/group/member`, Jira's "Get users from
//! group", page by page.

use super::json::parse_json;
use super::SiteClient;
use crate::atlassian::reply::looks_like_html;
use crate::atlassian::AtlassianError;
use reqwest::Method;
use serde::Deserialize;
use std::collections::HashSet;

/// The group whose members may administer the site.
pub const SITE_ADMINS_GROUP: &str = "site-admins";

/// Members asked for per page of `group/member`: Jira's documented maximum.
pub const GROUP_PAGE: usize = 50;

/// Most pages read from one group: 50 × 4,000 = 200,000 members, more than a Cloud site holds.
const MAX_GROUP_PAGES: usize = 4_000;

/// One page of `group/member` (only what Offboard reads).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GroupPage {
    #[serde(default)]
    is_last: Option<bool>,
    #[serde(default)]
    total: Option<u64>,
    values: Vec<Member>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Member {
    account_id: String,
}

impl SiteClient {
    /// The account ids in the site's `site-admins` group; `None` when the site has no such group.
    pub async fn site_admins(&self) -> Result<Option<Vec<String>>, AtlassianError> {
        self.group_member_ids(SITE_ADMINS_GROUP).await
    }

    /// The account ids in `group`, inactive members included, following every page; `None`
    /// when Atlassian says the group does not exist (a JSON 404).
    pub async fn group_member_ids(
        &self,
        group: &str,
    ) -> Result<Option<Vec<String>>, AtlassianError> {
        let max = GROUP_PAGE.to_string();
        let mut seen = HashSet::new();
        let mut ids = Vec::new();
        let mut start = 0usize;
        for page_number in 0..MAX_GROUP_PAGES {
            let start_text = start.to_string();
            // Inactive members count: a deactivated admin is still one to protect.
            let query = [
                ("groupname", group),
                ("includeInactiveUsers", "true"),
                ("startAt", start_text.as_str()),
                ("maxResults", max.as_str()),
            ];
            // The next page is asked for by offset, never through the reply's `nextPage` link,
            // so the credentials only ever go to the site itself.
            let url = self.inner.site.endpoint("/rest/api/3/group/member", &query);
            let reply = self.fetch(Method::GET, url).await?;
            // Only the first page can mean "no such group"; later, a 404 is a failure.
            if page_number == 0
                && reply.status == 404
                && !looks_like_html(&reply.headers, &reply.body)
            {
                return Ok(None);
            }
            let page: GroupPage = parse_json(reply)?;
            let count = page.values.len();
            let mut new = 0;
            for member in page.values {
                if !member.account_id.is_empty() && seen.insert(member.account_id.clone()) {
                    ids.push(member.account_id);
                    new += 1;
                }
            }
            start += count;
            let last = page
                .is_last
                .unwrap_or_else(|| page.total.is_none_or(|total| start as u64 >= total));
            if last {
                return Ok(Some(ids));
            }
            if new == 0 {
                // A page that brings nobody new would be asked for again and again.
                return Err(stopped(
                    group,
                    "a page said more would follow, but none came",
                ));
            }
        }
        Err(stopped(
            group,
            &format!("it has more than {} members", MAX_GROUP_PAGES * GROUP_PAGE),
        ))
    }
}

/// Members left unread would go unprotected: better to stop and say so.
fn stopped(group: &str, why: &str) -> AtlassianError {
    AtlassianError::BadReply {
        status: 200,
        detail: format!("the list of members of the group {group} stopped part-way ({why})"),
    }
}
