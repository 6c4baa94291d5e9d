// The Choose step's grid of users: one recycled row element per screen line, drawn from the
// UserList model. Ticking, Space, and the two-step unlock of admin rows happen here.

import { h, setText } from './dom.js';
import { VirtualTable } from './vtable.js';
import { OUTCOMES } from './model/roster.js';
import { OUTCOME_LABELS } from './model/run.js';
import { formatDay } from './model/format.js';

const ROW_HEIGHT = 32; // px; matches .vt-row height in style.css
const CONFIRM_MS = 6000; // how long "Really unlock?" waits for the second click
const UNREADABLE_TITLE = 'The export’s last-seen date for this person could not be read, so “Seen before” never matches them.';

export function initUsersTable(root, { getList, onChange }) {
  let pendingUnlock = -1; // roster row waiting for its confirming click
  let pendingTimer = 0;

  const createRow = () => {
    const check = h('input', { type: 'checkbox', tabIndex: -1 });
    const cells = {
      check,
      name: h('span', { class: 'name' }),
      you: h('span', { class: 'badge you', text: 'You' }),
      why: h('span', { class: 'sr-only' }), // the lock's reason, for screen readers
      email: h('div', { role: 'gridcell', class: 'c-email' }),
      status: h('div', { role: 'gridcell', class: 'c-status' }),
      role: h('span', { class: 'role' }),
      unlock: h('button', { type: 'button', class: 'unlock', text: 'Unlock' }),
      seen: h('div', { role: 'gridcell', class: 'c-seen' }),
      products: h('div', { role: 'gridcell', class: 'c-products' }),
      groups: h('div', { role: 'gridcell', class: 'c-groups' }),
      outcome: h('div', { role: 'gridcell', class: 'c-outcome' }),
    };
    const el = h('div', {},
      h('label', { role: 'gridcell', class: 'c-check' }, check),
      h('div', { role: 'gridcell', class: 'c-name' }, cells.name, cells.you, cells.why),
      cells.email, cells.status,
      h('div', { role: 'gridcell', class: 'c-role' }, cells.role, cells.unlock),
      cells.seen, cells.products, cells.groups, cells.outcome);
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
    c.check.disabled = !list.selectable(i);
    c.check.setAttribute('aria-label', `Select ${r.name[i] || r.email[i] || r.id[i]}`);
    setText(c.name, r.name[i] || '(no name)');
    c.name.title = reason ? `${r.id[i]}\n${reason}` : r.id[i];
    c.you.hidden = lock !== 'self';
    setText(c.email, r.email[i]);
    setText(c.status, r.status[i]);
    setText(c.role, r.orgRole[i]);
    // Only admin rows get the button: your own row has no way to be unlocked.
    c.unlock.hidden = lock !== 'admin';
    if (lock === 'admin') {
      const confirming = pendingUnlock === i;
      const cls = unlocked ? 'relock' : confirming ? 'unlock confirming' : 'unlock';
      if (c.unlock.className !== cls) c.unlock.className = cls;
      setText(c.unlock, unlocked ? 'Lock' : confirming ? 'Really unlock?' : 'Unlock');
      const who = r.name[i] || r.email[i] || r.id[i];
      c.unlock.setAttribute('aria-label', unlocked
        ? `Lock ${who} again` : confirming ? `Really unlock ${who}? Protected: ${reason}` : `Unlock ${who}, protected: ${reason}`);
    }
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
    setText(c.outcome, outcome ? OUTCOME_LABELS[outcome] : '');
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
