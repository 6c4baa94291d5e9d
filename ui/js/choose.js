// Step 2, Choose users: open or drop the export, read its summary, filter, search and tick.

import * as api from './api.js';
import { $, afterPaint, busy, fillSelect, h, setError } from './dom.js';
import { UserList } from './model/userlist.js';
import { NO_ROLE, emptyFilters, filtersActive, parseDay } from './model/filter.js';
import { outcomeCode } from './model/roster.js';
import { formatCount, plural } from './model/format.js';
import { initUsersTable } from './users-table.js';
import { initOrgChoose } from './org-choose.js';

const MAX_SKIPPED_SHOWN = 5000; // beyond this the list says how many more

export function initChoose(app) {
  const errorEl = $('#choose-error');
  const dropZone = $('#drop-zone');
  const search = $('#search');
  const table = initUsersTable($('#user-table'), { getList: () => app.list, onChange: () => app.refresh() });
  // Organization mode's sources and filters (org-choose.js) over the same table.
  const org = initOrgChoose(app, { table, applyFilters, updateCounts });

  // Starts an import: the mark covers the file pick, the read in Rust and the first paint.
  async function importWith(button, load) {
    if (button?.disabled) return;
    setError(errorEl, null);
    performance.mark('import:start');
    // Any import voids Rust's plans, and with them the page's.
    app.voidPlans();
    const run = async () => {
      try {
        const imp = await load();
        if (imp) await show(imp);
      } catch (err) {
        setError(errorEl, err);
      }
    };
    await (button ? busy(button, run) : run());
  }

  async function show(imp) {
    // Beyond the contract's marks: splits Rust and IPC time from the page's own work.
    performance.mark('import:received');
    const { users, ...rest } = imp;
    app.importInfo = rest;
    app.list = new UserList(users, app.connection?.accountId ?? null, app.connection?.siteAdmins?.ids ?? []);
    app.voidPlans(); // a new list: whatever was planned was for another
    showSummary(rest);
    fillFilters();
    search.value = '';
    $('#choose-area').hidden = false;
    dropZone.classList.add('compact');
    table.setCount(app.list.visible.length);
    app.refresh();
    setError($('#choose-note'), null);
    await afterPaint();
    performance.mark('import:interactive');
    // After the table is up: warm the search while the admin is still reading it.
    const list = app.list;
    setTimeout(() => list.warmUp(), 0);
  }

  function showSummary(info) {
    const s = info.summary;
    const el = $('#import-summary');
    el.textContent = `${info.fileName}: ${plural(s.users, 'user')} from ${plural(s.rowsRead, 'row')}` +
      (s.duplicatesMerged ? `, ${formatCount(s.duplicatesMerged)} duplicate rows merged` : '') + '.' +
      (s.unreadableDates > 0
        ? ` ${plural(s.unreadableDates, 'last-seen date')} could not be read: those people never match “Seen before”.`
        : '');
    el.title = `Read as ${s.encoding}, ${s.delimiter}-separated; account ids from the “${s.keyColumn}” column.\n${info.path}`;
    el.hidden = false;
    // Which protective information the file carries, and a warning above the table when it
    // carries no admin information at all (only the live site-admins group protects then).
    const protection = $('#import-protection');
    protection.textContent = s.protection?.words ?? '';
    protection.hidden = !protection.textContent;
    const warning = $('#admin-warning');
    warning.textContent = s.adminWarning ?? '';
    warning.hidden = !s.adminWarning;
    const box = $('#import-skipped-box');
    box.hidden = s.skipped.length === 0;
    $('#import-skipped-title').textContent = `${plural(s.skipped.length, 'row')} skipped: why`;
    const shown = s.skipped.slice(0, MAX_SKIPPED_SHOWN);
    $('#import-skipped').replaceChildren(...shown.map((r) =>
      h('li', { 'data-line': r.line }, h('span', { class: 'line', text: `Line ${r.line}: ` }), r.reason)));
    const more = $('#import-skipped-more');
    more.hidden = s.skipped.length <= shown.length;
    more.textContent = `and ${formatCount(s.skipped.length - shown.length)} more.`;
  }

  function fillFilters() {
    const f = app.list.roster.facets;
    const opts = (any, values) => [['', any], ...values.map((v) => [v, v])];
    fillSelect($('#filter-status'), opts('Any status', f.statuses));
    fillSelect($('#filter-role'), [['', 'Any role'], [NO_ROLE, 'No org role'], ...f.roles.map((v) => [v, v])]);
    fillSelect($('#filter-group'), opts('Any group', f.groups));
    fillSelect($('#filter-product'), opts('Any product', f.products));
    clearFilterFields();
  }

  // Empties every filter field (the list's filters are set by the caller).
  function clearFilterFields() {
    search.value = '';
    for (const id of ['#filter-status', '#filter-role', '#filter-group', '#filter-product']) $(id).value = '';
    $('#filter-domain').value = '';
    seenBefore.value = '';
    seenClear.hidden = true;
    showDayError(null);
  }

  function applyFilters(patch, keepScroll = false) {
    if (!app.list) return;
    app.list.setFilters(patch);
    table.setCount(app.list.visible.length, { keepScroll });
    updateCounts();
  }

  // "Seen before" is typed (2024-01-31, 31 Jan 2024…): a day that reads right filters at once;
  // while the text is not a day the date filter is off, the field says so, and its words say why
  // once the admin leaves the field or presses Enter.
  const seenBefore = $('#filter-last-seen-before');
  const seenClear = $('#filter-last-seen-clear');
  const dayError = $('#filter-last-seen-error');
  function showDayError(message) {
    setError(dayError, message ? { message } : null);
    if (message) seenBefore.setAttribute('aria-invalid', 'true');
    else seenBefore.removeAttribute('aria-invalid');
  }
  function readSeenBefore({ explain }) {
    const read = parseDay(seenBefore.value);
    seenClear.hidden = seenBefore.value === '';
    if (read.error) {
      seenBefore.setAttribute('aria-invalid', 'true');
      if (explain || !dayError.hidden) showDayError(read.error);
    } else showDayError(null);
    applyFilters({ lastSeenBefore: read.day ?? '' });
  }
  seenBefore.addEventListener('input', () => readSeenBefore({ explain: false }));
  seenBefore.addEventListener('change', () => readSeenBefore({ explain: true }));
  seenBefore.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      readSeenBefore({ explain: true });
    } else if (e.key === 'Escape' && seenBefore.value) {
      e.preventDefault();
      clearSeenBefore();
    }
  });
  function clearSeenBefore() {
    seenBefore.value = '';
    readSeenBefore({ explain: false });
    seenBefore.focus();
  }
  seenClear.addEventListener('click', clearSeenBefore);

  $('#clear-filters').addEventListener('click', () => {
    if (!app.list) return;
    clearFilterFields();
    org.clearFields();
    applyFilters(app.list.emptyFilters?.() ?? emptyFilters());
    search.focus();
  });

  function updateCounts() {
    const list = app.list;
    if (!list) return;
    $('#selected-count').textContent = list.countText();
    const hidden = list.hiddenSelected();
    const note = $('#selected-hidden');
    note.hidden = hidden === 0;
    note.textContent = `+ ${formatCount(hidden)} more selected outside these filters (${formatCount(list.count)} in all)`;
    const next = $('#choose-next');
    next.disabled = list.count === 0 || !app.connection;
    next.textContent = list.count ? `Next: review ${plural(list.count, 'user')}` : 'Next: review';
    // An unreadable "Seen before" counts as a filter to clear, though it filters nothing.
    $('#clear-filters').disabled = !filtersActive(list.filters) && seenBefore.value === '' && !org.daysTyped();
    $('#user-table').classList.toggle('show-outcome', !!list.hasOutcomes);
  }

  search.addEventListener('input', async () => {
    performance.mark('search:input');
    applyFilters({ query: search.value });
    performance.mark('search:drawn'); // filtered and drawn, before the paint
    await afterPaint();
    performance.mark('search:painted');
  });
  // Enter in the search box does nothing: only buttons act.
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') e.preventDefault();
  });
  const selects = { '#filter-status': 'status', '#filter-role': 'role', '#filter-group': 'group', '#filter-product': 'product' };
  for (const [id, key] of Object.entries(selects)) {
    $(id).addEventListener('change', (e) => applyFilters({ [key]: e.target.value }));
  }
  $('#filter-domain').addEventListener('input', (e) => applyFilters({ domain: e.target.value }));

  const bulk = (fn) => () => {
    if (!app.list) return;
    fn(app.list);
    table.render();
    app.refresh();
  };
  $('#select-all').addEventListener('click', bulk((l) => l.selectAll()));
  $('#select-none').addEventListener('click', bulk((l) => l.selectNone()));
  $('#select-invert').addEventListener('click', bulk((l) => l.invert()));
  $('#choose-next').addEventListener('click', () => app.go('review'));

  $('#open-export').addEventListener('click', (e) => importWith(e.currentTarget, () => api.chooseExport()));
  $('#use-sample').addEventListener('click', (e) =>
    importWith(e.currentTarget, () => api.importExport(app.info.practice.sampleExport)));

  api.onFileDrop({
    enter: () => dropZone.classList.add('drag'),
    leave: () => dropZone.classList.remove('drag'),
    drop: (paths) => {
      dropZone.classList.remove('drag');
      if (!paths.length) return;
      if (!app.connection) {
        app.steps.connect.showError({ message: 'Check the connection first, then drop the export again.' });
        app.go('connect');
        return;
      }
      app.go('choose');
      if (paths.length > 1) setError($('#choose-note'), { message: 'Several files were dropped; Offboard opened the first.' });
      if (app.mode === 'org') org.open(paths[0]);
      else importWith(null, () => api.importExport(paths[0]));
    },
  }).catch(() => {});

  return {
    load() {
      $('#use-sample').hidden = !app.info?.practice?.sampleExport;
    },
    refresh: updateCounts,
    modeChanged: () => org.modeChanged(),
    enter() {
      org.enter();
      // The table may have been hidden while its size changed.
      if (app.list) table.setCount(app.list.visible.length, { keepScroll: true });
      updateCounts();
    },
    /** A run decided this row: show it in the Outcome column. */
    markOutcome(accountId, outcome, message, label = '') {
      const list = app.list;
      const i = list?.roster.indexById.get(accountId);
      if (i === undefined) return;
      list.roster.outcome[i] = outcomeCode(outcome);
      list.roster.message[i] = message ?? '';
      if (list.roster.outcomeLabel) list.roster.outcomeLabel[i] = label ?? '';
      list.hasOutcomes = true;
      if (app.step === 'choose') table.schedule();
    },
  };
}
