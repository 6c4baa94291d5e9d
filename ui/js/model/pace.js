// The Review step's pace fields, checked as they are typed. The bounds are Rust's
// (`AppInfo.pace`, from the engine's `PaceSettings::validated`): the page never holds numbers of
// its own, and Rust still refuses a bad pace (`bad_pace`) whatever the page lets through.
//
// Nothing falls back to a default: an empty or unreadable field is an error the admin sees, and
// the run cannot start until both fields read right.

/** Digits with an optional decimal part ("20", "0.5", ".5"); no sign, exponent or hex. */
const DECIMAL = /^(\d+(\.\d+)?|\.\d+)$/;
const WHOLE = /^\d+$/;

const RATE = 'Removals per second';
const IN_FLIGHT = 'Requests at once';

/** "from 0.5 to 50", or what can be said without Rust's bounds. */
function rangeWords(min, max, whole) {
  const kind = whole ? 'a whole number' : 'a number';
  if (min == null || max == null) return whole ? `${kind} from 1 up` : `${kind} above 0`;
  return `${kind} from ${min} to ${max}`;
}

function check(text, { what, min, max, whole }) {
  const t = String(text ?? '').trim();
  const range = rangeWords(min, max, whole);
  if (t === '') return { error: `${what} is empty: enter ${range}.` };
  const v = Number(t);
  const form = (whole ? WHOLE : DECIMAL).test(t);
  const low = min ?? (whole ? 1 : Number.MIN_VALUE);
  if (!form || !Number.isFinite(v) || v < low || (max != null && v > max)) {
    return { error: `${what} must be ${range}; “${t}” is not.` };
  }
  return { value: v };
}

/** Removals per second as typed: `{ value }` or `{ error }` (words for the admin). */
export function checkRate(text, limits) {
  return check(text, { what: RATE, min: limits?.minRate, max: limits?.maxRate, whole: false });
}

/** Requests at once as typed: `{ value }` or `{ error }`. */
export function checkInFlight(text, limits) {
  return check(text, { what: IN_FLIGHT, min: limits ? 1 : null, max: limits?.maxInFlight, whole: true });
}

/**
 * Both fields: `{ pace: { maxRate, maxInFlight } | null, errors: { rate, inFlight } }`, each
 * error a sentence or null; `pace` is null while either field is wrong.
 */
export function readPace(rateText, inFlightText, limits) {
  const rate = checkRate(rateText, limits);
  const flight = checkInFlight(inFlightText, limits);
  const errors = { rate: rate.error ?? null, inFlight: flight.error ?? null };
  const pace = rate.error || flight.error ? null : { maxRate: rate.value, maxInFlight: flight.value };
  return { pace, errors };
}

/** The fields' labels, with Rust's ranges when known. */
export function paceLabels(limits) {
  if (!limits) return { rate: RATE, inFlight: IN_FLIGHT };
  return {
    rate: `${RATE} (${limits.minRate}–${limits.maxRate})`,
    inFlight: `${IN_FLIGHT} (1–${limits.maxInFlight})`,
  };
}
