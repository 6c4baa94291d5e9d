// The run history's organization parts: the undo of every reversible finished run ("Restore
// these users" after a suspend, "Reactivate these accounts" after a deactivate, "Cancel the
// deletions (until …)" after a delete while its grace period lasts). An undo is a run of its
// own: Rust prepares it from that run and the Review step shows it, with its own typed phrase.
// Also the way back to the run's organization when a resume or an undo needs it.

import { h } from './dom.js';
import { isOrgAction } from './model/org-words.js';
import { undoButtonTitle, undoButtonWords, undoConnectWords, undoOffered } from './model/org-undo.js';

export function initOrgHistory(app) {
  const orgOf = (s) => s.orgName || (s.practice ? 'the practice organization' : 'its organization');

  /** Connected to the run's organization now? (The history names it; the id is not listed.) */
  function connectedTo(s) {
    const name = app.steps.orgConnect.connectedOrg();
    return !!name && (!s.orgName || s.orgName === name);
  }

  /** Prepares the undo of run `s` (`s.undo`: restore, reactivate, cancel_delete) at Review. */
  function undo(s) {
    if (!connectedTo(s)) {
      app.steps.orgConnect.needConnection(s.orgName, undoConnectWords(s.undo, orgOf(s)), () => undo(s));
      return;
    }
    app.orgFromRun = {
      runId: s.runId, createdAt: s.createdAt, orgName: s.orgName ?? '', action: s.action, undoUntil: s.undoUntil ?? null,
    };
    app.orgAction = s.undo;
    app.refresh();
    app.go('review');
  }

  return {
    isOrg: (s) => isOrgAction(s.action),
    /** A finished run that can be undone offers it (`data-undo` names the undo action). */
    buttons(s) {
      if (!undoOffered(s)) return null;
      // `restore-run` is the suspend run's button since issue 13 (docs/window-contract.md).
      const cls = s.undo === 'restore' ? 'undo-run restore-run' : 'undo-run';
      return h('button', {
        type: 'button', class: cls, 'data-undo': s.undo, 'data-until': s.undoUntil ?? null,
        title: undoButtonTitle(s), text: undoButtonWords(s),
      });
    },
    undo,
    /** A resume of an organization run needs a connection to its organization. */
    needConnection(s, then) {
      app.steps.orgConnect.needConnection(s.orgName,
        `To resume the run in ${orgOf(s)}, connect to ${orgOf(s)} first. Offboard then offers the run again.`, then);
    },
  };
}
