// 100,000 rows: the model gives the right answers at full size. How fast it does so is measured
// in the real window by tests/measure-window-scale, not asserted here.
import test from 'node:test';
import assert from 'node:assert/strict';
import { UserList } from '../../ui/js/model/userlist.js';
import { many } from './helpers.mjs';

const N = 100_000;
const users = many(N);

test('the model holds 100,000 users', () => {
  const list = new UserList(users, users.id[5]);
  assert.equal(list.visible.length, N);
});

test('search keystrokes over 100,000 users', () => {
  const list = new UserList(users, null);
  // Typed one key at a time, then back out: each answer builds on the last.
  for (const q of ['p', 'pe', 'per', 'pers', 'person', 'person9', 'person99', 'person9', 'person', '']) {
    list.setFilters({ query: q });
  }
  assert.equal(list.visible.length, N);
  // The answer, worked out the slow way from the raw columns.
  const expected = users.name.filter((n) => n.toLowerCase().includes('person99')).length;
  list.setFilters({ query: 'Person99 ' });
  assert.equal(list.visible.length, expected);
  assert.ok(expected > 0);
});

test('select all, invert and counts over 100,000 users keep locked rows out', () => {
  const list = new UserList(users, users.id[1]);
  list.selectAll();
  list.invert();
  list.invert();
  const admins = Math.ceil(N / 1000); // every 1000th row is an org admin
  assert.equal(list.count, N - admins - 1);
  assert.equal(list.countText(), `${(N - admins - 1).toLocaleString('en-US')} of 100,000 selected`);
  assert.equal(list.selectedIds().length, list.count);
});

test('"seen before" over 100,000 users: dated rows before the day and "never", no "unreadable"', () => {
  const list = new UserList(users, null);
  list.setFilters({ lastSeenBefore: '2022-06-01' });
  const expected = users.lastSeen.filter((s) => s === 'never' || (s !== 'unreadable' && s < '2022-06-01')).length;
  assert.equal(list.visible.length, expected);
  assert.ok(users.lastSeen.includes('unreadable'));
  for (const i of list.visible) assert.notEqual(users.lastSeen[i], 'unreadable');
});
