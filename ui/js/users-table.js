// The Choose step's grid of users: one recycled row element per screen line, drawn from the
// UserList model. Ticking, Space, and the two-step unlock of admin rows happen here.

import { h, setText } from './dom.js';
import { VirtualTable } from './vtable.js';
import { OUTCOMES } from './model/roster.js';
import { OUTCOME_LABELS } from './model/run.js';
import { formatDay } from './model/format.js';
import { createOrgCells, fillOrgCells } from './org-cells.js';

const ROW_HEIGHT = 32; // px; matches .vt-row height in style.css
const CONFIRM_MS = 6000; // how long "Really unlock?" waits for the second click
const UNREADABLE_TITLE = 'The export’s last-seen date for this person could not be read, so “Seen before” never matches them.';

/** Why a row's box cannot be ticked, in words. */
function lockedWhy(lock, reason) {
  if (lock === 'self' || lock === 'never') return `${reason}.`;
  return `Protected: ${reason}. Unlock the row to tick it.`;
}

// Titles are set only when they change (rows are redrawn on every scroll).
function setTitle(el, title) {
  if (el.title !== title) el.title = title;
}

export function initUsersTable(root, { getList, onChange }) {
  let pendingUnlock = -1; // roster row waiting for its confirming click
  let pendingTimer = 0;

  const createRow = () => {
    const check = h('input', { type: 'checkbox', tabIndex: -1 });
    const cells = {
      check,
      checkCell: h('label', { role: 'gridcell', class: 'c-check' }, check),
      name: h('span', { class: 'name' }),
      you: h('span', { class: 'badge you', text: 'You' }),
      why: h('span', { class: 'sr-only' }), // the lock's reason, for screen readers
      email: h('div', { role: 'gridcell', class: 'c-email' }),
      status: h('div', { role: 'gridcell', class: 'c-status' }),
      role: h('span', { class: 'role' }),
      // Out of the Tab order except on the highlighted row (see renderRow).
      unlock: h('button', { type: 'button', class: 'unlock', text: 'Unlock', tabIndex: -1 }),
      seen: h('div', { role: 'gridcell', class: 'c-seen site-only' }),
      products: h('div', { role: 'gridcell', class: 'c-products site-only' }),
      groups: h('div', { role: 'gridcell', class: 'c-groups site-only' }),
      org: createOrgCells(), // organization mode's columns (org-cells.js)
      outcome: h('div', { role: 'gridcell', class: 'c-outcome' }),
    };
    const el = h('div', {},
      cells.checkCell,
      h('div', { role: 'gridcell', class: 'c-name' }, cells.name, cells.you, cells.why),
      cells.email, cells.status,
      h('div', { role: 'gridcell', class: 'c-role' }, cells.role, cells.unlock),
      cells.seen, cells.products, cells.groups, ...Object.values(cells.org), cells.outcome);
    el.cells = cells;
    return el;
  };

  const renderRow = (el, v) => {
    const list = getList();
    const r = list.roster;
    const i = list.visible[v];
    const c = el.cells;
    el.rosterIndex = i;
    el.dataset.id = r.id[i];
    const lock = list.lockKind(i);
    const reason = lock ? list.lockReason(i) : '';
    if (lock) el.dataset.locked = lock;
    else delete el.dataset.locked;
    if (el.title !== reason) el.title = reason;
    setText(c.why, reason ? ` (protected: ${reason})` : '');
    const unlocked = lock === 'admin' && list.unlocked[i] === 1;
    if (unlocked) el.dataset.unlocked = 'true';
    else delete el.dataset.unlocked;
    const selected = list.isSelected(i);
    el.setAttribute('aria-selected', String(selected));
    c.check.checked = selected;
    const tickable = list.selectable(i);
    c.check.disabled = !tickable;
    const who = r.name[i] || r.email[i] || r.id[i];
    // Why the box cannot be ticked, where the pointer and a screen reader meet it.
    const why = tickable ? '' : lockedWhy(lock, reason);
    setTitle(c.checkCell, why);
    setTitle(c.check, why);
    c.check.setAttribute('aria-label', why ? `${who}: cannot be ticked. ${why}` : `Select ${who}`);
    setText(c.name, r.name[i] || '(no name)');
    // Cut-off names and emails read in full on hover.
    setTitle(c.name, [r.name[i], r.id[i], reason].filter(Boolean).join('\n'));
    c.you.hidden = lock !== 'self';
    setText(c.email, r.email[i]);
    setTitle(c.email, r.email[i] ?? '');
    setText(c.status, r.status[i]);
    setText(c.role, r.orgRole[i]);
    setTitle(c.role, r.orgRole[i] ?? '');
    // Only admin rows get the button: your own row has no way to be unlocked. Only the
    // highlighted row's button is in the Tab order, so Tab from the table reaches that row's
    // and not the first admin's on screen.
    c.unlock.hidden = lock !== 'admin';
    const tabIndex = el.classList.contains('vt-focus') ? 0 : -1;
    if (c.unlock.tabIndex !== tabIndex) c.unlock.tabIndex = tabIndex;
    if (lock === 'admin') {
      const confirming = pendingUnlock === i;
      const cls = unlocked ? 'relock' : confirming ? 'unlock confirming' : 'unlock';
      if (c.unlock.className !== cls) c.unlock.className = cls;
      setText(c.unlock, unlocked ? 'Lock' : confirming ? 'Really unlock?' : 'Unlock');
      const who = r.name[i] || r.email[i] || r.id[i];
      c.unlock.setAttribute('aria-label', unlocked
        ? `Lock ${who} again` : confirming ? `Really unlock ${who}? Protected: ${reason}` : `Unlock ${who}, protected: ${reason}`);
    }
    if (r.kind === 'org') fillOrgCells(el, c.org, r, i);
    else delete el.dataset.skip;
    const seen = r.lastSeen[i];
    setText(c.seen, formatDay(seen));
    const seenTitle = seen === 'unreadable' ? UNREADABLE_TITLE : '';
    if (c.seen.title !== seenTitle) c.seen.title = seenTitle;
    c.seen.classList.toggle('unreadable', seen === 'unreadable');
    const products = (r.products[i] ?? []).join(', ');
    setText(c.products, products);
    c.products.title = products;
    const groups = (r.groups[i] ?? []).join(', ');
    setText(c.groups, groups);
    c.groups.title = groups;
    const outcome = OUTCOMES[r.outcome[i]];
    // An organization run labels its outcomes in its action's words ("Suspended").
    setText(c.outcome, outcome ? r.outcomeLabel?.[i] || OUTCOME_LABELS[outcome] : '');
    c.outcome.title = r.message[i] ?? '';
    if (outcome) el.dataset.outcome = outcome;
    else delete el.dataset.outcome;
  };

  const table = new VirtualTable(root, {
    rowHeight: ROW_HEIGHT,
    createRow,
    renderRow,
    onToggle: (v) => {
      const list = getList();
      if (list.toggle(list.visible[v])) changed();
    },
  });

  const changed = () => {
    table.render();
    onChange();
  };

  const cancelUnlock = () => {
    clearTimeout(pendingTimer);
    if (pendingUnlock >= 0) {
      pendingUnlock = -1;
      table.render();
    }
  };

  root.addEventListener('change', (e) => {
    const box = e.target.closest('input[type=checkbox]');
    const row = box?.closest('[role=row]');
    if (!row || row.rosterIndex == null) return;
    getList().set(row.rosterIndex, box.checked);
    changed(); // redraws the box too, should the model have refused it
  });

  root.addEventListener('click', (e) => {
    const button = e.target.closest('button.unlock, button.relock');
    const row = button?.closest('[role=row]');
    if (!row || row.rosterIndex == null) return;
    const i = row.rosterIndex;
    const list = getList();
    if (button.classList.contains('relock')) {
      list.relock(i);
      changed();
    } else if (pendingUnlock === i) {
      // Second, deliberate click: unlocked, but still unticked until the admin ticks it.
      clearTimeout(pendingTimer);
      pendingUnlock = -1;
      list.unlock(i);
      changed();
    } else {
      clearTimeout(pendingTimer);
      pendingUnlock = i;
      pendingTimer = setTimeout(cancelUnlock, CONFIRM_MS);
      table.render();
    }
  });
  root.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') cancelUnlock();
  });

  return table;
}
