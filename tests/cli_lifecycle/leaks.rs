//! The leak scan for the account actions: with logging at its most detailed, the org API key
//! appears in no output of deactivate, delete-account, their dry runs, `offboard undo`,
//! `offboard resume` or `offboard runs`, and in no file those commands wrote (journals, plans,
//! results, summaries, the log).

use crate::common::*;
use crate::*;
use offboard::practice::{Faults, PracticeConfig};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_is_in_no_output_log_results_or_journal() {
    let mut config = PracticeConfig::generated(40, 89);
    config.org_api_key = format!("OrgKeyLifecycleProbe{}", uuid::Uuid::new_v4().simple());
    // Error paths log the most: the runs meet faults, retries and read-backs.
    config.faults = Faults {
        p_503_bare: 0.1,
        p_500: 0.1,
        p_drop: 0.1,
        ..Faults::default()
    };
    config.latency = Duration::from_millis(5);
    let setup = Setup::start(config).await;
    let key = setup.config.org_api_key.clone();
    let people = managed(&setup, 6);
    let (to_deactivate, to_delete) = people.split_at(3);
    let deactivate_csv = export_of(&setup, "deactivate.csv", to_deactivate);
    let delete_csv = export_of(&setup, "delete.csv", to_delete);
    let log = setup.tmp.path().join("logs").join("offboard.log");
    let traced = |mut cmd: tokio::process::Command| {
        cmd.env("OFFBOARD_LOG", "trace").arg("--log-file").arg(&log);
        cmd
    };
    let copy = setup.tmp.path().join("copy.csv");
    let mut outputs = Vec::new();
    let mut runs = Vec::new();
    for (action, csv) in [
        ("deactivate", &deactivate_csv),
        ("delete-account", &delete_csv),
    ] {
        let csv = csv.to_str().unwrap();
        outputs.push(
            run(traced(act_cmd(
                &setup,
                action,
                &["--csv", csv, "--dry-run"],
            )))
            .await,
        );
        let mut cmd = act_cmd(&setup, action, &["--csv", csv, "--yes"]);
        cmd.arg("--results").arg(&copy);
        let cmd = traced(cmd);
        let (out, dir) = run_new(&setup, cmd).await;
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}",
            texts(&out).1
        );
        outputs.push(out);
        runs.push(dir);
    }
    for dir in &runs {
        let mut resume = setup.cmd();
        resume
            .env("OFFBOARD_ORG_API_KEY", &key)
            .arg("resume")
            .arg(dir)
            .args(["--retry-failed", "--backoff-base-ms", "50"]);
        outputs.push(run(traced(resume)).await);
        let (out, _) = run_new(&setup, traced(undo_cmd(&setup, dir, &["--yes"]))).await;
        outputs.push(out);
    }
    outputs.push(run(traced(offboard(&setup, &["runs"]))).await);
    assert!(
        !lifecycle_calls(&setup).is_empty(),
        "the runs reached the site"
    );

    let leaks = |what: &str, bytes: &[u8]| {
        assert!(
            !contains_bytes(bytes, key.as_bytes()),
            "the key leaked into {what}"
        );
    };
    for out in &outputs {
        leaks("a command's stdout", &out.stdout);
        leaks("a command's stderr", &out.stderr);
    }
    let err_bytes: usize = outputs.iter().map(|o| o.stderr.len()).sum();
    assert!(err_bytes > 5000, "trace logging was on");
    let text = std::fs::read(&log).expect("the log file was written");
    assert!(text.len() > 1000, "the log file has the runs");
    let files = files_under(setup.tmp.path());
    for f in &files {
        leaks(&f.display().to_string(), &std::fs::read(f).unwrap());
    }
    assert!(files.len() >= 16, "the runs' files were scanned: {files:?}");
}
