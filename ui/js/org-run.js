// The Run step's words for the run's action: a site removal says "Removed", a suspend run
// "Suspended", "Not in the directory", "Refused" (the core's `outcome_cell` in words), and the
// status and verification lines follow. run.js asks these for every run it shows.

import { $ } from './dom.js';
import { plural } from './model/format.js';
import { countLabels, goingWords, isOrgAction, orgVerifiedWords, outcomeLabels, stillPresentWords } from './model/org-words.js';
import { verifiedWords } from './model/run.js';

/**
 * Tags a run with its action and where it acts: `started.action` when Rust sends it, else what
 * started it (`meta`: the plan's action, a history entry's); site mode's removal otherwise.
 */
export function tagRun(run, started, meta) {
  run.action = started?.action ?? meta?.action ?? 'site_remove';
  run.where = started?.directoryName ?? meta?.directoryName ?? '';
  run.labels = outcomeLabels(run.action);
  run.stillWords = stillPresentWords(run.action);
  const l = countLabels(run.action);
  for (const [id, words] of [['removed', l.removed], ['already-gone', l.alreadyGone], ['cannot-remove', l.cannotRemove]]) {
    const dt = $(`#count-${id}-label`);
    dt.textContent = words;
    dt.title = words; // a narrow tile cuts the longer ones short
  }
  return run;
}

/** What the run is doing, while it goes on. */
export function goingLine(run, host) {
  return isOrgAction(run.action) ? goingWords(run.action, run.total, run.where) : `Removing ${plural(run.total, 'user')} from ${host}…`;
}

/** The verification line: Rust's sentence (already in the action's words), else the page's. */
export function verifiedLine(run, v) {
  return v.message || (isOrgAction(run.action) ? orgVerifiedWords(v, run.action) : verifiedWords(v));
}
