//! "Retry failed rows" from the window: the same run goes on, a row whose earlier try may have
//! reached the site is reported removed when the site now says 404, and no second run is made.

use super::*;
use offboard::practice::{Faults, PracticeConfig};
use offboard::sweep::{Run, RESULTS_FILE};
use rand::{Rng, SeedableRng};

/// Polls the site's record until a DELETE of `id` has been answered (bounded).
fn wait_answered(site: &PracticeSite, id: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !site
        .record()
        .iter()
        .any(|r| r.method == "DELETE" && r.account_id.as_deref() == Some(id) && r.status.is_some())
    {
        assert!(Instant::now() < deadline, "no DELETE answered in 30 s");
        std::thread::yield_now();
    }
}

#[test]
fn a_row_stopped_after_a_lost_reply_is_retried_in_the_same_run_and_reported_removed() {
    // A seed whose first DELETE draw puts the 500 after the delete (the practice site draws the
    // fault, then whether it comes before or after; see practice/delete.rs).
    let seed = (1..100)
        .find(|s| {
            let mut rng = rand::rngs::StdRng::seed_from_u64(*s);
            let _: f64 = rng.random();
            rng.random_bool(0.5)
        })
        .unwrap();
    let mut config = PracticeConfig::from_csv(&fixture(MESSY)).unwrap();
    config.seed = seed;
    let w = Window::open_with(config);
    w.connect(&w.config.admin_token, false).unwrap();
    let import = w.import(MESSY);
    // One ordinary person: not the caller, not an app or customer, not protected.
    let id = ids(&import)
        .into_iter()
        .find(|id| {
            *id != CALLER
                && w.config
                    .users
                    .iter()
                    .any(|u| u.account_id == *id && u.account_type == "atlassian")
                && w.plan(std::slice::from_ref(id), &[]).unwrap()["toRemove"] == 1
        })
        .expect("the fixture has an ordinary person");
    let plan = w.plan(std::slice::from_ref(&id), &[]).unwrap();

    // Every DELETE answers 500; with that seed the first one is applied before its 500, as a
    // gateway that lost the site's reply would do.
    w.site.set_faults(Faults {
        p_500: 1.0,
        ..Faults::default()
    });
    let started = w.start(&plan, plan["phrase"].as_str().unwrap()).unwrap();
    let run_id = started["runId"].as_str().unwrap().to_owned();
    // Stopped while the row waits for its second try.
    wait_answered(&w.site, &id);
    w.call("stop_run", json!({})).unwrap();
    let runs = w.wait_idle();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["lastStatus"], "stopped");
    assert!(
        !w.site.exists(&id),
        "precondition: the first DELETE was applied before its 500 (practice seed changed?)"
    );
    let dir = Run::locate(&w.data.path().join("runs"), &run_id).unwrap();
    let before = results(&dir.join(RESULTS_FILE));
    assert_eq!(before[0].1, "failed", "{before:?}");

    // The site works again; the window's one button retries in the same run.
    w.site.set_faults(Faults::default());
    // The page holds the run's one row: it is not sent again (a wrong one would be).
    let held = json!({"count": 1, "check": offboard::app::state::rows_check([id.as_str()])});
    let again = w
        .call(
            "retry_run",
            json!({"runId": run_id, "heldRows": held, "onEvent": channel()}),
        )
        .unwrap();
    assert_eq!(again["rows"], Value::Null, "{again}");
    assert_eq!(again["runId"], run_id.as_str());
    assert_eq!(again["decided"], json!([]), "the failed row is open again");
    let runs = w.wait_idle();
    assert_eq!(runs.len(), 1, "no second run was planned");
    assert_eq!(runs[0]["lastStatus"], "completed");
    let after = results(&dir.join(RESULTS_FILE));
    assert_eq!(after[0].0, id);
    assert_eq!(after[0].1, "removed", "{after:?}");
    assert!(after[0].3.contains("reply was lost"), "{after:?}");
    assert_eq!(w.site.deletes_of(&id), 2);
}
