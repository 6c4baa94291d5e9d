// The imported users, kept columnar as the import result delivers them, plus what the page
// derives once per import so filtering 100,000 rows stays a tight loop: lowercase search
// strings, email domains, the id → row map, protection locks and the filter choices.

/** Why a row cannot be ticked: not at all, it is you, it is an admin. */
export const LOCK_NONE = 0;
export const LOCK_SELF = 1;
export const LOCK_ADMIN = 2;
/** Organization mode: never tickable and never unlockable (an organization admin). */
export const LOCK_NEVER = 3;

/** The words a locked row carries (its title and screen-reader text). */
export const SELF_REASON = 'This is you: Offboard never removes the account it is signed in with';
export const LIVE_ADMIN_REASON = "in your site's site-admins group";
const FILE_ADMIN_REASON = 'the export marks this person as an admin';

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
 * and `liveAdminIds` the site's site-admins group as the connection read it (both empty before a
 * connection; `setLocks` moves them when a connection comes later or changes).
 *
 * A row is admin-locked when the file says why it is an admin (`users.admin[i]` non-empty) or
 * its id is in the live group; your own row is locked as "self" above that.
 */
export function buildRoster(users, selfId = null, liveAdminIds = []) {
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
  // "YYYY-MM-DD", "never" or "unreadable"; null only if the column is missing altogether.
  const lastSeen = col('lastSeen', null);
  // The file's admin signals. Should the column be missing altogether (outside the contract),
  // fall back to the org role so an admin is never left unlocked for want of it.
  const admin = Array.isArray(users.admin) && users.admin.length === n
    ? users.admin
    : orgRole.map((r) => ((r ?? '').trim() ? `Org role: ${r.trim()}` : ''));
  // Products and groups arrive as indices into `productNames` / `groupNames` (a few dozen
  // names repeat over every row); turn them back into names once, here.
  const named = (c, names) => (Array.isArray(names) ? c.map((ix) => (ix ?? []).map((k) => names[k])) : c);
  const products = named(col('products', []), users.productNames);
  const groups = named(col('groups', []), users.groupNames);

  const search = new Array(n);
  const domain = new Array(n);
  const indexById = new Map();
  const fileAdmin = new Uint8Array(n);
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
    if (role) roles.add(role);
    if (typeof admin[i] === 'string' && admin[i] !== '') fileAdmin[i] = 1;
    for (const g of groups[i] ?? []) groupSet.add(g);
    for (const p of products[i] ?? []) productSet.add(p);
  }
  const sorted = (s) => [...s].sort((a, b) => a.localeCompare(b));
  const roster = {
    n, id, name, email, status, orgRole, admin, lastSeen, products, groups,
    search, domain, indexById,
    fileAdmin, // 1 where the file says the row is an admin
    liveAdmin: new Uint8Array(n), // 1 where the connection's site-admins group has the row
    locked: new Uint8Array(n),
    selfIndex: -1,
    outcome: new Uint8Array(n),
    message: new Array(n),
    facets: { statuses: sorted(statuses), roles: sorted(roles), groups: sorted(groupSet), products: sorted(productSet) },
  };
  setLocks(roster, selfId, liveAdminIds);
  return roster;
}

/**
 * Recomputes every row's lock for a connection: `selfId` (your own row) and `liveAdminIds`
 * (the site-admins group it read). A new connection moves both; the rows they leave fall back
 * to what the file says. Returns the self index (or -1).
 */
export function setLocks(roster, selfId, liveAdminIds = []) {
  const { n, locked, fileAdmin, liveAdmin, indexById } = roster;
  liveAdmin.fill(0);
  for (const id of liveAdminIds ?? []) {
    const i = indexById.get(id);
    if (i !== undefined) liveAdmin[i] = 1;
  }
  for (let i = 0; i < n; i++) locked[i] = fileAdmin[i] || liveAdmin[i] ? LOCK_ADMIN : LOCK_NONE;
  const self = selfId == null ? -1 : indexById.get(selfId) ?? -1;
  roster.selfIndex = self;
  if (self >= 0) locked[self] = LOCK_SELF;
  return self;
}

/** Why row i is locked, in words ("" when it is not). */
export function lockReason(roster, i) {
  const lock = roster.locked[i];
  if (lock === LOCK_SELF) return SELF_REASON;
  if (lock !== LOCK_ADMIN) return '';
  if (roster.fileAdmin[i]) return roster.admin[i].trim() || FILE_ADMIN_REASON;
  return LIVE_ADMIN_REASON;
}
