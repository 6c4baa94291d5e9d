//! Bad and odd input files (issue 4: R3) through the importer and the real `offboard` binary
//! against the practice site: never a panic, a clear message for every refused file, never a
//! request to the site for a file with no valid user, and a results file whose cells from the
//! input cannot run as spreadsheet formulas.
//!
//! The corpus is `tests/fixtures/bad/` (small files, including crash inputs promoted from
//! `fuzz/`); the big ones (10,000 columns, 1 MB cells, long lines) are written here into a temp
//! folder rather than committed.

mod common;

use common::*;
use offboard::practice::PracticeConfig;
use offboard::roster::import_bytes;
use std::path::{Path, PathBuf};

/// What a file must do.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Refused before any request; the message contains these words.
    Refused(&'static str),
    /// Imported with this many users (bad rows skipped with a reason).
    Users(usize),
}
use Expect::{Refused, Users};

const NO_USER: &str = "no user with a valid account id";
const NOT_TEXT: &str = "not a text (CSV) file";
const DAMAGED: &str = "damaged or cut short";
const WORKBOOK: &str = "spreadsheet workbook";
const NO_ID_COLUMN: &str = "no \"User id\" or \"Atlassian ID\" column";

/// Every committed file and what it must do; a file in the folder but not here fails the test.
const CORPUS: &[(&str, Expect)] = &[
    ("empty.csv", Refused("The file is empty")),
    ("bom-only.csv", Refused("The file is empty")),
    ("blank-lines-only.csv", Refused("no header row")),
    ("header-only.csv", Refused(NO_USER)),
    ("header-only-bom.csv", Refused(NO_USER)),
    ("header-only-utf16le-bom.csv", Refused(NO_USER)),
    ("header-only-no-newline.csv", Refused(NO_USER)),
    ("only-delimiters.csv", Refused(NO_ID_COLUMN)),
    ("utf16le-odd-byte-count.csv", Refused(DAMAGED)),
    ("utf16le-cut-mid-surrogate.csv", Refused(DAMAGED)),
    ("utf16le-cut-mid-surrogate-odd.csv", Refused(DAMAGED)),
    ("utf16be-odd-byte-count.csv", Refused(DAMAGED)),
    ("utf16le-no-bom-odd-byte-count.csv", Refused(DAMAGED)),
    ("utf16le-lone-low-surrogate.csv", Refused(DAMAGED)),
    ("image.png.csv", Refused(NOT_TEXT)),
    ("zipped-export.csv", Refused(WORKBOOK)),
    ("workbook.xlsx.csv", Refused(WORKBOOK)),
    ("legacy-xls.csv", Refused(WORKBOOK)),
    ("gzip.csv.gz", Refused(NOT_TEXT)),
    ("elf-binary.csv", Refused(NOT_TEXT)),
    ("nul-in-cell.csv", Refused(NOT_TEXT)),
    ("nul-after-sniff-window.csv", Users(3)),
    ("control-chars-in-header.csv", Refused(NOT_TEXT)),
    ("mixed-delimiters.csv", Refused(NO_USER)),
    ("mixed-delimiters-some-good.csv", Users(1)),
    ("sep-line-lies.csv", Refused(NO_ID_COLUMN)),
    ("sep-line-only.csv", Refused("no header row")),
    ("sep-line-tab-lies.csv", Refused(NO_ID_COLUMN)),
    ("formulas-in-names-and-emails.csv", Users(4)),
    ("formula-as-id.csv", Refused(NO_USER)),
    ("ids-with-spaces.csv", Refused(NO_USER)),
    ("ids-wrong-shape.csv", Refused(NO_USER)),
    ("id-cell-empty.csv", Refused(NO_USER)),
    ("unterminated-quote.csv", Refused(NO_USER)),
    ("unterminated-quote-after-good-rows.csv", Users(2)),
    ("quote-inside-unquoted-cell.csv", Users(1)),
    ("unterminated-quote-in-header.csv", Refused(NO_USER)),
    ("cr-only-line-endings.csv", Users(2)),
    ("mixed-line-endings.csv", Users(3)),
    ("duplicate-header-columns.csv", Users(1)),
    ("no-account-id-column.csv", Refused(NO_ID_COLUMN)),
    ("header-is-data.csv", Refused("the header row")),
    ("legacy-export.csv", Refused("before 2021")),
    ("html-login-page.csv", Refused(NO_ID_COLUMN)),
    ("json-instead-of-csv.csv", Refused(NO_ID_COLUMN)),
    ("rows-wider-and-narrower-than-header.csv", Refused(NO_USER)),
    ("latin1-names.csv", Users(2)),
    ("invalid-utf8-after-bom.csv", Users(1)),
    ("bidi-and-zero-width-in-cells.csv", Users(1)),
];

const HEADER: &str = "User id,User name,email,User status,Added to org,Org role";
const ID_A: &str = "712020:0b5e3c1a-8f2d-4e6b-9a71-3c2d1e0f4a51";
const ID_B: &str = "5b10ac8d82e05b22cc7d4ef5";

/// The big files, written into `dir`: (path, expectation).
fn generated(dir: &Path) -> Vec<(PathBuf, Expect)> {
    const MB: usize = 1024 * 1024;
    let extra: String = (6..10_000).map(|i| format!(",Column {i}")).collect();
    let filler = ",x".repeat(10_000 - 6);
    let row = |id: &str, name: &str| format!("{id},{name},u@example.com,Active,3 Jan 2024,");
    let files: Vec<(&str, String, Expect)> = vec![
        (
            "ten-thousand-columns.csv",
            format!(
                "{HEADER}{extra}\n{}{filler}\n{}{filler}\n",
                row(ID_A, "Wide A"),
                row(ID_B, "Wide B")
            ),
            Users(2),
        ),
        (
            "ten-thousand-columns-header-only.csv",
            format!("{HEADER}{extra}\n"),
            Refused(NO_USER),
        ),
        (
            "one-megabyte-name-cell.csv",
            format!("{HEADER}\n{}\n", row(ID_A, &"N".repeat(MB))),
            Users(1),
        ),
        (
            "one-megabyte-id-cell.csv",
            format!("{HEADER}\n{}\n", row(&"5".repeat(MB), "Long Id")),
            Refused(NO_USER),
        ),
        (
            "one-megabyte-unterminated-quoted-cell.csv",
            format!("{HEADER}\n{ID_A},\"{}\n", "q,\n".repeat(MB / 3)),
            Refused(NO_USER),
        ),
        (
            "one-megabyte-header-cell.csv",
            format!("User id,{}\n{ID_A},x\n", "H".repeat(MB)),
            Users(1),
        ),
        (
            "very-long-line-of-delimiters.csv",
            format!("{HEADER}\n{ID_A}{}\n", ",".repeat(2 * MB)),
            Refused(NO_USER),
        ),
        (
            "hundred-thousand-blank-lines-first.csv",
            format!("{}{HEADER}\n{}\n", "\n".repeat(100_000), row(ID_B, "Late")),
            Users(1),
        ),
    ];
    files
        .into_iter()
        .map(|(name, text, expect)| {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            (path, expect)
        })
        .collect()
}

fn bad_dir() -> PathBuf {
    fixture("bad")
}

/// Every corpus file (committed and generated) with its expectation.
fn corpus(tmp: &Path) -> Vec<(PathBuf, Expect)> {
    let mut listed: Vec<String> = std::fs::read_dir(bad_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    listed.sort();
    let mut known: Vec<String> = CORPUS.iter().map(|(n, _)| n.to_string()).collect();
    known.sort();
    assert_eq!(
        listed, known,
        "tests/fixtures/bad and CORPUS must list the same files"
    );
    let mut all: Vec<_> = CORPUS
        .iter()
        .map(|(name, expect)| (bad_dir().join(name), *expect))
        .collect();
    all.extend(generated(tmp));
    assert!(all.len() >= 30, "the corpus has {} files", all.len());
    all
}

/// The importer's answer in words, for failure messages.
fn imported(bytes: &[u8]) -> Result<usize, String> {
    match import_bytes(bytes) {
        Ok(r) => Ok(r.users.len()),
        Err(e) => Err(e.to_string()),
    }
}

#[test]
fn the_importer_never_panics_and_does_what_each_file_expects() {
    let tmp = tempfile::tempdir().unwrap();
    let mut wrong = vec![];
    for (path, expect) in corpus(tmp.path()) {
        let bytes = std::fs::read(&path).unwrap();
        let got = std::panic::catch_unwind(|| imported(&bytes));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let ok = match (&got, expect) {
            (Err(_), _) => false,
            (Ok(Ok(n)), Users(want)) => *n == want,
            (Ok(Err(message)), Refused(needle)) => message.contains(needle),
            // Zero users is refused by the CLI, not the importer.
            (Ok(Ok(0)), Refused(NO_USER)) => true,
            _ => false,
        };
        if !ok {
            wrong.push(format!("{name}: expected {expect:?}, got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_never_panics_and_never_asks_the_site_about_a_file_without_users() {
    let setup = Setup::start(PracticeConfig::generated(10, 41)).await;
    let mut wrong = vec![];
    for (path, expect) in corpus(setup.tmp.path()) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // Refused files also get a real run: --yes must not send anything either.
        let modes: &[&str] = match expect {
            Refused(_) => &["--dry-run", "--yes"],
            Users(_) => &["--dry-run"],
        };
        for mode in modes {
            let before = setup.site.record().len();
            let mut cmd = setup.cmd();
            cmd.args(["delete", "--site", &setup.site.url(), "--email"])
                .arg(&setup.config.admin_email)
                .arg("--csv")
                .arg(&path)
                .arg("--journal-dir")
                .arg(setup.journal_dir())
                .arg(mode);
            let out = run(cmd).await;
            let (stdout, stderr) = texts(&out);
            let code = out.status.code();
            let sent = &setup.site.record()[before..];
            let problem = if stderr.contains("panicked") || !matches!(code, Some(0..=2)) {
                Some("panicked or an unexpected exit".to_owned())
            } else {
                match expect {
                    Refused(_) if code != Some(2) => Some(format!("exit {code:?}, not 2")),
                    Refused(needle)
                        if !stderr.contains("offboard: ") || !stderr.contains(needle) =>
                    {
                        Some(format!("no clear message with {needle:?}"))
                    }
                    Refused(_) if !sent.is_empty() => Some(format!("{} requests sent", sent.len())),
                    Users(_) if code != Some(0) => Some(format!("exit {code:?}, not 0")),
                    Users(n) if !stderr.contains(&format!(" rows, {n} users,")) => {
                        Some(format!("the import summary does not say {n} users"))
                    }
                    Users(_) if sent.iter().any(|r| r.method == "DELETE") => {
                        Some("a dry run sent a DELETE".to_owned())
                    }
                    _ => None,
                }
            };
            if let Some(problem) = problem {
                let tail = |s: &str| {
                    s.chars()
                        .rev()
                        .take(600)
                        .collect::<Vec<_>>()
                        .into_iter()
                        .rev()
                        .collect::<String>()
                };
                wrong.push(format!(
                    "{name} {mode}: {problem}\n  stdout: {}\n  stderr: {}",
                    tail(&stdout),
                    tail(&stderr)
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
    assert!(!setup.journal_dir().exists(), "no run was created");
}

/// Input cells a spreadsheet would run as formulas.
const FORMULAS: [&str; 5] = [
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "=HYPERLINK(\"http://evil.example/\",\"click\")",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_results_file_neutralises_formulas_that_came_from_the_input() {
    let mut config = PracticeConfig::generated(12, 42);
    let caller = config.caller_account_id.clone();
    // The site's admins are protected by the live check: plant the formulas on removable people.
    let admins = config.site_admins.clone();
    let mut planted = vec![];
    for (i, user) in config
        .users
        .iter_mut()
        .filter(|u| u.account_id != caller && u.account_type != "app")
        .filter(|u| !admins.contains(&u.account_id))
        .take(FORMULAS.len())
        .enumerate()
    {
        user.display_name = FORMULAS[i].to_owned();
        // Emails too: `-` and `@` are plausible first characters of what a person typed.
        user.email = Some(format!(
            "{}@example.com",
            FORMULAS[(i + 1) % FORMULAS.len()]
        ));
        planted.push(user.account_id.clone());
    }
    assert_eq!(planted.len(), FORMULAS.len());
    let setup = Setup::start(config).await;
    let results_file = setup.tmp.path().join("results.csv");
    let out = run(setup.delete_cmd(&["--yes", "--results", results_file.to_str().unwrap()])).await;
    assert_eq!(out.status.code(), Some(0), "{}", texts(&out).1);
    for id in &planted {
        assert!(
            !setup.site.exists(id),
            "{id} was removed despite its odd name"
        );
    }
    let mut reader = csv::Reader::from_path(&results_file).unwrap();
    let mut seen = 0;
    for record in reader.records() {
        let record = record.unwrap();
        // No cell of any row, planted or not, may start a formula.
        for cell in record.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "cell {cell:?} would run as a formula"
            );
        }
        if planted.iter().any(|id| id == &record[0]) {
            seen += 1;
            for cell in [&record[1], &record[2]] {
                assert!(cell.starts_with('\''), "{cell:?} is not neutralised");
                let original = &cell[1..];
                assert!(
                    FORMULAS.iter().any(|f| original.starts_with(f)),
                    "{cell:?} lost its text"
                );
            }
        }
    }
    assert_eq!(seen, planted.len());
}
