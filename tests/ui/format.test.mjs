import test from 'node:test';
import assert from 'node:assert/strict';
import {
  formatCount, plural, formatDuration, formatEta, secondsLeft, formatCountdown, formatRate, formatDay, percent,
} from '../../ui/js/model/format.js';

test('counts are grouped and pluralised', () => {
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(plural(1, 'user'), '1 user');
  assert.equal(plural(0, 'user'), '0 users');
  assert.equal(plural(1312, 'user'), '1,312 users');
  assert.equal(plural(2, 'is', 'are'), '2 are');
});

test('durations read as seconds, minutes, hours', () => {
  assert.equal(formatDuration(0), '0 s');
  assert.equal(formatDuration(45.4), '45 s');
  assert.equal(formatDuration(60), '1 min');
  assert.equal(formatDuration(185), '3 min 5 s');
  assert.equal(formatDuration(7440), '2 h 4 min');
  assert.equal(formatDuration(-3), '0 s');
});

test('ETA before, during and at the end of a run', () => {
  assert.equal(formatEta(null), 'estimating…');
  assert.equal(formatEta(Infinity), 'estimating…');
  assert.equal(formatEta(0.2), 'almost done');
  assert.equal(formatEta(125), 'about 2 min');
  assert.equal(formatEta(42), 'about 40 s');
  assert.equal(formatEta(2), 'about 5 s');
  // Fits the tile: never "1 h 59 min 58 s".
  assert.equal(formatEta(7198), 'about 2 h');
  assert.equal(formatEta(3900), 'about 1 h 5 min');
});

test('throttle countdown rounds up and stops at zero', () => {
  assert.equal(secondsLeft(10_000, 0), 10);
  assert.equal(secondsLeft(10_000, 9_001), 1); // never shows 0 while still waiting
  assert.equal(secondsLeft(10_000, 10_000), 0);
  assert.equal(secondsLeft(10_000, 12_000), 0);
  assert.equal(formatCountdown(30_000, 0), '30 s');
  assert.equal(formatCountdown(30_000, 29_500), '1 s');
});

test('pace, dates and percentages', () => {
  assert.equal(formatRate(18.456), '18/s');
  assert.equal(formatRate(2.25), '2.3/s');
  assert.equal(formatRate(null), '–');
  // Slow paces read per minute, never "0.0/s".
  assert.equal(formatRate(0.5), '30/min');
  assert.equal(formatRate(0.05), '3/min');
  assert.equal(formatRate(1 / 40), '1.5/min');
  assert.equal(formatRate(0.001), 'under 1/min');
  assert.equal(formatDay('2024-01-03'), '3 Jan 2024');
  assert.equal(formatDay('never'), 'Never');
  assert.equal(formatDay('unreadable'), 'Unreadable');
  assert.equal(formatDay(null), '', 'no value at all is not "never"');
  assert.equal(percent(0, 0), 0);
  assert.equal(percent(999, 1000), 99); // not "100 %" until every row is decided
  assert.equal(percent(1000, 1000), 100);
  assert.equal(percent(1, 3), 33);
});
