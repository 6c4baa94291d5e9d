//! The harness of the window's end-to-end suite.
//!
//! Per test: a temporary folder (the app's data dir via `OFFBOARD_DATA_DIR`, the files the
//! debug-only dialog answers point at), `offboard practice-site` as a child process recording
//! every request, `tauri-driver` on free loopback ports with the environment the app inherits,
//! and a WebDriver session that launches `target/debug/offboard`. [`run`] tears all of it down
//! whether the test passed, failed or panicked; `Drop` impls are the last line of defence.
//!
//! Every wait is a poll of a condition with a deadline ([`poll`]); no sleep synchronises.
//! The page is driven only through the hooks of `docs/window-contract.md`.

pub mod bench;
pub mod fixtures;
pub mod flows;
pub mod gc_log;
pub mod http;
pub mod org;
pub mod page;
pub mod procs;
pub mod site;

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use site::{Record, Site};

/// The repository root (tests/e2e/../..).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository root exists")
}

/// The app binary under test: `OFFBOARD_E2E_APP`, else `<repo>/target/debug/offboard`.
/// Tests that open or save a file need a debug build: only those answer the native dialogs
/// from the environment (the installed-app check runs a release build without them).
pub fn app_binary() -> PathBuf {
    let path = std::env::var_os("OFFBOARD_E2E_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/debug/offboard"));
    assert!(
        path.is_file(),
        "{} is missing: build it first with `cargo build -p offboard`",
        path.display()
    );
    path.canonicalize().unwrap()
}

/// Polls `check` every `every` until it returns `Some`, or panics naming `what` after `limit`.
pub async fn poll<T, F, Fut>(what: &str, limit: Duration, every: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        if Instant::now() >= deadline {
            panic!("timed out after {limit:?} waiting for {what}");
        }
        tokio::time::sleep(every).await;
    }
}

/// Like [`poll`], but `None` after `limit` instead of a panic.
pub async fn poll_quiet<T, F, Fut>(limit: Duration, every: Duration, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = check().await {
            return Some(v);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(every).await;
    }
}

/// What a test needs started.
#[derive(Debug, Clone)]
pub struct Options {
    /// Seed the practice site from this export (copied into the test's folder); `None` starts
    /// no practice site (e.g. the app's own `--practice` mode).
    pub site_csv: Option<PathBuf>,
    /// The practice site's DELETE rate (`--rate`); `None` = unlimited.
    pub rate: Option<f64>,
    /// More `practice-site` arguments (e.g. `--site-admin ID`).
    pub site_args: Vec<String>,
    /// The file `#open-export` gets (`OFFBOARD_TEST_OPEN_FILE`); defaults to the site's export.
    pub open_file: Option<PathBuf>,
    /// Arguments for the app (e.g. `--practice`).
    pub app_args: Vec<String>,
    /// Bound on the whole test body.
    pub limit: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            site_csv: None,
            rate: None,
            site_args: Vec::new(),
            open_file: None,
            app_args: Vec::new(),
            limit: Duration::from_secs(300),
        }
    }
}

/// One test's world: its folder, practice site, driver and WebDriver session.
pub struct App {
    /// The test's temporary folder (kept while the test runs).
    pub tmp: tempfile::TempDir,
    /// `OFFBOARD_DATA_DIR` of the app.
    pub data_dir: PathBuf,
    /// What the native open dialog answers.
    pub open_file: PathBuf,
    /// What the native save dialog answers.
    pub save_file: PathBuf,
    /// The practice site, when the options asked for one.
    pub site: Option<Site>,
    app_args: Vec<String>,
    session: Mutex<Option<Session>>,
}

/// A driver process and the session opened through it.
struct Session {
    driver: procs::Driver,
    client: Client,
    /// The driver's output, the app's and WebKit's stderr included.
    log: PathBuf,
}

impl App {
    /// Starts the site, the driver and a session; the window is loading when this returns.
    pub async fn start(options: &Options) -> App {
        let tmp = tempfile::Builder::new()
            .prefix("offboard-e2e.")
            .tempdir()
            .unwrap();
        let data_dir = tmp.path().join("data");
        std::fs::create_dir_all(&data_dir).unwrap();
        let save_file = tmp.path().join("results-export.csv");
        let mut site = None;
        let mut open_file = options.open_file.clone();
        if let Some(csv) = &options.site_csv {
            let copy = tmp.path().join(csv.file_name().unwrap());
            std::fs::copy(csv, &copy).unwrap();
            site = Some(
                Site::start_with(&copy, options.rate, tmp.path(), "site", &options.site_args).await,
            );
            open_file.get_or_insert(copy);
        }
        let open_file = open_file.unwrap_or_else(|| tmp.path().join("no-file-chosen.csv"));
        let app = App {
            tmp,
            data_dir,
            open_file,
            save_file,
            site,
            app_args: options.app_args.clone(),
            session: Mutex::new(None),
        };
        app.launch().await;
        app
    }

    /// The practice site (panics when the test started none).
    pub fn site(&self) -> &Site {
        self.site
            .as_ref()
            .expect("this test started a practice site")
    }

    /// The current WebDriver session.
    pub fn client(&self) -> Client {
        self.session
            .lock()
            .unwrap()
            .as_ref()
            .expect("a session is open")
            .client
            .clone()
    }

    /// The current session's driver log, where the app's and WebKit's stderr go.
    pub fn driver_log(&self) -> PathBuf {
        self.session
            .lock()
            .unwrap()
            .as_ref()
            .expect("a session is open")
            .log
            .clone()
    }

    /// Starts a driver with the app's environment and opens a session (launching the app).
    pub async fn launch(&self) {
        let env: Vec<(&str, &std::ffi::OsStr)> = vec![
            ("OFFBOARD_DATA_DIR", self.data_dir.as_os_str()),
            ("OFFBOARD_TEST_OPEN_FILE", self.open_file.as_os_str()),
            ("OFFBOARD_TEST_SAVE_FILE", self.save_file.as_os_str()),
        ];
        let n = std::fs::read_dir(self.tmp.path()).map_or(0, |d| d.count());
        let log = self.tmp.path().join(format!("driver-{n}.log"));
        let driver = procs::Driver::start(&env, &log).await;
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({
                "application": app_binary(),
                "args": self.app_args,
            }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&driver.url())
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "no WebDriver session: {e}\n--- driver log ---\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                )
            });
        *self.session.lock().unwrap() = Some(Session {
            driver,
            client,
            log,
        });
    }

    /// Ends the session and the driver; the app is killed if closing the session left it.
    pub async fn close(&self) {
        let session = self.session.lock().unwrap().take();
        if let Some(Session { driver, client, .. }) = session {
            // Bounded: a wedged app must not hang the teardown.
            let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
            driver.stop().await;
        }
    }

    /// Ends the app as logging out does (SIGTERM, which it treats like closing its window) and
    /// waits for it to exit by itself, so it writes what it keeps at exit; then ends the driver.
    /// (WebDriver's "close window" ends the browser process without an orderly exit.)
    pub async fn quit(&self) {
        let session = self.session.lock().unwrap().take();
        let Some(Session { driver, client, .. }) = session else {
            return;
        };
        let app = app_binary();
        let signalled = driver.signal_app(&app, "TERM");
        assert!(signalled > 0, "found no app process under the driver");
        poll(
            "the app to exit after SIGTERM",
            Duration::from_secs(15),
            Duration::from_millis(50),
            || {
                let gone = driver.app_pids(&app).is_empty();
                async move { gone.then_some(()) }
            },
        )
        .await;
        drop(client);
        driver.stop().await;
    }

    /// Kills the app process hard (as a crash or power loss would), then ends the driver.
    pub async fn kill_app(&self) {
        let session = self.session.lock().unwrap().take();
        if let Some(Session { driver, client, .. }) = session {
            let killed = driver.signal_app(&app_binary(), "KILL");
            assert!(killed > 0, "found no app process under the driver to kill");
            drop(client);
            driver.stop().await;
        }
        // A relaunch before the bus frees the dead window's name would hand over to it and exit.
        wait_instance_released().await;
    }

    /// Everything down: session, driver, app, practice site. Returns the site's record.
    pub async fn shutdown(&self) -> Option<Vec<Record>> {
        self.close().await;
        match &self.site {
            Some(site) => Some(site.stop().await),
            None => None,
        }
    }
}

/// Runs a test body against a freshly started app, bounded by `options.limit`, and tears
/// everything down afterwards, also when the body panics or times out.
pub async fn run<F, Fut>(options: Options, body: F)
where
    F: FnOnce(Arc<App>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let app = Arc::new(App::start(&options).await);
    let task = tokio::spawn(tokio::time::timeout(options.limit, body(Arc::clone(&app))));
    let outcome = task.await;
    if outcome.is_err() || matches!(outcome, Ok(Err(_))) {
        app.dump_logs();
        app.failure_screenshot().await;
    }
    app.shutdown().await;
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(_)) => panic!("the test did not finish within {:?}", options.limit),
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

impl App {
    /// Saves what the window shows to `tests/e2e/target/e2e-failures/` and says where.
    pub async fn failure_screenshot(&self) {
        let Some(client) = self
            .session
            .lock()
            .unwrap()
            .as_ref()
            .map(|s| s.client.clone())
        else {
            return;
        };
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-failures");
        let name = format!(
            "{}-{}.png",
            std::thread::current()
                .name()
                .unwrap_or("test")
                .replace("::", "-"),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        );
        if let Ok(Ok(png)) =
            tokio::time::timeout(Duration::from_secs(10), client.screenshot()).await
        {
            if std::fs::create_dir_all(&dir).is_ok() && std::fs::write(dir.join(&name), png).is_ok()
            {
                eprintln!(
                    "--- the window at the failure: {} ---",
                    dir.join(&name).display()
                );
            }
        }
    }

    /// Prints the driver and site logs (the app's stderr goes to the driver's log).
    pub fn dump_logs(&self) {
        let Ok(dir) = std::fs::read_dir(self.tmp.path()) else {
            return;
        };
        for entry in dir.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "log") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(80).collect();
                eprintln!("--- {} (last lines) ---", path.display());
                for line in tail.iter().rev() {
                    eprintln!("{line}");
                }
            }
        }
    }
}

/// Waits until no Offboard window owns its single-instance D-Bus name any more. The bus frees the
/// name of a killed app only once every process sharing its connection has exited; a launch
/// before that hands its arguments over to the dead window and exits.
async fn wait_instance_released() {
    let limit = Duration::from_secs(30);
    poll(
        "the killed app's D-Bus name to be freed",
        limit,
        page::TICK,
        || async {
            let out = std::process::Command::new("dbus-send")
                .args(["--session", "--print-reply", "--dest=org.freedesktop.DBus"])
                .args(["/org/freedesktop/DBus", "org.freedesktop.DBus.ListNames"])
                .output();
            // No session bus (or no dbus-send): the app then runs without the single-instance lock.
            let Some(out) = out.ok().filter(|o| o.status.success()) else {
                return Some(());
            };
            let names = String::from_utf8_lossy(&out.stdout);
            let held = names
                .lines()
                .any(|l| l.contains("com.offboard.desktop.h") && l.contains("SingleInstance"));
            (!held).then_some(())
        },
    )
    .await;
}
