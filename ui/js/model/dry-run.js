// The Review step's dry run, page side: its progress in words, a redraw at most once a frame
// however often Rust reports, and the compact reply (docs/window-contract.md, `Preflight`)
// turned back into the rows the step lists. The dry run and every rule of who may be removed
// are Rust's. No DOM: unit-tested in tests/ui/dry-run.test.mjs.

import { formatCount, plural } from './format.js';

/** What the result box says while the dry run starts. */
export const STARTING_WORDS = 'Looking up every selected account…';
/** What it says after a cancel: calm, since nothing was changed. */
export const CANCELLED_WORDS = 'Dry run cancelled; nothing was changed.';

/** How the step names what the site said of a row that is not a plain "exists". */
export const PRESENCE_WORDS = { already_gone: 'already gone', app_account: 'app account', customer_account: 'customer account', protected: 'protected' };

/** The presence codes of `Preflight.notable` (a plain "exists" is never sent). */
const PRESENCE_BY_CODE = { g: 'already_gone', a: 'app_account', c: 'customer_account', p: 'protected' };

/** `PreflightProgress` in words: "12,300 of 100,000 accounts looked up". */
export function progressWords({ lookedUp, toLookUp }) {
  return `${formatCount(lookedUp)} of ${plural(toLookUp, 'account')} looked up`;
}

/** The `<progress>` bar's `{ value, max }` for a report (a full bar when nothing is to look up). */
export function progressBar({ lookedUp, toLookUp }) {
  return toLookUp > 0 ? { value: Math.min(lookedUp, toLookUp), max: toLookUp } : { value: 1, max: 1 };
}

/**
 * Keeps the newest value pushed and hands it to `draw` once per `schedule` tick (the page passes
 * `requestAnimationFrame`), so a thousand reports cost at most one redraw a frame. `cancel()`
 * drops a redraw not yet made.
 */
export function frameThrottle(draw, schedule) {
  let latest;
  let pending = false;
  let live = true;
  return {
    push(value) {
      latest = value;
      if (pending) return;
      pending = true;
      schedule(() => {
        pending = false;
        if (live) draw(latest);
      });
    },
    cancel() {
      live = false;
    },
  };
}

const mismatch = () => ({
  kind: 'internal',
  message: 'The dry run does not match the plan on this page. Run the dry run again.',
  field: null,
});

/**
 * The rows of a compact `Preflight` that are not a plain "exists", as the step lists them:
 * `[{ row, accountId, presence, detail }]` in plan order. `ids` are the plan's rows: the
 * selection the plan was prepared from, in file order (what `selectedIds()` sent). Throws an
 * `internal` error when the reply cannot be of that plan.
 */
export function notableRows(p, ids) {
  const total = p.exists + p.alreadyGone + p.appAccounts + p.customerAccounts + p.protected;
  if (total !== ids.length) throw mismatch();
  return (p.notable ?? []).map(([row, code, detail = '']) => {
    const presence = PRESENCE_BY_CODE[code];
    if (!presence || !Number.isInteger(row) || row < 0 || row >= ids.length) throw mismatch();
    return { row, accountId: ids[row], presence, detail };
  });
}

/**
 * One listed row in words: "Name (email): already gone", with " — detail" when the site gave a
 * name or Rust a reason. `roster` is the page's (model/roster.js); a row it lacks shows its id.
 */
export function notableLine(x, roster) {
  const i = roster.indexById.get(x.accountId);
  const who = i === undefined ? x.accountId : `${roster.name[i] || roster.id[i]} (${roster.email[i] || roster.id[i]})`;
  return `${who}: ${PRESENCE_WORDS[x.presence] ?? x.presence}${x.detail ? ` — ${x.detail}` : ''}`;
}
