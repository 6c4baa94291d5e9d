// The Review step's pace fields (inside "Pace (advanced)"): filled with Rust's defaults, labelled
// with Rust's ranges (`AppInfo.pace`), and checked as typed, each message next to its field.
// Nothing falls back to a default: the run cannot start until both fields read right
// (`model/pace.js`), and Rust refuses a bad pace (`bad_pace`) whatever the page sends.

import { $, setError } from './dom.js';
import { paceLabels, readPace } from './model/pace.js';

export function initPaceFields({ onChange }) {
  const rate = $('#pace-rate');
  const inFlight = $('#pace-in-flight');
  const rateError = $('#pace-rate-error');
  const inFlightError = $('#pace-in-flight-error');
  const rustError = $('#pace-error'); // Rust's refusal (`bad_pace`)
  let limits = null;
  let loaded = false;

  const read = () => readPace(rate.value, inFlight.value, limits);

  const mark = (input, slot, message) => {
    setError(slot, message ? { message } : null);
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };

  /** Shows each field's message (or none); returns the pace, or null while one is wrong. */
  function show() {
    const { pace, errors } = read();
    mark(rate, rateError, errors.rate);
    mark(inFlight, inFlightError, errors.inFlight);
    return pace;
  }

  for (const input of [rate, inFlight]) {
    input.addEventListener('input', () => {
      setError(rustError, null);
      show();
      onChange();
    });
  }

  return {
    /** Takes the bounds and defaults from `AppInfo` once it has come. */
    load(info) {
      if (loaded || !info) return;
      loaded = true;
      limits = info.pace ?? null;
      const labels = paceLabels(limits);
      $('#pace-rate-label').textContent = labels.rate;
      $('#pace-in-flight-label').textContent = labels.inFlight;
      if (limits) {
        rate.value = String(limits.defaultRate);
        inFlight.value = String(limits.defaultInFlight);
      }
      show();
    },
    /** The pace as typed, or null while a field is wrong (no message shown). */
    pace: () => read().pace,
    show,
    /** Opens the fields and puts the first wrong one in front of the admin. */
    reveal() {
      $('#advanced').open = true;
      const { errors } = read();
      (errors.rate ? rate : errors.inFlight ? inFlight : rate).focus();
    },
    /** Rust refused the pace: its words go under the fields. */
    showRustError(err) {
      $('#advanced').open = true;
      setError(rustError, err);
    },
    clearRustError: () => setError(rustError, null),
  };
}
