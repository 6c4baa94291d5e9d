// Builders of organization users for the organization-mode tests: one person at a time
// (`orgRow`), then the columns `org_load_users` sends (`orgColumns`, as org_dto.rs builds them).

/** One row with defaults: an active, unmanaged, invited member without admin roles. */
export function orgRow(o) {
  return {
    accountId: o.id,
    name: o.name ?? o.id,
    email: o.email ?? `${o.id}@example.com`,
    status: o.status ?? 'active',
    membershipStatus: o.membershipStatus ?? (o.noMembership ? 'no_membership' : o.status === 'suspended' ? 'suspended' : 'active'),
    adminRoles: o.adminRoles ?? [],
    managed: o.managed ?? false,
    synced: o.synced ?? false,
    noMembership: o.noMembership ?? false,
    lastActiveJira: o.jira === undefined ? null : o.jira,
    lastActiveConfluence: o.confluence === undefined ? null : o.confluence,
    addedToOrg: o.addedToOrg ?? '2020-01-01T00:00:00Z',
  };
}

/** The columns of `rows` (`OrgUsers.users`): repeated statuses and role sets numbered once. */
export function orgColumns(rows) {
  const cols = {
    id: [], name: [], email: [], status: [], membership: [], roles: [], flags: [],
    lastActiveJira: [], lastActiveConfluence: [], addedToOrg: [], words: [], roleSets: [],
  };
  const words = new Map();
  const sets = new Map();
  const number = (map, list, key, value) => {
    if (!map.has(key)) {
      map.set(key, list.length);
      list.push(value);
    }
    return map.get(key);
  };
  for (const u of rows) {
    cols.id.push(u.accountId);
    cols.name.push(u.name);
    cols.email.push(u.email);
    cols.status.push(number(words, cols.words, u.status, u.status));
    cols.membership.push(number(words, cols.words, u.membershipStatus, u.membershipStatus));
    const roles = u.adminRoles ?? [];
    cols.roles.push(number(sets, cols.roleSets, JSON.stringify(roles), roles));
    cols.flags.push((u.managed ? 1 : 0) | (u.synced ? 2 : 0) | (u.noMembership ? 4 : 0));
    cols.lastActiveJira.push(u.lastActiveJira);
    cols.lastActiveConfluence.push(u.lastActiveConfluence);
    cols.addedToOrg.push(u.addedToOrg);
  }
  return cols;
}

/**
 * The cast: the key's owner (org admin), a site admin, a synced person, one without membership,
 * others. Roles and days as Rust sends them (`site-admin`, `2025-01-01`); one time is a whole
 * ISO timestamp and one role keeps Atlassian's prefix, which the page reads too.
 */
export function orgCast() {
  return orgColumns([
    orgRow({ id: 'owner', name: 'Olga Owner', adminRoles: ['org-admin', 'site-admin'], managed: true, jira: '2026-11-01' }),
    orgRow({ id: 'site', name: 'Sid Siteadmin', adminRoles: ['site-admin'], managed: true, jira: '2025-01-01' }),
    orgRow({ id: 'uaa', name: 'Ursula Access', adminRoles: ['atlassian/user-access-admin'], jira: null }),
    orgRow({ id: 'sync', name: 'Sam Synced', managed: true, synced: true, jira: '2025-02-28T23:59:59.999Z', confluence: '2026-06-01T00:00:00Z' }),
    orgRow({ id: 'nomem', name: 'Nora Nomember', managed: true, noMembership: true }),
    orgRow({ id: 'old', name: 'Otto Old', jira: '2024-03-01', confluence: null }),
    orgRow({ id: 'new', name: 'Nina New', jira: '2026-03-01', confluence: '2024-05-05' }),
    orgRow({ id: 'susp', name: 'Sue Suspended', status: 'suspended', jira: '2023-01-01' }),
    orgRow({ id: 'odd', name: 'Oscar Odd', jira: 'sometime last year' }),
  ]);
}
