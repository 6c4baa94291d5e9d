//! Practice mode keeps its site across launches: the practice site remembers whom it removed,
//! and a practice run cut short resumes on the practice site of the next launch, whose address
//! is new. Practice and real runs never resume on each other's connections.

use super::*;
use offboard::app::state::PracticeMode;
use offboard::vault::ApiToken;
use std::path::Path;

/// A practice-mode window over `root` (runs in `root/practice`, as `offboard --practice` keeps
/// them), with its practice site started from `config`.
fn practice_window(root: &Path, config: &PracticeConfig) -> Window {
    let site = tauri::async_runtime::block_on(PracticeSite::start(config.clone())).unwrap();
    let mode = PracticeMode {
        site: site.clone(),
        email: config.admin_email.clone(),
        token: ApiToken::new(config.admin_token.clone()),
        sample_export: fixture(MESSY),
    };
    let store = Arc::new(MemoryStore::new());
    let state = AppState::new(&root.join("practice"), store.clone(), Some(mode));
    let app = build_app(mock_builder(), state)
        .build(tauri::generate_context!())
        .unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Window {
        webview,
        site,
        config: config.clone(),
        store,
        data: tempfile::tempdir().unwrap(),
        _app: app,
    }
}

/// Checks the practice connection as the page does (no token: the practice one).
fn connect_practice(w: &Window) {
    w.call(
        "connect",
        json!({"site": w.site.url(), "email": w.config.admin_email, "token": null, "remember": false}),
    )
    .unwrap();
}

/// Account ids the site answered a DELETE of with 204.
fn removed_by(site: &PracticeSite) -> Vec<String> {
    site.record()
        .into_iter()
        .filter(|r| r.method == "DELETE" && r.status == Some(204))
        .filter_map(|r| r.account_id)
        .collect()
}

#[test]
fn a_practice_run_cut_short_resumes_on_the_practice_site_of_the_next_launch() {
    let root = tempfile::tempdir().unwrap();
    let mut config = PracticeConfig::from_csv(&fixture(MESSY)).unwrap();
    config.removals_file = Some(root.path().join("practice/practice-site-removed.txt"));

    // First launch: a run stopped while rows are left (the site allows one removal, then waits).
    let first = practice_window(root.path(), &config);
    connect_practice(&first);
    let all = ids(&first.import(MESSY));
    first.site.set_rate(Some(0.01));
    let plan = first.plan(&all, &[]).unwrap();
    let started = first
        .start(&plan, plan["phrase"].as_str().unwrap())
        .unwrap();
    let run_id = started["runId"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(30);
    while removed_by(&first.site).is_empty() {
        assert!(Instant::now() < deadline, "no removal within 30 s");
        std::thread::yield_now();
    }
    first.call("stop_run", json!({})).unwrap();
    let runs = first.wait_idle();
    assert_eq!(
        (&runs[0]["lastStatus"], &runs[0]["resumable"]),
        (&json!("stopped"), &json!(true))
    );
    assert_eq!(runs[0]["practice"], true);
    let removed_first = removed_by(&first.site);
    let old_url = first.site.url();

    // A real window on the same runs, connected to a site at the run's very address with the
    // run's account, may not resume it: it is a practice run.
    let old_site = first.site.clone();
    drop(first);
    tauri::async_runtime::block_on(old_site.shutdown());
    let port: u16 = old_url.rsplit(':').next().unwrap().parse().unwrap();
    let same_address =
        tauri::async_runtime::block_on(PracticeSite::start_on(config.clone(), port)).unwrap();
    let real = AppState::new(
        &root.path().join("practice"),
        Arc::new(MemoryStore::new()),
        None,
    );
    tauri::async_runtime::block_on(real.connect(
        &same_address.url(),
        &config.admin_email,
        Some(config.admin_token.clone()),
        false,
    ))
    .unwrap();
    let err =
        tauri::async_runtime::block_on(real.continue_run(&run_id, false, None, Arc::new(|_| {})))
            .unwrap_err();
    assert_eq!(err.kind, "no_run", "{}", err.message);
    assert!(err.message.contains("practice mode"), "{}", err.message);
    assert_eq!(same_address.deletes_of(&removed_first[0]), 0);

    // Next launch: a new practice site, at another address (the old one is still taken), that
    // remembers whom the first one removed.
    let second = practice_window(root.path(), &config);
    tauri::async_runtime::block_on(same_address.shutdown());
    assert_ne!(second.site.url(), old_url);
    for id in &removed_first {
        assert!(!second.site.exists(id), "{id} is back after a relaunch");
    }
    let runs = second.call("list_runs", json!({})).unwrap();
    assert_eq!(runs[0]["runId"], run_id.as_str());
    assert_eq!(runs[0]["practice"], true);
    // Not connected yet: the words send the admin to the practice site, not the old address.
    let err = second
        .call(
            "continue_run",
            json!({"runId": run_id, "onEvent": channel()}),
        )
        .unwrap_err();
    assert_eq!(err["kind"], "not_connected");
    let words = err["message"].as_str().unwrap();
    assert!(words.contains("the practice site"), "{words}");
    assert!(!words.contains(&old_url), "{words}");

    connect_practice(&second);
    let resumed = second
        .call(
            "continue_run",
            json!({"runId": run_id, "onEvent": channel()}),
        )
        .unwrap();
    assert_eq!(resumed["site"], second.site.url().as_str());
    // The page held no rows: they came, and earlier decisions name them by index.
    let (decided, ids) = (
        resumed["decided"].as_array().unwrap(),
        &resumed["rows"]["id"],
    );
    assert!(removed_first.iter().all(|id| decided
        .iter()
        .any(|d| ids[d["row"].as_u64().unwrap() as usize] == id.as_str()
            && d["outcome"] == "removed")));
    let runs = second.wait_idle();
    assert_eq!(runs[0]["lastStatus"], "completed");
    assert_eq!(runs[0]["resumable"], false);
    assert_eq!(runs.len(), 1, "the same run went on");
    // Nobody removed before the relaunch was sent again; the rest went this time.
    for id in &removed_first {
        assert_eq!(second.site.deletes_of(id), 0, "{id} was sent again");
    }
    let removed = runs[0]["counters"]["removed"].as_u64().unwrap() as usize;
    assert_eq!(
        removed,
        removed_first.len() + removed_by(&second.site).len()
    );
    assert!(removed > removed_first.len());

    // A real site's run in the practice window's folder is refused, not sent to the practice
    // site (nor met with a connection it could never make).
    let dir = root.path().join("practice/runs").join(&run_id);
    let real_run = root.path().join("practice/runs/20990101-000000-aaaaaa");
    std::fs::create_dir_all(&real_run).unwrap();
    let mut plan: Value =
        serde_json::from_slice(&std::fs::read(dir.join("plan.json")).unwrap()).unwrap();
    plan["run_id"] = json!("20990101-000000-aaaaaa");
    plan["site"] = json!("https://acme.atlassian.net");
    plan["practice"] = json!(false);
    std::fs::write(real_run.join("plan.json"), plan.to_string()).unwrap();
    let err = second
        .call(
            "continue_run",
            json!({"runId": "20990101-000000-aaaaaa", "onEvent": channel()}),
        )
        .unwrap_err();
    assert_eq!(err["kind"], "practice_only", "{err}");
}
