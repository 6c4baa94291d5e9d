//! The log file the About box names: a run in the window against a site answering 500s and 429s,
//! killed part-way (as a crash would end it) and resumed after a relaunch, is logged — the
//! connection check, the start, throttles, retries, the resume, the end — and the file holds no
//! token, no request header, no user's name and no email address but the signed-in admin's.

use offboard_e2e::fixtures;
use offboard_e2e::flows::*;
use offboard_e2e::page::{TICK, UI};
use offboard_e2e::{poll, run, App, Options};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_file_records_a_faulty_run_its_crash_and_its_resume_without_secrets() {
    // A token no other text could contain, so finding it means it leaked.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let token = format!("ATATT3xWindowLogProbe{nanos:x}");
    let options = Options {
        site_csv: Some(fixtures::path("export-plain.csv")),
        // Far under the window's pace (20/s): 429s come; and three DELETEs in ten answer 500.
        rate: Some(4.0),
        site_args: ["--p500", "0.3", "--token", token.as_str()]
            .map(str::to_owned)
            .to_vec(),
        ..Options::default()
    };
    run(options, |app| async move { logged_run(app).await }).await;
}

async fn logged_run(app: Arc<App>) {
    let site = app.site();
    let log = app.data_dir.join("logs").join("offboard.log");
    app.wait_step("connect").await;
    app.click("#about-open").await;
    app.wait_visible("#about").await;
    assert_eq!(
        app.text("#about-logs").await.trim(),
        log.display().to_string(),
        "the About box names the file read here"
    );
    app.click("#about-close").await;
    poll("the About box to close", UI, TICK, || async {
        (!app.visible("#about").await).then_some(())
    })
    .await;

    connect(&app, false).await;
    import(&app, UI).await;
    let users = fixtures::users(&app.open_file);
    let selectable = users
        .iter()
        .filter(|u| u.id != CALLER && u.org_role.is_empty())
        .count();
    app.click("#select-all").await;
    app.wait_selected(selectable, users.len()).await;
    app.click("#choose-next").await;
    app.wait_step("review").await;
    confirm_and_start(&app).await;
    poll(
        "a few removals before the kill",
        Duration::from_secs(60),
        TICK,
        || async { run_view(&app).await.filter(|v| v.removed.unwrap_or(0) >= 3) },
    )
    .await;
    app.kill_app().await;
    // Written as it happened: the start is on disk although the app died without a word.
    let text = std::fs::read_to_string(&log).expect("the log file exists");
    assert!(text.contains("run started"), "{text}");
    assert!(!text.contains("run ended"), "the kill came first: {text}");

    app.launch().await;
    app.wait_visible_for("#resume-offer", Duration::from_secs(30))
        .await;
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut typed = false;
    while app.step().await.as_deref() != Some("run") {
        assert!(
            Instant::now() < deadline,
            "the offered run did not go on within 60 s"
        );
        if app.visible("#resume-offer-accept").await {
            app.click("#resume-offer-accept").await;
        } else if !typed && app.step().await.as_deref() == Some("connect") {
            check_connection(&app, &site.token, false).await;
            typed = true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    wait_finished(&app, Duration::from_secs(240)).await;
    // The second look follows the end of the run; its line comes last.
    let text = poll("the run's last lines in the log", UI, TICK, || async {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        text.contains("second look done").then_some(text)
    })
    .await;

    let lines: Vec<&str> = text.lines().collect();
    let count = |what: &str, also: &[&str]| {
        lines
            .iter()
            .filter(|l| l.contains(what) && also.iter().all(|a| l.contains(a)))
            .count()
    };
    let admin = format!("admin={}", site.email);
    let url = format!("site={}", site.url.trim_end_matches('/'));
    assert_eq!(count("Offboard window started", &["version="]), 2, "{text}");
    assert!(count("connection checked", &[&admin, &url]) >= 1, "{text}");
    let started = count("run started", &[&admin, &url, "rows=", "max_rate="]);
    assert_eq!(started, 1, "{text}");
    assert_eq!(count("run resumed", &["resumed=true", &admin]), 1, "{text}");
    assert!(
        count("throttled", &["status=429", "wait_ms="]) >= 1,
        "{text}"
    );
    assert!(
        count("retrying row", &["row=", "attempt=", "status=500"]) >= 1,
        "{text}"
    );
    assert_eq!(count("run ended", &["status=Completed"]), 1, "{text}");

    let basic = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("{}:{}", site.email, site.token),
    );
    for secret in [site.token.as_str(), basic.as_str()] {
        assert!(!text.contains(secret), "the token is in the log");
    }
    assert!(!text.to_ascii_lowercase().contains("authorization"));
    for user in users {
        if !user.email.is_empty() && user.email != site.email {
            assert!(!text.contains(&user.email), "{} is in the log", user.email);
        }
        if user.name.contains(' ') {
            assert!(!text.contains(&user.name), "{} is in the log", user.name);
        }
    }
    assert_eq!(
        text.matches('@').count(),
        text.matches(&admin).count(),
        "an address outside admin=: {text}"
    );
}
