import test from 'node:test';
import assert from 'node:assert/strict';
import { orgUserList, isOrgList } from '../../ui/js/model/org-list.js';
import { buildOrgRoster, orgLock, protectedKind, roleWords, statusWords, ORG_ADMIN_REASON, SYNCED_NOTE, NO_MEMBERSHIP_NOTE } from '../../ui/js/model/org-roster.js';
import { LOCK_ADMIN, LOCK_NEVER, LOCK_NONE } from '../../ui/js/model/roster.js';
import { UserList } from '../../ui/js/model/userlist.js';
import { NO, YES } from '../../ui/js/model/org-filter.js';
import { orgCast, orgColumns, orgRow } from './org-helpers.mjs';
import { cast } from './helpers.mjs';

const at = (list, id) => list.roster.indexById.get(id);

test('the roster carries the organization columns in words', () => {
  const r = buildOrgRoster(orgCast());
  assert.equal(r.kind, 'org');
  assert.equal(r.n, 9);
  const i = r.indexById.get('owner');
  assert.equal(r.orgRole[i], 'Organization admin, Site admin');
  assert.equal(r.status[r.indexById.get('susp')], 'Suspended');
  assert.equal(r.managed[i], 1);
  assert.equal(r.synced[r.indexById.get('sync')], 1);
  assert.equal(r.note[r.indexById.get('sync')], SYNCED_NOTE);
  assert.equal(r.note[r.indexById.get('nomem')], NO_MEMBERSHIP_NOTE);
  assert.equal(r.lastJira[r.indexById.get('uaa')], null);
  assert.deepEqual(r.facets.statuses, ['Active', 'Suspended']);
  assert.equal(roleWords('atlassian/user-access-admin'), 'User access admin');
  assert.equal(roleWords('atlassian/billing-admin'), 'billing-admin');
  assert.equal(statusWords('for_deletion'), 'Pending deletion');
  assert.equal(statusWords('not_a_status'), 'Not a status');
});

test('an organization admin is never tickable nor unlockable; other admins unlock row by row', () => {
  const list = orgUserList(orgCast());
  assert.ok(isOrgList(list));
  assert.ok(!isOrgList(new UserList(cast())));
  const owner = at(list, 'owner');
  const site = at(list, 'site');
  assert.equal(list.lockKind(owner), 'never');
  assert.equal(list.lockReason(owner), ORG_ADMIN_REASON);
  assert.equal(list.selectable(owner), false);
  assert.equal(list.unlock(owner), false, 'no unlock for an organization admin');
  assert.equal(list.set(owner, true), false);
  assert.equal(list.lockKind(site), 'admin');
  assert.equal(list.lockReason(site), 'admin role: Site admin');
  assert.equal(list.set(site, true), false, 'locked until unlocked');
  assert.equal(list.unlock(site), true);
  assert.equal(list.set(site, true), true);
  assert.deepEqual(list.unlockedIds(), ['site']);
  assert.equal(list.lockKind(at(list, 'uaa')), 'admin');
});

test('synced people and accounts without membership can be ticked: the core skips them and says why', () => {
  const list = orgUserList(orgCast());
  list.selectAll();
  assert.deepEqual(list.selectedIds(), ['sync', 'nomem', 'old', 'new', 'susp', 'odd']);
  const r = list.roster;
  assert.equal(protectedKind(r, at(list, 'sync')), 'skipped');
  assert.equal(protectedKind(r, at(list, 'nomem')), 'skipped');
  assert.equal(protectedKind(r, at(list, 'owner')), 'never');
  assert.equal(protectedKind(r, at(list, 'site')), 'locked');
  assert.equal(protectedKind(r, undefined), 'skipped');
});

test('org filters drive the list, select all acts on the rows shown, and a connection moves no lock', () => {
  const list = orgUserList(orgCast());
  list.setFilters({ jiraBefore: '2025-03-01', admins: NO });
  assert.equal(list.countText(), '0 of 4 selected');
  list.selectAll();
  assert.deepEqual(list.selectedIds(), ['sync', 'nomem', 'old', 'susp']);
  list.setFilters({ synced: YES });
  assert.equal(list.countText(), '1 of 1 selected');
  assert.equal(list.hiddenSelected(), 3);
  const version = list.version;
  assert.equal(list.setConnection('owner', ['old']), 0);
  assert.equal(list.version, version);
  assert.deepEqual(list.emptyFilters(), { query: '', status: '', managed: '', synced: '', admins: '', jiraBefore: '', confluenceBefore: '' });
});

test('orgLock reads the roles', () => {
  assert.deepEqual(orgLock([]), { lock: LOCK_NONE, reason: '' });
  assert.equal(orgLock(['atlassian/org-admin']).lock, LOCK_NEVER);
  assert.equal(orgLock([' atlassian/site-admin ']).lock, LOCK_ADMIN);
  assert.equal(orgLock(undefined).lock, LOCK_NONE);
});

test('an empty or missing answer is an empty list', () => {
  assert.equal(orgUserList([]).size, 0);
  assert.equal(orgUserList(undefined).size, 0);
});

test('roles come without Atlassian\'s prefix from Rust, and are read with it too', () => {
  const list = orgUserList(orgColumns([
    orgRow({ id: 'a', adminRoles: ['org-admin'] }),
    orgRow({ id: 'b', adminRoles: ['atlassian/org-admin'] }),
    orgRow({ id: 'c', adminRoles: ['user-access-admin'] }),
  ]));
  assert.equal(list.lockKind(0), 'never');
  assert.equal(list.lockKind(1), 'never');
  assert.equal(list.lockKind(2), 'admin');
  assert.equal(list.roster.orgRole[2], 'User access admin');
  assert.equal(list.lockReason(2), 'admin role: User access admin');
});
