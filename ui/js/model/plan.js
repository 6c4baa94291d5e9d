// The Review step's words and gates: what will happen, the phrase that arms the run, the pace.

import { formatCount, plural } from './format.js';

/** The plan in words, e.g. "Remove 312 users from acme.atlassian.net. …". */
export function planWords(count, host) {
  if (count === 0) return `No users are selected. Go back to Choose users and tick the ones to remove.`;
  return `Remove ${plural(count, 'user')} from ${host}. ` +
    `This removes their access to the site; their Atlassian accounts are not deleted.`;
}

/** The phrase the admin types to arm the run: plain digits so it is easy to type. */
export function confirmPhrase(count) {
  return `remove ${count}`;
}

/** Exact match after trimming the ends; nothing else is forgiven. */
export function phraseMatches(typed, count) {
  return count > 0 && typeof typed === 'string' && typed.trim() === confirmPhrase(count);
}

export const PACE_LIMITS = {
  maxRate: { min: 1, max: 50, default: 20 },
  maxInFlight: { min: 1, max: 32, default: 8 },
};

export function defaultPace() {
  return { maxRate: PACE_LIMITS.maxRate.default, maxInFlight: PACE_LIMITS.maxInFlight.default };
}

/**
 * Reads the two pace fields (strings from inputs). Returns `{ pace }` or `{ error, field }`
 * with words for the admin; empty fields mean the defaults.
 */
export function readPace(rateText, inFlightText) {
  const read = (text, lim, what) => {
    const t = String(text ?? '').trim();
    if (t === '') return { value: lim.default };
    const v = Number(t);
    if (!Number.isInteger(v) || v < lim.min || v > lim.max) {
      return { error: `${what} must be a whole number from ${lim.min} to ${lim.max}.` };
    }
    return { value: v };
  };
  const rate = read(rateText, PACE_LIMITS.maxRate, 'Removals per second');
  if (rate.error) return { error: rate.error, field: 'pace-rate' };
  const flight = read(inFlightText, PACE_LIMITS.maxInFlight, 'Requests at once');
  if (flight.error) return { error: flight.error, field: 'pace-in-flight' };
  return { pace: { maxRate: rate.value, maxInFlight: flight.value } };
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
