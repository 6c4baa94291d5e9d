//! The guards as a page that does not play along would meet them: plans and phrases checked in
//! Rust, live site admins protected, practice mode sandboxed, every removal verified.

use super::*;
use offboard::app::state::PracticeMode;
use offboard::sweep::{Run, RESULTS_FILE};
use offboard::vault::ApiToken;

/// Ids of users a run may remove (not the caller, not app or customer accounts).
fn people(w: &Window, import: &Value) -> Vec<String> {
    ids(import)
        .into_iter()
        .filter(|id| *id != CALLER)
        .filter(|id| {
            w.config
                .users
                .iter()
                .any(|u| u.account_id == *id && u.account_type == "atlassian")
        })
        .collect()
}

fn no_deletes(site: &PracticeSite) -> bool {
    site.record().iter().all(|r| r.method != "DELETE")
}

#[test]
fn a_phrase_typed_for_one_site_never_starts_a_run_on_another() {
    let w = Window::open(MESSY);
    w.connect(&w.config.admin_token, false).unwrap();
    let import = w.import(MESSY);
    let sel = people(&w, &import);
    let plan = w.plan(&sel, &[]).unwrap();
    let phrase = plan["phrase"].as_str().unwrap().to_owned();
    assert_eq!(phrase, format!("remove {}", plan["toRemove"]));

    // A second site holding the same people, with the same login.
    let second = tauri::async_runtime::block_on(PracticeSite::start(w.config.clone())).unwrap();
    w.call(
        "connect",
        json!({"site": second.url(), "email": w.config.admin_email,
               "token": w.config.admin_token, "remember": false}),
    )
    .unwrap();
    let err = w.start(&plan, &phrase).unwrap_err();
    assert_eq!(
        (err["kind"].as_str(), err["field"].as_str()),
        (Some("stale_plan"), Some("confirm"))
    );
    let dry = w
        .call("preflight", json!({"planId": plan["planId"]}))
        .unwrap_err();
    assert_eq!(dry["kind"], "stale_plan");
    assert!(
        no_deletes(&w.site) && no_deletes(&second),
        "nothing was removed anywhere"
    );

    // Planned again on the second site, it runs there and only there.
    let plan = w.plan(&sel, &[]).unwrap();
    w.start(&plan, plan["phrase"].as_str().unwrap()).unwrap();
    w.wait_idle();
    assert!(no_deletes(&w.site), "the first site was never touched");
    assert_eq!(
        second
            .record()
            .iter()
            .filter(|r| r.method == "DELETE")
            .count() as u64,
        plan["toRemove"].as_u64().unwrap(),
        "one DELETE per row the phrase counted (the file's admins are protected)"
    );
}

#[test]
fn start_run_refuses_a_wrong_phrase_and_every_voided_plan() {
    let w = Window::open(MESSY);
    w.connect(&w.config.admin_token, false).unwrap();
    let import = w.import(MESSY);
    let sel = people(&w, &import);
    let plan = w.plan(&sel, &[]).unwrap();
    let phrase = plan["phrase"].as_str().unwrap().to_owned();
    for wrong in ["", "remove", "remove 1", "REMOVE 99", &format!("{phrase}0")] {
        let err = w.start(&plan, wrong).unwrap_err();
        assert_eq!(err["kind"], "phrase", "{wrong:?}");
        assert!(err["message"].as_str().unwrap().contains(&phrase));
    }
    // A plan made up by the page is not a plan.
    let forged = json!({"planId": "0000", "phrase": phrase});
    assert_eq!(w.start(&forged, &phrase).unwrap_err()["kind"], "stale_plan");
    // A newer plan (the selection changed) voids the older one.
    let fewer = w.plan(&sel[1..], &[]).unwrap();
    assert_eq!(w.start(&plan, &phrase).unwrap_err()["kind"], "stale_plan");
    // So does opening a file again, and any connection attempt, even a failed one.
    w.import(MESSY);
    let fewer_phrase = fewer["phrase"].as_str().unwrap();
    assert_eq!(
        w.start(&fewer, fewer_phrase).unwrap_err()["kind"],
        "stale_plan"
    );
    let again = w.plan(&sel, &[]).unwrap();
    w.connect("wrong-token", false).unwrap_err();
    let after_failed = w.start(&again, &phrase).unwrap_err();
    assert_eq!(after_failed["kind"], "stale_plan");
    assert_eq!(w.plan(&sel, &[]).unwrap_err()["kind"], "not_connected");
    assert!(no_deletes(&w.site));

    // The right phrase on the current plan starts once; the phrase is spent.
    w.connect(&w.config.admin_token, false).unwrap();
    let plan = w.plan(&sel, &[]).unwrap();
    w.start(&plan, &format!("  {phrase} ")).unwrap();
    w.wait_idle();
    assert_eq!(w.start(&plan, &phrase).unwrap_err()["kind"], "stale_plan");
}

#[test]
fn a_rehearsal_needs_its_own_phrase_and_a_person_offboard_does_not_protect() {
    let w = Window::open(MESSY);
    w.connect(&w.config.admin_token, false).unwrap();
    let import = w.import(MESSY);
    let sel = people(&w, &import);
    let plan = w
        .call(
            "prepare_rehearsal",
            json!({"accountId": sel[0], "unlocked": false}),
        )
        .unwrap();
    assert_eq!(
        (plan["toRemove"].as_u64(), plan["rehearsal"].as_bool()),
        (Some(1), Some(true))
    );
    // The run's phrase, or nothing, does not confirm a rehearsal.
    for wrong in ["", "remove 2", "yes"] {
        let err = w
            .call(
                "rehearse",
                json!({"planId": plan["planId"], "phrase": wrong, "onEvent": channel()}),
            )
            .unwrap_err();
        assert_eq!(
            (err["kind"].as_str(), err["field"].as_str()),
            (Some("phrase"), Some("rehearse"))
        );
    }
    // A run plan is not a rehearsal plan.
    let run_plan = w.plan(&sel, &[]).unwrap();
    let err = w
        .call(
            "rehearse",
            json!({"planId": run_plan["planId"], "phrase": "remove 1", "onEvent": channel()}),
        )
        .unwrap_err();
    assert_eq!(err["kind"], "stale_plan");
    let me = w
        .call(
            "prepare_rehearsal",
            json!({"accountId": CALLER, "unlocked": true}),
        )
        .unwrap_err();
    assert_eq!(
        (me["kind"].as_str(), me["field"].as_str()),
        (Some("protected"), Some("rehearse"))
    );
    assert!(no_deletes(&w.site));
}

#[test]
fn an_export_without_admin_information_warns_and_live_site_admins_stay_protected() {
    let mut config = PracticeConfig::from_csv(&fixture("export-managed-accounts.csv")).unwrap();
    let live_admin = "712020:0b6f3c51-9d0e-4d57-a3f1-1f6f0b9e2a10".to_owned();
    config.site_admins = vec![live_admin.clone()];
    let w = Window::open_with(config);
    let conn = w.connect(&w.config.admin_token, false).unwrap();
    assert_eq!(conn["siteAdmins"]["checked"], true);
    let live: Vec<&str> = conn["siteAdmins"]["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(live.contains(&live_admin.as_str()) && live.contains(&CALLER));

    let import = w.import("export-managed-accounts.csv");
    let summary = &import["summary"];
    assert_eq!(summary["protection"]["hasAdminInfo"], false);
    assert!(summary["adminWarning"]
        .as_str()
        .is_some_and(|w| !w.is_empty()));
    assert_eq!(
        import["users"]["lastSeen"],
        json!(["2025-03-02", "2023-11-19", "never"])
    );

    let all = ids(&import);
    let plan = w.plan(&all, &[]).unwrap();
    let protected = plan["protected"].as_array().unwrap();
    assert_eq!(protected.len(), 1, "{plan}");
    assert_eq!(protected[0]["accountId"], live_admin.as_str());
    assert!(plan["protectionWords"]
        .as_str()
        .unwrap()
        .contains("live check"));
    w.start(&plan, plan["phrase"].as_str().unwrap()).unwrap();
    w.wait_idle();
    assert_eq!(
        w.site.deletes_of(&live_admin),
        0,
        "the live site admin was sent a DELETE"
    );
    assert!(w.site.exists(&live_admin));
    for id in all.iter().filter(|id| **id != live_admin) {
        assert_eq!(w.site.deletes_of(id), 1, "{id}");
    }
}

#[test]
fn every_reported_removal_is_verified_and_a_survivor_is_reported() {
    let mut config = PracticeConfig::from_csv(&fixture(MESSY)).unwrap();
    let import_ids: Vec<String> = config
        .users
        .iter()
        .filter(|u| u.account_type == "atlassian" && u.account_id != CALLER)
        .map(|u| u.account_id.clone())
        .collect();
    let survivor = import_ids[0].clone();
    config.keep_after_delete = vec![survivor.clone()];
    let w = Window::open_with(config);
    w.connect(&w.config.admin_token, false).unwrap();
    let import = w.import(MESSY);
    let sel = people(&w, &import);
    let plan = w.plan(&sel, &[]).unwrap();
    let started = w.start(&plan, plan["phrase"].as_str().unwrap()).unwrap();
    w.wait_idle();
    let run_id = started["runId"].as_str().unwrap();
    let dir = Run::locate(&w.data.path().join("runs"), run_id).unwrap();
    let mut reader = csv::Reader::from_path(dir.join(RESULTS_FILE)).unwrap();
    let mut verified = std::collections::HashMap::new();
    for rec in reader.records() {
        let rec = rec.unwrap();
        verified.insert(rec[0].to_owned(), (rec[3].to_owned(), rec[7].to_owned()));
    }
    assert_eq!(
        verified[&survivor],
        ("removed".into(), "no: still on the site".into())
    );
    for id in sel.iter().filter(|id| **id != survivor) {
        let (outcome, v) = &verified[id];
        if outcome == "removed" || outcome == "already_gone" {
            assert_eq!(v, "yes", "{id}");
        }
    }
    // The second look is GET user/bulk only: no extra DELETE.
    assert_eq!(w.site.deletes_of(&survivor), 1);
}

#[test]
fn practice_mode_connects_to_the_practice_site_only_and_keeps_nothing() {
    let config = PracticeConfig::from_csv(&fixture(MESSY)).unwrap();
    let site = tauri::async_runtime::block_on(PracticeSite::start(config.clone())).unwrap();
    let real = tauri::async_runtime::block_on(PracticeSite::start(config.clone())).unwrap();
    let data = tempfile::tempdir().unwrap();
    // The store handed in stands for the OS keychain: practice mode must never use it.
    let keychain = Arc::new(MemoryStore::new());
    let elsewhere = VaultKey::new(&real.url(), &config.admin_email);
    keychain
        .save(&elsewhere, &ApiToken::new(config.admin_token.clone()))
        .unwrap();
    let practice_key = VaultKey::new(&site.url(), &config.admin_email);
    keychain
        .save(&practice_key, &ApiToken::new("from-the-real-keychain"))
        .unwrap();
    let mode = PracticeMode {
        email: config.admin_email.clone(),
        token: ApiToken::new(config.admin_token.clone()),
        sample_export: fixture(MESSY),
        site,
    };
    let practice_url = mode.site.url();
    let state = AppState::new(data.path(), keychain.clone(), Some(mode));
    use tauri::async_runtime::block_on as block;

    let err = block(state.connect(&real.url(), &config.admin_email, None, true)).unwrap_err();
    assert_eq!((err.kind, err.field), ("practice_only", Some("site")));
    let err =
        block(state.connect("acme", &config.admin_email, Some("t".into()), true)).unwrap_err();
    assert_eq!(err.kind, "practice_only");
    assert!(
        no_deletes(&real) && real.record().is_empty(),
        "the other site was never called"
    );

    assert!(!block(state.token_saved(&practice_url, &config.admin_email)).unwrap());
    assert!(block(state.saved_connections()).is_empty());
    let conn = block(state.connect(&practice_url, &config.admin_email, None, true)).unwrap();
    let json = serde_json::to_value(&conn).unwrap();
    assert_eq!(json["practice"], true);
    assert!(json["warning"]
        .as_str()
        .unwrap()
        .contains("Practice mode keeps nothing"));
    block(state.forget_connection(&practice_url, &config.admin_email)).unwrap();

    // The "keychain" holds exactly what it held before, and no connection was remembered.
    assert_eq!(keychain.len(), 2);
    assert_eq!(
        keychain.load(&practice_key).unwrap().unwrap().expose(),
        "from-the-real-keychain"
    );
    assert!(!data.path().join("connections.json").exists());
}
