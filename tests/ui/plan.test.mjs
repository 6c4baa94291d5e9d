import test from 'node:test';
import assert from 'node:assert/strict';
import {
  phraseMatches, armed, needsNewPlan, NO_SELECTION_WORDS, planDurationSecs, preflightWords,
} from '../../ui/js/model/plan.js';

// A Plan as Rust's prepare_plan returns it, tagged by the page with the state it was made for.
const rustPlan = (phrase, key = '1:7') => ({
  planId: 'p-1', rehearsal: false, phrase, toRemove: 312, total: 315,
  protected: [], words: 'Remove 312 users…', protectionWords: '…', key,
});

test('the phrase matches Rust\'s phrase exactly after trimming what was typed, nothing looser', () => {
  assert.equal(phraseMatches('remove 312', 'remove 312'), true);
  assert.equal(phraseMatches('  remove 312\n', 'remove 312'), true);
  assert.equal(phraseMatches('remove 31', 'remove 312'), false);
  assert.equal(phraseMatches('remove 3120', 'remove 312'), false);
  assert.equal(phraseMatches('Remove 312', 'remove 312'), false);
  assert.equal(phraseMatches('remove  312', 'remove 312'), false);
  assert.equal(phraseMatches('remove 312 users', 'remove 312'), false);
  assert.equal(phraseMatches(undefined, 'remove 1'), false);
});

test('the phrase is whatever Rust says, not one the page works out from a count', () => {
  // Rust's phrase names the rows it will act on, which the page does not count itself.
  assert.equal(phraseMatches('remove 310', 'remove 310'), true);
  assert.equal(phraseMatches('remove 312', 'remove 310'), false);
  assert.equal(phraseMatches('remove 1', 'remove 1'), true, 'the rehearsal\'s phrase');
  assert.equal(phraseMatches('delete them all', 'delete them all'), true);
});

test('without a phrase from Rust nothing matches', () => {
  assert.equal(phraseMatches('', ''), false);
  assert.equal(phraseMatches('remove 0', undefined), false);
  assert.equal(phraseMatches('remove 0', null), false);
});

test('a plan arms only while current and only on its own phrase', () => {
  const plan = rustPlan('remove 312');
  assert.equal(armed(plan, '1:7', 'remove 312'), true);
  assert.equal(armed(plan, '1:7', ' remove 312 '), true);
  assert.equal(armed(plan, '1:8', 'remove 312'), false, 'the selection changed since');
  assert.equal(armed(plan, '2:7', 'remove 312'), false, 'a connect or an import since');
  assert.equal(armed(plan, '1:7', 'remove 311'), false);
  assert.equal(armed(null, '1:7', 'remove 312'), false, 'no plan, no run');
  assert.equal(armed({ ...plan, phrase: undefined }, '1:7', ''), false);
});

test('stale_plan and phrase refusals call for a new plan; other errors do not', () => {
  assert.equal(needsNewPlan({ kind: 'stale_plan', message: 'x', field: 'confirm' }), true);
  assert.equal(needsNewPlan({ kind: 'phrase', message: 'x', field: 'confirm' }), true);
  assert.equal(needsNewPlan({ kind: 'protected', message: 'x', field: 'rehearse' }), false);
  assert.equal(needsNewPlan({ kind: 'network', message: 'x', field: null }), false);
  assert.equal(needsNewPlan(undefined), false);
  assert.match(NO_SELECTION_WORDS, /No users are selected/);
});

test('plan duration and dry-run words', () => {
  assert.equal(planDurationSecs(312, 20), 16);
  assert.equal(planDurationSecs(10, 0), null);
  assert.equal(preflightWords({ exists: 10, alreadyGone: 0, appAccounts: 0, customerAccounts: 0, protected: 0 }),
    'Dry run, nothing was changed: 10 found on the site.');
  assert.equal(preflightWords({ exists: 1200, alreadyGone: 3, appAccounts: 1, customerAccounts: 2, protected: 4 }),
    'Dry run, nothing was changed: 1,200 found on the site; 3 already gone; 1 app account; 2 customer accounts; 4 protected (will be skipped).');
});
