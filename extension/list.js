// The account list, virtualised: only the rows in and near the viewport are in the DOM, so 5,000
// accounts cost what the twenty in view cost. The rest are room — padding of their measured height,
// or an estimate until they have been shown once. Rows keep their whole names (they wrap), so heights
// differ and are measured after each render. Rows already in place are never moved, so a focused row
// keeps its focus while the list scrolls around it.

const ESTIMATE = 58;   // px: a row's height before it is measured (one line of name, one of issuer)
const MARGIN = 800;    // px of rows kept above and below the viewport (none for the first paint)

export class VirtualList {
  /**
   * `make(item)` builds a row `{li, …}` for an item (`{id, …}`); `drop(row)` is told when a row leaves
   * the DOM, and `placed()` when the rows in the DOM have changed.
   */
  constructor(ul, make, drop, placed) {
    this.ul = ul;
    this.make = make;
    this.drop = drop;
    this.placed = placed;
    this.items = [];
    this.rendered = new Map();  // id → row, for the items in the DOM
    this.heights = new Map();   // id → px, once measured
    this.first = 0;
    this.last = -1;
    this.pending = false;
    // The first paint makes only the rows in view; the margin's rows follow in the next frame.
    this.margin = 0;
    const schedule = () => {
      if (this.pending) return;
      this.pending = true;
      requestAnimationFrame(() => { this.pending = false; this.update(); });
    };
    addEventListener('scroll', schedule, { passive: true });
    addEventListener('resize', schedule);
  }

  /**
   * Shows these items (in this order), from scratch: anything else in the list (an in-row
   * confirmation) goes too. The whole list is room first, so the page keeps its scroll position
   * where the list is as long as before (an edit) and the browser clamps it where it is shorter.
   */
  set(items) {
    for (const row of this.rendered.values()) this.drop(row);
    this.rendered.clear();
    this.ul.replaceChildren();
    this.items = items;
    this.index = new Map(items.map((item, i) => [item.id, i]));
    let total = 0;
    for (let i = 0; i < items.length; i++) total += this.height(i);
    this.ul.style.paddingTop = '0px';
    this.ul.style.paddingBottom = `${total}px`;
    this.first = 0;
    this.last = -1;
    this.update();
    if (this.margin === 0) {
      this.margin = MARGIN;
      requestAnimationFrame(() => this.update());
    }
  }

  /** The position of an item among those shown, or -1. */
  indexOf(id) {
    return this.index?.get(id) ?? -1;
  }

  /** The rows in the DOM, in list order. */
  rows() {
    const rows = [];
    for (let i = this.first; i <= this.last; i++) {
      const row = this.rendered.get(this.items[i].id);
      if (row) rows.push(row);
    }
    return rows;
  }

  height(i) {
    return this.heights.get(this.items[i].id) ?? ESTIMATE;
  }

  /** Renders the rows in the viewport and its margins. */
  update() {
    const top = this.ul.getBoundingClientRect().top;
    const from = -top - this.margin;
    const to = -top + innerHeight + this.margin;
    let y = 0;
    let first = this.items.length;
    let last = -1;
    for (let i = 0; i < this.items.length && y <= to; i++) {
      const h = this.height(i);
      if (y + h >= from) {
        if (first > i) first = i;
        last = i;
      }
      y += h;
    }
    if (first > last) { first = 0; last = -1; }
    this.place(first, last);
  }

  place(first, last) {
    for (const [id, row] of this.rendered) {
      const i = this.index.get(id);
      if (i < first || i > last) { row.li.remove(); this.drop(row); this.rendered.delete(id); }
    }
    // Insert the new rows in order, leaving the rows already in place where they are.
    let before = null;
    for (let i = last; i >= first; i--) {
      const item = this.items[i];
      let row = this.rendered.get(item.id);
      if (!row) {
        row = this.make(item);
        this.rendered.set(item.id, row);
        this.ul.insertBefore(row.li, before);
      }
      before = row.li;
    }
    this.first = first;
    this.last = last;
    for (const row of this.rendered.values()) {
      const h = row.li.offsetHeight;
      if (h > 0) this.heights.set(row.id, h);
    }
    let above = 0;
    let below = 0;
    for (let i = 0; i < first; i++) above += this.height(i);
    for (let i = last + 1; i < this.items.length; i++) below += this.height(i);
    this.ul.style.paddingTop = `${above}px`;
    this.ul.style.paddingBottom = `${below}px`;
    this.placed();
  }

  /** Scrolls item `i` into view (rendering it) and returns its row. */
  reveal(i) {
    const item = this.items[i];
    if (!item) return null;
    if (!this.rendered.has(item.id)) {
      let y = 0;
      for (let j = 0; j < i; j++) y += this.height(j);
      scrollTo(0, scrollY + this.ul.getBoundingClientRect().top + y - innerHeight / 2);
      this.update();
    }
    const row = this.rendered.get(item.id);
    row?.li.scrollIntoView({ block: 'nearest' });
    return row ?? null;
  }
}
