// The imported users, kept columnar as the import result delivers them, plus what the page
// derives once per import so filtering 100,000 rows stays a tight loop: lowercase search
// strings, email domains, the id → row map, protection locks and the filter choices.

/** Why a row cannot be ticked: not at all, it is you, it is an org admin. */
export const LOCK_NONE = 0;
export const LOCK_SELF = 1;
export const LOCK_ADMIN = 2;

/** Per-row outcome codes (Uint8Array), 0 = no outcome yet. */
export const OUTCOMES = ['', 'removed', 'already_gone', 'cannot_remove', 'skipped', 'failed', 'not_attempted'];
export const outcomeCode = (name) => Math.max(0, OUTCOMES.indexOf(name));

// Separates fields in the search string so a query cannot match across name and email.
const SEP = '\u0001';

/** Lowercase domain of an email address ("" when there is none). */
export function emailDomain(email) {
  const at = email ? email.lastIndexOf('@') : -1;
  return at < 0 ? '' : email.slice(at + 1).trim().toLowerCase();
}

/**
 * Builds the roster from `Import.users` (columnar). `selfId` is the connected admin's account id
 * (or null before a connection): that row is locked for good.
 */
export function buildRoster(users, selfId = null) {
  const id = users.id ?? [];
  const n = id.length;
  const col = (name, fill) => {
    const c = users[name];
    return Array.isArray(c) && c.length === n ? c : new Array(n).fill(fill);
  };
  const name = col('name', '');
  const email = col('email', '');
  const status = col('status', '');
  const orgRole = col('orgRole', '');
  const lastSeen = col('lastSeen', null);
  // Products and groups arrive as indices into `productNames` / `groupNames` (a few dozen
  // names repeat over every row); turn them back into names once, here.
  const named = (c, names) => (Array.isArray(names) ? c.map((ix) => (ix ?? []).map((k) => names[k])) : c);
  const products = named(col('products', []), users.productNames);
  const groups = named(col('groups', []), users.groupNames);

  const search = new Array(n);
  const domain = new Array(n);
  const indexById = new Map();
  const locked = new Uint8Array(n);
  const statuses = new Set();
  const roles = new Set();
  const groupSet = new Set();
  const productSet = new Set();
  for (let i = 0; i < n; i++) {
    const e = email[i] ?? '';
    const joined = `${(name[i] ?? '').toLowerCase()}${SEP}${e.toLowerCase()}${SEP}${id[i].toLowerCase()}`;
    // A search flattens the joined (rope) string; do it now, at import, so the first keystroke
    // does not pay for flattening 100,000 of them at once.
    joined.includes(SEP + SEP);
    search[i] = joined;
    domain[i] = emailDomain(e);
    indexById.set(id[i], i);
    if (status[i]) statuses.add(status[i]);
    const role = (orgRole[i] ?? '').trim();
    if (role) {
      roles.add(role);
      locked[i] = LOCK_ADMIN;
    }
    for (const g of groups[i] ?? []) groupSet.add(g);
    for (const p of products[i] ?? []) productSet.add(p);
  }
  const sorted = (s) => [...s].sort((a, b) => a.localeCompare(b));
  const roster = {
    n, id, name, email, status, orgRole, lastSeen, products, groups,
    search, domain, indexById, locked,
    selfIndex: -1,
    outcome: new Uint8Array(n),
    message: new Array(n),
    facets: { statuses: sorted(statuses), roles: sorted(roles), groups: sorted(groupSet), products: sorted(productSet) },
  };
  setSelf(roster, selfId);
  return roster;
}

/**
 * Marks the connected admin's own row. A new connection moves the lock; the row that was you
 * before falls back to whatever its org role says. Returns the new self index (or -1).
 */
export function setSelf(roster, selfId) {
  const prev = roster.selfIndex;
  if (prev >= 0) roster.locked[prev] = (roster.orgRole[prev] ?? '').trim() ? LOCK_ADMIN : LOCK_NONE;
  const i = selfId == null ? -1 : roster.indexById.get(selfId) ?? -1;
  roster.selfIndex = i;
  if (i >= 0) roster.locked[i] = LOCK_SELF;
  return i;
}

