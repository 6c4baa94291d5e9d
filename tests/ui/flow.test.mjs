import test from 'node:test';
import assert from 'node:assert/strict';
import { stepStates, fallbackStep, errorSlot, toError } from '../../ui/js/model/flow.js';

const facts = (f) => ({ connected: false, imported: false, selected: 0, hasRun: false, runStarted: false, runFinished: false, ...f });

test('later steps open only when what they need exists', () => {
  assert.deepEqual(stepStates(facts({})).enabled, { connect: true, choose: false, review: false, run: false });
  assert.equal(stepStates(facts({ connected: true })).enabled.choose, true);
  assert.equal(stepStates(facts({ connected: true, imported: true })).enabled.review, false, 'nothing selected');
  assert.equal(stepStates(facts({ connected: true, imported: true, selected: 1 })).enabled.review, true);
  assert.equal(stepStates(facts({ imported: true, selected: 1 })).enabled.review, false, 'not connected');
  assert.equal(stepStates(facts({ hasRun: true })).enabled.run, true);
});

test('done marks follow the flow', () => {
  const s = stepStates(facts({ connected: true, imported: true, selected: 2, hasRun: true, runStarted: true, runFinished: true }));
  assert.deepEqual(s.done, { connect: true, choose: true, review: true, run: true });
  const historyOnly = stepStates(facts({ connected: true, hasRun: true }));
  assert.equal(historyOnly.enabled.run, true, 'the history alone opens the Run step');
  assert.equal(historyOnly.done.review, false, 'but no review was done in this window');
  assert.deepEqual(stepStates(facts({ connected: true })).done, { connect: true, choose: false, review: false, run: false });
});

test('a closed step falls back to the last open one before it', () => {
  const { enabled } = stepStates(facts({ connected: true }));
  assert.equal(fallbackStep('review', enabled), 'choose');
  assert.equal(fallbackStep('run', stepStates(facts({})).enabled), 'connect');
});

test('errors go next to their field, or to the step', () => {
  const slots = { site: 'S', token: 'T' };
  assert.equal(errorSlot({ field: 'site' }, slots, 'G'), 'S');
  assert.equal(errorSlot({ field: 'email' }, slots, 'G'), 'G');
  assert.equal(errorSlot({ field: null }, slots, 'G'), 'G');
});

test('any rejection becomes {kind, message, field}', () => {
  assert.deepEqual(toError({ kind: 'bad_site', message: 'No.', field: 'site' }), { kind: 'bad_site', message: 'No.', field: 'site' });
  assert.deepEqual(toError('command connect not found'), { kind: 'internal', message: 'command connect not found', field: null });
  assert.equal(toError(new TypeError('x')).message, 'x');
  assert.equal(toError(undefined).kind, 'internal');
});
