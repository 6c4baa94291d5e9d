//! Organization mode in the window: connecting to the practice organization, loading its
//! people, reading the table's rows, and asking the practice organization itself (over HTTP,
//! as Atlassian's admin API is asked) what state an account is in.

use crate::page::{first_number, TICK, UI};
use crate::{poll, App};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use std::time::Duration;

/// The practice organization's API key (`practice::config::DEFAULT_ORG_API_KEY`): a made-up
/// value that opens only the practice site on this computer.
pub const PRACTICE_ORG_KEY: &str = "practice-org-key";

/// Where the practice organization answers, from `app_info`: (API address, org id).
pub async fn practice_org(app: &App) -> (String, String) {
    let info = app.invoke("app_info", json!({})).await.expect("app_info");
    let p = &info["practice"];
    let api = p["orgApi"]
        .as_str()
        .or(p["site"].as_str())
        .expect("practice.orgApi");
    let org = p["orgId"].as_str().expect("practice.orgId");
    (api.trim_end_matches('/').to_owned(), org.to_owned())
}

/// GETs `url` with a Bearer key; `(status, body)`; bounded to 10 s.
pub async fn get_bearer(url: &str, key: &str) -> Result<(u16, String), String> {
    let client: Client<HttpConnector, Empty<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let req = http::Request::get(url)
        .header("authorization", format!("Bearer {key}"))
        .header("accept", "application/json")
        .body(Empty::new())
        .map_err(|e| format!("GET {url}: {e}"))?;
    let fetch = async {
        let resp = client.request(req).await.map_err(|e| e.to_string())?;
        let status = resp.status().as_u16();
        let body = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    };
    tokio::time::timeout(Duration::from_secs(10), fetch)
        .await
        .map_err(|_| format!("GET {url}: no answer within 10 s"))?
}

/// The account's `status` in the practice organization's directories (`active`, `suspended`),
/// or `None` when no directory holds it any more (removed). Retries a 429 a few times.
pub async fn org_status(api: &str, org: &str, account_id: &str) -> Option<String> {
    let url = format!("{api}/admin/v2/orgs/{org}/directories/-/users/{account_id}");
    for _ in 0..20 {
        match get_bearer(&url, PRACTICE_ORG_KEY).await {
            Ok((200, body)) => {
                let v: Value = serde_json::from_str(&body).expect("the user is JSON");
                let data = if v["data"].is_object() {
                    &v["data"]
                } else {
                    &v
                };
                return Some(data["status"].as_str().unwrap_or_default().to_owned());
            }
            Ok((404, _)) => return None,
            Ok((429, _)) => tokio::time::sleep(Duration::from_millis(500)).await,
            other => panic!("GET {url}: {other:?}"),
        }
    }
    panic!("GET {url}: still rate limited after 20 tries");
}

/// A rendered row of `#user-table`, as organization mode marks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgRow {
    pub id: String,
    /// `data-locked`: `never` (organization admin), `admin`, or none.
    pub locked: Option<String>,
    /// `data-skip`: `synced`, `no_membership`, or none.
    pub skip: Option<String>,
    pub checked: bool,
    pub disabled: bool,
    /// A visible Unlock button.
    pub has_unlock: bool,
    /// The admin roles cell.
    pub roles: String,
}

/// The rows of `#user-table` rendered inside its box now.
pub async fn rows(app: &App) -> Vec<OrgRow> {
    let v = app
        .js(
            "const box = document.querySelector('#user-table').getBoundingClientRect();
             const vis = el => !!el && !el.hidden && el.getClientRects().length > 0;
             return Array.from(document.querySelectorAll('#user-table .vt-body [role=row][data-id]'))
               .filter(r => { const b = r.getBoundingClientRect();
                              return !r.hidden && b.height > 0 && b.top >= box.top && b.bottom <= box.bottom + 1; })
               .map(r => { const c = r.querySelector('input[type=checkbox]');
                 return { id: r.getAttribute('data-id'), locked: r.getAttribute('data-locked'),
                          skip: r.getAttribute('data-skip'), checked: !!(c && c.checked), disabled: !!(c && c.disabled),
                          unlock: vis(r.querySelector('button.unlock')),
                          roles: (r.querySelector('.c-role .role') || {}).textContent || '' }; });",
            vec![],
        )
        .await;
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| OrgRow {
            id: r["id"].as_str().unwrap().to_owned(),
            locked: r["locked"].as_str().map(str::to_owned),
            skip: r["skip"].as_str().map(str::to_owned),
            checked: r["checked"].as_bool().unwrap(),
            disabled: r["disabled"].as_bool().unwrap(),
            has_unlock: r["unlock"].as_bool().unwrap(),
            roles: r["roles"].as_str().unwrap_or_default().to_owned(),
        })
        .collect()
}

/// Chooses Organization at Connect, checks the organization in `#org-id` (the practice one is
/// filled in) and waits for "Connected to …"; returns that line.
pub async fn connect_org(app: &App) -> String {
    app.wait_step("connect").await;
    app.click("#mode-org").await;
    app.wait_visible("#org-form").await;
    app.click("#org-check").await;
    let line = poll("#org-connected to say Connected to", UI, TICK, || async {
        let t = app.text("#org-connected").await;
        (app.visible("#org-connected").await && t.contains("Connected to")).then_some(t)
    })
    .await;
    poll("#connect-next to open", UI, TICK, || async {
        app.enabled("#connect-next").await.then_some(())
    })
    .await;
    line
}

/// Clicks "Load users from the organization", waits for the summary and returns the people
/// loaded; then the pages the `org-load` events counted once they count every one of them.
pub async fn load_users(app: &App) -> (usize, usize) {
    app.click("#org-load").await;
    let summary = poll(
        "#org-summary to say who was loaded",
        Duration::from_secs(60),
        TICK,
        || async {
            let t = app.text("#org-summary").await;
            (app.visible("#org-summary").await && t.contains("loaded from")).then_some(t)
        },
    )
    .await;
    let loaded = first_number(&summary).expect("#org-summary counts the people");
    let n = |v: Option<String>| v.and_then(|s| first_number(&s)).unwrap_or(0);
    let pages = poll(
        "the org-load events to count everyone",
        UI,
        TICK,
        || async {
            let counted = n(app.attr("#org-load-count", "data-loaded").await);
            (counted == loaded).then_some(n(app.attr("#org-load-count", "data-pages").await))
        },
    )
    .await;
    (loaded, pages)
}

/// Types `phrase` in `#confirm-text` (after checking a wrong one keeps `#start-run` disabled),
/// starts the run and waits for it to finish.
pub async fn confirm_and_run(app: &App, phrase: &str, wrong: &str, limit: Duration) {
    poll(
        &format!("#confirm-hint to read {phrase:?}"),
        UI,
        TICK,
        || async { (app.text("#confirm-hint").await == phrase).then_some(()) },
    )
    .await;
    app.fill("#confirm-text", wrong).await;
    assert!(
        !app.enabled("#start-run").await,
        "#start-run is enabled for {wrong:?}"
    );
    app.fill("#confirm-text", phrase).await;
    app.click("#start-run").await;
    app.wait_step("run").await;
    crate::flows::wait_state(app, "finished", limit).await;
}

/// A number shown in `css` (e.g. `#count-removed`).
pub async fn number(app: &App, css: &str) -> usize {
    let t = app.text(css).await;
    first_number(&t).unwrap_or_else(|| panic!("{css} shows no number: {t:?}"))
}

/// The `data-*` number of `css` once it is set.
pub async fn data_number(app: &App, css: &str, name: &str) -> usize {
    let v = app.wait_attr(css, name, UI).await;
    v.parse()
        .unwrap_or_else(|_| panic!("{css}[{name}] = {v:?}"))
}

/// The account ids of the rendered run-table rows with this outcome.
pub async fn run_rows(app: &App, outcome: &str) -> Vec<String> {
    let v = app
        .js(
            "return Array.from(document.querySelectorAll('#run-table [role=row][data-id]'))
               .filter(r => !r.hidden && r.getAttribute('data-outcome') === arguments[0])
               .map(r => r.getAttribute('data-id'));",
            vec![json!(outcome)],
        )
        .await;
    serde_json::from_value(v).unwrap()
}
