//! `offboard delete`, `offboard resume` and `offboard runs`.

use super::confirm::{interactive, prompt_token, typed_line};
use super::progress::terminal_sink;
use super::{check_email, DeleteArgs, NetArgs, ResumeArgs, RunsArgs};
use super::{EXIT_BAD_INPUT, EXIT_CREDENTIALS, EXIT_OK, EXIT_SOME_FAILED};
use crate::atlassian::{AtlassianError, ClientConfig, Site};
use crate::roster::{import_file, Roster, NO_ADMIN_INFO_WARNING};
use crate::session::{
    self, copy_into_place, require_site_admins, Connection, Connector, Selection, SessionError,
    TokenChoice,
};
use crate::sweep::{
    self, list_runs, preflight, Guard, PaceSettings, Plan, Run, RunControl, RunOptions, RunStatus,
};
use crate::vault::OsKeychain;
use std::io::Write;
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
    let conn = match connect(&site, &args.email, &args.net).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    // The site's admins now: protected whatever the file says.
    let admins = match require_site_admins(&conn.client).await {
        Ok(a) => a,
        Err(e) => return session_error(e),
    };
    let prepared = match session::prepare(
        &conn,
        &roster,
        &args.csv,
        Selection::All,
        &[],
        args.unlock_admins,
        false,
        &admins,
    ) {
        Ok(p) => p,
        Err(e) => return session_error(e),
    };
    eprintln!("{}", prepared.words);
    eprintln!("{}", prepared.protection_words);
    let mut plan = prepared.plan.clone();
    plan.pace = pace;
    args.net.apply_to(&mut plan);
    let guard = Guard::new(&conn.me.account_id, &admins);
    if args.dry_run {
        return dry_run(&conn, &plan, &guard).await;
    }
    if prepared.to_remove == 0 {
        return bad("every row is protected; nothing to remove");
    }
    if !args.yes {
        if !interactive() {
            return bad(
                "not on a terminal, so Offboard cannot ask for confirmation: add --yes to go ahead",
            );
        }
        let typed = typed_line(&prepared.phrase);
        if let Err(e) = prepared.confirm(&prepared.id, &typed) {
            eprintln!("{e}");
            return EXIT_BAD_INPUT;
        }
    }
    let run = match Run::create(&args.journal.runs_dir(), plan) {
        Ok(r) => r,
        Err(e) => return bad(&e.to_string()),
    };
    execute(conn, RunOptions::new(guard), run, args.results.as_deref()).await
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
    let conn = match connect(&site, &email, &args.net).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    let guard = match require_site_admins(&conn.client).await {
        Ok(admins) => Guard::new(&conn.me.account_id, &admins),
        Err(e) => return session_error(e),
    };
    let options = if args.retry_failed {
        eprintln!(
            "Retrying run {} on {}: {} failed rows are sent again, with the rows not yet tried.",
            run.plan.run_id,
            site.authority(),
            run.state.counters.failed
        );
        RunOptions::retrying(guard)
    } else {
        eprintln!(
            "Resuming run {} on {} ({} rows).",
            run.plan.run_id,
            site.authority(),
            run.plan.rows.len()
        );
        RunOptions::new(guard)
    };
    execute(conn, options, run, args.results.as_deref()).await
}

/// Runs `offboard runs`.
pub fn list(args: RunsArgs) -> i32 {
    let dir = args.journal.runs_dir();
    let runs = list_runs(&dir);
    if runs.is_empty() {
        eprintln!("No runs in {}.", dir.display());
    }
    // A closed pipe (`offboard runs | head`) ends the listing quietly instead of panicking.
    let mut out = std::io::stdout().lock();
    for r in runs {
        let state = match (r.last_status, r.resumable) {
            _ if r.problem.is_some() => "cannot be read: see below",
            _ if r.running_elsewhere => "running in another window or terminal",
            (None, true) => "cut short: resume it",
            (Some(RunStatus::CredentialsRejected), _) => "stopped on rejected credentials",
            (Some(RunStatus::Stopped), true) => "stopped",
            (_, true) => "unfinished",
            (_, false) => "finished",
        };
        let mut line = format!(
            "{}  {}  {} rows, {} decided  {}  [{}]",
            r.run_id,
            r.site,
            r.rows,
            r.decided,
            r.counters.summary_line(),
            state
        );
        if let Some(problem) = &r.problem {
            line.push_str(&format!("\n    {problem}"));
        }
        if writeln!(out, "{line}").is_err() {
            break;
        }
    }
    EXIT_OK
}

async fn execute(conn: Connection, options: RunOptions, run: Run, results: Option<&Path>) -> i32 {
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
    let report =
        sweep::execute_verified(Arc::new(conn.client), run, options, control, events).await;
    ctrl_c.abort();
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            eprintln!("offboard: {e}");
            return EXIT_SOME_FAILED;
        }
    };
    let still_present = report
        .verification
        .as_ref()
        .map_or(0, |v| v.still_present());
    match &report.verification {
        Some(v) => println!(
            "{} verified={} still_present={}",
            report.counters.summary_line(),
            v.gone(),
            still_present
        ),
        None => println!("{} verified=0", report.counters.summary_line()),
    }
    eprintln!("Results: {}", report.results_path.display());
    if let Some(extra) = results {
        if let Err(e) = copy_into_place(&report.results_path, extra) {
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
        _ if report.counters.failed > 0 || still_present > 0 => EXIT_SOME_FAILED,
        _ => EXIT_OK,
    }
}

async fn dry_run(conn: &Connection, plan: &Plan, guard: &Guard) -> i32 {
    eprintln!("Dry run: looking every user up; nothing will be changed.");
    match preflight(&conn.client, plan, guard).await {
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

/// Finds the token (keychain, `OFFBOARD_API_TOKEN`, else a hidden prompt), checks it with
/// `myself` and reads the site's admins: the session core's connection, as the window makes it.
async fn connect(site: &Site, email: &str, net: &NetArgs) -> Result<Connection, i32> {
    check_email(email).map_err(|e| bad(&e))?;
    if !(net.timeout.is_finite() && net.timeout > 0.0 && net.timeout <= 600.0) {
        return Err(bad("--timeout must be between 0 and 600 seconds"));
    }
    let config = ClientConfig {
        request_timeout: Duration::from_secs_f64(net.timeout),
        ..ClientConfig::default()
    };
    let connector = Connector::new(Arc::new(OsKeychain), config);
    let email = Connector::email(email).map_err(session_error)?;
    let what = format!("{email} on {}", site.authority());
    let prompt = || interactive().then(|| prompt_token(&what)).flatten();
    let token = connector
        .token(site, &email, TokenChoice::Stored, prompt)
        .await
        .map_err(|e| {
            // An unreachable keychain is said first, then what to do instead.
            if let SessionError::Keychain(why) = &e {
                eprintln!("offboard: {why}");
            }
            match e {
                SessionError::NoToken { .. } | SessionError::Keychain(_) => bad(&format!(
                    "no API token for {email} on {}: save one with `offboard token set --site {} --email {email}`, or set OFFBOARD_API_TOKEN",
                    site.authority(),
                    site.base_url()
                )),
                other => session_error(other),
            }
        })?;
    let conn = connector
        .connect(site, &email, token)
        .await
        .map_err(session_error)?;
    let me = &conn.me;
    let name = if me.display_name.is_empty() {
        &me.account_id
    } else {
        &me.display_name
    };
    eprintln!(
        "Signed in to {} as {name} <{}>.",
        site.authority(),
        me.email_address.as_deref().unwrap_or(&email)
    );
    if let Some(warning) = &conn.admin_warning {
        eprintln!("Warning: {warning}");
    }
    Ok(conn)
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
    eprintln!("{}", s.protection.describe());
    if !s.protection.has_admin_info() {
        eprintln!("Warning: {NO_ADMIN_INFO_WARNING}");
    }
    if s.unreadable_dates > 0 {
        eprintln!(
            "{} users have a last-seen date that could not be read.",
            s.unreadable_dates
        );
    }
}

fn site_error(e: AtlassianError) -> i32 {
    eprintln!("offboard: {e}");
    if e.credentials_refused() {
        EXIT_CREDENTIALS
    } else {
        EXIT_BAD_INPUT
    }
}

fn session_error(e: SessionError) -> i32 {
    match e {
        SessionError::Atlassian(a) => site_error(a),
        other => bad(&other.to_string()),
    }
}

fn bad(message: &str) -> i32 {
    eprintln!("offboard: {message}");
    EXIT_BAD_INPUT
}
