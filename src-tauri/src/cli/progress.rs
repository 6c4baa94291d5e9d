//! Progress on the terminal: a bar when standard error is a terminal, plain lines otherwise.

use crate::sweep::{Action, Event, EventSink, Outcome};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct State {
    bar: Option<ProgressBar>,
    rate: f64,
    // Several workers meet the same slow-down: say it once per pause.
    quiet_until: Option<Instant>,
}

/// An event sink that draws a run of `action` on standard error, in the action's words.
pub fn terminal_sink(rate: f64, action: Action) -> EventSink {
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{bar:32.cyan/blue} {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    });
    let state = Mutex::new(State {
        bar,
        rate,
        quiet_until: None,
    });
    Arc::new(move |event| {
        let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
        match event {
            Event::Started {
                total,
                already_decided,
                ..
            } => {
                if let Some(bar) = &s.bar {
                    bar.set_length(total);
                    bar.set_position(already_decided);
                }
                if already_decided > 0 {
                    say(
                        &s,
                        &format!(
                            "Resuming: {already_decided} of {total} rows were already decided."
                        ),
                    );
                }
            }
            Event::Progress {
                counters,
                done,
                eta_secs,
                ..
            } => {
                let eta = eta_secs
                    .map(|e| format!(" · about {} left", clock(e)))
                    .unwrap_or_default();
                let words = |o: Outcome| action.outcome_cell(o).replace('_', " ");
                let msg = format!(
                    "{} {} · {} {} · {} {} · failed {} · {:.0}/s{eta}",
                    words(Outcome::Removed),
                    counters.removed,
                    words(Outcome::AlreadyGone),
                    counters.already_gone,
                    words(Outcome::CannotRemove),
                    counters.cannot_remove,
                    counters.failed,
                    s.rate
                );
                if let Some(bar) = &s.bar {
                    bar.set_position(done);
                    bar.set_message(msg);
                }
            }
            Event::Throttled {
                wait_ms,
                reason,
                status,
            } => {
                let now = Instant::now();
                if s.quiet_until.is_none_or(|q| now >= q) {
                    s.quiet_until = Some(now + Duration::from_millis(wait_ms));
                    let why = reason.map(|r| format!(", {r}")).unwrap_or_default();
                    say(
                        &s,
                        &format!(
                            "Atlassian asked us to slow down (HTTP {status}{why}): waiting {}.",
                            clock(wait_ms as f64 / 1000.0)
                        ),
                    );
                }
            }
            Event::Pace { rate_per_sec } => s.rate = rate_per_sec,
            Event::Paused { paused } => say(&s, if paused { "Paused." } else { "Resumed." }),
            Event::Finished { message, .. } => {
                if let Some(bar) = s.bar.take() {
                    bar.finish_and_clear();
                }
                say(&s, &message);
            }
            Event::Verified { message, .. } => say(&s, &message),
            Event::Row { .. } | Event::Retrying { .. } => {}
        }
    })
}

fn say(s: &State, line: &str) {
    match &s.bar {
        Some(bar) => bar.println(line),
        None => eprintln!("{line}"),
    }
}

/// Seconds as `1 h 02 min`, `3 min 05 s` or `4.2 s`.
fn clock(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    match s {
        0..=59 if secs < 10.0 => format!("{secs:.1} s"),
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
    }
}
