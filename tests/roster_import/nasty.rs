//! Inputs people will bring by mistake, and inputs nobody should: none may panic.

use std::time::Instant;

use offboard::roster::{import_bytes, Roster, RosterError};

use super::fixture;

const HEADER: &str =
    "User id,User name,email,User status,Added to org,Org role,Jira - acme,Group name";

fn ok(bytes: impl AsRef<[u8]>) -> Roster {
    import_bytes(bytes.as_ref()).unwrap_or_else(|e| panic!("{e}"))
}

fn err(bytes: impl AsRef<[u8]>) -> RosterError {
    import_bytes(bytes.as_ref()).expect_err("should be refused")
}

/// The 1-based line of the first line of `text` containing `marker`.
fn line_of(text: &str, marker: &str) -> u64 {
    text.lines().position(|l| l.contains(marker)).unwrap() as u64 + 1
}

#[test]
fn edge_rows_fixture_reports_every_skip_with_line_and_reason() {
    let text = std::fs::read_to_string(fixture("roster-edge-rows.csv")).unwrap();
    let roster = ok(&text);
    let s = &roster.summary;
    assert_eq!(
        (s.delimiter.as_str(), s.key_column.as_str()),
        ("semicolon", "USER_ID")
    );
    let skipped: Vec<(u64, &str)> = s
        .skipped
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    let expect = [
        (
            "inner-space",
            "\"5ddd5094 eb3435850394b668\" has a space inside it",
        ),
        ("email-id", "\"someone@example.com\" is an email address"),
        ("excel-number", "spreadsheet turned into a number"),
        ("long-id", "longer than 128 characters"),
        ("extra-cell", "this row has 9 cells but the header has 8"),
        ("short-row", "this row has 3 cells but the header has 8"),
    ];
    assert_eq!(skipped.len(), expect.len(), "{skipped:#?}");
    for ((line, reason), (marker, words)) in skipped.iter().zip(expect) {
        assert_eq!(*line, line_of(&text, marker), "{reason}");
        assert!(reason.contains(words), "{reason:?} lacks {words:?}");
    }
    // The long id is shown cut short.
    assert!(skipped[3].1.contains('…') && skipped[3].1.len() < 250);

    // Blank and delimiter-only lines are not rows; the two Paul rows merge.
    assert_eq!(s.rows_read, 10);
    assert_eq!((s.users, s.duplicates_merged), (3, 1));
    let paul = roster
        .users
        .iter()
        .find(|u| u.name == "Paul Meyer")
        .unwrap();
    assert_eq!(
        (paul.email.as_str(), paul.status.as_str()),
        ("paul@example.com", "Active")
    );
    assert_eq!(paul.line, line_of(&text, "first-paul"));
    assert_eq!(paul.groups, ["support", "contractors"]);
    assert!(paul
        .products
        .contains(&("Jira - acme".into(), "User".into())));
    let alex = &roster.users[0];
    assert_eq!(alex.org_role, "Organization admin");
    assert!(alex.products.contains(&("Notes".into(), "caller".into())));
}

#[test]
fn whole_file_problems_are_errors() {
    assert!(matches!(err(b""), RosterError::Empty));
    assert!(matches!(err(b"\xEF\xBB\xBF"), RosterError::Empty));
    assert!(matches!(err([0xFF, 0xFE]), RosterError::Empty));
    assert!(matches!(err("\n \r\n\t\n"), RosterError::NoHeader));
    assert!(matches!(err(",,,\n,,,\n"), RosterError::NoHeader));
    assert!(matches!(err(";;;;\r\n;;;;\r\n"), RosterError::NoHeader));
    assert!(matches!(
        err(b"PK\x03\x04\x14\x00\x06\x00rest"),
        RosterError::Spreadsheet
    ));
    assert!(matches!(err(b"User id,Na\x00me\n"), RosterError::NotText));
    assert!(matches!(err("User id,\u{7}bell\n"), RosterError::NotText));
    let data_first = "\n5b10ac8d82e05b22cc7d4ef5,Alex\n";
    assert!(matches!(
        err(data_first),
        RosterError::HeaderIsData { line: 2 }
    ));
    let message = err("Name,Email\nAnn,ann@example.com\n").to_string();
    assert!(message.contains("\"Name\", \"Email\""), "{message}");
    assert!(message.contains("Export users"), "{message}");
}

#[test]
fn a_header_with_no_valid_rows_is_an_empty_roster() {
    let roster = ok(format!("{HEADER}\r\n"));
    assert_eq!(roster.summary.rows_read, 0);
    assert!(roster.users.is_empty());
    let roster = ok(format!("{HEADER}\n,a,,,,,,\nnot-an-id,b,,,,,,\n"));
    assert!(roster.users.is_empty());
    let lines: Vec<u64> = roster.summary.skipped.iter().map(|s| s.line).collect();
    assert_eq!(lines, [2, 3]);
}

#[test]
fn unclosed_quote_swallows_the_rest_into_one_skipped_row() {
    let text = format!(
        "{HEADER}\n5b10ac8d82e05b22cc7d4ef5,\"Alex,a@x,Active,,,,\n5c9e2a41b3f0d2001f6e8a77,Paul,p@x,Active,,,,\n"
    );
    let roster = ok(text);
    assert!(roster.users.is_empty());
    assert_eq!(roster.summary.skipped.len(), 1);
    assert_eq!(roster.summary.skipped[0].line, 2);
}

#[test]
fn truncated_utf16_is_refused_or_read_without_panic() {
    let bytes = std::fs::read(fixture("export-excel-utf16.csv")).unwrap();
    assert!(matches!(
        err(&bytes[..bytes.len() - 1]),
        RosterError::InvalidUtf16 {
            encoding: "UTF-16 LE"
        }
    ));
    // Cut on a code-unit boundary inside the last row's name: that row is skipped (too few
    // cells), the rest imported.
    let full = ok(&bytes);
    let units: Vec<u16> = bytes[2..]
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let text = String::from_utf16(&units).unwrap();
    let last_row = text.trim_end().rfind('\n').unwrap() + 1;
    let cut_at = 2 + 2 * text[..last_row + 30].encode_utf16().count();
    let cut = ok(&bytes[..cut_at]);
    assert_eq!(cut.users.len() + 1, full.users.len());
    assert_eq!(cut.summary.skipped.len(), 1);
}

#[test]
fn old_mac_line_endings_and_windows_1252() {
    let roster = ok(format!(
        "{HEADER}\r5b10ac8d82e05b22cc7d4ef5,J\u{f6}rg,,,,,,\r"
    ));
    assert_eq!(roster.users[0].name, "Jörg");
    assert_eq!(roster.users[0].line, 2);
    let mut latin = format!("{HEADER}\n5b10ac8d82e05b22cc7d4ef5,J").into_bytes();
    latin.extend(b"\xF6rg \x80,,,,,,\n");
    let roster = ok(latin);
    assert_eq!(roster.summary.encoding, "Windows-1252");
    assert_eq!(roster.users[0].name, "Jörg €");
}

#[test]
fn huge_cells_and_ten_thousand_columns() {
    let big_name = "N".repeat(8 << 20);
    let roster = ok(format!(
        "{HEADER}\n5b10ac8d82e05b22cc7d4ef5,{big_name},,,,,,\n"
    ));
    assert_eq!(roster.users[0].name.len(), big_name.len());

    let mut header = String::from("User id");
    let mut row = String::from("5b10ac8d82e05b22cc7d4ef5");
    for i in 0..10_000 {
        header.push_str(&format!(",Product {i}"));
        row.push_str(if i % 2 == 0 { ",User" } else { "," });
    }
    let roster = ok(format!("{header}\n{row}\n{row}\n"));
    assert_eq!(roster.users[0].products.len(), 5_000);
    assert_eq!(roster.summary.duplicates_merged, 1);
}

/// A small deterministic generator, so a failure replays exactly.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn random_and_mutated_bytes_never_panic() {
    let alphabet = b",;\t\"\r\n :-abcdef0123456789\xEF\xBB\xBF\xFF\xFE\x00\xC3\xA9";
    let mut rng = Lcg(7);
    for _ in 0..3000 {
        let len = (rng.next() % 200) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|_| match rng.next() % 4 {
                0 => rng.next() as u8,
                _ => alphabet[(rng.next() as usize) % alphabet.len()],
            })
            .collect();
        if let Ok(roster) = import_bytes(&bytes) {
            assert!(roster.summary.users <= roster.summary.rows_read);
        }
    }
    let plain = std::fs::read(fixture("export-messy.csv")).unwrap();
    for _ in 0..300 {
        let mut bytes = plain.clone();
        for _ in 0..1 + rng.next() % 8 {
            let at = (rng.next() as usize) % bytes.len();
            bytes[at] = alphabet[(rng.next() as usize) % alphabet.len()];
        }
        if let Ok(roster) = import_bytes(&bytes) {
            let s = &roster.summary;
            assert_eq!(
                s.users + s.duplicates_merged + s.skipped.len() as u64,
                s.rows_read
            );
        }
    }
}

#[test]
fn hundred_thousand_rows_import() {
    const USERS: usize = 100_000;
    let mut text = String::from(
        "User id,User name,email,User status,Added to org,Org role,Last seen in Jira - acme,\
         Last seen in Confluence - acme,Jira - acme,Confluence - acme,Group id,Group name\n",
    );
    for i in 0..USERS {
        text.push_str(&format!(
            "712020:{i:08x}-0000-4000-8000-{i:012x},User {i},user{i}@example.com,Active,3 Jan 2024,,\
             Never accessed,4 Feb 2025,User,User,\"g-1, g-{}\",\"staff, team-{}\"\n",
            i % 50,
            i % 50
        ));
    }
    // Every tenth user repeats on a second row.
    for i in (0..USERS).step_by(10) {
        text.push_str(&format!(
            "712020:{i:08x}-0000-4000-8000-{i:012x},,,,,,,,,,g-x,extra\n"
        ));
    }
    let started = Instant::now();
    let roster = ok(&text);
    eprintln!(
        "imported {} MB, {USERS} users in {:?}",
        text.len() >> 20,
        started.elapsed()
    );
    let s = &roster.summary;
    assert_eq!(
        (s.users, s.duplicates_merged),
        (USERS as u64, USERS as u64 / 10)
    );
    assert_eq!(roster.users[10].groups, ["staff", "team-10", "extra"]);
    assert_eq!(roster.users[11].groups, ["staff", "team-11"]);
}
