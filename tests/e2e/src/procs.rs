//! Child processes: tauri-driver, signals by pid, and finding the app under the driver.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Sends a signal (`TERM`, `KILL`) to one process we started, by its id.
pub fn signal(pid: u32, name: &str) -> bool {
    Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Asks a child to stop with SIGTERM, waits up to `grace`, then kills it. Returns its status.
pub async fn stop_child(child: &mut Child, grace: Duration) -> Option<std::process::ExitStatus> {
    if let Ok(Some(status)) = child.try_wait() {
        return Some(status);
    }
    signal(child.id(), "TERM");
    let deadline = std::time::Instant::now() + grace;
    while std::time::Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    child.wait().ok()
}

/// A free port on 127.0.0.1 (bound then released; the driver binds it a moment later).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `TAURI_DRIVER`, else `tauri-driver` on PATH, else `<repo>/target/tools/bin/tauri-driver`.
pub fn tauri_driver() -> PathBuf {
    if let Some(p) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(p);
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("tauri-driver"))
            .find(|p| p.is_file())
    });
    on_path.unwrap_or_else(|| {
        let local = crate::repo_root().join("target/tools/bin/tauri-driver");
        assert!(
            local.is_file(),
            "tauri-driver not found: `cargo install --locked tauri-driver --version ^2 --root target/tools` (tests/run-all does it)"
        );
        local
    })
}

/// A running tauri-driver (and, under it, WebKitWebDriver and the app).
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    /// Starts tauri-driver on free loopback ports with `env` added, output to `log`, and polls
    /// its `/status` until it answers.
    pub async fn start(env: &[(&str, &OsStr)], log: &Path) -> Driver {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no DISPLAY: run the window suite under xvfb-run (tests/run-all does)"
        );
        let (port, native_port) = (free_port(), free_port());
        let out = std::fs::File::create(log).unwrap();
        let mut cmd = Command::new(tauri_driver());
        cmd.args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("tauri-driver starts");
        let mut driver = Driver { child, port };
        let url = format!("{}/status", driver.url());
        let ready = crate::poll_quiet(Duration::from_secs(30), Duration::from_millis(100), || {
            let url = url.clone();
            async move {
                crate::http::get(&url, None)
                    .await
                    .ok()
                    .filter(|r| r.0 == 200)
            }
        })
        .await;
        if ready.is_none() {
            let _ = driver.child.kill();
            panic!(
                "tauri-driver did not answer /status within 30 s:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        driver
    }

    /// The driver's base URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Sends signal `name` (`KILL`, `TERM`) to every process under the driver whose executable
    /// is `app`; returns how many.
    pub fn signal_app(&self, app: &Path, name: &str) -> usize {
        let pids = app_pids(self.child.id(), app);
        for pid in &pids {
            signal(*pid, name);
        }
        pids.len()
    }

    /// The pids of the app processes under this driver.
    pub fn app_pids(&self, app: &Path) -> Vec<u32> {
        app_pids(self.child.id(), app)
    }

    /// Ends the driver; any app left under it is killed first (by pid).
    pub async fn stop(mut self) {
        let app = crate::app_binary();
        // The session close normally ended the app; give it a moment, then make sure.
        let _ = crate::poll_quiet(Duration::from_secs(5), Duration::from_millis(100), || {
            let left = app_pids(self.child.id(), &app).is_empty();
            async move { left.then_some(()) }
        })
        .await;
        self.signal_app(&app, "KILL");
        stop_child(&mut self.child, Duration::from_secs(5)).await;
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Normally stopped already; after a panic, do not leave anything behind.
        if let Ok(None) = self.child.try_wait() {
            for pid in descendants(self.child.id()) {
                signal(pid, "KILL");
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Processes below `root` (children, grandchildren, ...), from /proc.
pub fn descendants(root: u32) -> Vec<u32> {
    let mut parent_of: Vec<(u32, u32)> = Vec::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for entry in dir.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // `pid (comm) state ppid ...`; comm may hold spaces or parentheses.
            let Some(after) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
                continue;
            };
            if let Some(ppid) = after.split_whitespace().nth(1).and_then(|s| s.parse().ok()) {
                parent_of.push((pid, ppid));
            }
        }
    }
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let p = found[i];
        found.extend(parent_of.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    found.remove(0);
    found
}

/// Descendants of `root` running `app`.
fn app_pids(root: u32, app: &Path) -> Vec<u32> {
    descendants(root)
        .into_iter()
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == app))
        .collect()
}
