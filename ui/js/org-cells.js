// The user table's organization-mode cells (managed, identity provider, last active in Jira and
// in Confluence), built once per recycled row and filled from the org roster (`org-roster.js`).
// Admin roles share the site's role cell, with its Unlock button.

import { h, setText } from './dom.js';
import { formatDay } from './model/format.js';

/** The organization cells of one row, in the order the header lists them. */
export function createOrgCells() {
  const cell = (name) => h('div', { role: 'gridcell', class: `c-${name} org-only` });
  return { managed: cell('managed'), synced: cell('synced'), jira: cell('jira'), confluence: cell('confluence') };
}

// Last active: ISO time → "3 Jan 2024" (its UTC day); never active → "Never".
const lastActive = (t) => formatDay(t == null || t === '' ? 'never' : String(t).slice(0, 10));

/** Fills a row's organization cells for roster row i; marks a row the core will skip. */
export function fillOrgCells(el, c, r, i) {
  setText(c.managed, r.managed[i] ? 'Managed' : 'Not managed');
  setText(c.synced, r.noMembership[i] ? 'No membership' : r.synced[i] ? 'Synced' : '');
  setText(c.jira, lastActive(r.lastJira[i]));
  setText(c.confluence, lastActive(r.lastConfluence[i]));
  const skip = r.noMembership[i] ? 'no_membership' : r.synced[i] ? 'synced' : '';
  if (skip) el.dataset.skip = skip;
  else delete el.dataset.skip;
  const note = r.note[i] ?? '';
  if (c.synced.title !== note) c.synced.title = note;
  // The lock's reason is the row's title; a skipped row's note takes its place.
  if (!el.dataset.locked && el.title !== note) el.title = note;
}
