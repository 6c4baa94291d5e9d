use super::*;
use crate::practice::config::Faults;
use crate::practice::org::state::{SITE_ADMIN, USER_ACCESS_ADMIN};
use crate::practice::PracticeConfig;

fn site(config: PracticeConfig) -> SiteState {
    SiteState::new(config, "http://127.0.0.1:9".into(), None, None)
}

/// The status of one write (`None`: the connection was dropped).
fn status(s: &SiteState, key: OrgKey, dir: &str, id: &str, kind: WriteKind) -> Option<u16> {
    match write(s, &mut s.live(), key, dir, id, kind) {
        Outcome::Reply(r) | Outcome::Slow(r, _) => Some(r.status),
        Outcome::Drop => None,
    }
}

fn first(s: &SiteState, pick: impl Fn(&crate::practice::org::state::OrgMember) -> bool) -> String {
    let live = s.live();
    let m = live
        .org
        .members
        .iter()
        .find(|m| pick(m))
        .expect("a seeded account");
    m.account_id.clone()
}

fn plain(m: &crate::practice::org::state::OrgMember) -> bool {
    m.directory.is_some() && m.roles.is_empty() && m.source != Some("synced") && !m.suspended
}

#[test]
fn suspend_restore_and_remove_change_the_member() {
    let s = site(PracticeConfig::generated(60, 3));
    let d = s.org.directories[0].id.clone();
    let id = first(&s, plain);
    let full = OrgKey::Full;
    assert_eq!(status(&s, full, &d, &id, WriteKind::Suspend), Some(204));
    assert_eq!(s.live().org.get(&id).unwrap().status(), "suspended");
    assert_eq!(
        status(&s, full, &d, &id, WriteKind::Suspend),
        Some(204),
        "idempotent"
    );
    assert_eq!(status(&s, full, &d, &id, WriteKind::Restore), Some(204));
    assert_eq!(s.live().org.get(&id).unwrap().status(), "active");
    assert_eq!(
        status(&s, full, &d, &id, WriteKind::Restore),
        Some(204),
        "idempotent"
    );
    assert_eq!(status(&s, full, &d, &id, WriteKind::Remove), Some(204));
    assert!(s.live().org.get(&id).is_none());
    assert_eq!(status(&s, full, &d, &id, WriteKind::Remove), Some(404));
}

#[test]
fn every_refusal_has_its_status() {
    let s = site(PracticeConfig {
        scoped_org_key: Some("scoped".into()),
        ..PracticeConfig::generated(200, 3)
    });
    let d = s.org.directories[0].id.clone();
    let (full, suspend) = (OrgKey::Full, WriteKind::Suspend);
    let caller = s.config.caller_account_id.clone();
    let org_admin = first(&s, |m| {
        m.roles.contains(&ORG_ADMIN) && m.account_id != caller
    });
    let synced = first(&s, |m| m.source == Some("synced") && m.roles.is_empty());
    let nobody = first(&s, |m| m.directory.is_none());
    let id = first(&s, plain);
    assert_eq!(status(&s, full, &d, &caller, suspend), Some(403));
    assert_eq!(
        status(&s, full, &d, &org_admin, WriteKind::Remove),
        Some(403)
    );
    assert_eq!(status(&s, full, &d, &synced, suspend), Some(403));
    assert_eq!(status(&s, full, &d, &nobody, suspend), Some(404));
    assert_eq!(status(&s, full, &d, "no-such-account", suspend), Some(404));
    assert_eq!(status(&s, OrgKey::Scoped, &d, &id, suspend), Some(403));
    assert_eq!(status(&s, full, "-", &id, suspend), Some(400));
    assert_eq!(
        status(&s, full, "no-such-directory", &id, suspend),
        Some(404)
    );
    // Site admins and the user-access admin are only locked by the client, not refused here.
    let site_admin = first(&s, |m| {
        m.roles == [SITE_ADMIN] && m.source != Some("synced")
    });
    assert_eq!(status(&s, full, &d, &site_admin, suspend), Some(204));
    let uaa = first(&s, |m| m.roles.contains(&USER_ACCESS_ADMIN));
    assert!(s.live().org.get(&uaa).is_some());
    assert!(
        !s.live().org.get(&id).unwrap().suspended,
        "nothing refused was applied"
    );
}

#[test]
fn a_restore_past_the_licence_limit_is_a_409() {
    let config = PracticeConfig::generated(60, 3);
    let s = site(config.clone());
    let active = s.live().org.active_members();
    let s = site(PracticeConfig {
        org_licence_limit: Some(active),
        ..config
    });
    let d = s.org.directories[0].id.clone();
    let suspended = first(&s, |m| m.suspended);
    assert_eq!(
        status(&s, OrgKey::Full, &d, &suspended, WriteKind::Restore),
        Some(409)
    );
    let id = first(&s, plain);
    assert_eq!(
        status(&s, OrgKey::Full, &d, &id, WriteKind::Suspend),
        Some(204)
    );
    assert_eq!(
        status(&s, OrgKey::Full, &d, &suspended, WriteKind::Restore),
        Some(204)
    );
    assert_eq!(
        status(&s, OrgKey::Full, &d, &id, WriteKind::Restore),
        Some(409)
    );
}

#[test]
fn a_fault_after_the_change_still_applies_it() {
    let s = site(PracticeConfig {
        faults: Faults {
            p_500: 1.0,
            ..Faults::default()
        },
        ..PracticeConfig::generated(80, 3)
    });
    let d = s.org.directories[0].id.clone();
    let ids: Vec<String> = s
        .live()
        .org
        .members
        .iter()
        .filter(|m| plain(m))
        .map(|m| m.account_id.clone())
        .take(20)
        .collect();
    let mut applied = 0;
    for id in &ids {
        assert_eq!(
            status(&s, OrgKey::Full, &d, id, WriteKind::Suspend),
            Some(500)
        );
        applied += usize::from(s.live().org.get(id).unwrap().suspended);
    }
    // Half of the 500s come after the change (a seeded draw).
    assert!((3..18).contains(&applied), "{applied} of 20");
}

#[test]
fn changes_are_saved_and_replayed_by_the_next_launch() {
    let tmp = tempfile::tempdir().unwrap();
    let config = PracticeConfig {
        removals_file: Some(tmp.path().join("removed.txt")),
        ..PracticeConfig::generated(40, 3)
    };
    let open = || crate::practice::org::open_changes(&config).unwrap();
    let s = SiteState::new(config.clone(), "http://h".into(), None, open());
    let d = s.org.directories[0].id.clone();
    let ids: Vec<String> = s
        .live()
        .org
        .members
        .iter()
        .filter(|m| plain(m))
        .map(|m| m.account_id.clone())
        .take(3)
        .collect();
    for (id, kind) in [
        (&ids[0], WriteKind::Suspend),
        (&ids[1], WriteKind::Suspend),
        (&ids[1], WriteKind::Restore),
        (&ids[2], WriteKind::Remove),
    ] {
        assert_eq!(status(&s, OrgKey::Full, &d, id, kind), Some(204));
    }
    drop(s);
    let changes = open();
    let again = SiteState::new(config, "http://h".into(), None, changes);
    let live = again.live();
    assert!(live.org.get(&ids[0]).unwrap().suspended);
    assert!(!live.org.get(&ids[1]).unwrap().suspended);
    assert!(live.org.get(&ids[2]).is_none());
}
