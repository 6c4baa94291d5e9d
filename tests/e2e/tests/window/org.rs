//! Organization mode in the window (issue 13), in practice mode against the practice
//! organization: connect, load the directory page by page, filter on last activity in Jira,
//! suspend a selection (admins locked, synced people skipped), restore it from the history,
//! then remove a selection from the directory. What the page says is checked against what the
//! practice organization answers over its admin API. The Connect step's keys and directories
//! are in `org_keys.rs`.

use offboard_e2e::flows::wait_state;
use offboard_e2e::org::{
    self, confirm_and_run, connect_org, data_number, load_users, number, org_status, rows, run_rows,
};
use offboard_e2e::page::{TICK, UI};
use offboard_e2e::{poll, run, App, Options};
use serde_json::{json, Value};
use std::time::Duration;

/// Bound on one organization run in practice mode (a few dozen people at the org pace).
const RUN_LIMIT: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organization_is_suspended_restored_from_the_history_and_removed_from() {
    let options = Options {
        app_args: vec!["--practice".into()],
        limit: Duration::from_secs(420),
        ..Options::default()
    };
    run(options, |app| async move { org_flow(&app).await }).await;
}

/// Waits for the verification line after a run and returns it.
async fn verified(app: &App, words: &str) -> String {
    poll(
        &format!("#run-verified to say {words:?}"),
        UI,
        TICK,
        || async {
            let t = app.text("#run-verified").await;
            (app.visible("#run-verified").await && t.contains(words)).then_some(t)
        },
    )
    .await
}

async fn org_flow(app: &App) {
    let (api, org_id) = org::practice_org(app).await;

    // 1. Connect: Organization, the practice organization filled in, its name and directory.
    assert!(!app.visible("#org-form").await, "site mode first");
    app.click("#mode-org").await;
    poll("#org-id to hold the practice org id", UI, TICK, || async {
        let v = app.el("#org-id").await.prop("value").await.ok()??;
        (v == org_id).then_some(())
    })
    .await;
    assert!(
        !app.visible("#connect-form").await,
        "the site form is hidden in organization mode"
    );
    let key = app
        .el("#org-key")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(key.is_empty(), "the key field is never filled");
    let line = connect_org(app).await;
    assert!(
        line.contains("Practice Organization"),
        "#org-connected: {line:?}"
    );
    assert!(
        line.contains("Practice Directory"),
        "#org-connected names the directory: {line:?}"
    );
    app.click("#connect-next").await;
    app.wait_step("choose").await;

    // 2. An export dropped on the window is matched to the directory: its people who are not
    // in it (the practice export's app and customer accounts) are listed, not loaded.
    assert!(app.visible("#org-load").await && !app.visible("#open-export").await);
    let info = app.invoke("app_info", json!({})).await.unwrap();
    let export = info["practice"]["sampleExport"]
        .as_str()
        .unwrap()
        .to_owned();
    app.js(
        "window.__TAURI__.event.emit('tauri://drag-drop', { paths: [arguments[0]], position: { x: 20, y: 20 } });",
        vec![json!(export)],
    )
    .await;
    let matched = poll(
        "#org-summary to say what the export matched",
        UI,
        TICK,
        || async {
            let t = app.text("#org-summary").await;
            (app.visible("#org-summary").await
                && t.contains("of the export found in Practice Directory"))
            .then_some(t)
        },
    )
    .await;
    app.wait_visible("#org-missing-box").await;
    let missing = app
        .js(
            "return document.querySelectorAll('#org-missing li').length;",
            vec![],
        )
        .await;
    assert!(
        missing.as_u64().unwrap() > 0,
        "{matched:?}: nobody listed as not in the directory"
    );
    assert!(
        matched.contains(&format!("{missing} not in it")),
        "{matched:?}"
    );
    let (_, from_export) = app.selected_count().await;
    assert!(from_export > 0, "{matched:?}");

    // 3. Load the directory instead: several pages, every person in the table.
    let (loaded, pages) = load_users(app).await;
    assert!(pages >= 3, "the load read {pages} pages");
    let (none, everyone) = app.selected_count().await;
    assert_eq!(
        (none, everyone),
        (0, loaded),
        "#selected-count after the load"
    );
    assert!(app
        .text("#org-summary")
        .await
        .contains(&format!("{loaded} people loaded")));

    // Admins: organization admins are never tickable; other admins unlock row by row.
    app.choose("#org-filter-admins", "yes").await;
    let admins = poll("the admins to be listed", UI, TICK, || async {
        let r = rows(app).await;
        (!r.is_empty() && r.iter().all(|x| x.locked.is_some())).then_some(r)
    })
    .await;
    let never: Vec<_> = admins
        .iter()
        .filter(|r| r.locked.as_deref() == Some("never"))
        .collect();
    assert!(
        !never.is_empty(),
        "an organization admin (you) is listed: {admins:?}"
    );
    assert!(never
        .iter()
        .all(|r| r.disabled && !r.has_unlock && r.roles.contains("Organization admin")));
    assert!(admins
        .iter()
        .filter(|r| r.locked.as_deref() == Some("admin"))
        .all(|r| r.disabled && r.has_unlock));
    app.choose("#org-filter-admins", "").await;

    // 4. Last active in Jira before a day (never active counts): fewer people, then all ticked.
    // Active people only: the already suspended are for Restore.
    app.choose("#org-filter-status", "Active").await;
    let (_, active) = poll(
        "the status filter to narrow the table",
        UI,
        TICK,
        || async {
            let c = app.selected_count().await;
            (c.1 < loaded).then_some(c)
        },
    )
    .await;
    app.fill("#org-filter-jira", "2025-08-01").await;
    let (_, shown) = poll("the Jira filter to narrow the table", UI, TICK, || async {
        let c = app.selected_count().await;
        (c.1 < active).then_some(c)
    })
    .await;
    assert!(
        shown > 0,
        "someone was last active in Jira before August 2025"
    );
    app.click("#select-all").await;
    let (picked, _) = poll("select all to tick the rows shown", UI, TICK, || async {
        let c = app.selected_count().await;
        (c.0 > 0).then_some(c)
    })
    .await;
    // The synced people among them are ticked: the core, not the page, skips them.
    app.choose("#org-filter-synced", "yes").await;
    let synced = poll("the synced filter to apply", UI, TICK, || async {
        let r = rows(app).await;
        (r.iter().all(|x| x.skip.as_deref() == Some("synced"))).then_some(r)
    })
    .await;
    let (synced_picked, _) = app.selected_count().await;
    assert!(
        synced_picked > 0 && synced.iter().all(|r| r.checked),
        "synced people are ticked: {synced:?}"
    );
    app.choose("#org-filter-synced", "").await;
    app.wait_selected(picked, shown).await;

    // 5. Review: Suspend preselected, the synced skipped with the core's words, the dry run.
    app.click("#choose-next").await;
    app.wait_step("review").await;
    assert_eq!(
        app.el("#org-action input[value=suspend]")
            .await
            .prop("checked")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    let explain = app
        .text("#org-action label[data-action=suspend] .explain")
        .await;
    assert!(
        explain.contains("To undo, restore their access"),
        "{explain:?}"
    );
    // The core decides who is skipped: the synced people, and accounts without membership in
    // the directory (never active, so the Jira filter kept them); nobody is locked or never
    // touched, since no admin was ticked.
    app.wait_visible("#org-protected-box").await;
    let skipped_n = data_number(app, "#org-protected-box", "data-skipped").await;
    assert!(
        skipped_n >= synced_picked,
        "{skipped_n} skipped, {synced_picked} synced ticked"
    );
    assert_eq!(
        data_number(app, "#org-protected-box", "data-never").await,
        0
    );
    assert_eq!(
        data_number(app, "#org-protected-box", "data-locked").await,
        0
    );
    let skipped = app.text("#org-protected").await;
    assert!(
        skipped.contains("identity provider"),
        "#org-protected: {skipped:?}"
    );
    let to_suspend = picked - skipped_n;
    let phrase = format!("suspend {to_suspend}");
    poll("the plan's phrase", UI, TICK, || async {
        (app.text("#confirm-hint").await == phrase).then_some(())
    })
    .await;
    app.click("#dry-run").await;
    assert_eq!(
        data_number(app, "#dry-run-result", "data-would-act").await,
        to_suspend
    );
    assert_eq!(
        data_number(app, "#dry-run-result", "data-protected").await,
        skipped_n
    );
    assert!(app
        .text("#dry-run-result")
        .await
        .contains("would be suspended"));
    assert_eq!(
        app.text("#start-run").await,
        format!("Suspend {to_suspend} people")
    );

    // 6. Run: the counts say suspended, the synced skipped, and the directory agrees.
    confirm_and_run(app, &phrase, &format!("remove {to_suspend}"), RUN_LIMIT).await;
    assert_eq!(app.text("#count-removed-label").await, "Suspended");
    assert_eq!(number(app, "#count-removed").await, to_suspend);
    assert_eq!(number(app, "#count-skipped").await, skipped_n);
    assert_eq!(number(app, "#count-failed").await, 0);
    verified(app, &format!("Verified suspended: {to_suspend}")).await;
    let suspended = run_rows(app, "removed").await;
    assert!(!suspended.is_empty());
    assert!(
        app.text(&format!(
            "#run-table [data-id=\"{}\"] .c-outcome",
            suspended[0]
        ))
        .await
            == "Suspended"
    );
    for id in suspended.iter().take(3) {
        assert_eq!(
            org_status(&api, &org_id, id).await.as_deref(),
            Some("suspended"),
            "{id} in the directory"
        );
    }
    for id in run_rows(app, "skipped").await.iter().take(2) {
        assert_eq!(
            org_status(&api, &org_id, id).await.as_deref(),
            Some("active"),
            "skipped {id} untouched"
        );
    }

    // 7. History: the run names its action and organization, and offers the restore.
    let history: Vec<Value> =
        serde_json::from_value(app.invoke("list_runs", json!({})).await.unwrap()).unwrap();
    let run_id = history[0]["runId"].as_str().unwrap().to_owned();
    assert_eq!(history[0]["action"], "suspend");
    if app.attr("#history-box", "open").await.is_none() {
        app.click("#history-box summary").await;
    }
    let li = format!("#run-history li[data-run-id=\"{run_id}\"]");
    let words = app.text(&format!("{li} .who")).await;
    assert!(
        words.contains("Suspend access") && words.contains("Practice Organization"),
        "{words:?}"
    );
    app.click(&format!("{li} button.restore-run")).await;
    app.wait_step("review").await;
    app.wait_visible("#org-from-run").await;
    assert_eq!(
        app.el("#org-action input[value=restore]")
            .await
            .prop("checked")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    confirm_and_run(
        app,
        &format!("restore {to_suspend}"),
        &format!("suspend {to_suspend}"),
        RUN_LIMIT,
    )
    .await;
    assert_eq!(app.text("#count-removed-label").await, "Restored");
    assert_eq!(number(app, "#count-removed").await, to_suspend);
    verified(app, &format!("Verified active again: {to_suspend}")).await;
    for id in suspended.iter().take(3) {
        assert_eq!(
            org_status(&api, &org_id, id).await.as_deref(),
            Some("active"),
            "{id} restored"
        );
    }

    // 8. Remove two people from the directory: the table's first two plain rows.
    app.click("nav#steps button[data-step=choose]").await;
    app.wait_step("choose").await;
    app.click("#clear-filters").await;
    app.click("#select-none").await;
    let two: Vec<String> = poll("two plain rows", UI, TICK, || async {
        let r = rows(app).await;
        let plain: Vec<String> = r
            .iter()
            .filter(|x| x.locked.is_none() && x.skip.is_none())
            .take(2)
            .map(|x| x.id.clone())
            .collect();
        (plain.len() == 2).then_some(plain)
    })
    .await;
    for id in &two {
        app.click(&format!(
            "#user-table [role=row][data-id=\"{id}\"] input[type=checkbox]"
        ))
        .await;
    }
    app.wait_selected(2, loaded).await;
    app.click("#choose-next").await;
    app.wait_step("review").await;
    assert!(
        !app.visible("#org-from-run").await,
        "the restore of a run is used up"
    );
    app.click("#org-action input[value=remove]").await;
    confirm_and_run(app, "remove 2", "suspend 2", RUN_LIMIT).await;
    assert_eq!(
        app.text("#count-removed-label").await,
        "Removed from the directory"
    );
    assert_eq!(number(app, "#count-removed").await, 2);
    wait_state(app, "finished", UI).await;
    verified(app, "Verified gone: 2").await;
    for id in &two {
        assert_eq!(
            org_status(&api, &org_id, id).await,
            None,
            "{id} is in no directory"
        );
    }
}

#[path = "org_keys.rs"]
mod keys;
