//! The window's column of bench/run's P4 (full scale): one run of the app through WebDriver
//! against a practice site bench/run started, with figures printed as one JSON line
//! (`BENCH_WINDOW {...}`). A measurement, not a test: it asserts only that the steps happen.
//!
//! ```sh
//! OFFBOARD_API_TOKEN=practice-token OFFBOARD_E2E_APP=target/release/offboard \
//!   bench_window --site URL --email admin@example.com --export FILE \
//!   [--rate 50] [--in-flight 16] [--limit-s 7200]
//! ```
//!
//! Steps: connect (not remembered), drop the export on the window, select all, Review, the dry
//! run (timed from the click to its counts), the pace fields, the typed phrase, Start. While the
//! run goes, the app's process tree (the app, WebKit's web and network processes) is read from
//! /proc once a second: the peak of the summed VmRSS, each process's own peak (VmHWM), and the
//! tree's RSS each time another tenth of the rows is decided. The wall time runs from the click
//! on Start to the look-up after the run (`#run-verified`), as the CLI's runs to its exit.
use offboard_e2e::bench::*;
use offboard_e2e::flows::drop_file;
use offboard_e2e::gc_log::{self, GcLog};
use offboard_e2e::page::{first_number, TICK, UI};
use offboard_e2e::{poll, run, Options};
use serde_json::json;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Bound on one step before the run (import, plan, dry run) at 100,000 rows.
const STEP: Duration = Duration::from_secs(1800);
/// How often the page is read while the run goes (the end is seen within this).
const PAGE_EVERY: Duration = Duration::from_millis(250);
/// How often the process tree's memory is read.
const RSS_EVERY: Duration = Duration::from_secs(1);

fn args() -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let key = k
            .strip_prefix("--")
            .unwrap_or_else(|| panic!("unexpected argument {k:?}"));
        let v = it.next().unwrap_or_else(|| panic!("--{key} needs a value"));
        out.insert(key.to_owned(), v);
    }
    out
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let a = args();
    let need = |k: &str| {
        a.get(k)
            .cloned()
            .unwrap_or_else(|| panic!("--{k} is required"))
    };
    let (site, email, export) = (need("site"), need("email"), PathBuf::from(need("export")));
    let token = std::env::var("OFFBOARD_API_TOKEN").expect("OFFBOARD_API_TOKEN (the site's token)");
    let rate = a.get("rate").cloned().unwrap_or_else(|| "50".into());
    let in_flight = a.get("in-flight").cloned().unwrap_or_else(|| "16".into());
    let limit = Duration::from_secs(
        a.get("limit-s")
            .map_or(7200, |s| s.parse().expect("--limit-s is a number")),
    );
    // Inherited by tauri-driver, the app and WebKit's web process.
    std::env::set_var(gc_log::ENABLE.0, gc_log::ENABLE.1);
    let options = Options {
        open_file: Some(export),
        // The body bounds its wait for the run by `limit` from Start; this also covers the
        // steps before it (each bounded by STEP) and the teardown.
        limit: limit + 2 * STEP,
        ..Options::default()
    };
    let figures = Arc::new(Mutex::new(None));
    let out = Arc::clone(&figures);
    run(options, move |app| async move {
        connect_to(&app, &site, &email, &token).await;
        let t = Instant::now();
        drop_file(&app, STEP).await;
        let import_s = secs(t.elapsed());
        app.click("#select-all").await;
        let (selected, shown) = poll("rows to be selected", UI, TICK, || async {
            let (n, m) = app.selected_count().await;
            (n > 0).then_some((n, m))
        })
        .await;
        app.click("#choose-next").await;
        app.wait_step("review").await;
        phrase(&app).await;

        let t = Instant::now();
        app.click("#dry-run").await;
        app.wait_attr("#dry-run-result", "data-exists", STEP).await;
        let dry_run_s = secs(t.elapsed());
        let mut dry = serde_json::Map::new();
        for k in [
            "exists",
            "already-gone",
            "app-accounts",
            "customer-accounts",
            "protected",
        ] {
            let v = app.attr("#dry-run-result", &format!("data-{k}")).await;
            dry.insert(k.into(), json!(v.as_deref().and_then(first_number)));
        }

        if app.attr("#advanced", "open").await.is_none() {
            app.click("#advanced > summary").await;
        }
        app.fill("#pace-rate", &rate).await;
        app.fill("#pace-in-flight", &in_flight).await;
        let phrase = phrase(&app).await;
        app.fill("#confirm-text", &phrase).await;
        poll("#start-run to arm", UI, TICK, || async {
            app.enabled("#start-run").await.then_some(())
        })
        .await;
        let pid = app_pid().expect("the app's process under the driver");
        let before = tree_memory(pid);
        let mut peaks = PeakByProcess::default();
        peaks.add(&before);

        let mut gc = GcLog::new(&app.driver_log());
        // (rows decided when read, the collection): the collections during the run.
        let mut during: Vec<(usize, gc_log::Collection)> = Vec::new();
        let before_run = gc.read();
        let t0 = Instant::now();
        app.click("#start-run").await;
        app.wait_step("run").await;
        let mut peak = before.rss_kib;
        let mut last = before.clone();
        let mut next_rss = Instant::now();
        let mut trace: Vec<serde_json::Value> = Vec::new();
        let mut samples = 0usize;
        let (mut finished_s, mut verified_s, mut seen) = (None, None, Counters::default());
        let deadline = t0 + limit;
        while Instant::now() < deadline {
            if Instant::now() >= next_rss {
                last = tree_memory(pid);
                peaks.add(&last);
                peak = peak.max(last.rss_kib);
                samples += 1;
                next_rss = Instant::now() + RSS_EVERY;
                during.extend(gc.read().into_iter().map(|c| (seen.decided(), c)));
            }
            if let Some(c) = counters(&app).await {
                let total = c.total().max(1);
                // Each tenth of the rows decided, once (several if one reading passes more).
                while trace.len() <= 10 && c.decided() * 10 >= trace.len() * total {
                    let m = tree_memory(pid);
                    peak = peak.max(m.rss_kib);
                    trace.push(json!({
                        "pct": trace.len() * 10, "decided": c.decided(),
                        "at_s": secs(t0.elapsed()), "rss_kib": m.rss_kib,
                        "app_rss_kib": m.app_rss_kib,
                    }));
                }
                if c.state.as_deref() == Some("finished") && finished_s.is_none() {
                    finished_s = Some(secs(t0.elapsed()));
                }
                let done = finished_s.is_some() && c.verified_gone.is_some();
                seen = c;
                if done {
                    verified_s = Some(secs(t0.elapsed()));
                    break;
                }
            }
            tokio::time::sleep(PAGE_EVERY).await;
        }
        let end = tree_memory(pid);
        peaks.add(&end);
        during.extend(gc.read().into_iter().map(|c| (seen.decided(), c)));
        let js = page_heap(&before_run, &during);
        let files = newest_run_files(&app.data_dir.join("runs"));
        let rows = files
            .and_then(|f| f.2)
            .unwrap_or(seen.total() as u64)
            .max(1);
        let [removed, already_gone, cannot_remove, skipped, failed] = seen.decided_by_kind;
        *out.lock().unwrap() = Some(json!({
            "import_s": import_s, "selected": selected, "shown": shown,
            "dry_run_s": dry_run_s, "dry_run": dry,
            "rate": rate, "in_flight": in_flight,
            "finished": verified_s.is_some(), "state": seen.state,
            "wall_s": verified_s.or(finished_s).unwrap_or_else(|| secs(t0.elapsed())),
            "decided_s": finished_s,
            "rows": rows, "removed": removed, "already_gone": already_gone,
            "cannot_remove": cannot_remove, "skipped": skipped, "failed": failed,
            "left": seen.left, "verified_gone": seen.verified_gone,
            "still_present": seen.still_present,
            "rss_before_run_kib": before.rss_kib, "peak_rss_kib": peak,
            "rss_end_kib": end.rss_kib, "rss_samples": samples,
            "last_sample_kib": last.rss_kib,
            "peak_hwm_sum_kib": peaks.sum(), "peak_hwm_by_process_kib": peaks.by_name(),
            "trace": trace,
            "js_heap_before_run_kib": js.last_full_before,
            "js_heap_last_before_run_kib": js.last_before,
            "js_full_gcs": js.fulls, "js_collections": js.all,
            "journal_bytes": files.map(|f| f.0), "plan_bytes": files.map(|f| f.1),
        }));
    })
    .await;
    let got = figures.lock().unwrap().take().expect("the figures");
    println!("BENCH_WINDOW {got}");
}

/// The page's heap (the largest one logged; workers' are small) through the run.
struct PageHeap {
    /// KiB after the last full collection before Start.
    last_full_before: Option<u64>,
    /// KiB after the last collection of any kind before Start.
    last_before: Option<u64>,
    /// `[rows decided, KiB]` for each full collection during the run.
    fulls: Vec<(usize, u64)>,
    /// `[rows decided, 1 if full else 0, KiB]` for each collection during the run.
    all: Vec<(usize, u8, u64)>,
}

fn page_heap(before: &[gc_log::Collection], during: &[(usize, gc_log::Collection)]) -> PageHeap {
    let page = before
        .iter()
        .chain(during.iter().map(|(_, c)| c))
        .max_by_key(|c| c.after_kib)
        .map(|c| c.heap.clone());
    let mine = |c: &gc_log::Collection| Some(&c.heap) == page.as_ref();
    let last_before = |full_only: bool| {
        before
            .iter()
            .rev()
            .find(|c| mine(c) && (c.full || !full_only))
            .map(|c| c.after_kib)
    };
    let ours: Vec<_> = during.iter().filter(|(_, c)| mine(c)).collect();
    PageHeap {
        last_full_before: last_before(true),
        last_before: last_before(false),
        fulls: ours
            .iter()
            .filter(|(_, c)| c.full)
            .map(|(d, c)| (*d, c.after_kib))
            .collect(),
        all: ours
            .iter()
            .map(|(d, c)| (*d, u8::from(c.full), c.after_kib))
            .collect(),
    }
}

/// Waits for Review's phrase (Rust's plan is prepared) and returns it without quotes.
async fn phrase(app: &offboard_e2e::App) -> String {
    poll("#confirm-hint to name the phrase", STEP, TICK, || async {
        let t = app.text("#confirm-hint").await;
        let t = t.trim().trim_matches(['"', '“', '”', '\'', '«', '»']);
        t.starts_with("remove ").then(|| t.to_owned())
    })
    .await
}
