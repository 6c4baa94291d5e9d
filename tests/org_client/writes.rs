//! Suspend, restore and remove against the practice organization, their read-backs, the
//! refusals of one user, and what a wrong or scoped key gets.

use super::{client, plain_members, start, SCOPED_KEY};
use offboard::atlassian::org::{key_has_scopes, OrgError};
use offboard::atlassian::{TransportKind, Verdict};
use offboard::sweep::{Action, Actor};

#[tokio::test]
async fn suspend_reads_back_suspended_and_restore_reads_back_active() {
    let site = start(40, 1).await;
    let directory = site.org_directory_ids()[0].clone();
    let org = client(&site, &site.org_api_key()).with_directory(&directory);
    let target = plain_members(&site, &directory)[0].account_id.clone();

    assert_eq!(
        org.apply(Action::Suspend, &target).await,
        Verdict::Done { status: 204 }
    );
    let user = org.user(&directory, &target).await.unwrap().unwrap();
    assert_eq!(user.membership_status, "suspended");
    assert_eq!(
        site.org_user(&target).unwrap().membership_status,
        "suspended"
    );
    let ids = vec![target.clone()];
    let done = org.read_back(Action::Suspend, &ids).await.unwrap();
    assert!(done.contains(&target));
    assert!(org
        .read_back(Action::Restore, &ids)
        .await
        .unwrap()
        .is_empty());

    assert_eq!(
        org.apply(Action::Restore, &target).await,
        Verdict::Done { status: 204 }
    );
    assert_eq!(site.org_user(&target).unwrap().membership_status, "active");
    let done = org.read_back(Action::Restore, &ids).await.unwrap();
    assert!(done.contains(&target));
    assert_eq!(site.org_writes_of(&target), 2);
}

#[tokio::test]
async fn remove_then_the_user_is_not_found() {
    let site = start(40, 1).await;
    let directory = site.org_directory_ids()[0].clone();
    let org = client(&site, &site.org_api_key()).with_directory(&directory);
    let members = plain_members(&site, &directory);
    let (target, kept) = (members[0].account_id.clone(), members[1].account_id.clone());

    let ids = vec![target.clone(), kept.clone()];
    assert!(org
        .read_back(Action::Remove, &ids)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        org.remove(&directory, &target).await,
        Verdict::Done { status: 204 }
    );
    assert_eq!(org.user(&directory, &target).await.unwrap(), None);
    assert!(site.org_user(&target).is_none());
    let done = org.read_back(Action::Remove, &ids).await.unwrap();
    assert_eq!(done.into_iter().collect::<Vec<_>>(), vec![target.clone()]);

    // Again: not in the directory, with Atlassian's words.
    match org.apply(Action::Remove, &target).await {
        Verdict::NotFound { message } => assert!(message.contains("not found"), "{message}"),
        other => panic!("{other:?}"),
    }
    // Suspending someone who is not there has nobody to act on either.
    assert!(matches!(
        org.suspend(&directory, &target).await,
        Verdict::NotFound { .. }
    ));
}

#[tokio::test]
async fn the_chosen_directory_is_the_one_acted_on() {
    let site = start(60, 2).await;
    let dirs = site.org_directory_ids();
    let target = plain_members(&site, &dirs[1])[0].account_id.clone();
    let other = client(&site, &site.org_api_key()).with_directory(&dirs[0]);
    assert!(matches!(
        other.apply(Action::Suspend, &target).await,
        Verdict::NotFound { .. }
    ));
    assert_eq!(site.org_user(&target).unwrap().membership_status, "active");
    let own = client(&site, &site.org_api_key()).with_directory(&dirs[1]);
    assert_eq!(
        own.apply(Action::Suspend, &target).await,
        Verdict::Done { status: 204 }
    );
    assert_eq!(
        site.org_user(&target).unwrap().membership_status,
        "suspended"
    );
}

#[tokio::test]
async fn an_org_admin_or_a_synced_user_is_refused_for_that_user_only() {
    let site = start(80, 1).await;
    let directory = site.org_directory_ids()[0].clone();
    let org = client(&site, &site.org_api_key()).with_directory(&directory);
    let users = site.org_users();
    let admin = users
        .iter()
        .find(|u| u.platform_roles.iter().any(|r| r == "atlassian/org-admin"))
        .expect("the practice org has an org admin");
    match org.apply(Action::Suspend, &admin.account_id).await {
        Verdict::CannotRemove { message } => assert!(!message.is_empty()),
        other => panic!("{other:?}"),
    }
    let synced = users
        .iter()
        .find(|u| u.is_synced() && u.admin_roles().is_empty() && u.membership_status == "active")
        .expect("the practice org has a synced user");
    match org.apply(Action::Remove, &synced.account_id).await {
        Verdict::CannotRemove { message } => {
            assert!(message.contains("identity provider"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert!(site.org_user(&synced.account_id).is_some());
}

#[tokio::test]
async fn a_wrong_key_is_refused_with_the_key_words_and_changes_nothing() {
    let site = start(20, 1).await;
    let directory = site.org_directory_ids()[0].clone();
    let target = plain_members(&site, &directory)[0].account_id.clone();
    let org = client(&site, "not-the-practice-key").with_directory(&directory);

    let err = org.org().await.unwrap_err();
    assert_eq!(err, OrgError::Unauthorized);
    assert!(err.credentials_refused());
    assert!(err
        .to_string()
        .contains("admin.atlassian.com → Settings → API keys"));
    match org.apply(Action::Suspend, &target).await {
        Verdict::Unauthorized { message } => {
            assert!(message.contains("make a new key") || message.contains("Make a new key"));
            assert!(!message.contains("not-the-practice-key"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(site.org_user(&target).unwrap().membership_status, "active");
    let refused = site
        .record()
        .iter()
        .filter(|r| r.status == Some(401))
        .count();
    assert_eq!(refused, 2);
    assert!(site.record().iter().all(|r| r.authorized_as.is_none()));
    let read = org.read_back(Action::Suspend, &[target]).await;
    assert!(
        matches!(read, Err(Verdict::Unauthorized { .. })),
        "{read:?}"
    );
}

#[tokio::test]
async fn a_scoped_key_is_recognised_and_its_writes_stop_the_run() {
    let site = start(20, 1).await;
    let directory = site.org_directory_ids()[0].clone();
    let target = plain_members(&site, &directory)[0].account_id.clone();
    let org = client(&site, SCOPED_KEY).with_directory(&directory);

    // Reads work; the org list is empty, which is how a scoped key shows itself.
    assert_eq!(org.org().await.unwrap().id, site.org_id());
    let visible = org.visible_orgs().await.unwrap();
    assert!(visible.is_empty());
    assert!(key_has_scopes(&visible, org.org_id()));

    match org.apply(Action::Suspend, &target).await {
        Verdict::Forbidden { message } => assert!(
            message.contains("organization mode needs an API key without scopes"),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(site.org_user(&target).unwrap().membership_status, "active");
}

#[tokio::test]
async fn a_stopped_site_is_a_transport_failure_that_sent_nothing() {
    let site = start(5, 1).await;
    let directory = site.org_directory_ids()[0].clone();
    let org = client(&site, &site.org_api_key());
    site.shutdown().await;
    match org.suspend(&directory, "712020:abc").await {
        Verdict::Transport { kind, message } => {
            assert_eq!(kind, TransportKind::Connect);
            assert!(message.contains("127.0.0.1"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}
