//! The four steps in practice mode, and organization mode's users table, saved as PNGs; run
//! by `tests/screenshots`.
use offboard_e2e::flows::{self, *};
use offboard_e2e::page::{TICK, UI};
use offboard_e2e::{poll, run, Options};
use std::time::Duration;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = std::env::var_os("OFFBOARD_SCREENSHOTS_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| offboard_e2e::repo_root().join("docs/screenshots"));
    std::fs::create_dir_all(&dir).unwrap();
    let options = Options {
        app_args: vec!["--practice".into()],
        ..Options::default()
    };
    let org_dir = dir.clone();
    run(options.clone(), move |app| async move {
        // 1. Connect: practice mode pre-fills the practice site's connection.
        app.wait_step("connect").await;
        app.wait_visible("#practice-badge").await;
        app.click("#check-connection").await;
        app.wait_visible("#whoami").await;
        poll("#whoami to name the admin", UI, TICK, || async {
            (!app.text("#whoami").await.trim().is_empty()).then_some(())
        })
        .await;
        app.screenshot(&dir.join("1-connect.png")).await;
        app.click("#connect-next").await;

        // 2. Choose: the sample export; a small selection.
        app.wait_step("choose").await;
        app.click("#use-sample").await;
        app.wait_visible("#import-summary").await;
        app.click("#select-none").await;
        let (_, m) = app.selected_count().await;
        app.wait_selected(0, m).await;
        // People with an email address (no app accounts) make the friendlier picture.
        app.fill("#search", "@example.com").await;
        poll("the search to narrow the table", UI, TICK, || async {
            let (_, shown) = app.selected_count().await;
            (shown < m).then_some(())
        })
        .await;
        let ids: Vec<String> = serde_json::from_value(
            app.js(
                "return Array.from(document.querySelectorAll('#user-table [role=row][data-id]'))
                   .filter(r => { const b = r.querySelector('input[type=checkbox]'); return b && !b.disabled; })
                   .filter(r => !r.hidden)
                   .slice(0, 5).map(r => r.getAttribute('data-id'));",
                vec![],
            )
            .await,
        )
        .unwrap();
        assert!(!ids.is_empty(), "selectable rows in the sample");
        for id in &ids {
            app.click_in_row(id, "input[type=checkbox]").await;
        }
        app.fill("#search", "").await;
        app.wait_selected(ids.len(), m).await;
        app.screenshot(&dir.join("2-choose.png")).await;
        app.click("#choose-next").await;

        // 3. Review: the dry run's answer.
        app.wait_step("review").await;
        app.click("#dry-run").await;
        app.wait_attr("#dry-run-result", "data-exists", Duration::from_secs(60)).await;
        app.screenshot(&dir.join("3-review.png")).await;

        // 4. Run the small selection to the end.
        confirm_and_start(&app).await;
        flows::wait_finished(&app, Duration::from_secs(120)).await;
        app.wait_visible("#run-summary").await;
        app.screenshot(&dir.join("4-run.png")).await;
    })
    .await;

    // 5. Organization mode: the practice organization's users, filtered by last activity.
    run(options, move |app| async move {
        offboard_e2e::org::connect_org(&app).await;
        app.click("#connect-next").await;
        app.wait_step("choose").await;
        offboard_e2e::org::load_users(&app).await;
        app.fill("#org-filter-jira", "2025-08-01").await;
        app.screenshot(&org_dir.join("5-org-users.png")).await;
        println!("screenshots written to {}", org_dir.display());
    })
    .await;
}
