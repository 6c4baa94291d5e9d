// Step 3 in organization mode, beside review.js: the action choice (Suspend access, the
// recommended first step, preselected; Remove from the directory; Restore access; and apart,
// under "Managed accounts", Deactivate, Reactivate, Delete account, Cancel the deletion), each
// with the core's own explanation; the plan's protected and skipped people with the core's
// reasons; the dry run's findings (with Atlassian's reason for an account it does not allow);
// and the undo of an earlier run, chosen in the history (org-history.js).
//
// review.js keeps the plan's life (prepare, void, the typed phrase, start); it asks this module
// for the organization's plan and words whenever `app.mode` is "org".

import * as api from './api.js';
import { $, h } from './dom.js';
import { formatCount, plural } from './model/format.js';
import { protectedKind } from './model/org-roster.js';
import { ACTION_WORDS, orgPreflightWords, preflightRowWords, startLabel } from './model/org-words.js';
import { fromRunWords } from './model/org-undo.js';

const LISTED = 50; // rows listed by name under the protected list and the dry-run counts
const KIND_WORDS = { never: 'Never touched', locked: 'Locked', skipped: 'Skipped' };
// DESIGN.md §6: the org API publishes no limits, so organization runs start at 5 a second
// unless Rust says otherwise (`AppInfo.pace.defaultOrgRate`).
const ORG_RATE_FALLBACK = 5;

export function initOrgReview(app) {
  const box = $('#org-action');
  const protBox = $('#org-protected-box');
  const protList = $('#org-protected');
  const fromRunNote = $('#org-from-run');
  let drawnFor = null; // the plan whose protected rows are listed
  let paceMode = 'site'; // the mode the rate field's default was last set for

  for (const label of box.querySelectorAll('label.choice')) {
    const w = ACTION_WORDS[label.dataset.action];
    label.querySelector('.title').textContent = w.title;
    label.querySelector('.explain').textContent = w.explanation;
  }
  // Another action is another plan: the redraw voids the old one and asks for the new.
  box.addEventListener('change', (e) => {
    const radio = e.target.closest('input[name="org-action"]');
    if (!radio?.checked) return;
    app.orgAction = radio.value;
    app.refresh();
  });
  $('#org-from-run-clear').addEventListener('click', () => {
    app.orgFromRun = null;
    app.orgAction = 'suspend';
    app.refresh();
    app.go('review');
  });

  const on = () => app.mode === 'org';
  const fromRun = () => (on() ? app.orgFromRun : null);
  const actionOf = (plan) => plan?.action ?? app.orgAction;

  // Organization runs start slower than site runs: when the mode changes, the rate field moves
  // to the mode's default, unless the admin typed a pace of their own.
  function syncPace() {
    const rate = $('#pace-rate');
    const site = app.info?.pace?.defaultRate;
    const org = app.info?.pace?.defaultOrgRate ?? ORG_RATE_FALLBACK;
    if (site == null || rate.value === '' || paceMode === app.mode) return;
    paceMode = app.mode;
    const [want, other] = on() ? [org, site] : [site, org];
    if (rate.value === String(other)) {
      rate.value = String(want);
      rate.dispatchEvent(new Event('input'));
    }
  }

  function drawProtected(plan) {
    const prot = plan?.protected ?? [];
    protBox.hidden = prot.length === 0;
    if (drawnFor === plan) return;
    drawnFor = plan;
    const r = app.list?.roster;
    const counts = { never: 0, locked: 0, skipped: 0 };
    const items = [];
    for (const p of prot) {
      const i = r?.indexById.get(p.accountId);
      const kind = r ? protectedKind(r, i) : 'skipped';
      counts[kind]++;
      if (items.length >= LISTED) continue;
      const who = i === undefined ? p.accountId : `${r.name[i] || r.id[i]} (${r.email[i] || r.id[i]})`;
      items.push(h('li', { 'data-id': p.accountId, 'data-kind': kind },
        h('span', { class: 'kind', text: `${KIND_WORDS[kind]}: ` }), `${who} — ${p.reason}`));
    }
    protList.replaceChildren(...items);
    Object.assign(protBox.dataset, counts);
    $('#org-protected-title').textContent = `${plural(prot.length, 'selected person is', 'selected people are')} protected or skipped: nothing is done to them`;
    const more = $('#org-protected-more');
    more.hidden = prot.length <= items.length;
    more.textContent = `and ${formatCount(prot.length - items.length)} more.`;
    protBox.open = true;
  }

  return {
    on,
    fromRun,
    /** People to plan for: the selection, or (undoing a run) one run. */
    count: () => (fromRun() ? 1 : app.list?.count ?? 0),
    /** Asks Rust for the plan of the chosen action on the selection (or undoing a run). */
    prepare() {
      const run = fromRun();
      const list = app.list;
      return api.orgPrepare({
        action: app.orgAction,
        ids: run ? [] : list.selectedIds(),
        unlocked: run ? [] : list.unlockedIds(),
        unlockAdmins: false,
        fromRun: run?.runId ?? null,
      });
    },
    /** Draws the action choice, the from-run note and the plan's protected people. */
    draw(plan) {
      syncPace();
      if (!on()) return;
      const run = fromRun();
      for (const radio of box.querySelectorAll('input[name="org-action"]')) {
        radio.checked = radio.value === app.orgAction;
        radio.disabled = !!run && radio.value !== app.orgAction;
      }
      fromRunNote.hidden = !run;
      if (run) $('#org-from-run-words').textContent = fromRunWords(app.orgAction, run);
      drawProtected(plan);
    },
    /** The start button's words ("Suspend 12 people"); null in site mode. */
    startLabel: (plan, n) => (on() ? startLabel(actionOf(plan), n) : null),
    /** What the Run step needs to word the run. */
    runMeta: (plan) => (on() ? { action: actionOf(plan), directoryName: plan?.directoryName ?? app.connection?.directoryName ?? '' } : null),
    /** A run began: the undo of a run is used up. */
    started() {
      if (!fromRun()) return;
      app.orgFromRun = null;
      app.orgAction = 'suspend';
    },
    /** The dry run (`org_preflight`) in words, with the people it found something about. */
    showPreflight(p, el, plan) {
      const action = actionOf(plan);
      Object.assign(el.dataset, {
        wouldAct: p.wouldAct ?? 0, protected: p.protected ?? 0, notInDirectory: p.notInDirectory ?? 0, alreadyDone: p.alreadyDone ?? 0,
        notAllowed: p.notAllowed ?? 0,
      });
      const r = app.list?.roster;
      const notable = (p.rows ?? []).filter((x) => x.state !== 'would_act');
      const items = notable.slice(0, LISTED).map((x) => {
        const i = r?.indexById.get(x.accountId);
        const who = x.name || (i !== undefined ? r.name[i] : '') || x.accountId;
        return h('li', { 'data-id': x.accountId, 'data-state': x.state }, preflightRowWords(who, x, action));
      });
      el.replaceChildren(...[h('p', { text: orgPreflightWords(p, action) }),
        items.length ? h('ul', { class: 'plain-list notable' }, ...items) : null,
        notable.length > items.length ? h('p', { class: 'hint', text: `and ${formatCount(notable.length - items.length)} more.` }) : null,
      ].filter(Boolean));
    },
  };
}
