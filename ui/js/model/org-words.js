// Organization mode's words: each action's title and explanation (the same words as the core's
// `sweep/action.rs`, which a test compares), the outcome labels and counts of a run of that
// action, the dry run, the history line, and the org id read from what the admin pasted.

import { formatCount, plural } from './format.js';

/** The actions on people's access to one directory, in the order the Review step offers them. */
export const DIRECTORY_ACTIONS = ['suspend', 'remove', 'restore'];
/** The actions on managed Atlassian accounts themselves (issue 14), offered apart. */
export const ACCOUNT_ACTIONS = ['deactivate', 'reactivate', 'delete_account', 'cancel_delete'];
/** The actions the Review step offers, in the order it offers them. */
export const ORG_ACTIONS = [...DIRECTORY_ACTIONS, ...ACCOUNT_ACTIONS];

/** Each action's words; `title` and `explanation` are `Action::title()` / `explanation()`. */
export const ACTION_WORDS = {
  site_remove: {
    title: 'Remove from the site',
    explanation: 'Removes each person from this site. Their Atlassian account and their work (issues, pages, comments) stay. To undo, invite them to the site again and give back their groups.',
    verb: 'remove', done: 'removed', going: 'Removing', place: 'the site',
  },
  suspend: {
    title: 'Suspend access',
    explanation: "Suspends each person's access to every app in this directory. They cannot sign in to your apps and you are not billed for them; their account, groups, roles and work are kept. To undo, restore their access: they get everything back.",
    verb: 'suspend', done: 'suspended', going: 'Suspending', place: 'the directory',
  },
  restore: {
    title: 'Restore access',
    explanation: 'Restores access for people whose access was suspended: they get back their apps, roles and group memberships, and billing for them resumes.',
    verb: 'restore', done: 'restored', going: 'Restoring', place: 'the directory',
  },
  remove: {
    title: 'Remove from the directory',
    explanation: 'Removes each person from this directory: they lose access to every app in it, their roles and group memberships, and you are no longer billed for them. Their Atlassian account and their work stay. To undo, invite them again and give back their roles and groups; suspending first is reversible in one step.',
    verb: 'remove', done: 'removed from the directory', going: 'Removing', place: 'the directory',
  },
  // The account actions count accounts, not people, and act on the account everywhere; `label`
  // is the outcome's and count's word (the core's `outcome_cell`).
  deactivate: {
    title: 'Deactivate account',
    explanation: "Deactivates each person's Atlassian account (only accounts your company manages): they can no longer sign in to any Atlassian app, in any directory, and you are not billed for them. Their content (issues, pages, comments) stays. People your identity provider provisions must be deactivated there instead. To undo, reactivate the accounts: they get their access back.",
    verb: 'deactivate', done: 'deactivated', going: 'Deactivating', place: 'the organization', label: 'Deactivated', account: true,
  },
  reactivate: {
    title: 'Reactivate account',
    explanation: 'Reactivates accounts that were deactivated: they can sign in again and get back the access they had.',
    verb: 'reactivate', done: 'reactivated', going: 'Reactivating', place: 'the organization', label: 'Reactivated', account: true,
  },
  delete_account: {
    title: 'Delete account',
    explanation: "Deletes each person's Atlassian account (only accounts your company manages). For 14 days the account is deactivated and the deletion can be cancelled; after that it is deleted for good and cannot be brought back. Their content (issues, pages, comments) stays, shown under a former user. If you use SAML single sign-on, remove the people from your identity provider first, or their accounts may be activated again.",
    verb: 'delete', done: 'scheduled for deletion', going: 'Scheduling the deletion of', place: 'the organization', label: 'Scheduled for deletion', account: true,
  },
  cancel_delete: {
    title: 'Cancel the deletion',
    explanation: 'Cancels the deletion of accounts still in their 14-day grace period. The accounts stay deactivated: reactivate them to give their access back.',
    verb: 'cancel the deletion of', done: 'taken off the deletion schedule', going: 'Cancelling the deletion of', place: 'the organization', label: 'Deletion cancelled', account: true,
  },
};

/** Is this an organization action (not site mode's removal)? */
export const isOrgAction = (action) => !!action && action !== 'site_remove' && action in ACTION_WORDS;

/** The words of `action` (site mode's for anything unknown). */
export const wordsOf = (action) => ACTION_WORDS[action] ?? ACTION_WORDS.site_remove;

/** Is this an action on managed accounts themselves (deactivate, delete…)? */
export const isAccountAction = (action) => ACCOUNT_ACTIONS.includes(action);

const upperFirst = (s) => s.charAt(0).toUpperCase() + s.slice(1);

// What a row the action found nothing to act on is: an account action's "not_found", a
// directory action's "not_in_directory", a site removal's "already_gone".
const notThere = (action) => (isAccountAction(action) ? 'not found' : isOrgAction(action) ? 'not in the directory' : 'already gone');

/**
 * Per-row outcome labels for a run of `action` (the core's `outcome_cell`, as words), short
 * enough for a table cell: a removal from the directory is "Removed" there.
 */
export function outcomeLabels(action) {
  const org = isOrgAction(action);
  const w = wordsOf(action);
  return {
    removed: w.label ?? upperFirst(w.verb === 'remove' ? 'removed' : w.done),
    already_gone: upperFirst(notThere(action)),
    cannot_remove: org ? 'Refused' : 'Could not remove',
    skipped: 'Skipped',
    failed: 'Failed',
    not_attempted: 'Not attempted',
  };
}

/** The run step's count titles for `action` ("Removed from the directory"), by counter. */
export function countLabels(action) {
  const l = outcomeLabels(action);
  const w = wordsOf(action);
  return { removed: w.label ?? upperFirst(w.done), alreadyGone: l.already_gone, cannotRemove: l.cannot_remove };
}

/** The counters in the action's words, leaving out the kinds that did not happen. */
export function orgCountersWords(c, action) {
  const org = isOrgAction(action);
  const parts = [`${formatCount(c.removed ?? 0)} ${wordsOf(action).done}`];
  if (c.alreadyGone) parts.push(`${formatCount(c.alreadyGone)} ${notThere(action)}`);
  if (c.cannotRemove) parts.push(`${formatCount(c.cannotRemove)} ${org ? 'refused' : 'could not be removed'}`);
  if (c.skipped) parts.push(`${formatCount(c.skipped)} skipped`);
  if (c.failed) parts.push(`${formatCount(c.failed)} failed`);
  if (c.notAttempted) parts.push(`${formatCount(c.notAttempted)} not attempted`);
  return parts.join(', ');
}

/**
 * The status line while a run of `action` goes on ("Suspending 12 people in Staff…"); an
 * account action acts on the accounts everywhere ("Deactivating 2 accounts…").
 */
export function goingWords(action, total, where) {
  const w = wordsOf(action);
  if (w.account) return `${w.going} ${plural(total, 'account')}…`;
  const place = where || w.place;
  const prep = action === 'remove' ? 'from' : 'in';
  return `${w.going} ${plural(total, 'person', 'people')} ${prep} ${place}…`;
}

// What reading the accounts back after a run found, as the core words it (`sweep/verify.rs`).
const VERIFIED = {
  site_remove: ['gone', 'still on the site'], remove: ['gone', 'still in the directory'],
  suspend: ['suspended', 'not suspended'], restore: ['active again', 'not active'],
  deactivate: ['deactivated', 'not deactivated'], reactivate: ['active again', 'not active'],
  delete_account: ['scheduled for deletion', 'not scheduled for deletion'],
  cancel_delete: ['no longer scheduled for deletion', 'still scheduled'],
};

/** The verification line when Rust sent no sentence: "Verified suspended: 9, not suspended: 1". */
export function orgVerifiedWords(v, action) {
  const [done, notDone] = VERIFIED[action] ?? VERIFIED.site_remove;
  const words = `Verified ${done}: ${formatCount(v.gone)}, ${notDone}: ${formatCount(v.stillPresent.length)}`;
  return v.notChecked > 0 ? `${words}, not checked: ${formatCount(v.notChecked)}` : words;
}

/** What a row found not in its end state after the run says. */
export function stillPresentWords(action) {
  if (!isOrgAction(action)) return 'Still on the site when checked again after the run.';
  const from = isAccountAction(action) ? 'the organization' : 'the directory';
  return `Not ${wordsOf(action).done} when read back from ${from} after the run.`;
}

/** The dry run of an org plan in words: one part per kind present. */
export function orgPreflightWords(p, action) {
  const w = wordsOf(action);
  const parts = [`${formatCount(p.wouldAct ?? 0)} would be ${w.done}`];
  if (p.alreadyDone) parts.push(`${formatCount(p.alreadyDone)} already ${w.done}`);
  if (p.notAllowed) parts.push(`${formatCount(p.notAllowed)} not allowed by Atlassian`);
  if (p.notInDirectory) parts.push(`${formatCount(p.notInDirectory)} not in the directory`);
  if (p.protected) parts.push(`${formatCount(p.protected)} protected or skipped`);
  return `Dry run, nothing was changed: ${parts.join('; ')}.`;
}

/** A dry-run row's state in words. */
export function preflightStateWords(state, action) {
  const w = wordsOf(action);
  return {
    would_act: `would be ${w.done}`, protected: 'protected or skipped', not_allowed: 'Not allowed',
    not_in_directory: 'not in the directory', already_done: `already ${w.done}`,
  }[state] ?? String(state ?? '');
}

/**
 * One dry-run row in words: "Ann: would be suspended — access active: will be suspended". A
 * row Atlassian does not allow gives Atlassian's reason once ("Ann: Not allowed — <reason>").
 */
export function preflightRowWords(who, row, action) {
  let detail = String(row.detail ?? '');
  if (row.state === 'not_allowed') detail = detail.replace(/^not allowed:\s*/i, '');
  return `${who}: ${preflightStateWords(row.state, action)}${detail ? ` — ${detail}` : ''}`;
}

/** The Review step's start button ("Suspend 12 people", "Delete 2 accounts"). */
export function startLabel(action, n) {
  const w = wordsOf(action);
  const verb = w.verb.charAt(0).toUpperCase() + w.verb.slice(1);
  if (n == null) return `Start: ${w.title.toLowerCase()}`;
  const who = w.account ? plural(n, 'account') : plural(n, 'person', 'people');
  return action === 'remove' ? `${verb} ${who} from the directory` : `${verb} ${who}`;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * The org id in what the admin typed or pasted: the id itself, or an admin.atlassian.com address
 * (`https://admin.atlassian.com/o/{orgId}/users`), from which the id after `/o/` is taken.
 * Anything else comes back trimmed, for Rust to judge.
 */
export function parseOrgId(text) {
  const t = String(text ?? '').trim();
  const inUrl = /\/o\/([^/?#\s]+)/i.exec(t);
  if (inUrl) return decodeURIComponent(inUrl[1]);
  const uuid = /^https?:\/\//i.test(t) ? UUID.exec(t) : null;
  return uuid ? uuid[0] : t;
}
