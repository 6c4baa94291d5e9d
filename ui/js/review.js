// Step 3, Review: Rust's plan in words, the dry run, the one-user rehearsal with its own typed
// phrase, the pace, and the typed phrase that arms the run.
//
// Plans and phrases are Rust's (docs/window-contract.md). Whenever this step is drawn for a new
// state (the selection or an unlock changed, a connect was tried, an export was opened) the page
// voids its plan and asks `prepare_plan` for a new one, then `prepare_rehearsal` for the user
// in the picker; it shows their words and phrases, and sends back the plan's id with what the
// admin typed. Each plan is tagged with `app.planKey()` of the state it was prepared for, so an
// answer that comes back after the state moved on is never used.

import * as api from './api.js';
import { $, busy, h, setError } from './dom.js';
import { errorSlot } from './model/flow.js';
import { formatCount, formatDuration, plural } from './model/format.js';
import { NO_SELECTION_WORDS, armed, needsNewPlan, planDurationSecs, preflightWords } from './model/plan.js';
import { CANCELLED_WORDS, PRESENCE_WORDS, STARTING_WORDS, notableLine, notableRows } from './model/dry-run.js';
import { initDryRunProgress } from './dry-run.js';
import { OUTCOME_LABELS, VERDICT_WORDS, bufferedRun, heldRows, rehearsalVerdict } from './model/run.js';
import { initPaceFields } from './pace-fields.js';
import { initRehearsePicker } from './rehearse-picker.js';
import { initOrgReview } from './org-review.js';

const PREFLIGHT_LISTED = 50; // rows listed by name under the dry-run counts
const AUTO_PICKS = 5; // defaults Rust may refuse (not a person) before the page stops picking
const SEARCH_SETTLE_MS = 300; // a search picks a person: Rust is asked once the typing pauses
const retryable = (err) => err?.kind === 'busy' || err?.kind === 'stale_plan';

export function initReview(app) {
  const confirmText = $('#confirm-text');
  const confirmHint = $('#confirm-hint');
  const startBtn = $('#start-run');
  const dryBtn = $('#dry-run');
  const dryResult = $('#dry-run-result');
  const dryProgress = initDryRunProgress(); // the bar, counts and Cancel of a site's dry run
  const rehearseConfirm = $('#rehearse-confirm');
  const rehearseHint = $('#rehearse-hint');
  const rehearseBtn = $('#rehearse');
  const rehearseResult = $('#rehearse-result');
  const rehearseError = $('#rehearse-error');
  const errorEl = $('#review-error');
  const pace = initPaceFields({ onChange: () => { drawWords(); gate(); } });
  const picker = initRehearsePicker({ onPick: repicked });
  const org = initOrgReview(app); // organization mode's plan, action and words (org-review.js)
  // Where an error goes: next to the control its `field` names, else the step's own slot.
  const slots = { confirm: errorEl, rehearse: rehearseError, pace: $('#pace-error') };

  let seenKey = null; // app.planKey() the plans on the page belong to
  let planTicket = 0; // moves on every void and prepare: answers to older requests are dropped
  let rehearsalTicket = 0;
  let preparing = false;
  let pendingPlan = null; // the prepare in flight (the dry run may wait for it)
  let preparingRehearsal = false;
  let failedKey = null; // a prepare for this key failed: not asked again until the step is entered
  let failedRehearsalKey = null;
  let rehearsing = false;
  let rehearsalSeq = 0; // the rehearsal the result box speaks for
  let autoPicks = 0; // defaults Rust refused since the state last changed
  let settleTimer = 0;

  const count = () => (org.on() ? org.count() : app.list?.count ?? 0);
  const running = () => !!app.run && app.run.state !== 'finished';
  const isBusy = (button) => button.getAttribute('aria-busy') === 'true';
  const rehearsalKey = () => `${app.planKey()}|${picker.value()}`;
  const currentPlan = () => (app.plan && app.plan.key === app.planKey() ? app.plan : null);
  const currentRehearsal = () =>
    (app.rehearsalPlan && app.rehearsalPlan.key === rehearsalKey() ? app.rehearsalPlan : null);
  // Plans are asked for only when one could be used: a run or rehearsal going on waits.
  const canPrepare = () => !!app.connection && count() > 0 && !running() && !rehearsing;

  /** Voids the page's plans once the state they were prepared for is gone (any step). */
  function sync() {
    const key = app.planKey();
    if (key === seenKey) return;
    seenKey = key;
    voidPlan();
    autoPicks = 0;
    picker.fill(app.list);
    drawWords();
    gate();
  }

  // The run plan and all that hung on it: the typed phrase, the dry run, and the rehearsal's
  // plan and phrase (a new run plan is always followed by a new rehearsal plan).
  function voidPlan() {
    app.plan = null;
    planTicket++;
    preparing = false;
    pendingPlan = null;
    confirmText.value = '';
    clearDryRun();
    voidRehearsal();
  }

  function voidRehearsal() {
    app.rehearsalPlan = null;
    rehearsalTicket++;
    preparingRehearsal = false;
    rehearseConfirm.value = '';
    rehearseHint.textContent = '…';
  }

  function clearDryRun() {
    dryProgress.abandon(); // a dry run still going checks a plan that is no more
    dryResult.hidden = true;
    dryResult.replaceChildren();
    for (const k of Object.keys(dryResult.dataset)) delete dryResult.dataset[k];
  }

  /** Asks Rust for the plan of the current selection, then for the rehearsal's. */
  function prepare() {
    pendingPlan = prepareNow();
    return pendingPlan;
  }

  async function prepareNow() {
    const list = app.list;
    const key = app.planKey();
    const t = ++planTicket;
    preparing = true;
    setError(errorEl, null);
    drawWords();
    gate();
    try {
      const plan = await (org.on() ? org.prepare() : api.preparePlan(list.selectedIds(), list.unlockedIds()));
      if (t !== planTicket) return;
      app.plan = { ...plan, key };
      failedKey = null;
    } catch (err) {
      if (t !== planTicket) return;
      // "busy" (a run still finishing) or "stale_plan" (a connect or import while Rust read
      // the admins): the next redraw asks again. Anything else waits for the step's next entry.
      if (!retryable(err)) failedKey = key;
      setError(errorSlot(err, slots, errorEl), err);
    } finally {
      if (t === planTicket) preparing = false;
    }
    drawWords();
    gate();
    prepareRehearsal();
  }

  /** Throws the plan away and asks for a new one (Rust voided it, or the words differed). */
  function replan() {
    voidPlan();
    drawWords();
    gate();
    if (canPrepare()) prepare();
  }

  /** Asks Rust for the rehearsal plan of the user in the picker. */
  async function prepareRehearsal() {
    clearTimeout(settleTimer);
    const list = app.list;
    const id = picker.value();
    const i = id ? list?.roster.indexById.get(id) : undefined;
    const t = ++rehearsalTicket;
    app.rehearsalPlan = null;
    rehearseHint.textContent = '…';
    preparingRehearsal = false;
    setError(rehearseError, null);
    if (i === undefined || !canPrepare() || org.on()) {
      gate();
      return;
    }
    const key = rehearsalKey();
    preparingRehearsal = true;
    gate();
    try {
      const plan = await api.prepareRehearsal(id, list.unlocked[i] === 1);
      if (t !== rehearsalTicket) return;
      app.rehearsalPlan = { ...plan, key, accountId: id };
      rehearseHint.textContent = plan.phrase;
      failedRehearsalKey = null;
    } catch (err) {
      if (t !== rehearsalTicket) return;
      // The page's own default was refused (an app account that looks like a person, say):
      // mark it and offer the next person, a few times at most. The admin's pick is not
      // replaced: the refusal is shown.
      const refusal = err?.kind === 'not_a_person' || err?.kind === 'protected';
      if (refusal && !picker.pickedByAdmin(id) && autoPicks < AUTO_PICKS) {
        autoPicks++;
        picker.flag(id, err.kind === 'protected' ? 'protected' : 'app or customer account');
        if (picker.fill(list)) {
          prepareRehearsal();
          return;
        }
      }
      if (!retryable(err)) failedRehearsalKey = key;
      // "protected", "not_a_person" and the rest belong next to the rehearsal.
      setError(rehearseError, err);
    } finally {
      if (t === rehearsalTicket) preparingRehearsal = false;
    }
    gate();
  }

  // Draws the step; asks for whichever plan is missing and may be asked for now.
  function drawPlan() {
    sync();
    if (app.connection && canPrepare()) {
      if (!currentPlan()) {
        if (!preparing && failedKey !== seenKey) prepare();
      } else if (!currentRehearsal() && !preparingRehearsal && failedRehearsalKey !== rehearsalKey()) {
        prepareRehearsal();
      }
    }
    drawWords();
    gate();
  }

  function drawWords() {
    const plan = currentPlan();
    const words = plan ? plan.words
      : count() === 0 ? NO_SELECTION_WORDS
      : running() ? 'A run is going on. The plan is prepared again once it ends.'
      : rehearsing ? 'The plan is prepared again once the rehearsal ends.'
      : failedKey === seenKey && !preparing ? 'The plan could not be prepared.'
      : 'Preparing the plan…';
    $('#plan-words').textContent = words;
    const protection = $('#plan-protection');
    protection.textContent = plan?.protectionWords ?? '';
    protection.hidden = !protection.textContent;
    confirmHint.textContent = plan ? plan.phrase : '…';
    const n = plan && Number.isFinite(plan.toRemove) ? plan.toRemove : null;
    const p = pace.pace();
    const secs = n && p ? planDurationSecs(n, p.maxRate) : null;
    $('#plan-time').textContent = secs ? `At up to ${p.maxRate} per second this takes at least ${formatDuration(secs)}.` : '';
    startBtn.textContent = org.startLabel(plan, n) ?? (n != null ? `Remove ${plural(n, 'user')}` : 'Start removing');
    org.draw(plan);
  }

  // The person in the picker changed (the admin's pick, a search, a new default): the
  // rehearsal's plan and phrase are void; Rust is asked for the new one (once typing pauses).
  function repicked({ typing = false } = {}) {
    voidRehearsal();
    failedRehearsalKey = null;
    setError(rehearseError, null);
    gate();
    clearTimeout(settleTimer);
    if (typing) settleTimer = setTimeout(prepareRehearsal, SEARCH_SETTLE_MS);
    else prepareRehearsal();
  }

  // Each button arms only on its own plan, current, and the exact phrase Rust gave for it;
  // never while a run or the rehearsal is going on.
  function gate() {
    const going = running() || rehearsing;
    const paceOk = !!pace.pace();
    $('#pace-blocked').hidden = paceOk;
    startBtn.disabled = going || isBusy(startBtn) || !app.connection || !paceOk
      || !armed(currentPlan(), app.planKey(), confirmText.value);
    rehearseBtn.disabled = going || !armed(currentRehearsal(), rehearsalKey(), rehearseConfirm.value);
    // The dry run may be asked for while the plan is still being prepared: it waits for it.
    dryBtn.disabled = isBusy(dryBtn) || (!currentPlan() && !preparing);
  }

  // Enter in a phrase field presses its button, which acts only when the phrase matches (the
  // button is disabled otherwise); it never submits anything else.
  for (const [input, button] of [[confirmText, startBtn], [rehearseConfirm, rehearseBtn]]) {
    input.addEventListener('input', gate);
    input.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      e.preventDefault();
      gate();
      if (!button.disabled) button.click();
    });
  }

  dryBtn.addEventListener('click', () => busy(dryBtn, async () => {
    setError(errorEl, null);
    clearDryRun();
    // A site's dry run shows a bar with Cancel; an organization's says it is looking.
    const site = !org.on();
    const watch = site ? dryProgress.start() : null;
    if (!site) {
      dryResult.hidden = false;
      dryResult.textContent = STARTING_WORDS;
    }
    let plan = currentPlan();
    if (!plan && preparing) {
      await pendingPlan;
      plan = currentPlan();
    }
    if (!plan || watch?.cancelRequested) {
      const cancelled = !!plan;
      dryProgress.stop();
      clearDryRun();
      if (cancelled) showCancelled(); // cancelled while the plan was still being prepared
      return;
    }
    const t = planTicket;
    try {
      const p = await (site ? api.preflight(plan.planId, watch.onProgress) : api.orgPreflight(plan.planId));
      dryProgress.stop();
      if (t !== planTicket || currentPlan() !== plan) return; // the plan was voided meanwhile
      if (site) showPreflight(p);
      else org.showPreflight(p, dryResult, plan);
    } catch (err) {
      dryProgress.stop();
      if (t !== planTicket) return;
      clearDryRun();
      if (err?.kind === 'cancelled') {
        showCancelled();
        return;
      }
      if (needsNewPlan(err)) replan();
      setError(errorSlot(err, slots, errorEl), err);
    }
  }).then(gate));

  // Nothing was changed and nothing is wrong: the step is as it was before the dry run.
  function showCancelled() {
    dryResult.hidden = false;
    dryResult.dataset.cancelled = 'true';
    dryResult.textContent = CANCELLED_WORDS;
  }

  function showPreflight(p) {
    // Rust sends only the rows that are not a plain "exists", by plan row; the plan's rows
    // are the selection it was prepared from, unchanged while the plan is current.
    const notable = notableRows(p, app.list.selectedIds());
    Object.assign(dryResult.dataset, {
      exists: p.exists, alreadyGone: p.alreadyGone, appAccounts: p.appAccounts,
      customerAccounts: p.customerAccounts, protected: p.protected,
    });
    const r = app.list.roster;
    const words = PRESENCE_WORDS;
    const items = notable.slice(0, PREFLIGHT_LISTED).map((x) =>
      h('li', { 'data-id': x.accountId, 'data-presence': x.presence }, notableLine(x, r)));
    // App and customer accounts are seldom meant: offer to leave them out in one click.
    const odd = notable.filter((x) => x.presence === 'app_account' || x.presence === 'customer_account');
    const leaveOut = odd.length
      ? h('button', { type: 'button', class: 'leave-out', text: `Leave out the ${plural(odd.length, 'app or customer account', 'app and customer accounts')}` })
      : null;
    leaveOut?.addEventListener('click', () => {
      let n = 0;
      for (const x of odd) if (app.list.deselectId(x.accountId)) n++;
      // The selection changed: the plan and this dry run are void, a new plan is prepared.
      app.refresh();
      dryResult.hidden = false;
      dryResult.textContent = `Left out ${plural(n, 'account')}. Run the dry run again to check the rest.`;
    });
    // What the dry run flagged is never the rehearsal's default: pick again if it was.
    for (const x of notable) picker.flag(x.accountId, words[x.presence] ?? x.presence);
    if (picker.fill(app.list)) repicked();
    dryResult.replaceChildren(...[h('p', { text: preflightWords(p) }),
      items.length ? h('ul', { class: 'plain-list notable' }, ...items) : null,
      notable.length > items.length ? h('p', { class: 'hint', text: `and ${formatCount(notable.length - items.length)} more.` }) : null,
      leaveOut,
    ].filter(Boolean));
  }

  rehearseBtn.addEventListener('click', async () => {
    const plan = currentRehearsal();
    if (rehearsing || running() || !armed(plan, rehearsalKey(), rehearseConfirm.value)) return;
    const id = plan.accountId;
    const roster = app.list.roster;
    const i = roster.indexById.get(id);
    const phrase = rehearseConfirm.value.trim();
    setError(rehearseError, null);
    rehearsing = true;
    const seq = ++rehearsalSeq;
    rehearseResult.hidden = false;
    delete rehearseResult.dataset.outcome;
    delete rehearseResult.dataset.verified;
    rehearseResult.textContent = `Removing ${roster.name[i] || id}…`;
    drawWords();
    gate();
    const buffer = bufferedRun((run, ev) => {
      if (seq === rehearsalSeq) onRehearsalEvent(ev, roster.name[i] || id, id);
    });
    try {
      // The page holds the one row: Rust does not send it back.
      const started = await api.rehearse({ planId: plan.planId, phrase, heldRows: heldRows({ id: [id] }), onEvent: buffer.onEvent });
      // Used once: a later rehearsal gets a plan and phrase of its own (asked for at its end).
      if (app.rehearsalPlan === plan) voidRehearsal();
      buffer.attach(started);
    } catch (err) {
      rehearsing = false;
      rehearseResult.hidden = true;
      // Rust voided the plan or the words differ: ask for a new one (the redraw does).
      if (needsNewPlan(err) && app.rehearsalPlan === plan) voidRehearsal();
      app.refresh();
      setError(rehearseError, err); // protected, stale_plan, phrase, admins_unknown…
    }
  });

  function onRehearsalEvent(ev, name, id) {
    if (ev.type === 'row') {
      rehearseResult.dataset.outcome = ev.outcome;
      const status = ev.httpStatus ? ` (HTTP ${ev.httpStatus})` : '';
      rehearseResult.textContent = `${name}: ${OUTCOME_LABELS[ev.outcome] ?? ev.outcome}${status}. ${ev.message ?? ''}`.trim();
      app.steps.choose.markOutcome(id, ev.outcome, ev.message);
      // Already done: the rest of the plan must not ask for it again.
      if (ev.outcome === 'removed' || ev.outcome === 'already_gone') {
        if (app.list?.deselectId(id)) {
          rehearseResult.append(' ', h('span', { class: 'hint', text: 'Taken out of the rest of the plan.' }));
        }
      }
    } else if (ev.type === 'finished') {
      rehearsing = false;
      if (!rehearseResult.dataset.outcome) {
        rehearseResult.dataset.outcome = ev.status;
        rehearseResult.textContent = ev.message || 'The rehearsal ended without removing anyone.';
      }
      app.steps.history.load();
    } else if (ev.type === 'error') {
      // The rehearsal could not go on (its journal); no "finished" follows.
      rehearsing = false;
      if (!rehearseResult.dataset.outcome) rehearseResult.dataset.outcome = 'error';
      rehearseResult.append(' ', h('span', { class: 'hint', text: ev.message ?? '' }));
      app.steps.history.load();
    } else if (ev.type === 'verified') {
      // After "finished": the site looked up again for the one person.
      const verdict = rehearsalVerdict(ev, id);
      rehearseResult.dataset.verified = verdict;
      const words = [VERDICT_WORDS[verdict], ev.message].filter(Boolean).join(' ');
      rehearseResult.append(' ', h('span', { class: `verdict ${verdict}`, text: words }));
    }
    app.refresh(); // counts, the selection it changed, and the plans to prepare again
  }

  startBtn.addEventListener('click', () => busy(startBtn, async () => {
    setError(errorEl, null);
    pace.clearRustError();
    const plan = currentPlan();
    if (running() || rehearsing || !armed(plan, app.planKey(), confirmText.value)) return;
    const chosenPace = pace.show();
    if (!chosenPace) {
      pace.reveal();
      return;
    }
    try {
      // What the admin typed, trimmed: Rust checks it against the plan's phrase.
      await app.steps.run.start({ planId: plan.planId, phrase: confirmText.value.trim(), pace: chosenPace, meta: org.runMeta(plan) });
      org.started();
      // Used: the next run (e.g. the failed rows again) gets a plan of its own.
      voidPlan();
    } catch (err) {
      if (needsNewPlan(err)) {
        replan();
        setError(errorEl, err);
        confirmText.focus();
      } else if (err.field === 'pace') {
        pace.showRustError(err);
      } else setError(errorSlot(err, slots, errorEl), err);
    }
  }).then(() => {
    drawWords();
    gate();
  }));

  return {
    sync,
    refresh() {
      pace.load(app.info);
      sync();
      if (app.step === 'review') drawPlan();
    },
    enter() {
      pace.load(app.info);
      pace.show();
      // Entering the step asks again for a plan that could not be prepared before.
      failedKey = null;
      failedRehearsalKey = null;
      drawPlan();
    },
  };
}
