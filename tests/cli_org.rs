//! `offboard org …` end to end: the real binary against the practice site's organization API
//! over loopback HTTP, the org API key in `OFFBOARD_ORG_API_KEY` (one test, `org key set`,
//! uses the real keychain, as the keychain suite does). The tests live in the modules below;
//! this file holds what they share.

mod common;

#[path = "cli_org/actions.rs"]
mod actions;
#[path = "cli_org/keys.rs"]
mod keys;
#[path = "cli_org/kill.rs"]
mod kill;
#[path = "cli_org/storms.rs"]
mod storms;
#[path = "cli_org/users.rs"]
mod users;

use common::*;
use offboard::atlassian::org::OrgUser;
use offboard::practice::write_export;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Output;

/// `offboard org SUB --org … --api …` against `setup`'s organization, its key in the
/// environment (no keychain).
pub fn org_cmd(setup: &Setup, sub: &str) -> tokio::process::Command {
    let mut cmd = setup.cmd();
    cmd.env("OFFBOARD_ORG_API_KEY", &setup.config.org_api_key)
        .args([
            "org",
            sub,
            "--org",
            &setup.site.org_id(),
            "--api",
            &setup.site.url(),
        ]);
    cmd
}

/// `offboard org ACTION …` with the test's runs folder and short backoffs, plus `extra`.
pub fn act_cmd(setup: &Setup, action: &str, extra: &[&str]) -> tokio::process::Command {
    let mut cmd = org_cmd(setup, action);
    cmd.arg("--journal-dir")
        .arg(setup.journal_dir())
        .args(["--backoff-base-ms", "50"])
        .args(extra);
    cmd
}

/// `offboard resume` of the run in `dir`, the key in the environment.
pub fn resume_cmd(setup: &Setup, dir: &Path) -> tokio::process::Command {
    let mut cmd = setup.cmd();
    cmd.env("OFFBOARD_ORG_API_KEY", &setup.config.org_api_key)
        .arg("resume")
        .arg(dir)
        .args(["--backoff-base-ms", "50"]);
    cmd
}

/// A started site with `config`, its plain people (see [`plain_people`]) and an export of them.
pub async fn plain_site(
    config: offboard::practice::PracticeConfig,
) -> (Setup, Vec<String>, PathBuf) {
    let setup = Setup::start(config).await;
    let plain: Vec<String> = plain_people(&setup)
        .into_iter()
        .map(|u| u.account_id)
        .collect();
    let csv = export_of(&setup, "people.csv", &plain);
    (setup, plain, csv)
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

/// The organization writes (suspend, restore, remove) the site received, by account id: the
/// statuses in arrival order (`None`: no reply).
pub fn org_writes(setup: &Setup) -> HashMap<String, Vec<Option<u16>>> {
    let mut by_id: HashMap<String, Vec<Option<u16>>> = HashMap::new();
    for r in setup.site.record() {
        let write = r.path.starts_with("/admin/")
            && (r.method == "DELETE"
                || (r.method == "POST"
                    && (r.path.ends_with("/suspend") || r.path.ends_with("/restore"))));
        if write {
            by_id
                .entry(r.account_id.unwrap_or_default())
                .or_default()
                .push(r.status);
        }
    }
    by_id
}

/// True when the site received no organization write at all.
pub fn no_writes(setup: &Setup) -> bool {
    org_writes(setup).is_empty()
}

/// Directory members any action may touch: active, no admin role, not provisioned by an
/// identity provider.
pub fn plain_people(setup: &Setup) -> Vec<OrgUser> {
    setup
        .site
        .org_users()
        .into_iter()
        .filter(|u| u.status == "active" && u.admin_roles().is_empty() && !u.is_synced())
        .collect()
}

/// Members the core never touches without --unlock-admins: admins and synced people.
pub fn guarded_people(setup: &Setup) -> Vec<OrgUser> {
    setup
        .site
        .org_users()
        .into_iter()
        .filter(|u| !u.admin_roles().is_empty() || u.is_synced())
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

/// The results file's outcome cell per account id.
pub fn outcomes(dir: &Path) -> HashMap<String, String> {
    results(&dir.join("results.csv"))
        .into_iter()
        .map(|(id, outcome, _, _)| (id, outcome))
        .collect()
}
