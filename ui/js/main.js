// Start-up and the one shared state object the four steps read and write. Each step lives in
// its own module; this one only moves between them and keeps the step rail true.

import * as api from './api.js';
import { $ } from './dom.js';
import { STEPS, fallbackStep, stepStates } from './model/flow.js';
import { initConnect } from './connect.js';
import { initChoose } from './choose.js';
import { initReview } from './review.js';
import { initRun } from './run.js';
import { initHistory } from './history.js';
import { initAbout } from './about.js';
import { initOrgConnect } from './org-connect.js';

const app = {
  info: null, // AppInfo
  connection: null, // Connection of the last good check
  list: null, // UserList of the imported export
  importInfo: null, // Import without its users
  // Rust's plans, each tagged with the `key` of the state it was prepared for (review.js).
  // Voided (null) by any connect attempt, any import, any change of the selection or unlocks.
  plan: null, // Plan for the run
  rehearsalPlan: null, // Plan of one row for the rehearsal (with its accountId)
  planEpoch: 0, // bumped by each connect attempt and import: Rust voids its plans then
  run: null, // the run shown in the Run step (model/run.js)
  history: [], // [RunSummary]
  step: 'connect',
  steps: {},
  // Organization mode (DESIGN.md §6): the Connect step's choice. Each mode keeps its own list;
  // `connection` is the mode's (an org connection has `kind: "org"`).
  mode: 'site', // "site" | "org"
  lists: { site: null, org: null },
  orgAction: 'suspend', // the Review step's action in organization mode
  orgFromRun: null, // { runId, orgName }: Review restores the people an earlier run suspended

  facts() {
    const fromRun = this.mode === 'org' && !!this.orgFromRun;
    return {
      connected: !!this.connection,
      imported: !!this.list || fromRun,
      selected: fromRun ? 1 : this.list?.count ?? 0,
      // The history alone opens the Run step only once connected: nothing goes past Connect
      // without a good check.
      hasRun: !!this.run || (!!this.connection && this.history.length > 0),
      runStarted: !!this.run,
      runFinished: this.run?.state === 'finished',
    };
  },

  /** The state a plan is prepared for: connections and imports so far, and the selection. */
  planKey() {
    if (this.mode === 'org' && this.orgFromRun) return `${this.planEpoch}:run:${this.orgFromRun.runId}:${this.orgAction}`;
    const key = this.list ? `${this.planEpoch}:${this.list.version}` : '';
    // In organization mode another action is another plan.
    return key && this.mode === 'org' ? `${key}:${this.orgAction}` : key;
  },

  /** A connect attempt or an import: Rust voids its plans, so the page voids its own. */
  voidPlans() {
    this.planEpoch++;
    this.steps.review?.sync();
  },

  /** Redraws the rail and the gates that depend on the shared state. */
  refresh() {
    const { enabled, done } = stepStates(this.facts());
    for (const step of STEPS) {
      const b = $(`#steps button[data-step="${step}"]`);
      b.disabled = !enabled[step];
      if (step === this.step) b.setAttribute('aria-current', 'step');
      else b.removeAttribute('aria-current');
      if (done[step]) b.dataset.done = 'true';
      else delete b.dataset.done;
    }
    for (const s of Object.values(this.steps)) s.refresh?.();
    return enabled;
  },

  /** Shows a step (or the last open one before it); keeps every step's state. */
  go(wanted) {
    const enabled = stepStates(this.facts()).enabled;
    const step = enabled[wanted] ? wanted : fallbackStep(wanted, enabled);
    const changed = step !== this.step;
    this.step = step;
    for (const s of STEPS) $(`#step-${s}`).hidden = s !== step;
    this.refresh();
    this.steps[step]?.enter?.();
    if (changed) $(`#step-${step} h1`)?.focus?.({ preventScroll: true });
  },
};

async function start() {
  app.steps.connect = initConnect(app);
  app.steps.orgConnect = initOrgConnect(app);
  app.steps.choose = initChoose(app);
  app.steps.review = initReview(app);
  app.steps.run = initRun(app);
  const history = initHistory(app);
  app.steps.history = history;

  $('#steps').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-step]');
    if (b && !b.disabled) app.go(b.dataset.step);
  });

  try {
    app.info = await api.appInfo();
  } catch (e) {
    app.steps.connect.showError(e);
  }
  $('#practice-badge').hidden = !app.info?.practice;
  initAbout(app.info);
  document.body.classList.toggle('practice', !!app.info?.practice);
  await app.steps.connect.load();
  app.steps.orgConnect.load();
  app.steps.choose.load();
  app.go('connect');
  await history.load({ offer: true });
}

// Headings get focus on step change so screen readers announce the new step.
for (const h of document.querySelectorAll('.step h1')) h.tabIndex = -1;

start();
