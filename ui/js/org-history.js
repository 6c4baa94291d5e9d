// The run history's organization parts: "Restore these users" on a finished suspend run (a
// restore of the people it suspended, prepared by Rust from that run and reviewed like any
// other), and the way back to the run's organization when a resume or a restore needs it.

import { h } from './dom.js';
import { isOrgAction } from './model/org-words.js';

export function initOrgHistory(app) {
  const orgOf = (s) => s.orgName || (s.practice ? 'the practice organization' : 'its organization');

  /** Connected to the run's organization now? (The history names it; the id is not listed.) */
  function connectedTo(s) {
    const name = app.steps.orgConnect.connectedOrg();
    return !!name && (!s.orgName || s.orgName === name);
  }

  /** Prepares the restore of the people run `s` suspended, then opens the Review step. */
  function restore(s) {
    if (!connectedTo(s)) {
      app.steps.orgConnect.needConnection(s.orgName,
        `To restore the people this run suspended, connect to ${orgOf(s)} first. Offboard then prepares the restore.`,
        () => restore(s));
      return;
    }
    app.orgFromRun = { runId: s.runId, createdAt: s.createdAt, orgName: s.orgName ?? '' };
    app.orgAction = 'restore';
    app.refresh();
    app.go('review');
  }

  return {
    isOrg: (s) => isOrgAction(s.action),
    /** A finished suspend run that suspended someone offers to undo it. */
    buttons(s) {
      const undo = s.undo === 'restore' && !s.active && !s.runningElsewhere && !s.rehearsal && (s.counters?.removed ?? 0) > 0;
      return undo ? h('button', { type: 'button', class: 'restore-run', text: 'Restore these users' }) : null;
    },
    restore,
    /** A resume of an organization run needs a connection to its organization. */
    needConnection(s, then) {
      app.steps.orgConnect.needConnection(s.orgName,
        `To resume the run in ${orgOf(s)}, connect to ${orgOf(s)} first. Offboard then offers the run again.`, then);
    },
  };
}
