//! The worker loop: takes planned rows, paces and carries out the run's action, journals
//! intent and outcome, and settles lost replies, until every row is decided or the run stops.

use super::actor::Actor;
use super::engine::Shared;
use super::events::Event;
use super::journal::Record;
use super::outcome::{now_rfc3339, now_seconds, Outcome, RowOutcome};
use super::retry::{decide, RowAttempts, Step};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// One worker: takes rows off the queue until it is empty or the run is stopped or halted.
pub(super) async fn worker<A: Actor>(shared: Arc<Shared<A>>) {
    loop {
        if shared.halted() || !shared.runnable().await {
            return;
        }
        let next = shared
            .queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop_front();
        let Some((row, in_doubt)) = next else { return };
        process_row(&shared, row, in_doubt).await;
    }
}

async fn process_row<A: Actor>(shared: &Shared<A>, row: usize, in_doubt: bool) {
    let account_id = shared.plan.rows[row].account_id.clone();
    let action = shared.plan.action;
    let mut attempts = RowAttempts {
        maybe_applied: in_doubt,
        ..RowAttempts::default()
    };
    loop {
        // Checked after every wait (pacing, a throttle, a backoff): a pause holds the row here;
        // a stop or a halt leaves it undecided.
        if !shared.clear_to_send().await {
            return;
        }
        // A write whose reply was lost is settled by reading the account back, never by
        // sending it again blindly (DESIGN.md §6); only the org actions need it.
        let verdict = if attempts.maybe_applied && action.reads_back_before_retry() {
            match shared
                .actor
                .read_back(action, std::slice::from_ref(&account_id))
                .await
            {
                Ok(done) if done.contains(&account_id) => {
                    let message = format!(
                        "{}: an earlier try's reply was lost, and reading the account back shows it {}",
                        action.done_word(),
                        action.done_word()
                    );
                    settled(shared, row, account_id, message).await;
                    return;
                }
                Ok(_) => None,
                Err(failed_read) => Some(failed_read),
            }
        } else {
            None
        };
        let verdict = match verdict {
            Some(failed_read) => failed_read,
            None => {
                attempts.sent += 1;
                let intent = Record::Intent {
                    row,
                    attempt: attempts.sent,
                    at: now_rfc3339(),
                };
                if shared.record(intent).await.is_err() {
                    return;
                }
                shared.actor.apply(action, &account_id).await
            }
        };
        let eased = verdict.near_limit().then(|| shared.pacer.ease_off());
        if let Some(Some(rate)) = eased {
            tracing::debug!(rate, "pace eased: the site is near its rate limit");
            shared.emit(Event::Pace { rate_per_sec: rate });
        }
        let jitter = rand::random_range(0.7..=1.3);
        match decide(action, &verdict, &mut attempts, &shared.retry, jitter) {
            Step::Decide {
                outcome,
                http_status,
                message,
            } => {
                // Only a clear answer from a site not near its limit lets the pace climb: a row
                // given up after faults or rate limits says the site is struggling.
                let climb = eased.is_none() && outcome != Outcome::Failed;
                if let Some(rate) = climb.then(|| shared.pacer.on_success()).flatten() {
                    tracing::debug!(rate, "pace raised");
                    shared.emit(Event::Pace { rate_per_sec: rate });
                }
                shared.decided_now.fetch_add(1, Ordering::Relaxed);
                let (run, status) = (&shared.plan.run_id, http_status.unwrap_or(0));
                if outcome == Outcome::Failed {
                    let reason = &message;
                    tracing::info!(%run, row, %account_id, status, %reason, "row given up");
                } else {
                    tracing::debug!(%run, row, %account_id, status, ?outcome, "row decided");
                }
                let decided = RowOutcome {
                    row,
                    account_id,
                    outcome,
                    http_status,
                    message,
                    finished_at: now_seconds(),
                    may_have_applied: outcome == Outcome::Failed && attempts.maybe_applied,
                };
                let _ = shared.decided(decided).await;
                return;
            }
            Step::StopRun {
                http_status,
                message,
            } => {
                tracing::warn!(
                    run = %shared.plan.run_id,
                    row,
                    status = http_status,
                    reason = %message,
                    "the site refused the credentials; the run stops"
                );
                let note = format!(
                    "{message}. The run stopped at once; resume it once the credentials work."
                );
                shared
                    .fatal
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .get_or_insert(note.clone());
                shared
                    .last_error
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(row, (Some(http_status), note));
                shared.halt.send_replace(true);
                return;
            }
            Step::Retry {
                delay,
                throttle,
                reason,
            } => {
                if let Some((wait, why, status)) = throttle {
                    tracing::info!(
                        run = %shared.plan.run_id,
                        row,
                        status,
                        wait_ms = wait.as_millis() as u64,
                        reason = why.as_deref().unwrap_or("not given"),
                        "throttled: the site asked to slow down"
                    );
                    shared.emit(Event::Throttled {
                        wait_ms: wait.as_millis() as u64,
                        reason: why,
                        status,
                    });
                    if let Some(rate) = shared.pacer.throttle(wait) {
                        tracing::debug!(rate, "pace lowered after a throttle");
                        shared.emit(Event::Pace { rate_per_sec: rate });
                    }
                }
                let last = (
                    verdict.http_status(),
                    format!("{reason}; not confirmed, resume the run to settle it"),
                );
                shared
                    .last_error
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(row, last);
                tracing::info!(
                    run = %shared.plan.run_id,
                    row,
                    attempt = attempts.sent,
                    status = verdict.http_status().unwrap_or(0),
                    delay_ms = delay.as_millis() as u64,
                    reason = %reason,
                    "retrying row"
                );
                shared.emit(Event::Retrying {
                    row,
                    attempt: attempts.sent,
                    delay_ms: delay.as_millis() as u64,
                    reason,
                });
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    _ = shared.interrupted() => return,
                }
            }
        }
    }
}

/// Decides a row whose earlier reply was lost and whose account, read back, shows the action
/// done: nothing more is sent.
async fn settled<A: Actor>(shared: &Shared<A>, row: usize, account_id: String, message: String) {
    shared.decided_now.fetch_add(1, Ordering::Relaxed);
    tracing::info!(run = %shared.plan.run_id, row, %account_id, "lost reply settled by reading the account back");
    let decided = RowOutcome {
        row,
        account_id,
        outcome: Outcome::Removed,
        http_status: None,
        message,
        finished_at: now_seconds(),
        may_have_applied: false,
    };
    let _ = shared.decided(decided).await;
}
