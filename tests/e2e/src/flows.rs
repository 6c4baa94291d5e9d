//! Steps several tests share: connecting, importing, confirming, watching a run, the scale check.

use crate::page::{first_number, TICK, UI};
use crate::{fixtures, poll, poll_quiet, App};
use serde_json::Value;
use std::time::{Duration, Instant};

/// The caller of the shipped fixtures (`admin@example.com`).
pub const CALLER: &str = "5b10ac8d82e05b22cc7d4ef5";

/// Fills the connect form for the practice site with `token` and checks the connection.
/// `remember` ticks or unticks "Remember on this computer" first.
pub async fn check_connection(app: &App, token: &str, remember: bool) {
    let site = app.site();
    app.wait_step("connect").await;
    app.fill("#site", &site.url).await;
    app.fill("#email", &site.email).await;
    app.fill("#token", token).await;
    let ticked = app.el("#remember").await.is_selected().await.unwrap();
    if ticked != remember {
        app.click("#remember").await;
    }
    app.click("#check-connection").await;
}

/// Connects with the right token, waits for `#whoami`, and moves to the choose step.
pub async fn connect(app: &App, remember: bool) {
    let token = app.site().token.clone();
    check_connection(app, &token, remember).await;
    let email = app.site().email.clone();
    poll("#whoami to show the admin", UI, TICK, || async {
        let shown = app.visible("#whoami").await && app.text("#whoami").await.contains(&email);
        shown.then_some(())
    })
    .await;
    app.click("#connect-next").await;
    app.wait_step("choose").await;
}

/// Clicks `#open-export` (answered by `OFFBOARD_TEST_OPEN_FILE`) and waits for the summary.
pub async fn import(app: &App, limit: Duration) {
    app.click("#open-export").await;
    app.wait_visible_for("#import-summary", limit).await;
}

/// Imports `app.open_file` the way a file dropped on the window arrives: Tauri's
/// `tauri://drag-drop` event with its paths (WebDriver cannot drag from the desktop). Needs no
/// dialog answer, so it works on release builds too.
pub async fn drop_file(app: &App, limit: Duration) {
    let path = app.open_file.display().to_string();
    app.js(
        "window.__TAURI__.event.emit('tauri://drag-drop', \
           { paths: [arguments[0]], position: { x: 20, y: 20 } });",
        vec![serde_json::Value::String(path)],
    )
    .await;
    app.wait_visible_for("#import-summary", limit).await;
}

/// Reads `#confirm-hint`, types it into `#confirm-text`, and starts the run; returns the
/// number of users the phrase names. Checks the start button stays disabled on a wrong phrase.
pub async fn confirm_and_start(app: &App) -> usize {
    let hint = poll("#confirm-hint to name the phrase", UI, TICK, || async {
        let t = app.text("#confirm-hint").await;
        first_number(&t).map(|_| t)
    })
    .await;
    let n = first_number(&hint).unwrap();
    let phrase = hint
        .trim()
        .trim_matches(['"', '“', '”', '\'', '«', '»'])
        .to_owned();
    assert!(
        !app.enabled("#start-run").await,
        "#start-run is enabled before the phrase was typed"
    );
    app.fill("#confirm-text", &format!("remove {}", n + 1))
        .await;
    assert!(
        !app.enabled("#start-run").await,
        "#start-run is enabled for a wrong phrase"
    );
    app.fill("#confirm-text", &phrase).await;
    poll(
        "#start-run to be enabled by the phrase",
        UI,
        TICK,
        || async { app.enabled("#start-run").await.then_some(()) },
    )
    .await;
    app.click("#start-run").await;
    app.wait_step("run").await;
    n
}

/// Picks `id` for the rehearsal, checks `#rehearse` stays disabled until `remove 1` is typed in
/// `#rehearse-confirm`, types it and clicks; returns the rehearsal's outcome.
pub async fn rehearse(app: &App, id: &str) -> String {
    app.choose("#rehearse-user", id).await;
    poll("#rehearse-hint to name the phrase", UI, TICK, || async {
        (app.text("#rehearse-hint").await.contains("remove 1")).then_some(())
    })
    .await;
    app.fill("#rehearse-confirm", "remove 2").await;
    assert!(
        !app.enabled("#rehearse").await,
        "#rehearse is enabled for a wrong phrase"
    );
    app.fill("#rehearse-confirm", "remove 1").await;
    poll("#rehearse to be enabled by remove 1", UI, TICK, || async {
        app.enabled("#rehearse").await.then_some(())
    })
    .await;
    app.click("#rehearse").await;
    app.wait_attr("#rehearse-result", "data-outcome", Duration::from_secs(60))
        .await
}

/// What the run step shows at one moment (one script round trip).
#[derive(Debug, Clone, Default)]
pub struct RunView {
    pub state: Option<String>,
    pub banner: bool,
    pub countdown: String,
    pub removed: Option<usize>,
    pub left: Option<usize>,
}

/// Reads the run step's hooks at once. `None` if the page could not be read just now.
pub async fn run_view(app: &App) -> Option<RunView> {
    let v = app
        .try_js(
            "const q = s => document.querySelector(s);
             const vis = el => !!el && !el.hidden && el.getClientRects().length > 0
               && getComputedStyle(el).visibility !== 'hidden';
             const t = s => (q(s) ? q(s).textContent : '');
             return {
               state: q('#run-status') ? q('#run-status').getAttribute('data-state') : null,
               banner: vis(q('#throttle-banner')),
               countdown: vis(q('#throttle-countdown')) ? t('#throttle-countdown') : '',
               removed: t('#count-removed'),
               left: t('#count-left'),
             };",
            vec![],
        )
        .await?;
    Some(RunView {
        state: v["state"].as_str().map(str::to_owned),
        banner: v["banner"].as_bool().unwrap_or(false),
        countdown: v["countdown"].as_str().unwrap_or("").to_owned(),
        removed: first_number(v["removed"].as_str().unwrap_or("")),
        left: first_number(v["left"].as_str().unwrap_or("")),
    })
}

/// Waits until `#run-status` has `data-state="state"`.
pub async fn wait_state(app: &App, state: &str, limit: Duration) {
    poll(
        &format!("#run-status[data-state={state}]"),
        limit,
        TICK,
        || async {
            (app.attr("#run-status", "data-state").await.as_deref() == Some(state)).then_some(())
        },
    )
    .await
}

/// The counters the run step shows: removed, already gone, cannot remove, skipped, failed, left.
pub async fn shown_counters(app: &App) -> [usize; 6] {
    let mut out = [0; 6];
    let ids = [
        "#count-removed",
        "#count-already-gone",
        "#count-cannot-remove",
        "#count-skipped",
        "#count-failed",
        "#count-left",
    ];
    for (slot, id) in out.iter_mut().zip(ids) {
        let text = app.text(id).await;
        *slot = first_number(&text).unwrap_or_else(|| panic!("{id} shows no number: {text:?}"));
    }
    out
}

/// One row of an exported results CSV.
#[derive(Debug, Clone)]
pub struct ResultRow {
    pub id: String,
    pub outcome: String,
    pub http_status: String,
    pub message: String,
}

/// Clicks `#export-results` (answered by `OFFBOARD_TEST_SAVE_FILE`), waits for the page to say
/// the file is saved (the command has returned, so the copy is complete), and reads the CSV,
/// which must hold `rows` rows.
pub async fn export_results(app: &App, rows: usize) -> Vec<ResultRow> {
    let _ = std::fs::remove_file(&app.save_file);
    // A "Saved to" left from an earlier export in this window must not count as this one's.
    app.js(
        "document.getElementById('export-path').textContent = '';",
        vec![],
    )
    .await;
    app.click("#export-results").await;
    let path = app.save_file.clone();
    let saved = format!("Saved to {}", path.display());
    poll(
        &format!("#export-path to read {saved:?}"),
        UI,
        TICK,
        || async { (app.text("#export-path").await == saved).then_some(()) },
    )
    .await;
    let got = read_results(&path).unwrap_or_else(|| {
        panic!(
            "{} is missing or unreadable after the export",
            path.display()
        )
    });
    assert_eq!(got.len(), rows, "rows in the exported results");
    // Excel reads a CSV as UTF-8 only when it starts with the byte-order mark.
    let bytes = std::fs::read(&path).expect("the exported results");
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "the exported results start without a UTF-8 byte-order mark"
    );
    got
}

/// The rows of a results CSV (`None` while it is missing or incomplete).
pub fn read_results(path: &std::path::Path) -> Option<Vec<ResultRow>> {
    let mut r = csv::Reader::from_path(path).ok()?;
    let headers: Vec<String> = r.headers().ok()?.iter().map(str::to_owned).collect();
    assert_eq!(
        headers,
        [
            "User id",
            "User name",
            "email",
            "outcome",
            "http_status",
            "message",
            "finished_at",
            "verified"
        ],
        "the results CSV's columns"
    );
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.ok()?;
        rows.push(ResultRow {
            id: rec[0].to_owned(),
            outcome: rec[3].to_owned(),
            http_status: rec[4].to_owned(),
            message: rec[5].to_owned(),
        });
    }
    Some(rows)
}

/// `data-run-id`s of `#run-history`.
pub async fn history(app: &App) -> Vec<String> {
    let v = app
        .js(
            "return Array.from(document.querySelectorAll('#run-history li[data-run-id]'))
               .map(li => li.getAttribute('data-run-id'));",
            vec![],
        )
        .await;
    serde_json::from_value(v).unwrap()
}

/// Run folders in the app's data dir: (run id, rows in its plan).
pub fn run_folders(app: &App) -> Vec<(String, usize)> {
    let Ok(dir) = std::fs::read_dir(app.data_dir.join("runs")) else {
        return Vec::new();
    };
    let mut out: Vec<(String, usize)> = dir
        .flatten()
        .filter_map(|e| {
            let text = std::fs::read_to_string(e.path().join("plan.json")).ok()?;
            let plan: Value = serde_json::from_str(&text).ok()?;
            Some((
                plan["run_id"].as_str()?.to_owned(),
                plan["rows"].as_array()?.len(),
            ))
        })
        .collect();
    out.sort();
    out
}

/// Figures of one scale pass.
#[derive(Debug, Clone)]
pub struct ScaleFigures {
    /// `import:start` → `import:interactive`, ms.
    pub import_ms: f64,
    /// `import:start` → `import:received` (the file read in Rust and carried to the page), ms.
    pub received_ms: f64,
    /// `search:input` → `search:painted` per keystroke, ms.
    pub keystroke_ms: Vec<f64>,
}

/// Connects, imports the large export at `app.open_file` (`rows` users, one named
/// [`fixtures::NEEDLE_NAME`] with id `needle_id`), types a search, checks the table, and returns
/// the timing marks.
pub async fn scale_pass(app: &App, rows: usize, needle_id: &str) -> ScaleFigures {
    connect(app, false).await;
    drop_file(app, Duration::from_secs(120)).await;
    let interactive = poll(
        "the import:interactive mark",
        Duration::from_secs(120),
        TICK,
        || async {
            let m = app.marks("import:interactive").await;
            m.last().copied()
        },
    )
    .await;
    let start = app.marks("import:start").await;
    let start = *start.last().expect("an import:start mark");
    let received = *app
        .marks("import:received")
        .await
        .last()
        .expect("an import:received mark");
    let (_, m) = app.selected_count().await;
    assert_eq!(m, rows, "#selected-count counts every imported row");

    let search = app.wait_visible("#search").await;
    search.clear().await.unwrap();
    let mut keystroke_ms = Vec::new();
    let word = "needlework";
    let mut narrowed_after_first = None;
    for (i, ch) in word.chars().enumerate() {
        let before = app.marks("search:input").await.len();
        search.send_keys(&ch.to_string()).await.unwrap();
        // Each keystroke gets its input mark, then its painted mark.
        let (input, painted) = poll(
            &format!("search marks for keystroke {}", i + 1),
            Duration::from_secs(30),
            TICK,
            || async {
                let input = app.marks("search:input").await;
                let painted = app.marks("search:painted").await;
                (input.len() > before && painted.len() >= input.len()).then_some((input, painted))
            },
        )
        .await;
        let last_input = *input.last().unwrap();
        let paint = painted
            .iter()
            .copied()
            .filter(|p| *p >= last_input)
            .fold(f64::INFINITY, f64::min);
        assert!(
            paint.is_finite(),
            "a search:painted mark after the last search:input"
        );
        keystroke_ms.push(paint - last_input);
        if i == 0 {
            narrowed_after_first = Some(app.selected_count().await.1);
        }
    }
    let first = narrowed_after_first.unwrap();
    assert!(
        first < rows,
        "one letter narrows the table ({first} of {rows} rows match)"
    );
    poll(
        "the search to narrow the table to the one match",
        UI,
        TICK,
        || async { (app.selected_count().await.1 == 1).then_some(()) },
    )
    .await;
    poll("the matching row to be rendered", UI, TICK, || {
        app.row(needle_id)
    })
    .await;
    let shown = app
        .js(
            "return Array.from(document.querySelectorAll('#user-table [role=row][data-id]'))
               .filter(r => !r.hidden && r.getClientRects().length > 0)
               .map(r => r.getAttribute('data-id'));",
            vec![],
        )
        .await;
    assert_eq!(
        shown,
        serde_json::json!([needle_id]),
        "only the matching row is shown"
    );
    ScaleFigures {
        import_ms: interactive - start,
        received_ms: received - start,
        keystroke_ms,
    }
}

/// The median of some figures.
pub fn median(mut v: Vec<f64>) -> f64 {
    assert!(!v.is_empty());
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Polls until a throttle countdown or the end of the run; used where only the end matters.
pub async fn wait_finished(app: &App, limit: Duration) {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = run_view(app).await {
            if v.state.as_deref() == Some("finished") {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the run did not finish within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// How a person presses a button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Press {
    /// A mouse click (WebDriver Element Click).
    Mouse,
    /// Enter on the focused button.
    Keyboard,
}

/// Unlocks an admin row through `button.unlock` and its confirmation: a native confirm is
/// accepted; an in-page confirmation is answered by pressing the (re-labelled) button again.
/// Waits until the row reads `data-unlocked="true"`.
pub async fn unlock(app: &App, id: &str, press: Press) {
    let css = format!("#user-table [role=row][data-id=\"{id}\"] button.unlock");
    let push = |css: String| async move {
        match press {
            Press::Mouse => app.click(&css).await,
            Press::Keyboard => {
                let b = app.wait_visible(&css).await;
                b.send_keys("\u{E007}").await.unwrap();
            }
        }
    };
    push(css.clone()).await;
    let client = app.client();
    let mut confirmed = false;
    let ok = poll_quiet(UI, TICK, || {
        let confirm_again = !confirmed;
        confirmed = true;
        let (client, css) = (client.clone(), css.clone());
        async move {
            if client.get_alert_text().await.is_ok() {
                client.accept_alert().await.ok();
                return None;
            }
            let row = app.row(id).await?;
            if row.unlocked {
                return Some(row);
            }
            if confirm_again && row.has_unlock {
                push(css).await;
            }
            None
        }
    })
    .await;
    if ok.is_none() {
        let html = app
            .try_js(
                "const r = Array.from(document.querySelectorAll('#user-table [role=row][data-id]'))
                   .find(r => r.getAttribute('data-id') === arguments[0]);
                 return r ? r.outerHTML : null;",
                vec![serde_json::json!(id)],
            )
            .await;
        panic!(
            "row {id} never read data-unlocked=\"true\" after button.unlock and its confirmation: {:?}\n{html:?}",
            app.row(id).await
        );
    }
}

/// `#import-skipped` entries' texts.
pub async fn skipped_items(app: &App) -> Vec<String> {
    let v = app
        .js(
            "return Array.from(document.querySelectorAll('#import-skipped li'))
               .map(li => li.textContent);",
            vec![],
        )
        .await;
    serde_json::from_value(v).unwrap()
}

/// Asserts every DELETE in `record` between two site times (exclusive) is absent.
pub fn deletes_between(record: &[crate::Record], from_ms: u64, to_ms: u64) -> Vec<crate::Record> {
    record
        .iter()
        .filter(|r| r.method == "DELETE" && r.at_ms > from_ms && r.at_ms < to_ms)
        .cloned()
        .collect()
}

/// The generated large export, written once per process under the system temp folder.
pub fn large_export(rows: usize) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = tempfile::Builder::new()
        .prefix("offboard-e2e-large.")
        .tempdir()
        .unwrap();
    let path = dir.path().join(format!("export-{rows}.csv"));
    let ids = fixtures::write_large_export(rows, &path);
    let needle = ids[rows / 2].clone();
    (dir, path, needle)
}
