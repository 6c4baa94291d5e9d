// Organization mode at 100,000 people: the list is built from `org_load_users`'s columns in one
// pass (each column read once per person, what repeats worked out once per distinct value),
// gives the right answers, and the table draws one screenful, not one element per person. How
// fast that is in the real window is measured by tests/measure-org-load, not asserted here.
import test from 'node:test';
import assert from 'node:assert/strict';
import { orgUserList } from '../../ui/js/model/org-list.js';
import { buildOrgRoster, MANAGED, NO_MEMBERSHIP, SYNCED } from '../../ui/js/model/org-roster.js';
import { LOCK_ADMIN, LOCK_NEVER, LOCK_NONE } from '../../ui/js/model/roster.js';
import { NO, YES } from '../../ui/js/model/org-filter.js';
import { VirtualTable } from '../../ui/js/vtable.js';

const N = 100_000;
const ROLE_SETS = [[], ['org-admin'], ['site-admin'], ['site-admin', 'user-access-admin']];
const WORDS = ['active', 'suspended', 'no_membership', 'deactivated'];

/** `n` people as `org_load_users` sends them: one admin in 500, one synced in 8, ... */
function manyOrg(n) {
  const c = {
    id: [], name: [], email: [], status: [], membership: [], roles: [], flags: [],
    lastActiveJira: [], lastActiveConfluence: [], addedToOrg: [], words: WORDS, roleSets: ROLE_SETS,
  };
  for (let i = 0; i < n; i++) {
    c.id.push(`712020:${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`);
    c.name.push(`Person ${i} Name${i % 997}`);
    c.email.push(`person${i}@domain${i % 13}.example.com`);
    c.status.push(i % 20 === 0 ? 1 : i % 50 === 1 ? 3 : 0);
    c.membership.push(i % 20 === 0 ? 1 : 0);
    c.roles.push(i % 500 === 0 ? 1 + ((i / 500) % 3) : 0);
    c.flags.push((i % 3 ? MANAGED : 0) | (i % 8 === 0 ? SYNCED : 0) | (i % 1000 === 7 ? NO_MEMBERSHIP : 0));
    c.lastActiveJira.push(i % 7 === 0 ? null : `202${4 + (i % 3)}-0${1 + (i % 9)}-1${i % 10}`);
    c.lastActiveConfluence.push(i % 5 === 0 ? null : `2025-1${i % 3}-0${1 + (i % 9)}`);
    c.addedToOrg.push('2020-01-01');
  }
  return c;
}

const users = manyOrg(N);

/** `cols` with each array wrapped to count the reads of its elements. */
function counted(cols) {
  const reads = {};
  const wrapped = {};
  for (const [k, v] of Object.entries(cols)) {
    reads[k] = 0;
    wrapped[k] = new Proxy(v, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && /^\d+$/.test(prop)) reads[k]++;
        return Reflect.get(target, prop, receiver);
      },
    });
  }
  return { wrapped, reads };
}

test('100,000 people are built in one pass: each column read once per person, repeats once per value', () => {
  const { wrapped, reads } = counted(users);
  const r = buildOrgRoster(wrapped);
  assert.equal(r.n, N);
  for (const k of ['status', 'roles', 'flags']) assert.equal(reads[k], N, `${k} read once per person`);
  // Ids, names, emails and days are the answer's own arrays, shown from there: not read yet.
  for (const k of ['id', 'name', 'email', 'lastActiveJira', 'lastActiveConfluence', 'addedToOrg']) {
    assert.equal(reads[k], 0, `${k} not read to draw the table`);
  }
  assert.equal(r.lastJira, wrapped.lastActiveJira);
  // A status's words and a role set's lock and reason: worked out once each, not per person.
  assert.equal(reads.words, WORDS.length);
  assert.equal(reads.roleSets, ROLE_SETS.length);
  // The search strings and the id map: one pass each, on first use, then kept.
  assert.equal(r.search.length, N);
  assert.equal(r.indexById.size, N);
  assert.equal(r.search, r.search);
  assert.equal(r.indexById, r.indexById);
  assert.deepEqual([reads.id, reads.name, reads.email], [2 * N, N, N]);
});

test('the list of 100,000 people has the right locks, words, notes and facets', () => {
  const list = orgUserList(users);
  const r = list.roster;
  assert.equal(list.size, N);
  assert.equal(list.visible.length, N);
  let never = 0;
  let admin = 0;
  let synced = 0;
  for (let i = 0; i < N; i++) {
    const set = ROLE_SETS[users.roles[i]];
    const want = set.includes('org-admin') ? LOCK_NEVER : set.length ? LOCK_ADMIN : LOCK_NONE;
    assert.equal(r.locked[i], want);
    never += want === LOCK_NEVER;
    admin += want === LOCK_ADMIN;
    synced += r.synced[i];
  }
  assert.equal(never, users.roles.filter((k) => k === 1).length);
  assert.equal(admin, users.roles.filter((k) => k > 1).length);
  assert.ok(never > 0 && admin > 0);
  assert.equal(synced, N / 8);
  assert.equal(r.indexById.get(users.id[54_321]), 54_321);
  assert.equal(r.status[20], 'Suspended');
  assert.equal(r.orgRole[500], 'Site admin');
  assert.equal(r.orgRole[1000], 'Site admin, User access admin');
  assert.equal(r.orgRole[1], '');
  assert.equal(r.lockWhy[500], list.lockReason(500));
  assert.ok(r.note[7].length > 0 && r.note[1007].length > 0, 'no-membership rows carry their note');
  assert.deepEqual(r.facets.statuses, ['Active', 'Deactivated', 'Suspended']);
  // The same arrays: names are not copied.
  assert.equal(r.name, users.name);
});

test('filters and the search over 100,000 people give the answers worked out the slow way', () => {
  const list = orgUserList(users);
  list.setFilters({ jiraBefore: '2025-01-01', admins: NO, synced: NO });
  const slow = users.id.filter((_, i) => {
    const j = users.lastActiveJira[i];
    return (j === null || j < '2025-01-01') && users.roles[i] === 0 && !(users.flags[i] & SYNCED);
  }).length;
  assert.equal(list.visible.length, slow);
  list.selectAll();
  assert.equal(list.count, slow, 'no admin among them: all ticked');
  list.setFilters({ jiraBefore: '', admins: '', synced: '', query: 'NAME99' });
  const named = users.name.filter((n) => n.toLowerCase().includes('name99')).length;
  assert.ok(named > 0);
  assert.equal(list.visible.length, named);
  list.setFilters({ synced: YES, query: '' });
  assert.equal(list.visible.length, N / 8);
});

// The least of a DOM the virtual table needs: elements that take anything asked of them.
function fakeElement(extra = {}) {
  const target = { style: {}, dataset: {}, hidden: false, id: '', ...extra };
  return new Proxy(target, {
    get(t, prop) {
      if (prop in t) return t[prop];
      if (prop === 'classList') return { add() {}, remove() {}, toggle() {}, contains: () => false };
      return () => undefined;
    },
  });
}

test('drawing 100,000 people fills one screenful of recycled rows, wherever the table is scrolled', () => {
  globalThis.ResizeObserver ??= class { observe() {} };
  globalThis.requestAnimationFrame ??= (f) => setTimeout(f, 0);
  const body = fakeElement({ children: 0, append() { this.children++; } });
  const root = fakeElement({ id: 'user-table', clientHeight: 600, scrollTop: 0, querySelector: (css) => (css === '.vt-body' ? body : null) });
  let created = 0;
  let drawn = [];
  const table = new VirtualTable(root, {
    rowHeight: 32,
    createRow: () => { created++; return fakeElement(); },
    renderRow: (_, v) => drawn.push(v),
  });
  const pool = created;
  assert.ok(pool > 0 && pool < 40, `${pool} row elements for a 600 px table`);
  drawn = [];
  table.setCount(N);
  assert.equal(created, pool, 'no element is made per person');
  assert.ok(drawn.length <= pool, `${drawn.length} rows drawn for 100,000 people`);
  assert.equal(body.style.height, `${N * 32}px`);
  drawn = [];
  root.scrollTop = 50_000 * 32;
  table.render();
  assert.ok(drawn.length <= pool);
  assert.ok(drawn.includes(50_000) && drawn.every((v) => v >= 49_990 && v < 50_040), `${drawn}`);
});
