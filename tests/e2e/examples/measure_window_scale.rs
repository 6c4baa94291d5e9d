//! The window at scale, run by `tests/measure-window-scale`: a `SCALE_ROWS`-row export
//! (default 100,000) dropped on the window, then search keystrokes; medians of `SCALE_RUNS`
//! passes (default 5), each a fresh app. A measurement, not a test: it asserts only correctness.
use offboard_e2e::flows::*;
use offboard_e2e::{fixtures, run, Options};
use std::sync::{Arc, Mutex};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let rows: usize = std::env::var("SCALE_ROWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let runs: usize = std::env::var("SCALE_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let (_keep, export, needle) = large_export(rows);
    let figures = Arc::new(Mutex::new(Vec::new()));
    for i in 0..runs {
        let options = Options {
            site_csv: Some(fixtures::path("export-plain.csv")),
            open_file: Some(export.clone()),
            ..Options::default()
        };
        let (figures, needle) = (Arc::clone(&figures), needle.clone());
        run(options, move |app| async move {
            let f = scale_pass(&app, rows, &needle).await;
            println!(
                "pass {}: import_to_interactive_ms={:.0} (received after {:.0}) keystroke_to_paint_ms={:?}",
                i + 1,
                f.import_ms,
                f.received_ms,
                f.keystroke_ms.iter().map(|m| m.round()).collect::<Vec<_>>()
            );
            figures.lock().unwrap().push(f);
        })
        .await;
    }
    let all = figures.lock().unwrap().clone();
    let imports: Vec<f64> = all.iter().map(|f| f.import_ms).collect();
    let keys: Vec<f64> = all.iter().flat_map(|f| f.keystroke_ms.clone()).collect();
    let worst_key = keys.iter().copied().fold(0.0, f64::max);
    println!(
        "WINDOW_SCALE_MEDIANS rows={rows} passes={runs} import_to_interactive_ms={:.0} \
         keystroke_to_paint_ms={:.1} (over {} keystrokes; worst {:.1}) targets: <1000 ms, <50 ms",
        median(imports),
        median(keys.clone()),
        keys.len(),
        worst_key
    );
}
