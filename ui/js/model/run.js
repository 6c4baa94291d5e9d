// A run as the window sees it, folded from `RunStarted` and the run events (docs/window-contract.md).
// The Run step and the rehearsal both use it. Built to stay flat through a 100,000-row run:
// the rows' names come from columns the page already held (or that Rust sent once), and each
// row's state is a few bytes in typed arrays — its outcome, its HTTP status and the number of
// its message among the run's distinct messages — so nothing grows with each event but what
// is new (a message never seen before). Counters move with each row and are corrected by the
// engine's own `progress` counters, which are authoritative.

import { OUTCOMES, outcomeCode } from './roster.js';
import { formatCount, formatWhen, plural } from './format.js';
import { isOrgAction, orgCountersWords, wordsOf } from './org-words.js';

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

/**
 * FNV-1a (32 bits) over the UTF-16 code units of each id, each followed by a line feed: the
 * same as Rust's `rows_check` (src-tauri/src/app/state/run_stream.rs), so Rust can tell whether
 * the rows the page holds are exactly a plan's, in its order.
 */
export function rowsCheck(ids) {
  let h = 0x811c9dc5;
  for (const id of ids) {
    const s = String(id);
    for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
    h = Math.imul(h ^ 10, 0x01000193);
  }
  return h >>> 0;
}

/** The `heldRows` argument of the run commands for rows `{ id, name, email }` (null: none held). */
export function heldRows(rows) {
  return rows?.id ? { count: rows.id.length, check: rowsCheck(rows.id) } : null;
}

/**
 * The ticked rows of a user list as run rows, in file order: a new plan's rows as Rust makes
 * them from this selection. Columns of the roster's own strings, so nothing is copied.
 */
export function selectedRows(list) {
  const rows = { id: [], name: [], email: [] };
  const r = list?.roster;
  if (!r) return rows;
  for (let i = 0; i < list.selected.length; i++) {
    if (!list.selected[i]) continue;
    rows.id.push(r.id[i]);
    rows.name.push(r.name[i]);
    rows.email.push(r.email[i]);
  }
  return rows;
}

/** A run's rows as columns, to hand back to Rust when going on with it (`heldRows`). */
export const rowsOf = (run) => ({ id: run.ids, name: run.names, email: run.emails });

/**
 * A run from the `RunStarted` a command resolved to, and the rows the page held for it:
 * `started.rows` when Rust sent them (the page did not hold them), else `held`.
 */
export function newRun(started, held = null) {
  const rows = started.rows ?? held ?? { id: [], name: [], email: [] };
  const n = Number.isFinite(started.total) ? started.total : rows.id.length;
  const run = {
    runId: started.runId,
    site: started.site ?? '',
    total: n,
    ids: rows.id,
    names: rows.name ?? [],
    emails: rows.email ?? [],
    outcome: new Uint8Array(n),
    httpStatus: new Uint16Array(n), // 0: none
    messageCode: new Uint32Array(n), // into `messages`; 0: no message
    messages: [''], // each distinct message once
    messageIndex: new Map([['', 0]]),
    // Rust leaves out a row's message when it is the last one it sent for that outcome.
    lastMessage: new Uint32Array(OUTCOMES.length),
    counters: zeroCounters(),
    done: 0,
    etaSecs: null,
    etaAt: 0, // when etaSecs was last set (ms)
    ratePerSec: null,
    state: 'running', // "running" | "paused" | "finished"
    finishStatus: null,
    finishMessage: '',
    throttleUntil: 0,
    throttleReason: '',
    lastRetry: null,
    verified: null, // { gone, stillPresent: [accountId], notChecked, message } once looked up again
    stillPresent: new Uint8Array(n), // 1: reported gone, yet still on the site
  };
  // The earlier sessions' decisions: a message chain of their own, before the events'.
  for (const d of started.decided ?? []) recordRow(run, d);
  run.lastMessage.fill(0);
  return run;
}

/** Row i's account id ('' when the page has no rows, as in a rehearsal). */
export const rowId = (run, i) => run.ids[i] ?? '';
/** Row i's message ('' for none). */
export const rowMessage = (run, i) => run.messages[run.messageCode[i]];
/** Row i's HTTP status, or null. */
export const rowStatus = (run, i) => run.httpStatus[i] || null;

function intern(run, text) {
  let code = run.messageIndex.get(text);
  if (code === undefined) {
    code = run.messages.length;
    run.messages.push(text);
    run.messageIndex.set(text, code);
  }
  return code;
}

// Sets one row's outcome, counting it once even if the engine reports it again.
function recordRow(run, ev) {
  const i = ev.row;
  const code = outcomeCode(ev.outcome);
  if (!Number.isInteger(i) || i < 0 || i >= run.outcome.length || !code) return -1;
  const said = ev.message == null ? run.lastMessage[code] : intern(run, String(ev.message));
  run.lastMessage[code] = said;
  const before = run.outcome[i];
  if (before) run.counters[COUNTER_KEYS[OUTCOMES[before]]] -= 1;
  else run.done += 1;
  run.outcome[i] = code;
  run.counters[COUNTER_KEYS[ev.outcome]] += 1;
  run.httpStatus[i] = ev.httpStatus ?? 0;
  run.messageCode[i] = said;
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
      // Left out by Rust when it repeats the last for the outcome: whoever reads the event next
      // (the rehearsal's line) gets the words themselves.
      if (index >= 0) ev.message = rowMessage(run, index);
      return { what: 'row', index };
    }
    case 'retrying':
      run.lastRetry = { row: ev.row, attempt: ev.attempt, delayMs: ev.delayMs, reason: ev.reason };
      return { what: 'counts' };
    case 'throttled': {
      // Several workers can be told to wait at once: the run waits for the longest of them, so
      // a shorter wait arriving later never shortens the countdown.
      const until = now + (ev.waitMs ?? 0);
      if (until >= run.throttleUntil) {
        run.throttleUntil = until;
        run.throttleReason = throttleWords(ev.reason, ev.status);
      }
      return { what: 'throttle' };
    }
    case 'pace':
      run.ratePerSec = ev.ratePerSec;
      return { what: 'counts' };
    case 'progress':
      if (ev.counters) run.counters = { ...zeroCounters(), ...ev.counters };
      if (Number.isFinite(ev.done)) run.done = ev.done;
      if (Number.isFinite(ev.total)) run.total = ev.total;
      steadyEta(run, ev.etaSecs, now);
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
        // The real progress: rows never tried are not done, whatever the end.
        run.done = sumCounters(run.counters) - run.counters.notAttempted;
      }
      // Rows with no outcome by now were never tried (the engine reported every row it tried
      // and could not settle as "failed" before finishing): show them so, not as pending.
      if (run.counters.notAttempted > 0) {
        const never = outcomeCode('not_attempted');
        for (let i = 0; i < run.outcome.length; i++) if (!run.outcome[i]) run.outcome[i] = never;
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
      // Once, after the run: one pass over the ids rather than an index kept all run long.
      const want = new Set(still);
      for (let i = 0; want.size && i < run.ids.length; i++) {
        if (want.has(run.ids[i])) {
          run.stillPresent[i] = 1;
          rows.push(i);
        }
      }
      return { what: 'verified', rows };
    }
    case 'released':
      // The window let go of the run: the history lists it as finished from now on.
      return { what: 'released' };
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
    /** `held`: the rows the page held for the run (see `newRun`). */
    attach(started, held = null) {
      run = newRun(started, held);
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

// Atlassian's `RateLimit-Reason` values (DESIGN.md §4), in words for an admin.
const THROTTLE_REASONS = {
  'jira-burst-based': 'too many requests in a short time',
  'jira-quota-tenant-based': "your site's request quota for this hour is used up",
  'jira-quota-global-based': "Atlassian's overall request quota is used up",
  'jira-per-issue-on-write': 'too many changes to one item',
  'jira-user-based': 'too many requests from this account',
};

/** Why Atlassian asked for a wait, in plain words (never the raw header value alone). */
export function throttleWords(reason, status) {
  const known = THROTTLE_REASONS[String(reason ?? '').trim().toLowerCase()];
  if (known) return known;
  if (status === 503) return 'Atlassian is busy for a moment';
  return 'the site limits how fast requests may come';
}

/**
 * Folds the engine's estimate into the one shown: the shown one counts down on its own, and a
 * new estimate replaces it when lower, or when clearly higher (a real slow-down: more than 15 %
 * and 10 s), so the "Time left" does not creep up while progress is steady.
 */
export function steadyEta(run, etaSecs, now) {
  if (etaSecs == null || !Number.isFinite(etaSecs)) {
    run.etaSecs = null;
    run.etaAt = now;
    return;
  }
  const projected = run.etaSecs == null ? null : Math.max(0, run.etaSecs - (now - (run.etaAt ?? now)) / 1000);
  const accept = projected == null || etaSecs <= projected || etaSecs > projected * 1.15 + 10;
  run.etaSecs = accept ? etaSecs : projected;
  run.etaAt = now;
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

/**
 * The end-of-run summary: the counts, what the end means, and the one way to go on. The status
 * line above it already says "Stopped." or "Finished.", so this does not say it again.
 */
export function summaryWords(run) {
  const counts = isOrgAction(run.action) ? orgCountersWords(run.counters, run.action) : countersWords(run.counters);
  const lead = {
    completed: `${upperFirst(counts)}.`,
    stopped: `${upperFirst(counts)}.`,
    credentials_rejected: `Atlassian rejected the credentials or their rights. ${upperFirst(counts)}.`,
    error: `A problem on this computer ended the run: ${counts}. It can be resumed from the run history.`,
  }[run.finishStatus] ?? `${upperFirst(counts)}.`;
  // The engine's own words add something only when the run ended on a problem.
  const said = ['credentials_rejected', 'error'].includes(run.finishStatus) && run.finishMessage ? ` ${run.finishMessage}` : '';
  const label = retryLabel(run);
  const next = label && run.finishStatus !== 'error' ? ` To go on with this run, press “${label}”.` : '';
  return `${lead}${said}${next}`;
}

const upperFirst = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/** The status line once a run has ended: how it ended and how far it got. */
export function endedWords(run) {
  const who = isOrgAction(run.action) ? plural(run.total, 'person', 'people') : plural(run.total, 'user');
  const far = `${formatCount(run.done)} of ${who} decided`;
  return {
    completed: `Finished: ${far}.`,
    stopped: `Stopped: ${far}.`,
    credentials_rejected: `Stopped: Atlassian rejected the credentials (${far}).`,
    error: `Stopped by a problem; the run can be resumed (${far}).`,
  }[run.finishStatus] ?? `Ended: ${far}.`;
}

// Where a run went: its host, or "the practice site" (whose port changes at every launch); an
// organization run, its organization.
function runPlace(s) {
  if (isOrgAction(s.action)) return s.orgName || (s.practice ? 'the practice organization' : 'the organization');
  return s.practice ? 'the practice site' : String(s.site ?? '').replace(/^https?:\/\//, '').replace(/\/$/, '');
}

const rowCount = (s) => (Array.isArray(s.rows) ? s.rows.length : s.rows ?? 0);

/**
 * What later runs on the same site did to a resumable run's undecided rows (`superseded` of
 * them removed or found gone; `supersededBy`: when those runs were planned, newest first), and
 * so what a resume would do. Empty when nothing, or when the run has nothing left anyway.
 */
export function supersededWords(s) {
  const left = rowCount(s) - (Number.isFinite(s.decided) ? s.decided : 0);
  const n = Number.isFinite(s.superseded) ? s.superseded : 0;
  if (!s.resumable || n <= 0 || left <= 0) return '';
  const by = Array.isArray(s.supersededBy) ? s.supersededBy : [];
  const who = by.length > 1 ? `later runs (the last on ${formatWhen(by[0])})` : by.length ? `a later run (${formatWhen(by[0])})` : 'a later run';
  if (n >= left) return `superseded: ${who} removed every user this one had left, so there is nothing to resume`;
  return `${who} removed ${formatCount(n)} of the ${plural(left, 'user')} this one had left: resuming finds them gone and goes on with the other ${formatCount(left - n)}`;
}

/** One history line for a `RunSummary`: when, rehearsal or run, account, site, size, status. */
export function historyWords(s) {
  const status = {
    completed: 'completed', stopped: 'stopped', credentials_rejected: 'stopped: credentials rejected',
  }[s.lastStatus] ?? (s.active ? 'running now' : s.runningElsewhere ? 'running in another window or terminal' : 'cut short');
  // An organization run says its action ("Suspend access") where a site run says who ran it.
  const org = isOrgAction(s.action);
  const kind = s.rehearsal ? 'Rehearsal' : 'Run';
  const who = org ? s.actionTitle || wordsOf(s.action).title : s.email ? `${kind} as ${s.email}` : kind;
  const counted = { ...zeroCounters(), ...s.counters };
  const c = s.counters ? ` — ${org ? orgCountersWords(counted, s.action) : countersWords(counted)}` : '';
  const size = org ? plural(rowCount(s), 'person', 'people') : plural(rowCount(s), 'user');
  const line = `${formatWhen(s.createdAt)} · ${who} · ${runPlace(s)} · ${size} · ${status}`;
  // A run whose journal cannot be read has no counts worth showing: say why instead.
  if (s.problem) return `${line} — cannot be read: ${s.problem}`;
  const later = supersededWords(s);
  return later ? `${line}${c} — ${later}` : `${line}${c}`;
}

/** The start-up offer to resume a run cut short, counting the rows really decided. */
export function resumeOfferWords(s) {
  const rows = rowCount(s);
  const count = Number.isFinite(s.decided) && rows ? ` (${formatCount(s.decided)} of ${plural(rows, 'user')} decided)` : '';
  const kind = s.rehearsal ? 'A rehearsal' : s.practice ? 'A practice run' : 'A run';
  const later = supersededWords(s);
  const since = later ? ` Since then, ${later}.` : '';
  return `${kind} on ${runPlace(s)} stopped before it finished${count}.${since} Resume it where it stopped? No decision is repeated.`;
}

/**
 * The cut-short run to offer at start-up: the newest one ended by a crash, kill or power loss
 * (`cutShort`), never one running now. A run the admin stopped is not offered, only listed.
 */
export function findResumable(runs) {
  const open = (r) => !r.active && !r.runningElsewhere && (r.cutShort ?? (r.resumable && !fullySuperseded(r)));
  return (runs ?? []).find(open) ?? null;
}

/** True when later runs removed every user a resumable run has left: Resume has nothing to do. */
export function fullySuperseded(s) {
  const left = rowCount(s) - (Number.isFinite(s.decided) ? s.decided : 0);
  return !!s.resumable && left > 0 && Number.isFinite(s.superseded) && s.superseded >= left;
}
