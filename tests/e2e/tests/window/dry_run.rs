//! The dry run on a slow site: the bar advances with the counts, Cancel stops it at once with a
//! calm word and the Review step as it was, and the site saw fewer bulk lookups than the whole
//! dry run needs.

use offboard_e2e::flows::*;
use offboard_e2e::page::{TICK, UI};
use offboard_e2e::{poll, run, App, Options};
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Users in the export and on the site: about 140 bulk lookups for a whole dry run.
const USERS: usize = 15_000;
/// Every reply waits this long, so the lookups (20 in flight) need several waves of it.
const LATENCY_MS: &str = "1000";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_dry_run_shows_its_progress_and_stops_at_once_on_cancel() {
    let (_keep, export, _) = large_export(USERS);
    let options = Options {
        site_csv: Some(export),
        site_args: vec!["--latency-ms".into(), LATENCY_MS.into()],
        limit: Duration::from_secs(90),
        ..Options::default()
    };
    run(options, |app| async move { cancelled_dry_run(app).await }).await;
}

/// `#dry-run-bar`'s value once it has one (no `value` until the first report), with what
/// `#dry-run-count` says at the same moment.
async fn bar_and_counts(app: &App) -> Option<(f64, String)> {
    let v = app
        .try_js(
            "const b = document.querySelector('#dry-run-bar'); \
             const c = document.querySelector('#dry-run-count'); \
             return b && b.hasAttribute('value') ? [b.value, c.textContent] : null;",
            vec![],
        )
        .await?;
    Some((v[0].as_f64()?, v[1].as_str()?.to_owned()))
}

async fn cancelled_dry_run(app: Arc<App>) {
    let site = app.site();
    connect(&app, false).await;
    import(&app, UI).await;
    app.click("#select-all").await;
    // The export's admins stay locked: every other row is selected.
    let selected = poll("#select-all to select many", UI, TICK, || async {
        let (n, m) = app.selected_count().await;
        (m == USERS && n > USERS / 2).then_some(n)
    })
    .await;
    app.click("#choose-next").await;
    app.wait_step("review").await;
    // Both plans prepared (the rehearsal's check is a bulk lookup too): every lookup the
    // site sees from the click on is the dry run's.
    for (css, phrase) in [
        ("#confirm-hint", format!("remove {selected}")),
        ("#rehearse-hint", "remove 1".to_owned()),
    ] {
        poll(&format!("{css} to read {phrase}"), UI, TICK, || async {
            (app.text(css).await.trim() == phrase).then_some(())
        })
        .await;
    }

    let clicked = Instant::now();
    app.click("#dry-run").await;
    app.wait_visible("#dry-run-progress").await;
    let (value, counts) = poll("#dry-run-bar to advance past 0", UI, TICK, || async {
        bar_and_counts(&app).await.filter(|(v, _)| *v > 0.0)
    })
    .await;
    cancel(&app).await;
    let (done, to_look_up) =
        parse_counts(&counts).unwrap_or_else(|| panic!("#dry-run-count: {counts:?}"));
    assert_eq!(to_look_up, selected, "every selected account is looked up");
    assert!(
        done > 0 && done < to_look_up && value < to_look_up as f64,
        "part-way: bar {value}, {counts:?}"
    );
    assert!(
        !app.visible("#dry-run-progress").await,
        "the bar is gone after the cancel"
    );
    assert!(
        !app.visible("#review-error").await,
        "a cancel is not an error: {}",
        app.text("#review-error").await
    );
    poll("#dry-run to be offered again", UI, TICK, || async {
        app.enabled("#dry-run").await.then_some(())
    })
    .await;
    assert_eq!(app.step().await.as_deref(), Some("review"));
    let counts: Value = app
        .js(
            "const d = document.querySelector('#dry-run-result').dataset; \
             return [d.exists ?? null, d.alreadyGone ?? null];",
            vec![],
        )
        .await;
    assert_eq!(counts, serde_json::json!([null, null]), "no findings shown");

    // Another dry run after the cancel is taken (Rust let the first one go), and cancelled too.
    app.click("#dry-run").await;
    poll("a second dry run to start", UI, TICK, || async {
        let cancelled = app.attr("#dry-run-result", "data-cancelled").await;
        let (_, all) = parse_counts(&app.text("#dry-run-count").await)?;
        (cancelled.is_none() && all == selected).then_some(())
    })
    .await;
    assert!(
        !app.visible("#review-error").await,
        "{}",
        app.text("#review-error").await
    );
    cancel(&app).await;

    let record = site.stop().await;
    // Rust answers `cancelled` only once a dry run stopped, and the page says so only then: the
    // two dry runs together sent fewer lookups than one whole dry run needs.
    let lookups = record
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/user/bulk"))
        .filter(|r| r.at_ms >= site.at_ms(clicked))
        .count();
    let whole = selected.div_ceil(100);
    println!("E2E_DRY_RUN_CANCEL bulk_lookups={lookups} of {whole}");
    assert!(lookups > 0, "the dry runs looked some accounts up");
    assert!(
        lookups < whole,
        "{lookups} bulk lookups reached the site: one whole dry run needs {whole}"
    );
}

/// Clicks Cancel and waits for the calm words that replace the bar.
async fn cancel(app: &App) {
    app.click("#dry-run-cancel").await;
    let said = poll("the dry run to say it was cancelled", UI, TICK, || async {
        let cancelled = app.attr("#dry-run-result", "data-cancelled").await;
        let t = app.text("#dry-run-result").await;
        (cancelled.as_deref() == Some("true") && app.visible("#dry-run-result").await).then_some(t)
    })
    .await;
    assert_eq!(said.trim(), "Dry run cancelled; nothing was changed.");
}

/// `#dry-run-count`'s words as numbers: "12,300 of 100,000 accounts looked up" → (12300, 100000).
fn parse_counts(text: &str) -> Option<(usize, usize)> {
    let (done, all) = text
        .trim()
        .strip_suffix(" accounts looked up")?
        .split_once(" of ")?;
    let number = |n: &str| n.replace(',', "").parse().ok();
    Some((number(done)?, number(all)?))
}
