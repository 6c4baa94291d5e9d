//! Managed-account actions through the window's commands (issue 14): the plans of deactivate
//! and delete with their typed phrases and the core's protections, the dry run's per-account
//! check, and the history's undo (reactivate, cancel the deletions until the grace ends), each
//! prepared from its run with `fromRun` and run as a run of its own.

use super::org_support::*;
use super::*;

/// An account's `accountStatus` and whether its deletion is pending, on the practice site.
fn lifecycle(w: &Window, id: &str) -> (String, bool) {
    let (status, pending) = w.site.org_lifecycle_of(id).expect("the account is known");
    (status, pending.is_some())
}

#[test]
fn accounts_are_deactivated_reactivated_deleted_and_the_deletion_cancelled_from_the_history() {
    let w = Window::open_with(org_config(60, 1));
    w.org_connect_ok();
    w.org_load();
    let managed = w.site.org_managed_ids();
    let (synced, unmanaged) = (w.site.org_synced_ids(), w.site.org_unmanaged_ids());
    assert!(managed.len() >= 2 && !synced.is_empty() && !unmanaged.is_empty());
    let caller = w.config.caller_account_id.clone();
    let two = managed[..2].to_vec();
    let mut chosen = two.clone();
    chosen.extend([synced[0].clone(), unmanaged[0].clone(), caller.clone()]);

    // Deactivate: the synced, the unmanaged and the admin are protected by the core.
    let plan = w.org_plan("deactivate", &chosen, None).unwrap();
    assert_eq!(plan["action"], "deactivate");
    assert_eq!(plan["actionTitle"], "Deactivate account");
    assert_eq!(plan["phrase"], "deactivate accounts 2");
    let reason = |id: &str| {
        let p = plan["protected"].as_array().unwrap();
        let p = p.iter().find(|p| p["accountId"] == id);
        p.map(|p| p["reason"].as_str().unwrap().to_owned())
            .unwrap_or_else(|| panic!("{id} protected: {plan}"))
    };
    assert!(reason(&synced[0]).contains("identity provider"));
    assert!(reason(&unmanaged[0]).contains("manages"));
    assert!(reason(&caller).contains("admin"));
    let dry = w
        .call("org_preflight", json!({"planId": plan["planId"]}))
        .unwrap();
    assert_eq!(
        (&dry["wouldAct"], &dry["protected"], &dry["notAllowed"]),
        (&json!(2), &json!(3), &json!(0)),
        "{dry}"
    );
    assert_eq!(
        w.start(&plan, "deactivate 2").unwrap_err()["kind"],
        "phrase"
    );
    let deactivate_run = w.start_own(&plan);
    let runs = w.wait_idle();
    assert_eq!(runs[0]["counters"]["removed"], 2);
    assert_eq!(
        (&runs[0]["undo"], &runs[0]["undoUntil"]),
        (&json!("reactivate"), &Value::Null)
    );
    for id in &two {
        assert_eq!(lifecycle(&w, id), ("inactive".into(), false), "{id}");
    }
    for id in [&synced[0], &unmanaged[0], &caller] {
        assert_eq!(
            w.site.org_lifecycle_calls_of(id),
            0,
            "{id} was sent a lifecycle call"
        );
    }

    // "Reactivate these accounts": a run of its own, from the deactivate run.
    let wrong = w.org_plan("cancel_delete", &[], Some(&deactivate_run));
    assert_eq!(wrong.unwrap_err()["kind"], "no_run");
    let reactivate = w
        .org_plan("reactivate", &[], Some(&deactivate_run))
        .unwrap();
    assert_eq!(reactivate["phrase"], "reactivate accounts 2");
    w.start_own(&reactivate);
    let runs = w.wait_idle();
    assert_eq!(runs[0]["action"], "reactivate");
    assert_eq!(runs[0]["undo"], Value::Null);
    for id in &two {
        assert_eq!(lifecycle(&w, id), ("active".into(), false), "{id}");
    }

    // Delete one: the plan says until when it can be cancelled; the history offers the cancel
    // until the grace period ends.
    let plan = w.org_plan("delete_account", &two[..1], None).unwrap();
    assert_eq!(plan["phrase"], "delete accounts 1");
    assert!(
        plan["words"]
            .as_str()
            .unwrap()
            .contains("can be cancelled until"),
        "{plan}"
    );
    let delete_run = w.start_own(&plan);
    let runs = w.wait_idle();
    assert_eq!(lifecycle(&w, &two[0]), ("inactive".into(), true));
    assert_eq!(runs[0]["undo"], "cancel_delete");
    let until = runs[0]["undoUntil"].as_str().expect("undoUntil");
    let until =
        time::OffsetDateTime::parse(until, &time::format_description::well_known::Rfc3339).unwrap();
    let left = until - time::OffsetDateTime::now_utc();
    assert!(
        left > time::Duration::days(14) - time::Duration::minutes(5)
            && left <= time::Duration::days(14),
        "the grace period ends in {left}"
    );
    assert_eq!(
        w.org_plan("restore", &[], Some(&delete_run)).unwrap_err()["kind"],
        "no_run"
    );
    let cancel = w.org_plan("cancel_delete", &[], Some(&delete_run)).unwrap();
    assert_eq!(cancel["phrase"], "cancel deletions 1");
    w.start_own(&cancel);
    let runs = w.wait_idle();
    assert_eq!(runs[0]["action"], "cancel_delete");
    assert_eq!(runs[0]["counters"]["removed"], 1);
    // Cancelled, and still deactivated: reactivating is a separate step.
    assert_eq!(lifecycle(&w, &two[0]), ("inactive".into(), false));
}
