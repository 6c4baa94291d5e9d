//! The account actions (deactivate, reactivate, delete, cancel the deletion) through the one
//! engine: the core's guards for managed accounts, their words, and the undo the history
//! offers, with a deletion's 14-day grace period (issue 14).

use super::tests_actions::{member as managed, run_org as run, target};
use super::tests_engine::{ids, Scripted};
use super::*;
use crate::atlassian::Verdict;
use crate::session::org::people_of_run_at;
use crate::session::SessionError;
use time::OffsetDateTime;

fn with(id: &str, facts: OrgFacts) -> PlanRow {
    PlanRow {
        org: Some(facts),
        ..managed(id)
    }
}

fn plan_of(action: Action, rows: Vec<PlanRow>) -> Plan {
    Plan::for_org("http://127.0.0.1:1", target(), action, rows)
}

#[tokio::test(start_paused = true)]
async fn only_plain_managed_accounts_are_deactivated_or_deleted_whatever_is_unlocked() {
    let ids = ids(5);
    let admin = |role: &str| OrgFacts {
        admin_roles: vec![role.into()],
        ..OrgFacts::default()
    };
    for action in [Action::Deactivate, Action::DeleteAccount] {
        let tmp = tempfile::tempdir().unwrap();
        let rows = vec![
            with(
                &ids[0],
                OrgFacts {
                    unmanaged: true,
                    ..OrgFacts::default()
                },
            ),
            with(
                &ids[1],
                OrgFacts {
                    synced: true,
                    ..OrgFacts::default()
                },
            ),
            with(&ids[2], admin("atlassian/site-admin")),
            with(&ids[3], admin("atlassian/org-admin")),
            managed(&ids[4]),
        ];
        let mut plan = plan_of(action, rows);
        // An unlock is for suspend and remove: it opens nothing to an account action.
        plan.unlock_admins = true;
        plan.unlocked_ids = ids.clone();
        let site = Scripted::with(&[]);
        let report = run(&site, tmp.path(), plan).await;
        let sent: Vec<usize> = (0..5).filter(|i| site.calls_for(&ids[*i]) > 0).collect();
        assert_eq!(sent, vec![4], "{action:?}: only the plain managed account");
        assert!(site.actions().iter().all(|a| *a == action));
        let words = |i: usize| report.outcomes[i].message.clone();
        assert!(
            words(0).contains("not an account your company manages"),
            "{}",
            words(0)
        );
        assert!(words(1).contains("identity provider"), "{}", words(1));
        assert!(
            words(2).contains("never deactivates or deletes an admin"),
            "{}",
            words(2)
        );
        assert!(words(3).contains("admin"), "{}", words(3));
    }
}

#[tokio::test(start_paused = true)]
async fn a_reactivation_may_reach_an_admin_but_never_an_unmanaged_or_synced_account() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(3);
    let rows = vec![
        with(
            &ids[0],
            OrgFacts {
                admin_roles: vec!["atlassian/site-admin".into()],
                ..OrgFacts::default()
            },
        ),
        with(
            &ids[1],
            OrgFacts {
                unmanaged: true,
                ..OrgFacts::default()
            },
        ),
        with(
            &ids[2],
            OrgFacts {
                synced: true,
                ..OrgFacts::default()
            },
        ),
    ];
    let site = Scripted::with(&[]);
    let report = run(&site, tmp.path(), plan_of(Action::Reactivate, rows)).await;
    let sent: Vec<usize> = (0..3).filter(|i| site.calls_for(&ids[*i]) > 0).collect();
    assert_eq!(sent, vec![0]);
    let results = std::fs::read_to_string(&report.results_path).unwrap();
    assert!(results.contains(",reactivated,"), "{results}");
}

#[tokio::test(start_paused = true)]
async fn an_unknown_account_is_not_found_and_a_refusal_keeps_atlassians_words() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(2);
    let site = Scripted::with(&[
        (
            ids[0].as_str(),
            vec![Verdict::NotFound {
                message: "Atlassian has no such account (HTTP 404)".into(),
            }],
        ),
        (
            ids[1].as_str(),
            vec![Verdict::CannotRemove {
                message: "Not allowed: managed by your identity provider (SCIM).".into(),
            }],
        ),
    ]);
    let plan = plan_of(
        Action::Deactivate,
        ids.iter().map(|id| managed(id)).collect(),
    );
    let report = run(&site, tmp.path(), plan).await;
    assert_eq!(report.outcomes[0].outcome, Outcome::AlreadyGone);
    assert!(report.outcomes[0].message.contains("no such account"));
    assert_eq!(report.outcomes[1].outcome, Outcome::CannotRemove);
    let results = std::fs::read_to_string(&report.results_path).unwrap();
    assert!(results.contains(",not_found,"), "{results}");
    assert!(results.contains(",refused,"), "{results}");
}

#[tokio::test(start_paused = true)]
async fn the_history_offers_each_undo_and_a_deletions_only_within_its_grace() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(2);
    let site = Scripted::with(&[]);
    let rows = || ids.iter().map(|id| managed(id)).collect::<Vec<_>>();
    let deactivated = run(&site, tmp.path(), plan_of(Action::Deactivate, rows())).await;
    let deleted = run(&site, tmp.path(), plan_of(Action::DeleteAccount, rows())).await;
    let runs = list_runs(tmp.path());
    let find = |a: Action| runs.iter().find(|r| r.action == a).unwrap();
    let (delete, deactivate) = (find(Action::DeleteAccount), find(Action::Deactivate));
    assert_eq!(deactivate.undo(), Some(Action::Reactivate));
    assert_eq!(deactivate.undo_until(), None);
    assert_eq!(delete.undo(), Some(Action::CancelDelete));
    let first = deleted
        .outcomes
        .iter()
        .map(|o| {
            OffsetDateTime::parse(
                &o.finished_at,
                &time::format_description::well_known::Rfc3339,
            )
            .unwrap()
        })
        .min()
        .unwrap();
    let until = delete.undo_until().expect("a deletion has a last day");
    assert_eq!(until, first + time::Duration::days(DELETION_GRACE_DAYS));
    assert_eq!(
        delete.undo_at(until - time::Duration::minutes(1)),
        Some(Action::CancelDelete)
    );
    assert_eq!(
        delete.undo_at(until),
        None,
        "past the grace period, no undo"
    );

    // The undo's people: the deletions still in grace; none once it ended.
    let now = OffsetDateTime::now_utc();
    let (_, people) = people_of_run_at(&deleted.dir, Action::CancelDelete, now).unwrap();
    assert_eq!(people.len(), 2);
    let late = people_of_run_at(
        &deleted.dir,
        Action::CancelDelete,
        until + time::Duration::days(1),
    );
    assert!(
        matches!(&late, Err(e @ SessionError::GraceEnded { .. }) if e.to_string().contains("can no longer be cancelled")),
        "{late:?}"
    );
    // An undo takes the people of the action it undoes, nothing else.
    let wrong = people_of_run_at(&deactivated.dir, Action::CancelDelete, now);
    assert!(
        matches!(wrong, Err(SessionError::NotASuspendRun(_))),
        "{wrong:?}"
    );
    let (_, back) = people_of_run_at(&deactivated.dir, Action::Reactivate, now).unwrap();
    assert_eq!(back.len(), 2);
    // A cancelled deletion leaves the accounts deactivated: reactivating takes them from it.
    let cancelled = run(&site, tmp.path(), plan_of(Action::CancelDelete, rows())).await;
    let (_, again) = people_of_run_at(&cancelled.dir, Action::Reactivate, now).unwrap();
    assert_eq!(again.len(), 2);
    assert!(people_of_run_at(&cancelled.dir, Action::Restore, now).is_err());
    // Deactivating the people a suspend... or delete run handled is a fresh action: allowed.
    assert!(people_of_run_at(&deactivated.dir, Action::DeleteAccount, now).is_ok());
}
