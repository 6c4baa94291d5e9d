import test from 'node:test';
import assert from 'node:assert/strict';
import { buildOrgRoster } from '../../ui/js/model/org-roster.js';
import { activeBefore, compileOrg, emptyOrgFilters, NO, YES } from '../../ui/js/model/org-filter.js';
import { filterRows, filtersActive, narrows } from '../../ui/js/model/filter.js';
import { orgCast } from './org-helpers.mjs';

const roster = buildOrgRoster(orgCast());
const run = (patch) => [...filterRows(roster, { ...emptyOrgFilters(), ...patch }, null, compileOrg)].map((i) => roster.id[i]);

test('no filter shows every person in the order Rust sent them', () => {
  assert.equal(compileOrg(roster, emptyOrgFilters()), null);
  assert.deepEqual(run({}), ['owner', 'site', 'uaa', 'sync', 'nomem', 'old', 'new', 'susp', 'odd']);
  assert.equal(filtersActive(emptyOrgFilters()), false);
  assert.equal(filtersActive({ ...emptyOrgFilters(), synced: YES }), true);
});

test('last active in Jira before a day: never active counts, that day itself does not, an unreadable time never does', () => {
  assert.deepEqual(run({ jiraBefore: '2025-03-01' }), ['site', 'uaa', 'sync', 'nomem', 'old', 'susp']);
  assert.deepEqual(run({ jiraBefore: '2025-02-28' }), ['site', 'uaa', 'nomem', 'old', 'susp'], 'the 28th itself is excluded');
  assert.deepEqual(run({ jiraBefore: '1990-01-01' }), ['uaa', 'nomem'], 'only the never active');
  assert.ok(!run({ jiraBefore: '2999-01-01' }).includes('odd'));
});

test('last active in Confluence before a day, and both products at once', () => {
  assert.deepEqual(run({ confluenceBefore: '2025-01-01' }), ['owner', 'site', 'uaa', 'nomem', 'old', 'new', 'susp', 'odd']);
  assert.deepEqual(run({ jiraBefore: '2025-03-01', confluenceBefore: '2025-01-01' }), ['site', 'uaa', 'nomem', 'old', 'susp']);
});

test('activeBefore compares the UTC day of an ISO time', () => {
  assert.equal(activeBefore(null, '2020-01-01'), true);
  assert.equal(activeBefore('', '2020-01-01'), true);
  assert.equal(activeBefore(undefined, '2020-01-01'), true);
  assert.equal(activeBefore('2019-12-31T23:59:59.999Z', '2020-01-01'), true);
  assert.equal(activeBefore('2020-01-01T00:00:00Z', '2020-01-01'), false);
  assert.equal(activeBefore('yesterday', '2020-01-01'), false);
});

test('status, managed, synced and admins filters', () => {
  assert.deepEqual(run({ status: 'Suspended' }), ['susp']);
  assert.deepEqual(run({ status: 'Active' }).length, 8);
  assert.deepEqual(run({ managed: NO }), ['uaa', 'old', 'new', 'susp', 'odd']);
  assert.deepEqual(run({ managed: YES }), ['owner', 'site', 'sync', 'nomem']);
  assert.deepEqual(run({ synced: YES }), ['sync']);
  assert.deepEqual(run({ synced: NO }).includes('sync'), false);
  assert.deepEqual(run({ admins: YES }), ['owner', 'site', 'uaa']);
  assert.deepEqual(run({ admins: NO }), ['sync', 'nomem', 'old', 'new', 'susp', 'odd']);
  assert.deepEqual(run({ admins: NO, managed: NO, jiraBefore: '2025-01-01' }), ['old', 'susp']);
});

test('the search matches name, email or id, as in site mode', () => {
  assert.deepEqual(run({ query: 'SUE' }), ['susp']);
  assert.deepEqual(run({ query: 'olga example' }), ['owner']);
  assert.deepEqual(run({ query: 'nomem@' }), ['nomem']);
});

test('a growing search narrows within the previous rows only', () => {
  const a = { ...emptyOrgFilters(), query: 'o', admins: NO };
  const b = { ...a, query: 'ot' };
  assert.equal(narrows(a, b), true);
  assert.equal(narrows(a, { ...b, synced: YES }), false);
  const first = filterRows(roster, a, null, compileOrg);
  assert.deepEqual([...filterRows(roster, b, first, compileOrg)].map((i) => roster.id[i]), ['old']);
});
