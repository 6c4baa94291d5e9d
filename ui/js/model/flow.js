// Which steps of the rail are open and which are done, from the facts that gate them.
// Going back never clears anything; a step opens once what it needs exists.

export const STEPS = ['connect', 'choose', 'review', 'run'];

/**
 * @param s { connected, imported, selected: number, hasRun (a run or a history to show),
 *            runStarted (a run began in this window), runFinished }
 * @returns { enabled: {step: bool}, done: {step: bool} }
 */
export function stepStates(s) {
  const enabled = {
    connect: true,
    choose: !!s.connected,
    review: !!s.connected && !!s.imported && s.selected > 0,
    run: !!s.hasRun,
  };
  const done = {
    connect: !!s.connected,
    choose: !!s.imported && s.selected > 0,
    review: !!s.runStarted,
    run: !!s.runFinished,
  };
  return { enabled, done };
}

/** The step to show when `wanted` is not open: the last open one before it. */
export function fallbackStep(wanted, enabled) {
  let i = STEPS.indexOf(wanted);
  while (i > 0 && !enabled[STEPS[i]]) i--;
  return STEPS[Math.max(0, i)];
}

/** Where a command's error belongs: its `field` if the step has a slot for it, else the step's. */
export function errorSlot(err, slots, fallback) {
  const f = err?.field;
  return (f && slots[f]) || fallback;
}

/** A rejected invoke as `{kind, message, field}`, whatever shape it came in. */
export function toError(e) {
  if (e && typeof e === 'object' && typeof e.message === 'string') {
    return { kind: e.kind ?? 'internal', message: e.message, field: e.field ?? null };
  }
  return { kind: 'internal', message: String(e ?? 'Something went wrong.'), field: null };
}
