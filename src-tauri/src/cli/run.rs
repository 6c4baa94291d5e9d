//! `offboard delete`, `offboard resume` and `offboard runs`.

use super::confirm::{interactive, prompt_token, typed_confirmation};
use super::progress::terminal_sink;
use super::{check_email, DeleteArgs, NetArgs, ResumeArgs, RunsArgs};
use super::{EXIT_BAD_INPUT, EXIT_CREDENTIALS, EXIT_OK, EXIT_SOME_FAILED};
use crate::atlassian::{AtlassianError, ClientConfig, Myself, Site, SiteClient};
use crate::roster::{import_file, Roster};
use crate::sweep::{
    self, list_runs, preflight, PaceSettings, Plan, PlanRow, Run, RunControl, RunOptions, RunStatus,
};
use crate::vault::{token_from_sources, OsKeychain, VaultKey};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Runs `offboard delete`.
pub async fn delete(args: DeleteArgs) -> i32 {
    let site = match Site::parse(&args.site) {
        Ok(site) => site,
        Err(e) => return bad(&e.to_string()),
    };
    let pace = match (PaceSettings {
        max_rate: args.max_rate,
        max_in_flight: args.max_in_flight,
    })
    .validated()
    {
        Ok(p) => p,
        Err(e) => return bad(&e),
    };
    let roster = match import_file(&args.csv) {
        Ok(r) => r,
        Err(e) => return bad(&e.to_string()),
    };
    print_import(&roster, &args.csv);
    if roster.users.is_empty() {
        return bad("the file holds no user with a valid account id; nothing to remove");
    }
    let (client, me) = match connect(&site, &args.email, &args.net).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut plan = Plan::new(
        site.base_url(),
        &args.email,
        roster.users.iter().map(PlanRow::from),
    );
    plan.source_file = Some(args.csv.display().to_string());
    plan.unlock_admins = args.unlock_admins;
    plan.pace = pace;
    args.net.apply_to(&mut plan);
    let protected = plan.count_protected(&me.account_id);
    let to_remove = plan.rows.len() - protected;
    eprintln!(
        "Remove {to_remove} users from {}. This removes their access to the site; their Atlassian accounts are not deleted.",
        site.authority()
    );
    if protected > 0 {
        eprintln!("{protected} protected rows (your own account, org admins) will be skipped.");
    }
    if args.dry_run {
        return dry_run(&client, &plan, &me).await;
    }
    if to_remove == 0 {
        return bad("every row is protected; nothing to remove");
    }
    if !args.yes {
        if !interactive() {
            return bad(
                "not on a terminal, so Offboard cannot ask for confirmation: add --yes to go ahead",
            );
        }
        if !typed_confirmation(&format!("remove {to_remove}")) {
            eprintln!("Cancelled. Nothing was removed.");
            return EXIT_BAD_INPUT;
        }
    }
    let run = match Run::create(&args.journal.runs_dir(), plan) {
        Ok(r) => r,
        Err(e) => return bad(&e.to_string()),
    };
    execute(client, run, me, args.results.as_deref()).await
}

/// Runs `offboard resume`.
pub async fn resume(args: ResumeArgs) -> i32 {
    let dir = match Run::locate(&args.journal.runs_dir(), &args.run) {
        Ok(d) => d,
        Err(e) => return bad(&e.to_string()),
    };
    let mut run = match Run::open(&dir) {
        Ok(r) => r,
        Err(e) => return bad(&e.to_string()),
    };
    let site = match Site::parse(&run.plan.site) {
        Ok(s) => s,
        Err(e) => return bad(&e.to_string()),
    };
    args.net.apply_to(&mut run.plan);
    let email = run.plan.email.clone();
    let (client, me) = match connect(&site, &email, &args.net).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    eprintln!(
        "Resuming run {} on {} ({} rows).",
        run.plan.run_id,
        site.authority(),
        run.plan.rows.len()
    );
    execute(client, run, me, args.results.as_deref()).await
}

/// Runs `offboard runs`.
pub fn list(args: RunsArgs) -> i32 {
    let dir = args.journal.runs_dir();
    let runs = list_runs(&dir);
    if runs.is_empty() {
        eprintln!("No runs in {}.", dir.display());
    }
    for r in runs {
        let state = match (r.last_status, r.resumable) {
            (None, true) => "cut short: resume it",
            (Some(RunStatus::CredentialsRejected), _) => "stopped on rejected credentials",
            (Some(RunStatus::Stopped), true) => "stopped",
            (_, true) => "unfinished",
            (_, false) => "finished",
        };
        println!(
            "{}  {}  {} rows  {}  [{}]",
            r.run_id,
            r.site,
            r.rows,
            r.counters.summary_line(),
            state
        );
    }
    EXIT_OK
}

async fn execute(client: SiteClient, run: Run, me: Myself, results: Option<&Path>) -> i32 {
    eprintln!(
        "Run {} — journal and results in {}",
        run.plan.run_id,
        run.dir.display()
    );
    let control = RunControl::new();
    let stopper = control.clone();
    let ctrl_c = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("Stopping after the requests in flight… (the rest can be resumed later)");
            stopper.stop();
        }
    });
    let events = terminal_sink(run.plan.pace.max_rate);
    let options = RunOptions {
        caller_account_id: me.account_id,
    };
    let report = sweep::execute(Arc::new(client), run, options, control, events).await;
    ctrl_c.abort();
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            eprintln!("offboard: {e}");
            return EXIT_SOME_FAILED;
        }
    };
    println!("{}", report.counters.summary_line());
    eprintln!("Results: {}", report.results_path.display());
    if let Some(extra) = results {
        if let Err(e) = std::fs::copy(&report.results_path, extra) {
            eprintln!(
                "offboard: could not copy the results to {}: {e}",
                extra.display()
            );
            return EXIT_SOME_FAILED;
        }
        eprintln!("Results also written to {}", extra.display());
    }
    match report.status {
        RunStatus::CredentialsRejected => EXIT_CREDENTIALS,
        _ if report.counters.failed > 0 => EXIT_SOME_FAILED,
        _ => EXIT_OK,
    }
}

async fn dry_run(client: &SiteClient, plan: &Plan, me: &Myself) -> i32 {
    eprintln!("Dry run: looking every user up; nothing will be changed.");
    match preflight(client, plan, &me.account_id).await {
        Ok(report) => {
            println!(
                "exists={} already_gone={} app_accounts={} customer_accounts={} protected={}",
                report.exists,
                report.already_gone,
                report.app_accounts,
                report.customer_accounts,
                report.protected
            );
            EXIT_OK
        }
        Err(e) => site_error(e),
    }
}

/// Finds the token, builds the client and checks it with `myself`.
async fn connect(site: &Site, email: &str, net: &NetArgs) -> Result<(SiteClient, Myself), i32> {
    check_email(email).map_err(|e| bad(&e))?;
    if !(net.timeout.is_finite() && net.timeout > 0.0 && net.timeout <= 600.0) {
        return Err(bad("--timeout must be between 0 and 600 seconds"));
    }
    let key = VaultKey::new(site.base_url(), email);
    let found =
        match tokio::task::spawn_blocking(move || token_from_sources(&OsKeychain, &key)).await {
            Ok(found) => found.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
    let token = match found {
        Ok(Some((token, _))) => token,
        other => {
            if let Err(e) = other {
                eprintln!("offboard: {e}");
            }
            let prompted = interactive()
                .then(|| prompt_token(&format!("{email} on {}", site.authority())))
                .flatten();
            prompted.ok_or_else(|| {
                bad(&format!(
                    "no API token for {email} on {}: save one with `offboard token set --site {} --email {email}`, or set OFFBOARD_API_TOKEN",
                    site.authority(),
                    site.base_url()
                ))
            })?
        }
    };
    let config = ClientConfig {
        request_timeout: Duration::from_secs_f64(net.timeout),
        ..ClientConfig::default()
    };
    let client = SiteClient::new(site.clone(), email, token, config).map_err(site_error)?;
    let me = client.myself().await.map_err(site_error)?;
    let name = if me.display_name.is_empty() {
        &me.account_id
    } else {
        &me.display_name
    };
    eprintln!(
        "Signed in to {} as {name} <{}>.",
        site.authority(),
        me.email_address.as_deref().unwrap_or(email)
    );
    Ok((client, me))
}

fn print_import(roster: &Roster, path: &Path) {
    let s = &roster.summary;
    eprintln!(
        "Read {}: {} rows, {} users, {} duplicates merged, {} rows skipped.",
        path.display(),
        s.rows_read,
        s.users,
        s.duplicates_merged,
        s.skipped.len()
    );
    for skip in s.skipped.iter().take(20) {
        eprintln!("  line {}: {}", skip.line, skip.reason);
    }
    if s.skipped.len() > 20 {
        eprintln!("  … and {} more skipped rows.", s.skipped.len() - 20);
    }
}

fn site_error(e: AtlassianError) -> i32 {
    eprintln!("offboard: {e}");
    match e {
        AtlassianError::Unauthorized | AtlassianError::Forbidden => EXIT_CREDENTIALS,
        _ => EXIT_BAD_INPUT,
    }
}

fn bad(message: &str) -> i32 {
    eprintln!("offboard: {message}");
    EXIT_BAD_INPUT
}
