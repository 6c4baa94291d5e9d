import test from 'node:test';
import assert from 'node:assert/strict';
import { UserList } from '../../ui/js/model/userlist.js';
import { ADMIN_WHY, cast, ME } from './helpers.mjs';
import { SELF_REASON } from '../../ui/js/model/roster.js';

const at = (list, id) => list.roster.indexById.get(id);
const selected = (list) => list.selectedIds();

test('nothing is selected at first', () => {
  const list = new UserList(cast(), ME);
  assert.equal(list.count, 0);
  assert.equal(list.countText(), '0 of 6 selected');
});

test('select all ticks every visible row except locked ones', () => {
  const list = new UserList(cast(), ME);
  list.selectAll();
  assert.deepEqual(selected(list), ['u1', 'u2', 'u3', '712020:830c71c2-cdcc-4929-af45-e678309d6b79']);
  assert.equal(list.countText(), '4 of 6 selected');
});

test('your own row can never be ticked nor unlocked', () => {
  const list = new UserList(cast(), ME);
  const me = at(list, ME);
  assert.equal(list.lockKind(me), 'self');
  assert.equal(list.set(me, true), false);
  assert.equal(list.toggle(me), false);
  assert.equal(list.unlock(me), false, 'no unlock for yourself, though your row is also an org admin');
  list.selectAll();
  list.invert();
  list.invert();
  assert.equal(list.isSelected(me), false);
});

test('an admin row is ticked only after its own unlock', () => {
  const list = new UserList(cast(), ME);
  const a = at(list, 'a1');
  assert.equal(list.toggle(a), false);
  assert.equal(list.unlock(at(list, 'u1')), false, 'ordinary rows have nothing to unlock');
  assert.equal(list.unlock(a), true);
  assert.equal(list.isSelected(a), false, 'unlocking does not tick');
  assert.equal(list.toggle(a), true);
  assert.deepEqual(list.unlockedIds(), ['a1']);
  assert.ok(selected(list).includes('a1'));
});

test('relocking unticks the admin and drops it from the unlocked list', () => {
  const list = new UserList(cast(), ME);
  const a = at(list, 'a1');
  list.unlock(a);
  list.set(a, true);
  assert.equal(list.relock(a), true);
  assert.equal(list.isSelected(a), false);
  assert.equal(list.count, 0);
  assert.deepEqual(list.unlockedIds(), []);
});

test('invert acts on the filtered rows only and skips locked rows', () => {
  const list = new UserList(cast(), ME);
  list.set(at(list, 'u2'), true); // outside the filter below: must stay ticked
  list.setFilters({ domain: 'example.com' }); // you, a1, u1
  assert.equal(list.countText(), '0 of 3 selected');
  list.invert();
  assert.deepEqual(selected(list), ['u1', 'u2']);
  assert.equal(list.countText(), '1 of 3 selected');
  assert.equal(list.hiddenSelected(), 1);
  list.invert();
  assert.deepEqual(selected(list), ['u2']);
});

test('select none clears only the filtered rows', () => {
  const list = new UserList(cast(), ME);
  list.selectAll();
  list.setFilters({ status: 'Active' });
  list.selectNone();
  assert.deepEqual(selected(list), ['u2', '712020:830c71c2-cdcc-4929-af45-e678309d6b79']);
  list.setFilters({ status: '' });
  assert.equal(list.countText(), '2 of 6 selected');
});

test('counts stay right through toggles and filter changes', () => {
  const list = new UserList(cast(), ME);
  list.toggle(at(list, 'u1'));
  list.toggle(at(list, 'u3'));
  list.toggle(at(list, 'u1'));
  assert.equal(list.count, 1);
  list.setFilters({ query: 'smith' });
  assert.equal(list.countText(), '1 of 2 selected');
  list.setFilters({ query: 'smithers' });
  assert.equal(list.countText(), '1 of 1 selected');
  list.setFilters({ query: 'bo' });
  assert.equal(list.countText(), '0 of 1 selected');
});

test('select-only picks the given ids and reports the ones it could not', () => {
  const list = new UserList(cast(), ME);
  list.selectAll();
  const missed = list.selectOnly(['u2', 'a1', ME, 'gone']);
  assert.deepEqual(selected(list), ['u2']);
  assert.deepEqual(missed, ['a1', ME, 'gone']);
  assert.equal(list.count, 1);
  assert.equal(list.countText(), '1 of 6 selected');
});

test('deselect by id keeps counts right whether the row is shown or not', () => {
  const list = new UserList(cast(), ME);
  list.selectAll();
  list.setFilters({ status: 'Suspended' }); // only u2 shown
  assert.equal(list.deselectId('u1'), true);
  assert.equal(list.countText(), '1 of 1 selected');
  assert.equal(list.deselectId('u2'), true);
  assert.equal(list.countText(), '0 of 1 selected');
  assert.equal(list.count, 2);
  assert.equal(list.deselectId('u2'), false);
});

test('connecting as someone in the file unticks and locks that row', () => {
  const list = new UserList(cast(), null);
  list.selectAll();
  assert.ok(selected(list).includes('u1'));
  list.setConnection('u1', []);
  assert.equal(list.isSelected(at(list, 'u1')), false);
  assert.equal(list.lockKind(at(list, 'u1')), 'self');
  assert.equal(list.lockReason(at(list, 'u1')), SELF_REASON);
  assert.equal(list.count, 3);
  assert.equal(list.lockKind(at(list, ME)), 'admin', 'the file still says this one is an admin');
});

test('a connection after the import locks the live site-admins and unticks them', () => {
  const list = new UserList(cast(), null);
  list.selectAll(); // u1, u2, u3, eve
  const v = list.version;
  list.setConnection(ME, ['u2', 'u3']);
  assert.deepEqual(selected(list), ['u1', '712020:830c71c2-cdcc-4929-af45-e678309d6b79']);
  assert.equal(list.lockKind(at(list, 'u2')), 'admin');
  assert.equal(list.lockReason(at(list, 'u2')), "in your site's site-admins group");
  assert.equal(list.selectable(at(list, 'u2')), false);
  assert.ok(list.version > v, 'the plan is stale');
  assert.equal(list.countText(), '2 of 6 selected');
});

test('a connection before the import locks the same rows', () => {
  const early = new UserList(cast(), ME, ['u2']);
  const late = new UserList(cast(), null);
  late.setConnection(ME, ['u2']);
  assert.deepEqual([...early.roster.locked], [...late.roster.locked]);
  early.selectAll();
  assert.deepEqual(selected(early), ['u1', 'u3', '712020:830c71c2-cdcc-4929-af45-e678309d6b79']);
});

test('a new connection moves the live-admin locks: rows it leaves are free, unlocks start over', () => {
  const list = new UserList(cast(), ME, ['u2']);
  const u2 = at(list, 'u2');
  assert.equal(list.unlock(u2), true);
  list.set(u2, true);
  assert.deepEqual(list.unlockedIds(), ['u2']);
  list.setConnection(ME, ['u3']);
  assert.equal(list.lockKind(u2), '', 'u2 is no longer in the group');
  assert.equal(list.unlocked[u2], 0);
  assert.equal(list.isSelected(u2), true, 'still ticked: it may be');
  assert.deepEqual(list.unlockedIds(), []);
  assert.equal(list.lockKind(at(list, 'u3')), 'admin');
  // Back to the first site: u2 is locked again, its earlier unlock forgotten.
  list.setConnection(ME, ['u2']);
  assert.equal(list.isSelected(u2), false);
  assert.equal(list.selectable(u2), false);
});

test('an unlocked file admin found in the live group on a new connection is locked again', () => {
  const list = new UserList(cast(), ME, []);
  const a = at(list, 'a1');
  list.unlock(a);
  list.set(a, true);
  list.setConnection(ME, ['a1']);
  assert.equal(list.isSelected(a), false);
  assert.equal(list.unlocked[a], 0);
  assert.equal(list.lockReason(a), ADMIN_WHY);
});

test('the same connection again changes nothing', () => {
  const list = new UserList(cast(), ME, ['u2']);
  const a = at(list, 'a1');
  list.unlock(a);
  list.set(a, true);
  const v = list.version;
  assert.equal(list.setConnection(ME, ['u2']), 0);
  assert.equal(list.isSelected(a), true);
  assert.equal(list.version, v);
});

test('unlocking and locking again move the version (the plan names unlocked rows)', () => {
  const list = new UserList(cast(), ME);
  const a = at(list, 'a1');
  const v0 = list.version;
  list.unlock(a);
  assert.ok(list.version > v0);
  const v1 = list.version;
  assert.equal(list.unlock(a), false, 'already unlocked');
  assert.equal(list.version, v1);
  list.relock(a);
  assert.ok(list.version > v1);
});

test('the version moves with every change of the selection', () => {
  const list = new UserList(cast(), ME);
  const v0 = list.version;
  list.toggle(at(list, 'u1'));
  assert.ok(list.version > v0);
  const v1 = list.version;
  list.toggle(at(list, ME)); // refused: no change
  assert.equal(list.version, v1);
});

test('warming the search up changes neither the rows shown nor the selection', () => {
  const list = new UserList(cast(), ME);
  list.setFilters({ query: 'smith' });
  list.selectAll();
  const before = { visible: [...list.visible], count: list.count, version: list.version, filters: { ...list.filters } };
  assert.equal(list.warmUp(), 0);
  assert.deepEqual([...list.visible], before.visible);
  assert.equal(list.count, before.count);
  assert.equal(list.version, before.version);
  assert.deepEqual(list.filters, before.filters);
});
