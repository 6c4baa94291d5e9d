// The history's undo of an organization run (issue 14): which finished runs offer one (Rust's
// `undo` on the run summary, and for a deletion its `undoUntil`), the button's words, and the
// Review step's note on the run an undo plan was made from. No DOM: tests/ui/org-lifecycle.

import { formatWhen } from './format.js';

/** Each undo action's history button, by `RunSummary.undo`. */
export const UNDO_BUTTONS = {
  restore: 'Restore these users',
  reactivate: 'Reactivate these accounts',
  cancel_delete: 'Cancel the deletions',
};

// What an undo plan says about the run it undoes, and what connecting first leads to.
const UNDO_WORDS = {
  restore: { going: 'Restoring the people', them: 'the people', did: 'suspended', runName: 'suspend', then: 'the restore' },
  reactivate: { going: 'Reactivating the accounts', them: 'the accounts', did: 'deactivated', runName: 'deactivate', then: 'the reactivation' },
  cancel_delete: { going: 'Cancelling the deletions', them: 'the deletions', did: 'scheduled', runName: 'delete-account', then: 'the cancellation' },
};

const undoVerb = { restore: 'restore', reactivate: 'reactivate', cancel_delete: 'cancel' };

/**
 * Does finished run `s` offer its undo at `now` (ms)? Rust names the undo only for an ended run
 * that did something; the page also drops a deletion whose grace period ended since the
 * history was read, and never offers one for a run going on.
 */
export function undoOffered(s, now = Date.now()) {
  if (!s || !UNDO_BUTTONS[s.undo]) return false;
  if (s.active || s.runningElsewhere || s.rehearsal || !((s.counters?.removed ?? 0) > 0)) return false;
  if (s.undoUntil == null) return true;
  const until = Date.parse(s.undoUntil);
  return Number.isFinite(until) && now < until;
}

/** The button: "Cancel the deletions (until 15 Dec 2026 14:05)", in the admin's clock. */
export function undoButtonWords(s) {
  const words = UNDO_BUTTONS[s.undo] ?? '';
  return s.undoUntil ? `${words} (until ${formatWhen(s.undoUntil)})` : words;
}

/** The button's tooltip: what the undo does, and for a deletion what happens after the day. */
export function undoButtonTitle(s) {
  const w = UNDO_WORDS[s.undo];
  if (!w) return '';
  const what = `Prepares a run that undoes this one (${w.them} it ${w.did}); you review and confirm it first.`;
  return s.undoUntil
    ? `${what} After ${formatWhen(s.undoUntil)} these accounts are deleted for good and cannot be brought back.`
    : what;
}

/**
 * The Review step's note on a plan made from run `run` ({ createdAt, orgName, undoUntil }):
 * "Reactivating the accounts the deactivate run of 3 Mar 2026 10:00 in Acme deactivated."
 */
export function fromRunWords(action, run) {
  const w = UNDO_WORDS[action];
  const when = formatWhen(run.createdAt);
  const where = run.orgName ? ` in ${run.orgName}` : '';
  if (!w) return `Acting on the people the run of ${when}${where} acted on.`;
  const until = action === 'cancel_delete' && run.undoUntil
    ? ` They can be cancelled until ${formatWhen(run.undoUntil)}; after that the accounts are deleted for good.`
    : '';
  return `${w.going} the ${w.runName} run of ${when}${where} ${w.did}.${until}`;
}

/** Asks for the connection an undo needs: "To reactivate the accounts this run deactivated, …". */
export function undoConnectWords(action, place) {
  const w = UNDO_WORDS[action] ?? UNDO_WORDS.restore;
  return `To ${undoVerb[action] ?? 'undo'} ${w.them} this run ${w.did}, connect to ${place} first. Offboard then prepares ${w.then}.`;
}
