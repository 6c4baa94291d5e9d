// Step 3, Review: the plan in words, the dry run, the one-user rehearsal, the pace, and the
// typed phrase that arms the run.

import * as api from './api.js';
import { $, busy, h, setError } from './dom.js';
import { formatCount, formatDuration, plural } from './model/format.js';
import { confirmPhrase, phraseMatches, planDurationSecs, planWords, preflightWords, readPace } from './model/plan.js';
import { OUTCOME_LABELS, bufferedRun } from './model/run.js';

const REHEARSE_CHOICES = 200; // the picker lists this many of the selected users
const PREFLIGHT_LISTED = 50; // rows listed by name under the dry-run counts

export function initReview(app) {
  const confirmText = $('#confirm-text');
  const startBtn = $('#start-run');
  const dryResult = $('#dry-run-result');
  const rehearseResult = $('#rehearse-result');
  const rehearseUser = $('#rehearse-user');
  const errorEl = $('#review-error');
  let seenVersion = -1; // selection version the page was drawn for
  let rehearsing = false;

  const count = () => app.list?.count ?? 0;
  const running = () => !!app.run && app.run.state !== 'finished';

  // Draws what depends on the selection; a changed selection voids the typed phrase and the
  // dry run, which described another set of users.
  function drawPlan() {
    const list = app.list;
    if (!list || !app.connection) return;
    const n = count();
    $('#plan-words').textContent = planWords(n, app.connection.host);
    if (list.version !== seenVersion) {
      seenVersion = list.version;
      confirmText.value = '';
      dryResult.hidden = true;
      dryResult.replaceChildren();
      for (const k of ['exists', 'alreadyGone', 'appAccounts', 'customerAccounts', 'protected']) delete dryResult.dataset[k];
      fillRehearsePicker();
    }
    $('#confirm-hint').textContent = confirmPhrase(n);
    const pace = readPace($('#pace-rate').value, $('#pace-in-flight').value).pace;
    const secs = pace && planDurationSecs(n, pace.maxRate);
    $('#plan-time').textContent = secs ? `At up to ${pace.maxRate} per second this takes at least ${formatDuration(secs)}.` : '';
    startBtn.textContent = n ? `Remove ${plural(n, 'user')}` : 'Start removing';
    gate();
  }

  function fillRehearsePicker() {
    const list = app.list;
    const r = list.roster;
    const keep = rehearseUser.value;
    const rows = list.firstSelected(REHEARSE_CHOICES);
    rehearseUser.replaceChildren(...rows.map((i) =>
      h('option', { value: r.id[i], text: `${r.name[i] || '(no name)'} — ${r.email[i] || r.id[i]}` })));
    if (rows.some((i) => r.id[i] === keep)) rehearseUser.value = keep;
    if (list.count > REHEARSE_CHOICES) {
      rehearseUser.title = `The first ${REHEARSE_CHOICES} of ${formatCount(list.count)} selected users`;
    }
  }

  // The start button arms only on the exact phrase, with no run or rehearsal going.
  function gate() {
    const ok = phraseMatches(confirmText.value, count()) && !running() && !rehearsing && !!app.connection;
    startBtn.disabled = !ok;
    $('#rehearse').disabled = rehearsing || running() || !rehearseUser.value;
    $('#dry-run').disabled = count() === 0;
  }

  confirmText.addEventListener('input', gate);
  // Enter never starts a run: only the button does.
  confirmText.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') e.preventDefault();
  });
  for (const id of ['#pace-rate', '#pace-in-flight']) {
    $(id).addEventListener('input', () => {
      setError($('#pace-error'), null);
      drawPlan();
    });
  }

  $('#dry-run').addEventListener('click', (e) => busy(e.currentTarget, async () => {
    setError(errorEl, null);
    dryResult.hidden = false;
    dryResult.textContent = 'Looking up every selected account…';
    try {
      const p = await api.preflight(app.list.selectedIds(), app.list.unlockedIds());
      showPreflight(p);
    } catch (err) {
      dryResult.hidden = true;
      setError(errorEl, err);
    }
  }));

  function showPreflight(p) {
    Object.assign(dryResult.dataset, {
      exists: p.exists, alreadyGone: p.alreadyGone, appAccounts: p.appAccounts,
      customerAccounts: p.customerAccounts, protected: p.protected,
    });
    const r = app.list.roster;
    const notable = (p.rows ?? []).filter((x) => x.presence !== 'exists');
    const words = { already_gone: 'already gone', app_account: 'app account', customer_account: 'customer account', protected: 'protected' };
    const items = notable.slice(0, PREFLIGHT_LISTED).map((x) => {
      const i = r.indexById.get(x.accountId);
      const who = i === undefined ? x.accountId : `${r.name[i] || r.id[i]} (${r.email[i] || r.id[i]})`;
      return h('li', { 'data-id': x.accountId, 'data-presence': x.presence },
        `${who}: ${words[x.presence] ?? x.presence}${x.detail ? ` — ${x.detail}` : ''}`);
    });
    // App and customer accounts are seldom meant: offer to leave them out in one click.
    const odd = (p.rows ?? []).filter((x) => x.presence === 'app_account' || x.presence === 'customer_account');
    const leaveOut = odd.length
      ? h('button', { type: 'button', class: 'leave-out', text: `Leave out the ${plural(odd.length, 'app or customer account', 'app and customer accounts')}` })
      : null;
    leaveOut?.addEventListener('click', () => {
      let n = 0;
      for (const x of odd) if (app.list.deselectId(x.accountId)) n++;
      app.refresh();
      drawPlan(); // the selection changed: the dry run no longer describes it
      dryResult.hidden = false;
      dryResult.textContent = `Left out ${plural(n, 'account')}. Run the dry run again to check the rest.`;
    });
    dryResult.replaceChildren(...[h('p', { text: preflightWords(p) }),
      items.length ? h('ul', { class: 'plain-list notable' }, ...items) : null,
      notable.length > items.length ? h('p', { class: 'hint', text: `and ${formatCount(notable.length - items.length)} more.` }) : null,
      leaveOut,
    ].filter(Boolean));
  }

  rehearseUser.addEventListener('change', gate);
  $('#rehearse').addEventListener('click', async () => {
    const id = rehearseUser.value;
    const i = app.list.roster.indexById.get(id);
    if (i === undefined) return;
    setError(errorEl, null);
    rehearsing = true;
    gate();
    rehearseResult.hidden = false;
    delete rehearseResult.dataset.outcome;
    rehearseResult.textContent = `Removing ${app.list.roster.name[i] || id}…`;
    const buffer = bufferedRun((run, ev) => onRehearsalEvent(ev, i));
    try {
      buffer.attach(await api.rehearse(id, app.list.unlocked[i] === 1, buffer.onEvent));
    } catch (err) {
      rehearseResult.hidden = true;
      setError(errorEl, err);
      rehearsing = false;
      gate();
    }
  });

  function onRehearsalEvent(ev, i) {
    const r = app.list.roster;
    const name = r.name[i] || r.id[i];
    if (ev.type === 'row') {
      rehearseResult.dataset.outcome = ev.outcome;
      const status = ev.httpStatus ? ` (HTTP ${ev.httpStatus})` : '';
      rehearseResult.textContent = `${name}: ${OUTCOME_LABELS[ev.outcome] ?? ev.outcome}${status}. ${ev.message ?? ''}`.trim();
      app.steps.choose.markOutcome(ev.accountId, ev.outcome, ev.message);
      // Already done: the rest of the plan must not ask for it again.
      if (ev.outcome === 'removed' || ev.outcome === 'already_gone') {
        if (app.list.deselectId(ev.accountId)) {
          rehearseResult.append(' ', h('span', { class: 'hint', text: 'Taken out of the rest of the plan.' }));
        }
      }
    } else if (ev.type === 'finished') {
      rehearsing = false;
      if (!rehearseResult.dataset.outcome) {
        rehearseResult.dataset.outcome = ev.status;
        rehearseResult.textContent = ev.message || 'The rehearsal ended without removing anyone.';
      }
      app.refresh();
      app.steps.history.load();
    }
    drawPlan();
  }

  startBtn.addEventListener('click', () => busy(startBtn, async () => {
    setError(errorEl, null);
    setError($('#pace-error'), null);
    const n = count();
    if (!phraseMatches(confirmText.value, n)) return;
    const read = readPace($('#pace-rate').value, $('#pace-in-flight').value);
    if (read.error) {
      $('#advanced').open = true;
      setError($('#pace-error'), { message: read.error });
      $(`#${read.field}`).focus();
      return;
    }
    try {
      await app.steps.run.start(app.list.selectedIds(), app.list.unlockedIds(), read.pace);
      confirmText.value = '';
    } catch (err) {
      if (err.field === 'pace') {
        $('#advanced').open = true;
        setError($('#pace-error'), err);
      } else setError(errorEl, err);
    }
  }).then(gate));

  return {
    refresh() {
      if (app.step === 'review') drawPlan();
    },
    enter: drawPlan,
  };
}
