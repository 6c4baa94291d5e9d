//! What the runs folder holds, for the About box and `offboard runs`: Offboard never deletes a
//! run (its plan, journal and results are the admin's proof of what was done), so the admin is
//! shown how many there are, their size and the oldest. Reads folder entries and sizes only, never
//! a plan or a journal, so hundreds of runs of 100,000 rows cost milliseconds.

use super::journal::PLAN_FILE;
use std::path::{Path, PathBuf};
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

/// The runs kept in a runs folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunsKept {
    /// The runs folder.
    pub folder: PathBuf,
    /// Run folders in it (those with a plan).
    pub runs: usize,
    /// Bytes of every file in those folders.
    pub bytes: u64,
    /// When the oldest run was planned (UTC), if there is one.
    pub oldest: Option<OffsetDateTime>,
}

/// Counts the runs under `runs_dir` (none when it does not exist yet).
pub fn runs_kept(runs_dir: &Path) -> RunsKept {
    let mut kept = RunsKept {
        folder: runs_dir.to_path_buf(),
        runs: 0,
        bytes: 0,
        oldest: None,
    };
    let Ok(entries) = std::fs::read_dir(runs_dir) else {
        return kept;
    };
    for dir in entries.flatten().map(|e| e.path()) {
        let Ok(plan) = std::fs::metadata(dir.join(PLAN_FILE)) else {
            continue;
        };
        kept.runs += 1;
        kept.bytes += folder_bytes(&dir);
        let planned = dir
            .file_name()
            .and_then(|n| planned_at(&n.to_string_lossy()))
            .or_else(|| plan.modified().ok().map(OffsetDateTime::from));
        if let Some(at) = planned {
            kept.oldest = Some(kept.oldest.map_or(at, |o| o.min(at)));
        }
    }
    kept
}

/// Bytes of the files in `dir` and its sub-folders; links are counted as themselves, not
/// followed.
fn folder_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter_map(|e| Some((e.path(), e.metadata().ok()?)))
        .map(|(path, meta)| match meta.is_dir() {
            true => folder_bytes(&path),
            false => meta.len(),
        })
        .sum()
}

/// When a run was planned, from its id (`20261201-235949-df2cc3`: the UTC time, then a suffix).
fn planned_at(run_id: &str) -> Option<OffsetDateTime> {
    let stamp = run_id.get(..15)?;
    PrimitiveDateTime::parse(
        stamp,
        format_description!("[year][month][day]-[hour][minute][second]"),
    )
    .ok()
    .map(PrimitiveDateTime::assume_utc)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A day as the page writes it: `3 Mar 2026`.
fn day(at: OffsetDateTime) -> String {
    let month = MONTHS[usize::from(u8::from(at.month())) - 1];
    format!("{} {month} {}", at.day(), at.year())
}

/// A file size in words: `812 bytes`, `14 KB`, `3.4 MB`, `1.2 GB` (1 KB = 1,024 bytes, as the
/// log's limit is counted).
pub fn size_words(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    let one = |x: f64, unit: &str| {
        let text = format!("{x:.1}");
        format!("{} {unit}", text.strip_suffix(".0").unwrap_or(&text))
    };
    match b {
        _ if b < KB => format!("{bytes} bytes"),
        _ if b < KB * KB => format!("{:.0} KB", b / KB),
        _ if b < KB * KB * KB => one(b / (KB * KB), "MB"),
        _ => one(b / (KB * KB * KB), "GB"),
    }
}

impl RunsKept {
    /// `3 runs, 1.2 MB in all, the oldest from 3 Mar 2026`, or `No runs yet`.
    fn counted(&self) -> String {
        let runs = match self.runs {
            0 => return "No runs yet".to_owned(),
            1 => "1 run".to_owned(),
            n => format!("{n} runs"),
        };
        let oldest = match (self.runs, self.oldest) {
            (1, Some(at)) => format!(", made on {}", day(at)),
            (_, Some(at)) => format!(", the oldest from {}", day(at)),
            (_, None) => String::new(),
        };
        format!("{runs}, {} in all{oldest}", size_words(self.bytes))
    }

    /// The About box's words: what is there, and that it stays until the admin deletes it.
    pub fn words(&self) -> String {
        format!(
            "{}. Offboard never deletes a run: each run's plan, journal and results stay in this \
             folder as your record of what was done, until you delete them yourself.",
            self.counted()
        )
    }

    /// The footer of `offboard runs`: one line with the same facts.
    pub fn line(&self) -> String {
        format!(
            "{}, in {}: kept until you delete them.",
            self.counted(),
            self.folder.display()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    /// A run folder named `id` with files of these sizes (the first is plan.json).
    fn fake_run(runs: &Path, id: &str, sizes: &[usize]) {
        let dir = runs.join(id);
        std::fs::create_dir_all(&dir).unwrap();
        for (i, size) in sizes.iter().enumerate() {
            let name = if i == 0 {
                PLAN_FILE.to_owned()
            } else {
                format!("f{i}")
            };
            std::fs::write(dir.join(name), vec![b'x'; *size]).unwrap();
        }
    }

    #[test]
    fn runs_are_counted_with_their_size_and_the_oldest_date() {
        let tmp = tempfile::tempdir().unwrap();
        let runs = tmp.path().join("runs");
        fake_run(&runs, "20261201-235949-df2cc3", &[100, 2000, 30]);
        fake_run(&runs, "20250302-101500-aaaaaa", &[1000, 24]);
        fake_run(&runs, "20260115-080000-bbbbbb", &[1]);
        // Not runs: a folder without a plan, and a loose file.
        std::fs::create_dir_all(runs.join("not-a-run")).unwrap();
        std::fs::write(runs.join("not-a-run").join("journal.jsonl"), [0; 500]).unwrap();
        std::fs::write(runs.join("notes.txt"), [0; 700]).unwrap();
        // A sub-folder inside a run counts.
        std::fs::create_dir_all(runs.join("20260115-080000-bbbbbb").join("extra")).unwrap();
        std::fs::write(
            runs.join("20260115-080000-bbbbbb").join("extra").join("x"),
            [0; 9],
        )
        .unwrap();

        let kept = runs_kept(&runs);
        assert_eq!(kept.runs, 3);
        assert_eq!(kept.bytes, 100 + 2000 + 30 + 1000 + 24 + 1 + 9);
        assert_eq!(kept.oldest, Some(datetime!(2025-03-02 10:15:00 UTC)));
        assert_eq!(
            kept.words(),
            "3 runs, 3 KB in all, the oldest from 2 Mar 2025. Offboard never deletes a run: each \
             run's plan, journal and results stay in this folder as your record of what was \
             done, until you delete them yourself."
        );
        assert_eq!(
            kept.line(),
            format!(
                "3 runs, 3 KB in all, the oldest from 2 Mar 2025, in {}: kept until you delete them.",
                runs.display()
            )
        );
    }

    #[test]
    fn a_run_whose_id_is_not_a_date_is_dated_by_its_plan_file() {
        let tmp = tempfile::tempdir().unwrap();
        fake_run(tmp.path(), "renamed-by-hand", &[10]);
        let kept = runs_kept(tmp.path());
        assert_eq!(kept.runs, 1);
        let age = OffsetDateTime::now_utc() - kept.oldest.unwrap();
        assert!(age.whole_minutes().abs() < 10, "{age}");
        assert!(kept.words().starts_with("1 run, 10 bytes in all, made on "));
    }

    #[test]
    fn no_folder_yet_is_no_runs() {
        let tmp = tempfile::tempdir().unwrap();
        let kept = runs_kept(&tmp.path().join("runs"));
        assert_eq!((kept.runs, kept.bytes, kept.oldest), (0, 0, None));
        assert!(kept
            .words()
            .starts_with("No runs yet. Offboard never deletes a run"));
    }

    #[test]
    fn sizes_read_in_words() {
        for (bytes, words) in [
            (0, "0 bytes"),
            (1023, "1023 bytes"),
            (1024, "1 KB"),
            (14 * 1024 + 300, "14 KB"),
            (10 * 1024 * 1024, "10 MB"),
            (3_565_158, "3.4 MB"),
            (1_288_490_189, "1.2 GB"),
        ] {
            assert_eq!(size_words(bytes), words, "{bytes}");
        }
    }
}
