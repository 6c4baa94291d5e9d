//! Runs overtaken by later ones. A stopped or cut-short run still has rows to decide; if a later
//! run on the same site has since removed some of those people (or found them gone), resuming
//! the old run would only find them gone. The history says so rather than offer the old run as
//! if nothing had happened.
//!
//! Only a resumable run with a later run on its site that removed someone is looked at, so the
//! usual history (the newest run is the one left open, or none is) reads no journal. The answer
//! is kept in the old run's folder, keyed by the journal lengths it was made from (journals only
//! grow), so a history shown again reads nothing new.

use crate::roster::canonical_account_id;
use crate::sweep::journal::{self, JOURNAL_FILE};
use crate::sweep::outcome::Outcome;
use crate::sweep::RunSummaryInfo;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;

/// The kept answer in a run's folder.
const CACHE_FILE: &str = "superseded.json";

#[derive(Debug, Serialize, Deserialize)]
struct Cached {
    key: String,
    superseded: usize,
    by: Vec<String>,
}

/// Fills `superseded` and `superseded_by` of each resumable run in `runs` (newest first).
pub(super) fn mark(runs: &mut [RunSummaryInfo]) {
    let found: Vec<(usize, usize, Vec<String>)> = (0..runs.len())
        .filter(|&i| open(&runs[i]))
        .filter_map(|i| {
            let later: Vec<&RunSummaryInfo> = runs[..i]
                .iter()
                .filter(|l| same_site(l, &runs[i]) && removed_someone(l))
                .collect();
            if later.is_empty() {
                return None;
            }
            let (n, by) = superseded(&runs[i], &later)?;
            Some((i, n, by))
        })
        .collect();
    for (i, n, by) in found {
        runs[i].superseded = n;
        runs[i].superseded_by = by;
    }
}

/// A run a resume could go on with, and whose journal this process may read.
fn open(run: &RunSummaryInfo) -> bool {
    run.resumable && run.problem.is_none() && !run.running_elsewhere
}

/// Practice runs share the practice site whatever its address was at the time; a real run
/// shares its site with real runs only.
fn same_site(a: &RunSummaryInfo, b: &RunSummaryInfo) -> bool {
    // Only a run of the same action overtakes another: a later suspend says nothing about an
    // unfinished removal, and an organization's directory is not a site.
    if a.action != b.action || a.org_name != b.org_name {
        return false;
    }
    if a.practice || b.practice {
        a.practice && b.practice
    } else {
        a.site == b.site
    }
}

/// A readable run that decided at least one row as removed or already gone.
fn removed_someone(run: &RunSummaryInfo) -> bool {
    run.problem.is_none()
        && !run.running_elsewhere
        && run.counters.removed + run.counters.already_gone > 0
}

fn journal_len(dir: &Path) -> u64 {
    std::fs::metadata(dir.join(JOURNAL_FILE)).map_or(0, |m| m.len())
}

/// How many of `run`'s undecided rows the `later` runs (newest first) decided as gone, and when
/// each of those that did was planned; from the kept answer when nothing changed since.
fn superseded(run: &RunSummaryInfo, later: &[&RunSummaryInfo]) -> Option<(usize, Vec<String>)> {
    let key = std::iter::once(format!("{}={}", run.run_id, journal_len(&run.dir)))
        .chain(
            later
                .iter()
                .map(|l| format!("{}={}", l.run_id, journal_len(&l.dir))),
        )
        .collect::<Vec<_>>()
        .join(",");
    let path = run.dir.join(CACHE_FILE);
    let kept: Option<Cached> = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    if let Some(kept) = kept.filter(|k| k.key == key) {
        return Some((kept.superseded, kept.by));
    }
    let (superseded, by) = count(run, later)?;
    let cached = Cached {
        key,
        superseded,
        by: by.clone(),
    };
    // Best effort, like the summary: without it the next listing counts again.
    let tmp = run.dir.join(format!("{CACHE_FILE}.tmp"));
    let written = serde_json::to_vec(&cached)
        .map_err(std::io::Error::other)
        .and_then(|bytes| std::fs::write(&tmp, bytes))
        .and_then(|()| std::fs::rename(&tmp, &path));
    if let Err(e) = written {
        tracing::warn!(dir = %run.dir.display(), "could not keep the superseded count: {e}");
    }
    Some((superseded, by))
}

fn count(run: &RunSummaryInfo, later: &[&RunSummaryInfo]) -> Option<(usize, Vec<String>)> {
    let plan = journal::read_plan(&run.dir).ok()?;
    let state = journal::read_state(&run.dir).ok()?;
    let mut undecided: HashSet<String> = plan
        .rows
        .iter()
        .enumerate()
        .filter(|(i, _)| !state.decided.contains_key(i))
        .map(|(_, r)| canonical_account_id(&r.account_id))
        .collect();
    let mut superseded = 0;
    let mut by = Vec::new();
    for l in later {
        let (Ok(plan), Ok(state)) = (journal::read_plan(&l.dir), journal::read_state(&l.dir))
        else {
            continue;
        };
        let before = superseded;
        for (row, decided) in &state.decided {
            let gone = matches!(decided.outcome, Outcome::Removed | Outcome::AlreadyGone);
            let id = plan
                .rows
                .get(*row)
                .map(|r| canonical_account_id(&r.account_id));
            if gone && id.is_some_and(|id| undecided.remove(&id)) {
                superseded += 1;
            }
        }
        if superseded > before {
            by.push(l.created_at.clone());
        }
    }
    Some((superseded, by))
}

#[cfg(test)]
mod tests {
    use crate::sweep::journal::Record;
    use crate::sweep::{list_runs, Outcome, Plan, PlanRow, RowOutcome, Run};
    use std::path::Path;

    fn id(i: usize) -> String {
        format!("5b10ac8d82e05b22cc7d4e{i:02x}")
    }

    /// A run planned at `stamp` over rows `ids` on `site`, with `gone` of them removed.
    fn run(runs: &Path, stamp: &str, site: &str, ids: &[usize], gone: &[usize]) -> String {
        let mut plan = Plan::new(
            site,
            "admin@example.com",
            ids.iter().map(|&i| PlanRow {
                account_id: id(i),
                ..PlanRow::default()
            }),
        );
        plan.run_id = format!("{stamp}-abcdef");
        plan.created_at = format!("2025-01-0{}T10:00:00Z", &stamp[7..8]);
        plan.practice = site == "practice";
        if plan.practice {
            // Each launch of practice mode has its own port.
            plan.site = format!("http://127.0.0.1:{}", 40000 + ids.len());
        }
        let run = Run::create(runs, plan).unwrap();
        run.journal
            .append(&Record::Session {
                at: "t".into(),
                caller_account_id: "me".into(),
                resumed: false,
                retry_failed: false,
            })
            .unwrap();
        for (row, i) in ids.iter().enumerate().filter(|(_, i)| gone.contains(i)) {
            run.journal
                .append(&Record::Outcome(RowOutcome {
                    row,
                    account_id: id(*i),
                    outcome: Outcome::Removed,
                    http_status: Some(204),
                    message: String::new(),
                    finished_at: "t".into(),
                    may_have_applied: false,
                }))
                .unwrap();
        }
        run.plan.run_id.clone()
    }

    fn find(runs: &Path, run_id: &str) -> crate::sweep::RunSummaryInfo {
        list_runs(runs)
            .into_iter()
            .find(|r| r.run_id == run_id)
            .unwrap()
    }

    #[test]
    fn a_later_run_on_the_same_site_supersedes_the_rows_it_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let runs = tmp.path();
        let acme = "https://acme.atlassian.net";
        // Rows 0..6; 0 and 1 decided, 2..6 left.
        let old = run(runs, "20250101-100000", acme, &[0, 1, 2, 3, 4, 5], &[0, 1]);
        let info = find(runs, &old);
        assert_eq!((info.superseded, info.undecided()), (0, 4));
        // Another site's run, and a run on this site that removed nobody, change nothing.
        run(
            runs,
            "20250102-100000",
            "https://beta.atlassian.net",
            &[2, 3],
            &[2, 3],
        );
        run(runs, "20250103-100000", acme, &[2, 3], &[]);
        assert_eq!(find(runs, &old).superseded, 0);
        // A later run here removes 2 and 3 (and 9, not the old run's).
        let later = run(runs, "20250104-100000", acme, &[9, 2, 3], &[9, 2, 3]);
        let info = find(runs, &old);
        assert_eq!(info.superseded, 2);
        assert_eq!(info.superseded_by, ["2025-01-04T10:00:00Z"]);
        assert_eq!(find(runs, &later).superseded, 0, "it is not resumable");
        // The kept answer is used while nothing changed: a wrong one planted is read back.
        let dir = runs.join(&old);
        let kept = std::fs::read_to_string(dir.join(super::CACHE_FILE)).unwrap();
        let planted = kept.replace("\"superseded\":2", "\"superseded\":3");
        std::fs::write(dir.join(super::CACHE_FILE), planted).unwrap();
        assert_eq!(find(runs, &old).superseded, 3);
        // A newer run removes the rest: counted afresh, every undecided row is superseded.
        run(runs, "20250105-100000", acme, &[4, 5], &[4, 5]);
        let info = find(runs, &old);
        assert_eq!((info.superseded, info.undecided()), (4, 4));
        assert_eq!(
            info.superseded_by,
            ["2025-01-05T10:00:00Z", "2025-01-04T10:00:00Z"]
        );
    }

    #[test]
    fn practice_runs_supersede_each_other_whatever_the_address_and_never_real_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let runs = tmp.path();
        let old = run(runs, "20250101-100000", "practice", &[0, 1, 2], &[0]);
        let real = run(runs, "20250101-110000", "http://127.0.0.1:9", &[1, 2], &[]);
        run(runs, "20250102-100000", "practice", &[1], &[1]);
        assert_eq!(find(runs, &old).superseded, 1);
        assert_eq!(find(runs, &real).superseded, 0);
    }
}
