//! What the history says, and a practice run that can always be finished: a practice run cut
//! short by a kill resumes on the practice site of the next launch (whose address is new) with
//! no loop back to Connect; the history names each run's site, account and kind, and a stopped
//! run whose users a later run removed is marked superseded, with nothing offered to resume.

use super::RATE;
use offboard_e2e::fixtures;
use offboard_e2e::flows::*;
use offboard_e2e::page::{TICK, UI};
use offboard_e2e::{http, poll, run, App, Options};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Ticks up to `n` rendered, selectable rows whose person has an email (no app accounts) and
/// returns their ids; the selection is empty before.
async fn tick_people(app: &App, n: usize) -> Vec<String> {
    app.click("#select-none").await;
    let (_, m) = app.selected_count().await;
    app.wait_selected(0, m).await;
    app.fill("#search", "@example.com").await;
    poll("the search to narrow the table", UI, TICK, || async {
        let (_, shown) = app.selected_count().await;
        (shown < m).then_some(())
    })
    .await;
    let ids: Vec<String> = serde_json::from_value(
        app.js(
            "const box = document.querySelector('#user-table').getBoundingClientRect();
             return Array.from(document.querySelectorAll('#user-table [role=row][data-id]'))
               .filter(r => { const b = r.getBoundingClientRect();
                              return !r.hidden && b.height > 0 && b.top >= box.top && b.bottom <= box.bottom; })
               .filter(r => { const b = r.querySelector('input[type=checkbox]'); return b && !b.disabled; })
               .slice(0, arguments[0]).map(r => r.getAttribute('data-id'));",
            vec![json!(n)],
        )
        .await,
    )
    .unwrap();
    for id in &ids {
        app.click_in_row(id, "input[type=checkbox]").await;
        poll(&format!("row {id} to be ticked"), UI, TICK, || async {
            app.row(id).await.filter(|r| r.checked)
        })
        .await;
    }
    app.fill("#search", "").await;
    app.wait_selected(ids.len(), m).await;
    ids
}

/// The history as Rust lists it (newest first).
async fn runs(app: &App) -> Vec<Value> {
    let v = app.invoke("list_runs", json!({})).await.unwrap();
    v.as_array().unwrap().clone()
}

/// The text of the history line of `run_id`, once the page lists it.
async fn line(app: &App, run_id: &str) -> String {
    let css = format!("#run-history li[data-run-id=\"{run_id}\"] .who");
    poll(&format!("{css} to be listed"), UI, TICK, || async {
        let t = app.text(&css).await;
        (!t.is_empty()).then_some(t)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_practice_run_killed_mid_way_resumes_on_the_next_launchs_practice_site() {
    let options = Options {
        app_args: vec!["--practice".into()],
        ..Options::default()
    };
    run(
        options,
        |app| async move { practice_kill_and_resume(app).await },
    )
    .await;
}

async fn practice_kill_and_resume(app: Arc<App>) {
    app.wait_step("connect").await;
    app.wait_visible("#practice-badge").await;
    app.click("#check-connection").await;
    poll("#whoami after the practice check", UI, TICK, || async {
        (!app.text("#whoami").await.trim().is_empty()).then_some(())
    })
    .await;
    app.click("#connect-next").await;
    app.wait_step("choose").await;
    app.click("#use-sample").await;
    app.wait_visible("#import-summary").await;
    let picked = tick_people(&app, 10).await;
    assert!(picked.len() >= 6, "too few selectable people: {picked:?}");
    app.click("#choose-next").await;
    app.wait_step("review").await;
    // Slow enough for the kill to land mid-way, short enough for the resume.
    app.js(
        "document.querySelector('details#advanced').open = true;",
        vec![],
    )
    .await;
    app.fill("#pace-rate", "2").await;
    confirm_and_start(&app).await;
    let info = app.invoke("app_info", json!({})).await.unwrap();
    let first_site = info["practice"]["site"].as_str().unwrap().to_owned();
    poll(
        "a few removals before the kill",
        Duration::from_secs(60),
        TICK,
        || async { run_view(&app).await.filter(|v| v.removed.unwrap_or(0) >= 2) },
    )
    .await;
    app.kill_app().await;

    // Next launch: a new practice site at a new address. The offer names the practice site,
    // sends the admin to it once (not to the old address), then the run goes on there.
    app.launch().await;
    app.wait_visible_for("#resume-offer", Duration::from_secs(30))
        .await;
    let offer = app.text("#resume-offer-words").await;
    assert!(offer.contains("practice site"), "{offer}");
    assert!(
        !offer.contains(first_site.trim_start_matches("http://")),
        "{offer}"
    );
    let info = app.invoke("app_info", json!({})).await.unwrap();
    let site = info["practice"]["site"].as_str().unwrap().to_owned();
    assert_ne!(site, first_site, "the practice site moved, as it does");
    let deadline = Instant::now() + Duration::from_secs(60);
    let (mut accepted, mut checked) = (0, 0);
    while app.step().await.as_deref() != Some("run") {
        assert!(
            Instant::now() < deadline,
            "the offered run did not go on within 60 s"
        );
        if app.visible("#resume-offer-accept").await {
            accepted += 1;
            assert!(
                accepted <= 2,
                "the offer keeps coming back (after {checked} checks)"
            );
            app.click("#resume-offer-accept").await;
        } else if app.step().await.as_deref() == Some("connect") && checked == 0 {
            let typed = app
                .js("return document.querySelector('#site').value;", vec![])
                .await;
            assert_eq!(
                typed,
                json!(site),
                "Connect is filled with the practice site"
            );
            app.click("#check-connection").await;
            checked += 1;
        }
        tokio::time::sleep(TICK).await;
    }
    wait_finished(&app, Duration::from_secs(120)).await;
    let runs = runs(&app).await;
    assert_eq!(runs.len(), 1, "the same run went on: {runs:?}");
    assert_eq!(runs[0]["lastStatus"], "completed", "{:?}", runs[0]);
    assert_eq!(runs[0]["counters"]["failed"], 0, "{:?}", runs[0]);
    assert_eq!(runs[0]["resumable"], false);
    // Every person ticked is gone from the practice site running now.
    for id in &picked {
        let url = format!("{site}/rest/api/3/user?accountId={id}");
        let (status, _) = http::get(&url, Some(("admin@example.com", "practice-token")))
            .await
            .unwrap();
        assert_eq!(status, 404, "{id} is still on the practice site");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_names_site_account_and_kind_and_marks_a_superseded_run() {
    let options = Options {
        site_csv: Some(fixtures::path("export-plain.csv")),
        rate: Some(RATE),
        ..Options::default()
    };
    run(options, |app| async move { history_lines(app).await }).await;
}

async fn history_lines(app: Arc<App>) {
    let site = app.site();
    let host = site.url.trim_start_matches("http://").to_owned();
    connect(&app, false).await;
    import(&app, UI).await;
    let picked = tick_people(&app, 10).await;
    assert!(picked.len() >= 6, "too few selectable people: {picked:?}");
    app.click("#choose-next").await;
    app.wait_step("review").await;
    rehearse(&app, &picked[0]).await;

    // Run A: stopped after a removal, with users left.
    confirm_and_start(&app).await;
    poll(
        "a removal before the stop",
        Duration::from_secs(60),
        TICK,
        || async { run_view(&app).await.filter(|v| v.removed.unwrap_or(0) >= 1) },
    )
    .await;
    app.click("#stop").await;
    wait_finished(&app, Duration::from_secs(60)).await;
    let a = runs(&app).await[0].clone();
    assert_eq!(a["lastStatus"], "stopped", "{a}");
    let left = a["rows"].as_u64().unwrap() - a["decided"].as_u64().unwrap();
    assert!(left > 0, "the stop came before the end of run A: {a}");
    let a_id = a["runId"].as_str().unwrap().to_owned();

    // Run B: the people still ticked (the window unticks those already removed), to the end;
    // it removes everyone A had left.
    app.click("nav#steps button[data-step=choose]").await;
    app.wait_step("choose").await;
    app.click("#choose-next").await;
    app.wait_step("review").await;
    confirm_and_start(&app).await;
    wait_finished(&app, Duration::from_secs(120)).await;
    let all = runs(&app).await;
    assert_eq!(all.len(), 3, "rehearsal, A and B: {all:?}");
    let (b_id, rehearsal_id) = (
        all[0]["runId"].as_str().unwrap().to_owned(),
        all[2]["runId"].as_str().unwrap().to_owned(),
    );
    assert_eq!(all[1]["runId"], a_id.as_str());
    assert_eq!(all[1]["superseded"], left, "{}", all[1]);

    // The admin opens "Run history".
    if app.attr("#history-box", "open").await.is_none() {
        app.click("#history-box summary").await;
    }
    let who = format!("as {} · {host} · ", site.email);
    let b = line(&app, &b_id).await;
    assert!(
        b.contains(&format!("Run {who}{} users · completed", all[0]["rows"])),
        "{b}"
    );
    let r = line(&app, &rehearsal_id).await;
    assert!(
        r.contains(&format!("Rehearsal {who}1 user · completed")),
        "{r}"
    );
    let a_line = poll(
        "run A's line to say it was superseded",
        UI,
        TICK,
        || async {
            let t = line(&app, &a_id).await;
            t.contains("superseded").then_some(t)
        },
    )
    .await;
    assert!(a_line.contains(&format!("Run {who}")), "{a_line}");
    assert!(a_line.contains("nothing to resume"), "{a_line}");
    let a_li = format!("#run-history li[data-run-id=\"{a_id}\"]");
    assert_eq!(
        app.attr(&a_li, "data-superseded").await,
        Some(left.to_string())
    );
    assert!(
        app.try_el(&format!("{a_li} button.continue"))
            .await
            .is_none(),
        "a superseded run still offers Resume"
    );
}
