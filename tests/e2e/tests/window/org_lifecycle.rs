//! Managed accounts in the window (issue 14), in practice mode against the practice
//! organization: four managed accounts deactivated (a synced and an unmanaged one ticked too:
//! the core skips them, and the dry run says so), then reactivated from the history's undo; one
//! deleted, then "Cancel the deletions" from the history, whose button shows the last day. What
//! the page says is checked against what the practice organization answers over its admin API.

use offboard_e2e::org::{
    self, confirm_and_run, connect_org, data_number, load_users, number, org_status, rows, run_rows,
};
use offboard_e2e::page::{first_number, TICK, UI};
use offboard_e2e::{poll, run, App, Options};
use serde_json::{json, Value};
use std::time::Duration;

/// Bound on one run of a few accounts at the organization pace.
const RUN_LIMIT: Duration = Duration::from_secs(90);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_are_deactivated_reactivated_deleted_and_the_deletion_cancelled_from_the_history()
{
    let options = Options {
        app_args: vec!["--practice".into()],
        limit: Duration::from_secs(300),
        ..Options::default()
    };
    run(options, |app| async move { lifecycle_flow(&app).await }).await;
}

/// Ticks the first `n` rendered rows that are neither locked nor skipped, not among `taken`.
async fn tick_plain(app: &App, n: usize, taken: &[String]) -> Vec<String> {
    let ids: Vec<String> = poll(&format!("{n} plain rows"), UI, TICK, || async {
        let plain: Vec<String> = rows(app)
            .await
            .into_iter()
            .filter(|x| x.locked.is_none() && x.skip.is_none() && !taken.contains(&x.id))
            .take(n)
            .map(|x| x.id)
            .collect();
        (plain.len() == n).then_some(plain)
    })
    .await;
    for id in &ids {
        app.click(&format!(
            "#user-table [role=row][data-id=\"{id}\"] input[type=checkbox]"
        ))
        .await;
    }
    ids
}

/// Waits until `n` people are ticked, shown or not (the Next button counts them all).
async fn wait_ticked(app: &App, n: usize) {
    poll(&format!("{n} people ticked"), UI, TICK, || async {
        (first_number(&app.text("#choose-next").await) == Some(n)).then_some(())
    })
    .await;
}

/// Whether the Review step's radio for `action` is checked.
async fn chosen(app: &App, action: &str) -> bool {
    let css = format!("#org-action input[value={action}]");
    app.el(&css).await.prop("checked").await.unwrap().as_deref() == Some("true")
}

/// The newest run of the history (`list_runs`) once the window has let it go and it offers
/// its undo.
async fn undoable_run(app: &App) -> Value {
    poll("the newest run to offer its undo", UI, TICK, || async {
        let runs = app.invoke("list_runs", json!({})).await.ok()?;
        let run = runs.as_array()?.first()?.clone();
        (!run["undo"].is_null()).then_some(run)
    })
    .await
}

/// Opens the history and returns the selector of run `run_id`'s undo button, once shown.
async fn undo_button(app: &App, run_id: &str, undo: &str) -> String {
    if app.attr("#history-box", "open").await.is_none() {
        app.click("#history-box summary").await;
    }
    let css =
        format!("#run-history li[data-run-id=\"{run_id}\"] button.undo-run[data-undo={undo}]");
    app.wait_visible(&css).await;
    css
}

/// Checks that every account of `ids` has `status` in the practice organization.
async fn assert_status(api: &str, org_id: &str, ids: &[String], status: &str) {
    for id in ids {
        assert_eq!(
            org_status(api, org_id, id).await.as_deref(),
            Some(status),
            "{id} in the practice organization"
        );
    }
}

async fn lifecycle_flow(app: &App) {
    let (api, org_id) = org::practice_org(app).await;
    connect_org(app).await;
    app.click("#connect-next").await;
    app.wait_step("choose").await;
    load_users(app).await;

    // 1. Four plain managed accounts, one synced from the identity provider, one unmanaged.
    app.choose("#org-filter-status", "Active").await;
    app.choose("#org-filter-admins", "no").await;
    app.choose("#org-filter-managed", "yes").await;
    app.choose("#org-filter-synced", "no").await;
    let four = tick_plain(app, 4, &[]).await;
    app.choose("#org-filter-synced", "yes").await;
    let synced = poll("a synced row", UI, TICK, || async {
        let r = rows(app).await;
        let all_synced = !r.is_empty() && r.iter().all(|x| x.skip.as_deref() == Some("synced"));
        all_synced.then(|| r[0].id.clone())
    })
    .await;
    app.click(&format!(
        "#user-table [role=row][data-id=\"{synced}\"] input[type=checkbox]"
    ))
    .await;
    app.choose("#org-filter-synced", "").await;
    app.choose("#org-filter-managed", "no").await;
    let unmanaged = tick_plain(app, 1, &four).await.remove(0);
    wait_ticked(app, 6).await;

    // 2. Review: the account actions apart, the core's words, its protections, the dry run.
    app.click("#choose-next").await;
    app.wait_step("review").await;
    assert_eq!(app.text("#org-group-accounts").await, "Managed accounts");
    app.click("#org-action input[value=deactivate]").await;
    let explain = app
        .text("#org-action label[data-action=deactivate] .explain")
        .await;
    assert!(explain.contains("reactivate the accounts"), "{explain:?}");
    let phrase = "deactivate accounts 4";
    poll("the deactivate plan's phrase", UI, TICK, || async {
        (app.text("#confirm-hint").await == phrase).then_some(())
    })
    .await;
    let words = app.text("#plan-words").await;
    assert!(
        words.contains("Deactivate the accounts of 4 people") && words.contains("Their content"),
        "#plan-words: {words:?}"
    );
    app.wait_visible("#org-protected-box").await;
    assert_eq!(
        data_number(app, "#org-protected-box", "data-skipped").await,
        2
    );
    let protected = app.text("#org-protected").await;
    assert!(
        protected.contains("identity provider")
            && protected.contains("not an account your company manages"),
        "#org-protected: {protected:?}"
    );
    app.click("#dry-run").await;
    assert_eq!(
        data_number(app, "#dry-run-result", "data-would-act").await,
        4
    );
    assert_eq!(
        data_number(app, "#dry-run-result", "data-protected").await,
        2
    );
    assert_eq!(
        data_number(app, "#dry-run-result", "data-not-allowed").await,
        0
    );
    for id in [&synced, &unmanaged] {
        let li = format!("#dry-run-result li[data-id=\"{id}\"]");
        assert_eq!(
            app.attr(&li, "data-state").await.as_deref(),
            Some("protected"),
            "{id}"
        );
    }
    assert_eq!(app.text("#start-run").await, "Deactivate 4 accounts");

    // 3. Run. An account that owns sites it created is refused by Atlassian (409); the rest
    // are deactivated, and the skipped two are untouched.
    confirm_and_run(app, phrase, "deactivate 4", RUN_LIMIT).await;
    assert_eq!(app.text("#count-removed-label").await, "Deactivated");
    assert_eq!(number(app, "#count-skipped").await, 2);
    let (deactivated, refused) = poll("the run table to show 4 outcomes", UI, TICK, || async {
        let done = run_rows(app, "removed").await;
        let refused = run_rows(app, "cannot_remove").await;
        (done.len() + refused.len() == 4).then_some((done, refused))
    })
    .await;
    assert!(
        deactivated.len() >= 2,
        "deactivated {deactivated:?}, refused {refused:?}"
    );
    assert_eq!(number(app, "#count-removed").await, deactivated.len());
    assert_status(&api, &org_id, &deactivated, "deactivated").await;
    let untouched: Vec<String> = refused.iter().cloned().chain([synced, unmanaged]).collect();
    assert_status(&api, &org_id, &untouched, "active").await;

    // 4. "Reactivate these accounts" from the history: a run of its own, with its phrase.
    let run = undoable_run(app).await;
    assert_eq!(
        (&run["action"], &run["undo"]),
        (&json!("deactivate"), &json!("reactivate"))
    );
    let button = undo_button(app, run["runId"].as_str().unwrap(), "reactivate").await;
    assert_eq!(app.text(&button).await, "Reactivate these accounts");
    app.click(&button).await;
    app.wait_step("review").await;
    app.wait_visible("#org-from-run").await;
    assert!(chosen(app, "reactivate").await);
    let n = deactivated.len();
    confirm_and_run(
        app,
        &format!("reactivate accounts {n}"),
        &format!("reactivate {n}"),
        RUN_LIMIT,
    )
    .await;
    assert_eq!(app.text("#count-removed-label").await, "Reactivated");
    assert_eq!(number(app, "#count-removed").await, n);
    assert_status(&api, &org_id, &deactivated, "active").await;

    // 5. Delete one account: the plan says until when it can be cancelled.
    let gone = deactivated[0].clone();
    app.click("nav#steps button[data-step=choose]").await;
    app.wait_step("choose").await;
    app.click("#clear-filters").await;
    app.click("#select-none").await;
    app.fill("#search", &gone).await;
    tick_plain(app, 1, &[]).await;
    wait_ticked(app, 1).await;
    app.click("#choose-next").await;
    app.wait_step("review").await;
    assert!(!app.visible("#org-from-run").await, "the undo is used up");
    app.click("#org-action input[value=delete_account]").await;
    poll("the delete plan's phrase", UI, TICK, || async {
        (app.text("#confirm-hint").await == "delete accounts 1").then_some(())
    })
    .await;
    let words = app.text("#plan-words").await;
    assert!(
        words.contains("can be cancelled until"),
        "#plan-words: {words:?}"
    );
    confirm_and_run(app, "delete accounts 1", "delete 1", RUN_LIMIT).await;
    assert_eq!(
        app.text("#count-removed-label").await,
        "Scheduled for deletion"
    );
    assert_status(&api, &org_id, std::slice::from_ref(&gone), "for_deletion").await;

    // 6. "Cancel the deletions (until …)": the button shows the grace period's last day.
    let run = undoable_run(app).await;
    let until = run["undoUntil"].as_str().expect("undoUntil").to_owned();
    let button = undo_button(app, run["runId"].as_str().unwrap(), "cancel_delete").await;
    assert_eq!(
        app.attr(&button, "data-until").await.as_deref(),
        Some(until.as_str())
    );
    let day = app
        .js(
            "const d = new Date(arguments[0]);
             return { day: d.getDate(), year: d.getFullYear(), days: (d - Date.now()) / 864e5 };",
            vec![json!(until)],
        )
        .await;
    let days = day["days"].as_f64().unwrap();
    assert!(
        (13.9..=14.0).contains(&days),
        "the deletion can be cancelled for {days} days"
    );
    let text = app.text(&button).await;
    let (d, y) = (&day["day"], &day["year"]);
    assert!(
        text.starts_with(&format!("Cancel the deletions (until {d} "))
            && text.contains(&format!(" {y} ")),
        "{text:?}"
    );
    app.click(&button).await;
    app.wait_step("review").await;
    assert!(chosen(app, "cancel_delete").await);
    confirm_and_run(app, "cancel deletions 1", "cancel deletions 2", RUN_LIMIT).await;
    assert_eq!(app.text("#count-removed-label").await, "Deletion cancelled");
    // Cancelled, and still deactivated: reactivating is a step of its own.
    assert_status(&api, &org_id, std::slice::from_ref(&gone), "deactivated").await;
}
