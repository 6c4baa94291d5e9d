//! Request handling: routing, authentication, the user read endpoints, and the hyper glue.
//! Paths under `/admin/` (the organization admin API) and `/users/` (the user-management API)
//! are the organization's (org/mod.rs); `/practice/clock` is the practice clock's knob
//! (org/clock.rs).

use super::credentials;
use super::reply::{user_json, Outcome, Reply};
use super::state::{Caller, RecordedRequest, SiteState};
use crate::atlassian::credential_signals::CONFLUENCE_CURRENT_USER;
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Method, Request, Response};
use serde_json::json;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::Notify;

/// Most ids one `user/bulk` call may name (more is a 400).
pub(crate) const BULK_MAX_IDS: usize = 200;
/// Page size of `user/bulk` when `maxResults` is not given.
pub(crate) const BULK_DEFAULT_PAGE: usize = 10;
/// Largest page `user/bulk` returns, whatever `maxResults` asks (an assumption: Jira caps its
/// pages but does not publish this endpoint's cap; clients must follow `isLast`).
pub(crate) const BULK_MAX_PAGE: usize = 100;

/// What a request asks for, as far as routing can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Myself,
    User,
    Bulk,
    GroupMember,
    Delete,
    /// Confluence's `GET /wiki/rest/api/user/current` (answered on a Confluence-only site).
    ConfluenceUser,
    WrongMethod,
    Unknown,
}

/// The parts of a request the site looks at.
pub(crate) struct Asked {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) api: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) authorization: Option<String>,
}

impl Asked {
    /// All values of one query parameter, in order.
    pub(crate) fn params<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.query
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of one query parameter.
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Serves one request; `kill` closes this connection without a reply when a drop is drawn.
pub(crate) async fn serve(
    state: Arc<SiteState>,
    kill: Arc<Notify>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = req.uri().path();
    if super::org::is_org_path(path) || super::org::is_manage_path(path) {
        return super::org::serve(state, kill, req).await;
    }
    if super::org::is_knob_path(path) {
        return super::org::serve_knob(state, kill, req).await;
    }
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let path = req.uri().path().to_string();
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let api = api_version(&path).unwrap_or("3").to_string();
    let incoming = Asked {
        method: req.method().clone(),
        path,
        api,
        query,
        authorization: header("authorization"),
    };
    let route = route(&incoming.method, &incoming.path);
    let index = state.arrive(RecordedRequest {
        method: incoming.method.to_string(),
        path: incoming.path.clone(),
        account_id: match route {
            Route::User | Route::Delete => incoming.param("accountId").map(str::to_string),
            _ => None,
        },
        status: None,
        at_ms: 0,
        authorized_as: None,
        user_agent: header("user-agent"),
    });
    // The configured latency comes first: the site "works" on the request meanwhile.
    let delay = state.reply_delay();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let (outcome, caller) = decide(&state, route, &incoming);
    let authorized_as = caller.map(|c| state.email_of(c));
    answer(&state, index, authorized_as, outcome, &kill).await
}

/// Sends a decided outcome and records its status: now, after the slow delay, or never (the
/// connection is closed unanswered).
pub(crate) async fn answer(
    state: &SiteState,
    index: usize,
    authorized_as: Option<String>,
    outcome: Outcome,
    kill: &Notify,
) -> Result<Response<Full<Bytes>>, Infallible> {
    match outcome {
        Outcome::Reply(reply) => {
            state.finish(index, authorized_as, Some(reply.status));
            Ok(reply.into_response())
        }
        Outcome::Slow(reply, wait) => {
            state.finish(index, authorized_as, Some(reply.status));
            tokio::time::sleep(wait).await;
            Ok(reply.into_response())
        }
        Outcome::Drop => {
            state.finish(index, authorized_as, None);
            kill.notify_one();
            // The connection task drops this future together with the socket.
            std::future::pending().await
        }
    }
}

/// `2` or `3` for `/rest/api/{2,3}/...`.
fn api_version(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/rest/api/")?;
    let (version, _) = rest.split_once('/')?;
    matches!(version, "2" | "3").then_some(version)
}

fn route(method: &Method, path: &str) -> Route {
    if path.trim_end_matches('/') == CONFLUENCE_CURRENT_USER && method == Method::GET {
        return Route::ConfluenceUser;
    }
    let Some(version) = api_version(path) else {
        return Route::Unknown;
    };
    let endpoint = path[format!("/rest/api/{version}/").len()..].trim_end_matches('/');
    match (endpoint, method) {
        ("myself", &Method::GET) => Route::Myself,
        ("user", &Method::GET) => Route::User,
        ("user", &Method::DELETE) => Route::Delete,
        ("user/bulk", &Method::GET) => Route::Bulk,
        ("group/member", &Method::GET) => Route::GroupMember,
        ("myself" | "user" | "user/bulk" | "group/member", _) => Route::WrongMethod,
        _ => Route::Unknown,
    }
}

/// Decides the outcome under the state lock; also returns who was accepted.
fn decide(state: &SiteState, route: Route, req: &Asked) -> (Outcome, Option<Caller>) {
    let reply = |r: Reply| (Outcome::Reply(r), None);
    let confluence_only = state.config.confluence_only;
    // A site without Jira has no Jira paths at all, whoever asks.
    if confluence_only && req.path.starts_with("/rest/api/") {
        return reply(credentials::no_jira_page());
    }
    if let Some(refused) = credentials::token_refusal(&state.config, req.authorization.as_deref()) {
        return reply(refused);
    }
    match route {
        Route::Unknown => return reply(Reply::errors(404, "Not found.")),
        Route::ConfluenceUser if !confluence_only => {
            return reply(Reply::errors(404, "Not found."))
        }
        Route::WrongMethod => return reply(Reply::errors(405, "Method not allowed.")),
        _ => {}
    }
    let mut live = state.live();
    let Some(caller) = state.authenticate(req.authorization.as_deref(), &live) else {
        let r = Reply::errors(
            401,
            "You are not authenticated. Authentication required to perform this operation.",
        )
        .with_header("www-authenticate", "Basic realm=\"protected-area\"");
        return reply(r);
    };
    let outcome = match route {
        Route::Myself => Outcome::Reply(myself(state, &live.users, caller, &req.api)),
        Route::User => Outcome::Reply(match req.param("accountId") {
            None => Reply::errors(400, "The accountId query parameter is required."),
            Some(id) => match live.users.get(id) {
                Some(user) => Reply::json(200, &user_json(user, &state.base_url, &req.api)),
                None => not_found(id),
            },
        }),
        Route::Bulk => Outcome::Reply(bulk(state, &live.users, req)),
        Route::GroupMember => Outcome::Reply(super::group::members(state, &live.users, req)),
        Route::ConfluenceUser => Outcome::Reply(match caller_user(state, &live.users, caller) {
            Some(user) => credentials::confluence_current_user(&user),
            None => not_found(&state.config.caller_account_id),
        }),
        _ => super::delete::delete(state, &mut live, caller, req),
    };
    (outcome, Some(caller))
}

/// 404 for an account id the site does not hold (never held, or removed).
pub(crate) fn not_found(account_id: &str) -> Reply {
    Reply::errors(
        404,
        &format!("The user with account ID '{account_id}' does not exist."),
    )
}

/// The signed-in caller as a user of the site.
fn caller_user(
    state: &SiteState,
    users: &std::collections::HashMap<String, super::PracticeUser>,
    caller: Caller,
) -> Option<super::PracticeUser> {
    match caller {
        // The caller is added at start and can never be removed, so it is always there.
        Caller::Admin => users.get(&state.config.caller_account_id).cloned(),
        Caller::Weak => Some(super::PracticeUser {
            account_id: super::WEAK_ACCOUNT_ID.into(),
            display_name: "Practice Member".into(),
            email: Some(state.config.weak_email.clone()),
            account_type: "atlassian".into(),
            active: true,
        }),
    }
}

fn myself(
    state: &SiteState,
    users: &std::collections::HashMap<String, super::PracticeUser>,
    caller: Caller,
    api: &str,
) -> Reply {
    match caller_user(state, users, caller) {
        Some(user) => Reply::json(200, &user_json(&user, &state.base_url, api)),
        None => not_found(&state.config.caller_account_id),
    }
}

fn bulk(
    state: &SiteState,
    users: &std::collections::HashMap<String, super::PracticeUser>,
    req: &Asked,
) -> Reply {
    let mut ids: Vec<&str> = Vec::new();
    for id in req.params("accountId") {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Reply::errors(400, "At least one accountId query parameter is required.");
    }
    if ids.len() > BULK_MAX_IDS {
        return Reply::errors(
            400,
            &format!("You can ask for at most {BULK_MAX_IDS} accountIds in one request."),
        );
    }
    let (start, max) = match (
        whole_number(req, "startAt", 0),
        whole_number(req, "maxResults", BULK_DEFAULT_PAGE),
    ) {
        (Ok(s), Ok(m)) => (s, m.clamp(1, BULK_MAX_PAGE)),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let found: Vec<_> = ids.iter().filter_map(|id| users.get(*id)).collect();
    let page: Vec<_> = found
        .iter()
        .skip(start)
        .take(max)
        .map(|u| user_json(u, &state.base_url, &req.api))
        .collect();
    let is_last = start.saturating_add(page.len()) >= found.len();
    Reply::json(
        200,
        &json!({
            "self": format!("{}{}", state.base_url, req.path),
            "startAt": start,
            "maxResults": max,
            "total": found.len(),
            "isLast": is_last,
            "values": page,
        }),
    )
}

/// A whole-number query parameter, `default` when absent, a 400 when not a number.
pub(crate) fn whole_number(req: &Asked, name: &str, default: usize) -> Result<usize, Reply> {
    match req.param(name) {
        None => Ok(default),
        Some(v) => v.trim().parse::<usize>().map_err(|_| {
            Reply::errors(
                400,
                &format!("The {name} query parameter must be a whole number."),
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_on_both_api_versions() {
        assert_eq!(route(&Method::GET, "/rest/api/3/myself"), Route::Myself);
        assert_eq!(route(&Method::GET, "/rest/api/2/myself/"), Route::Myself);
        assert_eq!(route(&Method::DELETE, "/rest/api/2/user"), Route::Delete);
        assert_eq!(route(&Method::GET, "/rest/api/3/user/bulk"), Route::Bulk);
        let group = "/rest/api/2/group/member";
        assert_eq!(route(&Method::GET, group), Route::GroupMember);
        assert_eq!(route(&Method::PUT, group), Route::WrongMethod);
        assert_eq!(route(&Method::POST, "/rest/api/3/user"), Route::WrongMethod);
        assert_eq!(route(&Method::GET, "/rest/api/4/user"), Route::Unknown);
        assert_eq!(
            route(&Method::GET, "/rest/api/3/users/search"),
            Route::Unknown
        );
        assert_eq!(route(&Method::GET, "/"), Route::Unknown);
        let wiki = "/wiki/rest/api/user/current";
        assert_eq!(route(&Method::GET, wiki), Route::ConfluenceUser);
        assert_eq!(route(&Method::DELETE, wiki), Route::Unknown);
    }
}
