import test from 'node:test';
import assert from 'node:assert/strict';
import { UserList } from '../../ui/js/model/userlist.js';
import { outcomeCode } from '../../ui/js/model/roster.js';
import { defaultRehearsal, idKind, rehearsalChoices, rehearsalLabel } from '../../ui/js/model/rehearsal.js';
import { ADMIN_WHY, ME, many, users } from './helpers.mjs';

const APP = '557058:2456de76-aaad-46b8-95c6-b62bd09e0492';
const CUSTOMER = 'qm:bf869e44-40a0-4477-b7e7-0bad3f9c17d5:236e57db-f416-4771-8dd1-63de3b6e32d5';
// Sorted so that every poor choice comes before the people.
function roster() {
  return users([
    { id: ME, name: 'Alex Admin', email: 'admin@example.com', orgRole: 'Organization admin', admin: ADMIN_WHY },
    { id: 'a1', name: 'Aisha Patel', email: 'aisha@example.com', orgRole: 'Organization admin', admin: ADMIN_WHY },
    { id: APP, name: 'Automation for Jira', email: '' },
    { id: CUSTOMER, name: 'Carl Customer', email: 'carl@customer.example' },
    { id: 'gone', name: 'Gina Gone', email: 'gina@example.com' },
    { id: 'p1', name: 'Bo Smith', email: 'bo@example.com' },
    { id: 'p2', name: 'Cara Jones', email: 'cara@example.com' },
  ]);
}
const at = (list, id) => list.roster.indexById.get(id);
const idOf = (list, i) => (i < 0 ? null : list.roster.id[i]);

test('id shapes: 557058: is an app, qm: a customer, the rest unknown', () => {
  assert.equal(idKind(APP), 'app');
  assert.equal(idKind(` ${APP.toUpperCase()}`), 'app');
  assert.equal(idKind(CUSTOMER), 'customer');
  assert.equal(idKind('557057:085c1d26-e228-4a78-942c-c44d7629e7a5'), '', '557057: ids are people too');
  assert.equal(idKind('5b10ac8d82e05b22cc7d4ef5'), '');
  assert.equal(idKind(undefined), '');
});

test('the default rehearsal is the first person: never you, an admin, an app or a customer', () => {
  const list = new UserList(roster(), ME);
  list.selectAll();
  list.unlock(at(list, 'a1'));
  list.set(at(list, 'a1'), true);
  assert.equal(list.isSelected(at(list, 'a1')), true, 'an unlocked admin is selected');
  assert.equal(idOf(list, defaultRehearsal(list)), 'gone');
});

test('a row the dry run flagged or Rust refused is never the default', () => {
  const list = new UserList(roster(), ME);
  list.selectAll();
  const avoid = new Map([['gone', 'already gone']]);
  assert.equal(idOf(list, defaultRehearsal(list, avoid)), 'p1');
  avoid.set('p1', 'app account');
  assert.equal(idOf(list, defaultRehearsal(list, avoid)), 'p2');
  avoid.set('p2', 'customer account');
  assert.equal(defaultRehearsal(list, avoid), -1, 'nobody fits: no default');
});

test('only selected rows, and none an earlier run settled, are the default', () => {
  const list = new UserList(roster(), ME);
  list.set(at(list, APP), true);
  list.set(at(list, 'p2'), true);
  assert.equal(idOf(list, defaultRehearsal(list)), 'p2');
  list.roster.outcome[at(list, 'p2')] = outcomeCode('removed');
  assert.equal(defaultRehearsal(list), -1);
  list.roster.outcome[at(list, 'p2')] = outcomeCode('failed');
  assert.equal(idOf(list, defaultRehearsal(list)), 'p2', 'a failed row may be tried again');
  list.selectNone();
  assert.equal(defaultRehearsal(list), -1);
});

test('the picker searches every selected user, not the first few hundred', () => {
  const list = new UserList(many(5000));
  list.selectAll();
  const all = rehearsalChoices(list, '', 200);
  assert.equal(all.rows.length, 200);
  assert.equal(all.total, list.count);
  // The last selected user, far beyond the first 200, is found by name, email or id.
  const last = all.total > 0 ? list.selectedIds().at(-1) : null;
  const i = at(list, last);
  for (const q of [list.roster.name[i], list.roster.email[i], last, `  ${list.roster.email[i].toUpperCase()} `]) {
    const found = rehearsalChoices(list, q, 200);
    assert.ok(found.rows.includes(i), `searching ${q}`);
  }
  // Every word must match; unselected rows never show.
  assert.equal(list.roster.name[4999], 'User 4999 Person14');
  assert.deepEqual(rehearsalChoices(list, 'person14 4999', 200).rows, [4999]);
  assert.deepEqual(rehearsalChoices(list, 'person15 4999', 200).rows, []);
  list.set(i, false);
  assert.equal(rehearsalChoices(list, last, 200).total, 0);
  assert.equal(rehearsalChoices(list, 'nobody-has-this', 200).total, 0);
});

test('labels name the person and why a choice is poor', () => {
  const list = new UserList(roster(), ME);
  const r = list.roster;
  assert.equal(rehearsalLabel(r, at(list, 'p1')), 'Bo Smith — bo@example.com');
  assert.equal(rehearsalLabel(r, at(list, APP), 'app account'), `Automation for Jira — ${APP} (app account)`);
});
