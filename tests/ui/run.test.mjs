import test from 'node:test';
import assert from 'node:assert/strict';
import {
  newRun, applyEvent, bufferedRun, controls, throttled, throttleWords, steadyEta, retryLabel, leftCount, summaryWords, endedWords, historyWords, resumeOfferWords,
  findResumable, countersWords, zeroCounters, verifiedWords, rehearsalVerdict, rowMessage, rowStatus, rowId,
} from '../../ui/js/model/run.js';

const columns = (n) => ({
  id: Array.from({ length: n }, (_, i) => `id${i}`),
  name: Array.from({ length: n }, (_, i) => `N${i}`),
  email: Array.from({ length: n }, (_, i) => `e${i}@x.com`),
});
// As Rust sends it to a page that held no rows (after a restart).
const started = (n = 3, decided = []) => ({ runId: 'r1', total: n, site: 'https://acme.atlassian.net', rows: columns(n), decided });
const row = (i, outcome, extra = {}) => ({ type: 'row', row: i, outcome, httpStatus: 204, ...extra });

test('a new run counts the rows decided in earlier sessions', () => {
  const run = newRun(started(4, [{ row: 1, outcome: 'removed', httpStatus: 204 }]));
  assert.equal(run.counters.removed, 1);
  assert.equal(run.done, 1);
  assert.equal(leftCount(run), 3);
  assert.equal(run.state, 'running');
});

test('row events set outcomes and move counters once per row', () => {
  const run = newRun(started());
  const c = applyEvent(run, row(0, 'removed'));
  assert.deepEqual(c, { what: 'row', index: 0 });
  applyEvent(run, row(1, 'failed', { httpStatus: 500, message: 'Server error' }));
  applyEvent(run, row(1, 'failed', { httpStatus: 500, message: 'Server error' })); // reported twice
  assert.equal(run.counters.removed, 1);
  assert.equal(run.counters.failed, 1);
  assert.equal(run.done, 2);
  assert.equal(rowMessage(run, 1), 'Server error');
  assert.equal(rowStatus(run, 1), 500);
  assert.equal(rowStatus(run, 2), null);
  assert.equal(rowId(run, 1), 'id1');
});

test('a message left out is the last one sent for the same outcome, in events and in earlier decisions alike', () => {
  const run = newRun(started(8, [
    { row: 0, outcome: 'already_gone', httpStatus: 404, message: 'not on the site' },
    { row: 1, outcome: 'already_gone', httpStatus: 404 },
    { row: 2, outcome: 'removed', httpStatus: 204 },
  ]));
  assert.equal(rowMessage(run, 1), 'not on the site');
  assert.equal(rowMessage(run, 2), '');
  // The events start a chain of their own: a first already-gone row without words has none.
  const ev = row(3, 'already_gone', { httpStatus: 404 });
  applyEvent(run, ev);
  assert.equal(rowMessage(run, 3), '');
  applyEvent(run, row(4, 'failed', { httpStatus: 500, message: 'gave up' }));
  applyEvent(run, row(5, 'removed'));
  const repeated = row(6, 'failed', { httpStatus: 500 });
  applyEvent(run, repeated);
  assert.equal(rowMessage(run, 6), 'gave up');
  assert.equal(repeated.message, 'gave up', 'the event is completed for whoever reads it next');
  applyEvent(run, row(7, 'failed', { httpStatus: null, message: '' }));
  assert.equal(rowMessage(run, 7), '', 'an empty message is words too: none');
  assert.deepEqual(run.messages, ['', 'not on the site', 'gave up'], 'each distinct message kept once');
});

test('the rows the page held make the run when Rust sent none', () => {
  const held = columns(2);
  const run = newRun({ runId: 'r', total: 2, site: '', rows: null, decided: [] }, held);
  assert.equal(run.ids, held.id, 'the same columns, not a copy');
  applyEvent(run, row(1, 'removed'));
  assert.equal(rowId(run, 1), 'id1');
  // Rust's rows win: it sends them only when the held ones are not the run's.
  const other = newRun({ runId: 'r', total: 1, site: '', rows: { id: ['x'], name: ['X'], email: [''] }, decided: [] }, held);
  assert.deepEqual(other.ids, ['x']);
  // A rehearsal's run holds no rows: its one row is still counted, by index.
  const rehearsal = newRun({ runId: 'r', total: 1, site: '', rows: null, decided: [] });
  applyEvent(rehearsal, row(0, 'removed'));
  assert.equal(rehearsal.counters.removed, 1);
  assert.equal(rowId(rehearsal, 0), '');
});

test('after a run, one button retries failed rows and goes on with untried ones, in the same run', () => {
  const finished = (counters) => ({ state: 'finished', counters: { ...zeroCounters(), ...counters } });
  assert.equal(retryLabel(finished({ removed: 3 })), null);
  assert.equal(retryLabel(finished({ failed: 1 })), 'Retry 1 failed row');
  assert.equal(retryLabel(finished({ failed: 2, notAttempted: 5 })), 'Retry 2 failed rows and go on');
  assert.equal(retryLabel(finished({ notAttempted: 5 })), 'Go on with 5 rows not attempted');
  // Never while the run is still going.
  assert.equal(retryLabel({ state: 'running', counters: { ...zeroCounters(), failed: 1 } }), null);
});

test('a row event outside the plan or with an unknown outcome is ignored', () => {
  const run = newRun(started());
  for (const ev of [row(3, 'removed'), row(-1, 'removed'), { type: 'row', outcome: 'removed' }, row(0, 'vanished')]) {
    assert.equal(applyEvent(run, ev).index, -1);
  }
  assert.equal(run.done, 0);
  assert.deepEqual(run.counters, zeroCounters());
});

test('progress counters from the engine win over the page\'s own tally', () => {
  const run = newRun(started(10));
  applyEvent(run, row(0, 'removed'));
  applyEvent(run, { type: 'progress', counters: { ...zeroCounters(), removed: 4, alreadyGone: 1 }, done: 5, total: 10, etaSecs: 2.5 });
  assert.equal(run.counters.removed, 4);
  assert.equal(run.done, 5);
  assert.equal(leftCount(run), 5);
  assert.equal(run.etaSecs, 2.5);
});

test('pause, resume and finish drive the controls', () => {
  const run = newRun(started());
  assert.deepEqual(controls(run), { pause: true, resume: false, stop: true });
  applyEvent(run, { type: 'paused', paused: true });
  assert.deepEqual(controls(run), { pause: false, resume: true, stop: true });
  applyEvent(run, { type: 'paused', paused: false });
  assert.equal(run.state, 'running');
  applyEvent(run, { type: 'finished', status: 'stopped', counters: { ...zeroCounters(), removed: 1, notAttempted: 2 }, message: '' });
  assert.deepEqual(controls(run), { pause: false, resume: false, stop: false });
  applyEvent(run, { type: 'paused', paused: true }); // late event: still finished
  assert.equal(run.state, 'finished');
  assert.equal(run.done, 1, 'rows never tried are not done');
  assert.deepEqual(controls(null), { pause: false, resume: false, stop: false });
});

test('throttle lasts waitMs from when it arrived, and ends with the run', () => {
  const run = newRun(started());
  applyEvent(run, { type: 'throttled', waitMs: 5000, reason: 'jira-burst-based', status: 429 }, 1000);
  assert.equal(throttled(run, 1000), true);
  assert.equal(throttled(run, 5999), true);
  assert.equal(throttled(run, 6000), false);
  assert.equal(run.throttleReason, 'too many requests in a short time', 'plain words, not the header');
  applyEvent(run, { type: 'throttled', waitMs: 5000, status: 429 }, 2000);
  applyEvent(run, { type: 'finished', status: 'completed', counters: zeroCounters(), message: '' });
  assert.equal(throttled(run, 2500), false);
});

test('the countdown shows the longest wait in force, and reasons in plain words', () => {
  const run = newRun(started());
  applyEvent(run, { type: 'throttled', waitMs: 60000, reason: 'jira-quota-tenant-based', status: 429 }, 0);
  // A worker told to wait 1 s a moment later does not shorten the run's real wait.
  applyEvent(run, { type: 'throttled', waitMs: 1000, reason: 'jira-burst-based', status: 429 }, 500);
  assert.equal(throttled(run, 59000), true);
  assert.match(run.throttleReason, /quota/);
  assert.equal(throttleWords('something-new', 429), 'the site limits how fast requests may come');
  assert.equal(throttleWords(undefined, 503), 'Atlassian is busy for a moment');
});

test('events before RunStarted are kept and folded in order', () => {
  const seen = [];
  const buf = bufferedRun((run, ev) => seen.push(ev.type), () => 0);
  buf.onEvent({ type: 'started', runId: 'r1', total: 3, alreadyDecided: 0 });
  buf.onEvent(row(0, 'removed'));
  assert.equal(seen.length, 0);
  const run = buf.attach(started());
  assert.deepEqual(seen, ['started', 'row']);
  assert.equal(run.counters.removed, 1);
  buf.onEvent(row(1, 'already_gone'));
  assert.equal(run.counters.alreadyGone, 1);
  assert.equal(buf.run, run);
});

test('summary words per ending', () => {
  const run = newRun(started());
  applyEvent(run, { type: 'finished', status: 'completed', counters: { ...zeroCounters(), removed: 2, failed: 1 }, message: '' });
  assert.equal(summaryWords(run), '2 removed, 1 failed. To go on with this run, press “Retry 1 failed row”.');
  assert.equal(endedWords(run), 'Finished: 3 of 3 users decided.');
  const r2 = newRun(started());
  applyEvent(r2, { type: 'finished', status: 'credentials_rejected', counters: zeroCounters(), message: 'Check the token.' });
  assert.match(summaryWords(r2), /^Atlassian rejected the credentials/);
  assert.match(summaryWords(r2), /Check the token\.$/);
  assert.equal(countersWords({ ...zeroCounters(), removed: 1200, cannotRemove: 2 }), '1,200 removed, 2 could not be removed');
});

test('a stopped run shows its real progress, its untried rows, and one way to go on', () => {
  const run = newRun(started(5));
  applyEvent(run, row(0, 'removed'));
  applyEvent(run, { type: 'finished', status: 'stopped', message: 'Stopped. Rows not yet tried are listed as not attempted; resume the run to go on.',
    counters: { ...zeroCounters(), removed: 1, notAttempted: 4 } });
  assert.equal(run.done, 1, 'not 100 %');
  assert.equal(leftCount(run), 4);
  assert.deepEqual([...run.outcome].map((c) => c !== 0), [true, true, true, true, true], 'no row left as pending');
  assert.equal(endedWords(run), 'Stopped: 1 of 5 users decided.');
  const words = summaryWords(run);
  assert.equal(words, '1 removed, 4 not attempted. To go on with this run, press “Go on with 4 rows not attempted”.');
  assert.doesNotMatch(`${endedWords(run)} ${words}`, /Stopped\..*Stopped/);
});

test('an engine error ends the run on screen, with its words', () => {
  const run = newRun(started());
  applyEvent(run, { type: 'throttled', waitMs: 5000, status: 429 }, 0);
  assert.deepEqual(applyEvent(run, { type: 'error', message: 'The journal could not be written.' }), { what: 'state' });
  assert.equal(run.state, 'finished');
  assert.equal(throttled(run, 1), false);
  assert.deepEqual(controls(run), { pause: false, resume: false, stop: false });
  assert.match(summaryWords(run), /can be resumed.*The journal could not be written\.$/);
});

test('history lines and the resume offer', () => {
  const runs = [
    { runId: 'a', createdAt: '2025-01-03T10:00:00Z', site: 'https://acme.atlassian.net', rows: 312, counters: { ...zeroCounters(), removed: 300 }, lastStatus: 'completed', resumable: false, active: false },
    { runId: 'b', createdAt: '2025-01-02T10:00:00Z', site: 'https://acme.atlassian.net', rows: 10, counters: zeroCounters(), lastStatus: null, resumable: true, active: true },
    { runId: 'c', createdAt: '2025-01-01T10:00:00Z', site: 'https://beta.atlassian.net', rows: 5, counters: zeroCounters(), lastStatus: null, resumable: true, active: false },
  ];
  assert.equal(findResumable(runs).runId, 'c', 'the active run is not offered');
  assert.equal(findResumable([]), null);
  // With cutShort reported, a run the admin stopped (resumable, not cut short) is not offered.
  const stopped = { ...runs[2], runId: 's', lastStatus: 'stopped', cutShort: false };
  const crashed = { ...runs[2], runId: 'k', cutShort: true };
  assert.equal(findResumable([stopped]), null);
  assert.equal(findResumable([stopped, crashed]).runId, 'k');
  assert.equal(findResumable([{ ...crashed, active: true }]), null);
  assert.match(historyWords(runs[0]), /acme\.atlassian\.net · 312 users · completed — 300 removed$/);
  assert.match(historyWords(runs[2]), /cut short/);
  // A run another window or terminal holds is listed as such and never offered (Windows: its
  // journal cannot even be read while it runs).
  const elsewhere = { ...crashed, runId: 'e', cutShort: false, runningElsewhere: true };
  assert.equal(findResumable([elsewhere]), null);
  assert.equal(findResumable([{ ...elsewhere, cutShort: undefined }]), null);
  assert.match(historyWords(elsewhere), /running in another window or terminal/);
});

test('the resume offer counts decided rows, not rows with any outcome', () => {
  // 297 rows, 80 decided: the other 217 count as "not attempted" in the counters.
  const cut = { runId: 'k', site: 'https://acme.atlassian.net/', rows: 297, decided: 80,
    counters: { ...zeroCounters(), removed: 80, notAttempted: 217 }, cutShort: true };
  assert.equal(resumeOfferWords(cut),
    'A run on acme.atlassian.net stopped before it finished (80 of 297 users decided). Resume it where it stopped? No decision is repeated.');
  // Without the figure (an older app), no count rather than a wrong one.
  assert.doesNotMatch(resumeOfferWords({ ...cut, decided: undefined }), /decided\)/);
  // A run whose journal cannot be read says why, and shows no counts.
  const damaged = { ...cut, problem: 'The journal is damaged at line 3.', resumable: false, cutShort: false };
  assert.match(historyWords(damaged), /cannot be read: The journal is damaged at line 3\.$/);
  assert.equal(findResumable([damaged]), null);
});

test('the verified event after "finished" is folded: counts, and the rows still on the site', () => {
  const run = newRun(started(4));
  applyEvent(run, row(0, 'removed'));
  applyEvent(run, row(1, 'removed'));
  applyEvent(run, row(2, 'already_gone'));
  applyEvent(run, row(3, 'failed'));
  applyEvent(run, { type: 'finished', status: 'completed', counters: { ...zeroCounters(), removed: 2, alreadyGone: 1, failed: 1 }, message: '' });
  assert.equal(run.verified, null, 'nothing verified before the event');
  const change = applyEvent(run, { type: 'verified', gone: 2, stillPresent: ['id1', 'not-in-run'], notChecked: 0, message: 'Looked up 3 accounts again.' });
  assert.deepEqual(change, { what: 'verified', rows: [1] });
  assert.deepEqual(run.verified, { gone: 2, stillPresent: ['id1', 'not-in-run'], notChecked: 0, message: 'Looked up 3 accounts again.' });
  assert.deepEqual([...run.stillPresent], [0, 1, 0, 0]);
  assert.equal(run.state, 'finished', 'verification does not reopen the run');
  assert.equal(run.counters.removed, 2, 'nor change its counters');
  assert.equal(verifiedWords(run.verified), 'Verified gone: 2, still on the site: 2');
});

test('verified words add "not checked" only when some were not', () => {
  assert.equal(verifiedWords({ gone: 1200, stillPresent: [], notChecked: 0, message: '' }), 'Verified gone: 1,200, still on the site: 0');
  assert.equal(verifiedWords({ gone: 5, stillPresent: ['a'], notChecked: 3, message: '' }), 'Verified gone: 5, still on the site: 1, not checked: 3');
});

test('a verified event with missing fields reads as nothing verified', () => {
  const run = newRun(started(2));
  applyEvent(run, { type: 'verified' });
  assert.deepEqual(run.verified, { gone: 0, stillPresent: [], notChecked: 0, message: '' });
  assert.deepEqual([...run.stillPresent], [0, 0]);
});

test('a second verified event replaces the first', () => {
  const run = newRun(started(3));
  applyEvent(run, { type: 'verified', gone: 1, stillPresent: ['id0', 'id2'], notChecked: 0, message: '' });
  applyEvent(run, { type: 'verified', gone: 2, stillPresent: ['id2'], notChecked: 0, message: '' });
  assert.deepEqual([...run.stillPresent], [0, 0, 1]);
});

test('verified events before RunStarted are kept like the others', () => {
  const buf = bufferedRun(() => {}, () => 0);
  buf.onEvent({ type: 'finished', status: 'completed', counters: { ...zeroCounters(), removed: 1 }, message: '' });
  buf.onEvent({ type: 'verified', gone: 0, stillPresent: ['id0'], notChecked: 0, message: '' });
  const run = buf.attach(started(1));
  assert.equal(run.stillPresent[0], 1);
  assert.equal(run.verified.stillPresent.length, 1);
});

test('the rehearsal\'s verdict: gone, still present, or not checked', () => {
  assert.equal(rehearsalVerdict({ type: 'verified', gone: 1, stillPresent: [], notChecked: 0 }, 'x'), 'gone');
  assert.equal(rehearsalVerdict({ type: 'verified', gone: 0, stillPresent: ['x'], notChecked: 0 }, 'x'), 'still_present');
  assert.equal(rehearsalVerdict({ type: 'verified', gone: 0, stillPresent: [], notChecked: 1 }, 'x'), 'not_checked');
  assert.equal(rehearsalVerdict({ type: 'verified', gone: 0, stillPresent: [], notChecked: 0 }, 'x'), 'not_checked', 'a failed removal is not looked up');
  assert.equal(rehearsalVerdict({ type: 'verified', gone: 1, stillPresent: ['other-spelling'], notChecked: 0 }, 'x'), 'still_present',
    'anyone still present in a one-row run is the rehearsed person: never call it gone');
});

test('time left counts down through small rises and follows a real slow-down', () => {
  const run = newRun(started(100));
  steadyEta(run, 100, 0);
  // 10 s later the engine says 95 s (its average wobbled): the shown estimate keeps counting down.
  steadyEta(run, 95, 10000);
  assert.equal(run.etaSecs, 90);
  steadyEta(run, 80, 12000);
  assert.equal(run.etaSecs, 80, 'a lower estimate is taken at once');
  // A long wait made everything slower: a much higher estimate is taken.
  steadyEta(run, 200, 13000);
  assert.equal(run.etaSecs, 200);
  steadyEta(run, null, 14000);
  assert.equal(run.etaSecs, null);
});

test('history lines name the account, rehearsal or run, the practice site, and runs later ones overtook', async () => {
  const { supersededWords, fullySuperseded } = await import('../../ui/js/model/run.js');
  const base = { runId: 'r', createdAt: '2025-01-03T10:00:00Z', site: 'https://acme.atlassian.net', email: 'admin@example.com',
    rows: 312, decided: 312, counters: { ...zeroCounters(), removed: 312 }, lastStatus: 'completed', resumable: false };
  assert.match(historyWords(base), / · Run as admin@example\.com · acme\.atlassian\.net · 312 users · completed — 312 removed$/);
  const rehearsal = { ...base, rehearsal: true, rows: 1, decided: 1, counters: { ...zeroCounters(), removed: 1 } };
  assert.match(historyWords(rehearsal), / · Rehearsal as admin@example\.com · acme\.atlassian\.net · 1 user · completed/);
  // A practice run's address changed at every launch: it is "the practice site".
  const practice = { ...base, site: 'http://127.0.0.1:41234', practice: true };
  assert.match(historyWords(practice), / · the practice site · /);
  assert.doesNotMatch(historyWords(practice), /127\.0\.0\.1/);

  // Stopped with 217 of 297 left; a later run removed 50 of them: Resume still makes sense.
  const stopped = { ...base, rows: 297, decided: 80, counters: { ...zeroCounters(), removed: 80, notAttempted: 217 },
    lastStatus: 'stopped', resumable: true, superseded: 50, supersededBy: ['2025-01-04T09:30:00Z'] };
  assert.equal(fullySuperseded(stopped), false);
  assert.match(supersededWords(stopped), /^a later run \(4 Jan 2025 \d\d:30\) removed 50 of the 217 users this one had left: resuming finds them gone and goes on with the other 167$/);
  assert.match(historyWords(stopped), /stopped — 80 removed, 217 not attempted — a later run/);
  const cut = { ...stopped, lastStatus: null, cutShort: true };
  assert.match(resumeOfferWords(cut), /\(80 of 297 users decided\)\. Since then, a later run .* the other 167\. Resume it/);
  assert.equal(findResumable([cut]).runId, 'r');
  // Every user it had left was removed since: superseded, nothing to resume, never offered.
  const over = { ...stopped, superseded: 217, supersededBy: ['2025-01-05T09:30:00Z', '2025-01-04T09:30:00Z'] };
  assert.equal(fullySuperseded(over), true);
  assert.match(historyWords(over), /— superseded: later runs \(the last on 5 Jan 2025 \d\d:30\) removed every user this one had left, so there is nothing to resume$/);
  assert.equal(findResumable([{ ...over, lastStatus: null, cutShort: undefined }]), null);
  // Nothing said for a run with nothing left, or none overtaken.
  assert.equal(supersededWords(base), '');
  assert.equal(supersededWords({ ...stopped, superseded: 0 }), '');
  assert.match(resumeOfferWords({ ...cut, practice: true, superseded: 0 }), /^A practice run on the practice site stopped before it finished/);
});

test('the window letting go of a run is its own change, after which the history is read again', () => {
  const run = newRun({ runId: 'r', total: 1, rows: { id: ['a'], name: ['A'], email: [''] }, decided: [] });
  applyEvent(run, { type: 'finished', status: 'completed', counters: {}, message: '' });
  assert.deepEqual(applyEvent(run, { type: 'released' }), { what: 'released' });
  assert.equal(run.state, 'finished');
});

test('rows gathered by Rust reach the run one at a time, in order; other events pass as they are', async () => {
  const { unbatch } = await import('../../ui/js/api.js');
  const seen = [];
  unbatch({ type: 'rows', rows: [{ row: 2, outcome: 'removed' }, { row: 0, outcome: 'failed', message: 'm' }] }, (e) => seen.push(e));
  unbatch({ type: 'paused', paused: true }, (e) => seen.push(e));
  assert.deepEqual(seen, [
    { type: 'row', row: 2, outcome: 'removed' },
    { type: 'row', row: 0, outcome: 'failed', message: 'm' },
    { type: 'paused', paused: true },
  ]);
});
