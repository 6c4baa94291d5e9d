// Builders of `Import.users` (columnar, as Rust sends it) for the UI model tests.

/**
 * A small roster from row objects: { id, name, email, status, orgRole, admin, lastSeen, products,
 * groups }. `admin` is why the file says the row is an admin ("" for none); `lastSeen` is
 * "YYYY-MM-DD", "never" (the default) or "unreadable".
 */
export function users(rows) {
  return {
    id: rows.map((r) => r.id),
    name: rows.map((r) => r.name ?? ''),
    email: rows.map((r) => r.email ?? ''),
    status: rows.map((r) => r.status ?? 'Active'),
    orgRole: rows.map((r) => r.orgRole ?? ''),
    admin: rows.map((r) => r.admin ?? ''),
    lastSeen: rows.map((r) => (r.lastSeen === undefined ? 'never' : r.lastSeen)),
    products: rows.map((r) => r.products ?? []),
    groups: rows.map((r) => r.groups ?? []),
  };
}

/** The cast most tests use: you, two org admins, and ordinary users in two domains. */
export const ME = '5b10ac8d82e05b22cc7d4ef5';
export const ADMIN_WHY = 'Org role: Organization admin; member of site-admins';
export function cast() {
  return users([
    { id: ME, name: 'Alex Admin', email: 'admin@example.com', orgRole: 'Organization admin', admin: ADMIN_WHY, lastSeen: '2025-06-01', groups: ['site-admins'], products: ['Jira'] },
    { id: 'a1', name: 'Aisha Patel', email: 'aisha@Example.com', orgRole: 'Organization admin', admin: ADMIN_WHY, lastSeen: '2023-01-02', groups: ['site-admins'], products: ['Jira', 'Confluence'] },
    { id: 'u1', name: 'Bo Smith', email: 'bo.smith@example.com', status: 'Active', lastSeen: 'never', groups: ['jira-users'], products: ['Jira'] },
    { id: 'u2', name: 'Cara Jones', email: 'cara@acme.io', status: 'Suspended', lastSeen: '2022-05-05', groups: ['finance'], products: ['Confluence'] },
    { id: 'u3', name: 'Dan Smithers', email: 'dan@eu.acme.io', status: 'Active', lastSeen: '2024-12-31', groups: ['jira-users', 'finance'], products: ['Jira'] },
    { id: '712020:830c71c2-cdcc-4929-af45-e678309d6b79', name: 'Eve Notacme', email: 'eve@notacme.io', status: 'Deactivated', lastSeen: '2024-01-01', groups: [], products: [] },
  ]);
}

/** n synthetic users, a few of them org admins, as a 100,000-row export would come. */
export function many(n) {
  const u = { id: [], name: [], email: [], status: [], orgRole: [], admin: [], lastSeen: [], products: [], groups: [] };
  const statuses = ['Active', 'Suspended', 'Deactivated'];
  for (let i = 0; i < n; i++) {
    u.id.push(`712020:${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`);
    u.name.push(`User ${i} Person${i % 997}`);
    u.email.push(`user${i}@domain${i % 13}.example.com`);
    u.status.push(statuses[i % 3]);
    u.orgRole.push(i % 1000 === 0 ? 'Organization admin' : '');
    u.admin.push(i % 1000 === 0 ? 'Org role: Organization admin' : '');
    u.lastSeen.push(i % 7 === 0 ? 'never' : i % 11 === 0 ? 'unreadable' : `202${i % 5}-0${1 + (i % 9)}-1${i % 10}`);
    u.products.push(i % 2 ? ['Jira'] : ['Jira', 'Confluence']);
    u.groups.push([`group-${i % 50}`, 'all-users']);
  }
  return u;
}
