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
use std::collections::HashMap;
use std::path::{Path, PathBuf};

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

/// The results file's outcome cell per account id.
pub fn outcomes(dir: &Path) -> HashMap<String, String> {
    results(&dir.join("results.csv"))
        .into_iter()
        .map(|(id, outcome, _, _)| (id, outcome))
        .collect()
}
