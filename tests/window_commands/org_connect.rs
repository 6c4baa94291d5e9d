//! Organization mode's Connect step: the organization's name and directories, a choice among
//! several, a wrong or scoped key said next to the key field, the key saved per org id (never
//! sent back), and one connection at a time.

use super::org_support::*;
use super::*;

#[test]
fn an_organization_connects_by_name_and_its_key_is_saved_and_forgotten_but_never_shown() {
    let w = Window::open_with(org_config(40, 1));
    let info = w.call("app_info", json!({})).unwrap();
    assert_eq!(info["orgApiDefault"], "https://api.atlassian.com");
    assert!(w
        .call_from("https://evil.example", "org_connect", json!({}))
        .is_err());

    let bad_id = w
        .call(
            "org_connect",
            json!({"api": w.site.url(), "org": "acme", "key": "k", "saveKey": false}),
        )
        .unwrap_err();
    assert_eq!(
        (bad_id["kind"].as_str(), bad_id["field"].as_str()),
        (Some("bad_org"), Some("org"))
    );

    let wrong = w.org_connect(Some("not-the-key"), true).unwrap_err();
    assert_eq!(
        (wrong["kind"].as_str(), wrong["field"].as_str()),
        (Some("credentials"), Some("org-key"))
    );
    assert!(!wrong.to_string().contains("not-the-key"), "{wrong}");
    assert!(w.store.is_empty(), "a refused key must not be saved");

    let key = w.config.org_api_key.clone();
    let ok = w.org_connect(Some(&key), true).unwrap();
    assert_eq!(ok["orgId"], w.config.org_id.as_str());
    assert_eq!(ok["orgName"], w.config.org_name.as_str());
    assert_eq!(ok["api"], w.site.url());
    let directories = ok["directories"].as_array().unwrap();
    assert_eq!(directories.len(), 1);
    assert_eq!(directories[0]["name"], "Practice Directory");
    assert_eq!(ok["directoryId"], directories[0]["id"]);
    assert_eq!(
        (ok["keyHasScopes"].as_bool(), ok["practice"].as_bool()),
        (Some(false), Some(false))
    );
    assert_eq!(ok["warning"], Value::Null);
    assert!(ok["words"].as_str().unwrap().contains(&w.config.org_name));
    assert_eq!(ok["keySaved"], true);
    assert!(w.store.has(&VaultKey::for_org(&w.config.org_id)).unwrap());

    let saved = w.call("saved_connections", json!({})).unwrap();
    let org = saved
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "org")
        .unwrap()
        .clone();
    assert_eq!(org["orgId"], w.config.org_id.as_str());
    assert_eq!(org["orgName"], w.config.org_name.as_str());
    assert_eq!(org["site"], w.site.url());
    assert_eq!(org["hasToken"], true);
    let pasted = format!("https://admin.atlassian.com/o/{}/users", w.config.org_id);
    assert_eq!(
        w.call("org_key_saved", json!({"org": pasted})).unwrap(),
        true
    );

    // No key from the page: the saved one.
    let again = w.org_connect(None, false).unwrap();
    assert_eq!(again["orgName"], w.config.org_name.as_str());
    for reply in [&ok, &saved, &again] {
        assert!(
            !reply.to_string().contains(&key),
            "the key reached the page: {reply}"
        );
    }

    w.call("forget_org", json!({"orgId": w.config.org_id}))
        .unwrap();
    assert!(w.store.is_empty());
    assert_eq!(
        w.call("org_key_saved", json!({"org": w.config.org_id}))
            .unwrap(),
        false
    );
    let saved = w.call("saved_connections", json!({})).unwrap();
    assert!(
        saved.as_array().unwrap().iter().all(|c| c["kind"] != "org"),
        "{saved}"
    );
    let none = w.org_connect(None, false).unwrap_err();
    assert_eq!(
        (none["kind"].as_str(), none["field"].as_str()),
        (Some("no_token"), Some("org-key"))
    );
}

#[test]
fn with_several_directories_the_admin_chooses_one_and_loads_only_its_users() {
    let w = Window::open_with(org_config(60, 3));
    let conn = w.org_connect_ok();
    let directories = conn["directories"].as_array().unwrap().clone();
    assert_eq!(directories.len(), 3);
    assert_eq!(conn["directoryId"], Value::Null);
    assert!(conn["words"].as_str().unwrap().contains("choose"), "{conn}");

    let unchosen = w.call("org_load_users", json!({})).unwrap_err();
    assert_eq!(
        (unchosen["kind"].as_str(), unchosen["field"].as_str()),
        (Some("directory"), Some("directory"))
    );
    let bogus = w
        .call(
            "org_choose_directory",
            json!({"directoryId": "no-such-directory"}),
        )
        .unwrap_err();
    assert_eq!(bogus["field"], "directory");

    let second = directories[1]["id"].as_str().unwrap().to_owned();
    let chosen = w
        .call("org_choose_directory", json!({"directoryId": second}))
        .unwrap();
    assert_eq!(chosen["directoryId"], second.as_str());
    let rows = w.org_load();
    assert!(!rows.is_empty(), "the second directory has people");
    // Members of this directory only (managed accounts without membership are listed too).
    for id in row_ids(rows.iter().filter(|r| r["noMembership"] == false)) {
        assert_eq!(
            w.site.org_directory_of(&id).as_deref(),
            Some(second.as_str()),
            "{id}"
        );
    }
    let others = w
        .site
        .org_users()
        .into_iter()
        .filter(|u| w.site.org_directory_of(&u.account_id).as_deref() != Some(second.as_str()));
    assert!(others.count() > 0, "the other directories have people too");
    let plan = w.org_plan("suspend", &row_ids(&rows), None).unwrap();
    assert_eq!(plan["directoryName"], directories[1]["name"]);
    assert_eq!(plan["orgName"], w.config.org_name.as_str());
}

#[test]
fn a_key_with_scopes_connects_with_its_words_but_no_plan_is_made_with_it() {
    let w = Window::open_with(PracticeConfig {
        scoped_org_key: Some("scoped-org-key".into()),
        ..org_config(30, 1)
    });
    let conn = w.org_connect(Some("scoped-org-key"), false).unwrap();
    assert_eq!(conn["keyHasScopes"], true);
    let warning = conn["warning"].as_str().unwrap();
    assert!(warning.contains("without scopes"), "{warning}");
    assert!(!conn.to_string().contains("scoped-org-key"));

    // Reading works; planning a change is refused next to the key field, and nothing is sent.
    let rows = w.org_load();
    let ids = row_ids(rows.iter().filter(|r| !guarded(r)));
    assert!(!ids.is_empty());
    let refused = w.org_plan("suspend", &ids, None).unwrap_err();
    assert_eq!(
        (refused["kind"].as_str(), refused["field"].as_str()),
        (Some("scoped_key"), Some("org-key"))
    );
    assert!(ids.iter().all(|id| w.site.org_writes_of(id) == 0));
    let action = w.org_plan("delete", &ids, None).unwrap_err();
    assert_eq!(action["field"], "action");
}

#[test]
fn one_connection_at_a_time_a_site_connection_ends_the_organization_and_back() {
    let w = Window::open_with(org_config(30, 1));
    w.org_connect_ok();
    let rows = w.org_load();
    let ids = row_ids(rows.iter().filter(|r| !guarded(r)));
    let plan = w.org_plan("suspend", &ids, None).unwrap();
    assert_eq!(plan["action"], "suspend");

    w.connect(&w.config.admin_token, false).unwrap();
    let import = w.import(MESSY);
    let site_plan = w.plan(&super::ids(&import)[..1], &[]).unwrap();
    assert_eq!(site_plan["action"], "site_remove");
    assert_eq!(site_plan["actionTitle"], "Remove from the site");
    assert_eq!(site_plan["orgName"], Value::Null);
    // The org plan was voided and the organization left: nothing org-side works now.
    let stale = w
        .start(&plan, plan["phrase"].as_str().unwrap())
        .unwrap_err();
    assert_eq!(stale["kind"], "stale_plan");
    let gone = w.call("org_load_users", json!({})).unwrap_err();
    assert_eq!(gone["kind"], "not_connected");
    assert!(
        gone["message"].as_str().unwrap().contains("organization"),
        "{gone}"
    );

    w.org_connect_ok();
    let site_plan = w.plan(&[CALLER.into()], &[]).unwrap_err();
    assert_eq!(site_plan["kind"], "not_connected");
    assert!(ids.iter().all(|id| w.site.org_writes_of(id) == 0));
}
