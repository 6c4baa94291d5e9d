//! `offboard org users`: every page of the directory's users, with a progress line and Ctrl-C
//! to cancel, filtered, then printed as a table or written as a CSV.

use super::args::UsersArgs;
use super::{clean, connect, failed};
use crate::atlassian::org::{OrgUser, UserSearch};
use crate::atlassian::ClientConfig;
use crate::cli::{EXIT_BAD_INPUT, EXIT_CANCELLED, EXIT_OK};
use crate::session::org::{load_users, write_users_csv, LoadProgress, UserFilter};
use crate::session::SessionError;
use indicatif::{HumanCount, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::Write;
use std::time::Duration;
use tokio::sync::watch;

/// Runs `offboard org users`.
pub async fn users(args: UsersArgs) -> i32 {
    let filter = match filter_of(&args) {
        Ok(f) => f,
        Err(why) => {
            eprintln!("offboard: {why}");
            return EXIT_BAD_INPUT;
        }
    };
    let conn = match connect(&args.target, ClientConfig::default()).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    // What the API can filter itself is asked of it (fewer pages); every filter is applied
    // again here, so an API that ignores one changes nothing.
    let search = UserSearch {
        status: filter.status.clone(),
        claim_status: filter
            .managed
            .map(|m| if m { "managed" } else { "unmanaged" }.to_owned()),
        ..UserSearch::default()
    };
    let (cancel, cancelled) = watch::channel(false);
    let (listening, heard) = tokio::sync::oneshot::channel();
    let ctrl_c = tokio::spawn(async move {
        let signal = tokio::signal::ctrl_c();
        tokio::pin!(signal);
        // The handler is installed when the signal is first polled: only then does the load
        // start, so an early Ctrl-C cancels it rather than killing the process half-way.
        tokio::select! {
            biased;
            _ = &mut signal => {
                let _ = cancel.send(true);
                return;
            }
            _ = std::future::ready(()) => {}
        }
        let _ = listening.send(());
        if signal.await.is_ok() {
            let _ = cancel.send(true);
        }
    });
    let _ = heard.await;
    let bar = progress_bar();
    let loaded = load_users(&conn, &search, cancelled, |p: LoadProgress, _| {
        bar.set_message(format!(
            "{} read ({})",
            plural(p.loaded, "user", "users"),
            plural(p.pages, "page", "pages")
        ));
    })
    .await;
    bar.finish_and_clear();
    ctrl_c.abort();
    let loaded = match loaded {
        Ok(users) => users,
        // Ctrl-C: what the admin asked for, said calmly, with the usual code for it.
        Err(SessionError::LoadCancelled) => {
            eprintln!("Reading the directory's users was cancelled: nothing was kept or written.");
            return EXIT_CANCELLED;
        }
        Err(e) => return failed(e),
    };
    let read = loaded.len();
    // Moved, not copied: the kept users are the read ones that match.
    let kept: Vec<OrgUser> = loaded.into_iter().filter(|u| filter.matches(u)).collect();
    if filter == UserFilter::default() {
        eprintln!("{} read.", plural(read, "user", "users"));
    } else {
        eprintln!(
            "{} of the {} users read match the filters.",
            HumanCount(kept.len() as u64),
            HumanCount(read as u64)
        );
    }
    match &args.csv_out {
        Some(path) => {
            if let Err(e) = write_users_csv(path, &kept) {
                return failed(e);
            }
            eprintln!("Wrote them to {}.", path.display());
            println!("users={} read={read}", kept.len());
        }
        None => print_table(&kept),
    }
    EXIT_OK
}

/// The filters the options ask for, or words saying which option is wrong.
pub(super) fn filter_of(args: &UsersArgs) -> Result<UserFilter, String> {
    let inactive_since = match &args.inactive_since {
        None => None,
        Some(text) => {
            let (product, date) = text.split_once(':').ok_or_else(|| {
                format!(
                    "--inactive-since takes PRODUCT:YYYY-MM-DD, e.g. jira:2026-03-01; got '{text}'"
                )
            })?;
            let product = product.trim().to_ascii_lowercase();
            if product.is_empty()
                || !product
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-')
            {
                return Err(format!(
                    "--inactive-since needs a product such as jira or confluence before the date; got '{text}'"
                ));
            }
            Some((product, UserFilter::parse_date(date)?))
        }
    };
    let either = |yes: bool, no: bool| (yes || no).then_some(yes);
    Ok(UserFilter {
        inactive_since,
        status: args.status.clone(),
        managed: either(args.managed, args.unmanaged),
        synced: either(args.synced, args.not_synced),
        admins: either(args.admins, args.no_admins),
    })
}

/// A spinner with the count so far and the time taken on standard error, hidden when that is
/// not a terminal. The organization API gives no total, so there is no bar to fill.
fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} Reading the directory's users: {msg}, {elapsed}  (Ctrl-C stops)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message("0 users read");
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// The users as a table on standard output; a reader that goes away ends it quietly.
fn print_table(users: &[OrgUser]) {
    const HEADER: [&str; 8] = [
        "account id",
        "name",
        "email",
        "status",
        "admin roles",
        "managed",
        "synced",
        "last active (jira / confluence)",
    ];
    let day =
        |t: Option<&str>| t.map_or("never".to_owned(), |t| t.get(..10).unwrap_or(t).to_owned());
    let rows: Vec<[String; 8]> = users
        .iter()
        .map(|u| {
            let roles: Vec<&str> = u
                .platform_roles
                .iter()
                .filter(|r| u.admin_roles().contains(r))
                .map(|r| r.trim_start_matches("atlassian/"))
                .collect();
            [
                clean(&u.account_id),
                clean(&u.name),
                clean(u.email.as_deref().unwrap_or_default()),
                clean(&u.status),
                roles.join(" "),
                yes_no(u.is_managed()),
                yes_no(u.is_synced()),
                format!(
                    "{} / {}",
                    day(u.last_active_in("jira")),
                    day(u.last_active_in("confluence"))
                ),
            ]
        })
        .collect();
    let mut widths = HEADER.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = std::io::stdout().lock();
    let header = HEADER.map(str::to_owned);
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        if writeln!(out, "{}", line.join("  ").trim_end()).is_err() {
            return;
        }
    }
}

/// `1 user`, `2,000 users`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        HumanCount(n as u64),
        if n == 1 { one } else { many }
    )
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_owned()
}

#[cfg(test)]
mod tests {
    use super::plural;

    #[test]
    fn progress_counts_read_as_words_with_thousands_grouped() {
        assert_eq!(plural(1, "page", "pages"), "1 page");
        assert_eq!(plural(0, "user", "users"), "0 users");
        assert_eq!(plural(94_124, "user", "users"), "94,124 users");
    }
}
