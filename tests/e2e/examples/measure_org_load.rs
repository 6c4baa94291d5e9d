//! Organization mode at scale, run by `tests/measure-org-load`: the window connected in
//! organization mode to a practice organization of about `SCALE_USERS` generated people
//! (default 100,000; `practice-site --users N --seed 42`, `SCALE_LATENCY_MS` per reply), its
//! directory loaded page by page, then figures of what happens after the last page, as
//! medians of `SCALE_RUNS` passes (default 3), each a fresh app and site. A measurement, not a
//! test: it asserts only that every person arrived.
//!
//! Timed in the page with a probe installed before the load (so any version of the page is
//! measured alike; it wraps the IPC's `fetch`): the arrival of the last `org-load` event, the
//! answer of `org_load_users` parsed (Rust's work, the IPC and the parse done), and the first
//! idle moment after the table was drawn (`requestAnimationFrame`, then a task). Also search
//! keystrokes to the repainted table (the median of five), and the answer's size as JSON
//! (stringified again in the page, after the timings). `SCALE_DEBUG=1` also prints the app's
//! log lines about the load and the page's times on the wall clock, to line them up.
use offboard_e2e::flows::median;
use offboard_e2e::page::{TICK, UI};
use offboard_e2e::{app_binary, poll, poll_quiet, run, App, Options};
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The page-side probe: wraps the IPC's `fetch` for `org_load_users`, listens to `org-load`.
const PROBE: &str = r#"
const m = { pages: 0, loaded: 0, lastPage: 0, received: 0, drawn: 0, idle: 0, start: performance.now() };
window.__orgMeasure = m;
window.__TAURI__.event.listen('org-load', (e) => {
  m.lastPage = performance.now(); m.pages = e.payload.pages; m.loaded = e.payload.loaded;
});
// `invoke` cannot be wrapped (frozen, or defined read-only); the IPC's `fetch` is looked up at
// each call, so the probe wraps it and the parse of the answer.
const fetch0 = window.fetch.bind(window);
window.fetch = async (url, init) => {
  const res = await fetch0(url, init);
  if (!String(url).includes('org_load_users')) return res;
  m.headers = performance.now();
  const json = res.json.bind(res);
  res.json = () => json().then((v) => {
    m.received = performance.now();
    m.answer = v;
    // The page's continuation (the table's model and its first draw) runs before this frame.
    requestAnimationFrame(() => { m.drawn = performance.now(); setTimeout(() => { m.idle = performance.now(); }, 0); });
    return v;
  });
  return res;
};
return window.fetch !== fetch0;
"#;

/// One pass's figures, in ms.
#[derive(Debug, Clone, Default)]
struct Figures {
    load_ms: f64,
    last_page_to_headers_ms: f64,
    last_page_to_received_ms: f64,
    received_to_idle_ms: f64,
    last_page_to_idle_ms: f64,
    keystroke_ms: f64,
    answer_bytes: f64,
    loaded: f64,
}

/// The practice site's process, ended when the pass ends (a failed one too).
struct SiteProcess(Child);

impl Drop for SiteProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `offboard practice-site --users N` on 127.0.0.1: (process, url, org id, org key).
fn start_site(users: usize, latency_ms: u64) -> (SiteProcess, String, String, String) {
    let mut child = Command::new(app_binary())
        .args(["practice-site", "--port", "0", "--seed", "42"])
        .args(["--users", &users.to_string()])
        .args(["--latency-ms", &latency_ms.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("offboard practice-site starts");
    let mut banner = std::collections::HashMap::new();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    while !["PRACTICE_SITE_URL", "PRACTICE_ORG_ID", "PRACTICE_ORG_KEY"]
        .iter()
        .all(|k| banner.contains_key(*k))
    {
        let line = lines
            .next()
            .expect("the site's banner")
            .expect("a banner line");
        if let Some((k, v)) = line.split_once('=') {
            banner.insert(k.to_owned(), v.to_owned());
        }
    }
    // The rest of its output is drained so the pipe never fills.
    std::thread::spawn(move || lines.for_each(drop));
    (
        SiteProcess(child),
        banner["PRACTICE_SITE_URL"].clone(),
        banner["PRACTICE_ORG_ID"].clone(),
        banner["PRACTICE_ORG_KEY"].clone(),
    )
}

async fn pass(app: &App, url: &str, org: &str, key: &str) -> Figures {
    app.wait_step("connect").await;
    app.click("#mode-org").await;
    app.wait_visible("#org-form").await;
    app.click("#org-api-box summary").await;
    app.fill("#org-api", url).await;
    app.fill("#org-id", org).await;
    app.fill("#org-key", key).await;
    app.click("#org-check").await;
    poll("#org-connected to say Connected to", UI, TICK, || async {
        let t = app.text("#org-connected").await;
        t.contains("Connected to").then_some(())
    })
    .await;
    app.click("#connect-next").await;
    app.wait_step("choose").await;
    assert_eq!(
        app.js(PROBE, vec![]).await,
        serde_json::Value::Bool(true),
        "the probe is installed"
    );
    app.click("#org-load").await;
    poll(
        "#org-summary to say who was loaded",
        Duration::from_secs(900),
        Duration::from_millis(200),
        || async {
            app.text("#org-summary")
                .await
                .contains("loaded from")
                .then_some(())
        },
    )
    .await;
    let probe = "const m = window.__orgMeasure; return { start: m.start, lastPage: m.lastPage, \
                 headers: m.headers, received: m.received, idle: m.idle, loaded: m.loaded, pages: m.pages };";
    let idle = poll_quiet(Duration::from_secs(30), TICK, || async {
        let m = app.js(probe, vec![]).await;
        (m["idle"].as_f64().unwrap_or(0.0) > 0.0).then_some(m)
    })
    .await;
    let m = match idle {
        Some(m) => m,
        None => panic!(
            "the probe saw no idle moment: {}",
            app.js(probe, vec![]).await
        ),
    };
    let f = |k: &str| m[k].as_f64().unwrap();
    if std::env::var_os("SCALE_DEBUG").is_some() {
        let origin = app
            .js("return performance.timeOrigin;", vec![])
            .await
            .as_f64()
            .unwrap();
        let log =
            std::fs::read_to_string(app.data_dir.join("logs/offboard.log")).unwrap_or_default();
        for line in log.lines().filter(|l| l.contains("organization users")) {
            println!("log: {line}");
        }
        for k in ["lastPage", "headers", "received", "idle"] {
            println!("page: {k} at epoch ms {:.0}", origin + f(k));
        }
    }
    let bytes = app
        .js(
            "return JSON.stringify(window.__orgMeasure.answer).length;",
            vec![],
        )
        .await;
    app.js("window.__orgMeasure.answer = null;", vec![]).await;
    let (_, shown) = app.selected_count().await;
    assert_eq!(
        shown as f64,
        f("loaded"),
        "every person loaded is in the table"
    );

    // Search keystrokes to the repainted table (the page's own marks); the first one through
    // WebDriver is slow in site mode too, so the median of five is the figure.
    let search = app.wait_visible("#search").await;
    let mut keystroke_ms = Vec::new();
    for ch in "silva".chars() {
        let before = app.marks("search:input").await.len();
        search.send_keys(&ch.to_string()).await.unwrap();
        let (input, painted) = poll("the search marks", UI, TICK, || async {
            let input = app.marks("search:input").await;
            let painted = app.marks("search:painted").await;
            (input.len() > before && painted.len() >= input.len()).then_some((input, painted))
        })
        .await;
        keystroke_ms.push(painted.last().unwrap() - input.last().unwrap());
    }
    println!("keystrokes (ms): {keystroke_ms:?}");
    Figures {
        load_ms: f("lastPage") - f("start"),
        last_page_to_headers_ms: f("headers") - f("lastPage"),
        last_page_to_received_ms: f("received") - f("lastPage"),
        received_to_idle_ms: f("idle") - f("received"),
        last_page_to_idle_ms: f("idle") - f("lastPage"),
        keystroke_ms: median(keystroke_ms),
        answer_bytes: bytes.as_f64().unwrap_or(0.0),
        loaded: f("loaded"),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let env = |k: &str, d: u64| {
        std::env::var(k)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(d)
    };
    let (users, runs, latency) = (
        env("SCALE_USERS", 100_000) as usize,
        env("SCALE_RUNS", 3) as usize,
        env("SCALE_LATENCY_MS", 0),
    );
    let all = Arc::new(Mutex::new(Vec::<Figures>::new()));
    for i in 0..runs {
        let (_site, url, org, key) = start_site(users, latency);
        let options = Options {
            limit: Duration::from_secs(1200),
            ..Options::default()
        };
        let all2 = Arc::clone(&all);
        run(options, move |app| async move {
            let f = pass(&app, &url, &org, &key).await;
            println!(
                "pass {}: loaded={} load_ms={:.0} last_page_to_headers_ms={:.0} last_page_to_received_ms={:.0} \
                 received_to_idle_ms={:.0} last_page_to_idle_ms={:.0} keystroke_ms={:.1} \
                 answer_bytes={:.0}",
                i + 1,
                f.loaded,
                f.load_ms,
                f.last_page_to_headers_ms,
                f.last_page_to_received_ms,
                f.received_to_idle_ms,
                f.last_page_to_idle_ms,
                f.keystroke_ms,
                f.answer_bytes
            );
            all2.lock().unwrap().push(f);
        })
        .await;
    }
    let all = all.lock().unwrap().clone();
    let med = |g: fn(&Figures) -> f64| median(all.iter().map(g).collect());
    println!(
        "ORG_LOAD_MEDIANS users={} passes={runs} latency_ms={latency} load_ms={:.0} \
         last_page_to_headers_ms={:.0} last_page_to_received_ms={:.0} received_to_idle_ms={:.0} last_page_to_idle_ms={:.0} \
         keystroke_ms={:.1} answer_bytes={:.0} target: last_page_to_idle_ms < 1000 ({})",
        med(|f| f.loaded),
        med(|f| f.load_ms),
        med(|f| f.last_page_to_headers_ms),
        med(|f| f.last_page_to_received_ms),
        med(|f| f.received_to_idle_ms),
        med(|f| f.last_page_to_idle_ms),
        med(|f| f.keystroke_ms),
        med(|f| f.answer_bytes),
        app_binary().display()
    );
}
