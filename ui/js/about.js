// The About box: the version, where runs and the log are kept, and what is kept there under
// which rule (runs: never deleted; the log: two bounded files). Rust counts the records each time
// the box opens, so the numbers are never stale; the page only shows its words.

import * as api from './api.js';
import { $ } from './dom.js';

/** Fills the box from `AppInfo` and wires its buttons (Escape closes a <dialog> natively). */
export function initAbout(info) {
  const dialog = $('#about');
  $('#about-version').textContent = info?.version ?? '';
  $('#about-runs').textContent = info?.runsDir ?? '';
  $('#about-logs').textContent = info?.logsDir ? `${info.logsDir}/offboard.log` : '';
  let asked = 0; // a slow count must not overwrite the answer to a later opening
  $('#about-open').addEventListener('click', async () => {
    dialog.showModal();
    const mine = ++asked;
    const runs = $('#about-runs-kept');
    const log = $('#about-log-kept');
    runs.textContent = 'Counting the runs kept…';
    log.textContent = '';
    try {
      const kept = await api.aboutRecords();
      if (mine !== asked) return;
      runs.textContent = kept.runsWords;
      log.textContent = kept.logWords;
    } catch (e) {
      if (mine === asked) runs.textContent = e.message;
    }
  });
  $('#about-close').addEventListener('click', () => dialog.close());
}
