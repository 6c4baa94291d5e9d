//! One engine, many actions: organization actions through the same engine, their guards, and
//! lost org writes settled by reading the account back (DESIGN.md §6).

use super::tests_engine::{collect, ids, Scripted};
use super::*;
use crate::atlassian::{TransportKind, Verdict};
use std::sync::Arc;

pub(super) fn target() -> OrgTarget {
    OrgTarget {
        org_id: "org-1".into(),
        org_name: "Acme".into(),
        directory_id: "dir-1".into(),
        directory_name: "Acme directory".into(),
    }
}

pub(super) fn member(id: &str) -> PlanRow {
    PlanRow {
        account_id: id.into(),
        name: format!("User {id}"),
        org: Some(OrgFacts::default()),
        ..PlanRow::default()
    }
}

fn org_plan(action: Action, rows: Vec<PlanRow>) -> Plan {
    let mut plan = Plan::for_org("http://127.0.0.1:1", target(), action, rows);
    plan.pace.max_in_flight = 2;
    plan
}

pub(super) async fn run_org(site: &Arc<Scripted>, dir: &std::path::Path, plan: Plan) -> RunReport {
    let run = Run::create(dir, plan).unwrap();
    let (events, _) = collect();
    execute_verified(
        site.clone(),
        run,
        RunOptions::new(Guard::default()),
        RunControl::new(),
        events,
    )
    .await
    .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_suspend_run_sends_the_suspend_action_and_says_suspended() {
    let tmp = tempfile::tempdir().unwrap();
    let site = Scripted::with(&[]);
    let ids = ids(4);
    let plan = org_plan(Action::Suspend, ids.iter().map(|id| member(id)).collect());
    assert_eq!(plan.pace.max_rate, DEFAULT_ORG_RATE);
    let report = run_org(&site, tmp.path(), plan).await;
    assert_eq!(report.counters.removed, 4);
    assert!(site.actions().iter().all(|a| *a == Action::Suspend));
    let verification = report.verification.unwrap();
    assert_eq!(verification.gone(), 4);
    let results = std::fs::read_to_string(&report.results_path).unwrap();
    assert_eq!(results.matches(",suspended,").count(), 4, "{results}");
    assert!(!results.contains(",removed,"));
    let journal = std::fs::read_to_string(tmp.path().join(&report.plan.run_id).join(PLAN_FILE));
    assert!(journal.unwrap().contains("\"action\":\"suspend\""));
}

#[tokio::test(start_paused = true)]
async fn a_lost_org_reply_is_settled_by_reading_back_never_by_sending_again() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(2);
    // Row 0: carried out, reply lost. Row 1: a timeout that did not take effect.
    let site = Scripted::with(&[(
        &ids[1],
        vec![Verdict::Transport {
            kind: TransportKind::Timeout,
            message: "no reply in time".into(),
        }],
    )]);
    site.lose_reply(&ids[0]);
    let plan = org_plan(Action::Remove, ids.iter().map(|id| member(id)).collect());
    let report = run_org(&site, tmp.path(), plan).await;
    assert_eq!(
        site.calls_for(&ids[0]),
        1,
        "the lost write was not sent again"
    );
    assert_eq!(report.outcomes[0].outcome, Outcome::Removed);
    assert!(report.outcomes[0]
        .message
        .contains("reading the account back"));
    // Read back, found not done, so sent once more.
    assert_eq!(site.calls_for(&ids[1]), 2);
    assert_eq!(report.outcomes[1].outcome, Outcome::Removed);
    let reads_before_verify = site.reads().iter().filter(|r| **r == ids[1]).count();
    assert_eq!(reads_before_verify, 2, "one read to settle, one to verify");
}

#[tokio::test(start_paused = true)]
async fn a_lost_site_reply_is_sent_again_without_a_read() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(1);
    let site = Scripted::with(&[]);
    site.lose_reply(&ids[0]);
    let plan = super::tests_engine::plan_of(&ids, 20.0, 1);
    let (events, _) = collect();
    let run = Run::create(tmp.path(), plan).unwrap();
    let report = execute(
        site.clone(),
        run,
        RunOptions::new(Guard::caller_only("me")),
        RunControl::new(),
        events,
    )
    .await
    .unwrap();
    assert_eq!(site.calls_for(&ids[0]), 2);
    assert!(site.reads().is_empty());
    assert_eq!(report.outcomes[0].outcome, Outcome::Removed);
}

#[tokio::test(start_paused = true)]
async fn an_in_doubt_org_row_is_read_back_on_resume_before_anything_is_sent() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(1);
    let plan = org_plan(Action::Suspend, vec![member(&ids[0])]);
    let run = Run::create(tmp.path(), plan).unwrap();
    let dir = run.dir.clone();
    // A session that crashed after its intent record: the suspend may have happened.
    run.journal
        .append(&Record::Intent {
            row: 0,
            attempt: 1,
            at: "2026-12-01T00:00:00Z".into(),
        })
        .unwrap();
    drop(run);
    let site = Scripted::with(&[]);
    site.lose_reply(&ids[0]);
    // The earlier session's suspend did happen: the read-back finds it.
    let _ = site.apply(Action::Suspend, &ids[0]).await;
    let before = site.calls_for(&ids[0]);
    let (events, _) = collect();
    let report = execute(
        site.clone(),
        Run::open(&dir).unwrap(),
        RunOptions::new(Guard::default()),
        RunControl::new(),
        events,
    )
    .await
    .unwrap();
    assert_eq!(site.calls_for(&ids[0]), before, "nothing sent on resume");
    assert_eq!(report.outcomes[0].outcome, Outcome::Removed);
}

#[tokio::test(start_paused = true)]
async fn org_guards_hold_in_the_core_whatever_the_plan_unlocks() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(6);
    let with = |i: usize, facts: Option<OrgFacts>| PlanRow {
        org: facts,
        ..member(&ids[i])
    };
    let role = |r: &str| OrgFacts {
        admin_roles: vec![r.into()],
        ..OrgFacts::default()
    };
    let rows = vec![
        with(0, Some(role("atlassian/org-admin"))),
        with(1, Some(role("atlassian/site-admin"))),
        with(
            2,
            Some(OrgFacts {
                synced: true,
                ..OrgFacts::default()
            }),
        ),
        with(
            3,
            Some(OrgFacts {
                no_membership: true,
                ..OrgFacts::default()
            }),
        ),
        with(4, None),
        member(&ids[5]),
    ];
    let mut plan = org_plan(Action::Remove, rows);
    plan.unlocked_ids = vec![ids[0].clone()];
    let site = Scripted::with(&[]);
    let report = run_org(&site, tmp.path(), plan.clone()).await;
    let sent: Vec<usize> = (0..6).filter(|i| site.calls_for(&ids[*i]) > 0).collect();
    assert_eq!(sent, vec![5], "only the plain member is touched");
    let words = |i: usize| report.outcomes[i].message.clone();
    assert!(words(0).contains("organization admin"));
    assert!(words(1).contains("admin role site-admin"));
    assert!(words(2).contains("identity provider"));
    assert!(words(3).contains("not a member"));
    assert!(words(4).contains("not read from the organization"));

    // Unlocking the site admin lets it through; the org admin stays out even unlocked, and a
    // live read of the directory that says "synced now" wins over the plan's copy.
    let tmp2 = tempfile::tempdir().unwrap();
    plan.unlock_admins = true;
    let site2 = Scripted::with(&[]);
    let guard = Guard::default().with_org_facts([(
        ids[5].clone(),
        OrgFacts {
            synced: true,
            ..OrgFacts::default()
        },
    )]);
    let (events, _) = collect();
    let report = execute(
        site2.clone(),
        Run::create(tmp2.path(), plan).unwrap(),
        RunOptions::new(guard),
        RunControl::new(),
        events,
    )
    .await
    .unwrap();
    let sent: Vec<usize> = (0..6).filter(|i| site2.calls_for(&ids[*i]) > 0).collect();
    assert_eq!(sent, vec![1]);
    assert!(report.outcomes[5].message.contains("identity provider"));
}

#[tokio::test(start_paused = true)]
async fn a_restore_run_touches_suspended_admins_but_not_non_members() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(2);
    let rows = vec![
        PlanRow {
            org: Some(OrgFacts {
                admin_roles: vec!["atlassian/site-admin".into()],
                ..OrgFacts::default()
            }),
            ..member(&ids[0])
        },
        PlanRow {
            org: Some(OrgFacts {
                no_membership: true,
                ..OrgFacts::default()
            }),
            ..member(&ids[1])
        },
    ];
    let site = Scripted::with(&[]);
    let report = run_org(&site, tmp.path(), org_plan(Action::Restore, rows)).await;
    assert_eq!(site.calls_for(&ids[0]), 1);
    assert_eq!(site.calls_for(&ids[1]), 0);
    let results = std::fs::read_to_string(&report.results_path).unwrap();
    assert!(results.contains(",restored,"), "{results}");
}

#[test]
fn a_plan_from_before_organization_mode_is_a_site_removal() {
    let plan = Plan::new("https://acme.atlassian.net", "a@example.com", []);
    let mut json = serde_json::to_value(&plan).unwrap();
    json.as_object_mut().unwrap().remove("action");
    assert!(json.get("org").is_none());
    let read: Plan = serde_json::from_value(json).unwrap();
    assert_eq!(read.action, Action::SiteRemove);
    assert_eq!(read.org, None);
}

#[test]
fn the_summary_line_speaks_the_actions_words_and_site_mode_keeps_its_own() {
    let mut c = Counters::default();
    c.add(Outcome::Removed);
    c.add(Outcome::Skipped);
    assert_eq!(c.summary_line_for(Action::SiteRemove), c.summary_line());
    assert_eq!(
        c.summary_line_for(Action::Suspend),
        "suspended=1 not_in_directory=0 refused=0 skipped=1 failed=0 not_attempted=0"
    );
}

#[tokio::test(start_paused = true)]
async fn the_history_offers_restore_for_a_suspend_run_that_suspended_someone() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(2);
    let site = Scripted::with(&[]);
    let suspend = org_plan(Action::Suspend, ids.iter().map(|id| member(id)).collect());
    run_org(&site, tmp.path(), suspend).await;
    let none = vec![PlanRow {
        org: Some(OrgFacts {
            synced: true,
            ..OrgFacts::default()
        }),
        ..member(&ids[0])
    }];
    run_org(&site, tmp.path(), org_plan(Action::Suspend, none)).await;
    run_org(
        &site,
        tmp.path(),
        org_plan(Action::Remove, vec![member(&ids[1])]),
    )
    .await;
    let runs = list_runs(tmp.path());
    let offers: Vec<(Action, Option<Action>)> = runs.iter().map(|r| (r.action, r.undo())).collect();
    // Newest first: the removal has no undo, the suspend of nobody neither.
    assert_eq!(
        offers,
        vec![
            (Action::Remove, None),
            (Action::Suspend, None),
            (Action::Suspend, Some(Action::Restore))
        ]
    );
    assert_eq!(runs[0].org_name.as_deref(), Some("Acme"));
}
