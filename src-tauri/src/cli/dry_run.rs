//! `offboard delete --dry-run`: every planned account looked up in bulk, with a progress bar on
//! a terminal (plain lines otherwise) and Ctrl-C cancelling at once.

use super::site_error;
use crate::cli::{EXIT_CANCELLED, EXIT_OK};
use crate::session::Connection;
use crate::sweep::{
    preflight, Guard, Plan, PreflightOptions, PreflightProgress, RunControl, LOOKUP_PACE,
};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Once;
use std::time::{Duration, Instant};

/// Looks the plan's accounts up, prints the counts on standard output and returns the exit
/// code: [`EXIT_CANCELLED`] after a Ctrl-C.
pub(super) async fn dry_run(conn: &Connection, plan: &Plan, guard: &Guard) -> i32 {
    eprintln!("Dry run: looking every user up; nothing will be changed.");
    let control = RunControl::new();
    let shown = Shown::new();
    let progress = |p: PreflightProgress| shown.update(p);
    let options = PreflightOptions {
        pace: LOOKUP_PACE,
        control: control.clone(),
        progress: &progress,
    };
    let started = Instant::now();
    let lookups = preflight(&conn.client, plan, guard, &options);
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(lookups, ctrl_c);
    // Ctrl-C is polled first, so its handler is in place before the first progress line says
    // the lookups have begun; a failed handler (Err) leaves the dry run to finish.
    let result = tokio::select! {
        biased;
        Ok(()) = &mut ctrl_c => {
            control.stop();
            lookups.await
        }
        result = &mut lookups => result,
    };
    shown.finish();
    match result {
        Ok(None) => {
            eprintln!("Dry run cancelled: nothing was changed.");
            EXIT_CANCELLED
        }
        Ok(Some(report)) => {
            let looked_up = report.rows.len() as u64 - report.protected;
            eprintln!(
                "Looked up {looked_up} users in {:.1} s.",
                started.elapsed().as_secs_f64()
            );
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

/// The lookups' progress: a bar when standard error is a terminal; a start line either way.
struct Shown {
    bar: Option<ProgressBar>,
    start: Once,
    began: Instant,
}

impl Shown {
    fn new() -> Shown {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:32.cyan/blue} {pos}/{len} users looked up · {msg} · about {eta} left",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Shown {
            bar,
            start: Once::new(),
            began: Instant::now(),
        }
    }

    fn update(&self, p: PreflightProgress) {
        // The first report comes as the lookups begin: scripts and tests wait for this line.
        self.start.call_once(|| {
            let line = format!(
                "Looking up {} users in bulk… (Ctrl-C cancels)",
                p.to_look_up
            );
            match &self.bar {
                Some(bar) => bar.println(line),
                None => eprintln!("{line}"),
            }
        });
        if let Some(bar) = &self.bar {
            bar.set_length(p.to_look_up);
            bar.set_position(p.looked_up);
            let secs = self.began.elapsed().as_secs_f64().max(0.001);
            bar.set_message(format!("{:.0}/s", p.looked_up as f64 / secs));
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
