import test from 'node:test';
import assert from 'node:assert/strict';
import { buildRoster } from '../../ui/js/model/roster.js';
import { emptyFilters, filterRows, filtersActive, narrows, parseDay, queryWords, domainList, seenBefore, NO_ROLE } from '../../ui/js/model/filter.js';
import { cast, users } from './helpers.mjs';

const roster = buildRoster(cast());
const ids = (rows) => [...rows].map((i) => roster.id[i]);
const run = (patch) => ids(filterRows(roster, { ...emptyFilters(), ...patch }));

test('no filter shows every row in file order', () => {
  const rows = filterRows(roster, emptyFilters());
  assert.ok(rows instanceof Int32Array);
  assert.deepEqual([...rows], [0, 1, 2, 3, 4, 5]);
});

test('search matches name, email or id, case-insensitively', () => {
  assert.deepEqual(run({ query: 'smith' }), ['u1', 'u3']);
  assert.deepEqual(run({ query: 'AISHA@EXAMPLE' }), ['a1']);
  assert.deepEqual(run({ query: '830c71c2' }), ['712020:830c71c2-cdcc-4929-af45-e678309d6b79']);
  assert.deepEqual(run({ query: '  dan  ' }), ['u3']);
});

test('every search word must match somewhere', () => {
  assert.deepEqual(run({ query: 'smith acme' }), ['u3']);
  assert.deepEqual(run({ query: 'smith nobody' }), []);
  assert.deepEqual(queryWords('  Bo   SMITH '), ['bo', 'smith']);
});

test('a search cannot match across the name/email boundary', () => {
  // "Smith" ends the name and "bo.smith" starts the email: "smithbo" must not match.
  assert.deepEqual(run({ query: 'smithbo' }), []);
});

test('status, group and product filters are exact', () => {
  assert.deepEqual(run({ status: 'Suspended' }), ['u2']);
  assert.deepEqual(run({ group: 'finance' }), ['u2', 'u3']);
  assert.deepEqual(run({ product: 'Confluence' }), ['a1', 'u2']);
  assert.deepEqual(run({ status: 'Active', group: 'jira-users' }), ['u1', 'u3']);
});

test('role filter: a named role, or no role at all', () => {
  assert.deepEqual(run({ role: 'Organization admin' }), ['5b10ac8d82e05b22cc7d4ef5', 'a1']);
  assert.deepEqual(run({ role: NO_ROLE }), ['u1', 'u2', 'u3', '712020:830c71c2-cdcc-4929-af45-e678309d6b79']);
});

test('last seen before a date keeps never-seen rows and excludes that day itself', () => {
  assert.deepEqual(run({ lastSeenBefore: '2024-01-01' }), ['a1', 'u1', 'u2']);
  assert.deepEqual(run({ lastSeenBefore: '2024-01-02' }), ['a1', 'u1', 'u2', '712020:830c71c2-cdcc-4929-af45-e678309d6b79']);
  assert.deepEqual(run({ lastSeenBefore: '1990-01-01' }), ['u1'], 'only the never-seen row');
});

test('"seen before" matches a dated row before the day and a "never" row, never an "unreadable" one', () => {
  const r = buildRoster(users([
    { id: 'old', lastSeen: '2021-03-04' },
    { id: 'new', lastSeen: '2025-03-04' },
    { id: 'never', lastSeen: 'never' },
    { id: 'unreadable', lastSeen: 'unreadable' },
    { id: 'missing', lastSeen: null },
  ]));
  const before = (day) => [...filterRows(r, { ...emptyFilters(), lastSeenBefore: day })].map((i) => r.id[i]);
  assert.deepEqual(before('2024-01-01'), ['old', 'never']);
  assert.deepEqual(before('1900-01-01'), ['never'], 'only "never" counts as seen before any day');
  assert.deepEqual(before('9999-12-31'), ['old', 'new', 'never'], 'an unreadable or missing date never matches');
  assert.deepEqual(before(''), ['old', 'new', 'never', 'unreadable', 'missing'], 'no day: no filter');
  assert.equal(seenBefore('unreadable', '9999-12-31'), false);
  assert.equal(seenBefore('Never', '2024-01-01'), false, 'exactly "never", nothing looser');
  assert.equal(seenBefore('3 Jan 2020', '2024-01-01'), false, 'not an ISO date');
  assert.equal(seenBefore('2023-12-31T23:00:00Z', '2024-01-01'), true);
  assert.equal(seenBefore('2024-01-01', '2024-01-01'), false);
});

test('domain filter is case-insensitive, takes @ and lists, includes subdomains only', () => {
  assert.deepEqual(run({ domain: 'EXAMPLE.com' }), ['5b10ac8d82e05b22cc7d4ef5', 'a1', 'u1']);
  assert.deepEqual(run({ domain: '@acme.io' }), ['u2', 'u3'], 'eu.acme.io is a subdomain; notacme.io is not');
  assert.deepEqual(run({ domain: 'acme.io, notacme.io' }), ['u2', 'u3', '712020:830c71c2-cdcc-4929-af45-e678309d6b79']);
  assert.deepEqual(domainList(' @A.com; b.org '), ['a.com', 'b.org']);
});

test('a growing search narrows; any other change starts over', () => {
  const f = emptyFilters();
  assert.equal(narrows({ ...f, query: 'sm' }, { ...f, query: 'smi' }), true);
  assert.equal(narrows({ ...f, query: 'smi' }, { ...f, query: 'sm' }), false);
  assert.equal(narrows({ ...f, query: 'sm' }, { ...f, query: 'smi', status: 'Active' }), false);
  assert.equal(narrows(null, f), false);
});

test('filtering within earlier results gives the same answer as from scratch', () => {
  const f = { ...emptyFilters(), query: 's' };
  const first = filterRows(roster, f);
  const g = { ...f, query: 'smith' };
  assert.deepEqual([...filterRows(roster, g, first)], [...filterRows(roster, g)]);
});

test('a typed "seen before" day is read in the forms people type, and only real days', () => {
  const day = (t) => parseDay(t).day;
  assert.equal(day('2024-01-31'), '2024-01-31');
  assert.equal(day(' 2024/1/3 '), '2024-01-03');
  assert.equal(day('2024.12.1'), '2024-12-01');
  assert.equal(day('31 Jan 2024'), '2024-01-31', 'the export\'s own form');
  assert.equal(day('3 january 2024'), '2024-01-03');
  assert.equal(day('3-Jan-2024'), '2024-01-03');
  assert.equal(day('Jan 3, 2024'), '2024-01-03');
  assert.equal(day('Sept 3 2024'), '2024-09-03');
  assert.equal(day('29 Feb 2024'), '2024-02-29');
  assert.deepEqual(parseDay(''), { day: '' }, 'empty: no date filter');
  assert.deepEqual(parseDay('   '), { day: '' });
  for (const bad of ['30 Feb 2024', '29 Feb 2023', '2024-13-01', '2024-00-10', 'abc', '3 Janx 2024', '2024-01', '20240131']) {
    assert.match(parseDay(bad).error, /not a day Offboard can read.*2024-01-31/, bad);
  }
  assert.match(parseDay('01/02/2024').error, /reads two ways/);
});

test('filters are active when any of them narrows, and empty ones are not', () => {
  assert.equal(filtersActive(emptyFilters()), false);
  assert.equal(filtersActive({ ...emptyFilters(), query: '  ' }), false);
  assert.equal(filtersActive({ ...emptyFilters(), query: 'bo' }), true);
  assert.equal(filtersActive({ ...emptyFilters(), lastSeenBefore: '2024-01-01' }), true);
  assert.equal(filtersActive({ ...emptyFilters(), role: NO_ROLE }), true);
});
