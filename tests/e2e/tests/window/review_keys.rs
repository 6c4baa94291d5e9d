//! The Review and Choose steps say what is true and work from the keyboard: the pace fields are
//! checked as typed against Rust's bounds and Enter in the confirmation starts the run; the
//! rehearsal's default is a person and its picker searches every selected user; Tab from the
//! table reaches the highlighted row's Unlock, "Seen before" takes a typed day and clears at
//! once, "Clear filters" clears them, locked rows and cut-off cells explain themselves, and
//! Review fits a 900×600 window without a horizontal scrollbar.

use offboard_e2e::fixtures;
use offboard_e2e::flows::*;
use offboard_e2e::page::{TICK, UI};
use offboard_e2e::{poll, run, App, Options};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;

/// An ordinary person of `export-messy.csv` (Ethan Novak, its first row).
const PERSON: &str = "5c873c6ea882c725356dd658";
const ENTER: &str = "\u{E007}";
const TAB: &str = "\u{E004}";
const END: &str = "\u{E010}";

/// Ticks the row for `id` (found by searching its id), then clears the search.
async fn tick(app: &App, id: &str) {
    let row = app.find_row(id, id).await;
    assert!(!row.checked && !row.disabled, "{id}: {row:?}");
    app.click_in_row(id, "input[type=checkbox]").await;
    poll(&format!("{id} to be ticked"), UI, TICK, || async {
        app.row(id).await.filter(|r| r.checked).map(|_| ())
    })
    .await;
    app.fill("#search", "").await;
}

/// The `value` property of the field at `css`.
async fn value(app: &App, css: &str) -> String {
    let v = app
        .js(
            "const e = document.querySelector(arguments[0]); return e ? e.value : null;",
            vec![json!(css)],
        )
        .await;
    v.as_str().unwrap_or_default().to_owned()
}

/// Waits until `css` is visible with some words, and returns them.
async fn words_at(app: &App, css: &str) -> String {
    poll(&format!("{css} to say something"), UI, TICK, || async {
        let t = app.text(css).await;
        (app.visible(css).await && !t.trim().is_empty()).then_some(t)
    })
    .await
}

/// Waits for Review's phrase (Rust's plan is prepared) and returns it.
async fn phrase(app: &App) -> String {
    poll("#confirm-hint to name the phrase", UI, TICK, || async {
        let t = app.text("#confirm-hint").await;
        t.trim().starts_with("remove ").then(|| t.trim().to_owned())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pace_fields_are_checked_as_typed_and_enter_in_the_confirmation_starts_the_run() {
    let options = Options {
        site_csv: Some(fixtures::path("export-messy.csv")),
        ..Options::default()
    };
    run(options, |app| async move {
        connect(&app, false).await;
        import(&app, UI).await;
        app.click("#select-none").await;
        tick(&app, PERSON).await;
        app.click("#choose-next").await;
        app.wait_step("review").await;
        let phrase = phrase(&app).await;
        app.click("#advanced > summary").await;
        // Rust's defaults and ranges (AppInfo.pace), not numbers of the page's own.
        assert_eq!(value(&app, "#pace-rate").await, "20");
        assert_eq!(value(&app, "#pace-in-flight").await, "8");
        assert!(app.text("#pace-rate-label").await.contains("0.5–50"));
        assert!(app.text("#pace-in-flight-label").await.contains("1–32"));

        // Enter with a wrong phrase starts nothing.
        app.fill("#confirm-text", "remove 2").await;
        app.el("#confirm-text")
            .await
            .send_keys(ENTER)
            .await
            .unwrap();
        assert_eq!(app.step().await.as_deref(), Some("review"));
        app.fill("#confirm-text", &phrase).await;
        poll("#start-run to arm", UI, TICK, || async {
            app.enabled("#start-run").await.then_some(())
        })
        .await;

        // Each bad value is named next to its field at once, and Start stays disabled.
        for (field, bad) in [
            ("pace-rate", "abc"),
            ("pace-rate", "-5"),
            ("pace-rate", ""),
            ("pace-rate", "51"),
            ("pace-in-flight", "33"),
            ("pace-in-flight", "2.5"),
        ] {
            let good = if field == "pace-rate" { "20" } else { "8" };
            app.fill(&format!("#{field}"), bad).await;
            let said = words_at(&app, &format!("#{field}-error")).await;
            assert!(
                said.contains(&format!("“{bad}”")) || (bad.is_empty() && said.contains("empty")),
                "#{field}-error for {bad:?}: {said}"
            );
            assert!(
                !app.enabled("#start-run").await,
                "Start armed with {field} {bad:?}"
            );
            assert!(app.visible("#pace-blocked").await);
            assert_eq!(
                app.attr(&format!("#{field}"), "aria-invalid")
                    .await
                    .as_deref(),
                Some("true")
            );
            app.fill(&format!("#{field}"), good).await;
            poll(&format!("#{field}-error to go"), UI, TICK, || async {
                (!app.visible(&format!("#{field}-error")).await).then_some(())
            })
            .await;
        }
        app.fill("#pace-rate", "12.5").await;
        app.fill("#pace-in-flight", "4").await;
        assert!(app.enabled("#start-run").await, "a good pace arms Start");
        assert!(!app.visible("#pace-rate-error").await && !app.visible("#pace-blocked").await);

        // Rust refuses a pace the page would not send.
        let err = app
            .invoke(
                "start_run",
                json!({"planId": "no-such-plan", "phrase": phrase,
                       "pace": {"maxRate": 500.0, "maxInFlight": 8}, "onEvent": "channel"}),
            )
            .await
            .unwrap_err();
        assert_eq!(
            (&err["kind"], &err["field"]),
            (&json!("bad_pace"), &json!("pace"))
        );

        // Enter in the confirmation field starts the run once the phrase matches.
        app.el("#confirm-text")
            .await
            .send_keys(ENTER)
            .await
            .unwrap();
        app.wait_step("run").await;
        wait_finished(&app, Duration::from_secs(60)).await;
        assert!(
            !app.site().exists(PERSON).await,
            "the run removed the one user"
        );
    })
    .await;
}

/// A site export (`site`) and the export the admin opens (`open`): the caller, two app accounts
/// whose ids say so, a person the site no longer has, then `people` people. Returns the folder
/// (kept while the test runs), the two paths and the people's ids.
fn rehearsal_exports(people: usize) -> (tempfile::TempDir, PathBuf, PathBuf, Vec<String>) {
    let dir = tempfile::Builder::new()
        .prefix("offboard-e2e-rehearsal.")
        .tempdir()
        .unwrap();
    let header = "User id,User name,email,User status,Org role,Group name\n";
    let caller =
        format!("{CALLER},Alex Admin,admin@example.com,Active,Organization admin,site-admins\n");
    let apps =
        format!("{APP_1},Automation for Jira,,Active,,\n{APP_2},Jira Cloud for Slack,,Active,,\n");
    let gone = format!("{GONE},Gina Gone,gina.gone@example.com,Active,,jira-users\n");
    let ids: Vec<String> = (0..people).map(|i| format!("e2e{i:021x}")).collect();
    let rows: String = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            format!(
                "{id},Person {i} Rehearsal,person.{i}@rehearse.example.com,Active,,jira-users\n"
            )
        })
        .collect();
    let write = |name: &str, text: String| -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let site = write("site.csv", format!("{header}{caller}{apps}{rows}"));
    let open = write("open.csv", format!("{header}{caller}{apps}{gone}{rows}"));
    (dir, site, open, ids)
}

const APP_1: &str = "557058:2456de76-aaad-46b8-95c6-b62bd09e0492";
const APP_2: &str = "557058:4f634127-9a23-4ef7-be50-6564f3a16071";
const GONE: &str = "e2e00000000000000000dead";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rehearsal_defaults_to_a_person_and_its_picker_searches_every_selected_user() {
    const PEOPLE: usize = 230;
    let (_keep, site_csv, open_csv, people) = rehearsal_exports(PEOPLE);
    let options = Options {
        site_csv: Some(site_csv),
        open_file: Some(open_csv),
        ..Options::default()
    };
    run(options, move |app| async move {
        connect(&app, false).await;
        import(&app, UI).await;
        app.click("#select-all").await;
        app.wait_selected(PEOPLE + 3, PEOPLE + 4).await;
        app.click("#choose-next").await;
        app.wait_step("review").await;
        let rehearsal_ready = || async {
            poll("#rehearse-hint to name the phrase", UI, TICK, || async {
                app.text("#rehearse-hint")
                    .await
                    .contains("remove 1")
                    .then_some(())
            })
            .await
        };
        // Before the dry run: the first selected row whose id is not an app's.
        rehearsal_ready().await;
        assert_eq!(value(&app, "#rehearse-user").await, GONE);
        // The dry run finds that person gone: the default moves on to the next person.
        app.click("#dry-run").await;
        app.wait_attr("#dry-run-result", "data-already-gone", UI)
            .await;
        poll("the default to leave the flagged row", UI, TICK, || async {
            (value(&app, "#rehearse-user").await == people[0]).then_some(())
        })
        .await;
        rehearsal_ready().await;

        // An app account picked by hand is refused by Rust, next to the rehearsal.
        app.choose("#rehearse-user", APP_1).await;
        let said = words_at(&app, "#rehearse-error").await;
        assert!(said.contains("app account"), "#rehearse-error: {said}");
        app.fill("#rehearse-confirm", "remove 1").await;
        assert!(
            !app.enabled("#rehearse").await,
            "an app account armed the rehearsal"
        );
        let err = app
            .invoke(
                "prepare_rehearsal",
                json!({"accountId": APP_2, "unlocked": false}),
            )
            .await
            .unwrap_err();
        assert_eq!(
            (&err["kind"], &err["field"]),
            (&json!("not_a_person"), &json!("rehearse"))
        );

        // The last person, far beyond the first 200 listed, is found by a search.
        let last = people.last().unwrap();
        assert!(!app.options("#rehearse-user").await.contains(last));
        app.fill("#rehearse-search", &format!("person.{}@", PEOPLE - 1))
            .await;
        poll("the search to pick the last person", UI, TICK, || async {
            (value(&app, "#rehearse-user").await == *last).then_some(())
        })
        .await;
        rehearsal_ready().await;
        assert!(!app.visible("#rehearse-error").await);
    })
    .await;
}

/// Types `text` into "Seen before" and returns how many rows the filters then show.
async fn seen_before(app: &App, text: &str) -> usize {
    app.fill("#filter-last-seen-before", text).await;
    app.selected_count().await.1
}

/// Whether the page (and Review's own scrolling panel) is wider than the window, and what sticks
/// out if so.
async fn overflow(app: &App) -> Value {
    app.js(
        "const de = document.documentElement;
         const step = document.querySelector('#step-review');
         const wide = [];
         for (const el of step.querySelectorAll('*')) {
           const r = el.getBoundingClientRect();
           if (r.width && r.right > step.getBoundingClientRect().right + 0.5) {
             wide.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className}: ${Math.round(r.right)}`);
           }
         }
         // Scrolling boxes inside the step (the dry run's list) must not scroll sideways either.
         const scrollers = [...step.querySelectorAll('*')]
           .filter(el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX)
             && el.scrollWidth > el.clientWidth + 1)
           .map(el => `${el.tagName.toLowerCase()}#${el.id}.${el.className}`);
         return { page: de.scrollWidth > de.clientWidth, step: step.scrollWidth > step.clientWidth,
                  inner: [innerWidth, innerHeight], wide: wide.slice(0, 12), scrollers };",
        vec![],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_table_keyboard_filters_and_titles_say_what_is_true_and_review_fits_900_by_600() {
    let options = Options {
        site_csv: Some(fixtures::path("export-messy.csv")),
        ..Options::default()
    };
    run(options, |app| async move {
        connect(&app, false).await;
        import(&app, UI).await;
        let (_, total) = app.selected_count().await;

        // Your own row says why it cannot be ticked, to the pointer and to a screen reader; a
        // cut-off name or email reads in full on hover.
        let email = app.site().email.clone();
        app.find_row(&email, CALLER).await;
        let me = app
            .js(
                "const row = document.querySelector(`#user-table [role=row][data-id='${arguments[0]}']`);
                 const box = row.querySelector('input[type=checkbox]');
                 return { cell: box.closest('.c-check').title, box: box.title,
                          label: box.getAttribute('aria-label'),
                          name: row.querySelector('.name').title,
                          email: row.querySelector('.c-email').title };",
                vec![json!(CALLER)],
            )
            .await;
        for k in ["cell", "box", "label"] {
            let t = me[k].as_str().unwrap();
            assert!(t.contains("This is you"), "{k}: {t:?}");
        }
        assert!(me["label"].as_str().unwrap().contains("cannot be ticked"));
        assert!(me["name"].as_str().unwrap().starts_with("Alex Admin"), "{me}");
        assert_eq!(me["email"], json!(email));

        // Tab from the table reaches the highlighted row's Unlock, not the first admin's.
        app.fill("#search", "").await;
        app.choose("#filter-role", "Organization admin").await;
        poll("the three org-admin rows", UI, TICK, || async {
            (app.selected_count().await.1 == 3).then_some(())
        })
        .await;
        let grid = app.el("#user-table").await;
        grid.send_keys(END).await.unwrap();
        let highlighted = app
            .js(
                "const r = document.querySelector('#user-table .vt-focus');
                 return r ? r.getAttribute('data-id') : null;",
                vec![],
            )
            .await;
        assert_eq!(highlighted, json!(ADMIN_LAST), "End highlights the last org admin");
        grid.send_keys(TAB).await.unwrap();
        let focused = app
            .js(
                "const a = document.activeElement;
                 const row = a && a.closest('[role=row]');
                 return [a ? a.className : null, row ? row.getAttribute('data-id') : null];",
                vec![],
            )
            .await;
        assert_eq!(focused, json!(["unlock", ADMIN_LAST]), "Tab from the table");
        app.choose("#filter-role", "").await;

        // "Seen before" takes a typed day, clears at once, and says when it cannot read one.
        let before_2023 = seen_before(&app, "2023-01-01").await;
        assert!(before_2023 < total, "a typed day filters: {before_2023} of {total}");
        app.click("#filter-last-seen-clear").await;
        assert_eq!(app.selected_count().await.1, total, "cleared at once");
        assert_eq!(value(&app, "#filter-last-seen-before").await, "");
        assert_eq!(seen_before(&app, "1 Jan 2023").await, before_2023, "the export's own form");
        assert_eq!(seen_before(&app, "abc").await, total, "no day, no date filter");
        app.el("#filter-last-seen-before")
            .await
            .send_keys(ENTER)
            .await
            .unwrap();
        assert!(words_at(&app, "#filter-last-seen-error").await.contains("2024-01-31"));

        // "Clear filters" clears every one of them.
        app.choose("#filter-status", "Suspended").await;
        app.fill("#search", "a").await;
        assert!(app.selected_count().await.1 < total);
        app.click("#clear-filters").await;
        assert_eq!(app.selected_count().await.1, total, "every row shown again");
        for css in ["#search", "#filter-status", "#filter-last-seen-before"] {
            assert_eq!(value(&app, css).await, "", "{css} after Clear filters");
        }
        assert!(!app.enabled("#clear-filters").await);
        assert!(!app.visible("#filter-last-seen-error").await);

        // Review at 900×600, with the dry run's findings and a pace message on screen.
        app.click("#select-all").await;
        app.click("#choose-next").await;
        app.wait_step("review").await;
        phrase(&app).await;
        app.click("#dry-run").await;
        app.wait_attr("#dry-run-result", "data-exists", Duration::from_secs(30))
            .await;
        app.click("#advanced > summary").await;
        app.fill("#pace-rate", "far too fast for anyone").await;
        app.client()
            .set_window_rect(0, 0, 900, 600)
            .await
            .expect("WebDriver can resize the window");
        let seen = poll("the window to be 900 wide", UI, TICK, || async {
            let o = overflow(&app).await;
            (o["inner"][0].as_u64()? <= 900).then_some(o)
        })
        .await;
        assert!(
            seen["page"] == json!(false)
                && seen["step"] == json!(false)
                && seen["wide"] == json!([])
                && seen["scrollers"] == json!([]),
            "a horizontal scrollbar in Review at 900×600: {seen}"
        );
    })
    .await;
}

/// The org admin last in `export-messy.csv`'s file order (James Patel).
const ADMIN_LAST: &str = "5db00c7f6abd685a48f165d5";
