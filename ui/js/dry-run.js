// The Review step's dry-run progress (site mode): a bar, the counts and a Cancel button while
// Rust looks the plan's accounts up. Reports may come a thousand times; the DOM is touched at
// most once a frame. Cancel asks Rust to stop (`cancel_preflight`); the pending `preflight`
// then fails with `cancelled`, which review.js shows.

import * as api from './api.js';
import { $ } from './dom.js';
import { STARTING_WORDS, frameThrottle, progressBar, progressWords } from './model/dry-run.js';

// Refusals change nothing here: the dry run then ended by itself or was over already.
const askRustToStop = () => api.cancelPreflight().catch(() => {});

export function initDryRunProgress() {
  const box = $('#dry-run-progress');
  const bar = $('#dry-run-bar');
  const count = $('#dry-run-count');
  const cancelBtn = $('#dry-run-cancel');
  let watch = null; // the dry run the bar shows

  function draw(p) {
    const { value, max } = progressBar(p);
    bar.max = max;
    bar.value = value;
    count.textContent = progressWords(p);
  }

  function cancel(w) {
    if (!w || w.cancelRequested) return;
    w.cancelRequested = true;
    cancelBtn.disabled = true;
    count.textContent = 'Cancelling…';
    w.throttle.cancel();
    askRustToStop();
  }

  cancelBtn.addEventListener('click', () => cancel(watch));

  function stop() {
    watch?.throttle.cancel();
    watch = null;
    box.hidden = true;
  }

  return {
    /**
     * Shows the bar for a new dry run. Returns its watch: `onProgress` for the `preflight`
     * channel, and `cancelRequested` once the admin cancelled.
     */
    start() {
      stop();
      const w = { cancelRequested: false, recancelled: false, throttle: frameThrottle(draw, requestAnimationFrame) };
      w.onProgress = (p) => {
        if (!w.cancelRequested) {
          w.throttle.push(p);
        } else if (!w.recancelled) {
          // A cancel that reached Rust before this dry run began found nothing to stop. Rust
          // reports once as soon as it begins, so saying it again here always lands.
          w.recancelled = true;
          askRustToStop();
        }
      };
      watch = w;
      bar.removeAttribute('value'); // indeterminate until the first report
      count.textContent = STARTING_WORDS;
      cancelBtn.disabled = false;
      box.hidden = false;
      return w;
    },
    /** Hides the bar (the dry run ended); a redraw not yet made is dropped. */
    stop,
    /** Cancels the dry run the bar shows, if any (its plan was voided), and hides the bar. */
    abandon() {
      cancel(watch);
      stop();
    },
  };
}
