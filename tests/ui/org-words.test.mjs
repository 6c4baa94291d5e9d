import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  ACTION_WORDS, ORG_ACTIONS, countLabels, goingWords, isOrgAction, orgCountersWords, orgPreflightWords, orgVerifiedWords,
  outcomeLabels, parseOrgId, preflightStateWords, startLabel, stillPresentWords,
} from '../../ui/js/model/org-words.js';
import { historyWords } from '../../ui/js/model/run.js';

// The core's words for each action, read from its source so the page cannot drift from them.
function rustWords(fn) {
  const src = readFileSync(new URL('../../src-tauri/src/sweep/action.rs', import.meta.url), 'utf8');
  const start = src.indexOf(`pub fn ${fn}(self)`);
  assert.ok(start > 0, `action.rs has ${fn}()`);
  const body = src.slice(start, src.indexOf('pub fn', start + 10));
  const out = {};
  const names = {
    SiteRemove: 'site_remove', Suspend: 'suspend', Restore: 'restore', Remove: 'remove',
    Deactivate: 'deactivate', Reactivate: 'reactivate', DeleteAccount: 'delete_account', CancelDelete: 'cancel_delete',
  };
  for (const m of body.matchAll(/Action::(\w+)\s*=>\s*\{?\s*"((?:[^"\\]|\\.)*)"/gs)) {
    assert.ok(names[m[1]], `the page knows Action::${m[1]}`);
    out[names[m[1]]] = m[2].replace(/\\\n\s*/g, '').replace(/\\'/g, "'").replace(/\\"/g, '"');
  }
  return out;
}

test('titles and explanations are the core\'s own words', () => {
  const titles = rustWords('title');
  const explanations = rustWords('explanation');
  assert.deepEqual(Object.keys(titles).sort(), Object.keys(ACTION_WORDS).sort());
  for (const [action, w] of Object.entries(ACTION_WORDS)) {
    assert.equal(w.title, titles[action], `title of ${action}`);
    assert.equal(w.explanation, explanations[action], `explanation of ${action}`);
  }
  assert.deepEqual(ORG_ACTIONS, ['suspend', 'remove', 'restore', 'deactivate', 'reactivate', 'delete_account', 'cancel_delete']);
  // Every Rust action but site mode's is offered, and only those.
  assert.deepEqual([...ORG_ACTIONS].sort(), Object.keys(titles).filter((a) => a !== 'site_remove').sort());
  assert.ok(ORG_ACTIONS.every(isOrgAction));
  assert.equal(isOrgAction('site_remove'), false);
  assert.equal(isOrgAction(undefined), false);
});

test('outcome labels and counts follow the action', () => {
  assert.equal(outcomeLabels('suspend').removed, 'Suspended');
  assert.equal(outcomeLabels('restore').removed, 'Restored');
  assert.equal(outcomeLabels('remove').removed, 'Removed');
  assert.equal(countLabels('remove').removed, 'Removed from the directory');
  assert.equal(outcomeLabels('suspend').already_gone, 'Not in the directory');
  assert.equal(outcomeLabels('suspend').cannot_remove, 'Refused');
  assert.equal(outcomeLabels('site_remove').removed, 'Removed');
  assert.equal(outcomeLabels(undefined).already_gone, 'Already gone');
  assert.deepEqual(countLabels('suspend'), { removed: 'Suspended', alreadyGone: 'Not in the directory', cannotRemove: 'Refused' });
  const c = { removed: 10, alreadyGone: 0, cannotRemove: 1, skipped: 2, failed: 0, notAttempted: 0 };
  assert.equal(orgCountersWords(c, 'suspend'), '10 suspended, 1 refused, 2 skipped');
  assert.equal(orgCountersWords({ ...c, alreadyGone: 3 }, 'remove'), '10 removed from the directory, 3 not in the directory, 1 refused, 2 skipped');
});

test('the run, the verification and the dry run speak of the action', () => {
  assert.equal(goingWords('suspend', 12, 'Practice Directory'), 'Suspending 12 people in Practice Directory…');
  assert.equal(goingWords('remove', 1, ''), 'Removing 1 person from the directory…');
  assert.equal(orgVerifiedWords({ gone: 9, stillPresent: ['x'], notChecked: 0 }, 'suspend'), 'Verified suspended: 9, not suspended: 1');
  assert.equal(orgVerifiedWords({ gone: 2, stillPresent: [], notChecked: 1 }, 'restore'), 'Verified active again: 2, not active: 0, not checked: 1');
  assert.equal(orgVerifiedWords({ gone: 2, stillPresent: [], notChecked: 0 }, 'remove'), 'Verified gone: 2, still in the directory: 0');
  assert.match(stillPresentWords('suspend'), /^Not suspended when read back/);
  assert.match(stillPresentWords('site_remove'), /^Still on the site/);
  const p = { wouldAct: 7, protected: 2, notInDirectory: 1, alreadyDone: 0 };
  assert.equal(orgPreflightWords(p, 'suspend'), 'Dry run, nothing was changed: 7 would be suspended; 1 not in the directory; 2 protected or skipped.');
  assert.equal(preflightStateWords('already_done', 'restore'), 'already restored');
  assert.equal(startLabel('suspend', 120), 'Suspend 120 people');
  assert.equal(startLabel('remove', 1), 'Remove 1 person from the directory');
  assert.equal(startLabel('restore', null), 'Start: restore access');
});

test('the history names the action and the organization', () => {
  const s = {
    runId: 'r1', createdAt: '2026-03-04T05:06:07Z', site: 'https://api.atlassian.com', email: '', rows: 12,
    counters: { removed: 10, alreadyGone: 0, cannotRemove: 0, skipped: 2, failed: 0, notAttempted: 0 }, decided: 12,
    lastStatus: 'completed', resumable: false, action: 'suspend', actionTitle: 'Suspend access', orgName: 'Acme', undo: 'restore',
  };
  const line = historyWords(s);
  assert.match(line, / · Suspend access · Acme · 12 people · completed — 10 suspended, 2 skipped$/);
  const site = historyWords({ ...s, action: 'site_remove', orgName: null, site: 'https://acme.atlassian.net', email: 'a@b.c' });
  assert.match(site, / · Run as a@b\.c · acme\.atlassian\.net · 12 users · completed — 10 removed, 2 skipped$/);
  assert.match(historyWords({ ...s, action: undefined, site: 'https://acme.atlassian.net' }), /Run · acme\.atlassian\.net/);
});

test('the org id is taken from an admin.atlassian.com address or typed as is', () => {
  const id = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
  assert.equal(parseOrgId(` ${id} `), id);
  assert.equal(parseOrgId(`https://admin.atlassian.com/o/${id}/users?status=active`), id);
  assert.equal(parseOrgId(`admin.atlassian.com/o/${id}`), id);
  assert.equal(parseOrgId(`https://admin.atlassian.com/o/${id}#x`), id);
  assert.equal(parseOrgId(`https://example.com/orgs/${id}/x`), id);
  assert.equal(parseOrgId('acme-org'), 'acme-org');
  assert.equal(parseOrgId(''), '');
  assert.equal(parseOrgId(null), '');
});

test('a run of an organization action ends in its own words', async () => {
  const { summaryWords, endedWords } = await import('../../ui/js/model/run.js');
  const counters = { removed: 54, alreadyGone: 0, cannotRemove: 0, skipped: 10, failed: 0, notAttempted: 0 };
  const run = { action: 'suspend', counters, finishStatus: 'completed', state: 'finished', done: 64, total: 64 };
  assert.equal(summaryWords(run), '54 suspended, 10 skipped.');
  assert.equal(endedWords(run), 'Finished: 64 of 64 people decided.');
  assert.equal(summaryWords({ ...run, action: 'remove', counters: { ...counters, skipped: 0, removed: 2 } }), '2 removed from the directory.');
  assert.equal(summaryWords({ ...run, action: undefined }), '54 removed, 10 skipped.');
  assert.equal(endedWords({ ...run, action: 'site_remove' }), 'Finished: 64 of 64 users decided.');
});
