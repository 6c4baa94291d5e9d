// Organization mode's users (`OrgUsers.users` columns from `org_load_users` or
// `org_import_export`), kept columnar like the site roster so the same list, table and filters
// work on them, plus what organization mode adds: admin roles, managed, synced, membership, last
// active per product.
//
// Locks follow the core's guards (DESIGN.md §6), so the table never offers what Rust refuses:
// - an organization admin is never tickable and has no unlock (the API key belongs to one);
// - any other admin role (site admin, user access admin) starts locked, unlocked row by row;
// - people an identity provider provisions, and accounts without membership, may be ticked but
//   are marked: the core skips them (a restore excepted) and the Review step says why.

import { LOCK_ADMIN, LOCK_NEVER, LOCK_NONE } from './roster.js';

/** The organization admin role (without Atlassian's `atlassian/` prefix): the key's owner holds it. */
export const ORG_ADMIN_ROLE = 'org-admin';

const ROLE_WORDS = { 'org-admin': 'Organization admin', 'site-admin': 'Site admin', 'user-access-admin': 'User access admin' };

/** A role as Rust sends it ("site-admin"), or as Atlassian names it ("atlassian/site-admin"). */
export const roleKey = (role) => String(role ?? '').trim().replace(/^atlassian\//, '');

/** An admin platform role in words ("site-admin" → "Site admin"). */
export function roleWords(role) {
  const r = roleKey(role);
  return ROLE_WORDS[r] ?? r;
}

const STATUS_WORDS = {
  active: 'Active', suspended: 'Suspended', not_invited: 'Not invited', deactivated: 'Deactivated',
  for_deletion: 'Pending deletion',
};

/** A user's status as admin.atlassian.com words it ("for_deletion" → "Pending deletion"). */
export function statusWords(status) {
  const s = String(status ?? '').trim();
  return STATUS_WORDS[s] ?? (s ? s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, ' ') : '');
}

/** Why an organization admin's row cannot be ticked. */
export const ORG_ADMIN_REASON = 'Organization admin: Offboard never touches organization admins (the API key belongs to one; remove the admin role at admin.atlassian.com first)';
/** The note on a row an identity provider provisions. */
export const SYNCED_NOTE = 'Provisioned by your identity provider: Offboard skips them; remove them in your identity provider, or Atlassian would re-create them';
/** The note on an account without membership in the directory. */
export const NO_MEMBERSHIP_NOTE = 'Not a member of this directory: there is no membership to suspend or remove, so Offboard skips it';

/** The lock of one row and why, from its admin roles: `{ lock, reason }`. */
export function orgLock(adminRoles) {
  const roles = (adminRoles ?? []).map(roleKey).filter(Boolean);
  if (roles.includes(ORG_ADMIN_ROLE)) return { lock: LOCK_NEVER, reason: ORG_ADMIN_REASON };
  if (roles.length) return { lock: LOCK_ADMIN, reason: `admin role: ${roles.map(roleWords).join(', ')}` };
  return { lock: LOCK_NONE, reason: '' };
}

/** How the page sorts a row for the Review step's protected list: "never", "locked", "skipped". */
export function protectedKind(roster, i) {
  if (i === undefined || i < 0) return 'skipped';
  if (roster.locked[i] === LOCK_NEVER) return 'never';
  if (roster.synced[i] || roster.noMembership[i]) return 'skipped';
  return roster.locked[i] === LOCK_ADMIN ? 'locked' : 'skipped';
}

// Separates fields in the search string so a query cannot match across name and email.
const SEP = '\u0001';

/** `flags` bits of `OrgUsers.users` (org_dto.rs). */
export const MANAGED = 1;
export const SYNCED = 2;
export const NO_MEMBERSHIP = 4;

// Read-only columns organization mode does not have (site mode's last seen, products, groups):
// every index reads as undefined, which the table shows as empty.
const NONE = Object.freeze([]);

/**
 * Builds the roster from `OrgUsers.users` (columns, org_dto.rs) in one pass over the rows. What
 * repeats (a status's words, a set of admin roles' lock and reason) is worked out once per
 * distinct value, not per row; ids, names, emails and days are the answer's own arrays. The
 * search strings and the id → row map are made on first use (the search's warm-up, once the
 * table is drawn), so the table comes up without waiting for them.
 */
export function buildOrgRoster(users) {
  const c = users && Array.isArray(users.id) ? users : { id: [] };
  const n = c.id.length;
  const col = (name, fill) => (Array.isArray(c[name]) && c[name].length === n ? c[name] : new Array(n).fill(fill));
  const id = c.id;
  const name = col('name', '');
  const email = col('email', '');
  const statusCode = col('status', -1);
  const roleCode = col('roles', -1);
  const flags = col('flags', 0);
  // Once per distinct status and per distinct set of roles.
  const words = (Array.isArray(c.words) ? c.words : []).map((w) => ({ key: String(w ?? '').trim(), shown: statusWords(w) }));
  const sets = (Array.isArray(c.roleSets) ? c.roleSets : []).map((set) => {
    const roles = Array.isArray(set) ? set : [];
    const { lock, reason } = orgLock(roles);
    return { roles, lock, reason, words: roles.map(roleWords).join(', '), admin: roles.length ? 1 : 0 };
  });
  const noWord = { key: '', shown: '' };
  const noRoles = { roles: NONE, lock: LOCK_NONE, reason: '', words: '', admin: 0 };

  let search = null;
  let indexById = null;
  const r = {
    kind: 'org', n, id, name, email,
    lastJira: col('lastActiveJira', null), lastConfluence: col('lastActiveConfluence', null), addedToOrg: col('addedToOrg', null),
    status: new Array(n), statusKey: new Array(n), orgRole: new Array(n), admin: new Array(n),
    adminRoles: new Array(n), note: new Array(n), lockWhy: new Array(n),
    lastSeen: NONE, products: NONE, groups: NONE,
    managed: new Uint8Array(n), synced: new Uint8Array(n), noMembership: new Uint8Array(n),
    fileAdmin: new Uint8Array(n), liveAdmin: new Uint8Array(n), locked: new Uint8Array(n),
    selfIndex: -1, outcome: new Uint8Array(n), message: new Array(n).fill(''), outcomeLabel: new Array(n).fill(''),
    /** Lowercase "name, email, id" per row, for the search. */
    get search() {
      if (!search) {
        search = new Array(n);
        for (let i = 0; i < n; i++) {
          const joined = `${String(name[i] ?? '').toLowerCase()}${SEP}${String(email[i] ?? '').toLowerCase()}${SEP}${String(id[i] ?? '').toLowerCase()}`;
          // Flattened now (as site mode does) so the first keystroke does not flatten them all.
          joined.includes(SEP + SEP);
          search[i] = joined;
        }
      }
      return search;
    },
    /** Account id → row. */
    get indexById() {
      if (!indexById) {
        indexById = new Map();
        for (let i = 0; i < n; i++) indexById.set(String(id[i] ?? ''), i);
      }
      return indexById;
    },
  };
  const seen = new Uint8Array(words.length);
  for (let i = 0; i < n; i++) {
    const code = statusCode[i];
    const word = words[code] ?? noWord;
    r.statusKey[i] = word.key;
    r.status[i] = word.shown;
    if (word !== noWord) seen[code] = 1;
    const set = sets[roleCode[i]] ?? noRoles;
    r.adminRoles[i] = set.roles;
    r.orgRole[i] = set.words;
    r.locked[i] = set.lock;
    r.lockWhy[i] = set.reason;
    r.admin[i] = set.admin ? set.reason : '';
    r.fileAdmin[i] = set.admin;
    const f = flags[i];
    r.managed[i] = f & MANAGED ? 1 : 0;
    r.synced[i] = f & SYNCED ? 1 : 0;
    r.noMembership[i] = f & NO_MEMBERSHIP ? 1 : 0;
    r.note[i] = f & NO_MEMBERSHIP ? NO_MEMBERSHIP_NOTE : f & SYNCED ? SYNCED_NOTE : '';
  }
  const statuses = new Set(words.filter((w, k) => seen[k] && w.shown).map((w) => w.shown));
  r.facets = { statuses: [...statuses].sort((a, b) => a.localeCompare(b)), roles: [], groups: [], products: [] };
  return r;
}
