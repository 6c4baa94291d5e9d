// The Choose step's state without the DOM: the roster, the filters and the visible rows, and the
// selection as a Uint8Array with its counts kept as rows are ticked (never recounted per paint).
//
// Safety rules live here so they are tested, not drawn:
// - your own row is never selectable and cannot be unlocked;
// - admin rows (the file's admin signals, or the live site-admins group of the connection) start
//   locked; only `unlock(i)` on that one row makes them selectable;
// - a new connection moves the self and live-admin locks: a row whose protection changes loses
//   its unlock and, if it may no longer be ticked, its tick;
// - select all / invert act on the visible (filtered) rows and skip every locked row.

import { LOCK_ADMIN, LOCK_NEVER, LOCK_NONE, LOCK_SELF, buildRoster, lockReason, setLocks } from './roster.js';
import { compile, emptyFilters, filterRows, narrows } from './filter.js';
import { formatCount } from './format.js';

/**
 * How a list builds its roster and filters it: site mode's export by default; organization
 * mode passes its own (`org-list.js`), whose locks do not move with the connection.
 */
export const SITE_KIND = { name: 'site', build: buildRoster, compile, emptyFilters, setLocks };

export class UserList {
  /**
   * @param users `Import.users` (columnar) @param selfId the connected admin's account id
   * @param liveAdminIds the connection's site-admins group (`Connection.siteAdmins.ids`)
   * @param kind how the roster is built and filtered (`SITE_KIND`, or organization mode's)
   */
  constructor(users, selfId = null, liveAdminIds = [], kind = SITE_KIND) {
    this.kind = kind;
    this.roster = kind.build(users, selfId, liveAdminIds);
    const n = this.roster.n;
    this.selected = new Uint8Array(n);
    this.unlocked = new Uint8Array(n);
    this.count = 0; // selected rows in all
    this.filters = kind.emptyFilters();
    this.visible = filterRows(this.roster, this.filters, null, kind.compile);
    this.visibleSelected = 0; // selected rows among the visible ones
    this.version = 0; // bumped on every change of the selection or of an unlock: the plan is stale
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
    for (let t = 0; t < times; t++) kept += filterRows(this.roster, { ...this.filters, query: '\u0002' }, null, this.kind.compile).length;
    return kept;
  }

  /** May row i be ticked now? */
  selectable(i) {
    const lock = this.roster.locked[i];
    return lock === LOCK_NONE || (lock === LOCK_ADMIN && this.unlocked[i] === 1);
  }

  /** "self", "admin", "never" (organization admins) or "" for the row's protection. */
  lockKind(i) {
    const lock = this.roster.locked[i];
    return lock === LOCK_SELF ? 'self' : lock === LOCK_ADMIN ? 'admin' : lock === LOCK_NEVER ? 'never' : '';
  }

  /** Why the row is protected, in words ("" when it is not). */
  lockReason(i) {
    return this.roster.lockWhy ? this.roster.lockWhy[i] : lockReason(this.roster, i);
  }

  /** The filters that show every row, for this kind of list. */
  emptyFilters() {
    return this.kind.emptyFilters();
  }

  isSelected(i) {
    return this.selected[i] === 1;
  }

  /** Applies new filters; returns the visible rows. */
  setFilters(patch) {
    const next = { ...this.filters, ...patch };
    const within = narrows(this.filters, next) ? this.visible : null;
    this.filters = next;
    this.visible = filterRows(this.roster, next, within, this.kind.compile);
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

  /** Unlocks an admin row (after the page's confirm step). Your own row never unlocks. */
  unlock(i) {
    if (this.roster.locked[i] !== LOCK_ADMIN || this.unlocked[i]) return false;
    this.unlocked[i] = 1;
    this.version++;
    return true;
  }

  /** Locks an unlocked admin row again and unticks it. */
  relock(i) {
    if (this.roster.locked[i] !== LOCK_ADMIN || !this.unlocked[i]) return false;
    this.#set(i, false, this.#isVisible(i));
    this.unlocked[i] = 0;
    this.version++;
    return true;
  }

  /**
   * A new connection (or the first one, after the import): moves the "you" lock to `selfId` and
   * the live-admin locks to `liveAdminIds`. A row whose protection changed starts over: its
   * unlock is dropped and, if it can no longer be ticked, it is unticked. Returns how many
   * rows changed protection.
   */
  setConnection(selfId, liveAdminIds = []) {
    if (!this.kind.setLocks) return 0; // locks that do not depend on the connection
    const r = this.roster;
    // Kind of lock and whether the live group names the row: either changing resets the row.
    const before = new Uint8Array(r.n);
    for (let i = 0; i < r.n; i++) before[i] = r.locked[i] * 2 + r.liveAdmin[i];
    this.kind.setLocks(r, selfId, liveAdminIds);
    let changed = 0;
    for (let i = 0; i < r.n; i++) {
      if (r.locked[i] * 2 + r.liveAdmin[i] === before[i]) continue;
      changed++;
      this.unlocked[i] = 0;
      if (this.isSelected(i) && !this.selectable(i)) this.#set(i, false, this.#isVisible(i));
    }
    if (changed) this.version++;
    return changed;
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

  /** "N of M selected": N ticked among the M rows matching the filters. */
  countText() {
    return `${formatCount(this.visibleSelected)} of ${formatCount(this.visible.length)} selected`;
  }

  /** Ticked rows hidden by the current filters (still part of the plan). */
  hiddenSelected() {
    return this.count - this.visibleSelected;
  }
}
