import test from 'node:test';
import assert from 'node:assert/strict';
import {
  buildRoster, setLocks, lockReason, emailDomain, LOCK_ADMIN, LOCK_NONE, LOCK_SELF, SELF_REASON, LIVE_ADMIN_REASON,
} from '../../ui/js/model/roster.js';
import { ADMIN_WHY, cast, ME, users } from './helpers.mjs';

const lockOf = (r, id) => r.locked[r.indexById.get(id)];

test('rows the file marks as admins start locked, ordinary users do not', () => {
  const r = buildRoster(cast());
  assert.equal(r.n, 6);
  assert.equal(lockOf(r, 'a1'), LOCK_ADMIN);
  assert.equal(lockOf(r, ME), LOCK_ADMIN);
  assert.equal(lockOf(r, 'u1'), LOCK_NONE);
  assert.equal(r.selfIndex, -1);
  assert.equal(lockReason(r, r.indexById.get('a1')), ADMIN_WHY, 'the file\'s own reason');
  assert.equal(lockReason(r, r.indexById.get('u1')), '');
});

test('the file\'s admin signals decide, not the page\'s reading of the org role', () => {
  const r = buildRoster(users([
    { id: 'role-only', orgRole: 'Organization admin', admin: '' },
    { id: 'group-only', orgRole: '', admin: 'Member of site-admins in the export' },
    { id: 'blank', orgRole: '  ', admin: '' },
  ]));
  assert.equal(lockOf(r, 'role-only'), LOCK_NONE, 'Rust found no admin signal in the file for it');
  assert.equal(lockOf(r, 'group-only'), LOCK_ADMIN);
  assert.equal(lockReason(r, 1), 'Member of site-admins in the export');
  assert.equal(lockOf(r, 'blank'), LOCK_NONE);
  assert.deepEqual(r.facets.roles, ['Organization admin'], 'the role filter still offers the roles');
});

test('should the admin column be missing altogether, the org role locks instead', () => {
  const u = users([{ id: 'x', orgRole: 'Organization admin' }, { id: 'y' }]);
  delete u.admin;
  const r = buildRoster(u);
  assert.equal(lockOf(r, 'x'), LOCK_ADMIN);
  assert.equal(lockOf(r, 'y'), LOCK_NONE);
  assert.match(lockReason(r, 0), /Organization admin/);
});

test('the live site-admins group locks rows the file does not mark', () => {
  const r = buildRoster(cast(), ME, ['u2', 'not-in-file']);
  assert.equal(lockOf(r, 'u2'), LOCK_ADMIN);
  assert.equal(lockReason(r, r.indexById.get('u2')), LIVE_ADMIN_REASON);
  assert.equal(LIVE_ADMIN_REASON, "in your site's site-admins group");
  assert.equal(lockOf(r, 'u1'), LOCK_NONE);
});

test('a row both in the file and in the live group keeps the file\'s reason', () => {
  const r = buildRoster(cast(), null, ['a1']);
  assert.equal(lockReason(r, r.indexById.get('a1')), ADMIN_WHY);
});

test('your own row is locked as "self", above any admin lock', () => {
  const r = buildRoster(cast(), ME, [ME]);
  assert.equal(r.selfIndex, 0);
  assert.equal(r.locked[0], LOCK_SELF);
  assert.equal(lockReason(r, 0), SELF_REASON);
  assert.equal(SELF_REASON, 'This is you: Offboard never removes the account it is signed in with');
});

test('a connection after the import gives the same locks as one before it', () => {
  const before = buildRoster(cast(), 'u1', ['u3']);
  const after = buildRoster(cast());
  assert.equal(setLocks(after, 'u1', ['u3']), after.indexById.get('u1'));
  assert.deepEqual([...after.locked], [...before.locked]);
  assert.equal(lockOf(after, 'u1'), LOCK_SELF);
  assert.equal(lockOf(after, 'u3'), LOCK_ADMIN);
});

test('a new connection moves the self lock and the live-admin locks; the rows left fall back to the file', () => {
  const r = buildRoster(cast(), ME, ['u2']);
  setLocks(r, 'u1', ['u3']);
  assert.equal(lockOf(r, 'u1'), LOCK_SELF);
  assert.equal(lockOf(r, ME), LOCK_ADMIN, 'the old self row is a file admin again');
  assert.equal(lockOf(r, 'u2'), LOCK_NONE, 'no longer in the live group, and the file says nothing');
  assert.equal(lockOf(r, 'u3'), LOCK_ADMIN);
  setLocks(r, 'not-in-file', []);
  assert.equal(lockOf(r, 'u1'), LOCK_NONE);
  assert.equal(lockOf(r, 'u3'), LOCK_NONE);
  assert.equal(lockOf(r, 'a1'), LOCK_ADMIN, 'the file\'s admins stay locked whatever the connection');
  assert.equal(r.selfIndex, -1);
});

test('search strings are lowercase name, email and id; domains lowercase', () => {
  const r = buildRoster(cast());
  const i = r.indexById.get('a1');
  assert.ok(r.search[i].includes('aisha patel'));
  assert.ok(r.search[i].includes('aisha@example.com'));
  assert.equal(r.domain[i], 'example.com');
  assert.equal(emailDomain(''), '');
  assert.equal(emailDomain('odd@Sub.Acme.IO '), 'sub.acme.io');
});

test('filter choices are the distinct values, sorted', () => {
  const r = buildRoster(cast());
  assert.deepEqual(r.facets.statuses, ['Active', 'Deactivated', 'Suspended']);
  assert.deepEqual(r.facets.roles, ['Organization admin']);
  assert.deepEqual(r.facets.groups, ['finance', 'jira-users', 'site-admins']);
  assert.deepEqual(r.facets.products, ['Confluence', 'Jira']);
});

test('missing optional columns do not break the roster', () => {
  const r = buildRoster({ id: ['a', 'b'], name: ['A', 'B'] });
  assert.equal(r.n, 2);
  assert.equal(r.lastSeen[0], null, 'unknown, which is not "never"');
  assert.equal(r.locked[0], LOCK_NONE);
  assert.deepEqual(r.groups[1], []);
});

test('products and groups sent as indices into name lists come back as names', () => {
  const users = {
    id: ['a', 'b'], name: ['A', 'B'], email: ['a@x.io', 'b@x.io'], status: ['Active', 'Active'],
    orgRole: ['', ''], admin: ['', ''], lastSeen: ['never', 'unreadable'],
    products: [[0], [0, 1]], groups: [[1], []],
    productNames: ['Jira', 'Confluence'], groupNames: ['finance', 'support'],
  };
  const r = buildRoster(users, null);
  assert.deepEqual(r.products[1], ['Jira', 'Confluence']);
  assert.deepEqual(r.groups[0], ['support']);
  assert.deepEqual(r.facets.groups, ['support']);
  assert.deepEqual(r.facets.products, ['Confluence', 'Jira']);
});
