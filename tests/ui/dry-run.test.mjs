import test from 'node:test';
import assert from 'node:assert/strict';
import {
  CANCELLED_WORDS, frameThrottle, notableLine, notableRows, progressBar, progressWords,
} from '../../ui/js/model/dry-run.js';
import { buildRoster } from '../../ui/js/model/roster.js';
import { users } from './helpers.mjs';

test('progress reads as counts of accounts looked up', () => {
  assert.equal(progressWords({ lookedUp: 12300, toLookUp: 100000 }), '12,300 of 100,000 accounts looked up');
  assert.equal(progressWords({ lookedUp: 0, toLookUp: 1 }), '0 of 1 account looked up');
  assert.deepEqual(progressBar({ lookedUp: 12300, toLookUp: 100000 }), { value: 12300, max: 100000 });
  assert.deepEqual(progressBar({ lookedUp: 0, toLookUp: 0 }), { value: 1, max: 1 }, 'nothing to look up: full');
  assert.match(CANCELLED_WORDS, /cancelled; nothing was changed/);
});

test('a thousand reports make one redraw a frame, with the newest', () => {
  const frames = [];
  const drawn = [];
  const t = frameThrottle((v) => drawn.push(v), (cb) => frames.push(cb));
  for (let i = 1; i <= 1000; i++) t.push({ lookedUp: i * 100, toLookUp: 100000 });
  assert.equal(frames.length, 1, 'one frame asked for');
  frames.shift()();
  assert.deepEqual(drawn, [{ lookedUp: 100000, toLookUp: 100000 }]);
  t.push({ lookedUp: 1, toLookUp: 2 });
  t.push({ lookedUp: 2, toLookUp: 2 });
  assert.equal(frames.length, 1, 'a new frame after the last was drawn');
  t.cancel();
  frames.shift()();
  assert.equal(drawn.length, 1, 'nothing drawn after cancel');
});

// The plan: six selected rows in file order, as prepare_plan was sent them.
const roster = buildRoster(users([
  { id: 'u0', name: 'Ann Example', email: 'ann@example.com' },
  { id: 'u1', name: 'Gina Gone', email: 'gina@example.com' },
  { id: 'u2', name: 'Bo Example', email: 'bo@example.com' },
  { id: '557058:bot', name: 'Jira Bot', email: '' },
  { id: 'qm:cy', name: '', email: 'cy@customer.example' },
  { id: 'me', name: 'Alex Admin', email: 'admin@example.com' },
]));
const ids = roster.id.slice();

// What the page received before (every row, with its account id) and what Rust sends now for
// the same dry run (src-tauri/src/app/dto.rs, a_dry_run_sends_counts_and_only_its_notable_rows).
const counts = { planId: 'p-1', exists: 2, alreadyGone: 1, appAccounts: 1, customerAccounts: 1, protected: 1 };
const before = {
  ...counts,
  rows: [
    { accountId: 'u0', presence: 'exists', detail: 'Ann Example' },
    { accountId: 'u1', presence: 'already_gone', detail: '' },
    { accountId: 'u2', presence: 'exists', detail: 'Bo Example' },
    { accountId: '557058:bot', presence: 'app_account', detail: 'Jira Bot' },
    { accountId: 'qm:cy', presence: 'customer_account', detail: 'Cy Customer' },
    { accountId: 'me', presence: 'protected', detail: 'you' },
  ],
};
const compact = { ...counts, notable: [[1, 'g'], [3, 'a', 'Jira Bot'], [4, 'c', 'Cy Customer'], [5, 'p', 'you']] };

test('the compact reply decodes into the rows the page listed before, in the same words', () => {
  const shownBefore = before.rows.filter((x) => x.presence !== 'exists');
  const decoded = notableRows(compact, ids);
  assert.deepEqual(decoded.map(({ accountId, presence, detail }) => ({ accountId, presence, detail })), shownBefore);
  assert.deepEqual(decoded.map((x) => x.row), [1, 3, 4, 5]);
  assert.deepEqual(decoded.map((x) => notableLine(x, roster)), shownBefore.map((x) => notableLine(x, roster)));
  assert.deepEqual(decoded.map((x) => notableLine(x, roster)), [
    'Gina Gone (gina@example.com): already gone',
    'Jira Bot (557058:bot): app account — Jira Bot',
    'qm:cy (cy@customer.example): customer account — Cy Customer',
    'Alex Admin (admin@example.com): protected — you',
  ]);
  assert.deepEqual(notableRows({ ...counts, exists: 6, alreadyGone: 0, appAccounts: 0, customerAccounts: 0, protected: 0, notable: [] }, ids), []);
});

test('a reply that cannot be of this plan is refused, never shown against the wrong people', () => {
  const wrong = (p) => assert.throws(() => notableRows(p, ids), (e) => e.kind === 'internal');
  wrong({ ...compact, exists: 3 }); // counts for seven rows, the plan has six
  wrong({ ...compact, notable: [[6, 'g']] }); // no such row
  wrong({ ...compact, notable: [[1, 'x']] }); // no such code
  wrong({ ...compact, notable: [[-1, 'g']] });
});
