//! "Check connection" through the real window says what is wrong before anything runs: a
//! scoped token under the token field, and a warning next to `#whoami` for an account outside
//! the site's site-admins group (gone again for a site admin).

use offboard_e2e::fixtures;
use offboard_e2e::flows::check_connection;
use offboard_e2e::page::{TICK, UI};
use offboard_e2e::{poll, run, Options};

const TOKEN_PAGE: &str = "https://id.atlassian.com/manage-profile/security/api-tokens";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_connection_names_a_scoped_token_and_warns_an_account_outside_site_admins() {
    let options = Options {
        site_csv: Some(fixtures::path("export-messy.csv")),
        site_args: vec!["--scoped-token".into(), "scoped-token".into()],
        ..Options::default()
    };
    run(options, |app| async move {
        check_connection(&app, "scoped-token", false).await;
        let said = poll(
            "#token-error to name the scoped token",
            UI,
            TICK,
            || async {
                let text = app.text("#token-error").await;
                (app.visible("#token-error").await && text.contains("scopes")).then_some(text)
            },
        )
        .await;
        assert!(said.contains(TOKEN_PAGE), "#token-error: {said}");
        assert!(said.contains("Create API token"), "#token-error: {said}");
        assert!(
            !app.visible("#whoami").await,
            "#whoami after a refused token"
        );
        assert!(!app.visible("#admin-standing-warning").await);

        // The practice site's member login: valid, but not in the site-admins group.
        app.fill("#email", "member@example.com").await;
        app.fill("#token", "member-token").await;
        app.click("#check-connection").await;
        let warning = poll("#admin-standing-warning to show", UI, TICK, || async {
            let text = app.text("#admin-standing-warning").await;
            (app.visible("#admin-standing-warning").await && !text.is_empty()).then_some(text)
        })
        .await;
        assert!(warning.contains("site-admins"), "{warning}");
        assert!(warning.contains("403"), "{warning}");
        let whoami = app.text("#whoami").await;
        assert!(whoami.contains("member@example.com"), "#whoami: {whoami}");
        assert!(
            !app.visible("#token-error").await,
            "the old error is cleared"
        );

        // A site admin: no warning.
        let (email, token) = (app.site().email.clone(), app.site().token.clone());
        app.fill("#email", &email).await;
        app.fill("#token", &token).await;
        app.click("#check-connection").await;
        poll("#whoami to show the admin", UI, TICK, || async {
            let shown = app.visible("#whoami").await && app.text("#whoami").await.contains(&email);
            shown.then_some(())
        })
        .await;
        assert!(
            !app.visible("#admin-standing-warning").await,
            "#admin-standing-warning stayed for a site admin"
        );
        let record = app.site().stop().await;
        assert!(
            record.iter().all(|r| r.method == "GET"),
            "checking changed nothing"
        );
        let scoped = record.iter().filter(|r| r.status == Some(401)).count();
        assert_eq!(scoped, 1, "one request with the scoped token");
    })
    .await;
}
