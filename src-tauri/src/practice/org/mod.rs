//! The practice site's organization: the Atlassian Organization admin API (ORG-API.md, DESIGN.md
//! §6) in the same process and on the same port as the site, under `/admin/`. Bearer org API
//! keys (one without scopes, optionally one with), the org and its directories, paged
//! `users/search` with `expand` and opaque cursors, one user's details, and suspend / restore /
//! remove with the refusals the admin UI makes. Under `/users/` it plays the user-management
//! API's managed-account lifecycle (manage.rs, lifecycle.rs: privileges, disable, enable,
//! delete with its 14-day grace period, cancel-delete) with the same key, and under
//! `/practice/clock` a knob that moves the practice clock forward (clock.rs). Its accounts are
//! seeded from the site's people (seed.rs); the site's reply delay, fault knobs and rate apply
//! here too, every request is recorded with the site's, and a practice run's changes are
//! remembered across launches beside the site's removals (changes.rs).

mod changes;
mod clock;
mod cursor;
mod errors;
mod faults;
mod gate;
mod inspect;
mod lifecycle;
mod manage;
mod reads;
mod routes;
mod search;
mod seed;
mod state;
mod view;
mod writes;

#[cfg(test)]
mod lifecycle_tests;

pub(crate) use changes::{open as open_changes, OrgChange};
pub(crate) use clock::{is_knob_path, serve as serve_knob};
pub(crate) use state::{OrgLive, OrgSetup};

use super::reply::{Outcome, Reply};
use super::state::{Live, RecordedRequest, SiteState};
use super::{PracticeConfig, PracticeError};
use bytes::Bytes;
use errors::{ApiGen, OrgRefusal};
use gate::OrgKey;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Request, Response};
use routes::OrgRoute;
use serde_json::Value;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::Notify;

/// Largest request body read (a search body is a few hundred bytes).
const BODY_LIMIT: usize = 64 * 1024;
/// Most directories a practice organization may have.
const MAX_DIRECTORIES: usize = 20;

/// True for the paths of the organization admin API (`/admin/`).
pub(crate) fn is_org_path(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/")
}

/// True for the paths of the user-management API (`/users/`).
pub(crate) fn is_manage_path(path: &str) -> bool {
    path == "/users" || path.starts_with("/users/")
}

/// True for a user-management lifecycle action (`POST /users/{id}/manage/lifecycle/…`).
pub(crate) fn is_lifecycle_call(method: &str, path: &str) -> bool {
    method == "POST" && is_manage_path(path) && path.contains("/manage/lifecycle/")
}

/// The organization's setup and accounts for a site with this config, with the changes an
/// earlier launch remembered replayed in order, the clock at least `org_clock_days` ahead, and
/// the grace periods that ended meanwhile over.
pub(crate) fn build(
    config: &PracticeConfig,
    changes: Option<super::state::OrgChanges>,
) -> (OrgSetup, OrgLive) {
    let (mut setup, members) = seed::seed(config);
    let mut live = OrgLive::new(members);
    if let Some((log, changes)) = changes {
        for (change, account_id) in changes {
            live.apply(change, &account_id);
        }
        setup.changes = Some(log);
    }
    let wanted = config.org_clock_days.min(lifecycle::MAX_CLOCK_DAYS);
    if live.clock_days < wanted {
        let change = OrgChange::ClockAdvanced(wanted - live.clock_days);
        if let Some(log) = &setup.changes {
            // Best effort: unsaved, the same option at the next launch moves it again.
            let _ = log.record(&change.line(""));
        }
        live.apply(change, "");
    }
    live.settle();
    (setup, live)
}

/// Checks the organization's settings before the site starts.
pub(crate) fn validate(config: &PracticeConfig) -> Result<(), PracticeError> {
    let invalid = |setting: &'static str, reason: &str| {
        Err(PracticeError::InvalidSetting {
            setting,
            reason: reason.into(),
        })
    };
    let plain = |s: &str| !s.is_empty() && !s.chars().any(|c| c.is_whitespace() || c == '/');
    if !plain(&config.org_id) {
        return invalid("org-id", "use an id without spaces or slashes");
    }
    if !plain(&config.org_api_key) {
        return invalid("org-key", "use a key without spaces or slashes");
    }
    if let Some(scoped) = &config.scoped_org_key {
        if !plain(scoped) || *scoped == config.org_api_key {
            return invalid(
                "org-scoped-key",
                "use a key without spaces or slashes, other than --org-key",
            );
        }
    }
    if !(1..=MAX_DIRECTORIES).contains(&config.org_directories) {
        return invalid(
            "org-directories",
            &format!("use a number from 1 to {MAX_DIRECTORIES}"),
        );
    }
    if config.org_clock_days > lifecycle::MAX_CLOCK_DAYS {
        return invalid(
            "org-clock-days",
            &format!(
                "use a number of days from 0 to {}",
                lifecycle::MAX_CLOCK_DAYS
            ),
        );
    }
    Ok(())
}

/// Serves one request under `/admin/` or `/users/`; `kill` closes the connection when a drop
/// is drawn.
pub(crate) async fn serve(
    state: Arc<SiteState>,
    kill: Arc<Notify>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let path = parts.uri.path().to_string();
    let route = routes::route(&parts.method, &path);
    let index = state.arrive(RecordedRequest {
        method: parts.method.to_string(),
        path: path.clone(),
        account_id: route.account_id().map(str::to_string),
        status: None,
        at_ms: 0,
        authorized_as: None,
        user_agent: header("user-agent"),
    });
    let body = Limited::new(body, BODY_LIMIT)
        .collect()
        .await
        .map(|b| b.to_bytes())
        .ok();
    let delay = state.reply_delay();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let asked = Asked {
        route: &route,
        api: routes::api_gen(&path),
        query: &query,
        body: body.as_deref(),
    };
    let (outcome, who) = decide(&state, &asked, header("authorization").as_deref());
    super::handler::answer(&state, index, who, outcome, &kill).await
}

/// What one request asks, as far as the organization reads it.
struct Asked<'a> {
    route: &'a OrgRoute,
    api: ApiGen,
    query: &'a [(String, String)],
    /// `None` when the body could not be read (too large, or the connection failed).
    body: Option<&'a [u8]>,
}

/// The outcome and who was accepted (the key's owner), under the state lock.
fn decide(
    state: &SiteState,
    asked: &Asked<'_>,
    authorization: Option<&str>,
) -> (Outcome, Option<String>) {
    let Some(key) = gate::key_of(&state.config, authorization) else {
        return (
            Outcome::Reply(OrgRefusal::Unauthorized.reply(asked.api)),
            None,
        );
    };
    // The key's owner is the practice caller; the record names them, never the key.
    let who = Some(state.config.admin_email.clone());
    let mut live = state.live();
    live.org.settle();
    let pace = match gate::take(&state.config, live.org_bucket.as_mut(), asked.api) {
        Ok(pace) => pace,
        Err(too_many) => return (Outcome::Reply(too_many), who),
    };
    let outcome = dispatch(state, &mut live, key, asked)
        .unwrap_or_else(|refusal| Outcome::Reply(refusal.reply(asked.api)));
    let outcome = match (pace, outcome) {
        (Some(p), Outcome::Reply(r)) => Outcome::Reply(p.stamp(r)),
        (Some(p), Outcome::Slow(r, wait)) => Outcome::Slow(p.stamp(r), wait),
        (_, outcome) => outcome,
    };
    (outcome, who)
}

/// Answers an accepted request.
fn dispatch(
    state: &SiteState,
    live: &mut Live,
    key: OrgKey,
    asked: &Asked<'_>,
) -> Result<Outcome, OrgRefusal> {
    let config = &state.config;
    let ok = |v: Value| Ok(Outcome::Reply(Reply::json(200, &v)));
    let check_org = |org: &str| {
        (org == config.org_id)
            .then_some(())
            .ok_or(OrgRefusal::OrgNotFound)
    };
    let directory = |dir: &str| match dir {
        "-" => Ok(None),
        id => state
            .org
            .directory(id)
            .map(Some)
            .ok_or_else(|| OrgRefusal::DirectoryNotFound(id.to_string())),
    };
    let (base, name) = (state.base_url.as_str(), config.org_name.as_str());
    match asked.route {
        OrgRoute::Orgs => ok(reads::orgs(base, &config.org_id, name, key)),
        OrgRoute::Org { org } => {
            check_org(org)?;
            ok(reads::org(base, org, name))
        }
        OrgRoute::Directories { org } => {
            check_org(org)?;
            ok(reads::directories(&state.org, asked.query)?)
        }
        OrgRoute::Search { org, dir } => {
            check_org(org)?;
            let d = directory(dir)?;
            let body = asked.body.ok_or_else(|| {
                OrgRefusal::InvalidRequest("The request body could not be read.".into())
            })?;
            ok(search::search(&state.org, &live.org, d, dir, body)?)
        }
        OrgRoute::User { org, dir, account } => {
            check_org(org)?;
            let d = directory(dir)?;
            ok(reads::user(&state.org, &live.org, d, account)?)
        }
        OrgRoute::Write {
            org,
            dir,
            account,
            kind,
        } => {
            check_org(org)?;
            Ok(writes::write(state, live, key, dir, account, *kind))
        }
        OrgRoute::Privileges { account } => {
            let found = manage::privileges(state, live, key, account, asked.query)?;
            ok(found)
        }
        OrgRoute::Lifecycle { account, action } => Ok(manage::lifecycle(
            state, live, key, account, *action, asked.body,
        )),
        OrgRoute::WrongMethod => Err(OrgRefusal::WrongMethod),
        OrgRoute::Unknown => Err(OrgRefusal::UnknownPath),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admin_paths_are_the_organizations() {
        assert!(is_org_path("/admin/v1/orgs") && is_org_path("/admin"));
        assert!(!is_org_path("/administrator") && !is_org_path("/rest/api/3/user"));
        assert!(is_manage_path("/users/a/manage") && !is_manage_path("/usersx"));
        assert!(!is_manage_path("/rest/api/3/users/search"));
        assert!(is_lifecycle_call(
            "POST",
            "/users/a/manage/lifecycle/delete"
        ));
        assert!(!is_lifecycle_call(
            "GET",
            "/users/a/manage/lifecycle/delete"
        ));
        assert!(!is_lifecycle_call("POST", "/users/a/manage"));
    }

    #[test]
    fn organization_settings_are_checked() {
        assert!(validate(&PracticeConfig::default()).is_ok());
        let bad = [
            PracticeConfig {
                org_id: "a b".into(),
                ..PracticeConfig::default()
            },
            PracticeConfig {
                org_api_key: String::new(),
                ..PracticeConfig::default()
            },
            PracticeConfig {
                scoped_org_key: Some(crate::practice::DEFAULT_ORG_API_KEY.into()),
                ..PracticeConfig::default()
            },
            PracticeConfig {
                org_directories: 0,
                ..PracticeConfig::default()
            },
            PracticeConfig {
                org_directories: MAX_DIRECTORIES + 1,
                ..PracticeConfig::default()
            },
            PracticeConfig {
                org_clock_days: lifecycle::MAX_CLOCK_DAYS + 1,
                ..PracticeConfig::default()
            },
        ];
        for config in bad {
            let err = config.validate().unwrap_err().to_string();
            assert!(err.contains("org-"), "{err}");
        }
    }

    #[test]
    fn remembered_changes_are_replayed_over_the_seed() {
        let tmp = tempfile::tempdir().unwrap();
        let config = PracticeConfig {
            removals_file: Some(tmp.path().join("removed.txt")),
            ..PracticeConfig::generated(10, 2)
        };
        let (_, fresh) = build(&config, None);
        let plain = fresh
            .members
            .iter()
            .find(|m| !m.suspended && m.directory.is_some());
        let id = plain.unwrap().account_id.clone();
        let (log, _) = open_changes(&config).unwrap().unwrap();
        log.record(&OrgChange::Suspended.line(&id)).unwrap();
        log.record(&OrgChange::Removed.line("not-seeded")).unwrap();
        drop(log);
        let (setup, live) = build(&config, open_changes(&config).unwrap());
        assert!(live.get(&id).unwrap().suspended);
        assert_eq!(live.members.len(), fresh.members.len());
        assert!(setup.changes.is_some());
    }
}
