//! `offboard practice-site` as a child process, and what it recorded.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One request the practice site saw (a line of its `--record-file`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// `GET`, `DELETE`, ...
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// The `accountId` asked about, if any.
    pub account_id: Option<String>,
    /// The status answered; `None` when the connection was dropped.
    pub status: Option<u16>,
    /// Arrival, in ms since the site started.
    pub at_ms: u64,
    /// The login accepted, if any.
    pub authorized_as: Option<String>,
}

impl Record {
    fn parse(line: &str) -> Record {
        let v: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("a record line is JSON ({e}): {line}"));
        let s = |k: &str| v[k].as_str().map(str::to_owned);
        Record {
            method: s("method").expect("method"),
            path: s("path").expect("path"),
            account_id: s("account_id"),
            status: v["status"].as_u64().map(|n| n as u16),
            at_ms: v["at_ms"].as_u64().expect("at_ms"),
            authorized_as: s("authorized_as"),
        }
    }

    /// A DELETE of this account id.
    pub fn is_delete_of(&self, id: &str) -> bool {
        self.method == "DELETE" && self.account_id.as_deref() == Some(id)
    }
}

/// A running practice site.
pub struct Site {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The admin login's email.
    pub email: String,
    /// The admin login's practice token.
    pub token: String,
    /// When the banner was read: the site's clock (`at_ms`) started just before.
    pub started: Instant,
    record_file: PathBuf,
    child: Mutex<Option<Child>>,
    record: Mutex<Option<Vec<Record>>>,
}

impl Site {
    /// Starts `offboard practice-site --csv CSV [--rate R] --record-file ... --port 0` and reads
    /// its address and login from the first lines it prints.
    pub async fn start(csv: &Path, rate: Option<f64>, dir: &Path) -> Site {
        Site::start_with(csv, rate, dir, "site", &[]).await
    }

    /// The same with more `practice-site` arguments (e.g. `--site-admin ID`), its record and log
    /// named after `name` so that two sites can share a test's folder.
    pub async fn start_with(
        csv: &Path,
        rate: Option<f64>,
        dir: &Path,
        name: &str,
        extra: &[String],
    ) -> Site {
        let record_file = dir.join(format!("{name}-record.jsonl"));
        let log = dir.join(format!("{name}.log"));
        let mut cmd = Command::new(crate::app_binary());
        cmd.arg("practice-site")
            .arg("--csv")
            .arg(csv)
            .arg("--record-file")
            .arg(&record_file)
            .args(["--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap());
        if let Some(r) = rate {
            cmd.args(["--rate", &r.to_string()]);
        }
        cmd.args(extra);
        let mut child = cmd.spawn().expect("offboard practice-site starts");
        // A thread reads stdout: the banner comes back through the channel, the rest (the
        // tally on stop) goes to the log, so the pipe never fills.
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        let stdout = child.stdout.take().unwrap();
        let log_path = log.clone();
        std::thread::spawn(move || {
            let mut log = std::fs::OpenOptions::new().append(true).open(log_path).ok();
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if let Some(f) = log.as_mut() {
                    let _ = writeln!(f, "{line}");
                }
                let _ = tx.send(line);
            }
        });
        // Behind a mutex so that starting a site is `Send` (a test body may start one).
        let rx = Mutex::new(rx);
        let mut banner = std::collections::HashMap::new();
        let got = crate::poll_quiet(Duration::from_secs(30), Duration::from_millis(20), || {
            while let Ok(line) = rx.lock().unwrap().try_recv() {
                if let Some((k, v)) = line.split_once('=') {
                    if k.starts_with("PRACTICE_") {
                        banner.insert(k.to_owned(), v.to_owned());
                    }
                }
            }
            let done = ["PRACTICE_SITE_URL", "PRACTICE_EMAIL", "PRACTICE_TOKEN"]
                .iter()
                .all(|k| banner.contains_key(*k));
            async move { done.then_some(()) }
        })
        .await;
        let started = Instant::now();
        if got.is_none() {
            let _ = child.kill();
            panic!(
                "the practice site printed no address within 30 s: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        Site {
            url: banner["PRACTICE_SITE_URL"].clone(),
            email: banner["PRACTICE_EMAIL"].clone(),
            token: banner["PRACTICE_TOKEN"].clone(),
            started,
            record_file,
            child: Mutex::new(Some(child)),
            record: Mutex::new(None),
        }
    }

    /// The site's clock (`at_ms`) at a wall-clock instant (a few ms early at most).
    pub fn at_ms(&self, t: Instant) -> u64 {
        t.saturating_duration_since(self.started).as_millis() as u64
    }

    /// Whether the site still holds this account (`GET /rest/api/3/user?accountId=`).
    pub async fn exists(&self, account_id: &str) -> bool {
        let url = format!("{}/rest/api/3/user?accountId={account_id}", self.url);
        match crate::http::get(&url, Some((&self.email, &self.token))).await {
            Ok((200, _)) => true,
            Ok((404, _)) => false,
            other => panic!("GET {url}: {other:?}"),
        }
    }

    /// How many of these accounts the site still holds.
    pub async fn count_existing(&self, ids: &[String]) -> usize {
        let mut n = 0;
        for id in ids {
            n += usize::from(self.exists(id).await);
        }
        n
    }

    /// Stops the site (SIGTERM) and returns every request it recorded (cached: a second call
    /// returns the same record).
    pub async fn stop(&self) -> Vec<Record> {
        if let Some(r) = self.record.lock().unwrap().clone() {
            return r;
        }
        let child = self.child.lock().unwrap().take();
        if let Some(mut child) = child {
            let status = crate::procs::stop_child(&mut child, Duration::from_secs(15)).await;
            assert!(
                status.is_some_and(|s| s.success()),
                "the practice site did not stop cleanly on SIGTERM: {status:?}"
            );
        }
        let text = std::fs::read_to_string(&self.record_file).unwrap_or_default();
        let record: Vec<Record> = text.lines().map(Record::parse).collect();
        *self.record.lock().unwrap() = Some(record.clone());
        record
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.lock().unwrap().take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
