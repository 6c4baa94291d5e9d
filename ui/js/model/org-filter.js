// Organization mode's filters over the org roster (`org-roster.js`), with the meaning of
// `offboard org users` (session/org/filter.rs): last active in Jira or Confluence before a day
// (never active counts as before any day; that day itself does not), status, managed or not,
// provisioned by an identity provider or not, admins or not. The search is site mode's.

import { queryWords } from './filter.js';

/** The yes/no filters' values ("" means either). */
export const YES = 'yes';
export const NO = 'no';

/** The filters as the page holds them; "" means "any". Days are "YYYY-MM-DD". */
export function emptyOrgFilters() {
  return { query: '', status: '', managed: '', synced: '', admins: '', jiraBefore: '', confluenceBefore: '' };
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Was a person last active in a product before `day`? `last` is the product's last-active time
 * (ISO 8601, compared by its UTC day) or null: never active, which counts as before any day.
 * A value that is not a time never matches: an unknown date must not put someone on the list.
 */
export function activeBefore(last, day) {
  if (last == null || last === '') return true;
  const d = String(last).slice(0, 10);
  return ISO_DAY.test(d) && d < day;
}

const yesNo = (want, is) => (want === YES ? is : want === NO ? !is : true);

/** Builds the row predicate for `f`, or null when nothing filters. */
export function compileOrg(roster, f) {
  const checks = [];
  const words = queryWords(f.query ?? '');
  if (words.length) {
    const s = roster.search;
    checks.push((i) => words.every((w) => s[i].includes(w)));
  }
  if (f.status) checks.push((i) => roster.status[i] === f.status);
  if (f.managed) checks.push((i) => yesNo(f.managed, roster.managed[i] === 1));
  if (f.synced) checks.push((i) => yesNo(f.synced, roster.synced[i] === 1));
  if (f.admins) checks.push((i) => yesNo(f.admins, roster.adminRoles[i].length > 0));
  if (f.jiraBefore) checks.push((i) => activeBefore(roster.lastJira[i], f.jiraBefore));
  if (f.confluenceBefore) checks.push((i) => activeBefore(roster.lastConfluence[i], f.confluenceBefore));
  if (!checks.length) return null;
  if (checks.length === 1) return checks[0];
  return (i) => {
    for (const c of checks) if (!c(i)) return false;
    return true;
  };
}
