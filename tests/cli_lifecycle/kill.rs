//! A deactivate run killed with SIGKILL mid-flight, then finished by `offboard resume`: every
//! row decided exactly once, and no account sent a second disable after one took effect (a
//! disable in doubt is settled by reading the account back, never sent again blindly).

use crate::common::*;
use crate::*;
use offboard::practice::PracticeConfig;
use offboard::sweep::read_state;
use std::time::Duration;

/// Disables the site has received.
fn disables(setup: &Setup) -> usize {
    setup
        .site
        .record()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/manage/lifecycle/disable"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deactivate_run_killed_mid_flight_resumes_and_decides_every_row_once() {
    let mut config = PracticeConfig::generated(100, 87);
    // Slow replies keep several disables in flight, so the kill lands between a disable and
    // its outcome.
    config.latency = Duration::from_millis(150);
    config.latency_jitter = Duration::from_millis(50);
    let setup = Setup::start(config).await;
    let people = managed(&setup, 40);
    let csv = export_of(&setup, "people.csv", &people);
    let mut cmd = act_cmd(
        &setup,
        "deactivate",
        &[
            "--csv",
            csv.to_str().unwrap(),
            "--yes",
            "--max-in-flight",
            "8",
        ],
    );
    cmd.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = cmd.spawn().unwrap();
    poll_until(120, "10 disables", || disables(&setup) >= 10).await;
    child.start_kill().unwrap();
    child.wait().await.unwrap();
    let dir = setup.run_dir();
    let state = read_state(&dir).unwrap();
    assert!(
        !state.in_doubt.is_empty(),
        "the kill landed between a disable and its outcome"
    );
    assert!(
        state.decided.len() < people.len(),
        "the kill landed mid-run"
    );

    let mut resume = setup.cmd();
    resume
        .env("OFFBOARD_ORG_API_KEY", &setup.config.org_api_key)
        .arg("resume")
        .arg(&dir)
        .args(["--backoff-base-ms", "50"]);
    let out = run(resume).await;
    exits(&out, 0);
    assert!(texts(&out).1.contains("Resuming run"), "{}", texts(&out).1);
    let c = counts(&out, "deactivated");
    assert_eq!(
        (
            c["deactivated"],
            c["failed"],
            c["not_attempted"],
            c["not_verified"]
        ),
        (people.len() as u64, 0, 0, 0),
        "{c:?}"
    );
    decided_once(&dir);
    let cells = outcomes(&dir);
    let calls = lifecycle_calls(&setup);
    for id in &people {
        assert_eq!(
            lifecycle(&setup, id),
            Some(("inactive".into(), false)),
            "{id}"
        );
        assert_eq!(cells[id].0, "deactivated", "{id}");
        // A disable cut off unanswered by the kill may be sent again; one that was answered
        // (applied) is the last ever sent.
        let sent = &calls[id];
        let answered = sent.iter().filter(|(_, s)| *s == Some(204)).count();
        assert_eq!(answered, 1, "{id}: {sent:?}");
        assert_eq!(sent.last().unwrap().1, Some(204), "{id}: {sent:?}");
    }
}
