//! The guards through the real window: an export without admin information warns and the
//! site's live admin is never sent a DELETE; a phrase typed before switching to another site
//! does not start a run there, whatever the page does; "Check connection" names a scoped token
//! and warns an account outside site-admins (`guards/connect_checks.rs`).

#[path = "guards/connect_checks.rs"]
mod connect_checks;

use offboard_e2e::fixtures;
use offboard_e2e::flows::*;
use offboard_e2e::page::{first_number, TICK, UI};
use offboard_e2e::site::Site;
use offboard_e2e::{poll, run, Options};
use serde_json::json;
use std::time::Duration;

/// In the managed-accounts export, with no sign of being an admin there.
const JANA: &str = "712020:0b6f3c51-9d0e-4d57-a3f1-1f6f0b9e2a10";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_without_admin_information_warns_and_the_live_site_admin_is_kept() {
    let options = Options {
        site_csv: Some(fixtures::path("export-managed-accounts.csv")),
        site_args: vec!["--site-admin".into(), JANA.into()],
        ..Options::default()
    };
    run(options, |app| async move {
        connect(&app, false).await;
        import(&app, UI).await;
        assert!(
            app.visible("#admin-warning").await,
            "#admin-warning is shown"
        );
        let words = app.text("#import-protection").await;
        assert!(
            words.contains("no Org role column"),
            "#import-protection: {words}"
        );
        let row = app.find_row("Jana", JANA).await;
        assert_eq!(row.locked.as_deref(), Some("admin"), "{row:?}");
        assert!(row.disabled && !row.checked, "{row:?}");
        app.fill("#search", "").await;
        app.click("#select-all").await;
        app.wait_selected(2, 3).await;
        app.click("#choose-next").await;
        app.wait_step("review").await;
        let protection = app.text("#plan-protection").await;
        assert!(
            protection.contains("live check"),
            "#plan-protection: {protection}"
        );
        assert_eq!(confirm_and_start(&app).await, 2);
        wait_finished(&app, Duration::from_secs(60)).await;
        let gone = app
            .wait_attr("#run-verified", "data-gone", Duration::from_secs(60))
            .await;
        assert_eq!(gone, "2");
        let record = app.site().stop().await;
        assert!(
            !record.iter().any(|r| r.is_delete_of(JANA)),
            "a DELETE reached the live site admin"
        );
        assert_eq!(record.iter().filter(|r| r.method == "DELETE").count(), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phrase_typed_for_one_site_does_not_start_a_run_on_another() {
    let options = Options {
        site_csv: Some(fixtures::path("export-messy.csv")),
        ..Options::default()
    };
    run(options, |app| async move {
        // A second site holding the same people, with the same practice login.
        let second = Site::start_with(&app.open_file, None, app.tmp.path(), "second", &[]).await;
        connect(&app, false).await;
        import(&app, UI).await;
        app.click("#select-all").await;
        app.click("#choose-next").await;
        app.wait_step("review").await;
        let phrase = poll("#confirm-hint to name the phrase", UI, TICK, || async {
            let t = app.text("#confirm-hint").await;
            first_number(&t).map(|_| t.trim().to_owned())
        })
        .await;
        app.fill("#confirm-text", &phrase).await;
        poll("#start-run to be armed", UI, TICK, || async {
            app.enabled("#start-run").await.then_some(())
        })
        .await;
        // What a page that kept its plan would hold: the current plan's id, asked of Rust.
        // Every id of the file: Rust protects the locked ones, so the phrase is the page's.
        let ids: Vec<String> = fixtures::users(&app.open_file)
            .into_iter()
            .map(|u| u.id)
            .collect();
        let kept = app
            .invoke("prepare_plan", json!({"selection": ids, "unlocked": []}))
            .await
            .expect("a plan for the first site");
        assert_eq!(kept["phrase"].as_str(), Some(phrase.as_str()));

        // Check the connection to the second site, then go back to Review.
        app.click("#steps button[data-step=connect]").await;
        app.wait_step("connect").await;
        app.fill("#site", &second.url).await;
        app.fill("#token", &second.token).await;
        app.click("#check-connection").await;
        let host = second.url.trim_start_matches("http://").to_owned();
        poll("#whoami to name the second site", UI, TICK, || async {
            (app.visible("#whoami").await && app.text("#whoami").await.contains(&host))
                .then_some(())
        })
        .await;
        app.click("#steps button[data-step=review]").await;
        app.wait_step("review").await;
        assert_eq!(
            app.el("#confirm-text")
                .await
                .prop("value")
                .await
                .unwrap()
                .as_deref(),
            Some("")
        );
        assert!(!app.enabled("#start-run").await, "#start-run stayed armed");

        // Rust refuses the old plan and phrase, whoever sends them.
        let refused = app
            .invoke(
                "start_run",
                json!({"planId": kept["planId"], "phrase": phrase,
                       "pace": {"maxRate": 20, "maxInFlight": 8}, "onEvent": "channel"}),
            )
            .await
            .expect_err("start_run with a plan made for the first site");
        assert_eq!(refused["kind"], "stale_plan", "{refused}");
        let first = app.site().stop().await;
        let other = second.stop().await;
        for (name, record) in [("first", &first), ("second", &other)] {
            assert!(
                record.iter().all(|r| r.method != "DELETE"),
                "the {name} site saw a DELETE"
            );
        }
    })
    .await;
}
