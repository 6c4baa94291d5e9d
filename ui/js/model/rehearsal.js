// Who the rehearsal removes first: a default that is a person, and a search over every selected
// user for the picker. The page only suggests: Rust refuses a protected row, an app account and
// a customer account whatever is picked (`prepare_rehearsal`), and the dry run tells the rest.

import { queryWords } from './filter.js';
import { OUTCOMES } from './roster.js';

/**
 * What an account id's shape says before the site is asked: Atlassian gives app (bot) accounts
 * `557058:` ids and Jira Service Management customers `qm:` ids. Other apps may look like people,
 * which is why Rust asks the site; this only keeps the obvious ones from being the default.
 * Returns "app", "customer" or "".
 */
export function idKind(id) {
  const t = String(id ?? '').trim().toLowerCase();
  if (t.startsWith('557058:')) return 'app';
  if (t.startsWith('qm:')) return 'customer';
  return '';
}

// Outcomes after which a row has nothing more to show a rehearsal.
const SETTLED = new Set(['removed', 'already_gone', 'cannot_remove', 'skipped']);

/**
 * May row i be the default? A selected, unprotected row (not you, not an admin, even unlocked),
 * not an app or customer account by its id, not settled by an earlier run, and not in `avoid`
 * (ids the dry run flagged or Rust refused, to why).
 */
export function goodDefault(list, i, avoid = new Map()) {
  const r = list.roster;
  return list.isSelected(i)
    && list.lockKind(i) === ''
    && idKind(r.id[i]) === ''
    && !SETTLED.has(OUTCOMES[r.outcome[i]])
    && !avoid.has(r.id[i]);
}

/** The default person to rehearse on: the first good row in file order, or -1 when none is. */
export function defaultRehearsal(list, avoid = new Map()) {
  const n = list.roster.n;
  for (let i = 0; i < n; i++) if (goodDefault(list, i, avoid)) return i;
  return -1;
}

/**
 * The picker's choices: selected rows whose name, email or account id hold every word of
 * `query`, in file order, at most `limit` of them. Returns `{ rows, total }` (`total` = every
 * match, so the page can say how many are not listed).
 */
export function rehearsalChoices(list, query, limit) {
  const words = queryWords(query ?? '');
  const { search } = list.roster;
  const rows = [];
  let total = 0;
  for (let i = 0; i < list.roster.n; i++) {
    if (!list.isSelected(i)) continue;
    if (words.length && !words.every((w) => search[i].includes(w))) continue;
    total++;
    if (rows.length < limit) rows.push(i);
  }
  return { rows, total };
}

/** One option of the picker: "Name — email", and why it is a poor choice when known. */
export function rehearsalLabel(roster, i, why = '') {
  const who = `${roster.name[i] || '(no name)'} — ${roster.email[i] || roster.id[i]}`;
  return why ? `${who} (${why})` : who;
}
