import test from 'node:test';
import assert from 'node:assert/strict';
import {
  planWords, confirmPhrase, phraseMatches, readPace, defaultPace, planDurationSecs, preflightWords,
} from '../../ui/js/model/plan.js';

test('the plan says what happens, and what does not', () => {
  assert.equal(planWords(312, 'acme.atlassian.net'),
    'Remove 312 users from acme.atlassian.net. This removes their access to the site; their Atlassian accounts are not deleted.');
  assert.match(planWords(1, 'acme.atlassian.net'), /^Remove 1 user from/);
  assert.match(planWords(12345, 'x'), /^Remove 12,345 users/);
  assert.match(planWords(0, 'x'), /No users are selected/);
});

test('the phrase is "remove N" with plain digits', () => {
  assert.equal(confirmPhrase(312), 'remove 312');
  assert.equal(confirmPhrase(12345), 'remove 12345');
});

test('the phrase matches exactly after trimming, nothing looser', () => {
  assert.equal(phraseMatches('remove 312', 312), true);
  assert.equal(phraseMatches('  remove 312\n', 312), true);
  assert.equal(phraseMatches('remove 31', 312), false);
  assert.equal(phraseMatches('remove 3120', 312), false);
  assert.equal(phraseMatches('Remove 312', 312), false);
  assert.equal(phraseMatches('remove  312', 312), false);
  assert.equal(phraseMatches('remove 312 users', 312), false);
  assert.equal(phraseMatches('remove 0', 0), false, 'an empty plan is never armed');
  assert.equal(phraseMatches(undefined, 1), false);
});

test('pace: empty fields are the defaults', () => {
  assert.deepEqual(readPace('', ''), { pace: defaultPace() });
  assert.deepEqual(defaultPace(), { maxRate: 20, maxInFlight: 8 });
  assert.deepEqual(readPace('50', '1'), { pace: { maxRate: 50, maxInFlight: 1 } });
  assert.deepEqual(readPace(' 7 ', '32'), { pace: { maxRate: 7, maxInFlight: 32 } });
});

test('pace: out of range or not whole is refused with the field named', () => {
  assert.equal(readPace('0', '8').field, 'pace-rate');
  assert.equal(readPace('51', '8').field, 'pace-rate');
  assert.equal(readPace('2.5', '8').field, 'pace-rate');
  assert.equal(readPace('fast', '8').field, 'pace-rate');
  assert.equal(readPace('20', '33').field, 'pace-in-flight');
  assert.equal(readPace('20', '0').field, 'pace-in-flight');
  assert.match(readPace('20', '0').error, /from 1 to 32/);
});

test('plan duration and dry-run words', () => {
  assert.equal(planDurationSecs(312, 20), 16);
  assert.equal(planDurationSecs(10, 0), null);
  assert.equal(preflightWords({ exists: 10, alreadyGone: 0, appAccounts: 0, customerAccounts: 0, protected: 0 }),
    'Dry run, nothing was changed: 10 found on the site.');
  assert.equal(preflightWords({ exists: 1200, alreadyGone: 3, appAccounts: 1, customerAccounts: 2, protected: 4 }),
    'Dry run, nothing was changed: 1,200 found on the site; 3 already gone; 1 app account; 2 customer accounts; 4 protected (will be skipped).');
});
