import test from 'node:test';
import assert from 'node:assert/strict';
import { checkInFlight, checkRate, paceLabels, readPace } from '../../ui/js/model/pace.js';

// AppInfo.pace as Rust sends it (the engine's MIN_RATE, MAX_RATE, MAX_IN_FLIGHT and defaults).
const LIMITS = { minRate: 0.5, maxRate: 50, defaultRate: 20, maxInFlight: 32, defaultInFlight: 8 };

test('pace: numbers inside Rust\'s bounds are read, decimals for the rate only', () => {
  assert.deepEqual(readPace('20', '8', LIMITS), { pace: { maxRate: 20, maxInFlight: 8 }, errors: { rate: null, inFlight: null } });
  assert.deepEqual(readPace(' 0.5 ', '1', LIMITS).pace, { maxRate: 0.5, maxInFlight: 1 });
  assert.deepEqual(readPace('50', '32', LIMITS).pace, { maxRate: 50, maxInFlight: 32 });
  assert.deepEqual(readPace('.5', '32', LIMITS).pace, { maxRate: 0.5, maxInFlight: 32 });
  assert.deepEqual(readPace('12.25', '3', LIMITS).pace, { maxRate: 12.25, maxInFlight: 3 });
});

test('pace: an empty field is an error, never the default', () => {
  const r = readPace('', '', LIMITS);
  assert.equal(r.pace, null);
  assert.match(r.errors.rate, /empty/);
  assert.match(r.errors.rate, /from 0\.5 to 50/);
  assert.match(r.errors.inFlight, /whole number from 1 to 32/);
  assert.match(checkRate('   ', LIMITS).error, /empty/);
});

test('pace: words, signs, exponents and out-of-range values are refused with what was typed', () => {
  for (const bad of ['abc', '-5', '0', '0.4', '51', '50.01', '1e3', '0x10', '+5', 'Infinity', 'NaN', '2,5', '20 20', '5.']) {
    const r = checkRate(bad, LIMITS);
    assert.ok(r.error, `rate ${JSON.stringify(bad)} passed`);
    assert.ok(r.error.includes(`“${bad.trim()}”`), r.error);
  }
  for (const bad of ['abc', '-5', '0', '33', '2.5', '1e1', ' ', '8a']) {
    assert.ok(checkInFlight(bad, LIMITS).error, `in flight ${JSON.stringify(bad)} passed`);
  }
  const r = readPace('-5', '8', LIMITS);
  assert.equal(r.pace, null);
  assert.equal(r.errors.inFlight, null, 'the good field has no message');
  assert.match(r.errors.rate, /^Removals per second must be a number from 0\.5 to 50; “-5” is not\.$/);
  assert.match(readPace('20', '33', LIMITS).errors.inFlight, /^Requests at once must be a whole number from 1 to 32; “33” is not\.$/);
});

test('pace: the bounds are whatever Rust says', () => {
  const tight = { minRate: 1, maxRate: 5, defaultRate: 2, maxInFlight: 2, defaultInFlight: 1 };
  assert.ok(checkRate('6', tight).error);
  assert.equal(checkRate('5', tight).value, 5);
  assert.ok(checkRate('0.5', tight).error);
  assert.ok(checkInFlight('3', tight).error);
  assert.deepEqual(paceLabels(tight), { rate: 'Removals per second (1–5)', inFlight: 'Requests at once (1–2)' });
  assert.deepEqual(paceLabels(LIMITS), { rate: 'Removals per second (0.5–50)', inFlight: 'Requests at once (1–32)' });
});

test('pace: without Rust\'s bounds only the form is checked (Rust refuses the rest)', () => {
  assert.equal(checkRate('500', null).value, 500);
  assert.ok(checkRate('0', null).error);
  assert.ok(checkRate('abc', null).error);
  assert.equal(checkInFlight('64', null).value, 64);
  assert.ok(checkInFlight('0', null).error);
  assert.deepEqual(paceLabels(null), { rate: 'Removals per second', inFlight: 'Requests at once' });
});
