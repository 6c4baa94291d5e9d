use super::seed as seed_fn;
use super::*;
use crate::practice::practice_admin_ids;

fn count(members: &[OrgMember], f: impl Fn(&OrgMember) -> bool) -> usize {
    members.iter().filter(|m| f(m)).count()
}

#[test]
fn the_same_seed_seeds_the_same_organization() {
    let config = PracticeConfig::generated(120, 4);
    let (a_setup, a) = seed(&config);
    let (b_setup, b) = seed(&config);
    assert_eq!(a, b);
    assert_eq!(a_setup.directories, b_setup.directories);
    let other = PracticeConfig::generated(120, 5);
    assert_ne!(seed(&other).1, a);
}

#[test]
fn people_only_with_the_callers_roles_and_the_site_admins() {
    let config = PracticeConfig::generated(300, 7);
    let (setup, members) = seed(&config);
    assert_eq!(setup.directories.len(), 1);
    assert_eq!(setup.directories[0].name, "Practice Directory");
    let people = config
        .users
        .iter()
        .filter(|u| u.account_type == "atlassian")
        .count();
    let extras = count(&members, |m| m.directory.is_none());
    assert!((2..=3).contains(&extras), "{extras}");
    assert_eq!(members.len(), people + extras, "no apps, no customers");
    let caller = &members[0];
    assert_eq!(caller.account_id, config.caller_account_id);
    assert_eq!(caller.roles, [ORG_ADMIN, SITE_ADMIN]);
    assert!(caller.managed && caller.source == Some("invited") && !caller.suspended);
    for id in &config.site_admins {
        let m = members.iter().find(|m| &m.account_id == id).unwrap();
        assert!(m.roles.contains(&SITE_ADMIN), "{id}");
        assert!(m.groups.contains(&(setup.groups.len() - 1)));
    }
    // The generated site's organization admins (marked so in its sample export).
    for id in practice_admin_ids(&config).org_admins {
        let m = members.iter().find(|m| m.account_id == id).unwrap();
        assert!(m.roles.contains(&ORG_ADMIN), "{id}");
    }
    assert_eq!(count(&members, |m| m.roles.contains(&USER_ACCESS_ADMIN)), 1);
    assert!(members
        .iter()
        .filter(|m| m.roles.contains(&USER_ACCESS_ADMIN))
        .all(|m| m.roles.len() == 1));
}

#[test]
fn a_realistic_mix_of_managed_synced_suspended_and_activity() {
    let mut config = PracticeConfig::generated(400, 9);
    // Some people on another domain: unmanaged.
    for u in config.users.iter_mut().skip(1).step_by(5) {
        if let Some(e) = &mut u.email {
            *e = e.replace("@example.com", "@partner.example.net");
        }
    }
    let (_, members) = seed(&config);
    let in_dirs: Vec<&OrgMember> = members.iter().filter(|m| m.directory.is_some()).collect();
    let managed = in_dirs.iter().filter(|m| m.managed).count();
    let unmanaged = in_dirs.len() - managed;
    assert!(unmanaged > 50, "{unmanaged}");
    let mut unclaimed = 0;
    for m in &in_dirs {
        let on_domain = m
            .email
            .as_deref()
            .is_some_and(|e| e.ends_with("@example.com"));
        // Off the domain: never managed. On it: managed unless the seed left it unclaimed.
        assert!(on_domain || !m.managed, "{}", m.account_id);
        if on_domain && !m.managed {
            unclaimed += 1;
            assert_eq!(m.kind, Kind::Unmanaged, "{}", m.account_id);
        }
        assert_eq!(m.source.is_some(), m.managed);
    }
    // About 1 in 10 of the plain invited people (those still plain, the site owners, and
    // the unclaimed themselves).
    let plain = count(&members, |m| {
        matches!(m.kind, Kind::Managed | Kind::SiteOwner)
    });
    assert_eq!(
        unclaimed,
        (plain + unclaimed) / 10,
        "{unclaimed} of {plain}"
    );
    let synced = in_dirs
        .iter()
        .filter(|m| m.source == Some("synced"))
        .count();
    assert!(
        (managed / 16..managed / 5).contains(&synced),
        "{synced} of {managed}"
    );
    let suspended = in_dirs.iter().filter(|m| m.suspended).count();
    assert!((5..45).contains(&suspended), "{suspended}");
    assert!(in_dirs.iter().all(|m| !m.suspended || m.roles.is_empty()));
    let stamps: Vec<&str> = in_dirs
        .iter()
        .flat_map(|m| &m.products)
        .filter_map(|p| p.last_active.as_deref())
        .collect();
    assert!(stamps
        .iter()
        .all(|s| ("2025-05-30".."2026-11-30").contains(s)));
    assert!(stamps.iter().any(|s| s.starts_with("2025")));
    assert!(stamps.iter().any(|s| s.starts_with("2026-1")));
    let never = |product: &str| {
        in_dirs.iter().any(|m| {
            m.products
                .iter()
                .any(|p| p.product == product && p.last_active.is_none())
        })
    };
    assert!(never("jira-software") && never("confluence"));
    assert!(in_dirs.iter().any(|m| m.products.len() < 2));
    assert!(in_dirs.iter().any(|m| !m.groups.is_empty()));
    for extra in members.iter().filter(|m| m.directory.is_none()) {
        assert!(extra.managed && extra.email.as_deref().unwrap().ends_with("@example.com"));
        assert_eq!(extra.status(), "not_invited");
    }
}

#[test]
fn several_directories_share_the_people() {
    let config = PracticeConfig {
        org_directories: 3,
        ..PracticeConfig::generated(150, 2)
    };
    let (setup, members) = seed(&config);
    let names: Vec<&str> = setup.directories.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names[0], "Practice Directory");
    assert_eq!(names.len(), 3);
    let ids: HashSet<&str> = setup.directories.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids.len(), 3);
    assert_eq!(members[0].directory, Some(0), "the caller is in the first");
    for d in 0..3 {
        assert!(
            count(&members, |m| m.directory == Some(d)) > 20,
            "directory {d}"
        );
    }
}

#[test]
fn a_missing_caller_is_added_as_on_the_site() {
    let config = PracticeConfig::default();
    let (_, members) = seed(&config);
    assert_eq!(members[0].account_id, config.caller_account_id);
    assert_eq!(members[0].name, "Practice Admin");
    assert_eq!(members[0].email.as_deref(), Some("admin@example.com"));
    assert_eq!(count(&members, |m| m.directory.is_some()), 1);
}

#[test]
fn lifecycle_kinds_are_plain_people_and_a_few_own_sites() {
    for (n, seed) in [(300, 7), (40, 2), (12, 5)] {
        let config = PracticeConfig::generated(n, seed);
        let (_, members) = seed_fn(&config);
        let of = |k: Kind| count(&members, |m| m.kind == k);
        let owners = of(Kind::SiteOwner);
        assert!((1..=2).contains(&owners), "{n}: {owners} site owners");
        assert!(of(Kind::Unmanaged) >= 2 && of(Kind::Managed) >= 2, "{n}");
        assert_eq!(of(Kind::GoogleSynced), usize::from(n >= 40), "{n}");
        for m in members.iter().filter(|m| m.kind != Kind::Other) {
            assert!(m.directory.is_some() && m.roles.is_empty() && !m.suspended);
            assert_ne!(m.account_id, config.caller_account_id);
            let synced = m.source == Some("synced");
            match m.kind {
                Kind::Managed | Kind::SiteOwner | Kind::GoogleSynced => {
                    assert!(m.managed && !synced)
                }
                Kind::Unmanaged => assert!(!m.managed && !m.mfa),
                Kind::Synced => assert!(m.managed && synced),
                Kind::Other => unreachable!(),
            }
        }
        assert!(members
            .iter()
            .all(|m| m.deactivated_on.is_none() && m.deletion_requested.is_none()));
    }
    // Nobody plain to pick: nobody owns sites.
    let (_, alone) = seed_fn(&PracticeConfig::default());
    assert!(alone.iter().all(|m| m.kind == Kind::Other));
}
