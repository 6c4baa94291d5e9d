//! What a run sends the page, kept small at 100,000 rows (docs/window-contract.md, "What crosses
//! once"): the plan's rows only when the page does not hold them already, each decided row by
//! its plan index with its message only when that changed for its outcome, gathered into one
//! event a few times a second, and progress a few times a second rather than once a row.
//!
//! Why gathered: Tauri hands each channel message to the page by evaluating a script, and
//! WebKitGTK's web process holds memory for each evaluated script until it next gives memory
//! back, so at most five messages a second cost the same whatever the pace. Measured
//! (bench_window, 50 rows/s, 20,000 rows; docs/BENCHMARKS.md P4 for 100,000): the page's own
//! JavaScript heap stays flat, and messages every 3 s instead of 200 ms took the web process's
//! growth between releases from +71 to +38 MiB (the rest is not pinned down: WebDriver's own
//! polling of the page and drawing are the likely part).

use crate::app::dto::{DecidedDto, RunEvent, RunRowsDto, RunStartedDto};
use crate::sweep::{Event, JournalState, Outcome, Plan};
use serde::Deserialize;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How often progress (counts and time left) reaches the page at most: the page counts each
/// row itself as it comes, and redraws once a frame anyway.
pub const PROGRESS_EVERY: Duration = Duration::from_millis(200);

/// The rows the page already holds for the run it starts or goes on with: how many, and
/// `rows_check` over their account ids in order. Rust sends the plan's rows only when these
/// do not match the plan, so the page never shows an outcome against the wrong person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct HeldRows {
    /// Rows held.
    pub count: usize,
    /// `rows_check` of their account ids, in the order held.
    pub check: u32,
}

impl HeldRows {
    /// True when these are exactly the plan's rows, in its order.
    pub fn matches(&self, plan: &Plan) -> bool {
        self.count == plan.rows.len()
            && self.check == rows_check(plan.rows.iter().map(|r| r.account_id.as_str()))
    }
}

/// FNV-1a (32 bits) over the UTF-16 code units of each id, each followed by a line feed. The
/// page computes the same (`rowsCheck` in ui/js/model/run.js): it guards against a mistake in
/// which rows the page thinks a plan holds, not against anyone.
pub fn rows_check<'a>(ids: impl IntoIterator<Item = &'a str>) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    let mut add = |unit: u16| {
        h ^= u32::from(unit);
        h = h.wrapping_mul(0x0100_0193);
    };
    for id in ids {
        id.encode_utf16().for_each(&mut add);
        add(u16::from(b'\n'));
    }
    h
}

/// The page's first picture of a run: its rows unless the page holds them, and what earlier
/// sessions decided (by row index; the page cannot know it after a restart).
pub fn started_dto(
    plan: &Plan,
    state: &JournalState,
    site: String,
    held: Option<HeldRows>,
) -> RunStartedDto {
    let rows = match held {
        Some(h) if h.matches(plan) => None,
        _ => Some(RunRowsDto {
            id: plan.rows.iter().map(|r| r.account_id.clone()).collect(),
            name: plan.rows.iter().map(|r| r.name.clone()).collect(),
            email: plan.rows.iter().map(|r| r.email.clone()).collect(),
        }),
    };
    let mut words = Words::default();
    let decided = state
        .decided
        .values()
        .map(|o| DecidedDto {
            row: o.row,
            outcome: o.outcome.as_str(),
            http_status: o.http_status,
            message: words.trim(o.outcome, &o.message),
        })
        .collect();
    RunStartedDto {
        run_id: plan.run_id.clone(),
        total: plan.rows.len(),
        site,
        rows,
        decided,
    }
}

/// The last message sent for each outcome (empty at first), so a repeated one is sent once.
#[derive(Default)]
struct Words {
    last: HashMap<Outcome, String>,
}

impl Words {
    /// `None` when `message` is the last one sent for `outcome` (the page repeats it).
    fn trim(&mut self, outcome: Outcome, message: &str) -> Option<String> {
        let last = self.last.entry(outcome).or_default();
        if last == message {
            return None;
        }
        message.clone_into(last);
        Some(message.to_owned())
    }
}

/// Turns the engine's events into the page's, in order: decided rows gathered into one
/// [`RunEvent::Rows`] at most every `PROGRESS_EVERY` (the first at once), progress held back
/// when one went less than `PROGRESS_EVERY` ago (a row supersedes it, as the page counts rows
/// itself), and anything else after the rows and progress it follows.
#[derive(Default)]
pub struct EventStream {
    words: Words,
    progress_sent: Option<Instant>,
    held: Option<RunEvent>,
    rows: Vec<DecidedDto>,
    rows_sent: Option<Instant>,
    closed: bool,
}

/// Whether `PROGRESS_EVERY` has passed since `last` (or nothing went yet).
fn due(last: Option<Instant>, now: Instant) -> bool {
    last.is_none_or(|t| now.duration_since(t) >= PROGRESS_EVERY)
}

impl EventStream {
    /// Passes `event`, arriving at `now`, on to `send` (zero or more page events).
    pub fn push(&mut self, event: Event, now: Instant, send: &mut dyn FnMut(RunEvent)) {
        match event {
            Event::Row {
                row,
                outcome,
                http_status,
                message,
                ..
            } => {
                self.held = None;
                self.rows.push(DecidedDto {
                    row,
                    outcome: outcome.as_str(),
                    http_status,
                    message: self.words.trim(outcome, &message),
                });
                if due(self.rows_sent, now) {
                    self.send_rows(now, send);
                }
            }
            Event::Progress { .. } => {
                if due(self.progress_sent, now) {
                    self.send_rows(now, send);
                    self.held = None;
                    self.progress_sent = Some(now);
                    send(RunEvent::from(event));
                } else {
                    self.held = Some(RunEvent::from(event));
                }
            }
            other => self.other(RunEvent::from(other), now, send),
        }
    }

    /// Any other page event (also the window's own: an error, the release): the rows and the
    /// progress held first.
    pub fn other(&mut self, event: RunEvent, now: Instant, send: &mut dyn FnMut(RunEvent)) {
        self.send_rows(now, send);
        if let Some(progress) = self.held.take() {
            self.progress_sent = Some(now);
            send(progress);
        }
        self.closed |= event == RunEvent::Released;
        send(event);
    }

    /// The clock's tick (every `PROGRESS_EVERY`): sends rows and progress that have waited long
    /// enough, so a quiet spell never leaves them unsent. True once the run is released.
    pub fn tick(&mut self, now: Instant, send: &mut dyn FnMut(RunEvent)) -> bool {
        if due(self.rows_sent, now) {
            self.send_rows(now, send);
        }
        if self.held.is_some() && due(self.progress_sent, now) {
            self.progress_sent = Some(now);
            send(self.held.take().expect("checked just above"));
        }
        self.closed
    }

    fn send_rows(&mut self, now: Instant, send: &mut dyn FnMut(RunEvent)) {
        if !self.rows.is_empty() {
            self.rows_sent = Some(now);
            send(RunEvent::Rows {
                rows: std::mem::take(&mut self.rows),
            });
        }
    }
}

#[cfg(test)]
#[path = "run_stream_tests.rs"]
mod tests;
