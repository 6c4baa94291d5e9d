// Run history (in the Run step) and the start-up offer to resume a run that was cut short.

import * as api from './api.js';
import { $, busy, h, setError } from './dom.js';
import { findResumable, fullySuperseded, historyWords, resumeOfferWords } from './model/run.js';
import { initOrgHistory } from './org-history.js';

export function initHistory(app) {
  const dialog = $('#resume-offer');
  const offerError = $('#resume-offer-error');
  let offered = null; // the RunSummary in the dialog
  const org = initOrgHistory(app);

  function render() {
    // A run whose every undecided user a later run removed has nothing to resume: its line
    // says so (data-superseded counts those users) and it has no Resume button.
    $('#run-history').replaceChildren(...app.history.map((s) => h('li', {
      'data-run-id': s.runId, 'data-superseded': s.superseded > 0 ? String(s.superseded) : null, 'data-action': s.action ?? null,
    },
      h('span', { class: 'who', text: historyWords(s) }),
      h('span', { class: 'row-actions' },
        org.buttons(s),
        s.resumable && !s.active && !s.runningElsewhere && !fullySuperseded(s) ? h('button', { type: 'button', class: 'continue', text: 'Resume' }) : null,
        h('button', { type: 'button', class: 'export', text: 'Export results' })))));
    $('#history-box').hidden = app.history.length === 0;
  }

  async function load({ offer = false } = {}) {
    try {
      app.history = (await api.listRuns()) ?? [];
    } catch (err) {
      app.history = [];
      setError($('#run-error'), err);
    }
    render();
    app.refresh();
    if (offer) {
      const r = findResumable(app.history);
      if (r) show(r);
    }
  }

  function show(summary) {
    offered = summary;
    $('#resume-offer-words').textContent = resumeOfferWords(summary);
    setError(offerError, null);
    if (!dialog.open) dialog.showModal();
  }

  // Resuming needs a connection to the run's site; without one, send the admin to Connect
  // with the site filled in, and offer the run again once connected. A practice run goes on
  // on the practice site running now: its address changed since, its users did not.
  async function resume(summary, onError) {
    try {
      await app.steps.run.continueRun(summary.runId, summary);
      if (dialog.open) dialog.close();
    } catch (err) {
      if (err.kind === 'not_connected' && org.isOrg(summary)) {
        if (dialog.open) dialog.close();
        org.needConnection(summary, () => show(summary));
      } else if (err.kind === 'not_connected') {
        if (dialog.open) dialog.close();
        const practice = summary.practice ? app.info?.practice : null;
        const target = practice ? practice.site : summary.site;
        const site = practice ? 'the practice site' : summary.site.replace(/^https?:\/\//, '');
        app.steps.connect.needConnection(target, summary.email,
          `To resume the run on ${site}, connect to ${site} first. Offboard then offers the run again.`,
          () => show(summary));
      } else onError(err);
    }
  }

  $('#resume-offer-accept').addEventListener('click', (e) =>
    busy(e.currentTarget, () => resume(offered, (err) => setError(offerError, err))));
  $('#resume-offer-dismiss').addEventListener('click', () => dialog.close());
  $('#history-box').addEventListener('toggle', (e) => e.currentTarget.open && load());

  $('#run-history').addEventListener('click', async (e) => {
    const li = e.target.closest('li[data-run-id]');
    const button = e.target.closest('button');
    if (!li || !button) return;
    const summary = app.history.find((s) => s.runId === li.dataset.runId);
    if (!summary) return;
    setError($('#run-error'), null);
    if (button.classList.contains('undo-run')) {
      org.undo(summary);
    } else if (button.classList.contains('continue')) {
      await busy(button, () => resume(summary, (err) => setError($('#run-error'), err)));
    } else if (button.classList.contains('export')) {
      await busy(button, async () => {
        try {
          const path = await api.exportResults(summary.runId);
          $('#history-note').textContent = path ? `Saved to ${path}` : '';
        } catch (err) {
          setError($('#run-error'), err);
        }
      });
    }
  });

  return { load, render };
}
