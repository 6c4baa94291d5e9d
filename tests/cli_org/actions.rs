//! Suspend, restore and remove from the command line: people from an export or an earlier run,
//! the core's guards (organization admins and synced people never written to), the dry run
//! that sends no write, and the typed confirmation.

use crate::common::*;
use crate::*;
use offboard::practice::PracticeConfig;

/// A site whose export mixes plain people, guarded ones and an account that is no directory
/// member (an app): returns the setup, the plain ids, the guarded ids and the export.
async fn mixed(seed: u64, plain: usize) -> (Setup, Vec<String>, Vec<String>, std::path::PathBuf) {
    let setup = Setup::start(PracticeConfig::generated(60, seed)).await;
    let plain: Vec<String> = plain_people(&setup)
        .into_iter()
        .take(plain)
        .map(|u| u.account_id)
        .collect();
    let guarded: Vec<String> = guarded_people(&setup)
        .into_iter()
        .map(|u| u.account_id)
        .collect();
    let app = setup
        .config
        .users
        .iter()
        .find(|u| u.account_type != "atlassian")
        .expect("the generated site has an app or customer account")
        .account_id
        .clone();
    let ids: Vec<String> = plain
        .iter()
        .chain(&guarded)
        .chain([&app])
        .cloned()
        .collect();
    let csv = export_of(&setup, "selection.csv", &ids);
    (setup, plain, guarded, csv)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suspend_from_an_export_then_restore_that_run() {
    let (setup, plain, guarded, csv) = mixed(21, 8).await;
    assert!(guarded
        .iter()
        .any(|id| setup.site.org_user(id).unwrap().is_synced()));
    let csv = csv.to_str().unwrap().to_owned();
    let before = run_dirs(&setup);
    let out = run(act_cmd(
        &setup,
        "suspend",
        &["--csv", &csv, "--yes", "--max-rate", "50"],
    ))
    .await;
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("not in this directory"), "{stderr}");
    let c = counts(&out, "suspended");
    assert_eq!(c["suspended"], plain.len() as u64, "{c:?}");
    assert_eq!(c["skipped"], guarded.len() as u64, "{c:?}");
    assert_eq!(
        (c["failed"], c["refused"], c["not_in_directory"]),
        (0, 0, 0)
    );
    assert_eq!((c["verified"], c["not_verified"]), (plain.len() as u64, 0));
    let suspend_run = new_run(&setup, &before);
    decided_once(&suspend_run);
    let outcome = outcomes(&suspend_run);
    let writes = org_writes(&setup);
    for id in &plain {
        let user = setup.site.org_user(id).unwrap();
        assert_eq!(user.membership_status, "suspended", "{id}");
        assert_eq!(writes[id], [Some(204)], "{id}: one write, answered");
        assert_eq!(outcome[id], "suspended");
    }
    for id in &guarded {
        assert_eq!(setup.site.org_writes_of(id), 0, "{id} was written to");
        assert_eq!(outcome[id], "skipped");
    }
    let rows = results(&suspend_run.join("results.csv"));
    let caller = rows
        .iter()
        .find(|r| r.0 == setup.config.caller_account_id)
        .unwrap();
    assert!(caller.3.contains("organization admin"), "{}", caller.3);

    // Restore the people that run suspended, and no one else.
    let run_arg = suspend_run.to_str().unwrap().to_owned();
    let before = run_dirs(&setup);
    let out = run(act_cmd(
        &setup,
        "restore",
        &["--from-run", &run_arg, "--yes"],
    ))
    .await;
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let c = counts(&out, "restored");
    assert_eq!(
        (c["restored"], c["skipped"], c["failed"]),
        (plain.len() as u64, 0, 0)
    );
    let restore_run = new_run(&setup, &before);
    decided_once(&restore_run);
    let plan = offboard::sweep::read_plan(&restore_run).unwrap();
    assert_eq!(plan.rows.len(), plain.len());
    for id in &plain {
        assert_eq!(setup.site.org_user(id).unwrap().membership_status, "active");
        assert_eq!(
            setup.site.org_writes_of(id),
            2,
            "{id}: suspended once, restored once"
        );
    }
    for id in &guarded {
        assert_eq!(setup.site.org_writes_of(id), 0, "{id} was written to");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_sends_no_write_then_remove_removes_the_selection() {
    let (setup, plain, guarded, csv) = mixed(23, 5).await;
    let csv = csv.to_str().unwrap().to_owned();
    let out = run(act_cmd(&setup, "remove", &["--csv", &csv, "--dry-run"])).await;
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let c = counts(&out, "would_remove");
    assert_eq!(c["would_remove"], plain.len() as u64, "{stdout}");
    assert_eq!(c["protected"], guarded.len() as u64, "{stdout}");
    assert_eq!(c["not_in_directory"], 1, "{stdout}");
    assert!(stdout.contains("identity provider"), "{stdout}");
    assert!(no_writes(&setup), "a dry run sent a write");
    assert!(run_dirs(&setup).is_empty(), "a dry run makes no run");

    // Without --yes, off a terminal: refused, nothing sent.
    let out = run(act_cmd(&setup, "remove", &["--csv", &csv])).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(texts(&out).1.contains("--yes"), "{}", texts(&out).1);
    assert!(no_writes(&setup));

    let out = run(act_cmd(
        &setup,
        "remove",
        &["--csv", &csv, "--yes", "--max-rate", "50"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", texts(&out).1);
    let c = counts(&out, "removed");
    assert_eq!(
        (c["removed"], c["skipped"]),
        (plain.len() as u64, guarded.len() as u64)
    );
    assert_eq!(c["verified"], plain.len() as u64);
    for id in &plain {
        assert!(
            setup.site.org_user(id).is_none(),
            "{id} is still in the directory"
        );
        assert_eq!(setup.site.org_writes_of(id), 1);
    }
    for id in &guarded {
        assert!(setup.site.org_user(id).is_some());
        assert_eq!(setup.site.org_writes_of(id), 0, "{id} was written to");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_tells_the_already_suspended_and_unlocking_never_reaches_org_admins() {
    let setup = Setup::start(PracticeConfig::generated(120, 27)).await;
    let members = setup.site.org_users();
    let already: Vec<String> = members
        .iter()
        .filter(|u| u.status == "suspended" && u.admin_roles().is_empty() && !u.is_synced())
        .map(|u| u.account_id.clone())
        .collect();
    assert!(!already.is_empty(), "the seed has suspended people");
    let guarded: Vec<_> = guarded_people(&setup);
    let ids: Vec<String> = already
        .iter()
        .cloned()
        .chain(guarded.iter().map(|u| u.account_id.clone()))
        .collect();
    let csv = export_of(&setup, "admins.csv", &ids);
    let csv = csv.to_str().unwrap().to_owned();
    let out = run(act_cmd(&setup, "suspend", &["--csv", &csv, "--dry-run"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", texts(&out).1);
    assert_eq!(
        counts(&out, "already_suspended")["already_suspended"],
        already.len() as u64
    );

    // Unlocked: site admins and user-access admins are suspended; organization admins and
    // synced people stay out of reach.
    let out = run(act_cmd(
        &setup,
        "suspend",
        &[
            "--csv",
            &csv,
            "--yes",
            "--unlock-admins",
            "--max-rate",
            "50",
        ],
    ))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", texts(&out).1);
    let never = |u: &offboard::atlassian::org::OrgUser| {
        u.is_synced() || u.platform_roles.iter().any(|r| r == "atlassian/org-admin")
    };
    let unlocked: Vec<_> = guarded.iter().filter(|u| !never(u)).collect();
    assert!(
        !unlocked.is_empty(),
        "the seed has a site or user-access admin"
    );
    for u in &guarded {
        let writes = setup.site.org_writes_of(&u.account_id);
        let now = setup.site.org_user(&u.account_id).unwrap();
        if never(u) {
            assert_eq!(writes, 0, "{} was written to", u.account_id);
        } else {
            assert_eq!((writes, now.membership_status.as_str()), (1, "suspended"));
        }
    }
}
