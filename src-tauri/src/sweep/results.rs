//! Results: one row per planned account with its outcome, exported as CSV.

use super::journal::JournalState;
use super::outcome::{Counters, Outcome, RowOutcome};
use super::plan::Plan;
use super::verify::Verification;
use super::SweepError;
use std::path::Path;

/// The header of every results file. `verified` is filled in after the run's second look:
/// `yes`, `no: still on the site`, `not checked`, or empty for rows not reported removed.
pub const RESULTS_HEADER: [&str; 8] = [
    "User id",
    "User name",
    "email",
    "outcome",
    "http_status",
    "message",
    "finished_at",
    "verified",
];

/// The UTF-8 byte-order mark every results file starts with (for Excel).
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Every row's outcome as the journal has it; rows not decided yet are `failed` when a request
/// was sent without a clear answer (a resume will settle them) and `not_attempted` otherwise.
pub fn final_outcomes(plan: &Plan, state: &JournalState) -> Vec<RowOutcome> {
    plan.rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            if let Some(done) = state.decided.get(&i) {
                return done.clone();
            }
            let (outcome, message) = if state.in_doubt.contains(&i) {
                (
                    Outcome::Failed,
                    "not confirmed: the run ended while this removal was in progress; resume the run to settle it",
                )
            } else {
                (Outcome::NotAttempted, "the run stopped before this row was tried")
            };
            RowOutcome {
                row: i,
                account_id: row.account_id.clone(),
                outcome,
                http_status: None,
                message: message.into(),
                finished_at: String::new(),
                may_have_applied: false,
            }
        })
        .collect()
}

/// Counts outcomes.
pub fn count(outcomes: &[RowOutcome]) -> Counters {
    let mut c = Counters::default();
    for o in outcomes {
        c.add(o.outcome);
    }
    c
}

/// Writes the results CSV for `plan` with these outcomes (one per plan row, in plan order) and,
/// once the run was verified, what the second look found.
pub fn write_results(
    path: &Path,
    plan: &Plan,
    outcomes: &[RowOutcome],
    verification: Option<&Verification>,
) -> Result<(), SweepError> {
    let io = |e: csv::Error| SweepError::Results {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    let tmp = path.with_extension("csv.tmp");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(|e| io(e.into()))?);
    // A byte-order mark, so Excel opens the file as UTF-8 ("Zoë", "Müller") rather than in the
    // computer's legacy code page; csv readers and spreadsheets skip it.
    std::io::Write::write_all(&mut file, UTF8_BOM).map_err(|e| io(e.into()))?;
    let mut w = csv::Writer::from_writer(file);
    w.write_record(RESULTS_HEADER).map_err(io)?;
    for (row, o) in plan.rows.iter().zip(outcomes) {
        let status = o.http_status.map(|s| s.to_string()).unwrap_or_default();
        let verified = verification
            .and_then(|v| v.rows.get(&o.row))
            .map_or("", |v| v.as_cell(plan.action));
        w.write_record([
            neutralise(&row.account_id).as_ref(),
            neutralise(&row.name).as_ref(),
            neutralise(&row.email).as_ref(),
            plan.action.outcome_cell(o.outcome),
            status.as_str(),
            neutralise(&o.message).as_ref(),
            o.finished_at.as_str(),
            verified,
        ])
        .map_err(io)?;
    }
    w.flush().map_err(|e| io(e.into()))?;
    drop(w);
    std::fs::rename(&tmp, path).map_err(|e| io(e.into()))
}

/// Stops a spreadsheet from running a cell that came from the input as a formula
/// (`=cmd|' /C calc'!A0`): such cells get a leading apostrophe, as OWASP advises.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}
