// A run as the window sees it, folded from `RunStarted` and the run events (docs/window-contract.md).
// The Run step and the rehearsal both use it. Per-row outcomes sit in a Uint8Array so a
// 100,000-row run costs one byte a row; counters move with each row and are then corrected by
// the engine's own `progress` counters, which are authoritative.

import { OUTCOMES, outcomeCode } from './roster.js';
import { formatCount, formatWhen, plural } from './format.js';

export const OUTCOME_LABELS = {
  removed: 'Removed',
  already_gone: 'Already gone',
  cannot_remove: 'Could not remove',
  skipped: 'Skipped',
  failed: 'Failed',
  not_attempted: 'Not attempted',
};

const COUNTER_KEYS = {
  removed: 'removed', already_gone: 'alreadyGone', cannot_remove: 'cannotRemove',
  skipped: 'skipped', failed: 'failed', not_attempted: 'notAttempted',
};

export function zeroCounters() {
  return { removed: 0, alreadyGone: 0, cannotRemove: 0, skipped: 0, failed: 0, notAttempted: 0 };
}

export function sumCounters(c) {
  return c.removed + c.alreadyGone + c.cannotRemove + c.skipped + c.failed + c.notAttempted;
}

/** A run from the `RunStarted` a command resolved to. */
export function newRun(started) {
  const rows = started.rows ?? [];
  const run = {
    runId: started.runId,
    site: started.site ?? '',
    total: started.total ?? rows.length,
    rows,
    indexById: new Map(rows.map((r, i) => [r.accountId, i])),
    outcome: new Uint8Array(rows.length),
    httpStatus: new Array(rows.length).fill(null),
    message: new Array(rows.length).fill(''),
    counters: zeroCounters(),
    done: 0,
    etaSecs: null,
    ratePerSec: null,
    state: 'running', // "running" | "paused" | "finished"
    finishStatus: null,
    finishMessage: '',
    throttleUntil: 0,
    throttleReason: '',
    lastRetry: null,
    verified: null, // { gone, stillPresent: [accountId], notChecked, message } once looked up again
    stillPresent: new Uint8Array(rows.length), // 1: reported gone, yet still on the site
  };
  for (const d of started.decided ?? []) recordRow(run, d);
  return run;
}

// Sets one row's outcome, counting it once even if the engine reports it again.
function recordRow(run, ev) {
  let i = run.indexById.get(ev.accountId);
  if (i === undefined && Number.isInteger(ev.row) && run.rows[ev.row]?.accountId === ev.accountId) i = ev.row;
  if (i === undefined) return -1;
  const code = outcomeCode(ev.outcome);
  const before = run.outcome[i];
  if (before) run.counters[COUNTER_KEYS[OUTCOMES[before]]] -= 1;
  else run.done += 1;
  run.outcome[i] = code;
  if (code) run.counters[COUNTER_KEYS[ev.outcome]] += 1;
  run.httpStatus[i] = ev.httpStatus ?? null;
  run.message[i] = ev.message ?? '';
  return i;
}

/**
 * Folds one event into the run. `now` is the clock in ms (injected for tests).
 * Returns what the view must redraw: "row" (with `index`), "counts", "state", "throttle",
 * "verified" (with `rows`, the indices found still on the site), or null.
 */
export function applyEvent(run, ev, now = Date.now()) {
  switch (ev?.type) {
    case 'started':
      if (ev.runId) run.runId = ev.runId;
      if (Number.isFinite(ev.total)) run.total = ev.total;
      run.state = 'running';
      return { what: 'state' };
    case 'row': {
      const index = recordRow(run, ev);
      return { what: 'row', index };
    }
    case 'retrying':
      run.lastRetry = { row: ev.row, attempt: ev.attempt, delayMs: ev.delayMs, reason: ev.reason };
      return { what: 'counts' };
    case 'throttled':
      run.throttleUntil = now + (ev.waitMs ?? 0);
      run.throttleReason = ev.reason ?? '';
      return { what: 'throttle' };
    case 'pace':
      run.ratePerSec = ev.ratePerSec;
      return { what: 'counts' };
    case 'progress':
      if (ev.counters) run.counters = { ...zeroCounters(), ...ev.counters };
      if (Number.isFinite(ev.done)) run.done = ev.done;
      if (Number.isFinite(ev.total)) run.total = ev.total;
      run.etaSecs = ev.etaSecs ?? null;
      return { what: 'counts' };
    case 'paused':
      if (run.state !== 'finished') run.state = ev.paused ? 'paused' : 'running';
      return { what: 'state' };
    case 'finished':
      run.state = 'finished';
      run.finishStatus = ev.status;
      run.finishMessage = ev.message ?? '';
      if (ev.counters) {
        run.counters = { ...zeroCounters(), ...ev.counters };
        run.done = sumCounters(run.counters);
      }
      run.throttleUntil = 0;
      run.etaSecs = null;
      return { what: 'state' };
    case 'error':
      // The engine could not go on (its journal); no "finished" follows. The run stays resumable.
      run.state = 'finished';
      run.finishStatus = 'error';
      run.finishMessage = ev.message ?? '';
      run.throttleUntil = 0;
      run.etaSecs = null;
      return { what: 'state' };
    case 'verified': {
      // After "finished": the rows reported removed or already gone, looked up again.
      const still = Array.isArray(ev.stillPresent) ? ev.stillPresent.slice() : [];
      run.verified = { gone: count(ev.gone), stillPresent: still, notChecked: count(ev.notChecked), message: ev.message ?? '' };
      run.stillPresent.fill(0);
      const rows = [];
      for (const id of still) {
        const i = run.indexById.get(id);
        if (i !== undefined) {
          run.stillPresent[i] = 1;
          rows.push(i);
        }
      }
      return { what: 'verified', rows };
    }
    default:
      return null;
  }
}

/**
 * Events can arrive on the channel before the command that started the run resolves with its
 * `RunStarted`: keep them until the run exists, then fold them in order.
 * `onApplied(run, event, change)` is called for each folded event.
 */
export function bufferedRun(onApplied, now = () => Date.now()) {
  let run = null;
  const queue = [];
  return {
    onEvent(ev) {
      if (run) onApplied(run, ev, applyEvent(run, ev, now()));
      else queue.push(ev);
    },
    attach(started) {
      run = newRun(started);
      for (const ev of queue.splice(0)) onApplied(run, ev, applyEvent(run, ev, now()));
      return run;
    },
    get run() {
      return run;
    },
  };
}

const count = (n) => (Number.isFinite(n) && n > 0 ? n : 0);

/** The verification line: "Verified gone: N, still on the site: M" (+ not checked when > 0). */
export function verifiedWords(v) {
  const words = `Verified gone: ${formatCount(v.gone)}, still on the site: ${formatCount(v.stillPresent.length)}`;
  return v.notChecked > 0 ? `${words}, not checked: ${formatCount(v.notChecked)}` : words;
}

/**
 * A rehearsal's one row after its "verified" event: "still_present" when the site still has
 * the person, "gone" when the look-up found them gone, else "not_checked" (nothing was looked
 * up, e.g. the removal failed or the look-up itself did not answer).
 */
export function rehearsalVerdict(ev, accountId) {
  const still = Array.isArray(ev?.stillPresent) ? ev.stillPresent : [];
  if (still.includes(accountId) || still.length > 0) return 'still_present';
  if (count(ev?.gone) > 0) return 'gone';
  return 'not_checked';
}

/** The rehearsal's verdict in words. */
export const VERDICT_WORDS = {
  gone: 'Checked again: gone from the site.',
  still_present: 'Checked again: still on the site, although the removal was reported.',
  not_checked: 'Not checked again.',
};

/** Rows still to decide. */
export function leftCount(run) {
  return Math.max(0, run.total - run.done);
}

/** Which run controls make sense now. */
export function controls(run) {
  if (!run || run.state === 'finished') return { pause: false, resume: false, stop: false };
  return { pause: run.state === 'running', resume: run.state === 'paused', stop: true };
}

/** Is Atlassian still asking us to wait? */
export function throttled(run, now = Date.now()) {
  return run.state !== 'finished' && run.throttleUntil > now;
}

/**
 * What the button after a finished run offers: failed rows are sent again and rows never tried
 * go on, in the same run (Rust reopens them; nothing is planned twice). Null when nothing is left.
 */
export function retryLabel(run) {
  const c = run?.counters;
  if (!c || run.state !== 'finished') return null;
  if (c.failed && c.notAttempted) return `Retry ${plural(c.failed, 'failed row')} and go on`;
  if (c.failed) return `Retry ${plural(c.failed, 'failed row')}`;
  if (c.notAttempted) return `Go on with ${plural(c.notAttempted, 'row')} not attempted`;
  return null;
}

/** The counters in words, leaving out the kinds that did not happen. */
export function countersWords(c) {
  const parts = [`${formatCount(c.removed)} removed`];
  if (c.alreadyGone) parts.push(`${formatCount(c.alreadyGone)} already gone`);
  if (c.cannotRemove) parts.push(`${formatCount(c.cannotRemove)} could not be removed`);
  if (c.skipped) parts.push(`${formatCount(c.skipped)} skipped`);
  if (c.failed) parts.push(`${formatCount(c.failed)} failed`);
  if (c.notAttempted) parts.push(`${formatCount(c.notAttempted)} not attempted`);
  return parts.join(', ');
}

/** The end-of-run summary sentence(s). */
export function summaryWords(run) {
  const counts = countersWords(run.counters);
  const lead = {
    completed: `Finished: ${counts}.`,
    stopped: `Stopped before the end: ${counts}.`,
    credentials_rejected: `Stopped: Atlassian rejected the credentials or their rights. ${counts}.`,
    error: `Stopped by a problem on this computer: ${counts}. It can be resumed from the run history.`,
  }[run.finishStatus] ?? `Ended: ${counts}.`;
  return run.finishMessage ? `${lead} ${run.finishMessage}` : lead;
}

/** One history line for a `RunSummary`. */
export function historyWords(s) {
  const status = {
    completed: 'completed', stopped: 'stopped', credentials_rejected: 'stopped: credentials rejected',
  }[s.lastStatus] ?? (s.active ? 'running now' : s.runningElsewhere ? 'running in another window or terminal' : 'cut short');
  const host = String(s.site ?? '').replace(/^https?:\/\//, '').replace(/\/$/, '');
  const c = s.counters ? ` — ${countersWords({ ...zeroCounters(), ...s.counters })}` : '';
  const line = `${formatWhen(s.createdAt)} · ${host} · ${plural(Array.isArray(s.rows) ? s.rows.length : s.rows ?? 0, 'user')} · ${status}`;
  // A run whose journal cannot be read has no counts worth showing: say why instead.
  return s.problem ? `${line} — cannot be read: ${s.problem}` : `${line}${c}`;
}

/** The start-up offer to resume a run cut short, counting the rows really decided. */
export function resumeOfferWords(s) {
  const site = String(s.site ?? '').replace(/^https?:\/\//, '').replace(/\/$/, '');
  const rows = Array.isArray(s.rows) ? s.rows.length : s.rows;
  const count = Number.isFinite(s.decided) && rows ? ` (${formatCount(s.decided)} of ${plural(rows, 'user')} decided)` : '';
  return `A run on ${site} stopped before it finished${count}. Resume it where it stopped? No decision is repeated.`;
}

/**
 * The cut-short run to offer at start-up: the newest one ended by a crash, kill or power loss
 * (`cutShort`), never one running now. A run the admin stopped is not offered, only listed.
 */
export function findResumable(runs) {
  return (runs ?? []).find((r) => !r.active && !r.runningElsewhere && (r.cutShort ?? r.resumable)) ?? null;
}
