//! Deactivate then `offboard undo` (reactivate); delete-account then `offboard undo` (cancel the
//! deletions) within the grace period; the history saying how to undo; runs that cannot be
//! undone refused with nothing sent.

use crate::common::*;
use crate::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deactivate_then_undo_reactivates_the_same_accounts() {
    let setup = site(40, 61).await;
    let people = managed(&setup, 4);
    let csv = export_of(&setup, "people.csv", &people);
    let csv = csv.to_str().unwrap();

    // Without --yes, off a terminal: refused, nothing sent.
    let out = run(act_cmd(&setup, "deactivate", &["--csv", csv])).await;
    exits(&out, 2);
    assert!(texts(&out).1.contains("--yes"), "{}", texts(&out).1);
    assert!(lifecycle_calls(&setup).is_empty());

    let (out, deactivated) = run_new(
        &setup,
        act_cmd(&setup, "deactivate", &["--csv", csv, "--yes"]),
    )
    .await;
    exits(&out, 0);
    let (_, stderr) = texts(&out);
    assert!(
        stderr.contains("content") || stderr.contains("work"),
        "{stderr}"
    );
    let c = counts(&out, "deactivated");
    assert_eq!(
        (
            c["deactivated"],
            c["failed"],
            c["refused"],
            c["verified"],
            c["not_verified"]
        ),
        (4, 0, 0, 4, 0),
        "{c:?}"
    );
    decided_once(&deactivated);
    let cells = outcomes(&deactivated);
    for id in &people {
        assert_eq!(
            lifecycle(&setup, id),
            Some(("inactive".into(), false)),
            "{id}"
        );
        assert_eq!(cells[id].0, "deactivated");
        assert_eq!(
            lifecycle_calls(&setup)[id],
            [("disable".to_owned(), Some(204))]
        );
    }

    // The history says how to undo it.
    let out = run(offboard(&setup, &["runs"])).await;
    exits(&out, 0);
    let (stdout, _) = texts(&out);
    let undo_line = format!("undo: offboard undo {}", run_id(&deactivated));
    assert!(stdout.contains(&undo_line), "{stdout}");

    let (out, undo) = run_new(&setup, undo_cmd(&setup, &deactivated, &["--yes"])).await;
    exits(&out, 0);
    let (_, stderr) = texts(&out);
    assert!(stderr.contains("Undoing run"), "{stderr}");
    let c = counts(&out, "reactivated");
    assert_eq!(
        (c["reactivated"], c["failed"], c["skipped"], c["verified"]),
        (4, 0, 0, 4),
        "{c:?}"
    );
    decided_once(&undo);
    let plan = offboard::sweep::read_plan(&undo).unwrap();
    assert_eq!(plan.action, offboard::sweep::Action::Reactivate);
    assert_eq!(plan.rows.len(), 4);
    let cells = outcomes(&undo);
    let calls = lifecycle_calls(&setup);
    for id in &people {
        assert_eq!(
            lifecycle(&setup, id),
            Some(("active".into(), false)),
            "{id}"
        );
        assert_eq!(cells[id].0, "reactivated");
        let verbs: Vec<&str> = calls[id].iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(verbs, ["disable", "enable"], "{id}");
    }

    // The history now says the run was undone, and by which run.
    let out = run(offboard(&setup, &["runs"])).await;
    let (stdout, _) = texts(&out);
    assert!(
        stdout.contains(&format!("undone by run {}", run_id(&undo))),
        "{stdout}"
    );
    assert!(!stdout.contains(&undo_line), "{stdout}");

    // An undo is not undone by Offboard: it says why and what to do instead, and sends nothing.
    let before = requests(&setup);
    let out = run(undo_cmd(&setup, &undo, &["--yes"])).await;
    exits(&out, 2);
    let (_, stderr) = texts(&out);
    assert!(
        stderr.contains("cannot be undone by Offboard, because"),
        "{stderr}"
    );
    assert!(stderr.contains("deactivate --from-run"), "{stderr}");
    assert_eq!(requests(&setup), before, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_then_undo_cancels_the_deletions_within_the_grace_period() {
    let setup = site(40, 63).await;
    let people = managed(&setup, 3);
    let csv = export_of(&setup, "people.csv", &people);
    let (out, deleted) = run_new(
        &setup,
        act_cmd(
            &setup,
            "delete-account",
            &["--csv", csv.to_str().unwrap(), "--yes"],
        ),
    )
    .await;
    exits(&out, 0);
    let (_, stderr) = texts(&out);
    assert!(stderr.contains("14 days"), "{stderr}");
    assert!(stderr.contains("can be cancelled until"), "{stderr}");
    let c = counts(&out, "deletion_scheduled");
    assert_eq!(
        (c["deletion_scheduled"], c["failed"], c["verified"]),
        (3, 0, 3),
        "{c:?}"
    );
    let cells = outcomes(&deleted);
    for id in &people {
        assert_eq!(
            lifecycle(&setup, id),
            Some(("inactive".into(), true)),
            "{id}"
        );
        assert_eq!(cells[id].0, "deletion_scheduled");
    }

    // The history offers the undo with its last day.
    let out = run(offboard(&setup, &["runs"])).await;
    let (stdout, _) = texts(&out);
    let line = stdout
        .lines()
        .find(|l| l.contains(&format!("undo: offboard undo {}", run_id(&deleted))))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(line.contains("(until "), "{line}");

    // Thirteen days later on Atlassian's clock, the deletions can still be cancelled.
    setup.site.advance_clock_days(13);
    let (out, undo) = run_new(&setup, undo_cmd(&setup, &deleted, &["--yes"])).await;
    exits(&out, 0);
    let (_, stderr) = texts(&out);
    assert!(stderr.contains("can be cancelled until"), "{stderr}");
    assert!(stderr.contains("(the last day)"), "{stderr}");
    assert!(stderr.contains("stay deactivated"), "{stderr}");
    let c = counts(&out, "deletion_cancelled");
    assert_eq!(
        (c["deletion_cancelled"], c["failed"], c["verified"]),
        (3, 0, 3),
        "{c:?}"
    );
    decided_once(&undo);
    let cells = outcomes(&undo);
    let calls = lifecycle_calls(&setup);
    for id in &people {
        // Cancelled, and (as Atlassian does) still deactivated until reactivated.
        assert_eq!(
            lifecycle(&setup, id),
            Some(("inactive".into(), false)),
            "{id}"
        );
        assert_eq!(cells[id].0, "deletion_cancelled");
        let verbs: Vec<&str> = calls[id].iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(verbs, ["delete", "cancel-delete"], "{id}");
    }
    // Past the first deletion's 14 days nothing is lost: the accounts are no longer pending.
    setup.site.advance_clock_days(5);
    for id in &people {
        assert_eq!(
            lifecycle(&setup, id),
            Some(("inactive".into(), false)),
            "{id}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_that_cannot_be_undone_say_why_and_send_nothing() {
    let setup = site(30, 65).await;
    let people = managed(&setup, 2);
    let csv = export_of(&setup, "people.csv", &people);
    let csv = csv.to_str().unwrap();
    let (out, removed) = run_new(&setup, act_cmd(&setup, "remove", &["--csv", csv, "--yes"])).await;
    exits(&out, 0);
    let (out, site_run) = run_new(&setup, setup.delete_cmd(&["--yes", "--max-rate", "50"])).await;
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        texts(&out).1
    );
    let before = requests(&setup);
    for (dir, words) in [(&removed, "directory"), (&site_run, "site")] {
        let out = run(undo_cmd(&setup, dir, &["--yes"])).await;
        exits(&out, 2);
        let (_, stderr) = texts(&out);
        assert!(
            stderr.contains("cannot be undone by Offboard, because"),
            "{stderr}"
        );
        assert!(stderr.contains(words), "{stderr}");
        assert!(stderr.contains("Nothing was changed"), "{stderr}");
    }
    let out = run(undo_cmd(&setup, &setup.tmp.path().join("no-such-run"), &[])).await;
    exits(&out, 2);
    assert_eq!(requests(&setup), before, "nothing was sent");
    let out = run(offboard(&setup, &["runs"])).await;
    assert!(!texts(&out).0.contains("undo:"), "{}", texts(&out).0);
}

/// Forgets the key when dropped, so a failed assertion leaves nothing in the keychain.
struct Forget(String);

impl Drop for Forget {
    fn drop(&mut self) {
        use offboard::vault::{OsKeychain, TokenStore, VaultKey};
        let _ = OsKeychain::new().forget(&VaultKey::for_org(&self.0));
    }
}

/// `offboard undo` finds the organization's key where the org commands do: here the real
/// keychain (run inside `.ci/with-keyring` on a headless Linux machine), with no key in the
/// environment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_takes_the_key_from_the_keychain() {
    use offboard::vault::{ApiToken, OsKeychain, TokenStore, VaultKey};
    let mut config = offboard::practice::PracticeConfig::generated(30, 67);
    config.org_id = uuid::Uuid::new_v4().to_string();
    config.org_api_key = format!("KeychainLifecycleKey{}", uuid::Uuid::new_v4().simple());
    let setup = Setup::start(config).await;
    let org = setup.site.org_id();
    let keychain = OsKeychain::new();
    if let Err(e) = keychain.has(&VaultKey::for_org(&org)) {
        panic!(
            "This test needs a real, unlocked keychain and none could be used.\n\
             On Linux run it as: .ci/with-keyring cargo test -p offboard --test cli_lifecycle\n\
             The keychain said: {e}"
        );
    }
    let _forget = Forget(org.clone());
    keychain
        .save(
            &VaultKey::for_org(&org),
            &ApiToken::new(setup.config.org_api_key.clone()),
        )
        .unwrap();
    // The real keychain: the session bus is kept, and no key is in the environment.
    let bare = |args: &[&str]| {
        let mut cmd = tokio::process::Command::new(BIN);
        cmd.env_remove("OFFBOARD_ORG_API_KEY")
            .env("OFFBOARD_DATA_DIR", setup.tmp.path().join("data"))
            .args(args)
            .arg("--journal-dir")
            .arg(setup.journal_dir())
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        cmd
    };
    let people = managed(&setup, 2);
    let csv = export_of(&setup, "people.csv", &people);
    let api = setup.site.url();
    let deactivate = [
        "org",
        "deactivate",
        "--org",
        &org,
        "--api",
        &api,
        "--yes",
        "--csv",
        csv.to_str().unwrap(),
    ];
    let (out, dir) = run_new(&setup, bare(&deactivate)).await;
    exits(&out, 0);
    let (out, _) = run_new(&setup, bare(&["undo", dir.to_str().unwrap(), "--yes"])).await;
    exits(&out, 0);
    assert_eq!(counts(&out, "reactivated")["reactivated"], 2);
    for id in &people {
        assert_eq!(
            lifecycle(&setup, id),
            Some(("active".into(), false)),
            "{id}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_suspend_run_is_undone_by_restoring_its_people() {
    let setup = site(30, 69).await;
    let people = managed(&setup, 2);
    let csv = export_of(&setup, "people.csv", &people);
    let (out, suspended) = run_new(
        &setup,
        act_cmd(
            &setup,
            "suspend",
            &["--csv", csv.to_str().unwrap(), "--yes"],
        ),
    )
    .await;
    exits(&out, 0);
    for id in &people {
        assert_eq!(
            setup.site.org_user(id).unwrap().membership_status,
            "suspended"
        );
    }
    let (out, undo) = run_new(&setup, undo_cmd(&setup, &suspended, &["--yes"])).await;
    exits(&out, 0);
    assert_eq!(counts(&out, "restored")["restored"], 2);
    assert_eq!(
        offboard::sweep::read_plan(&undo).unwrap().action,
        offboard::sweep::Action::Restore
    );
    for id in &people {
        assert_eq!(setup.site.org_user(id).unwrap().membership_status, "active");
        assert_eq!(
            setup.site.org_writes_of(id),
            2,
            "{id}: suspended once, restored once"
        );
    }
    assert!(
        lifecycle_calls(&setup).is_empty(),
        "access only, never the account"
    );
}
