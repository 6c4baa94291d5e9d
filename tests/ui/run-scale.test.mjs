// A 100,000-row run in the page's model: the rows come from what the page held, and nothing the
// model keeps grows with each event (structure, not timing: the window's memory through such a
// run is measured by bench/run).
import test from 'node:test';
import assert from 'node:assert/strict';
import { UserList } from '../../ui/js/model/userlist.js';
import {
  applyEvent, bufferedRun, heldRows, leftCount, newRun, rowId, rowMessage, rowsCheck, rowsOf, selectedRows, zeroCounters,
} from '../../ui/js/model/run.js';
import { many } from './helpers.mjs';

const N = 100_000;

test('the rows check is the one Rust computes', () => {
  // The same figures as src-tauri/src/app/state/run_stream_tests.rs.
  assert.equal(rowsCheck([]), 0x811c9dc5);
  assert.equal(rowsCheck(['abc', '557058:f58131cb']), 0xa8c61372);
  assert.equal(rowsCheck(['Zoë']), 0x24069027);
  assert.equal(rowsCheck(['😀x']), 0x22ad427e);
  assert.notEqual(rowsCheck(['a', 'b']), rowsCheck(['b', 'a']));
  assert.equal(heldRows(null), null);
  assert.deepEqual(heldRows({ id: ['abc', '557058:f58131cb'] }), { count: 2, check: 0xa8c61372 });
});

test('a new plan\'s rows are the ticked ones in file order, as the roster\'s own strings', () => {
  const users = many(50);
  const list = new UserList(users, null);
  for (const i of [40, 3, 17]) list.toggle(i);
  const rows = selectedRows(list);
  assert.deepEqual(rows.id, [users.id[3], users.id[17], users.id[40]]);
  assert.deepEqual(rows.name, [users.name[3], users.name[17], users.name[40]]);
  assert.deepEqual(selectedRows(null), { id: [], name: [], email: [] });
});

// Every collection the run holds, by name: its length or size. Plain objects (the counters, the
// last retry) are replaced, never added to: a handful of fields each.
function sizes(run) {
  const out = {};
  for (const [k, v] of Object.entries(run)) {
    if (ArrayBuffer.isView(v) || Array.isArray(v)) out[k] = v.length;
    else if (v instanceof Map || v instanceof Set) out[k] = v.size;
    else if (v && typeof v === 'object') assert.ok(Object.keys(v).length <= 6, k);
  }
  return out;
}

test('100,000 row events: per-row state is the plan\'s size, and nothing else grows per event', () => {
  // The plan's rows as the page held them (selectedRows of a 100,000-row list, built directly:
  // the list itself is scale.test.mjs's business).
  const held = { id: [], name: [], email: [] };
  for (let i = 0; i < N; i++) {
    held.id.push(`712020:${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`);
    held.name.push(`User ${i}`);
    held.email.push(`user${i}@example.com`);
  }
  const n = N;
  // Rust found the held rows to be the plan's: it sent none.
  const buffer = bufferedRun(() => {}, () => 0);
  const messages = ['not on the site (404)', 'gave up after 4 tries; last error: 503', 'Atlassian refused: app account'];
  const event = (i) => {
    const kind = i % 10;
    if (kind < 6) return { type: 'row', row: i, outcome: 'removed', httpStatus: 204 };
    if (kind < 9) return { type: 'row', row: i, outcome: 'already_gone', httpStatus: 404, ...(i < 10 ? { message: messages[0] } : {}) };
    // Failed rows alternate between two messages, so each is sent again and again.
    return { type: 'row', row: i, outcome: 'failed', httpStatus: 503, message: messages[Math.floor(i / 10) % 2 ? 2 : 1] };
  };
  // A few events arrive before `RunStarted`.
  for (let i = 0; i < 5; i++) buffer.onEvent(event(i));
  const run = buffer.attach({ runId: 'r', total: n, site: 'https://acme.atlassian.net', rows: null, decided: [] }, held);
  assert.equal(run.ids, held.id, 'the held columns themselves');
  const before = sizes(run);
  const keys = Object.keys(run).sort();
  for (let i = 5; i < n; i++) {
    buffer.onEvent(event(i));
    if (i % 500 === 0) applyEvent(run, { type: 'progress', counters: { ...run.counters }, done: run.done, total: n, etaSecs: 1 });
    if (i % 20_000 === 0) applyEvent(run, { type: 'retrying', row: i, attempt: 1, delayMs: 10, reason: 'busy' });
  }
  const after = sizes(run);
  assert.deepEqual(Object.keys(run).sort(), keys, 'no new state');
  for (const k of ['outcome', 'httpStatus', 'messageCode', 'stillPresent', 'ids', 'names', 'emails']) {
    assert.equal(after[k], n, `${k}: one entry a row`);
  }
  // Only the distinct messages were added: each once, however often it came.
  assert.equal(after.messages, 1 + messages.length);
  assert.equal(after.messageIndex, 1 + messages.length);
  for (const [k, v] of Object.entries(after)) {
    if (k === 'messages' || k === 'messageIndex') continue;
    assert.equal(v, before[k], `${k} grew with the events`);
  }
  // And the figures are right.
  assert.equal(run.done, n);
  assert.equal(leftCount(run), 0);
  const failed = Math.floor((n - 1 - 9) / 10) + 1;
  assert.equal(run.counters.failed, failed);
  assert.equal(run.counters.removed + run.counters.alreadyGone + run.counters.failed, n);
  assert.equal(rowMessage(run, 8), messages[0], 'a repeated message read from the chain');
  assert.equal(rowMessage(run, n - 2 - ((n - 2) % 10) + 7), messages[0]);
  assert.equal(rowMessage(run, 9), messages[1]);
  assert.equal(rowMessage(run, 19), messages[2]);
  assert.equal(rowMessage(run, 29), messages[1]);
  assert.equal(rowId(run, n - 1), held.id[n - 1]);
  assert.deepEqual(rowsOf(run).id, held.id);

  // The end: rows are never touched one by one again, but the verification pass is once.
  applyEvent(run, { type: 'finished', status: 'completed', counters: { ...zeroCounters(), ...run.counters }, message: '' });
  const change = applyEvent(run, { type: 'verified', gone: 10, stillPresent: [held.id[7]], notChecked: 0, message: '' });
  assert.deepEqual(change.rows, [7]);
  assert.deepEqual(sizes(run).stillPresent, n);
});
