//! Helpers shared by the end-to-end suites: a practice site in this process, the real `offboard`
//! binary driven over HTTP against it, and readers for what a run wrote.
#![allow(dead_code)] // each suite uses its own subset

use offboard::practice::{write_export, PracticeConfig, PracticeSite};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_offboard");

/// A test fixture's path.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name)
}

/// A started practice site with its users written as an export in a temp folder.
pub struct Setup {
    pub site: PracticeSite,
    pub config: PracticeConfig,
    pub tmp: tempfile::TempDir,
    pub csv: PathBuf,
}

impl Setup {
    /// Starts the site and writes its export.
    pub async fn start(config: PracticeConfig) -> Setup {
        let tmp = tempfile::tempdir().unwrap();
        let csv = tmp.path().join("export.csv");
        write_export(&config.users, &csv).unwrap();
        let site = PracticeSite::start(config.clone()).await.unwrap();
        Setup {
            site,
            config,
            tmp,
            csv,
        }
    }

    /// The run folders' parent.
    pub fn journal_dir(&self) -> PathBuf {
        self.tmp.path().join("runs")
    }

    /// `offboard delete` against this site with the admin token in the environment.
    pub fn delete_cmd(&self, extra: &[&str]) -> tokio::process::Command {
        let mut cmd = self.cmd();
        cmd.args([
            "delete",
            "--site",
            &self.site.url(),
            "--email",
            &self.config.admin_email,
            "--csv",
        ])
        .arg(&self.csv)
        .arg("--journal-dir")
        .arg(self.journal_dir())
        .args(["--backoff-base-ms", "50"])
        .args(extra);
        cmd
    }

    /// The binary with a clean environment: the token in `OFFBOARD_API_TOKEN`, no keychain.
    pub fn cmd(&self) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(BIN);
        cmd.env("OFFBOARD_API_TOKEN", &self.config.admin_token)
            .env("OFFBOARD_DATA_DIR", self.tmp.path().join("data"))
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        cmd
    }

    /// Users a run may remove: not the caller, not the site's live admins, not app accounts.
    pub fn removable(&self) -> Vec<String> {
        self.config
            .users
            .iter()
            .filter(|u| {
                u.account_id != self.config.caller_account_id
                    && !self.config.site_admins.contains(&u.account_id)
                    && u.account_type != "app"
            })
            .map(|u| u.account_id.clone())
            .collect()
    }

    /// The only run folder.
    pub fn run_dir(&self) -> PathBuf {
        let mut dirs: Vec<_> = std::fs::read_dir(self.journal_dir())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        assert_eq!(dirs.len(), 1, "expected one run folder");
        dirs.pop().unwrap()
    }

    /// Asserts that no DELETE the site saw from `from` on was for a plan row in `decided`;
    /// returns the record's length, where the next check starts.
    pub fn no_delete_for_decided_rows(
        &self,
        from: usize,
        decided: &std::collections::BTreeSet<usize>,
    ) -> usize {
        let plan = offboard::sweep::read_plan(&self.run_dir()).unwrap();
        let row_of: std::collections::HashMap<&str, usize> = plan
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.account_id.as_str(), i))
            .collect();
        let record = self.site.record();
        for r in record[from..].iter().filter(|r| r.method == "DELETE") {
            let row = row_of[r.account_id.as_deref().unwrap()];
            assert!(
                !decided.contains(&row),
                "row {row} was sent again after it was decided"
            );
        }
        record.len()
    }
}

/// Runs a command to the end (bounded) and returns its output.
pub async fn run(mut cmd: tokio::process::Command) -> Output {
    let out = tokio::time::timeout(Duration::from_secs(240), cmd.output())
        .await
        .expect("the CLI finished in time")
        .unwrap();
    if std::env::var_os("OFFBOARD_TEST_VERBOSE").is_some() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    }
    out
}

/// Text of stdout and stderr.
pub fn texts(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The counters from the CLI's summary line.
pub fn summary(out: &Output) -> std::collections::BTreeMap<String, u64> {
    let (stdout, stderr) = texts(out);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("removed="))
        .unwrap_or_else(|| panic!("no summary line:\n{stdout}\n{stderr}"));
    line.split_whitespace()
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_owned(), v.parse().unwrap())
        })
        .collect()
}

/// One results row: (User id, outcome, http_status, message).
pub fn results(path: &Path) -> Vec<(String, String, String, String)> {
    let mut r = csv::Reader::from_path(path).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "User id",
            "User name",
            "email",
            "outcome",
            "http_status",
            "message",
            "finished_at",
            "verified"
        ]
    );
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (
                rec[0].to_owned(),
                rec[3].to_owned(),
                rec[4].to_owned(),
                rec[5].to_owned(),
            )
        })
        .collect()
}

/// The well-formed records of a run's journal, in order. Stops at a torn or unreadable line, as
/// the engine's own reader does, so it can be read while a run writes (or after it was killed).
pub fn journal_records(dir: &Path) -> Vec<serde_json::Value> {
    let bytes = std::fs::read(dir.join(offboard::sweep::JOURNAL_FILE)).unwrap_or_default();
    let mut out = Vec::new();
    for line in bytes.split_inclusive(|b| *b == b'\n') {
        match serde_json::from_slice(line) {
            Ok(v) if line.ends_with(b"\n") => out.push(v),
            _ => break,
        }
    }
    out
}

/// How many records of `kind` (`intent`, `outcome`) the journal holds for each plan row.
pub fn per_row(
    records: &[serde_json::Value],
    kind: &str,
) -> std::collections::HashMap<usize, usize> {
    let mut counts = std::collections::HashMap::new();
    for r in records.iter().filter(|r| r["type"] == kind) {
        *counts
            .entry(r["row"].as_u64().unwrap() as usize)
            .or_default() += 1;
    }
    counts
}

/// The statuses of the DELETEs the site received for each account id, in arrival order
/// (`None`: the connection was dropped, or the reply is still held back).
pub fn deletes_by_id(
    record: &[offboard::practice::RecordedRequest],
) -> std::collections::HashMap<String, Vec<Option<u16>>> {
    let mut by_id: std::collections::HashMap<String, Vec<Option<u16>>> = Default::default();
    for r in record.iter().filter(|r| r.method == "DELETE") {
        by_id
            .entry(r.account_id.clone().unwrap_or_default())
            .or_default()
            .push(r.status);
    }
    by_id
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// True when `needle` occurs in `haystack`.
pub fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Polls `ready` every few milliseconds until it holds; panics after `secs` seconds.
pub async fn poll_until(secs: u64, what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while !ready() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up after {secs} s waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The counters of the line on standard output that holds `key=` (the run's summary, the dry
/// run's counts, `org users --csv-out`'s count).
pub fn counts(out: &Output, key: &str) -> BTreeMap<String, u64> {
    let (stdout, stderr) = texts(out);
    let line = stdout
        .lines()
        .find(|l| {
            l.split_whitespace()
                .any(|kv| kv.starts_with(&format!("{key}=")))
        })
        .unwrap_or_else(|| panic!("no line with {key}=:\n{stdout}\n{stderr}"));
    line.split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.parse().unwrap()))
        .collect()
}

/// An export (as admin.atlassian.com writes it) of the site's people with these ids.
pub fn export_of(setup: &Setup, name: &str, ids: &[String]) -> PathBuf {
    let wanted: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    let people: Vec<_> = setup
        .config
        .users
        .iter()
        .filter(|u| wanted.contains(u.account_id.as_str()))
        .cloned()
        .collect();
    assert_eq!(
        people.len(),
        wanted.len(),
        "every id is one of the site's people"
    );
    let path = setup.tmp.path().join(name);
    write_export(&people, &path).unwrap();
    path
}

/// The run folders now.
pub fn run_dirs(setup: &Setup) -> BTreeSet<PathBuf> {
    std::fs::read_dir(setup.journal_dir())
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// The one run folder that is not in `before`.
pub fn new_run(setup: &Setup, before: &BTreeSet<PathBuf>) -> PathBuf {
    let mut new: Vec<PathBuf> = run_dirs(setup).difference(before).cloned().collect();
    assert_eq!(new.len(), 1, "expected one new run folder: {new:?}");
    new.pop().unwrap()
}

/// Asserts every plan row of the run in `dir` has exactly one outcome in its journal.
pub fn decided_once(dir: &Path) {
    let plan = offboard::sweep::read_plan(dir).unwrap();
    let outcomes = per_row(&journal_records(dir), "outcome");
    assert_eq!(outcomes.len(), plan.rows.len(), "every row decided");
    assert!(
        outcomes.values().all(|n| *n == 1),
        "a row was decided twice"
    );
}
