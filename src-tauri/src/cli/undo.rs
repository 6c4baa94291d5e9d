//! `offboard undo RUN`: the history's undo on the command line (issue 14 point 4). A suspend
//! run is undone by restoring, a deactivate run by reactivating, a delete-account run by
//! cancelling its deletions while their 14 days last. The undo is a run of its own, planned,
//! confirmed, journalled and verified through the same path as `offboard org ACTION`.

use super::actions::{connect_to_run, people_now, plan_and_run, Going};
use super::failed;
use crate::cli::run::{bad, pace};
use crate::cli::RunArgs;
use crate::session::org::{grace_ends_words, people_of_run};
use crate::sweep::{list_runs, read_plan, read_state, Action, Outcome, Plan, Run, RunSummaryInfo};
use clap::Args;
use std::collections::HashSet;
use std::path::Path;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// `offboard undo`.
#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The run to undo: its id (from `offboard runs`) or its folder.
    #[arg(value_name = "RUN")]
    pub undone: String,
    /// Plan the undo and report what it would do, reading Atlassian's check of each account;
    /// change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for the typed confirmation.
    #[arg(long)]
    pub yes: bool,
    /// Runs made on the practice site: its address now, if it moved.
    #[arg(long, value_name = "URL")]
    pub api: Option<String>,
    /// Most requests per second (default 5, as for every organization action; at most 50).
    #[arg(long, value_name = "N")]
    pub max_rate: Option<f64>,
    /// In flight, results, runs folder, connection.
    #[command(flatten)]
    pub run: RunArgs,
}

/// Runs `offboard undo`.
pub async fn undo(args: UndoArgs) -> i32 {
    match undo_inner(args).await {
        Ok(code) | Err(code) => code,
    }
}

async fn undo_inner(args: UndoArgs) -> Result<i32, i32> {
    let dir =
        Run::locate(&args.run.journal.runs_dir(), &args.undone).map_err(|e| bad(&e.to_string()))?;
    let earlier = read_plan(&dir).map_err(|e| bad(&e.to_string()))?;
    let action = undo_of(&earlier).map_err(|why| {
        bad(&format!(
            "run {} cannot be undone by Offboard, because {why}. Nothing was changed",
            earlier.run_id
        ))
    })?;
    still_going(&dir, &earlier)?;
    let pace = pace(
        args.max_rate.unwrap_or(action.default_rate()),
        args.run.max_in_flight,
    )?;
    // Before connecting: a run with nobody left to undo (its grace over) costs no request.
    let (earlier, ids) = people_of_run(&dir, action).map_err(failed)?;
    eprintln!(
        "Undoing run {} ({}) for the {} {} it carried out: {}.",
        earlier.run_id,
        earlier.action.title(),
        ids.len(),
        if ids.len() == 1 { "person" } else { "people" },
        action.title()
    );
    if action == Action::CancelDelete {
        grace_words(&dir, &ids);
    }
    let (conn, _) = connect_to_run(&earlier, args.api.as_deref(), &args.run.net, "undone").await?;
    let mut chosen = people_now(&conn, &earlier, &ids).await?;
    chosen.source = format!("undo of run {}", earlier.run_id);
    let going = Going {
        dry_run: args.dry_run,
        yes: args.yes,
        unlock_admins: false,
        pace,
        run: &args.run,
    };
    plan_and_run(conn, action, chosen, going).await
}

/// The action that undoes `plan`'s run, or why Offboard cannot undo it (words that follow
/// "cannot be undone by Offboard, because").
pub(super) fn undo_of(plan: &Plan) -> Result<Action, String> {
    if let Some(undo) = plan.action.undo() {
        return Ok(undo);
    }
    let id = &plan.run_id;
    Err(match plan.action {
        Action::SiteRemove => "it removed people from a site, which has no undo: invite them \
             to the site again and give back their groups"
            .to_owned(),
        Action::Remove => "it removed people from a directory, which cannot be reversed in \
             one step: invite them again and give back their roles and groups (suspending first \
             is the step that can be undone)"
            .to_owned(),
        Action::Restore => format!(
            "it restored access, which is itself an undo; to suspend the same people again, \
             run: offboard org suspend --from-run {id}"
        ),
        Action::Reactivate => format!(
            "it reactivated accounts, which is itself an undo; to deactivate the same accounts \
             again, run: offboard org deactivate --from-run {id}"
        ),
        Action::CancelDelete => format!(
            "it cancelled deletions, which is itself an undo; the accounts are deactivated: to \
             give their access back, run: offboard org reactivate --from-run {id}"
        ),
        // Every other action has an undo (handled above).
        other => format!("a {} run has no undo", other.title()),
    })
}

/// Refuses a run that is going on elsewhere or whose journal cannot be read: its people are
/// not settled yet.
fn still_going(dir: &Path, plan: &Plan) -> Result<(), i32> {
    let runs_dir = dir.parent().unwrap_or(dir);
    let Some(info) = list_runs(runs_dir)
        .into_iter()
        .find(|r| r.run_id == plan.run_id)
    else {
        return Ok(());
    };
    if info.running_elsewhere {
        return Err(bad(&format!(
            "run {} is going on in another window or terminal; undo it once it has ended",
            plan.run_id
        )));
    }
    if let Some(problem) = info.problem {
        return Err(bad(&format!(
            "run {} cannot be undone: {problem}",
            plan.run_id
        )));
    }
    if info.resumable {
        eprintln!(
            "Run {} is unfinished: the undo covers the people it carried out so far; resuming \
             it afterwards would go on with the others.",
            plan.run_id
        );
    }
    Ok(())
}

/// Says until when the deletions being cancelled can be cancelled (the earliest one's grace
/// ends first), and how many are past it already.
fn grace_words(dir: &Path, ids: &[String]) {
    let Ok(state) = read_state(dir) else {
        return;
    };
    let kept: HashSet<&str> = ids.iter().map(String::as_str).collect();
    let done: Vec<_> = state
        .decided
        .values()
        .filter(|o| o.outcome == Outcome::Removed)
        .collect();
    let first = done
        .iter()
        .filter(|o| kept.contains(o.account_id.as_str()))
        .filter_map(|o| OffsetDateTime::parse(&o.finished_at, &Rfc3339).ok())
        .min();
    if let Some(first) = first {
        eprintln!(
            "These deletions can be cancelled until {} (the last day); after that they are \
             permanent.",
            grace_ends_words(first)
        );
    }
    let past = done.len().saturating_sub(ids.len());
    if past > 0 {
        eprintln!(
            "{past} of the run's deletions are past their 14-day grace period: those accounts \
             are deleted for good and are left out."
        );
    }
}

/// What `offboard runs` says under a run about undoing it: how (`undo: offboard undo RUN`,
/// until the grace period ends for deletions), that a later run of `runs` undid it already, or
/// that its deletions became permanent. `None` for a run with nothing to undo.
pub fn undo_words(
    r: &RunSummaryInfo,
    runs: &[RunSummaryInfo],
    journal_dir: Option<&Path>,
    now: OffsetDateTime,
) -> Option<String> {
    let until = r.undo_until().map(|t| {
        let d = t.date();
        format!("{} {} {}", d.day(), d.month(), d.year())
    });
    if r.undo_at(now).is_none() {
        let over = r.undo_until().is_some_and(|t| now >= t);
        return match until {
            Some(day) if r.counters.removed > 0 && over => Some(format!(
                "no undo: the 14-day grace period ended on {day}; those deletions are permanent"
            )),
            _ => None,
        };
    }
    if let Some(later) = undone_by(r, runs) {
        return Some(format!("undone by run {}", later.run_id));
    }
    let journal = journal_dir
        .map(|d| format!(" --journal-dir {}", d.display()))
        .unwrap_or_default();
    let mut words = format!("undo: offboard undo {}{journal}", r.run_id);
    if let Some(day) = until {
        words.push_str(&format!(
            " (until {day}; after that the deletions are permanent)"
        ));
    }
    Some(words)
}

/// A finished run of `r`'s undo action, made from `r`'s people (`offboard undo`, or
/// `--from-run`), that failed for nobody.
fn undone_by<'a>(r: &RunSummaryInfo, runs: &'a [RunSummaryInfo]) -> Option<&'a RunSummaryInfo> {
    let undo = r.action.undo()?;
    let sources = [
        format!("undo of run {}", r.run_id),
        format!("run {}", r.run_id),
    ];
    runs.iter().find(|later| {
        later.action == undo
            && later
                .source_file
                .as_ref()
                .is_some_and(|s| sources.contains(s))
            && later.counters.removed > 0
            && later.counters.failed == 0
            && !later.resumable
    })
}
