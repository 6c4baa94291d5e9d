//! Organization mode's Connect step against a practice site of its own (not practice mode), so
//! the test sees the site's record: a key made with scopes is explained and can read but not
//! plan a change, an organization with two directories asks which one, the organization is
//! saved beside the sites, and the one write of the run goes to the directory picked.

use super::{number, verified, RUN_LIMIT};
use offboard_e2e::fixtures;
use offboard_e2e::org::{confirm_and_run, load_users, rows};
use offboard_e2e::page::{TICK, UI};
use offboard_e2e::{poll, run, App, Options};

/// The practice organization of the site the next test starts (its id and keys are passed to
/// `offboard practice-site`, so the test names them rather than relying on its defaults).
const ORG_ID: &str = "5f0c0a7e-1d2b-4c3d-8e4f-a1b2c3d4e5f6";
const FULL_KEY: &str = "e2e-org-key";
const SCOPED_KEY: &str = "e2e-scoped-org-key";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scoped_key_is_explained_a_directory_is_picked_and_only_it_is_written_to() {
    let options = Options {
        site_csv: Some(fixtures::path("export-plain.csv")),
        site_args: [
            "--org-id",
            ORG_ID,
            "--org-key",
            FULL_KEY,
            "--org-scoped-key",
            SCOPED_KEY,
            "--org-directories",
            "2",
        ]
        .map(String::from)
        .to_vec(),
        ..Options::default()
    };
    run(
        options,
        |app| async move { directories_and_scopes(&app).await },
    )
    .await;
}

/// Fills the organization form (API address, a pasted admin.atlassian.com address, `key`,
/// "Save key") and checks it.
async fn check_org(app: &App, key: &str) {
    app.fill(
        "#org-id",
        &format!("https://admin.atlassian.com/o/{ORG_ID}/users?status=active"),
    )
    .await;
    app.fill("#org-key", key).await;
    if !app.el("#org-save-key").await.is_selected().await.unwrap() {
        app.click("#org-save-key").await;
    }
    app.click("#org-check").await;
    app.wait_visible("#org-connected").await;
}

/// Picks the directory named `name` in `#org-directory`; returns its id.
async fn pick_directory(app: &App, name: &str) -> String {
    app.wait_visible("#org-directory-box").await;
    assert!(
        !app.enabled("#connect-next").await,
        "Next waits for a directory"
    );
    app.choose("#org-directory", name).await;
    poll(
        "#connect-next to open with the directory",
        UI,
        TICK,
        || async { app.enabled("#connect-next").await.then_some(()) },
    )
    .await;
    let id = app
        .el("#org-directory")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    assert!(!id.is_empty());
    id
}

/// Loads the directory and ticks its first plain person; returns that person's id.
async fn load_and_tick_one(app: &App) -> String {
    app.click("#connect-next").await;
    app.wait_step("choose").await;
    let (loaded, _) = load_users(app).await;
    assert!(loaded > 0, "the directory has people");
    let id = poll("a plain row", UI, TICK, || async {
        let r = rows(app).await;
        r.into_iter()
            .find(|x| x.locked.is_none() && x.skip.is_none())
            .map(|x| x.id)
    })
    .await;
    app.click(&format!(
        "#user-table [role=row][data-id=\"{id}\"] input[type=checkbox]"
    ))
    .await;
    app.wait_selected(1, loaded).await;
    id
}

async fn directories_and_scopes(app: &App) {
    let site_url = app.site().url.clone();
    app.wait_step("connect").await;
    app.click("#mode-org").await;
    app.click("#org-api-box summary").await;
    app.fill("#org-api", &site_url).await;

    // A key made with scopes: connected for reading, said plainly, and the directories offered.
    check_org(app, SCOPED_KEY).await;
    let warning = app.wait_visible("#org-warning").await.text().await.unwrap();
    assert!(
        warning.to_lowercase().contains("scope"),
        "#org-warning: {warning:?}"
    );
    let id_field = app.el("#org-id").await.prop("value").await.unwrap();
    assert_eq!(
        id_field.as_deref(),
        Some(ORG_ID),
        "the id is taken from the pasted address"
    );
    let key_field = app.el("#org-key").await.prop("value").await.unwrap();
    assert_eq!(
        key_field.as_deref(),
        Some(""),
        "the key is never filled back"
    );
    assert_eq!(
        app.options("#org-directory").await.len(),
        3,
        "a placeholder and two directories"
    );
    let contractors = pick_directory(app, "Contractors Directory").await;
    let line = app.text("#org-connected").await;
    assert!(
        line.contains("Contractors Directory"),
        "#org-connected: {line:?}"
    );
    let saved = app
        .text(&format!("#saved-orgs li[data-org-id=\"{ORG_ID}\"]"))
        .await;
    assert!(
        saved.contains("Practice Organization"),
        "saved organizations: {saved:?}"
    );
    app.wait_visible("#org-key-saved").await;

    // Reading works with it; planning a change does not, and the Review step says why.
    let person = load_and_tick_one(app).await;
    app.click("#choose-next").await;
    app.wait_step("review").await;
    let refused = app
        .wait_visible("#review-error")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        refused.to_lowercase().contains("scope"),
        "#review-error: {refused:?}"
    );
    assert!(!app.enabled("#start-run").await);

    // The key without scopes: the directory is picked again, and one person is suspended there.
    app.click("nav#steps button[data-step=connect]").await;
    check_org(app, FULL_KEY).await;
    assert_eq!(
        pick_directory(app, "Contractors Directory").await,
        contractors
    );
    assert!(
        !app.visible("#org-warning").await,
        "no warning for a key without scopes"
    );
    assert_eq!(
        load_and_tick_one(app).await,
        person,
        "the same first person"
    );
    app.click("#choose-next").await;
    app.wait_step("review").await;
    confirm_and_run(app, "suspend 1", "suspend 2", RUN_LIMIT).await;
    assert_eq!(number(app, "#count-removed").await, 1);
    verified(app, "Verified suspended: 1").await;

    // What the site saw: one write, a suspend of that person in that directory.
    let record = app.site().stop().await;
    let writes: Vec<_> = record
        .iter()
        .filter(|r| {
            r.path.starts_with("/admin/") && r.method != "GET" && !r.path.ends_with("/users/search")
        })
        .collect();
    assert_eq!(writes.len(), 1, "org writes: {writes:?}");
    let w = writes[0];
    assert_eq!(w.method, "POST");
    assert!(
        w.path.ends_with("/suspend")
            && w.path
                .contains(&format!("/directories/{contractors}/users/")),
        "{w:?}"
    );
    assert!(
        w.path.contains(&person) || w.account_id.as_deref() == Some(person.as_str()),
        "{w:?}"
    );
    assert_eq!(w.status, Some(204));
}
