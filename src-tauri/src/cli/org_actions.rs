//! `offboard org suspend|restore|remove`, and `offboard resume` of an organization run: the
//! people from an export or an earlier run, matched to the directory, planned by the session
//! core (its guards decide who is protected), confirmed, then run by the one engine.

use super::args::ActionArgs;
use super::{choose_directory, clean, connect, dry_run, failed, open};
use crate::atlassian::org::{OrgApi, OrgClient, OrgUser};
use crate::cli::run::{bad, client_config, confirm_typed, execute, pace, print_read};
use crate::cli::ResumeArgs;
use crate::roster::import_file;
use crate::session::org::{
    live_guard, match_export, people_of_run, prepare_org, read_people, OrgChoice, OrgConnection,
    OrgConnector,
};
use crate::sweep::{Action, Plan, Run, RunOptions};
use crate::vault::OsKeychain;
use std::sync::Arc;

/// Protected or missing people listed by name before the count says "and N more".
const LISTED: usize = 20;

/// The people an action was asked for, as the directory describes them now.
pub(super) struct Chosen {
    /// Found in the directory, in the order asked.
    pub users: Vec<OrgUser>,
    /// Asked for but not in the directory (account id, name): listed, never planned.
    pub not_in_directory: Vec<(String, String)>,
    /// Where they came from, for the plan.
    pub source: String,
}

/// Runs `offboard org suspend|restore|remove`.
pub async fn act(action: Action, args: ActionArgs) -> i32 {
    match act_inner(action, args).await {
        Ok(code) | Err(code) => code,
    }
}

async fn act_inner(action: Action, mut args: ActionArgs) -> Result<i32, i32> {
    let config = client_config(&args.run.net)?;
    let pace = pace(
        args.max_rate.unwrap_or(action.default_rate()),
        args.run.max_in_flight,
    )?;
    // Files are read before connecting: a wrong file costs no request.
    let roster = match &args.csv {
        Some(path) => {
            let roster = import_file(path).map_err(|e| bad(&e.to_string()))?;
            print_read(&roster, path);
            if roster.users.is_empty() {
                return Err(bad(
                    "the file holds no user with a valid account id; nobody to act on",
                ));
            }
            Some(roster)
        }
        None => None,
    };
    let earlier = match &args.from_run {
        Some(id) => {
            let dir =
                Run::locate(&args.run.journal.runs_dir(), id).map_err(|e| bad(&e.to_string()))?;
            let (plan, ids) = people_of_run(&dir, action).map_err(failed)?;
            // The earlier run's directory, unless another is asked for.
            if args.target.directory.is_none() {
                args.target.directory = plan.org.as_ref().map(|t| t.directory_id.clone());
            }
            Some((plan, ids))
        }
        None => None,
    };
    let conn = connect(&args.target, config).await?;
    conn.require_unscoped().map_err(failed)?;
    let chosen = match (roster, earlier) {
        (Some(roster), _) => {
            let found = match_export(&conn, &roster).await.map_err(failed)?;
            Chosen {
                users: found.users,
                not_in_directory: found
                    .not_in_directory
                    .into_iter()
                    .map(|u| (u.account_id, u.name))
                    .collect(),
                source: args
                    .csv
                    .as_deref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
            }
        }
        (None, Some((plan, ids))) => people_now(&conn, &plan, &ids).await?,
        (None, None) => return Err(bad("give the people with --csv FILE or --from-run RUN")),
    };
    list_not_in_directory(&chosen);
    let prepared = prepare_org(
        &conn,
        OrgChoice {
            action,
            users: &chosen.users,
            source: Some(chosen.source.clone()),
            unlocked: &[],
            unlock_admins: args.unlock_admins,
        },
    )
    .map_err(failed)?;
    eprintln!("{}", prepared.words);
    eprintln!("{}", prepared.protection_words);
    let mut plan = prepared.plan.clone();
    plan.pace = pace;
    args.run.net.apply_to(&mut plan);
    if args.dry_run {
        return Ok(dry_run::report(&plan, &chosen));
    }
    list_protected(&prepared.protected, &plan);
    if prepared.to_remove == 0 {
        return Err(bad(&format!(
            "nobody to {}: every person is protected or skipped",
            action.phrase_verb()
        )));
    }
    confirm_typed(&prepared, args.yes)?;
    // Read again just before the run: whoever became an admin since the plan is protected.
    let guard = live_guard(&conn, &plan, Some(&prepared))
        .await
        .map_err(failed)?;
    let run = Run::create(&args.run.journal.runs_dir(), plan).map_err(|e| bad(&e.to_string()))?;
    let options = RunOptions::new(guard);
    Ok(execute(conn.client, options, run, args.run.results.as_deref()).await)
}

/// The people of an earlier run as the directory describes them now; those it no longer
/// holds are listed apart (with their names from that run).
async fn people_now(conn: &OrgConnection, earlier: &Plan, ids: &[String]) -> Result<Chosen, i32> {
    if let Some(t) = &earlier.org {
        if t.org_id != conn.org.id {
            return Err(bad(&format!(
                "run {} was made in another organization ({}); connect to that one",
                earlier.run_id, t.org_name
            )));
        }
    }
    let (users, missing) = read_people(conn, ids).await.map_err(failed)?;
    let name_of = |id: &str| {
        earlier
            .rows
            .iter()
            .find(|r| r.account_id == id)
            .map(|r| r.name.clone())
            .unwrap_or_default()
    };
    let chosen = Chosen {
        users,
        not_in_directory: missing
            .into_iter()
            .map(|id| {
                let name = name_of(&id);
                (id, name)
            })
            .collect(),
        source: format!("run {}", earlier.run_id),
    };
    Ok(chosen)
}

fn list_not_in_directory(chosen: &Chosen) {
    let missing = &chosen.not_in_directory;
    if missing.is_empty() {
        return;
    }
    eprintln!(
        "{} of the people asked for are not in this directory; nothing will be sent for them:",
        missing.len()
    );
    for (id, name) in missing.iter().take(LISTED) {
        eprintln!("  {}  {}", clean(id), clean(name));
    }
    if missing.len() > LISTED {
        eprintln!("  … and {} more.", missing.len() - LISTED);
    }
}

fn list_protected(protected: &[(String, String)], plan: &Plan) {
    for (id, why) in protected.iter().take(LISTED) {
        let name = plan
            .rows
            .iter()
            .find(|r| r.account_id == *id)
            .map_or("", |r| r.name.as_str());
        eprintln!("  skipped: {}  {}: {why}", clean(id), clean(name));
    }
    if protected.len() > LISTED {
        eprintln!("  … and {} more skipped.", protected.len() - LISTED);
    }
}

/// Runs `offboard resume` for an organization run: the key for the run's organization, its
/// directory, the guard read again, then the engine goes on where the journal stopped.
pub async fn resume(mut run: Run, args: ResumeArgs) -> i32 {
    match resume_inner(&mut run, &args).await {
        Ok((options, client)) => execute(client, options, run, args.results.as_deref()).await,
        Err(code) => code,
    }
}

async fn resume_inner(run: &mut Run, args: &ResumeArgs) -> Result<(RunOptions, OrgClient), i32> {
    let Some(target) = run.plan.org.clone() else {
        return Err(bad(
            "this run's plan names no organization, so it cannot be resumed",
        ));
    };
    let recorded = OrgApi::parse(&run.plan.site).map_err(|e| bad(&e.to_string()))?;
    let api = match args.api.as_deref() {
        None => recorded,
        Some(asked) => {
            let api = OrgApi::parse(asked).map_err(|e| bad(&e.to_string()))?;
            if !(recorded.is_loopback() && api.is_loopback()) {
                return Err(bad(
                    "--api only moves a run made on the practice site to where the practice site is now",
                ));
            }
            api
        }
    };
    // A practice site started again on another port: the run goes on there.
    run.plan.site = api.base_url().to_owned();
    args.net.apply_to(&mut run.plan);
    let connector = OrgConnector::new(Arc::new(OsKeychain), client_config(&args.net)?);
    let mut conn = open(&connector, &api, &target.org_id).await?;
    choose_directory(&mut conn, Some(&target.directory_id))?;
    conn.require_unscoped().map_err(failed)?;
    let guard = live_guard(&conn, &run.plan, None).await.map_err(failed)?;
    let (what, options) = if args.retry_failed {
        ("Retrying the failed rows of", RunOptions::retrying(guard))
    } else {
        ("Resuming", RunOptions::new(guard))
    };
    eprintln!(
        "{what} run {} ({}) in {} of {}: {} rows.",
        run.plan.run_id,
        run.plan.action.title(),
        target.directory_name,
        target.org_name,
        run.plan.rows.len()
    );
    Ok((options, conn.client))
}
