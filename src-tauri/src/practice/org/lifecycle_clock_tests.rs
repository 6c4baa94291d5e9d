//! The practice clock and the 14-day grace period over HTTP, memory across launches, and the
//! site's rate, faults and record on the user-management API.

use super::*;
use crate::practice::Faults;

#[tokio::test]
async fn a_deletion_can_be_cancelled_for_fourteen_days_then_the_account_is_gone() {
    let org = Org::start(config()).await;
    let managed = org.site.org_managed_ids();
    let (kept, lost) = (managed[0].clone(), managed[1].clone());
    for id in [&kept, &lost] {
        assert_eq!(org.act(id, "delete").await.0, 200);
    }
    assert_eq!(
        org.clock(r#"{"advanceDays": 13}"#).await,
        (200, json!({"advancedDays": 13}))
    );
    assert_eq!(
        org.act(&kept, "cancel-delete").await.0,
        200,
        "day 13: in time"
    );
    assert!(org.user(&lost).await.is_some(), "day 13: still pending");
    assert_eq!(org.site.advance_clock_days(2), 15);
    // Permanently deleted: gone from every read, search and the manage API.
    assert_eq!(
        org.act(&lost, "cancel-delete").await,
        (404, json!({"key": "accountNotFound"}))
    );
    assert_eq!(org.privileges(&lost, &[]).await.0, 404);
    assert!(org.user(&lost).await.is_none());
    assert!(!org.search(json!({})).await.contains(&lost));
    let by_id = org.search(json!({"accountIds": [lost.clone()]})).await;
    assert!(by_id.is_empty());
    assert!(org.site.org_user(&lost).is_none() && org.site.org_lifecycle_of(&lost).is_none());
    assert!(!org.site.org_managed_ids().contains(&lost));
    assert!(org.site.org_users().iter().all(|u| u.account_id != lost));
    // The one cancelled in time is still there, deactivated.
    assert_eq!(
        statuses(&org.user(&kept).await.unwrap()),
        ("inactive", "deactivated")
    );
    // The knob reads the total, only moves forward, and says how to use it.
    let (status, total) = org.call(Method::GET, "/practice/clock", None, None).await;
    assert_eq!((status, total), (200, json!({"advancedDays": 15})));
    for bad in [r#"{"advanceDays": -1}"#, r#"{"days": 2}"#, "nope"] {
        let (status, body) = org.clock(bad).await;
        assert_eq!(status, 400, "{bad}");
        assert!(body["message"].as_str().unwrap().contains("advanceDays"));
    }
    let other = org.call(Method::POST, "/practice/other", None, None).await;
    assert_eq!(other.0, 404);
    assert_eq!(org.site.org_clock_days(), 15);
    let clock_calls = org.site.record();
    assert!(clock_calls
        .iter()
        .any(|r| r.path == "/practice/clock" && r.status == Some(200)));
}

#[tokio::test]
async fn lifecycle_changes_and_the_clock_are_remembered_across_launches() {
    let tmp = tempfile::tempdir().unwrap();
    let config = PracticeConfig {
        removals_file: Some(tmp.path().join("removed.txt")),
        ..config()
    };
    let org = Org::start(config.clone()).await;
    let managed = org.site.org_managed_ids();
    let (off, pending, cancelled) = (&managed[0], &managed[1], &managed[2]);
    assert_eq!(org.act(off, "disable").await.0, 204);
    assert_eq!(org.act(pending, "delete").await.0, 200);
    assert_eq!(org.act(cancelled, "delete").await.0, 200);
    assert_eq!(org.act(cancelled, "cancel-delete").await.0, 200);
    assert_eq!(org.clock(r#"{"advanceDays": 10}"#).await.0, 200);
    let since = org.site.org_lifecycle_of(pending).unwrap().1.unwrap();
    org.site.clone().shutdown().await;
    drop(org);

    let org = Org::start(config.clone()).await;
    assert_eq!(org.site.org_clock_days(), 10);
    let inactive = ("inactive".to_string(), None);
    assert_eq!(org.site.org_lifecycle_of(off), Some(inactive.clone()));
    assert_eq!(org.site.org_lifecycle_of(cancelled), Some(inactive));
    assert_eq!(
        org.site.org_lifecycle_of(pending),
        Some(("inactive".to_string(), Some(since))),
        "the grace period goes on from the same start"
    );
    assert_eq!(org.site.advance_clock_days(4), 14);
    assert!(
        org.site.org_lifecycle_of(pending).is_none(),
        "14 days: gone"
    );
    org.site.clone().shutdown().await;
    drop(org);

    // A later launch keeps it gone, and a start option never moves the clock back.
    let org = Org::start(PracticeConfig {
        org_clock_days: 3,
        ..config.clone()
    })
    .await;
    assert_eq!(org.site.org_clock_days(), 14);
    assert!(org.user(pending).await.is_none());
    assert_eq!(org.act(off, "enable").await.0, 204);
    org.site.clone().shutdown().await;
    drop(org);
    let org = Org::start(PracticeConfig {
        org_clock_days: 20,
        ..config
    })
    .await;
    assert_eq!(org.site.org_clock_days(), 20, "at least the option's days");
    assert_eq!(
        org.site.org_lifecycle_of(off),
        Some(("active".to_string(), None))
    );
}

#[tokio::test]
async fn the_sites_rate_faults_and_record_apply_to_the_user_management_api() {
    let org = Org::start(PracticeConfig {
        rate_per_sec: Some(0.01),
        burst: Some(1),
        ..config()
    })
    .await;
    let id = org.site.org_managed_ids()[0].clone();
    assert_eq!(org.privileges(&id, &[]).await.0, 200);
    let (status, body) = org.act(&id, "disable").await;
    assert_eq!(
        (status, &body["code"]),
        (429, &json!(429)),
        "one bucket: {body}"
    );
    let seen = org.site.record();
    assert_eq!(seen.len(), 2);
    assert!(seen
        .iter()
        .all(|r| r.account_id.as_deref() == Some(id.as_str())));
    assert_eq!(seen[1].status, Some(429));
    assert_eq!(org.site.org_lifecycle_calls_of(&id), 1);

    let org = Org::start(PracticeConfig {
        faults: Faults {
            p_500: 1.0,
            ..Faults::default()
        },
        ..config()
    })
    .await;
    let mut applied = 0;
    for id in org.site.org_managed_ids().iter().take(20) {
        let (status, body) = org.act(id, "disable").await;
        assert_eq!((status, &body["key"]), (500, &json!("internalServerError")));
        applied += usize::from(org.site.org_lifecycle_of(id).unwrap().0 == "inactive");
    }
    // Half of the 500s come after the change (a seeded draw).
    assert!((3..18).contains(&applied), "{applied} of 20");
}
