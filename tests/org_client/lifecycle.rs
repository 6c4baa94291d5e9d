//! The account actions' client (user-management API) against the practice site over HTTP: the
//! per-account privileges match what the actions then enforce, each action's verdict and the
//! end state read back through the directory, and a scoped key's refusal stops a run.

use super::{client, start, SCOPED_KEY};
use offboard::atlassian::org::{Permission, UserSearch};
use offboard::atlassian::Verdict;
use offboard::sweep::{Action, Actor};

#[tokio::test]
async fn privileges_say_what_the_actions_then_do() {
    let site = start(40, 1).await;
    let org = client(&site, &site.org_api_key()).with_directory(&site.org_directory_ids()[0]);
    let managed = site.org_managed_ids()[0].clone();
    let unmanaged = site.org_unmanaged_ids()[0].clone();
    let synced = site.org_synced_ids()[0].clone();
    let owner = site.org_site_owner_ids()[0].clone();

    let allowed = org.privileges(&managed).await.unwrap().unwrap();
    assert_eq!(
        allowed.for_action(Action::DeleteAccount),
        Some(&Permission::Allowed)
    );
    for (id, words) in [
        (&unmanaged, "not an account your company manages"),
        (&synced, "identity provider"),
    ] {
        let p = org.privileges(id).await.unwrap().unwrap();
        let refusal = p.for_action(Action::Deactivate).unwrap().refusal().unwrap();
        assert!(refusal.contains(words), "{id}: {refusal}");
        // The action itself is refused for the same reason, in the same words.
        let verdict = org.apply(Action::Deactivate, id).await;
        assert!(
            matches!(&verdict, Verdict::CannotRemove { message } if message.contains(words)),
            "{id}: {verdict:?}"
        );
    }
    assert_eq!(org.privileges("no-such-account").await.unwrap(), None);
    // Plain to the directory, refused by Atlassian's own check (Google Workspace sync).
    let google = site.org_google_synced_ids()[0].clone();
    let p = org.privileges(&google).await.unwrap().unwrap();
    let refusal = p
        .for_action(Action::DeleteAccount)
        .unwrap()
        .refusal()
        .unwrap();
    assert!(refusal.contains("Google"), "{refusal}");

    // The site owner is allowed on paper; Atlassian's 409 says why the action cannot be done.
    let verdict = org.apply(Action::Deactivate, &owner).await;
    assert!(
        matches!(&verdict, Verdict::CannotRemove { message } if message.contains("cannot do this")),
        "{verdict:?}"
    );
    assert_eq!(site.org_lifecycle_of(&owner).unwrap().0, "active");
}

#[tokio::test]
async fn each_action_lands_and_reads_back_as_done() {
    let site = start(40, 1).await;
    let org = client(&site, &site.org_api_key()).with_directory(&site.org_directory_ids()[0]);
    let id = site.org_managed_ids()[0].clone();
    let ids = vec![id.clone()];
    let steps = [
        (Action::Deactivate, "inactive", false),
        (Action::Reactivate, "active", false),
        (Action::DeleteAccount, "inactive", true),
        (Action::CancelDelete, "inactive", false),
        (Action::Reactivate, "active", false),
    ];
    for (action, status, pending) in steps {
        assert!(
            org.read_back(action, &ids).await.unwrap().is_empty(),
            "{action:?} before"
        );
        let verdict = org.apply(action, &id).await;
        assert!(
            matches!(verdict, Verdict::Done { .. }),
            "{action:?}: {verdict:?}"
        );
        let (now, since) = site.org_lifecycle_of(&id).unwrap();
        assert_eq!(
            (now.as_str(), since.is_some()),
            (status, pending),
            "{action:?}"
        );
        let done = org.read_back(action, &ids).await.unwrap();
        assert!(done.contains(&id), "{action:?} not read back as done");
    }
    // Cancelling a deletion that is not pending is Atlassian's refusal, in words.
    let verdict = org.apply(Action::CancelDelete, &id).await;
    assert!(
        matches!(verdict, Verdict::CannotRemove { .. }),
        "{verdict:?}"
    );
    let search = UserSearch {
        account_ids: ids.clone(),
        ..UserSearch::default()
    };
    let page = org
        .search_page(&site.org_directory_ids()[0], &search, None, 10)
        .await
        .unwrap();
    assert_eq!(page.users[0].account_status, "active");
}

#[tokio::test]
async fn a_deletion_past_its_grace_is_gone_and_a_scoped_key_stops_the_run() {
    let site = start(40, 1).await;
    let org = client(&site, &site.org_api_key()).with_directory(&site.org_directory_ids()[0]);
    let id = site.org_managed_ids()[1].clone();
    assert!(matches!(
        org.apply(Action::DeleteAccount, &id).await,
        Verdict::Done { .. }
    ));
    site.advance_clock_days(15);
    let verdict = org.apply(Action::CancelDelete, &id).await;
    assert!(
        matches!(&verdict, Verdict::NotFound { message } if message.contains("no such account")),
        "{verdict:?}"
    );
    // Gone for good reads back as "deleted": the end state of a deletion holds.
    let done = org
        .read_back(Action::DeleteAccount, std::slice::from_ref(&id))
        .await
        .unwrap();
    assert!(done.contains(&id));

    let scoped = client(&site, SCOPED_KEY).with_directory(&site.org_directory_ids()[0]);
    let other = site.org_managed_ids()[2].clone();
    let verdict = scoped.apply(Action::Deactivate, &other).await;
    assert!(
        matches!(&verdict, Verdict::Forbidden { message } if message.contains("without scopes")),
        "{verdict:?}"
    );
    assert!(scoped.privileges(&other).await.is_err());
    assert_eq!(site.org_lifecycle_of(&other).unwrap().0, "active");
}
