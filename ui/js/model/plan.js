// The Review step's gates and words around Rust's plans. Plans and their phrases are Rust's
// (`prepare_plan`, `prepare_rehearsal`): the page only shows them and checks what was typed.

import { formatCount, plural } from './format.js';

/** What the plan line says while there is nothing to plan. */
export const NO_SELECTION_WORDS = 'No users are selected. Go back to Choose users and tick the ones to remove.';

/**
 * Does the typed text arm a plan whose phrase is `phrase` (from Rust)? Exact match after
 * trimming the ends of what was typed, as Rust checks it; nothing else is forgiven, and there is
 * nothing to match without a phrase.
 */
export function phraseMatches(typed, phrase) {
  return typeof phrase === 'string' && phrase !== '' && typeof typed === 'string' && typed.trim() === phrase;
}

/**
 * Is `plan` (a Rust `Plan` the page tagged with the `key` of the state it was prepared for)
 * still the current one, and does `typed` match its phrase? Both gates, the run's and the
 * rehearsal's.
 */
export function armed(plan, key, typed) {
  return !!plan && plan.key === key && phraseMatches(typed, plan.phrase);
}

/** Errors after which the page's plan is no use: Rust voided it, or the words differ. */
export function needsNewPlan(err) {
  return err?.kind === 'stale_plan' || err?.kind === 'phrase';
}

/** Rough duration at full pace, for the plan: "about 16 s at 20 per second". */
export function planDurationSecs(count, maxRate) {
  return maxRate > 0 ? Math.ceil(count / maxRate) : null;
}

/** The preflight in words: one part per kind that is present. */
export function preflightWords(p) {
  const parts = [`${formatCount(p.exists)} found on the site`];
  if (p.alreadyGone) parts.push(`${formatCount(p.alreadyGone)} already gone`);
  if (p.appAccounts) parts.push(plural(p.appAccounts, 'app account'));
  if (p.customerAccounts) parts.push(plural(p.customerAccounts, 'customer account'));
  if (p.protected) parts.push(`${formatCount(p.protected)} protected (will be skipped)`);
  return `Dry run, nothing was changed: ${parts.join('; ')}.`;
}
