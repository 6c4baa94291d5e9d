//! Helpers for `examples/bench_window.rs` (bench/run's P4): connecting to a site the bench
//! started, reading the run step's counters, and the memory of the app's process tree.

use crate::page::{first_number, TICK, UI};
use crate::{poll, procs, App};
use std::collections::BTreeMap;
use std::time::Duration;

/// Connects the window to a site started outside the harness (not remembered), and moves on to
/// the choose step. The same steps as `flows::connect`, with the address given.
pub async fn connect_to(app: &App, url: &str, email: &str, token: &str) {
    app.wait_step("connect").await;
    app.fill("#site", url).await;
    app.fill("#email", email).await;
    app.fill("#token", token).await;
    if app.el("#remember").await.is_selected().await.unwrap() {
        app.click("#remember").await;
    }
    app.click("#check-connection").await;
    poll("#whoami to show the admin", UI, TICK, || async {
        let shown = app.visible("#whoami").await && app.text("#whoami").await.contains(email);
        shown.then_some(())
    })
    .await;
    app.click("#connect-next").await;
    app.wait_step("choose").await;
}

/// The run step's state and counters, read in one script round trip.
#[derive(Debug, Clone, Default)]
pub struct Counters {
    /// `#run-status[data-state]`.
    pub state: Option<String>,
    /// removed, already gone, cannot remove, skipped, failed.
    pub decided_by_kind: [usize; 5],
    /// `#count-left`: rows not decided yet.
    pub left: usize,
    /// `#run-verified[data-gone]`, once the look-up after the run is in.
    pub verified_gone: Option<usize>,
    /// `#run-verified[data-still-present]`.
    pub still_present: Option<usize>,
}

impl Counters {
    /// Rows decided so far.
    pub fn decided(&self) -> usize {
        self.decided_by_kind.iter().sum()
    }

    /// Rows in the run.
    pub fn total(&self) -> usize {
        self.decided() + self.left
    }
}

/// Reads [`Counters`]; `None` when the page could not be read just now.
pub async fn counters(app: &App) -> Option<Counters> {
    let v = app
        .try_js(
            "const q = s => document.querySelector(s);
             const t = s => (q(s) ? q(s).textContent : '');
             const v = q('#run-verified');
             const shown = !!v && !v.hidden;
             return {
               state: q('#run-status') ? q('#run-status').getAttribute('data-state') : null,
               counts: ['#count-removed', '#count-already-gone', '#count-cannot-remove',
                        '#count-skipped', '#count-failed', '#count-left'].map(t),
               gone: shown ? v.getAttribute('data-gone') : null,
               still: shown ? v.getAttribute('data-still-present') : null,
             };",
            vec![],
        )
        .await?;
    let counts: Vec<usize> = v["counts"]
        .as_array()?
        .iter()
        .map(|c| first_number(c.as_str().unwrap_or("")))
        .collect::<Option<_>>()?;
    let num = |k: &str| v[k].as_str().and_then(first_number);
    Some(Counters {
        state: v["state"].as_str().map(str::to_owned),
        decided_by_kind: [counts[0], counts[1], counts[2], counts[3], counts[4]],
        left: counts[5],
        verified_gone: num("gone"),
        still_present: num("still"),
    })
}

/// The app process under this program (tauri-driver → WebKitWebDriver → the app), by pid.
pub fn app_pid() -> Option<u32> {
    let app = crate::app_binary();
    procs::descendants(std::process::id())
        .into_iter()
        .find(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == app))
}

/// `VmRSS` and `VmHWM` (peak) of one process, in KiB; `None` once it has exited.
pub fn vm_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<u64>().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// One reading of the app's process tree: the app and every process below it (WebKit's web
/// and network processes, any sandbox helper).
#[derive(Debug, Clone, Default)]
pub struct TreeMemory {
    /// The sum of `VmRSS` over the tree, KiB (shared pages count once per process).
    pub rss_kib: u64,
    /// `VmRSS` of the app process alone, KiB.
    pub app_rss_kib: u64,
    /// Per process: (pid, executable name, VmRSS, VmHWM), KiB.
    pub processes: Vec<(u32, String, u64, u64)>,
}

/// Reads the memory of `app` and its descendants from /proc.
pub fn tree_memory(app: u32) -> TreeMemory {
    let mut out = TreeMemory::default();
    for pid in std::iter::once(app).chain(procs::descendants(app)) {
        let Some((rss, hwm)) = vm_kib(pid) else {
            continue;
        };
        // The executable's name (`comm` cuts WebKitWebProcess to 15 characters).
        let name = std::fs::read_link(format!("/proc/{pid}/exe"))
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .or_else(|| std::fs::read_to_string(format!("/proc/{pid}/comm")).ok())
            .map(|s| s.trim().to_owned())
            .unwrap_or_default();
        out.rss_kib += rss;
        if pid == app {
            out.app_rss_kib = rss;
        }
        out.processes.push((pid, name, rss, hwm));
    }
    out
}

/// Keeps the highest `VmHWM` seen per process across readings (processes may exit before the
/// end), and sums them per executable name.
#[derive(Debug, Clone, Default)]
pub struct PeakByProcess {
    by_pid: BTreeMap<u32, (String, u64)>,
}

impl PeakByProcess {
    /// Folds in one reading.
    pub fn add(&mut self, reading: &TreeMemory) {
        for (pid, name, _, hwm) in &reading.processes {
            let e = self.by_pid.entry(*pid).or_insert((name.clone(), 0));
            e.1 = e.1.max(*hwm);
        }
    }

    /// Peak KiB per executable name (summed over processes of that name).
    pub fn by_name(&self) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        for (name, hwm) in self.by_pid.values() {
            *out.entry(name.clone()).or_insert(0) += hwm;
        }
        out
    }

    /// The sum of every process's own peak: an upper bound of the tree's peak.
    pub fn sum(&self) -> u64 {
        self.by_pid.values().map(|(_, h)| h).sum()
    }
}

/// Sizes of the newest run folder under `runs`: (journal.jsonl bytes, plan.json bytes, rows
/// from summary.json when it says). `None` when there is no run folder with a journal.
pub fn newest_run_files(runs: &std::path::Path) -> Option<(u64, u64, Option<u64>)> {
    let mut dirs: Vec<_> = std::fs::read_dir(runs)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("journal.jsonl").is_file())
        .collect();
    dirs.sort();
    let dir = dirs.pop()?;
    let size = |name: &str| std::fs::metadata(dir.join(name)).map_or(0, |m| m.len());
    let rows = std::fs::read_to_string(dir.join("summary.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v["rows"].as_u64());
    Some((size("journal.jsonl"), size("plan.json"), rows))
}

/// Seconds as a float, rounded to milliseconds.
pub fn secs(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0).round() / 1000.0
}
