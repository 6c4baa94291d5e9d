//! End-to-end imports of the export fixtures (`tests/fixtures/export-*.csv`), checked against
//! their manifests and against what the raw files say; nasty inputs, and the admin and date
//! signals read from the files, are in `roster_import/`.

#[path = "roster_import/nasty.rs"]
mod nasty;
#[path = "roster_import/signals.rs"]
mod signals;

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use offboard::roster::{import_bytes, import_file, Roster, RosterError, RosterUser};
use serde_json::Value;

const CALLER: &str = "5b10ac8d82e05b22cc7d4ef5";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures")).join(name)
}

fn import(name: &str) -> Roster {
    import_file(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn manifest(name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(fixture(name)).unwrap()).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// Every id the manifest lists, by any kind.
fn manifest_ids(m: &Value) -> BTreeSet<String> {
    let mut ids: BTreeSet<String> = ["members", "org_admins", "apps"]
        .iter()
        .flat_map(|k| strings(&m[k]))
        .collect();
    ids.insert(m["caller_id"].as_str().unwrap().to_owned());
    ids
}

fn by_id(roster: &Roster) -> HashMap<&str, &RosterUser> {
    roster
        .users
        .iter()
        .map(|u| (u.account_id.as_str(), u))
        .collect()
}

/// A simple reading of a fixture without quoted delimiters in the first cell: for each data
/// line, (1-based line, first cell trimmed).
fn first_cells(text: &str, delimiter: char) -> Vec<(u64, String)> {
    text.lines()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let cell = l.split(delimiter).next().unwrap();
            (
                i as u64 + 1,
                cell.trim().trim_matches('"').trim().to_owned(),
            )
        })
        .collect()
}

/// Checks ids and lines against the raw text, for the well-formed fixtures.
fn assert_matches_raw(roster: &Roster, text: &str, delimiter: char) {
    let rows = first_cells(text, delimiter);
    let mut first_line: HashMap<&str, u64> = HashMap::new();
    for (line, id) in &rows {
        first_line.entry(id.as_str()).or_insert(*line);
    }
    assert_eq!(roster.summary.rows_read, rows.len() as u64);
    assert_eq!(roster.users.len(), first_line.len());
    assert!(
        roster.summary.skipped.is_empty(),
        "{:?}",
        roster.summary.skipped
    );
    for user in &roster.users {
        assert_eq!(
            first_line.get(user.account_id.as_str()),
            Some(&user.line),
            "{user:?}"
        );
    }
}

#[test]
fn plain_export_matches_its_manifest() {
    let roster = import("export-plain.csv");
    let m = manifest("export-plain.manifest.json");
    let ids: BTreeSet<String> = roster.users.iter().map(|u| u.account_id.clone()).collect();
    assert_eq!(ids, manifest_ids(&m));
    let s = &roster.summary;
    assert_eq!(s.users, m["accounts"].as_u64().unwrap());
    assert_eq!((s.rows_read, s.duplicates_merged), (s.users, 0));
    assert_eq!(
        (s.encoding.as_str(), s.delimiter.as_str()),
        ("UTF-8", "comma")
    );
    assert_eq!(s.key_column, "User id");
    let text = std::fs::read_to_string(fixture("export-plain.csv")).unwrap();
    assert_matches_raw(&roster, &text, ',');

    let users = by_id(&roster);
    for admin in strings(&m["org_admins"]) {
        assert_eq!(users[admin.as_str()].org_role, "Organization admin");
    }
    for member in strings(&m["members"]) {
        assert_eq!(users[member.as_str()].org_role, "", "{member}");
    }
    for inactive in strings(&m["inactive"]) {
        assert_ne!(users[inactive.as_str()].status, "Active", "{inactive}");
    }
    let me = users[CALLER];
    assert_eq!(
        (me.name.as_str(), me.email.as_str()),
        ("Alex Admin", "admin@example.com")
    );
    assert_eq!(
        me.groups,
        ["site-admins", "org-admins", "engineering", "support"]
    );
    assert_eq!(me.group_ids.len(), 4);
    assert_eq!(
        me.last_seen
            .iter()
            .map(|(p, _)| p.as_str())
            .collect::<Vec<_>>(),
        [
            "Jira Service Management - acme",
            "Jira - acme",
            "Confluence - acme"
        ]
    );
    assert!(me
        .products
        .contains(&("Jira - acme".to_owned(), "Product admin".to_owned())));
}

#[test]
fn messy_export_matches_its_manifest() {
    let roster = import("export-messy.csv");
    let m = manifest("export-messy.manifest.json");
    let messy = &m["messy"];
    let ids: BTreeSet<String> = roster.users.iter().map(|u| u.account_id.clone()).collect();
    assert_eq!(ids, manifest_ids(&m));
    let s = &roster.summary;
    let duplicates = strings(&messy["duplicate_ids"]).len() as u64;
    let empty_rows = messy["empty_id_rows"].as_u64().unwrap();
    assert_eq!(s.users, m["accounts"].as_u64().unwrap());
    assert_eq!(s.duplicates_merged, duplicates);
    assert_eq!(s.rows_read, s.users + duplicates + empty_rows);

    // The empty-id row is reported on its own line, naming the column.
    let text = std::fs::read_to_string(fixture("export-messy.csv")).unwrap();
    let ghost_line = text
        .lines()
        .position(|l| l.starts_with(",Ghost Row"))
        .unwrap() as u64
        + 1;
    assert_eq!(s.skipped.len() as u64, empty_rows);
    assert_eq!(s.skipped[0].line, ghost_line);
    assert!(
        s.skipped[0].reason.contains("\"User id\" cell is empty"),
        "{:?}",
        s.skipped
    );

    // Padded ids are trimmed; every user's line is where its id first appears in the file,
    // so the quoted line break earlier does not shift later numbers.
    for padded in strings(&messy["padded_ids"]) {
        assert!(ids.contains(padded.trim()), "{padded:?}");
    }
    for user in &roster.users {
        let line = text
            .lines()
            .position(|l| l.contains(&user.account_id))
            .unwrap() as u64
            + 1;
        assert_eq!(user.line, line, "{}", user.account_id);
    }

    let users = by_id(&roster);
    for (id, name) in [
        ("570d3cf3b3045b382a0caf8c", "Ørjan Ødegård"),
        ("56b44045f9507c8748658079", "José Ñúñez"),
        ("5de89f91844948a86c51ce92", "Zoë Ångström"),
        ("5bf816397d6933b93c1be0d0", "李小龙"),
        ("5996e0d54f4e68e5c85bd78d", "Line\nBreak"),
        ("59868e6d9a508bb1f4c9da65", "Smith, John"),
        (
            "712020:76f87a64-0701-4d82-a186-5506aadbf831",
            "Robert \"Bobby\" Tables",
        ),
        ("5ddd5094eb3435850394b668", "D'Arcy O'Neil"),
    ] {
        assert_eq!(users[id].name, name);
    }
    // A merged duplicate keeps one copy of each group.
    let dup = users["56b44045f9507c8748658079"];
    assert_eq!(
        dup.groups,
        ["confluence-users-acme", "finance", "jira-users-acme"]
    );
}

#[test]
fn one_row_per_group_merges_users_and_unions_groups() {
    let roster = import("export-one-row-per-group.csv");
    let text = std::fs::read_to_string(fixture("export-one-row-per-group.csv")).unwrap();
    assert_matches_raw(&roster, &text, ',');
    let mut expected: HashMap<&str, Vec<&str>> = HashMap::new();
    for line in text.lines().skip(1).filter(|l| !l.is_empty()) {
        let cells: Vec<&str> = line.split(',').collect();
        expected
            .entry(cells[0])
            .or_default()
            .push(cells[cells.len() - 1]);
    }
    let s = &roster.summary;
    assert!(s.duplicates_merged > 0);
    assert_eq!(s.duplicates_merged, s.rows_read - s.users);
    for user in &roster.users {
        assert_eq!(
            user.groups,
            expected[user.account_id.as_str()],
            "{}",
            user.account_id
        );
        assert_eq!(user.group_ids.len(), user.groups.len());
    }
}

#[test]
fn re_saved_variants_read_the_same_as_their_plain_form() {
    let raw = |name: &str| std::fs::read(fixture(name)).unwrap();
    let users = |bytes: &[u8]| import_bytes(bytes).unwrap().users;

    let bom = raw("export-bom.csv");
    let roster = import_bytes(&bom).unwrap();
    assert_eq!(roster.summary.encoding, "UTF-8 with BOM");
    assert_eq!(roster.users, users(&bom[3..]));
    assert_matches_raw(&roster, std::str::from_utf8(&bom[3..]).unwrap(), ',');

    let crlf = raw("export-crlf.csv");
    let roster = import_bytes(&crlf).unwrap();
    let lf = String::from_utf8(crlf).unwrap().replace("\r\n", "\n");
    assert_eq!(roster.users, users(lf.as_bytes()));
    assert_matches_raw(&roster, &lf, ',');

    let semi = String::from_utf8(raw("export-semicolon.csv")).unwrap();
    let roster = import_bytes(semi.as_bytes()).unwrap();
    assert_eq!(roster.summary.delimiter, "semicolon");
    assert_eq!(roster.users, users(semicolon_to_comma(&semi).as_bytes()));
    assert_matches_raw(&roster, &semi, ';');

    let utf16 = raw("export-excel-utf16.csv");
    let roster = import_bytes(&utf16).unwrap();
    assert_eq!(
        (
            roster.summary.encoding.as_str(),
            roster.summary.delimiter.as_str()
        ),
        ("UTF-16 LE", "tab")
    );
    let units: Vec<u16> = utf16[2..]
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let text = String::from_utf16(&units).unwrap();
    assert_eq!(roster.users, users(text.as_bytes()));
    assert_matches_raw(&roster, &text, '\t');

    // Every variant holds the caller with the export's groups.
    for name in [
        "export-bom.csv",
        "export-crlf.csv",
        "export-semicolon.csv",
        "export-excel-utf16.csv",
    ] {
        let roster = import(name);
        let me = by_id(&roster)[CALLER];
        assert_eq!(me.org_role, "Organization admin", "{name}");
        assert!(me.groups.iter().any(|g| g == "site-admins"), "{name}");
    }
}

/// Rewrites an unquoted semicolon file as comma CSV, quoting cells that hold commas.
fn semicolon_to_comma(text: &str) -> String {
    text.lines()
        .map(|line| {
            line.split(';')
                .map(|c| {
                    if c.contains(',') {
                        format!("\"{c}\"")
                    } else {
                        c.to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn messy_export_survives_utf16_and_semicolons() {
    let text = std::fs::read_to_string(fixture("export-messy.csv")).unwrap();
    let reference = import_bytes(text.as_bytes()).unwrap();
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    for bytes in [le, be] {
        let roster = import_bytes(&bytes).unwrap();
        assert_eq!(roster.users, reference.users);
        assert_eq!(roster.summary.skipped, reference.summary.skipped);
    }
}

#[test]
fn older_product_names_are_products() {
    let roster = import("export-older-product-names.csv");
    let text = std::fs::read_to_string(fixture("export-older-product-names.csv")).unwrap();
    assert_matches_raw(&roster, &text, ',');
    let me = by_id(&roster)[CALLER];
    assert_eq!(
        me.products,
        [
            (
                "Jira Software - acme".to_owned(),
                "Product admin".to_owned()
            ),
            ("Confluence - acme".to_owned(), "Product admin".to_owned()),
        ]
    );
    assert_eq!(me.last_seen[0].0, "Jira Software - acme");
    assert!(roster.users.iter().all(|u| u.groups.is_empty()));
}

#[test]
fn managed_accounts_export_uses_atlassian_id() {
    let roster = import("export-managed-accounts.csv");
    assert_eq!(roster.summary.key_column, "Atlassian ID");
    let text = std::fs::read_to_string(fixture("export-managed-accounts.csv")).unwrap();
    let rows = text.lines().skip(1).count() as u64;
    assert_eq!(
        (roster.summary.users, roster.summary.rows_read),
        (rows, rows)
    );
    let users = by_id(&roster);
    let ada = users["712020:5d1f9a20-7c44-4c1b-9e6a-62c0a1d4b8f3"];
    assert_eq!(
        (ada.name.as_str(), ada.email.as_str()),
        ("Ada Ekström", "ada.ekstrom@example.com")
    );
    assert_eq!(ada.products, [("Jira".to_owned(), "acme".to_owned())]);
    let paul = users["5c9e2a41b3f0d2001f6e8a77"];
    assert_eq!(paul.status, "Deactivated");
    assert!(paul.products.is_empty());
    assert_eq!(
        paul.last_seen,
        [("Last active date [UTC]".to_owned(), "2023-11-19".to_owned())]
    );
}

#[test]
fn legacy_export_says_to_export_again() {
    let err = import_file(&fixture("export-legacy-pre2021.csv")).unwrap_err();
    assert!(matches!(err, RosterError::LegacyExport), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("before 2021"), "{message}");
    assert!(message.contains("no account ids"), "{message}");
    assert!(
        message.contains("admin.atlassian.com › Directory › Users › Export users"),
        "{message}"
    );
}

#[test]
fn missing_file_is_a_read_error_naming_it() {
    let path = fixture("roster-does-not-exist.csv");
    let err = import_file(&path).unwrap_err();
    assert!(matches!(err, RosterError::Read { .. }));
    assert!(err.to_string().contains("roster-does-not-exist.csv"));
}
