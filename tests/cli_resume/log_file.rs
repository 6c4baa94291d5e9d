//! The log file (`--log-file`, the same writer as the window's log): a run against a site that
//! answers 500s and 429s, killed part-way and resumed, logs what support needs — the connection
//! check, each session's start, throttles, retries, the end — and no token, no request header,
//! no user's name and no email address but the signed-in admin's.

use crate::common::*;
use offboard::practice::{Faults, PracticeConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_faulty_throttled_run_killed_and_resumed_is_logged_without_secrets_or_users() {
    let mut config = PracticeConfig::generated(60, 17);
    config.admin_token = format!("ATATT3xLogProbe{}", uuid::Uuid::new_v4().simple());
    config.faults = Faults {
        p_500: 0.15,
        ..Faults::default()
    };
    let setup = Setup::start(config).await;
    // Far under the run's pace: the site answers 429 with Retry-After.
    setup.site.set_rate(Some(5.0));
    let log = setup.tmp.path().join("logs").join("offboard.log");
    // The default filter is what is tested: the test's own environment must not change it.
    let quiet = |mut cmd: tokio::process::Command| {
        cmd.env_remove("OFFBOARD_LOG").arg("--log-file").arg(&log);
        cmd
    };

    // The first session is killed part-way, as a crash would end it.
    let mut first = quiet(setup.delete_cmd(&["--yes", "--max-rate", "50"]))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    poll_until(120, "the site to get 20 DELETEs", || {
        let record = setup.site.record();
        record.iter().filter(|r| r.method == "DELETE").count() >= 20
    })
    .await;
    first.start_kill().unwrap(); // SIGKILL
    first.wait().await.unwrap();
    let mut resume = setup.cmd();
    resume
        .arg("resume")
        .arg(setup.run_dir())
        .args(["--backoff-base-ms", "50"]);
    let out = run(quiet(resume)).await;
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        texts(&out).1
    );

    let text = std::fs::read_to_string(&log).expect("the log file was written");
    let lines: Vec<&str> = text.lines().collect();
    let find = |what: &str, also: &[&str]| -> Vec<&str> {
        lines
            .iter()
            .copied()
            .filter(|l| l.contains(what) && also.iter().all(|a| l.contains(a)))
            .collect()
    };
    let admin = format!("admin={}", setup.config.admin_email);
    let run_id = format!(
        "run={}",
        setup.run_dir().file_name().unwrap().to_string_lossy()
    );
    let site = format!("site={}", setup.site.url().trim_end_matches('/'));
    assert_eq!(
        find("Offboard command started", &["version="]).len(),
        2,
        "{text}"
    );
    let caller = format!("account_id={}", setup.config.caller_account_id);
    assert_eq!(
        find("connection checked", &[&admin, &caller]).len(),
        2,
        "{text}"
    );
    let rows = format!("rows={}", setup.config.users.len());
    let started: [&str; 6] = [
        &run_id,
        &site,
        &admin,
        &rows,
        "max_rate=50",
        "resumed=false",
    ];
    assert_eq!(find("run started", &started).len(), 1, "{text}");
    assert_eq!(
        find("run resumed", &[&run_id, "resumed=true"]).len(),
        1,
        "{text}"
    );
    assert!(
        !find("throttled", &[&run_id, "status=429", "wait_ms="]).is_empty(),
        "{text}"
    );
    assert!(
        !find("retrying row", &[&run_id, "row=", "attempt=", "status=500"]).is_empty(),
        "{text}"
    );
    let ended = find("run ended", &[&run_id, "removed=", "duration_secs="]);
    assert_eq!(ended.len(), 1, "the killed session never ended: {text}");
    assert!(ended[0].contains("status=Completed"), "{}", ended[0]);
    assert_eq!(find("second look done", &["gone="]).len(), 1, "{text}");
    assert!(
        !text.contains("DEBUG"),
        "request details stay out by default"
    );

    // Nothing private: the token (also as it travels in the Basic header), headers, names,
    // and any email address other than the admin's.
    let token = &setup.config.admin_token;
    let basic = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("{}:{token}", setup.config.admin_email),
    );
    for secret in [token.as_str(), basic.as_str(), "ATATT"] {
        assert!(!text.contains(secret), "the token is in the log");
    }
    assert!(!text.to_ascii_lowercase().contains("authorization"));
    for user in &setup.config.users {
        if let Some(email) = user
            .email
            .as_deref()
            .filter(|e| *e != setup.config.admin_email)
        {
            assert!(!text.contains(email), "{email} is in the log");
        }
        assert!(
            !text.contains(&user.display_name),
            "{} is in the log",
            user.display_name
        );
    }
    let addresses = text.matches('@').count();
    let admin_lines = text.matches(&admin).count();
    assert_eq!(addresses, admin_lines, "an address outside admin=: {text}");
}
