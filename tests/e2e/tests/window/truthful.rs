//! The screen says what is true (issue "The window says exactly what is true"): a failed check
//! leaves no connection, Forget takes back "The token is saved", practice mode says why nothing
//! was kept, and a stopped run shows its real progress, its untried rows, plain throttle words,
//! and one way to go on — in the same run.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_check_ends_the_connection_and_forget_takes_back_the_saved_line() {
    let options = Options {
        site_csv: Some(fixtures::path("export-plain.csv")),
        ..Options::default()
    };
    run(options, |app| async move {
        let token = app.site().token.clone();
        check_connection(&app, &token, true).await;
        poll("#whoami to say the token is saved", UI, TICK, || async {
            app.text("#whoami")
                .await
                .contains("The token is saved")
                .then_some(())
        })
        .await;
        poll("#connect-next to open", UI, TICK, || async {
            app.enabled("#connect-next").await.then_some(())
        })
        .await;

        // Forget the connection in use: the line must stop saying its token is saved.
        app.click("#saved-connections li[data-site] button.forget")
            .await;
        poll("#whoami to drop the saved line", UI, TICK, || async {
            let t = app.text("#whoami").await;
            (t.contains("Connected to") && !t.contains("saved")).then_some(())
        })
        .await;

        // A failed check: no "Connected to …" left under the error, nothing after it open.
        check_connection(&app, "not-the-right-token", false).await;
        app.wait_visible("#token-error").await;
        assert!(!app.visible("#whoami").await, "#whoami still shown");
        assert!(
            !app.enabled("#connect-next").await,
            "#connect-next still enabled"
        );
        for step in ["choose", "review", "run"] {
            assert!(
                !app.enabled(&format!("#steps button[data-step={step}]"))
                    .await,
                "the {step} step is still open"
            );
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remember_in_practice_mode_says_why_nothing_was_saved() {
    let options = Options {
        app_args: vec!["--practice".into()],
        ..Options::default()
    };
    run(options, |app| async move {
        app.wait_step("connect").await;
        // Practice mode fills its own site and email.
        poll("the practice site in #site", UI, TICK, || async {
            app.js("return document.getElementById('site').value;", vec![])
                .await
                .as_str()
                .is_some_and(|v| v.contains("127.0.0.1"))
                .then_some(())
        })
        .await;
        if !app.el("#remember").await.is_selected().await.unwrap() {
            app.click("#remember").await;
        }
        app.click("#check-connection").await;
        let said = poll("#connect-error to say why", UI, TICK, || async {
            let t = app.text("#connect-error").await;
            (!t.is_empty()).then_some(t)
        })
        .await;
        assert!(said.contains("Practice mode keeps nothing"), "{said}");
        assert!(!app.text("#whoami").await.contains("saved"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_run_shows_its_real_progress_and_goes_on_in_the_same_run() {
    let options = Options {
        site_csv: Some(fixtures::path("export-plain.csv")),
        rate: Some(RATE),
        ..Options::default()
    };
    run(options, |app| async move {
        connect(&app, false).await;
        import(&app, UI).await;
        app.click("#select-all").await;
        app.click("#choose-next").await;
        app.wait_step("review").await;
        // Whether each run command's reply carried the rows: the page holds them, so none come.
        // (Tauri's replies come through `fetch`; its invoke functions are frozen.)
        app.js(
            "const fetch = window.fetch.bind(window);
             window.rowsSent = [];
             window.fetch = async (url, ...rest) => {
               const reply = await fetch(url, ...rest);
               if (/(start|retry)_run$/.test(String(url))) {
                 const started = await reply.clone().json();
                 window.rowsSent.push(started.rows !== null);
               }
               return reply;
             };",
            vec![],
        )
        .await;
        let n = confirm_and_start(&app).await;

        // The site allows 2 a second against a pace of 20: Atlassian-style waits come at once.
        poll(
            "the throttle banner",
            Duration::from_secs(60),
            TICK,
            || async { run_view(&app).await.filter(|v| v.banner) },
        )
        .await;
        let reason = app.text("#throttle-reason").await;
        assert!(
            reason.contains("too many requests") && !reason.contains("jira-"),
            "#throttle-reason in plain words: {reason:?}"
        );
        let pace = app.text("#pace-now").await;
        assert_ne!(pace, "0.0/s", "a slow pace reads per minute");

        app.click("#stop").await;
        wait_finished(&app, Duration::from_secs(60)).await;
        let percent = app.text("#run-percent").await;
        assert_ne!(percent.trim(), "100 %", "a stopped run is not done");
        assert_eq!(app.text("#count-left-label").await, "Not attempted");
        let left = first_number(&app.text("#count-left").await).unwrap();
        assert!(left > 0 && left < n, "not attempted: {left} of {n}");
        let status = app.text("#run-status").await;
        let summary = app.text("#run-summary-words").await;
        assert!(status.starts_with("Stopped:"), "{status}");
        assert_eq!(
            format!("{status} {summary}").matches("Stopped").count(),
            1,
            "said once: {status} / {summary}"
        );
        // Untried rows read "Not attempted", not "…".
        app.js(
            "const t = document.getElementById('run-table'); t.scrollTop = t.scrollHeight;",
            vec![],
        )
        .await;
        poll("a row reading Not attempted", UI, TICK, || async {
            let t = app.text("#run-table").await;
            (t.contains("Not attempted") && !t.contains('…')).then_some(())
        })
        .await;

        // One way on: the summary's button names it, and it goes on in the same run.
        let go_on = app.text("#retry-failed").await;
        assert!(go_on.to_lowercase().contains("go on"), "{go_on}");
        assert!(
            summary.contains(&go_on),
            "the summary points to it: {summary}"
        );
        app.click("#retry-failed").await;
        wait_state(&app, "running", UI).await;
        wait_finished(&app, Duration::from_secs(120)).await;
        let verified = app
            .wait_attr("#run-verified", "data-gone", Duration::from_secs(60))
            .await;
        assert!(first_number(&verified).is_some());
        let line = app.text("#run-verified").await;
        assert_eq!(
            line.matches("Verified gone").count(),
            1,
            "said once: {line}"
        );
        let results = export_results(&app, n).await;
        assert!(
            results.iter().all(|r| r.outcome != "not_attempted"),
            "every row was decided"
        );
        assert_eq!(run_folders(&app).len(), 1, "no second run");
        let sent = app.js("return window.rowsSent;", vec![]).await;
        assert_eq!(
            sent.to_string(),
            "[false,false]",
            "start and retry sent no rows"
        );
    })
    .await;
}
