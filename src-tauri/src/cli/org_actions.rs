//! `offboard org suspend|restore|remove|deactivate|reactivate|delete-account|cancel-delete`,
//! `offboard resume` of an organization run, and the planning `offboard undo` shares: the
//! people from an export or an earlier run, matched to the directory, planned by the session
//! core (its guards decide who is protected), confirmed, then run by the one engine.

use super::args::ActionArgs;
use super::{choose_directory, clean, connect, dry_run, failed, open};
use crate::atlassian::org::{OrgApi, OrgClient, OrgUser};
use crate::cli::run::{bad, client_config, confirm_typed, execute, pace, print_read};
use crate::cli::{NetArgs, ResumeArgs, RunArgs};
use crate::roster::import_file;
use crate::session::org::{
    live_guard, match_export, people_of_run, prepare_org, read_people, read_privileges, OrgChoice,
    OrgConnection, OrgConnector,
};
use crate::sweep::{Action, PaceSettings, Plan, Run, RunOptions};
use crate::vault::OsKeychain;
use std::sync::Arc;

/// Protected or missing people listed by name before the count says "and N more".
const LISTED: usize = 20;

/// Why `--unlock-admins` is refused for the account actions: it would unlock nothing.
pub(super) const NO_UNLOCK_FOR_ACCOUNTS: &str =
    "--unlock-admins does not apply to account actions: Offboard never deactivates or deletes \
     an admin's account (remove their admin roles at admin.atlassian.com first), and reactivate \
     and cancel-delete may already reach admins. Run the command again without it";

/// The people an action was asked for, as the directory describes them now.
pub(super) struct Chosen {
    /// Found in the directory, in the order asked.
    pub users: Vec<OrgUser>,
    /// Asked for but not in the directory (account id, name): listed, never planned.
    pub not_in_directory: Vec<(String, String)>,
    /// Where they came from, for the plan.
    pub source: String,
}

/// How a planned action goes on from the plan: the command line's choices.
pub(super) struct Going<'a> {
    /// Report what a run would do; change nothing.
    pub dry_run: bool,
    /// No typed confirmation.
    pub yes: bool,
    /// Site and user-access admins unlocked (suspend and remove only).
    pub unlock_admins: bool,
    /// The pace asked for.
    pub pace: PaceSettings,
    /// Results copy, runs folder, connection options.
    pub run: &'a RunArgs,
}

/// Runs `offboard org ACTION`.
pub async fn act(action: Action, args: ActionArgs) -> i32 {
    match act_inner(action, args).await {
        Ok(code) | Err(code) => code,
    }
}

async fn act_inner(action: Action, mut args: ActionArgs) -> Result<i32, i32> {
    if action.is_lifecycle() && args.unlock_admins {
        return Err(bad(NO_UNLOCK_FOR_ACCOUNTS));
    }
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
    let going = Going {
        dry_run: args.dry_run,
        yes: args.yes,
        unlock_admins: args.unlock_admins,
        pace,
        run: &args.run,
    };
    plan_and_run(conn, action, chosen, going).await
}

/// Plans `action` over `chosen` in `conn`'s directory and shows it; then reports the dry run,
/// or asks for the typed phrase, reads the guard again and runs it through the engine.
pub(super) async fn plan_and_run(
    conn: OrgConnection,
    action: Action,
    chosen: Chosen,
    going: Going<'_>,
) -> Result<i32, i32> {
    list_not_in_directory(action, &chosen);
    let prepared = prepare_org(
        &conn,
        OrgChoice {
            action,
            users: &chosen.users,
            source: Some(chosen.source.clone()),
            unlocked: &[],
            unlock_admins: going.unlock_admins,
        },
    )
    .map_err(failed)?;
    eprintln!("{}", prepared.words);
    eprintln!("{}", prepared.protection_words);
    let mut plan = prepared.plan.clone();
    plan.pace = going.pace;
    going.run.net.apply_to(&mut plan);
    if going.dry_run {
        // Account actions: Atlassian's own per-account check, read before anything changes.
        let allowed = read_privileges(&conn, &plan, &chosen.users)
            .await
            .map_err(failed)?;
        return Ok(dry_run::report(&plan, &chosen, &allowed));
    }
    list_protected(&prepared.protected, &plan);
    if prepared.to_remove == 0 {
        return Err(bad(&format!(
            "nobody to {}: every person is protected or skipped",
            action.phrase_verb()
        )));
    }
    confirm_typed(&prepared, going.yes)?;
    // Read again just before the run: whoever became an admin since the plan is protected.
    let guard = live_guard(&conn, &plan, Some(&prepared))
        .await
        .map_err(failed)?;
    let run = Run::create(&going.run.journal.runs_dir(), plan).map_err(|e| bad(&e.to_string()))?;
    let options = RunOptions::new(guard);
    Ok(execute(conn.client, options, run, going.run.results.as_deref()).await)
}

/// The people of an earlier run as the directory describes them now; those it no longer
/// holds are listed apart (with their names from that run).
pub(super) async fn people_now(
    conn: &OrgConnection,
    earlier: &Plan,
    ids: &[String],
) -> Result<Chosen, i32> {
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

fn list_not_in_directory(action: Action, chosen: &Chosen) {
    let missing = &chosen.not_in_directory;
    if missing.is_empty() {
        return;
    }
    eprintln!(
        "{} of the people asked for are not in this directory; nothing will be sent for them:",
        missing.len()
    );
    if action == Action::CancelDelete {
        eprintln!(
            "(An account whose 14-day grace period has ended is deleted for good: Atlassian no \
             longer lists it, and its deletion can no longer be cancelled.)"
        );
    }
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
    let (conn, api) = connect_to_run(&run.plan, args.api.as_deref(), &args.net, "resumed").await?;
    let Some(target) = run.plan.org.clone() else {
        return Err(bad("this run's plan names no organization"));
    };
    // A practice site started again on another port: the run goes on there.
    run.plan.site = api.base_url().to_owned();
    args.net.apply_to(&mut run.plan);
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

/// Connects to the organization and directory an earlier run's plan names, with the key found
/// as every org command finds it; `asked` (`--api`) may only move a run made on the practice
/// site to where the practice site is now. `what` ends "this run's plan names no organization,
/// so it cannot be …".
pub(super) async fn connect_to_run(
    plan: &Plan,
    asked: Option<&str>,
    net: &NetArgs,
    what: &str,
) -> Result<(OrgConnection, OrgApi), i32> {
    let Some(target) = plan.org.clone() else {
        return Err(bad(&format!(
            "this run's plan names no organization, so it cannot be {what}"
        )));
    };
    let recorded = OrgApi::parse(&plan.site).map_err(|e| bad(&e.to_string()))?;
    let api = match asked {
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
    let connector = OrgConnector::new(Arc::new(OsKeychain), client_config(net)?);
    let mut conn = open(&connector, &api, &target.org_id).await?;
    choose_directory(&mut conn, Some(&target.directory_id))?;
    conn.require_unscoped().map_err(failed)?;
    Ok((conn, api))
}
