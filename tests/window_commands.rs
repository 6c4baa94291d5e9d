//! The window's commands on Tauri's mock runtime, with the app's real context (capability file,
//! declared commands), against the practice site over HTTP and a token store in memory.

mod common;

use common::{fixture, results};
use offboard::app::{build_app, AppState, TEST_SAVE_FILE};
use offboard::practice::{PracticeConfig, PracticeSite};
use offboard::vault::{MemoryStore, TokenStore, VaultKey};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

const MESSY: &str = "export-messy.csv";
const CALLER: &str = "5b10ac8d82e05b22cc7d4ef5";

struct Window {
    webview: WebviewWindow<MockRuntime>,
    site: PracticeSite,
    config: PracticeConfig,
    store: Arc<MemoryStore>,
    data: tempfile::TempDir,
    _app: tauri::App<MockRuntime>,
}

impl Window {
    /// The app wired by `build_app` with its real context, and a practice site seeded from `csv`.
    fn open(csv: &str) -> Window {
        Window::open_with(PracticeConfig::from_csv(&fixture(csv)).unwrap())
    }

    /// The same, on a practice site started from `config`.
    fn open_with(config: PracticeConfig) -> Window {
        let site = tauri::async_runtime::block_on(PracticeSite::start(config.clone())).unwrap();
        let data = tempfile::tempdir().unwrap();
        let store = Arc::new(MemoryStore::new());
        let state = AppState::new(data.path(), store.clone(), None);
        let app = build_app(mock_builder(), state)
            .build(tauri::generate_context!())
            .unwrap();
        let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        Window {
            webview,
            site,
            config,
            store,
            data,
            _app: app,
        }
    }

    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        self.call_from("tauri://localhost", cmd, args)
    }

    /// A command sent by a page at `origin` (only the app's own page is granted anything).
    fn call_from(&self, origin: &str, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: origin.parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.webview, request).map(|b| b.deserialize::<Value>().unwrap())
    }

    fn connect(&self, token: &str, remember: bool) -> Result<Value, Value> {
        self.call(
            "connect",
            json!({"site": self.site.url(), "email": self.config.admin_email,
                   "token": token, "remember": remember}),
        )
    }

    fn import(&self, name: &str) -> Value {
        self.call("import_export", json!({"path": fixture(name)}))
            .unwrap()
    }

    /// Asks Rust for the plan of `selection` (the Review step's `prepare_plan`).
    fn plan(&self, selection: &[String], unlocked: &[String]) -> Result<Value, Value> {
        self.call(
            "prepare_plan",
            json!({"selection": selection, "unlocked": unlocked}),
        )
    }

    /// Starts `plan` with `phrase` at a fast pace.
    fn start(&self, plan: &Value, phrase: &str) -> Result<Value, Value> {
        self.call(
            "start_run",
            json!({"planId": plan["planId"], "phrase": phrase,
                   "pace": {"maxRate": 50.0, "maxInFlight": 8}, "onEvent": channel()}),
        )
    }

    /// Prepares and confirms a rehearsal of `id`.
    fn rehearse(&self, id: &str, unlocked: bool) -> Result<Value, Value> {
        let plan = self.call(
            "prepare_rehearsal",
            json!({"accountId": id, "unlocked": unlocked}),
        )?;
        assert_eq!(plan["phrase"], "remove 1");
        self.call(
            "rehearse",
            json!({"planId": plan["planId"], "phrase": "remove 1", "onEvent": channel()}),
        )
    }

    /// Polls the history until no run is active (bounded).
    fn wait_idle(&self) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let runs = self.call("list_runs", json!({})).unwrap();
            let runs = runs.as_array().unwrap().clone();
            if runs.iter().all(|r| r["active"] == false) {
                return runs;
            }
            assert!(Instant::now() < deadline, "the run did not finish in 60 s");
            std::thread::yield_now();
        }
    }
}

fn channel() -> Value {
    json!("__CHANNEL__:1")
}

fn ids(import: &Value) -> Vec<String> {
    import["users"]["id"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_wrong_token_is_reported_next_to_the_token_field_and_the_right_one_connects() {
    let w = Window::open(MESSY);
    // The capability file is in force: a remote page gets nothing.
    let info = w.call("app_info", json!({})).unwrap();
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        info["runsDir"],
        w.data.path().join("runs").display().to_string()
    );
    assert!(info["logsDir"].as_str().unwrap().ends_with("logs"));
    assert!(w
        .call_from("https://evil.example", "app_info", json!({}))
        .is_err());
    let err = w.connect("not-the-token", true).unwrap_err();
    assert_eq!(err["kind"], "credentials");
    assert_eq!(err["field"], "token");
    assert!(err["message"].as_str().unwrap().contains("401"));
    assert!(w.store.is_empty(), "a rejected token must not be saved");

    let bad_site = w
        .call(
            "connect",
            json!({"site": "http://example.com", "email": "a@b.c", "token": "t", "remember": false}),
        )
        .unwrap_err();
    assert_eq!(bad_site["field"], "site");

    let ok = w.connect(&w.config.admin_token, true).unwrap();
    assert_eq!(ok["accountId"], CALLER);
    assert_eq!(ok["tokenSaved"], true);
    let key = VaultKey::new(&w.site.url(), &w.config.admin_email);
    assert!(w.store.has(&key).unwrap());

    let saved = w.call("saved_connections", json!({})).unwrap();
    assert_eq!(saved[0]["email"], w.config.admin_email.as_str());
    assert_eq!(saved[0]["hasToken"], true);
    // Nothing the page receives ever carries the token.
    for reply in [&ok, &saved] {
        assert!(!reply.to_string().contains(&w.config.admin_token));
    }

    // A saved token is used when the page sends none.
    let again = w
        .call(
            "connect",
            json!({"site": w.site.url(), "email": w.config.admin_email, "token": null, "remember": false}),
        )
        .unwrap();
    assert_eq!(again["accountId"], CALLER);

    w.call(
        "forget_connection",
        json!({"site": w.site.url(), "email": w.config.admin_email}),
    )
    .unwrap();
    assert!(!w.store.has(&key).unwrap());
    let has = w
        .call(
            "token_saved",
            json!({"site": w.site.url(), "email": w.config.admin_email}),
        )
        .unwrap();
    assert_eq!(has, false);
    let none = w
        .call(
            "connect",
            json!({"site": w.site.url(), "email": w.config.admin_email, "token": null, "remember": false}),
        )
        .unwrap_err();
    assert_eq!(none["kind"], "no_token");
}

#[test]
fn import_gives_columns_and_the_skipped_rows_with_their_lines() {
    let w = Window::open(MESSY);
    let import = w.import(MESSY);
    let users = import["users"]["id"].as_array().unwrap().len();
    assert_eq!(import["summary"]["users"], users as u64);
    for col in [
        "name", "email", "status", "orgRole", "lastSeen", "products", "groups",
    ] {
        assert_eq!(
            import["users"][col].as_array().unwrap().len(),
            users,
            "{col}"
        );
    }
    let skipped = import["summary"]["skipped"].as_array().unwrap();
    assert!(!skipped.is_empty());
    assert!(skipped.iter().all(|s| s["line"].as_u64().unwrap() > 1));

    let legacy = w
        .call(
            "import_export",
            json!({"path": fixture("export-legacy-pre2021.csv")}),
        )
        .unwrap_err();
    assert_eq!(legacy["kind"], "bad_file");
    assert_eq!(legacy["field"], "file");
}

#[test]
fn nothing_runs_before_a_connection_and_an_import() {
    let w = Window::open(MESSY);
    let err = w.plan(&[CALLER.into()], &[]).unwrap_err();
    assert_eq!(err["kind"], "not_connected");
    w.connect(&w.config.admin_token, false).unwrap();
    let err = w.plan(&[CALLER.into()], &[]).unwrap_err();
    assert_eq!(err["kind"], "no_roster");
    for cmd in ["pause_run", "resume_run", "stop_run"] {
        assert_eq!(w.call(cmd, json!({})).unwrap_err()["kind"], "no_run");
    }
    let import = w.import(MESSY);
    let plan = w.plan(&ids(&import), &[]).unwrap();
    let err = w
        .call(
            "start_run",
            json!({"planId": plan["planId"], "phrase": plan["phrase"],
                   "pace": {"maxRate": 500.0, "maxInFlight": 8}, "onEvent": channel()}),
        )
        .unwrap_err();
    assert_eq!(err["field"], "pace");
    assert!(w.site.record().iter().all(|r| r.method != "DELETE"));
    assert!(w
        .call("list_runs", json!({}))
        .unwrap()
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn dry_run_rehearsal_and_run_protect_the_caller_and_locked_admins() {
    let w = Window::open(MESSY);
    w.connect(&w.config.admin_token, false).unwrap();
    let import = w.import(MESSY);
    let all = ids(&import);
    let roles = import["users"]["orgRole"].as_array().unwrap();
    let admins: Vec<&String> = all
        .iter()
        .zip(roles)
        .filter(|(id, r)| !r.as_str().unwrap().is_empty() && *id != CALLER)
        .map(|(id, _)| id)
        .collect();
    assert!(admins.len() >= 2, "the messy fixture has org admins");
    let unlocked = admins[0].clone();
    let locked = admins[1].clone();

    let plan = w.plan(&all, std::slice::from_ref(&unlocked)).unwrap();
    let dry = w
        .call("preflight", json!({"planId": plan["planId"]}))
        .unwrap();
    assert_eq!(dry["planId"], plan["planId"]);
    assert!(dry["protected"].as_u64().unwrap() >= 2);
    assert!(
        w.site.record().iter().all(|r| r.method != "DELETE"),
        "a dry run sends no DELETE"
    );

    // The rehearsal removes exactly one user, as a run of its own.
    let victim = all
        .iter()
        .find(|id| *id != CALLER && !admins.contains(id) && !id.starts_with("557058:"))
        .unwrap()
        .clone();
    let started = w.rehearse(&victim, false).unwrap();
    assert_eq!(started["total"], 1);
    w.wait_idle();
    assert_eq!(w.site.deletes_of(&victim), 1);
    assert!(!w.site.exists(&victim));

    let rest: Vec<String> = all.iter().filter(|id| **id != victim).cloned().collect();
    let plan = w.plan(&rest, &[unlocked.clone(), CALLER.into()]).unwrap();
    let phrase = plan["phrase"].as_str().unwrap().to_owned();
    let started = w.start(&plan, &phrase).unwrap();
    let run_id = started["runId"].as_str().unwrap().to_owned();
    let other = all
        .iter()
        .find(|id| **id != victim && !admins.contains(id) && **id != CALLER)
        .unwrap();
    let busy = w.rehearse(other, false).unwrap_err();
    assert_eq!(busy["kind"], "busy");
    let runs = w.wait_idle();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["lastStatus"], "completed");

    // The caller is never removed, even "unlocked"; a locked admin is skipped; an unlocked one goes.
    assert_eq!(w.site.deletes_of(CALLER), 0);
    assert_eq!(w.site.deletes_of(&locked), 0);
    assert_eq!(w.site.deletes_of(&unlocked), 1);

    // Export through the (debug-only) dialog answer, then compare with what the site saw.
    let target = w.data.path().join("exported.csv");
    std::env::set_var(TEST_SAVE_FILE, &target);
    let written = w.call("export_results", json!({"runId": run_id})).unwrap();
    assert_eq!(written, target.display().to_string());
    for (id, outcome, _, _) in results(&target) {
        let deletes = w.site.deletes_of(&id);
        match outcome.as_str() {
            "removed" => assert!(deletes >= 1 && !w.site.exists(&id), "{id}"),
            "skipped" => assert_eq!(deletes, 0, "{id}"),
            "cannot_remove" => assert!(w.site.exists(&id), "{id}"),
            other => panic!("{id}: unexpected outcome {other}"),
        }
    }
    assert!(
        !w.data.path().join(".exported.csv.partial").exists(),
        "the export's temporary file was left behind"
    );
    // A folder that is not there: an error worded for the admin, and no file anywhere.
    let nowhere = w.data.path().join("no-such-folder/exported.csv");
    std::env::set_var(TEST_SAVE_FILE, &nowhere);
    let failed = w
        .call("export_results", json!({"runId": run_id}))
        .unwrap_err();
    assert_eq!(failed["kind"], "journal");
    assert!(
        failed["message"]
            .as_str()
            .unwrap()
            .contains("Choose another folder"),
        "{failed}"
    );
    assert!(!nowhere.parent().unwrap().exists());
    let bad = w
        .call("export_results", json!({"runId": "../../etc"}))
        .unwrap_err();
    assert_eq!(bad["kind"], "no_run");
}

#[test]
fn a_cut_short_run_resumes_only_on_its_own_connection() {
    let w = Window::open(MESSY);
    w.connect(&w.config.admin_token, false).unwrap();
    let import = w.import(MESSY);
    let all = ids(&import);
    // The site allows one removal, then asks for a wait: the stop lands while rows are left.
    w.site.set_rate(Some(0.01));
    let plan = w.plan(&all, &[]).unwrap();
    let started = w.start(&plan, plan["phrase"].as_str().unwrap()).unwrap();
    let run_id = started["runId"].as_str().unwrap().to_owned();
    w.call("stop_run", json!({})).unwrap();
    let runs = w.wait_idle();
    assert_eq!(runs[0]["resumable"], true);
    assert_eq!(runs[0]["lastStatus"], "stopped");

    // Another window of the app with no connection may not resume it.
    let other = AppState::new(w.data.path(), Arc::new(MemoryStore::new()), None);
    let err =
        tauri::async_runtime::block_on(other.continue_run(&run_id, false, None, Arc::new(|_| {})))
            .unwrap_err();
    assert_eq!(err.kind, "not_connected");
    assert!(err.message.contains(&w.config.admin_email));

    w.site.set_rate(None);
    let resumed = w
        .call(
            "continue_run",
            json!({"runId": run_id, "onEvent": channel()}),
        )
        .unwrap();
    assert_eq!(resumed["total"], all.len());
    let runs = w.wait_idle();
    assert_eq!(runs[0]["resumable"], false);
    assert_eq!(runs[0]["lastStatus"], "completed");
    assert_eq!(w.site.deletes_of(CALLER), 0);
}

#[path = "window_commands/guards.rs"]
mod guards;

#[path = "window_commands/retry.rs"]
mod retry;

#[path = "window_commands/connect_checks.rs"]
mod connect_checks;

#[path = "window_commands/practice_resume.rs"]
mod practice_resume;

#[path = "window_commands/org_support.rs"]
mod org_support;

#[path = "window_commands/org_connect.rs"]
mod org_connect;

#[path = "window_commands/org_users.rs"]
mod org_users;

#[path = "window_commands/org_runs.rs"]
mod org_runs;

#[path = "window_commands/org_practice.rs"]
mod org_practice;

#[path = "window_commands/org_lifecycle.rs"]
mod org_lifecycle;
