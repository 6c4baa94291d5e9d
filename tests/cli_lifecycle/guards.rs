//! Who the account actions never reach: unmanaged accounts, people an identity provider
//! provisions and admins are refused by the core with no request sent for them; the dry run's
//! per-account check matches what Atlassian (the practice site) says of each account; an
//! account Atlassian refuses with a 409 ends "refused" in Atlassian's words.

use crate::common::*;
use crate::*;
use offboard::atlassian::org::{OrgApi, OrgClient, Permission};
use offboard::atlassian::ClientConfig;
use offboard::sweep::Action;
use offboard::vault::ApiToken;
use std::collections::{BTreeMap, HashMap};

/// The site's admins (organization, site or user-access admins), the caller first.
fn admins(setup: &Setup) -> Vec<String> {
    let mut ids: Vec<String> = setup
        .site
        .org_users()
        .into_iter()
        .filter(|u| !u.admin_roles().is_empty())
        .map(|u| u.account_id)
        .collect();
    let caller = &setup.config.caller_account_id;
    assert!(
        ids.contains(caller),
        "the key's owner is an organization admin"
    );
    ids.sort_by_key(|id| id != caller);
    ids
}

/// What Atlassian (the practice site) allows for `action` on each of `ids`, read with the
/// organization client as Offboard reads it.
async fn privileges(setup: &Setup, ids: &[String], action: Action) -> HashMap<String, Permission> {
    let api = OrgApi::parse(&setup.site.url()).unwrap();
    let key = ApiToken::new(setup.config.org_api_key.clone());
    let client = OrgClient::new(api, &setup.site.org_id(), key, ClientConfig::default()).unwrap();
    let mut out = HashMap::new();
    for id in ids {
        let found = client
            .privileges(id)
            .await
            .unwrap()
            .expect("Atlassian knows the account");
        out.insert(id.clone(), found.for_action(action).unwrap().clone());
    }
    out
}

/// The dry run's lines: account id → (state, the rest of the line).
fn dry_lines(out: &std::process::Output) -> BTreeMap<String, (String, String)> {
    texts(out)
        .0
        .lines()
        .filter(|l| !l.contains('='))
        .map(|l| {
            let mut parts = l.split_whitespace();
            let state = parts.next().unwrap().to_owned();
            let id = parts.next().unwrap().to_owned();
            (id, (state, l.to_owned()))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unmanaged_synced_and_admin_accounts_are_refused_with_no_request_sent() {
    let setup = site(40, 81).await;
    let plain = managed(&setup, 2);
    let unmanaged = setup.site.org_unmanaged_ids();
    let synced = setup.site.org_synced_ids();
    let admins = admins(&setup);
    assert!(!unmanaged.is_empty() && !synced.is_empty() && admins.len() > 1);
    // The core's first reason for each: not managed, then synced, then an admin.
    let guarded: Vec<(&String, &str)> = unmanaged
        .iter()
        .chain(&synced)
        .chain(&admins)
        .map(|id| {
            let u = setup.site.org_user(id).unwrap();
            let words = match () {
                _ if !u.is_managed() => "not an account your company manages",
                _ if u.is_synced() => "identity provider",
                _ => "an admin",
            };
            (id, words)
        })
        .collect();
    let everyone: Vec<String> = plain
        .iter()
        .chain(guarded.iter().map(|(id, _)| *id))
        .cloned()
        .collect();
    let csv = export_of(&setup, "everyone.csv", &everyone);
    let csv = csv.to_str().unwrap();

    // --unlock-admins unlocks nothing here: refused before any request.
    let out = run(act_cmd(
        &setup,
        "deactivate",
        &["--csv", csv, "--yes", "--unlock-admins"],
    ))
    .await;
    exits(&out, 2);
    assert!(
        texts(&out).1.contains("--unlock-admins does not apply"),
        "{}",
        texts(&out).1
    );
    assert_eq!(requests(&setup), 0, "nothing was sent");

    for (action, done) in [
        ("deactivate", "deactivated"),
        ("delete-account", "deletion_scheduled"),
    ] {
        let (out, dir) = run_new(&setup, act_cmd(&setup, action, &["--csv", csv, "--yes"])).await;
        exits(&out, 0);
        let c = counts(&out, done);
        assert_eq!(
            (c[done], c["skipped"], c["failed"]),
            (2, guarded.len() as u64, 0),
            "{c:?}"
        );
        let cells = outcomes(&dir);
        for (id, words) in &guarded {
            let (outcome, message) = &cells[*id];
            assert_eq!(outcome, "skipped", "{id}");
            assert!(message.contains(words), "{id}: {message}");
        }
    }
    let calls = lifecycle_calls(&setup);
    let read = privilege_reads(&setup);
    for (id, _) in &guarded {
        assert!(
            !calls.contains_key(*id),
            "{id} was written to: {:?}",
            calls[*id]
        );
        assert!(!read.contains(id), "{id} was looked up");
        assert_eq!(
            lifecycle(&setup, id),
            Some(("active".into(), false)),
            "{id}"
        );
    }
    for id in &plain {
        let verbs: Vec<&str> = calls[id].iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(verbs, ["disable", "delete"], "{id}");
        assert_eq!(
            lifecycle(&setup, id),
            Some(("inactive".into(), true)),
            "{id}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dry_run_reads_atlassians_check_of_each_account_and_matches_it() {
    let setup = site(40, 83).await;
    let plain = managed(&setup, 3);
    let owners = setup.site.org_site_owner_ids();
    let unmanaged = setup.site.org_unmanaged_ids();
    let synced = setup.site.org_synced_ids();
    let admins = admins(&setup);
    // Plain to the directory, refused by Atlassian's own check: only the dry run's read of it
    // tells this one apart.
    let google = setup.site.org_google_synced_ids();
    assert!(!owners.is_empty());
    assert_eq!(google.len(), 1);
    let everyone: Vec<String> = [&plain, &owners, &unmanaged, &synced, &admins, &google]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let csv = export_of(&setup, "everyone.csv", &everyone);
    let csv = csv.to_str().unwrap();

    for action in [Action::Deactivate, Action::DeleteAccount] {
        let sub = if action == Action::Deactivate {
            "deactivate"
        } else {
            "delete-account"
        };
        let reads_before = privilege_reads(&setup).len();
        let out = run(act_cmd(&setup, sub, &["--csv", csv, "--dry-run"])).await;
        exits(&out, 0);
        let read: Vec<String> = privilege_reads(&setup).split_off(reads_before);
        let lines = dry_lines(&out);
        assert_eq!(lines.len(), everyone.len(), "one line per person");
        let atlassian = privileges(&setup, &everyone, action).await;
        let would = format!("would_{}", action.as_str());
        for id in &everyone {
            let (state, line) = &lines[id];
            let allowed = atlassian[id] == Permission::Allowed;
            match state.as_str() {
                // Offboard acts only where Atlassian's own check, read for it, allows it.
                s if s == would => {
                    assert!(allowed, "{line}");
                    assert_eq!(read.iter().filter(|r| *r == id).count(), 1, "{line}");
                }
                "not_allowed" => {
                    assert!(!allowed, "{line}");
                    let why = atlassian[id].refusal().unwrap();
                    assert!(line.contains(&why), "{line}: {why}");
                }
                // The core's guards are at least as strict as Atlassian's and ask nothing.
                "protected" => assert!(!read.contains(id), "{line}"),
                other => panic!("{other}: {line}"),
            }
        }
        // Atlassian's reasons for those the core protects agree with the core's.
        let reason = |id: &String| match &atlassian[id] {
            Permission::NotAllowed { reason } => reason.clone(),
            Permission::Allowed => "allowed".into(),
        };
        assert_eq!(reason(&admins[0]), "administrative.notMyself");
        for id in &synced {
            assert_eq!(reason(id), "externalDirectory.scim", "{id}");
            assert!(lines[id].1.contains("identity provider"), "{}", lines[id].1);
        }
        for id in &unmanaged {
            assert_eq!(reason(id), "managedAccount", "{id}");
        }
        assert_eq!(reason(&google[0]), "externalDirectory.google");
        assert_eq!(lines[&google[0]].0, "not_allowed");
        assert!(
            lines[&google[0]].1.contains("Google"),
            "{}",
            lines[&google[0]].1
        );
        let c = counts(&out, &would);
        let acted = (plain.len() + owners.len()) as u64;
        assert_eq!((c[&would], c["not_allowed"]), (acted, 1), "{c:?}");
        assert_eq!(c["protected"], (everyone.len() as u64) - acted - 1, "{c:?}");
    }
    assert!(
        lifecycle_calls(&setup).is_empty(),
        "a dry run sends no change"
    );
    assert!(run_dirs(&setup).is_empty(), "a dry run makes no run");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_atlassian_finds_ineligible_ends_refused_in_its_words() {
    let setup = site(40, 85).await;
    let owner = setup.site.org_site_owner_ids()[0].clone();
    let plain = managed(&setup, 1);
    let ids = [owner.clone(), plain[0].clone()];
    let csv = export_of(&setup, "owner.csv", &ids);
    let (out, dir) = run_new(
        &setup,
        act_cmd(
            &setup,
            "deactivate",
            &["--csv", csv.to_str().unwrap(), "--yes"],
        ),
    )
    .await;
    // A refusal is the row's outcome, not a failure of the run.
    exits(&out, 0);
    let c = counts(&out, "deactivated");
    assert_eq!(
        (c["deactivated"], c["refused"], c["failed"]),
        (1, 1, 0),
        "{c:?}"
    );
    let (outcome, message) = &outcomes(&dir)[&owner];
    assert_eq!(outcome, "refused");
    assert!(message.contains("owns sites"), "{message}");
    assert_eq!(
        lifecycle_calls(&setup)[&owner],
        [("disable".to_owned(), Some(409))],
        "sent once, never again"
    );
    assert_eq!(lifecycle(&setup, &owner), Some(("active".into(), false)));
}
