// Step 2 in organization mode: load the directory's people (page by page, with a progress line
// and a Cancel) or open an export matched to the directory, then the organization filters.
// The table, the selection bar and the search are site mode's (choose.js, users-table.js).

import * as api from './api.js';
import { $, afterPaint, fillSelect, h, setError } from './dom.js';
import { parseDay } from './model/filter.js';
import { formatCount, plural } from './model/format.js';
import { isOrgList, orgUserList } from './model/org-list.js';

const MAX_MISSING_SHOWN = 2000; // rows not in the directory listed by name; beyond, a count

export function initOrgChoose(app, { table, applyFilters, updateCounts }) {
  const errorEl = $('#choose-error');
  const note = $('#choose-note');
  const source = $('#org-source');
  const loadBtn = $('#org-load');
  const openBtn = $('#org-open-export');
  const cancelBtn = $('#org-load-cancel');
  const progress = $('#org-load-progress');
  const countEl = $('#org-load-count');
  const summary = $('#org-summary');
  const dayError = $('#org-filter-day-error');
  const days = { jiraBefore: $('#org-filter-jira'), confluenceBefore: $('#org-filter-confluence') };
  const selects = { status: $('#org-filter-status'), admins: $('#org-filter-admins'), managed: $('#org-filter-managed'), synced: $('#org-filter-synced') };
  let reading = false;
  let cancelled = false;

  const dirName = () => app.connection?.directoryName || 'the directory';

  // Each page read says how far the load is (the total is not known before the last page). The
  // last pages' events may come after the load's answer: they still count, never going back.
  api.onOrgLoad(({ loaded, pages }) => {
    if ((pages ?? 0) < Number(countEl.dataset.pages ?? 0)) return;
    countEl.textContent = `Loaded ${plural(loaded ?? 0, 'person', 'people')} so far (${plural(pages ?? 0, 'page')})…`;
    countEl.dataset.loaded = String(loaded ?? 0);
    countEl.dataset.pages = String(pages ?? 0);
  }).catch(() => {});

  function begin(loading) {
    reading = true;
    cancelled = false;
    setError(errorEl, null);
    setError(note, null);
    loadBtn.disabled = true;
    openBtn.disabled = true;
    progress.hidden = !loading;
    cancelBtn.disabled = false;
    countEl.textContent = loading ? `Reading the people of ${dirName()}…` : '';
    delete countEl.dataset.loaded;
    delete countEl.dataset.pages;
  }

  function end() {
    reading = false;
    progress.hidden = true;
    loadBtn.disabled = false;
    openBtn.disabled = false;
  }

  async function load() {
    if (reading || !app.connection) return;
    begin(true);
    // Marks for the measurement (tests/measure-org-load): the answer in, the table up.
    performance.mark('org-load:start');
    try {
      const res = await api.orgLoadUsers();
      performance.mark('org-load:received');
      const n = show(res?.users);
      summary.textContent = `${plural(n, 'person', 'people')} loaded from ${res?.directoryName || dirName()}.`;
      showMissing([]);
      await afterPaint();
      performance.mark('org-load:interactive');
      warmUp();
    } catch (err) {
      // Cancelled by the admin: nothing was kept, which is what they asked for.
      if (cancelled || err?.kind === 'cancelled') {
        setError(note, { message: err?.kind === 'cancelled' && err.message ? err.message : 'Loading stopped: nothing was kept.' });
      } else setError(errorEl, err);
    } finally {
      end();
    }
  }

  /** Opens an export (`path` when dropped, else the native dialog) matched to the directory. */
  async function open(path = null) {
    if (reading || !app.connection) return;
    begin(false);
    try {
      const res = path ? await api.orgImportExport(path) : await api.orgChooseExport();
      if (res) {
        const missing = res.notInDirectory ?? [];
        const file = res.fileName ? `${res.fileName}: ` : '';
        const n = show(res.users);
        summary.textContent = `${file}${plural(n, 'person', 'people')} of the export found in ${dirName()}` +
          (missing.length ? `; ${formatCount(missing.length)} not in it (listed below).` : '.');
        showMissing(missing);
        await afterPaint();
        warmUp();
      }
    } catch (err) {
      setError(errorEl, err);
    } finally {
      end();
    }
  }

  // The new list in the table: one pass to build its model, one screenful drawn. Returns its size.
  function show(users) {
    app.list = orgUserList(users);
    app.lists.org = app.list;
    app.orgFromRun = null;
    app.voidPlans(); // a new list: whatever was planned was for another
    summary.hidden = false;
    fillFilters();
    $('#search').value = '';
    $('#choose-area').hidden = false;
    source.classList.add('compact');
    table.setCount(app.list.visible.length);
    app.refresh();
    return app.list.size;
  }

  // Once the table is up: the search's first keystroke over 100,000 people is not slower than
  // the next ones (as site mode does after an import).
  function warmUp() {
    const list = app.list;
    setTimeout(() => list?.warmUp(), 0);
  }

  function showMissing(missing) {
    const box = $('#org-missing-box');
    box.hidden = !missing?.length;
    if (!missing?.length) return;
    $('#org-missing-title').textContent = `${plural(missing.length, 'row')} of the export not in ${dirName()}`;
    const shown = missing.slice(0, MAX_MISSING_SHOWN);
    $('#org-missing').replaceChildren(...shown.map((m) => h('li', { 'data-id': m.accountId },
      `${m.name || '(no name)'} (${m.email || m.accountId})`)));
    const more = $('#org-missing-more');
    more.hidden = missing.length <= shown.length;
    more.textContent = `and ${formatCount(missing.length - shown.length)} more.`;
  }

  function fillFilters() {
    const statuses = app.list?.roster.facets.statuses ?? [];
    fillSelect(selects.status, [['', 'Any status'], ...statuses.map((s) => [s, s])]);
    clearFields();
  }

  /** Empties the organization filter fields (the caller resets the list's filters). */
  function clearFields() {
    for (const s of Object.values(selects)) s.value = '';
    for (const input of Object.values(days)) {
      input.value = '';
      input.removeAttribute('aria-invalid');
    }
    setError(dayError, null);
  }

  // A day typed in "Jira before" or "Confluence before" filters at once once it reads as a day;
  // while it does not, that filter is off and the field says so (the words on leaving it).
  function readDay(name, explain) {
    const input = days[name];
    const read = parseDay(input.value);
    if (read.error) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    const bad = Object.entries(days).map(([k, el]) => [k, parseDay(el.value)]).find(([, r]) => r.error);
    const label = { jiraBefore: 'Jira before', confluenceBefore: 'Confluence before' };
    if (!bad) setError(dayError, null);
    else if (explain || !dayError.hidden) setError(dayError, { message: `${label[bad[0]]}: ${bad[1].error}` });
    applyFilters({ [name]: read.day ?? '' });
  }
  for (const [name, input] of Object.entries(days)) {
    input.addEventListener('input', () => readDay(name, false));
    input.addEventListener('change', () => readDay(name, true));
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        readDay(name, true);
      }
    });
  }
  for (const [name, select] of Object.entries(selects)) {
    select.addEventListener('change', () => applyFilters({ [name]: select.value }));
  }

  loadBtn.addEventListener('click', load);
  openBtn.addEventListener('click', () => open());
  cancelBtn.addEventListener('click', async () => {
    if (!reading) return;
    cancelled = true;
    cancelBtn.disabled = true;
    countEl.textContent = 'Stopping…';
    try {
      await api.orgCancelLoad();
    } catch (err) {
      setError(errorEl, err);
    }
  });

  return {
    open,
    clearFields,
    /** True while a day field holds text that is not a day (it counts as a filter to clear). */
    daysTyped: () => Object.values(days).some((el) => el.value !== ''),
    /** The mode or the list changed: show the current list (or the way to get one). */
    modeChanged() {
      const list = app.list;
      $('#choose-area').hidden = !list;
      $('#search').value = list?.filters.query ?? '';
      source.classList.toggle('compact', isOrgList(list));
      if (!isOrgList(app.lists.org)) {
        summary.hidden = true;
        showMissing([]);
      }
      table.setCount(list ? list.visible.length : 0);
      updateCounts();
    },
    enter() {
      $('#org-source-dir').textContent = dirName();
    },
  };
}
