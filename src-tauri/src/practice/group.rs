//! `GET group/member?groupname=`: the site's one group, `site-admins`, paged like Jira's
//! "Get users from group" (`startAt`, `maxResults`, `isLast`, `nextPage`, `total`, `values`).

use super::handler::{whole_number, Asked};
use super::reply::{user_json, Reply};
use super::state::SiteState;
use super::PracticeUser;
use crate::atlassian::SITE_ADMINS_GROUP;
use serde_json::json;
use std::collections::HashMap;

/// Largest page (and the default): Jira's documented maximum for this endpoint.
pub(crate) const GROUP_MAX_PAGE: usize = 50;

/// One page of the group's members, or the error Jira would give.
pub(crate) fn members(
    state: &SiteState,
    users: &HashMap<String, PracticeUser>,
    req: &Asked,
) -> Reply {
    let Some(name) = req.param("groupname").filter(|n| !n.trim().is_empty()) else {
        return Reply::errors(400, "The groupname query parameter is required.");
    };
    // Jira's group names are case-insensitive.
    if state.config.groupless || !name.trim().eq_ignore_ascii_case(SITE_ADMINS_GROUP) {
        return Reply::errors(404, &format!("The group {name} does not exist."));
    }
    let include_inactive = match req.param("includeInactiveUsers") {
        None => false,
        Some(v) if v.eq_ignore_ascii_case("true") => true,
        Some(v) if v.eq_ignore_ascii_case("false") => false,
        Some(_) => {
            return Reply::errors(
                400,
                "The includeInactiveUsers query parameter must be true or false.",
            )
        }
    };
    let (start, max) = match (
        whole_number(req, "startAt", 0),
        whole_number(req, "maxResults", GROUP_MAX_PAGE),
    ) {
        (Ok(s), Ok(m)) => (s, m.clamp(1, GROUP_MAX_PAGE)),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    // A removed user leaves the group with the site; a "kept" one stays in both.
    let listed: Vec<&PracticeUser> = state
        .config
        .site_admins
        .iter()
        .filter_map(|id| users.get(id))
        .filter(|u| include_inactive || u.active)
        .collect();
    let page: Vec<_> = listed
        .iter()
        .skip(start)
        .take(max)
        .map(|u| user_json(u, &state.base_url, &req.api))
        .collect();
    let is_last = start.saturating_add(page.len()) >= listed.len();
    let link = |at: usize| {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("groupname", name)
            .append_pair("includeInactiveUsers", &include_inactive.to_string())
            .append_pair("startAt", &at.to_string())
            .append_pair("maxResults", &max.to_string())
            .finish();
        format!("{}{}?{query}", state.base_url, req.path)
    };
    let mut body = json!({
        "self": link(start),
        "maxResults": max,
        "startAt": start,
        "total": listed.len(),
        "isLast": is_last,
        "values": page,
    });
    if !is_last {
        body["nextPage"] = json!(link(start + max));
    }
    Reply::json(200, &body)
}
