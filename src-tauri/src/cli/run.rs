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
    self, list_runs, Actor, Guard, PaceSettings, Run, RunControl, RunOptions, RunStatus,
};
use crate::vault::OsKeychain;
use dry_run::dry_run;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

#[path = "dry_run.rs"]
mod dry_run;

/// Runs `offboard delete`.
pub async fn delete(args: DeleteArgs) -> i32 {
    let site = match Site::parse(&args.site) {
        Ok(site) => site,
        Err(e) => return bad(&e.to_string()),
    };
    let pace = match pace(args.max_rate, args.run.max_in_flight) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let roster = match import_file(&args.csv) {
        Ok(r) => r,
        Err(e) => return bad(&e.to_string()),
    };
    print_import(&roster, &args.csv);
    if roster.users.is_empty() {
        return bad("the file holds no user with a valid account id; nothing to remove");
    }
    let conn = match connect(&site, &args.email, &args.run.net).await {
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
    args.run.net.apply_to(&mut plan);
    let guard = Guard::new(&conn.me.account_id, &admins);
    if args.dry_run {
        return dry_run(&conn, &plan, &guard).await;
    }
    if prepared.to_remove == 0 {
        return bad("every row is protected; nothing to remove");
    }
    if let Err(code) = confirm_typed(&prepared, args.yes) {
        return code;
    }
    let run = match Run::create(&args.run.journal.runs_dir(), plan) {
        Ok(r) => r,
        Err(e) => return bad(&e.to_string()),
    };
    let options = RunOptions::new(guard);
    execute(conn.client, options, run, args.run.results.as_deref()).await
}

/// The pace asked for, checked against the allowed ranges.
pub(super) fn pace(max_rate: f64, max_in_flight: usize) -> Result<PaceSettings, i32> {
    PaceSettings {
        max_rate,
        max_in_flight,
    }
    .validated()
    .map_err(|e| bad(&e))
}

/// Asks for the plan's typed phrase (`remove 312`, `suspend 120`) unless `yes`; refused when
/// nobody can answer on this terminal.
pub(super) fn confirm_typed(prepared: &session::Prepared, yes: bool) -> Result<(), i32> {
    if yes {
        return Ok(());
    }
    if !interactive() {
        return Err(bad(
            "not on a terminal, so Offboard cannot ask for confirmation: add --yes to go ahead",
        ));
    }
    let typed = typed_line(&prepared.phrase);
    prepared.confirm(&prepared.id, &typed).map_err(|e| {
        eprintln!("{e}");
        EXIT_BAD_INPUT
    })
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
    if run.plan.action.is_org() {
        return super::org::resume(run, args).await;
    }
    if args.api.is_some() {
        return bad("--api is for organization runs; a site run resumes on its own site");
    }
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
    execute(conn.client, options, run, args.results.as_deref()).await
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
    let journal_dir = args.journal.journal_dir.as_deref();
    let now = OffsetDateTime::now_utc();
    for r in &runs {
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
            r.org_name.as_ref().map_or(r.site.clone(), |org| format!(
                "{} in {org}",
                r.action.title()
            )),
            r.rows,
            r.decided,
            r.counters.summary_line_for(r.action),
            state
        );
        if let Some(problem) = &r.problem {
            line.push_str(&format!("\n    {problem}"));
        }
        if let Some(how) = super::org::undo_words(r, &runs, journal_dir, now) {
            line.push_str(&format!("\n    {how}"));
        }
        if writeln!(out, "{line}").is_err() {
            break;
        }
    }
    if !runs.is_empty() {
        // On standard error, as "No runs" is: standard output stays one line per run.
        eprintln!("{}", sweep::runs_kept(&dir).line());
    }
    EXIT_OK
}

/// Runs `run` through the engine with `actor` (the site or the organization client): the
/// progress on standard error, Ctrl-C stopping after the requests in flight, the summary line
/// in the action's words, the results copied to `results`, and the exit code.
pub(super) async fn execute<A: Actor>(
    actor: A,
    options: RunOptions,
    run: Run,
    results: Option<&Path>,
) -> i32 {
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
    let events = terminal_sink(run.plan.pace.max_rate, run.plan.action);
    let report = sweep::execute_verified(Arc::new(actor), run, options, control, events).await;
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
    let action = report.plan.action;
    let counts = report.counters.summary_line_for(action);
    // Site runs keep the words scripts already read; organization runs say what was not verified.
    let not_done = if action.is_org() {
        "not_verified"
    } else {
        "still_present"
    };
    match &report.verification {
        Some(v) => println!("{counts} verified={} {not_done}={still_present}", v.gone()),
        None => println!("{counts} verified=0"),
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

/// Finds the token (keychain, `OFFBOARD_API_TOKEN`, else a hidden prompt), checks it with
/// `myself` and reads the site's admins: the session core's connection, as the window makes it.
async fn connect(site: &Site, email: &str, net: &NetArgs) -> Result<Connection, i32> {
    check_email(email).map_err(|e| bad(&e))?;
    let config = client_config(net)?;
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

/// The connection options as the clients take them (`--timeout` checked).
pub(super) fn client_config(net: &NetArgs) -> Result<ClientConfig, i32> {
    if !(net.timeout.is_finite() && net.timeout > 0.0 && net.timeout <= 600.0) {
        return Err(bad("--timeout must be between 0 and 600 seconds"));
    }
    Ok(ClientConfig {
        request_timeout: Duration::from_secs_f64(net.timeout),
        ..ClientConfig::default()
    })
}

fn print_import(roster: &Roster, path: &Path) {
    print_read(roster, path);
    let s = &roster.summary;
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

/// What reading an export found: rows, users, duplicates, and the first skipped lines.
pub(super) fn print_read(roster: &Roster, path: &Path) {
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

/// Prints a refusal of the input; nothing was changed.
pub(super) fn bad(message: &str) -> i32 {
    eprintln!("offboard: {message}");
    EXIT_BAD_INPUT
}
