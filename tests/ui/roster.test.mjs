import test from 'node:test';
import assert from 'node:assert/strict';
import { buildRoster, setSelf, emailDomain, LOCK_ADMIN, LOCK_NONE, LOCK_SELF } from '../../ui/js/model/roster.js';
import { cast, ME, users } from './helpers.mjs';

test('org admins start locked, ordinary users do not', () => {
  const r = buildRoster(cast());
  assert.equal(r.n, 6);
  assert.equal(r.locked[r.indexById.get('a1')], LOCK_ADMIN);
  assert.equal(r.locked[r.indexById.get('u1')], LOCK_NONE);
  assert.equal(r.selfIndex, -1);
});

test('your own row is locked as "self", above its admin role', () => {
  const r = buildRoster(cast(), ME);
  assert.equal(r.selfIndex, 0);
  assert.equal(r.locked[0], LOCK_SELF);
});

test('a new connection moves the self lock and restores the old row', () => {
  const r = buildRoster(cast(), ME);
  setSelf(r, 'u1');
  assert.equal(r.locked[r.indexById.get('u1')], LOCK_SELF);
  assert.equal(r.locked[0], LOCK_ADMIN, 'the old self row is an org admin again');
  setSelf(r, 'not-in-file');
  assert.equal(r.locked[r.indexById.get('u1')], LOCK_NONE);
  assert.equal(r.selfIndex, -1);
});

test('a whitespace-only org role is no role', () => {
  const r = buildRoster(users([{ id: 'x', orgRole: '  ' }]));
  assert.equal(r.locked[0], LOCK_NONE);
  assert.deepEqual(r.facets.roles, []);
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
  assert.equal(r.lastSeen[0], null);
  assert.deepEqual(r.groups[1], []);
});

test('products and groups sent as indices into name lists come back as names', () => {
  const users = {
    id: ['a', 'b'], name: ['A', 'B'], email: ['a@x.io', 'b@x.io'], status: ['Active', 'Active'],
    orgRole: ['', ''], lastSeen: [null, null],
    products: [[0], [0, 1]], groups: [[1], []],
    productNames: ['Jira', 'Confluence'], groupNames: ['finance', 'support'],
  };
  const r = buildRoster(users, null);
  assert.deepEqual(r.products[1], ['Jira', 'Confluence']);
  assert.deepEqual(r.groups[0], ['support']);
  assert.deepEqual(r.facets.groups, ['support']);
  assert.deepEqual(r.facets.products, ['Confluence', 'Jira']);
});
