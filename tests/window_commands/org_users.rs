//! Organization mode's Choose step: the directory's users loaded page by page with an
//! `org-load` event after each, a cancel that keeps nothing, and an export matched to the
//! directory with the people it does not hold listed apart.

use super::org_support::*;
use super::*;
use std::sync::mpsc;
use std::sync::Mutex;
use tauri::Listener;

/// The `org-load` payloads, as they arrive.
fn record_progress(w: &Window) -> Arc<Mutex<Vec<Value>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    w.webview.listen_any("org-load", move |event| {
        let payload: Value = serde_json::from_str(event.payload()).unwrap();
        sink.lock().unwrap().push(payload);
    });
    seen
}

#[test]
fn users_load_over_several_pages_with_progress_and_the_directorys_facts() {
    let w = Window::open_with(org_config(320, 1));
    w.org_connect_ok();
    let seen = record_progress(&w);
    let loaded = w.call("org_load_users", json!({})).unwrap();
    assert_eq!(loaded["directoryName"], "Practice Directory");
    let rows = &rows_of(&loaded["users"]);

    let progress = seen.lock().unwrap().clone();
    assert!(progress.len() >= 3, "{} pages of 100", progress.len());
    for (i, p) in progress.iter().enumerate() {
        assert_eq!(p["pages"], i as u64 + 1, "{p}");
        if i > 0 {
            assert!(
                p["loaded"].as_u64() > progress[i - 1]["loaded"].as_u64(),
                "{p}"
            );
        }
    }
    assert_eq!(progress.last().unwrap()["loaded"], rows.len() as u64);

    // Every member of the directory, with what the guards and filters need.
    let ids = row_ids(rows);
    for member in w.site.org_users() {
        assert!(
            ids.contains(&member.account_id),
            "{} missing",
            member.account_id
        );
    }
    let caller = rows.iter().find(|r| r["accountId"] == CALLER).unwrap();
    let roles = caller["adminRoles"].as_array().unwrap();
    assert!(roles.contains(&json!("org-admin")), "{caller}");
    assert!(rows.iter().any(|r| r["synced"] == true));
    assert!(rows.iter().any(|r| r["membershipStatus"] == "suspended"));
    let day = |v: &Value| {
        v.as_str()
            .is_none_or(|d| d.len() == 10 && d.as_bytes()[4] == b'-')
    };
    assert!(rows
        .iter()
        .all(|r| day(&r["lastActiveJira"]) && day(&r["addedToOrg"])));
    assert!(rows.iter().any(|r| r["lastActiveConfluence"].is_string()));
}

#[test]
fn a_cancelled_load_fails_as_cancelled_and_keeps_nothing() {
    let w = Window::open_with(org_config(320, 1));
    w.org_connect_ok();
    let first = w.org_load();
    let some = row_ids(first.iter().filter(|r| !guarded(r)).take(3));

    // The first page's event holds the load until the cancel has been sent.
    let (page_tx, page_rx) = mpsc::channel::<Value>();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let gate = Mutex::new(Some((page_tx, go_rx)));
    w.webview.listen_any("org-load", move |event| {
        if let Some((page, go)) = gate.lock().unwrap().take() {
            page.send(serde_json::from_str(event.payload()).unwrap())
                .unwrap();
            go.recv_timeout(Duration::from_secs(60)).unwrap();
        }
    });
    let webview = w.webview.clone();
    let loading = std::thread::spawn(move || call_on(&webview, "org_load_users", json!({})));
    let page = page_rx.recv_timeout(Duration::from_secs(60)).unwrap();
    assert_eq!(page["pages"], 1);
    w.call("org_cancel_load", json!({})).unwrap();
    go_tx.send(()).unwrap();
    let err = loading.join().unwrap().unwrap_err();
    assert_eq!(err["kind"], "cancelled", "{err}");

    // Nothing kept: the users of the earlier load went with the start of this one.
    let none = w.org_plan("suspend", &some, None).unwrap_err();
    assert_eq!(
        (none["kind"].as_str(), none["field"].as_str()),
        (Some("no_users"), Some("users"))
    );
    // A cancel with no load going on is harmless, and the next load is whole.
    w.call("org_cancel_load", json!({})).unwrap();
    assert_eq!(w.org_load().len(), first.len());
    assert!(w.org_plan("suspend", &some, None).is_ok());
}

#[test]
fn an_export_is_matched_to_the_directory_and_its_strangers_are_listed_apart() {
    let w = Window::open_with(org_config(40, 1));
    w.org_connect_ok();
    let members = w.site.org_users();
    let picked: Vec<_> = members
        .iter()
        .filter(|m| m.account_id != CALLER)
        .take(8)
        .collect();
    let strangers = [
        (
            "712020:00000000-0000-4000-8000-00000000beef",
            "Pat Gone",
            "pat.gone@example.com",
        ),
        (
            "5b10ac8d82e05b22cc7dffff",
            "Lee Elsewhere",
            "lee@elsewhere.example",
        ),
    ];
    let mut csv = String::from("User id,User name,email,User status,Added to org,Org role\n");
    for m in &picked {
        let email = m.email.clone().unwrap_or_default();
        csv.push_str(&format!(
            "{},{},{email},Active,1 Jan 2020,\n",
            m.account_id, m.name
        ));
    }
    for (id, name, email) in strangers {
        csv.push_str(&format!("{id},{name},{email},Active,1 Jan 2020,\n"));
    }
    let path = w.data.path().join("org-export.csv");
    std::fs::write(&path, csv).unwrap();

    let before_connect = Window::open_with(org_config(10, 1));
    let err = before_connect
        .call("org_import_export", json!({"path": path}))
        .unwrap_err();
    assert_eq!(err["kind"], "not_connected");

    let matched = w.call("org_import_export", json!({"path": path})).unwrap();
    assert_eq!(matched["fileName"], "org-export.csv");
    let users = &rows_of(&matched["users"]);
    let ids = row_ids(users);
    let expected: Vec<String> = picked.iter().map(|m| m.account_id.clone()).collect();
    assert_eq!(ids, expected, "the export's people, in file order");
    // As the directory says, not as the file says.
    let one = picked[0];
    assert_eq!(users[0]["membershipStatus"], one.membership_status.as_str());
    let apart = matched["notInDirectory"].as_array().unwrap();
    assert_eq!(row_ids(apart), strangers.map(|s| s.0.to_owned()).to_vec());
    assert_eq!(apart[0]["name"], "Pat Gone");
    assert_eq!(apart[1]["email"], "lee@elsewhere.example");

    // Plans are made from the matched people only.
    let plain = row_ids(users.iter().filter(|r| !guarded(r)));
    let plan = w.org_plan("suspend", &plain, None).unwrap();
    assert_eq!(plan["total"], plain.len() as u64);
    let stranger = w
        .org_plan("suspend", &[strangers[0].0.to_owned()], None)
        .unwrap_err();
    assert_eq!(stranger["kind"], "no_users");
}
