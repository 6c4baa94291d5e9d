//! Tests of the second look after a run.

use super::*;
use std::sync::Mutex;

/// A site that still has `present` and counts its calls.
struct Site {
    present: Vec<String>,
    fail: bool,
    calls: Mutex<Vec<usize>>,
}

impl Actor for Site {
    async fn apply(&self, _: Action, _: &str) -> Verdict {
        unreachable!("verification never writes")
    }

    async fn read_back(&self, _: Action, ids: &[String]) -> Result<HashSet<String>, Verdict> {
        self.calls.lock().unwrap().push(ids.len());
        if self.fail {
            return Err(Verdict::Transport {
                kind: crate::atlassian::TransportKind::Broken,
                message: "the connection was reset".into(),
            });
        }
        Ok(ids
            .iter()
            .filter(|id| !self.present.iter().any(|p| p.eq_ignore_ascii_case(id)))
            .map(|id| id.to_uppercase())
            .collect())
    }
}

fn outcome(row: usize, outcome: Outcome) -> RowOutcome {
    RowOutcome {
        row,
        account_id: format!("5b10ac8d82e05b22cc7d4e{row:02x}"),
        outcome,
        http_status: None,
        message: String::new(),
        finished_at: String::new(),
        may_have_applied: false,
    }
}

#[tokio::test]
async fn rows_reported_gone_are_looked_up_once_in_bulk_and_survivors_reported() {
    let mut outcomes: Vec<RowOutcome> = (0..250)
        .map(|i| {
            outcome(
                i,
                if i % 2 == 0 {
                    Outcome::Removed
                } else {
                    Outcome::AlreadyGone
                },
            )
        })
        .collect();
    outcomes.push(outcome(250, Outcome::Failed));
    outcomes.push(outcome(251, Outcome::Skipped));
    let site = Site {
        present: vec![outcomes[7].account_id.clone()],
        fail: false,
        calls: Mutex::default(),
    };
    let v = verify(&site, Action::SiteRemove, &outcomes).await;
    assert_eq!(*site.calls.lock().unwrap(), [100, 100, 50]);
    assert_eq!((v.gone(), v.still_present(), v.not_checked()), (249, 1, 0));
    assert_eq!(v.rows.get(&7), Some(&Verified::StillPresent));
    assert!(!v.rows.contains_key(&250) && !v.rows.contains_key(&251));
    assert!(v.words().contains("still on the site: 1"));
}

#[tokio::test]
async fn a_failed_lookup_is_not_checked_never_gone() {
    let outcomes = vec![outcome(0, Outcome::Removed)];
    let site = Site {
        present: vec![],
        fail: true,
        calls: Mutex::default(),
    };
    let v = verify(&site, Action::SiteRemove, &outcomes).await;
    assert_eq!(v.rows.get(&0), Some(&Verified::NotChecked));
    assert_eq!(v.gone(), 0);
    assert!(v.words().contains("could not be checked"));
}

/// An org whose removals show only from the `after`-th read of each id on.
struct Late {
    after: usize,
    reads: Mutex<std::collections::HashMap<String, usize>>,
}

impl Actor for Late {
    async fn apply(&self, _: Action, _: &str) -> Verdict {
        unreachable!("verification never writes")
    }

    async fn read_back(&self, _: Action, ids: &[String]) -> Result<HashSet<String>, Verdict> {
        let mut reads = self.reads.lock().unwrap();
        Ok(ids
            .iter()
            .filter(|id| {
                let n = reads.entry((*id).clone()).or_default();
                *n += 1;
                *n >= self.after
            })
            .cloned()
            .collect())
    }
}

#[tokio::test(start_paused = true)]
async fn an_org_removal_that_shows_late_is_read_again_before_it_is_reported() {
    let outcomes = vec![outcome(0, Outcome::Removed)];
    let late = Late {
        after: 3,
        reads: Mutex::default(),
    };
    let t0 = tokio::time::Instant::now();
    let v = verify(&late, Action::Remove, &outcomes).await;
    assert_eq!(v.rows.get(&0), Some(&Verified::Gone));
    assert_eq!(t0.elapsed(), std::time::Duration::from_secs(2 + 4));
    // Never shown: reported still there after every wait; a site run does not wait.
    let never = Late {
        after: usize::MAX,
        reads: Mutex::default(),
    };
    let t0 = tokio::time::Instant::now();
    let v = verify(&never, Action::Remove, &outcomes).await;
    assert_eq!(v.rows.get(&0), Some(&Verified::StillPresent));
    assert_eq!(t0.elapsed(), std::time::Duration::from_secs(30));
    assert_eq!(never.reads.lock().unwrap().values().sum::<usize>(), 5);
    let t0 = tokio::time::Instant::now();
    verify(&never, Action::SiteRemove, &outcomes).await;
    assert_eq!(t0.elapsed(), std::time::Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_suspend_run_checks_only_rows_it_suspended_and_says_so() {
    let outcomes = vec![
        outcome(0, Outcome::Removed),
        outcome(1, Outcome::AlreadyGone),
        outcome(2, Outcome::Removed),
    ];
    let site = Site {
        // Here "present" = not suspended when read back.
        present: vec![outcomes[2].account_id.clone()],
        fail: false,
        calls: Mutex::default(),
    };
    let v = verify(&site, Action::Suspend, &outcomes).await;
    // Once together, then the one not shown suspended again after each settling wait.
    assert_eq!(*site.calls.lock().unwrap(), [2, 1, 1, 1, 1]);
    assert_eq!(v.rows.get(&2), Some(&Verified::StillPresent));
    assert!(!v.rows.contains_key(&1));
    assert_eq!(
        v.words().split('.').next().unwrap(),
        "Verified suspended: 1, not suspended: 1"
    );
    assert_eq!(
        Verified::StillPresent.as_cell(Action::Suspend),
        "no: not suspended"
    );
}

/// A site whose reads all wait until `together` of them are in flight at once.
struct Gate {
    barrier: tokio::sync::Barrier,
    in_flight: std::sync::atomic::AtomicUsize,
    most: std::sync::atomic::AtomicUsize,
    asked: Mutex<Vec<String>>,
}

impl Gate {
    fn new(together: usize) -> Gate {
        Gate {
            barrier: tokio::sync::Barrier::new(together),
            in_flight: Default::default(),
            most: Default::default(),
            asked: Mutex::default(),
        }
    }
}

impl Actor for Gate {
    async fn apply(&self, _: Action, _: &str) -> Verdict {
        unreachable!("verification never writes")
    }

    async fn read_back(&self, _: Action, ids: &[String]) -> Result<HashSet<String>, Verdict> {
        use std::sync::atomic::Ordering::SeqCst;
        let now = self.in_flight.fetch_add(1, SeqCst) + 1;
        self.most.fetch_max(now, SeqCst);
        self.asked.lock().unwrap().extend(ids.iter().cloned());
        self.barrier.wait().await;
        self.in_flight.fetch_sub(1, SeqCst);
        Ok(ids.iter().cloned().collect())
    }
}

#[tokio::test(start_paused = true)]
async fn a_site_runs_reads_are_in_flight_together_and_each_row_is_read_once() {
    let outcomes: Vec<RowOutcome> = (0..500).map(|i| outcome(i, Outcome::Removed)).collect();
    // Five chunks of 100 that can only finish once all five are in flight: a second look one
    // read at a time would never get past the gate (and the paused clock ends the wait).
    let site = Gate::new(5);
    let v = tokio::time::timeout(
        std::time::Duration::from_secs(600),
        verify(&site, Action::SiteRemove, &outcomes),
    )
    .await
    .expect("the reads went one at a time");
    assert_eq!(v.gone(), 500);
    let mut asked = site.asked.lock().unwrap().clone();
    asked.sort();
    let mut expected: Vec<String> = outcomes.iter().map(|o| o.account_id.clone()).collect();
    expected.sort();
    assert_eq!(asked, expected);
}

#[tokio::test(start_paused = true)]
async fn an_organization_runs_reads_stay_one_at_a_time() {
    let outcomes: Vec<RowOutcome> = (0..300).map(|i| outcome(i, Outcome::Removed)).collect();
    let site = Gate::new(1);
    let v = verify(&site, Action::Suspend, &outcomes).await;
    assert_eq!(v.gone(), 300);
    assert_eq!(site.most.load(std::sync::atomic::Ordering::SeqCst), 1);
}
