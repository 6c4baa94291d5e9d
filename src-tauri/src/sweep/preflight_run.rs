//! The dry run's lookups: bulk lookups of [`CHUNK`] ids, several in flight under one pacer, a
//! rate-limit wait that pauses them all, and a cancel or a first error that drops them at once.

use super::{Lookup, PreflightOptions, PreflightProgress};
use crate::atlassian::{waiting_out, AtlassianError, SiteUser};
use crate::roster::canonical_account_id;
use crate::sweep::control::{ControlState, RunControl};
use crate::sweep::pace::{Pacer, MIN_RATE};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// Ids per lookup call: one client batch, so a rate-limit wait repeats no finished batch.
pub(super) const CHUNK: usize = crate::atlassian::BULK_BATCH;
/// Rate-limit waits tolerated per chunk before the dry run gives up.
pub(super) const MAX_WAITS: u32 = 10;

/// What the lookups share.
struct Shared<'a> {
    chunks: Vec<&'a [String]>,
    /// The next chunk to take.
    next: AtomicUsize,
    pacer: Pacer,
    control: &'a RunControl,
    /// Stopped on the first error: no lookup starts after it, and those in flight are dropped.
    halt: RunControl,
    error: Mutex<Option<AtlassianError>>,
    /// Users found, by canonical id.
    found: Mutex<HashMap<String, SiteUser>>,
    /// The totals so far and the chunks finished, under one lock so reports come in order.
    done: Mutex<(PreflightProgress, usize)>,
    report: &'a (dyn Fn(PreflightProgress) + Send + Sync),
}

/// Looks `ids` up and answers the users found by canonical id; `None` when cancelled.
pub(super) async fn look_up_all<L: Lookup>(
    lookup: &L,
    ids: &[String],
    options: &PreflightOptions<'_>,
) -> Result<Option<HashMap<String, SiteUser>>, AtlassianError> {
    let shared = Shared {
        chunks: ids.chunks(CHUNK).collect(),
        next: AtomicUsize::new(0),
        // A rate of 0 (or not a number) would never grant a token.
        pacer: Pacer::new(options.pace.max_rate.max(MIN_RATE)),
        control: &options.control,
        halt: RunControl::new(),
        error: Mutex::new(None),
        found: Mutex::new(HashMap::new()),
        done: Mutex::new((
            PreflightProgress {
                looked_up: 0,
                to_look_up: ids.len() as u64,
            },
            0,
        )),
        report: options.progress,
    };
    (shared.report)(lock(&shared.done).0);
    let lanes = options
        .pace
        .max_in_flight
        .clamp(1, shared.chunks.len().max(1));
    let lanes: Vec<_> = (0..lanes).map(|_| lane(lookup, &shared)).collect();
    // Biased: a stop seen at the same moment as the last reply still cancels.
    tokio::select! {
        biased;
        _ = options.control.stopped() => return Ok(None),
        _ = shared.halt.stopped() => {}
        // The lanes borrow the caller's lookup, so they run together in this task.
        _ = futures_util::future::join_all(lanes) => {}
    }
    if let Some(e) = lock(&shared.error).take() {
        return Err(e);
    }
    // A lane also ends when it sees the stop before the select above does.
    if lock(&shared.done).1 < shared.chunks.len() {
        return Ok(None);
    }
    let found = std::mem::take(&mut *lock(&shared.found));
    Ok(Some(found))
}

/// One lookup in flight at a time: takes chunks until none is left, the dry run is stopped
/// or a lookup failed.
async fn lane<L: Lookup>(lookup: &L, shared: &Shared<'_>) {
    loop {
        let Some(ids) = shared
            .chunks
            .get(shared.next.fetch_add(1, Ordering::Relaxed))
        else {
            return;
        };
        match look_up_chunk(lookup, shared, ids).await {
            Ok(Some(users)) => shared.finished(ids.len(), users),
            Ok(None) => return,
            Err(e) => {
                lock(&shared.error).get_or_insert(e);
                shared.halt.stop();
                return;
            }
        }
    }
}

/// One chunk's lookup, waiting out rate limits (at most [`MAX_WAITS`] times) through the
/// pacer, so every lane pauses; `None` when the dry run stopped first.
async fn look_up_chunk<L: Lookup>(
    lookup: &L,
    shared: &Shared<'_>,
    ids: &[String],
) -> Result<Option<Vec<SiteUser>>, AtlassianError> {
    let look_up = || async {
        if !shared.clear_to_send().await {
            return Ok(None);
        }
        lookup.lookup(ids).await.map(Some)
    };
    let slow_everyone = |wait: Duration, refusal: &AtlassianError| {
        if let AtlassianError::RateLimited { status, info } = refusal {
            tracing::info!(
                status,
                wait_ms = wait.as_millis() as u64,
                reason = info.reason.as_deref().unwrap_or("not given"),
                "dry run throttled: the site asked to slow down"
            );
        }
        shared.pacer.throttle(wait);
        std::future::ready(())
    };
    let found = waiting_out(MAX_WAITS, look_up, slow_everyone).await;
    if let Ok(Some(_)) = &found {
        shared.pacer.on_success();
    }
    found
}

impl Shared<'_> {
    /// Waits until a lookup may start: not paused, paced, and neither stopped nor failed —
    /// checked right before the call, so nothing starts after a stop or an error.
    async fn clear_to_send(&self) -> bool {
        loop {
            if !self.control.wait_runnable().await {
                return false;
            }
            self.pacer.acquire().await;
            if self.halt.state() == ControlState::Stopped {
                return false;
            }
            match self.control.state() {
                ControlState::Running => return true,
                ControlState::Stopped => return false,
                // Paused while waiting for a token: wait, then pace again.
                ControlState::Paused => {}
            }
        }
    }

    /// Keeps a finished chunk's users and reports the new totals.
    fn finished(&self, count: usize, users: Vec<SiteUser>) {
        let mut found = lock(&self.found);
        for user in users {
            found.insert(canonical_account_id(&user.account_id), user);
        }
        drop(found);
        let mut done = lock(&self.done);
        done.0.looked_up += count as u64;
        done.1 += 1;
        (self.report)(done.0);
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Plain data behind the lock: still usable after a panic elsewhere.
    m.lock().unwrap_or_else(|p| p.into_inner())
}
