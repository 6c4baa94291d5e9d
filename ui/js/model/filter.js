// Filters and search over the roster, producing the visible rows as an Int32Array of row
// indices in file order. One pass per change; a search that only grows re-filters the rows
// it already had instead of all of them (typing "smith" narrows five times, cheaply).

/** Value of the role select meaning "users without an org role". */
export const NO_ROLE = '(none)';

/** The filters as the page holds them; "" means "any". */
export function emptyFilters() {
  return { query: '', status: '', role: '', group: '', product: '', lastSeenBefore: '', domain: '' };
}

/** Does any filter narrow the rows? (The "Clear filters" button is for these.) */
export function filtersActive(f) {
  return Object.values(f ?? {}).some((v) => String(v ?? '').trim() !== '');
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september',
  'october', 'november', 'december'];
const DAY_WORDS = 'Type a day like 2024-01-31 or 31 Jan 2024';

/** "YYYY-MM-DD" for a real day, else null. */
function isoDay(y, m, d) {
  if (!(y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= 31)) return null;
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null; // 30 Feb and the like
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** 1–12 for a month's name or its first three letters ("Sept" too), else 0. */
function monthOf(word) {
  const w = word.toLowerCase();
  return MONTHS.findIndex((m) => w === m || w === m.slice(0, 3) || (w === 'sept' && m === 'september')) + 1;
}

/**
 * Reads the "Seen before" field as typed: `{ day: "YYYY-MM-DD" }`, `{ day: "" }` when empty, or
 * `{ error }` with words for the admin. Takes the year first (2024-01-31, 2024/1/31) or the
 * month as a word (31 Jan 2024, Jan 31 2024, the export's own form); 01/02/2024 is refused as
 * it reads two ways.
 */
export function parseDay(text) {
  const t = String(text ?? '').trim();
  if (t === '') return { day: '' };
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(t);
  let day = m ? isoDay(+m[1], +m[2], +m[3]) : null;
  if (!m) {
    m = /^(\d{1,2})[\s-]+([a-z]+)\.?,?[\s-]+(\d{4})$/i.exec(t);
    if (m && monthOf(m[2])) day = isoDay(+m[3], monthOf(m[2]), +m[1]);
    else {
      m = /^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$/i.exec(t);
      if (m && monthOf(m[1])) day = isoDay(+m[3], monthOf(m[1]), +m[2]);
    }
  }
  if (day) return { day };
  if (/^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$/.test(t)) {
    return { error: `“${t}” reads two ways (day or month first). ${DAY_WORDS}.` };
  }
  return { error: `“${t}” is not a day Offboard can read. ${DAY_WORDS}.` };
}

/** Lowercase words of a search box: every word must appear in name, email or account id. */
export function queryWords(query) {
  return query.trim().toLowerCase().split(/\s+/).filter(Boolean);
}

/** "Example.COM, @acme.io" → ["example.com", "acme.io"]. */
export function domainList(text) {
  return text.split(/[\s,;]+/).map((d) => d.trim().toLowerCase().replace(/^@/, '')).filter(Boolean);
}

function domainMatches(domain, wanted) {
  for (const w of wanted) {
    // The domain itself or one of its subdomains ("eu.acme.io" for "acme.io"), never "notacme.io".
    if (domain === w || domain.endsWith('.' + w)) return true;
  }
  return false;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}/;

/**
 * Does a row's last-seen value (`Import.users.lastSeen[i]`) count as seen before `day`?
 * "never" does: those are the accounts to clear first. A date does when it is earlier (ISO
 * "YYYY-MM-DD", so string order is date order). "unreadable", or anything else the page cannot
 * read as a date, never does: an unknown date must not put someone on the list.
 */
export function seenBefore(seen, day) {
  if (seen === 'never') return true;
  return typeof seen === 'string' && ISO_DAY.test(seen) && seen.slice(0, 10) < day;
}

/** Builds the row predicate for `f`, or null when nothing filters (every row passes). */
export function compile(roster, f) {
  const words = queryWords(f.query ?? '');
  const checks = [];
  if (words.length) {
    const s = roster.search;
    if (words.length === 1) {
      const w = words[0];
      checks.push((i) => s[i].includes(w));
    } else {
      checks.push((i) => words.every((w) => s[i].includes(w)));
    }
  }
  if (f.status) checks.push((i) => roster.status[i] === f.status);
  if (f.role === NO_ROLE) checks.push((i) => !(roster.orgRole[i] ?? '').trim());
  else if (f.role) checks.push((i) => (roster.orgRole[i] ?? '').trim() === f.role);
  if (f.group) checks.push((i) => (roster.groups[i] ?? []).includes(f.group));
  if (f.product) checks.push((i) => (roster.products[i] ?? []).includes(f.product));
  if (f.lastSeenBefore) {
    const d = f.lastSeenBefore;
    checks.push((i) => seenBefore(roster.lastSeen[i], d));
  }
  const domains = domainList(f.domain ?? '');
  if (domains.length) checks.push((i) => domainMatches(roster.domain[i], domains));
  if (!checks.length) return null;
  if (checks.length === 1) return checks[0];
  return (i) => {
    for (const c of checks) if (!c(i)) return false;
    return true;
  };
}

/** True when `next` can only keep rows that `prev` kept: same filters, search only grew. */
export function narrows(prev, next) {
  if (!prev) return false;
  for (const k of Object.keys(next)) {
    if (k !== 'query' && (prev[k] ?? '') !== (next[k] ?? '')) return false;
  }
  const a = (prev.query ?? '').toLowerCase();
  const b = (next.query ?? '').toLowerCase();
  return b.startsWith(a);
}

/**
 * The visible rows for `f`. With `within` (the previous result) and `narrows(prev, f)`,
 * only those rows are tested. `make` builds the row predicate (organization mode has its own).
 */
export function filterRows(roster, f, within = null, make = compile) {
  const test = make(roster, f);
  const source = within;
  if (!test) {
    if (source) return source.slice();
    const all = new Int32Array(roster.n);
    for (let i = 0; i < roster.n; i++) all[i] = i;
    return all;
  }
  const out = new Int32Array(source ? source.length : roster.n);
  let k = 0;
  if (source) {
    for (let j = 0; j < source.length; j++) if (test(source[j])) out[k++] = source[j];
  } else {
    for (let i = 0; i < roster.n; i++) if (test(i)) out[k++] = i;
  }
  return out.slice(0, k);
}
