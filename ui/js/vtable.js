// A virtualised grid: a fixed row height, a body sized to all rows, and a small pool of row
// elements moved with `transform` (CSSOM, allowed by the CSP) and refilled on scroll. Only the
// rows on screen exist, so 100,000 rows cost the same to paint as 40.
//
// Markup it expects (index.html): an element with role="grid" that scrolls, holding a sticky
// header rowgroup and an empty `.vt-body`. The caller builds a row's cells once (`createRow`)
// and fills them for a given view index (`renderRow`).

export class VirtualTable {
  constructor(root, { rowHeight, createRow, renderRow, onToggle }) {
    this.root = root;
    this.body = root.querySelector('.vt-body');
    this.rowHeight = rowHeight;
    this.createRow = createRow;
    this.renderRow = renderRow;
    this.onToggle = onToggle;
    this.count = 0;
    this.focus = -1; // view index of the keyboard's row
    this.pool = [];
    this.activeId = `${root.id}-active`;
    this.pending = false;

    root.addEventListener('scroll', () => this.schedule(), { passive: true });
    root.addEventListener('keydown', (e) => this.#key(e));
    root.addEventListener('focus', () => {
      if (this.focus < 0 && this.count) this.setFocus(this.firstOnScreen(), false);
    });
    // A click anywhere in a row makes it the keyboard's row too, and keeps the keyboard on the
    // grid (not on the checkbox) so the arrow keys go on working; buttons keep their own focus.
    this.body.addEventListener('mousedown', (e) => {
      const row = e.target.closest('[role=row]');
      if (!row || row.viewIndex == null) return;
      if (!e.target.closest('button')) {
        e.preventDefault();
        this.root.focus({ preventScroll: true });
      }
      this.setFocus(row.viewIndex, false);
    });
    new ResizeObserver(() => this.#sizePool()).observe(root);
    this.#sizePool();
  }

  #sizePool() {
    const need = Math.ceil((this.root.clientHeight || 600) / this.rowHeight) + 3;
    while (this.pool.length < need) {
      const el = this.createRow();
      el.setAttribute('role', 'row');
      el.classList.add('vt-row');
      el.hidden = true;
      this.body.append(el);
      this.pool.push(el);
    }
    this.render();
  }

  /** Number of rows changed (filter, import): resize the body and repaint. */
  setCount(n, { keepScroll = false } = {}) {
    this.count = n;
    this.root.setAttribute('aria-rowcount', String(n + 1));
    this.body.style.height = `${n * this.rowHeight}px`;
    if (!keepScroll) this.root.scrollTop = 0;
    if (this.focus >= n) this.focus = n - 1;
    if (!keepScroll && this.focus >= 0) this.focus = n ? 0 : -1;
    this.render();
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  firstOnScreen() {
    return Math.min(this.count - 1, Math.max(0, Math.floor(this.root.scrollTop / this.rowHeight)));
  }

  /** Fills the pool with the rows now on screen. */
  render() {
    const first = Math.max(0, Math.floor(this.root.scrollTop / this.rowHeight) - 1);
    let active = false;
    for (let k = 0; k < this.pool.length; k++) {
      const el = this.pool[k];
      const v = first + k;
      if (v >= this.count) {
        el.hidden = true;
        el.viewIndex = null;
        if (el.id) el.removeAttribute('id');
        continue;
      }
      el.hidden = false;
      el.viewIndex = v;
      el.style.transform = `translateY(${v * this.rowHeight}px)`;
      el.setAttribute('aria-rowindex', String(v + 2)); // row 1 is the header
      const isFocus = v === this.focus;
      el.classList.toggle('vt-focus', isFocus);
      if (isFocus) {
        el.id = this.activeId;
        active = true;
      } else if (el.id) el.removeAttribute('id');
      this.renderRow(el, v);
    }
    if (active) this.root.setAttribute('aria-activedescendant', this.activeId);
    else this.root.removeAttribute('aria-activedescendant');
  }

  /** Moves the keyboard's row and scrolls it into view. */
  setFocus(v, scroll = true) {
    if (!this.count) return;
    this.focus = Math.max(0, Math.min(this.count - 1, v));
    if (scroll) this.reveal(this.focus);
    this.render();
  }

  /** Scrolls just enough for row v to be on screen (the scroll event repaints). */
  reveal(v) {
    const top = v * this.rowHeight;
    const view = this.root.clientHeight - this.headerHeight();
    if (top < this.root.scrollTop) this.root.scrollTop = top;
    else if (top + this.rowHeight > this.root.scrollTop + view) this.root.scrollTop = top + this.rowHeight - view;
  }

  headerHeight() {
    return this.root.querySelector('.vt-head')?.offsetHeight ?? 0;
  }

  #key(e) {
    if (e.target !== this.root || !this.count) return;
    const page = Math.max(1, Math.floor((this.root.clientHeight - this.headerHeight()) / this.rowHeight) - 1);
    const moves = {
      ArrowDown: this.focus + 1, ArrowUp: this.focus - 1,
      PageDown: this.focus + page, PageUp: this.focus - page,
      Home: 0, End: this.count - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      this.setFocus(this.focus < 0 ? 0 : moves[e.key]);
    } else if (e.key === ' ' && this.focus >= 0 && this.onToggle) {
      e.preventDefault(); // Space would scroll the grid otherwise
      this.onToggle(this.focus);
    }
  }
}
