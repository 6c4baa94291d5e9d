// Organization mode's users (`OrgUserRow`s from `org_load_users` or `org_import_export`), kept
// columnar like the site roster so the same list, table and filters work on them, plus what
// organization mode adds: admin roles, managed, synced, membership, last active per product.
//
// Locks follow the core's guards (DESIGN.md §6), so the table never offers what Rust refuses:
// - an organization admin is never tickable and has no unlock (the API key belongs to one);
// - any other admin role (site admin, user access admin) starts locked, unlocked row by row;
// - people an identity provider provisions, and accounts without membership, may be ticked but
//   are marked: the core skips them (a restore excepted) and the Review step says why.

import { LOCK_ADMIN, LOCK_NEVER, LOCK_NONE, emailDomain } from './roster.js';

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

/** Builds the roster from `[OrgUserRow]` (the other arguments are site mode's and unused). */
export function buildOrgRoster(rows) {
  const list = Array.isArray(rows) ? rows : [];
  const n = list.length;
  const col = () => new Array(n);
  const r = {
    kind: 'org', n,
    id: col(), name: col(), email: col(), status: col(), statusKey: col(), orgRole: col(), admin: col(),
    adminRoles: col(), lastJira: col(), lastConfluence: col(), addedToOrg: col(), note: col(),
    lastSeen: new Array(n).fill(null), products: new Array(n).fill(null).map(() => []),
    groups: new Array(n).fill(null).map(() => []),
    managed: new Uint8Array(n), synced: new Uint8Array(n), noMembership: new Uint8Array(n),
    search: col(), domain: col(), indexById: new Map(),
    fileAdmin: new Uint8Array(n), liveAdmin: new Uint8Array(n), locked: new Uint8Array(n), lockWhy: col(),
    selfIndex: -1, outcome: new Uint8Array(n), message: col(), outcomeLabel: col(),
  };
  const statuses = new Set();
  for (let i = 0; i < n; i++) {
    const u = list[i] ?? {};
    const id = String(u.accountId ?? '');
    const email = u.email ?? '';
    const roles = Array.isArray(u.adminRoles) ? u.adminRoles : [];
    r.id[i] = id;
    r.name[i] = u.name ?? '';
    r.email[i] = email;
    r.statusKey[i] = String(u.status ?? '').trim();
    r.status[i] = statusWords(u.status);
    if (r.status[i]) statuses.add(r.status[i]);
    r.adminRoles[i] = roles;
    r.orgRole[i] = roles.map(roleWords).join(', ');
    r.managed[i] = u.managed ? 1 : 0;
    r.synced[i] = u.synced ? 1 : 0;
    r.noMembership[i] = u.noMembership ? 1 : 0;
    r.lastJira[i] = u.lastActiveJira ?? null;
    r.lastConfluence[i] = u.lastActiveConfluence ?? null;
    r.addedToOrg[i] = u.addedToOrg ?? null;
    const { lock, reason } = orgLock(roles);
    r.locked[i] = lock;
    r.lockWhy[i] = reason;
    r.admin[i] = roles.length ? reason : '';
    r.fileAdmin[i] = roles.length ? 1 : 0;
    r.note[i] = u.noMembership ? NO_MEMBERSHIP_NOTE : u.synced ? SYNCED_NOTE : '';
    r.search[i] = `${r.name[i].toLowerCase()}${SEP}${email.toLowerCase()}${SEP}${id.toLowerCase()}`;
    r.domain[i] = emailDomain(email);
    r.indexById.set(id, i);
    r.message[i] = '';
    r.outcomeLabel[i] = '';
  }
  r.facets = { statuses: [...statuses].sort((a, b) => a.localeCompare(b)), roles: [], groups: [], products: [] };
  return r;
}
