//! Practice mode offers the practice organization: the page is told its id, connects without
//! a key (the practice key stays in Rust), can reach no other organization or API, and keeps
//! nothing on the computer.

use super::org_support::*;
use super::*;
use offboard::app::state::PracticeMode;
use offboard::vault::ApiToken;

/// A practice-mode window whose practice site is started from `config`.
fn practice_window(config: &PracticeConfig) -> Window {
    let site = tauri::async_runtime::block_on(PracticeSite::start(config.clone())).unwrap();
    let data = tempfile::tempdir().unwrap();
    let mode = PracticeMode {
        site: site.clone(),
        email: config.admin_email.clone(),
        token: ApiToken::new(config.admin_token.clone()),
        sample_export: fixture(MESSY),
    };
    let store = Arc::new(MemoryStore::new());
    let state = AppState::new(data.path(), store.clone(), Some(mode));
    let app = build_app(mock_builder(), state)
        .build(tauri::generate_context!())
        .unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Window {
        webview,
        site,
        config: config.clone(),
        store,
        data,
        _app: app,
    }
}

#[test]
fn practice_mode_offers_the_practice_organization_without_its_key_reaching_the_page() {
    let w = practice_window(&org_config(40, 1));
    let key = w.site.org_api_key();
    let info = w.call("app_info", json!({})).unwrap();
    assert_eq!(info["practice"]["orgId"], w.site.org_id().as_str());
    assert_eq!(info["practice"]["orgApi"], w.site.url());
    assert_eq!(info["orgApiDefault"], "https://api.atlassian.com");

    // No API address and no key: the practice organization, with the key kept in Rust.
    let conn = w
        .call(
            "org_connect",
            json!({"api": null, "org": w.site.org_id(), "key": null, "saveKey": true}),
        )
        .unwrap();
    assert_eq!(conn["practice"], true);
    assert_eq!(conn["orgName"], w.config.org_name.as_str());
    assert_eq!(conn["api"], w.site.url());
    assert_eq!(conn["keySaved"], false);
    assert!(conn["warning"]
        .as_str()
        .unwrap()
        .contains("Practice mode keeps nothing"));
    let rows = w.org_load();
    let ids = row_ids(rows.iter().filter(|r| !guarded(r)).take(2));
    let plan = w.org_plan("suspend", &ids, None).unwrap();
    w.start_own(&plan);
    let runs = w.wait_idle();
    assert_eq!(runs[0]["practice"], true);
    assert_eq!(runs[0]["undo"], "restore");
    assert!(ids.iter().all(|id| membership(&w, id) == "suspended"));

    // Nothing is kept, and nothing else can be reached.
    assert!(w.store.is_empty());
    let saved = w.call("saved_connections", json!({})).unwrap();
    assert_eq!(saved, json!([]));
    let has = w
        .call("org_key_saved", json!({"org": w.site.org_id()}))
        .unwrap();
    assert_eq!(has, false);
    let other_org = w
        .call(
            "org_connect",
            json!({"api": null, "org": "11111111-2222-4333-8444-555555555555",
                   "key": "k", "saveKey": false}),
        )
        .unwrap_err();
    assert_eq!(
        (other_org["kind"].as_str(), other_org["field"].as_str()),
        (Some("practice_only"), Some("org"))
    );
    let real_api = w
        .call(
            "org_connect",
            json!({"api": "https://api.atlassian.com", "org": w.site.org_id(),
                   "key": null, "saveKey": false}),
        )
        .unwrap_err();
    assert_eq!(
        (real_api["kind"].as_str(), real_api["field"].as_str()),
        (Some("practice_only"), Some("api"))
    );
    w.call("forget_org", json!({"orgId": w.site.org_id()}))
        .unwrap();

    let listed = w.call("list_runs", json!({})).unwrap();
    for reply in [&info, &conn, &plan, &listed, &saved] {
        assert!(
            !reply.to_string().contains(&key),
            "the practice key reached the page: {reply}"
        );
    }
}
