// The Choose step's state without the DOM: the roster, the filters and the visible rows, and the
// selection as a Uint8Array with its counts kept as rows are ticked (never recounted per paint).
//
// Safety rules live here so they are tested, not drawn:
// - your own row is never selectable and cannot be unlocked;
// - org-admin rows start locked; only `unlock(i)` on that one row makes them selectable;
// - select all / invert act on the visible (filtered) rows and skip every locked row.

import { LOCK_ADMIN, LOCK_NONE, LOCK_SELF, buildRoster, setSelf } from './roster.js';
import { emptyFilters, filterRows, narrows } from './filter.js';
import { formatCount } from './format.js';

export class UserList {
  /** @param users `Import.users` (columnar) @param selfId the connected admin's account id */
  constructor(users, selfId = null) {
    this.roster = buildRoster(users, selfId);
    const n = this.roster.n;
    this.selected = new Uint8Array(n);
    this.unlocked = new Uint8Array(n);
    this.count = 0; // selected rows in all
    this.filters = emptyFilters();
    this.visible = filterRows(this.roster, this.filters);
    this.visibleSelected = 0; // selected rows among the visible ones
    this.version = 0; // bumped on every change of the selection, so the plan knows it is stale
  }

  get size() {
    return this.roster.n;
  }

  /**
   * Runs a search that matches nothing over every row, changing nothing, so the engine has
   * compiled the search loop before the admin's first keystroke (the first searches over
   * 100,000 rows were otherwise several times slower than the rest).
   */
  warmUp(times = 3) {
    let kept = 0;
    for (let t = 0; t < times; t++) kept += filterRows(this.roster, { ...this.filters, query: '\u0002' }).length;
    return kept;
  }

  /** May row i be ticked now? */
  selectable(i) {
    const lock = this.roster.locked[i];
    return lock === LOCK_NONE || (lock === LOCK_ADMIN && this.unlocked[i] === 1);
  }

  /** "self", "admin" or "" for the row's protection. */
  lockKind(i) {
    const lock = this.roster.locked[i];
    return lock === LOCK_SELF ? 'self' : lock === LOCK_ADMIN ? 'admin' : '';
  }

  isSelected(i) {
    return this.selected[i] === 1;
  }

  /** Applies new filters; returns the visible rows. */
  setFilters(patch) {
    const next = { ...this.filters, ...patch };
    const within = narrows(this.filters, next) ? this.visible : null;
    this.filters = next;
    this.visible = filterRows(this.roster, next, within);
    this.visibleSelected = this.#countVisibleSelected();
    return this.visible;
  }

  #countVisibleSelected() {
    const v = this.visible;
    const s = this.selected;
    let c = 0;
    for (let j = 0; j < v.length; j++) c += s[v[j]];
    return c;
  }

  // Rows toggled through the page are always visible ones, so both counts move together.
  #set(i, on, visible) {
    const want = on ? 1 : 0;
    if (this.selected[i] === want) return false;
    if (on && !this.selectable(i)) return false;
    this.selected[i] = want;
    this.version++;
    const d = on ? 1 : -1;
    this.count += d;
    if (visible) this.visibleSelected += d;
    return true;
  }

  /** Ticks or unticks row i (a visible row). Returns whether it changed. */
  set(i, on) {
    return this.#set(i, on, true);
  }

  toggle(i) {
    return this.#set(i, !this.isSelected(i), true);
  }

  selectAll() {
    for (const i of this.visible) this.#set(i, true, true);
  }

  selectNone() {
    for (const i of this.visible) this.#set(i, false, true);
  }

  /** Flips every visible selectable row; locked rows stay unticked. */
  invert() {
    for (const i of this.visible) if (this.selectable(i)) this.#set(i, !this.isSelected(i), true);
  }

  /**
   * Selects exactly the rows with these ids (e.g. "retry the failed ones"), clearing the rest.
   * Locked rows stay out unless already unlocked. Returns the ids not found or not selectable.
   */
  selectOnly(ids) {
    this.selected.fill(0);
    this.count = 0;
    this.version++;
    const missed = [];
    for (const id of ids) {
      const i = this.roster.indexById.get(id);
      if (i === undefined || !this.#set(i, true, false)) missed.push(id);
    }
    this.visibleSelected = this.#countVisibleSelected();
    return missed;
  }

  /** Unticks a row wherever it is (e.g. the rehearsal already removed it). */
  deselectId(id) {
    const i = this.roster.indexById.get(id);
    if (i === undefined || !this.isSelected(i)) return false;
    const visible = this.#isVisible(i);
    return this.#set(i, false, visible);
  }

  #isVisible(i) {
    // Binary search: visible rows are in file order.
    const v = this.visible;
    let lo = 0;
    let hi = v.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (v[mid] === i) return true;
      if (v[mid] < i) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** Unlocks an org-admin row (after the page's confirm step). Your own row never unlocks. */
  unlock(i) {
    if (this.roster.locked[i] !== LOCK_ADMIN) return false;
    this.unlocked[i] = 1;
    return true;
  }

  /** Locks an unlocked admin row again and unticks it. */
  relock(i) {
    if (this.roster.locked[i] !== LOCK_ADMIN || !this.unlocked[i]) return false;
    this.#set(i, false, this.#isVisible(i));
    this.unlocked[i] = 0;
    return true;
  }

  /** A new connection: move the "you" lock, and untick the row if it is you now. */
  setSelf(accountId) {
    const prev = this.roster.selfIndex;
    const i = setSelf(this.roster, accountId);
    if (i >= 0) {
      if (this.isSelected(i)) this.#set(i, false, this.#isVisible(i));
      this.unlocked[i] = 0;
    }
    if (prev >= 0 && prev !== i && this.roster.locked[prev] === LOCK_ADMIN) this.unlocked[prev] = 0;
  }

  /** Account ids of the selected rows, in file order. */
  selectedIds() {
    const out = [];
    const { id } = this.roster;
    for (let i = 0; i < this.selected.length; i++) if (this.selected[i]) out.push(id[i]);
    return out;
  }

  /** Selected admin rows that were unlocked: Rust needs these named to act on them. */
  unlockedIds() {
    const out = [];
    const { id, locked } = this.roster;
    for (let i = 0; i < this.selected.length; i++) {
      if (this.selected[i] && this.unlocked[i] && locked[i] === LOCK_ADMIN) out.push(id[i]);
    }
    return out;
  }

  /** Up to `limit` selected row indices, in file order (for the rehearsal picker). */
  firstSelected(limit) {
    const out = [];
    for (let i = 0; i < this.selected.length && out.length < limit; i++) if (this.selected[i]) out.push(i);
    return out;
  }

  /** "N of M selected": N ticked among the M rows matching the filters. */
  countText() {
    return `${formatCount(this.visibleSelected)} of ${formatCount(this.visible.length)} selected`;
  }

  /** Ticked rows hidden by the current filters (still part of the plan). */
  hiddenSelected() {
    return this.count - this.visibleSelected;
  }
}
