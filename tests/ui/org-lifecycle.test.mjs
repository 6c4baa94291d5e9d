// Managed-account actions in the window (issue 14): the Review step's picker, the words of a run
// of each account action, the dry run's "Not allowed" rows, and the history's undo.

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  ACCOUNT_ACTIONS, DIRECTORY_ACTIONS, countLabels, goingWords, isAccountAction, orgCountersWords, orgPreflightWords,
  orgVerifiedWords, outcomeLabels, preflightRowWords, startLabel, stillPresentWords,
} from '../../ui/js/model/org-words.js';
import { fromRunWords, undoButtonTitle, undoButtonWords, undoConnectWords, undoOffered } from '../../ui/js/model/org-undo.js';
import { formatWhen } from '../../ui/js/model/format.js';
import { historyWords } from '../../ui/js/model/run.js';

const read = (path) => readFileSync(new URL(path, import.meta.url), 'utf8');

test('the picker offers the account actions apart, under "Managed accounts"', () => {
  const html = read('../../ui/index.html');
  const fieldset = html.slice(html.indexOf('<fieldset id="org-action"'), html.indexOf('</fieldset>'));
  const group = (name) => {
    const start = fieldset.indexOf(`data-group="${name}"`);
    assert.ok(start > 0, `#org-action has the ${name} group`);
    const end = fieldset.indexOf('data-group=', start + 1);
    return fieldset.slice(start, end < 0 ? undefined : end);
  };
  const offered = (part) => [...part.matchAll(/name="org-action" value="(\w+)"/g)].map((m) => m[1]);
  assert.deepEqual(offered(group('directory')), DIRECTORY_ACTIONS);
  assert.deepEqual(offered(group('accounts')), ACCOUNT_ACTIONS);
  assert.match(group('accounts'), /<h2[^>]*>Managed accounts<\/h2>/);
  // Each choice's label names its action, so org-review.js fills the core's words in.
  for (const a of ACCOUNT_ACTIONS) assert.match(group('accounts'), new RegExp(`data-action="${a}"><input[^>]*value="${a}"`));
  assert.ok(ACCOUNT_ACTIONS.every(isAccountAction) && !DIRECTORY_ACTIONS.some(isAccountAction));
});

test('a run of an account action counts in its own words', () => {
  assert.equal(outcomeLabels('deactivate').removed, 'Deactivated');
  assert.equal(outcomeLabels('delete_account').removed, 'Scheduled for deletion');
  assert.equal(outcomeLabels('cancel_delete').removed, 'Deletion cancelled');
  assert.equal(outcomeLabels('reactivate').already_gone, 'Not found');
  assert.equal(outcomeLabels('reactivate').cannot_remove, 'Refused');
  assert.deepEqual(countLabels('delete_account'), { removed: 'Scheduled for deletion', alreadyGone: 'Not found', cannotRemove: 'Refused' });
  assert.deepEqual(countLabels('reactivate'), { removed: 'Reactivated', alreadyGone: 'Not found', cannotRemove: 'Refused' });
  // The directory actions keep theirs.
  assert.equal(outcomeLabels('suspend').already_gone, 'Not in the directory');
  const c = { removed: 3, alreadyGone: 1, cannotRemove: 1, skipped: 2, failed: 0, notAttempted: 0 };
  assert.equal(orgCountersWords(c, 'deactivate'), '3 deactivated, 1 not found, 1 refused, 2 skipped');
  assert.equal(orgCountersWords({ ...c, alreadyGone: 0, cannotRemove: 0, skipped: 0 }, 'cancel_delete'), '3 taken off the deletion schedule');
  assert.equal(goingWords('deactivate', 2, 'Practice Directory'), 'Deactivating 2 accounts…');
  assert.equal(goingWords('delete_account', 1, ''), 'Scheduling the deletion of 1 account…');
  assert.equal(orgVerifiedWords({ gone: 2, stillPresent: ['x'], notChecked: 0 }, 'delete_account'),
    'Verified scheduled for deletion: 2, not scheduled for deletion: 1');
  assert.equal(orgVerifiedWords({ gone: 2, stillPresent: [], notChecked: 0 }, 'reactivate'), 'Verified active again: 2, not active: 0');
  assert.equal(stillPresentWords('deactivate'), 'Not deactivated when read back from the organization after the run.');
  assert.equal(startLabel('delete_account', 40), 'Delete 40 accounts');
  assert.equal(startLabel('cancel_delete', 1), 'Cancel the deletion of 1 account');
  assert.equal(startLabel('reactivate', null), 'Start: reactivate account');
  const s = { runId: 'r', createdAt: '2026-03-04T05:06:07Z', rows: 4, counters: { ...c, alreadyGone: 0, cannotRemove: 0, skipped: 1 },
    lastStatus: 'completed', action: 'deactivate', actionTitle: 'Deactivate account', orgName: 'Acme' };
  assert.match(historyWords(s), / · Deactivate account · Acme · 4 people · completed — 3 deactivated, 1 skipped$/);
});

test('the dry run counts the accounts Atlassian does not allow, with its reason once', () => {
  const p = { wouldAct: 3, protected: 1, notInDirectory: 0, alreadyDone: 1, notAllowed: 2 };
  assert.equal(orgPreflightWords(p, 'deactivate'),
    'Dry run, nothing was changed: 3 would be deactivated; 1 already deactivated; 2 not allowed by Atlassian; 1 protected or skipped.');
  assert.equal(orgPreflightWords({ ...p, notAllowed: 0 }, 'deactivate').includes('not allowed'), false);
  const row = { state: 'not_allowed', detail: 'not allowed: provisioned by your identity provider (SCIM): change it there' };
  assert.equal(preflightRowWords('Sam', row, 'delete_account'),
    'Sam: Not allowed — provisioned by your identity provider (SCIM): change it there');
  assert.equal(preflightRowWords('Ann', { state: 'would_act', detail: 'account active: will be deactivated' }, 'deactivate'),
    'Ann: would be deactivated — account active: will be deactivated');
  assert.equal(preflightRowWords('Bo', { state: 'protected', detail: '' }, 'deactivate'), 'Bo: protected or skipped');
});

test('the history offers the undo of every reversible run, a deletion only while it can be cancelled', () => {
  const now = Date.parse('2026-03-10T12:00:00Z');
  const done = { counters: { removed: 2 }, lastStatus: 'completed', createdAt: '2026-03-04T05:06:07Z', orgName: 'Acme' };
  const suspend = { ...done, action: 'suspend', undo: 'restore' };
  const deactivate = { ...done, action: 'deactivate', undo: 'reactivate' };
  const until = '2026-03-18T05:06:30Z';
  const del = { ...done, action: 'delete_account', undo: 'cancel_delete', undoUntil: until };
  assert.ok(undoOffered(suspend, now) && undoOffered(deactivate, now) && undoOffered(del, now));
  assert.equal(undoButtonWords(suspend), 'Restore these users');
  assert.equal(undoButtonWords(deactivate), 'Reactivate these accounts');
  assert.equal(undoButtonWords(del), `Cancel the deletions (until ${formatWhen(until)})`);
  assert.match(undoButtonWords(del), /\(until 1[78] Mar 2026 \d\d:\d\d\)$/); // the last day, in the admin's clock
  assert.match(undoButtonTitle(del), /deleted for good/);
  assert.doesNotMatch(undoButtonTitle(deactivate), /deleted for good/);
  // Past the grace period (the history was read earlier), not offered; nor without an undo,
  // for a run going on, a rehearsal, or a run that did nothing.
  assert.equal(undoOffered(del, Date.parse(until)), false);
  assert.equal(undoOffered({ ...del, undoUntil: 'not a time' }, now), false);
  assert.equal(undoOffered({ ...done, action: 'remove', undo: null }, now), false);
  assert.equal(undoOffered({ ...done, action: 'cancel_delete', undo: 'cancel_delete_again' }, now), false);
  assert.equal(undoOffered({ ...deactivate, active: true }, now), false);
  assert.equal(undoOffered({ ...deactivate, runningElsewhere: true }, now), false);
  assert.equal(undoOffered({ ...deactivate, counters: { removed: 0 } }, now), false);
});

test('an undo plan says which run it undoes', () => {
  const run = { createdAt: '2026-03-04T05:06:07Z', orgName: 'Acme', undoUntil: '2026-03-18T05:06:30Z' };
  const when = formatWhen(run.createdAt);
  assert.equal(fromRunWords('restore', run), `Restoring the people the suspend run of ${when} in Acme suspended.`);
  assert.equal(fromRunWords('reactivate', { ...run, orgName: '' }), `Reactivating the accounts the deactivate run of ${when} deactivated.`);
  assert.equal(fromRunWords('cancel_delete', run),
    `Cancelling the deletions the delete-account run of ${when} in Acme scheduled. They can be cancelled until ${formatWhen(run.undoUntil)}; after that the accounts are deleted for good.`);
  assert.equal(undoConnectWords('reactivate', 'Acme'),
    'To reactivate the accounts this run deactivated, connect to Acme first. Offboard then prepares the reactivation.');
  assert.match(undoConnectWords('cancel_delete', 'Acme'), /^To cancel the deletions this run scheduled/);
});
