//! Organization mode at scale (issue 15): a directory of a few thousand people on a slow
//! practice organization loads page by page with its progress shown, and Cancel stops it at
//! once: the page says so calmly, keeps nobody, and the practice site's record shows no page
//! asked for after the click (one already on its way at most, dropped unanswered).

use offboard_e2e::fixtures;
use offboard_e2e::page::{first_number, TICK, UI};
use offboard_e2e::{poll, run, App, Options};
use std::time::{Duration, Instant};

/// The practice organization of this test's site (passed to `offboard practice-site`).
const ORG_ID: &str = "0f5ca1e0-1d2b-4c3d-8e4f-a1b2c3d4e5f6";
const KEY: &str = "e2e-scale-org-key";
/// People in the export the site is seeded from: 30-odd pages of 100.
const PEOPLE: usize = 3_000;
/// Each reply of the site takes this long: the load is still reading when Cancel comes.
const LATENCY_MS: &str = "150";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_load_shows_its_progress_and_cancel_stops_it_asking_for_nothing_more() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("scale-export.csv");
    fixtures::write_large_export(PEOPLE, &export);
    let options = Options {
        site_csv: Some(export),
        site_args: [
            "--org-id",
            ORG_ID,
            "--org-key",
            KEY,
            "--latency-ms",
            LATENCY_MS,
        ]
        .map(String::from)
        .to_vec(),
        limit: Duration::from_secs(120),
        ..Options::default()
    };
    run(options, |app| async move { load_then_cancel(&app).await }).await;
}

async fn load_then_cancel(app: &App) {
    // Connect: Organization, the site's organization API, its id and key.
    app.wait_step("connect").await;
    app.click("#mode-org").await;
    app.click("#org-api-box summary").await;
    app.fill("#org-api", &app.site().url).await;
    app.fill("#org-id", ORG_ID).await;
    app.fill("#org-key", KEY).await;
    app.click("#org-check").await;
    poll("#org-connected to say Connected to", UI, TICK, || async {
        app.text("#org-connected")
            .await
            .contains("Connected to")
            .then_some(())
    })
    .await;
    app.click("#connect-next").await;
    app.wait_step("choose").await;

    // Load: the progress line counts the people and pages read so far.
    app.click("#org-load").await;
    let shown = poll("the progress to count 3 pages", UI, TICK, || async {
        let pages = app.attr("#org-load-count", "data-pages").await?;
        (pages.parse::<usize>().ok()? >= 3).then_some(app.text("#org-load-count").await)
    })
    .await;
    assert!(
        shown.contains("so far") && first_number(&shown).is_some_and(|n| n >= 300),
        "#org-load-count: {shown:?}"
    );
    assert!(app.visible("#org-load-progress").await);
    assert!(!app.enabled("#org-load").await, "one load at a time");

    // Cancel: stopped, said calmly, nobody kept.
    app.click("#org-load-cancel").await;
    // The site's clock once the click is done: the cancel is on its way to the load.
    let clicked = app.site().at_ms(Instant::now());
    let note = poll("#choose-note to say the load stopped", UI, TICK, || async {
        let t = app.text("#choose-note").await;
        (app.visible("#choose-note").await && t.contains("nothing was kept")).then_some(t)
    })
    .await;
    assert!(!note.to_lowercase().contains("error"), "{note:?}");
    assert!(
        !app.visible("#choose-error").await,
        "a cancel is not an error"
    );
    assert!(!app.visible("#org-load-progress").await);
    assert!(app.enabled("#org-load").await, "the admin can load again");
    assert!(!app.visible("#org-summary").await, "nobody loaded");
    let pages_shown: usize = app
        .attr("#org-load-count", "data-pages")
        .await
        .and_then(|p| p.parse().ok())
        .unwrap();

    // What the site saw: searches answered one after another, none asked after the click but
    // one the load may have sent as the cancel was on its way; the last, if unanswered, dropped.
    let record = app.site().stop().await;
    let searches: Vec<_> = record
        .iter()
        .filter(|r| r.path.ends_with("/users/search"))
        .collect();
    let answered = searches.iter().filter(|r| r.status == Some(200)).count();
    let after_click = searches.iter().filter(|r| r.at_ms > clicked).count();
    assert!(
        searches.len() < PEOPLE / 100 - 10,
        "the load stopped well before its last page: {} searches",
        searches.len()
    );
    assert!(
        after_click <= 1,
        "{after_click} searches after the click (at {clicked} ms): {searches:?}"
    );
    assert!(
        searches.len() <= answered + 1
            && searches[..answered].iter().all(|r| r.status == Some(200)),
        "only the last search may be unanswered (dropped): {searches:?}"
    );
    assert!(
        pages_shown <= answered,
        "{pages_shown} pages shown, {answered} answered"
    );
}
