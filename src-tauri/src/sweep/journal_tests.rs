//! The journal under failed writes and damaged files.

use super::writer::{Cut, FaultyWriter};
use super::*;
use crate::sweep::outcome::Outcome;
use crate::sweep::plan::PlanRow;
use crate::sweep::runs::Run;
use std::cell::RefCell;

thread_local! {
    /// Each folder synced on this thread, with the names it held then.
    static DIR_SYNCS: RefCell<Vec<(PathBuf, Vec<String>)>> = const { RefCell::new(Vec::new()) };
}

/// Called by `sync_dir` in tests, so a test can see which entries a sync made durable.
pub(super) fn note_dir_sync(dir: &Path) {
    let names = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    DIR_SYNCS.with(|s| s.borrow_mut().push((dir.to_path_buf(), names)));
}

fn intent(row: usize) -> Record {
    Record::Intent {
        row,
        attempt: 1,
        at: "t".into(),
    }
}

fn outcome(row: usize) -> Record {
    Record::Outcome(RowOutcome {
        row,
        account_id: format!("id{row}"),
        outcome: Outcome::Removed,
        http_status: Some(204),
        message: String::new(),
        finished_at: "t".into(),
        may_have_applied: false,
    })
}

/// A journal in `dir` whose writer fails line `lines_before + 1` as `cut` says, then recovers
/// (so only the journal's own refusal keeps later records out).
fn faulty(dir: &Path, lines_before: u64, cut: Cut) -> Journal {
    let writer = FaultyWriter::new(lines_before, cut, true);
    Journal::open_with(dir, Box::new(writer)).unwrap().0
}

fn journal_bytes(dir: &Path) -> Vec<u8> {
    std::fs::read(dir.join(JOURNAL_FILE)).unwrap()
}

#[test]
fn a_short_write_is_cut_back_to_the_last_whole_record() {
    let dir = tempfile::tempdir().unwrap();
    let j = faulty(dir.path(), 2, Cut::Bytes(10));
    j.append(&intent(0)).unwrap();
    j.append(&outcome(0)).unwrap();
    let good = journal_bytes(dir.path());
    let err = j.append(&intent(1)).unwrap_err();
    assert!(matches!(err, SweepError::Journal { .. }), "{err}");
    assert!(err.to_string().contains("no space left"), "{err}");
    assert_eq!(
        journal_bytes(dir.path()),
        good,
        "the 10 bytes written are cut off"
    );
    drop(j);
    let (_, state) = Journal::open(dir.path()).unwrap();
    assert_eq!(state.decided.keys().copied().collect::<Vec<_>>(), [0]);
}

#[test]
fn after_a_failed_append_every_later_append_is_refused_unwritten() {
    for cut in [Cut::Half, Cut::Bytes(0)] {
        let dir = tempfile::tempdir().unwrap();
        let j = faulty(dir.path(), 1, cut);
        j.append(&intent(0)).unwrap();
        assert!(j.append(&outcome(0)).is_err(), "{cut:?}");
        let after_failure = journal_bytes(dir.path());
        // The writer works again, as a drive that comes back would: the journal still refuses.
        for record in [intent(1), outcome(1)] {
            let err = j.append(&record).unwrap_err();
            assert!(err.to_string().contains("an earlier write failed"), "{err}");
        }
        assert_eq!(journal_bytes(dir.path()), after_failure, "{cut:?}");
        drop(j);
        let (_, state) = Journal::open(dir.path()).unwrap();
        assert!(state.decided.is_empty(), "{cut:?}");
        assert_eq!(state.in_doubt.iter().copied().collect::<Vec<_>>(), [0]);
    }
}

#[test]
fn a_torn_last_line_is_dropped_on_open() {
    // Cut short by a crash, or whole but unreadable (a block of zeros after a power cut).
    for tail in [&br#"{"type":"outcome","row":1,"acc"#[..], b"\0\0\0\0\n"] {
        let dir = tempfile::tempdir().unwrap();
        {
            let (j, _) = Journal::open(dir.path()).unwrap();
            for r in [intent(0), outcome(0), intent(1)] {
                j.append(&r).unwrap();
            }
        }
        let good = journal_bytes(dir.path());
        let mut bytes = good.clone();
        bytes.extend_from_slice(tail);
        std::fs::write(dir.path().join(JOURNAL_FILE), &bytes).unwrap();
        assert_eq!(read_state(dir.path()).unwrap().decided.len(), 1);

        let (j, state) = Journal::open(dir.path()).unwrap();
        assert_eq!(state.decided.keys().copied().collect::<Vec<_>>(), [0]);
        assert_eq!(state.in_doubt.iter().copied().collect::<Vec<_>>(), [1]);
        assert_eq!(journal_bytes(dir.path()), good, "torn line dropped");
        j.append(&outcome(1)).unwrap();
        drop(j);
        assert_eq!(read_state(dir.path()).unwrap().decided.len(), 2);
    }
}

#[test]
fn a_damaged_middle_line_is_refused_and_the_file_left_as_is() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (j, _) = Journal::open(dir.path()).unwrap();
        for r in [intent(0), outcome(0)] {
            j.append(&r).unwrap();
        }
    }
    // A record glued onto a torn one, then more records: what a write after a short write made.
    let mut bytes = journal_bytes(dir.path());
    let glued = serde_json::to_vec(&outcome(1)).unwrap();
    bytes.extend_from_slice(br#"{"type":"intent","row":1,"#);
    bytes.extend_from_slice(&glued);
    bytes.push(b'\n');
    for r in [intent(2), outcome(2)] {
        bytes.extend_from_slice(&serde_json::to_vec(&r).unwrap());
        bytes.push(b'\n');
    }
    let path = dir.path().join(JOURNAL_FILE);
    std::fs::write(&path, &bytes).unwrap();

    let err = Journal::open(dir.path()).unwrap_err();
    assert!(
        matches!(err, SweepError::JournalDamaged { line: 3, .. }),
        "{err}"
    );
    let words = err.to_string();
    for part in [
        "damaged at line 3",
        "Keep the run's folder",
        "contact support",
        "new run",
    ] {
        assert!(words.contains(part), "{part:?} in {words}");
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "nothing changed on disk"
    );
    assert!(matches!(
        read_state(dir.path()),
        Err(SweepError::JournalDamaged { line: 3, .. })
    ));
}

#[test]
fn a_new_run_folder_is_synced_once_its_plan_and_journal_exist() {
    let tmp = tempfile::tempdir().unwrap();
    let runs_dir = tmp.path().join("runs");
    let row = PlanRow {
        account_id: "a".into(),
        ..PlanRow::default()
    };
    DIR_SYNCS.with(|s| s.borrow_mut().clear());
    let run = Run::create(&runs_dir, Plan::new("s", "e", [row])).unwrap();
    let syncs = DIR_SYNCS.with(|s| s.borrow().clone());
    let synced_with = |dir: &Path, names: &[&str]| {
        syncs
            .iter()
            .any(|(d, held)| d == dir && names.iter().all(|n| held.iter().any(|h| h == n)))
    };
    assert!(
        synced_with(&run.dir, &[PLAN_FILE, JOURNAL_FILE]),
        "{syncs:?}"
    );
    assert!(synced_with(&runs_dir, &[&run.plan.run_id]), "{syncs:?}");
    #[cfg(unix)]
    assert!(
        sync_dir(&tmp.path().join("missing")).is_err(),
        "the folder itself is opened and synced"
    );
}
