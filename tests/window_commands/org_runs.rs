//! Organization mode's Review and Run steps: a suspend plan that protects admins, synced and
//! unmembered people with the phrase `suspend N`, its dry run, the run through `start_run` on
//! the practice organization, the history's "Restore these users", and resuming an org run
//! only over a connection to its organization and directory.

use super::org_support::*;
use super::*;

#[test]
fn suspend_then_restore_from_the_history_through_the_same_run_commands() {
    let w = Window::open_with(org_config(60, 1));
    w.org_connect_ok();
    let rows = w.org_load();
    let all = row_ids(&rows);
    let acting: Vec<&Value> = rows.iter().filter(|r| !guarded(r)).collect();
    let guarded_ids = row_ids(rows.iter().filter(|r| guarded(r)));
    assert!(
        rows.iter().any(|r| r["synced"] == true),
        "the seed has synced people"
    );
    assert!(
        guarded_ids.len() >= 3,
        "the caller, site admins, synced people"
    );

    let plan = w.org_plan("suspend", &all, None).unwrap();
    assert_eq!(plan["action"], "suspend");
    assert_eq!(plan["actionTitle"], "Suspend access");
    assert!(
        plan["explanation"].as_str().unwrap().contains("restore"),
        "{plan}"
    );
    assert_eq!(plan["orgName"], w.config.org_name.as_str());
    assert_eq!(plan["directoryName"], "Practice Directory");
    assert_eq!(plan["phrase"], format!("suspend {}", acting.len()));
    assert_eq!(plan["toRemove"], acting.len() as u64);
    assert_eq!(plan["total"], all.len() as u64);
    let protected = row_ids(plan["protected"].as_array().unwrap());
    assert_eq!(
        protected, guarded_ids,
        "admins, synced and unmembered people are protected"
    );
    let caller = plan["protected"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["accountId"] == CALLER)
        .unwrap();
    assert!(
        caller["reason"]
            .as_str()
            .unwrap()
            .contains("organization admin"),
        "{caller}"
    );

    // The dry run reads everyone back and writes nothing.
    let dry = w
        .call("org_preflight", json!({"planId": plan["planId"]}))
        .unwrap();
    let already = acting
        .iter()
        .filter(|r| r["membershipStatus"] == "suspended")
        .count();
    assert!(already > 0, "the seed has people suspended already");
    assert_eq!(dry["alreadyDone"], already as u64);
    assert_eq!(dry["wouldAct"], (acting.len() - already) as u64);
    assert_eq!(dry["protected"], guarded_ids.len() as u64);
    assert_eq!(dry["notInDirectory"], 0);
    assert_eq!(dry["rows"].as_array().unwrap().len(), all.len());
    assert!(all.iter().all(|id| w.site.org_writes_of(id) == 0));

    let wrong = w.start(&plan, "remove 3").unwrap_err();
    assert_eq!(wrong["kind"], "phrase");
    let run_id = w.start_own(&plan);
    let runs = w.wait_idle();
    let run = &runs[0];
    assert_eq!(run["runId"], run_id.as_str());
    assert_eq!(run["lastStatus"], "completed");
    assert_eq!(
        (run["action"].as_str(), run["actionTitle"].as_str()),
        (Some("suspend"), Some("Suspend access"))
    );
    assert_eq!(run["orgName"], w.config.org_name.as_str());
    assert_eq!(run["undo"], "restore");
    for r in &acting {
        let id = r["accountId"].as_str().unwrap();
        assert_eq!(membership(&w, id), "suspended", "{id}");
    }
    for id in &guarded_ids {
        assert_eq!(
            w.site.org_writes_of(id),
            0,
            "a protected person was written to: {id}"
        );
    }

    // "Restore these users": the people the run suspended, read from the directory now.
    let suspended_now = run["counters"]["removed"].as_u64().unwrap();
    assert!(suspended_now > 0);
    let restore = w.org_plan("restore", &[], Some(&run_id)).unwrap();
    assert_eq!(restore["action"], "restore");
    assert_eq!(restore["phrase"], format!("restore {suspended_now}"));
    let restore_id = w.start_own(&restore);
    let runs = w.wait_idle();
    assert_eq!(runs[0]["runId"], restore_id.as_str());
    assert_eq!(runs[0]["lastStatus"], "completed");
    assert_eq!(
        runs[0]["undo"],
        Value::Null,
        "a restore is not undone from the history"
    );
    assert_eq!(runs[1]["undo"], "restore");
    let restored = runs[0]["counters"]["removed"].as_u64().unwrap();
    assert_eq!(restored, suspended_now);
    let back = acting
        .iter()
        .filter(|r| membership(&w, r["accountId"].as_str().unwrap()) == "active")
        .count() as u64;
    assert!(back >= restored, "{back} active again, {restored} restored");

    // A restore takes a suspend run's people only; site runs have no undo.
    let not_suspend = w.org_plan("restore", &[], Some(&restore_id)).unwrap_err();
    assert_eq!(not_suspend["kind"], "no_run");
    let no_run = w
        .org_plan("restore", &[], Some("../elsewhere"))
        .unwrap_err();
    assert_eq!(no_run["kind"], "no_run");
}

#[test]
fn an_org_run_resumes_only_over_its_organization_and_directory() {
    let w = Window::open_with(org_config(30, 1));
    w.org_connect_ok();
    let rows = w.org_load();
    let ids = row_ids(rows.iter().filter(|r| !guarded(r)));
    let plan = w.org_plan("suspend", &ids, None).unwrap();
    let run_id = w.start_own(&plan);
    w.wait_idle();

    // Another window with no connection, and this one over the site: the organization is named.
    let other = AppState::new(w.data.path(), Arc::new(MemoryStore::new()), None);
    let err =
        tauri::async_runtime::block_on(other.continue_run(&run_id, false, None, Arc::new(|_| {})))
            .unwrap_err();
    assert_eq!((err.kind, err.field), ("not_connected", Some("run")));
    assert!(err.message.contains(&w.config.org_name), "{}", err.message);
    assert!(err.message.contains(&w.config.org_id), "{}", err.message);
    w.connect(&w.config.admin_token, false).unwrap();
    let over_site = w
        .call("retry_run", json!({"runId": run_id, "onEvent": channel()}))
        .unwrap_err();
    assert_eq!(over_site["kind"], "not_connected");
    assert!(over_site["message"]
        .as_str()
        .unwrap()
        .contains("Practice Directory"));

    // Over the organization again it goes on (nothing is left, so nothing more is sent).
    w.org_connect_ok();
    let writes: usize = ids.iter().map(|id| w.site.org_writes_of(id)).sum();
    let again = w
        .call("retry_run", json!({"runId": run_id, "onEvent": channel()}))
        .unwrap();
    assert_eq!(again["total"], ids.len());
    assert_eq!(again["site"], w.site.url());
    let runs = w.wait_idle();
    assert_eq!(runs[0]["lastStatus"], "completed");
    assert_eq!(
        ids.iter().map(|id| w.site.org_writes_of(id)).sum::<usize>(),
        writes
    );
}
