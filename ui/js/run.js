// Step 4, Run: progress, counts, pace, ETA, the throttle countdown, per-row outcomes,
// pause/resume/stop, and what to do at the end.

import * as api from './api.js';
import { $, busy, h, setError, setText } from './dom.js';
import { VirtualTable } from './vtable.js';
import { formatCount, formatCountdown, formatEta, formatRate, percent } from './model/format.js';
import { OUTCOMES } from './model/roster.js';
import {
  OUTCOME_LABELS, bufferedRun, controls, endedWords, heldRows, retryLabel, leftCount, rowId, rowMessage, rowStatus, rowsOf,
  selectedRows, summaryWords, throttled,
} from './model/run.js';
import { goingLine, tagRun, verifiedLine } from './org-run.js';

const ROW_HEIGHT = 32;

export function initRun(app) {
  const errorEl = $('#run-error');
  let dirty = false; // counts to redraw on the next frame (events come faster than frames)
  let latest = -1; // the last row decided since the last frame, to scroll to then
  let ticker = 0; // the throttle countdown's interval
  let follow = true; // keep the latest decided row on screen until the admin scrolls the table

  const table = new VirtualTable($('#run-table'), {
    rowHeight: ROW_HEIGHT,
    createRow() {
      const cells = ['name', 'email', 'outcome', 'http', 'message'].map((c) => h('div', { role: 'gridcell', class: `c-${c}` }));
      const el = h('div', {}, ...cells);
      el.cells = cells;
      return el;
    },
    renderRow(el, v) {
      const run = app.run;
      const id = rowId(run, v);
      const outcome = OUTCOMES[run.outcome[v]];
      el.dataset.id = id;
      el.dataset.outcome = outcome || 'pending';
      // Reported removed or already gone, yet found on the site when looked up again.
      const still = run.stillPresent[v] === 1;
      if (still) el.dataset.verified = 'still_present';
      else delete el.dataset.verified;
      const [name, email, out, http, message] = el.cells;
      setText(name, run.names[v] || id);
      setText(email, run.emails[v] ?? '');
      setText(out, outcome ? (run.labels ?? OUTCOME_LABELS)[outcome] : '…');
      setText(http, rowStatus(run, v));
      const words = still ? `${run.stillWords} ${rowMessage(run, v)}`.trim() : rowMessage(run, v);
      setText(message, words);
      message.title = words;
    },
  });

  // Any scrolling by the admin (wheel, keys, scrollbar) stops the table following the run.
  for (const type of ['wheel', 'keydown', 'pointerdown']) $('#run-table').addEventListener(type, () => { follow = false; }, { passive: true });

  function onApplied(run, ev, change) {
    if (run !== app.run || !change) return;
    if (change.what === 'row' && change.index >= 0) {
      const i = change.index;
      // The model's own copy of the message: one string per distinct message, not one a row.
      markRow(run, i);
      latest = i;
      table.schedule();
    }
    if (change.what === 'throttle') startTicker();
    if (change.what === 'state') {
      drawState();
      if (run.state === 'finished') finished(run);
    }
    if (change.what === 'released') app.steps.history.load();
    if (change.what === 'verified') {
      drawVerified(run);
      table.schedule();
      app.refresh(); // the run is wholly over: the Review step may plan again
    }
    if (!dirty) {
      dirty = true;
      requestAnimationFrame(() => {
        dirty = false;
        drawCounts();
        // Scrolling reads the layout: once a frame, to the last row decided, not once a row.
        if (latest >= 0 && follow && app.step === 'run') table.reveal(latest);
        latest = -1;
      });
    }
  }

  // A decided row in the Choose step's table too; gone from the site, it is unticked, so going
  // back and running again cannot ask twice.
  function markRow(run, i) {
    const outcome = OUTCOMES[run.outcome[i]];
    const id = rowId(run, i);
    if (!outcome || !id) return;
    app.steps.choose.markOutcome(id, outcome, rowMessage(run, i), run.labels?.[outcome]);
    if (outcome === 'removed' || outcome === 'already_gone') app.list?.deselectId(id);
  }

  // Every run command: the channel may speak before the command resolves. `held`: the rows the
  // page holds for the run, which Rust sends again only if they are not the run's (then it
  // sends the run's own). `meta`: an organization run's action and directory (org-run.js).
  async function begin(call, held, meta = null) {
    setError(errorEl, null);
    const buffer = bufferedRun(onApplied);
    const started = await call(buffer.onEvent, heldRows(held));
    // Events queued before `started` are folded into the model by attach; the page draws them
    // all at once below rather than one by one.
    const run = tagRun(buffer.attach(started, held), started, meta);
    app.run = run;
    for (let i = 0; i < run.outcome.length; i++) if (run.outcome[i]) markRow(run, i);
    $('#run-summary').hidden = true;
    $('#export-path').textContent = '';
    drawVerified(run);
    follow = true;
    table.setCount(run.total);
    drawAll();
    if (throttled(run)) startTicker();
    app.go('run');
    if (run.state === 'finished') finished(run);
    return run;
  }

  function drawCounts() {
    const run = app.run;
    if (!run) return;
    const c = run.counters;
    const set = (id, n) => ($(id).textContent = formatCount(n));
    set('#count-removed', c.removed);
    set('#count-already-gone', c.alreadyGone);
    set('#count-cannot-remove', c.cannotRemove);
    set('#count-skipped', c.skipped);
    set('#count-failed', c.failed);
    set('#count-left', leftCount(run));
    // Once the run has ended, what is left was never tried: say so.
    $('#count-left-label').textContent = run.state === 'finished' ? 'Not attempted' : 'Left';
    const bar = $('#run-progress');
    bar.max = Math.max(1, run.total);
    bar.value = Math.min(run.done, run.total);
    $('#run-percent').textContent = `${percent(run.done, run.total)} %`;
    $('#pace-now').textContent = run.state === 'finished' ? '–' : formatRate(run.ratePerSec);
    $('#eta').textContent = run.state === 'running' ? formatEta(run.etaSecs) : run.state === 'paused' ? 'paused' : '–';
    drawThrottle();
  }

  function drawState() {
    const run = app.run;
    const status = $('#run-status');
    const state = run?.state ?? 'finished';
    status.dataset.state = state;
    status.textContent = !run ? 'No run yet.'
      : state === 'running' ? goingLine(run, host(run.site))
      : state === 'paused' ? 'Paused. Requests already sent finish; no new ones start until you resume.'
      : endedWords(run);
    const can = controls(run);
    $('#pause').disabled = !can.pause;
    $('#resume').disabled = !can.resume;
    $('#stop').disabled = !can.stop;
    app.refresh();
  }

  function drawAll() {
    drawState();
    drawCounts();
  }

  function drawThrottle() {
    const run = app.run;
    const on = !!run && throttled(run);
    $('#throttle-banner').hidden = !on;
    if (on) {
      $('#throttle-countdown').textContent = formatCountdown(run.throttleUntil, Date.now());
      $('#throttle-reason').textContent = run.throttleReason ? `Reason: ${run.throttleReason}.` : '';
    } else if (ticker) {
      clearInterval(ticker);
      ticker = 0;
    }
  }

  // One tick a second while Atlassian asks us to wait; stops itself when the wait is over.
  function startTicker() {
    drawThrottle();
    if (!ticker) ticker = setInterval(drawThrottle, 1000);
  }

  function finished(run) {
    drawCounts();
    if (run.finishStatus === 'error') setError(errorEl, { message: run.finishMessage || 'The run could not go on.' });
    $('#run-summary-words').textContent = summaryWords(run);
    const retry = retryLabel(run);
    $('#retry-failed').hidden = !retry;
    $('#retry-failed').textContent = retry ?? '';
    $('#run-summary').hidden = false;
    drawVerified(run);
    app.steps.history.load();
  }

  // The look-up after the run: how many are verified gone, and who is still on the site.
  function drawVerified(run) {
    const el = $('#run-verified');
    const v = run?.verified;
    el.hidden = !v;
    if (!v) {
      el.replaceChildren();
      for (const k of ['gone', 'stillPresent', 'notChecked']) delete el.dataset[k];
      return;
    }
    Object.assign(el.dataset, { gone: v.gone, stillPresent: v.stillPresent.length, notChecked: v.notChecked });
    el.classList.toggle('warning', v.stillPresent.length > 0);
    // Rust's sentence already holds the counts (and what to do about survivors): say them once.
    el.replaceChildren(verifiedLine(run, v));
    // Arrives after "finished": the summary it belongs to is up by then.
    if (run.state === 'finished') $('#run-summary').hidden = false;
  }

  const control = (fn) => (e) => busy(e.currentTarget, async () => {
    setError(errorEl, null);
    try {
      await fn();
    } catch (err) {
      setError(errorEl, err);
    }
  }).then(drawState);
  $('#pause').addEventListener('click', control(api.pauseRun));
  $('#resume').addEventListener('click', control(api.resumeRun));
  $('#stop').addEventListener('click', control(api.stopRun));

  $('#export-results').addEventListener('click', (e) => busy(e.currentTarget, async () => {
    setError(errorEl, null);
    try {
      const path = await api.exportResults(app.run.runId);
      $('#export-path').textContent = path ? `Saved to ${path}` : '';
    } catch (err) {
      setError(errorEl, err);
    }
  }));

  // Failed rows are sent again inside the same run, and rows a Stop left go on: a row whose
  // earlier reply was lost and is gone now is "removed", and nothing is planned a second time.
  $('#retry-failed').addEventListener('click', (e) => busy(e.currentTarget, async () => {
    setError(errorEl, null);
    try {
      const run = app.run;
      await begin((onEvent, held) => api.retryRun(run.runId, onEvent, held), rowsOf(run), { action: run.action, directoryName: run.where });
    } catch (err) {
      setError(errorEl, err);
    }
  }));

  return {
    /**
     * Starts Rust's plan `planId` with the phrase the admin typed (Rust checks it). The plan was
     * made from the ticked rows, so the page holds its rows (an undo's plan it does not: Rust
     * sees that and sends them).
     */
    start: ({ planId, phrase, pace, meta }) =>
      begin((onEvent, heldRows) => api.startRun({ planId, phrase, pace, heldRows, onEvent }), selectedRows(app.list), meta),
    /** Resumes a run cut short; `meta` (a history entry) names its action. */
    continueRun: (runId, meta = null) => {
      // Its rows are held only if it is the run on screen (not after a restart).
      const held = app.run?.runId === runId ? rowsOf(app.run) : null;
      return begin((onEvent, heldRows) => api.continueRun(runId, onEvent, heldRows), held, meta);
    },
    refresh() {},
    enter() {
      if (app.run) table.setCount(app.run.total, { keepScroll: true });
      drawAll();
    },
  };
}

const host = (site) => String(site ?? '').replace(/^https?:\/\//, '').replace(/\/$/, '');
