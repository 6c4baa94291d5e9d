//! What the importer reads beyond the columns themselves: canonical account ids, who the file
//! says is an admin, and last activity read into dates (or said to be unreadable).

use offboard::roster::{
    canonical_account_id, import_bytes, is_admin_group, parse_seen, SeenDate, NO_ADMIN_INFO_WARNING,
};

use super::{by_id, import, manifest, strings, CALLER};

/// A user's last activity as the window shows it.
fn seen(user: &offboard::roster::RosterUser) -> String {
    serde_json::to_value(user.last_active)
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn dates_and_admins_fixture_reads_every_signal() {
    let roster = import("export-dates-and-admins.csv");
    let s = &roster.summary;
    assert_eq!((s.rows_read, s.users, s.duplicates_merged), (10, 8, 2));
    assert!(s.skipped.is_empty(), "{:?}", s.skipped);
    let group = |g: &str| Some(format!("member of the \"{g}\" group"));
    let org_admin = Some("org role \"Organization admin\"".to_owned());
    // (canonical id, line first seen, admin reason, last activity)
    let expected = [
        (CALLER, 2, org_admin, "2025-03-02"),
        (
            "5c9e2a41b3f0d2001f6e8a77",
            3,
            group("jira-admins-acme"),
            "2024-01-13",
        ),
        (
            "712020:0b6f3c51-9d0e-4d57-a3f1-1f6f0b9e2a10",
            4,
            None,
            "2025-03-05",
        ),
        ("5ddd5094eb3435850394b668", 6, None, "unreadable"),
        ("5a15fb58f799f380ecc88b6a", 7, None, "never"),
        (
            "59868e6d9a508bb1f4c9da65",
            9,
            group("Site-Admins-acme"),
            "2024-01-13",
        ),
        (
            "557058:4375d034-1e4f-4f2a-a8af-30f7c70b53bf",
            10,
            None,
            "2024-01-03",
        ),
        ("5840104b423b2db33628cbac", 11, None, "unreadable"),
    ];
    assert_eq!(roster.users.len(), expected.len());
    for (user, (id, line, admin, last)) in roster.users.iter().zip(expected) {
        assert_eq!(
            (
                user.account_id.as_str(),
                user.line,
                &user.admin,
                seen(user).as_str()
            ),
            (id, line, &admin, last)
        );
    }
    // The upper-case and padded copies merged into one user with both rows' groups.
    let paul = by_id(&roster)["5c9e2a41b3f0d2001f6e8a77"];
    assert_eq!(paul.groups, ["jira-admins-acme", "support"]);
    assert_eq!(s.unreadable_dates, 2);
    let p = &s.protection;
    assert_eq!(
        (p.org_role_column, p.group_columns, p.admins_in_file),
        (true, true, 3)
    );
    assert!(p.has_admin_info() && p.warning().is_none());
    assert_eq!(
        p.describe(),
        "This file lists org roles and group memberships: 3 admins are protected from it."
    );
}

#[test]
fn managed_accounts_export_has_no_admin_information() {
    let roster = import("export-managed-accounts.csv");
    let p = &roster.summary.protection;
    assert_eq!(
        (p.org_role_column, p.group_columns, p.admins_in_file),
        (false, false, 0)
    );
    assert!(!p.has_admin_info());
    assert_eq!(p.warning(), Some(NO_ADMIN_INFO_WARNING));
    assert!(
        p.describe().contains("cannot tell who your admins are"),
        "{}",
        p.describe()
    );
    assert!(roster.users.iter().all(|u| u.admin.is_none()));
    let users = by_id(&roster);
    for (id, last) in [
        ("712020:0b6f3c51-9d0e-4d57-a3f1-1f6f0b9e2a10", "2025-03-02"),
        ("5c9e2a41b3f0d2001f6e8a77", "2023-11-19"),
        ("712020:5d1f9a20-7c44-4c1b-9e6a-62c0a1d4b8f3", "never"),
    ] {
        assert_eq!(seen(users[id]), last, "{id}");
    }
    assert_eq!(roster.summary.unreadable_dates, 0);
}

#[test]
fn plain_export_protects_its_org_admins() {
    let roster = import("export-plain.csv");
    let m = manifest("export-plain.manifest.json");
    let mut admins = strings(&m["org_admins"]);
    admins.push(CALLER.to_owned());
    let p = &roster.summary.protection;
    assert_eq!((p.org_role_column, p.group_columns), (true, true));
    assert_eq!(p.admins_in_file, admins.len() as u64);
    let users = by_id(&roster);
    for id in &admins {
        assert_eq!(
            users[id.as_str()].admin.as_deref(),
            Some("org role \"Organization admin\""),
            "{id}"
        );
    }
    for id in strings(&m["members"]) {
        assert_eq!(users[id.as_str()].admin, None, "{id}");
    }
    // The caller's cells: 15 Jul 2023, Never accessed, 14 Dec 2020.
    assert_eq!(seen(users[CALLER]), "2023-07-15");
}

#[test]
fn every_date_in_the_real_export_fixtures_is_read() {
    for name in [
        "export-plain.csv",
        "export-messy.csv",
        "export-bom.csv",
        "export-crlf.csv",
        "export-semicolon.csv",
        "export-excel-utf16.csv",
        "export-older-product-names.csv",
        "export-one-row-per-group.csv",
        "export-managed-accounts.csv",
    ] {
        let roster = import(name);
        assert_eq!(roster.summary.unreadable_dates, 0, "{name}");
        for user in &roster.users {
            // A user with a date cell has a date; one with only "Never accessed" has none.
            let any_date = user.last_seen.iter().any(|(_, v)| !v.starts_with("Never"));
            assert_eq!(
                matches!(user.last_active, SeenDate::Date(_)),
                any_date,
                "{name}: {user:?}"
            );
        }
    }
}

#[test]
fn ids_differing_only_in_case_or_padding_are_one_user() {
    let header = "User id,User name,email,User status,Added to org,Org role,Jira - acme,Group name";
    let text = format!(
        "{header}\n5B10AC8D82E05B22CC7D4EF5,Alex,a@x,Active,,,User,\n \
         5b10ac8d82e05b22cc7d4ef5 ,Alex,a@x,Active,,,User,staff\n\
         123:AbcZ,App,,Active,,,User,\n123:abcz,Other App,,Active,,,User,\n"
    );
    let roster = import_bytes(text.as_bytes()).unwrap();
    let ids: Vec<&str> = roster.users.iter().map(|u| u.account_id.as_str()).collect();
    // Ids that are not hex keep their case, so those two stay apart.
    assert_eq!(ids, [CALLER, "123:AbcZ", "123:abcz"]);
    assert_eq!(roster.summary.duplicates_merged, 1);
    assert_eq!(roster.users[0].groups, ["staff"]);
    let p = &roster.summary.protection;
    assert_eq!(
        (p.org_role_column, p.group_columns, p.admins_in_file),
        (true, true, 0)
    );
    // No last-seen columns at all: nothing says the person was ever seen.
    assert!(roster
        .users
        .iter()
        .all(|u| u.last_active == SeenDate::Never));
}

#[test]
fn public_helpers_agree_with_the_importer() {
    assert_eq!(
        canonical_account_id(" 712020:0B6F3C51-9D0E-4D57-A3F1-1F6F0B9E2A10\t"),
        "712020:0b6f3c51-9d0e-4d57-a3f1-1f6f0b9e2a10"
    );
    assert!(is_admin_group("Confluence-Admins-acme") && !is_admin_group("confluence-users"));
    assert_eq!(parse_seen("03/01/2024"), SeenDate::Unreadable);
    assert_eq!(parse_seen("Never accessed"), SeenDate::Never);
    assert_eq!(parse_seen("03-Jan-24").iso().as_deref(), Some("2024-01-03"));
}
