// Wording of numbers, durations and dates. No DOM: unit-tested in tests/ui/format.test.mjs.

// One fixed locale so the same number reads the same in tests, screenshots and the window.
const grouped = new Intl.NumberFormat('en-US');

/** 1234 → "1,234". */
export function formatCount(n) {
  return grouped.format(n);
}

/** "1 user" / "2 users" (with grouping). */
export function plural(n, one, many = one + 's') {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** Whole seconds as "45 s", "3 min 5 s", "2 h 4 min". */
export function formatDuration(secs) {
  const s = Math.max(0, Math.round(secs));
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const r = s % 60;
    return r ? `${m} min ${r} s` : `${m} min`;
  }
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

/**
 * The run's estimate, coarse enough to fit its tile and not to flicker: seconds under a minute
 * (in steps of 5), whole minutes under an hour, then hours and minutes. Null or non-finite
 * before there is anything to estimate from.
 */
export function formatEta(etaSecs) {
  if (etaSecs == null || !Number.isFinite(etaSecs)) return 'estimating…';
  if (etaSecs < 1) return 'almost done';
  if (etaSecs < 60) return `about ${Math.max(5, Math.round(etaSecs / 5) * 5)} s`;
  if (etaSecs < 3600) return `about ${Math.round(etaSecs / 60)} min`;
  return `about ${formatDuration(Math.round(etaSecs / 60) * 60)}`;
}

/**
 * Seconds still to wait until `untilMs`, rounded up so the banner never says 0 while waiting.
 * Returns 0 once the time has passed.
 */
export function secondsLeft(untilMs, nowMs) {
  const left = untilMs - nowMs;
  return left > 0 ? Math.ceil(left / 1000) : 0;
}

/** "Waiting 12 s" style countdown text for a throttle that ends at `untilMs`. */
export function formatCountdown(untilMs, nowMs) {
  return formatDuration(secondsLeft(untilMs, nowMs));
}

/**
 * The pace: "14/s", one decimal under 10 so slow paces still move visibly, and per minute under
 * one a second ("30/min"), so a slow pace never reads "0.0/s".
 */
export function formatRate(perSec) {
  if (perSec == null || !Number.isFinite(perSec)) return '–';
  if (perSec >= 1) return `${perSec < 10 ? perSec.toFixed(1) : String(Math.round(perSec))}/s`;
  const perMin = perSec * 60;
  if (perMin >= 1) return `${perMin < 10 ? perMin.toFixed(1).replace(/\.0$/, '') : Math.round(perMin)}/min`;
  return perSec > 0 ? 'under 1/min' : '0/s';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A last-seen value for the table: "2024-01-03" → "3 Jan 2024" (as the export writes dates),
 * "never" → "Never", "unreadable" → "Unreadable"; nothing → "".
 */
export function formatDay(iso) {
  if (iso === 'never') return 'Never';
  if (iso === 'unreadable') return 'Unreadable';
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}

/** An RFC 3339 time as "3 Jan 2024 14:05" in the viewer's clock. */
export function formatWhen(rfc3339) {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339 ?? '';
  const pad = (x) => String(x).padStart(2, '0');
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A percentage for a progress label, never above 100 nor "100 %" before the end. */
export function percent(done, total) {
  if (!total) return 0;
  const p = Math.floor((done / total) * 100);
  return done < total ? Math.min(p, 99) : 100;
}
