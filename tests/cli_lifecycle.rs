//! The account actions (deactivate, reactivate, delete-account, cancel-delete) and `offboard
//! undo` end to end: the real binary against the practice site's user-management API over
//! loopback HTTP, the org API key in `OFFBOARD_ORG_API_KEY`. The tests live in the modules
//! below; this file holds what they share.

mod common;

#[path = "cli_lifecycle/grace.rs"]
mod grace;
#[path = "cli_lifecycle/guards.rs"]
mod guards;
#[path = "cli_lifecycle/kill.rs"]
mod kill;
#[path = "cli_lifecycle/leaks.rs"]
mod leaks;
#[path = "cli_lifecycle/undo.rs"]
mod undo;

use common::*;
use offboard::practice::PracticeConfig;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Output;

/// A started practice site of `people` generated people; replies come at once.
pub async fn site(people: usize, seed: u64) -> Setup {
    Setup::start(PracticeConfig::generated(people, seed)).await
}

/// `offboard ARGS…` against `setup`, the org key in the environment (no keychain), the test's
/// runs folder, short backoffs and the fastest pace (runs here are small).
pub fn offboard(setup: &Setup, args: &[&str]) -> tokio::process::Command {
    let mut cmd = setup.cmd();
    cmd.env("OFFBOARD_ORG_API_KEY", &setup.config.org_api_key)
        .args(args)
        .arg("--journal-dir")
        .arg(setup.journal_dir());
    cmd
}

/// `offboard org ACTION --org … --api …` plus `extra`, ready to run.
pub fn act_cmd(setup: &Setup, action: &str, extra: &[&str]) -> tokio::process::Command {
    let (org, api) = (setup.site.org_id(), setup.site.url());
    let mut cmd = offboard(setup, &["org", action, "--org", &org, "--api", &api]);
    cmd.args(["--backoff-base-ms", "50", "--max-rate", "50"])
        .args(extra);
    cmd
}

/// `offboard undo RUN` plus `extra`.
pub fn undo_cmd(setup: &Setup, run: &Path, extra: &[&str]) -> tokio::process::Command {
    let mut cmd = offboard(setup, &["undo", run.to_str().unwrap()]);
    cmd.args(["--backoff-base-ms", "50", "--max-rate", "50"])
        .args(extra);
    cmd
}

/// Asserts the command ended with `code`, showing its output when it did not.
pub fn exits(out: &Output, code: i32) {
    let (stdout, stderr) = texts(out);
    assert_eq!(out.status.code(), Some(code), "{stdout}\n{stderr}");
}

/// The lifecycle calls (`POST /users/{id}/manage/lifecycle/…`) the site received, by account
/// id: (the action's last path segment, the status; `None`: no reply), in arrival order.
pub fn lifecycle_calls(setup: &Setup) -> HashMap<String, Vec<(String, Option<u16>)>> {
    let mut by_id: HashMap<String, Vec<(String, Option<u16>)>> = HashMap::new();
    for r in setup.site.record() {
        if r.method == "POST" && r.path.contains("/manage/lifecycle/") {
            let verb = r.path.rsplit('/').next().unwrap_or_default().to_owned();
            by_id
                .entry(r.account_id.unwrap_or_default())
                .or_default()
                .push((verb, r.status));
        }
    }
    by_id
}

/// The account ids whose `manage` privileges were read (`GET /users/{id}/manage`).
pub fn privilege_reads(setup: &Setup) -> Vec<String> {
    setup
        .site
        .record()
        .into_iter()
        .filter(|r| {
            r.method == "GET" && r.path.starts_with("/users/") && r.path.ends_with("/manage")
        })
        .filter_map(|r| r.account_id)
        .collect()
}

/// Requests of any kind the site has received so far.
pub fn requests(setup: &Setup) -> usize {
    setup.site.record().len()
}

/// An account's `accountStatus` and whether its deletion is pending, as the site holds it;
/// `None` when the site no longer holds it (deleted for good).
pub fn lifecycle(setup: &Setup, id: &str) -> Option<(String, bool)> {
    setup
        .site
        .org_lifecycle_of(id)
        .map(|(status, pending)| (status, pending.is_some()))
}

/// Runs `cmd`, asserts it made exactly one run folder, and returns its output and the folder.
pub async fn run_new(setup: &Setup, cmd: tokio::process::Command) -> (Output, PathBuf) {
    let before = run_dirs(setup);
    let out = run(cmd).await;
    let (stdout, stderr) = texts(&out);
    let new: Vec<PathBuf> = run_dirs(setup).difference(&before).cloned().collect();
    assert_eq!(new.len(), 1, "expected one new run:\n{stdout}\n{stderr}");
    (out, new[0].clone())
}

/// The results file's (outcome, message) per account id.
pub fn outcomes(dir: &Path) -> HashMap<String, (String, String)> {
    results(&dir.join("results.csv"))
        .into_iter()
        .map(|(id, outcome, _, message)| (id, (outcome, message)))
        .collect()
}

/// The run's id (its folder's name).
pub fn run_id(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}

/// `count` plain managed accounts of the site (every lifecycle action works on them).
pub fn managed(setup: &Setup, count: usize) -> Vec<String> {
    let ids = setup.site.org_managed_ids();
    assert!(
        ids.len() >= count,
        "the seed has {} managed people",
        ids.len()
    );
    ids.into_iter().take(count).collect()
}
