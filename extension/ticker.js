// The codes of the rows in the DOM and their countdown. Codes are computed by the core only for the
// rows the list has placed, in one call, and again only when a shown step ends (or the clock moves
// back); once a second only the rings of rows in view are redrawn, and only where their seconds
// changed. One timer at each whole second of the clock, no drift.
import { correctionMs } from './correction.js';

/** A code split for reading: 123 456, 1234 5678, else groups of three. */
const grouped = (code) => (code.length === 6 || code.length === 8
  ? `${code.slice(0, code.length / 2)} ${code.slice(code.length / 2)}`
  : code.replace(/(\d{3})(?=\d)/g, '$1 '));

export class Ticker {
  /**
   * `rows`: the list's id → row map (row.js); `codesOf(ids, ms)`: the core's codes; `onSecond(now)`
   * runs first each second and returns false to skip the codes (locked, read-only).
   */
  constructor(rows, codesOf, onSecond) {
    this.rows = rows;
    this.codesOf = codesOf;
    this.onSecond = onSecond;
    this.current = new Map();   // id → {code, expiresAt, periodMs}: the codes of the rows in the DOM
    this.recomputeAt = 0;       // ms: when the next shown code changes (the earliest step end)
    this.computedAt = 0;        // ms: when the codes were last computed
    this.onScreen = new Set();  // ids of rows in view: only their rings are redrawn each second
    this.visibility = new IntersectionObserver((entries) => {
      const now = Date.now();
      for (const e of entries) {
        const id = Number(e.target.dataset.id);
        if (e.isIntersecting) { this.onScreen.add(id); this.drawRing(this.rows.get(id), now); } else this.onScreen.delete(id);
      }
    });
  }

  /** The list is made afresh: every row's code is computed as it is placed. */
  reset() {
    this.recomputeAt = Infinity;
    this.computedAt = Date.now();
  }

  /** A row entered the DOM: its ring is watched for visibility. */
  added(row) {
    if (row.ring) this.visibility.observe(row.li);
  }

  /** A row left the DOM. */
  dropped(row) {
    this.visibility.unobserve(row.li);
    this.onScreen.delete(row.id);
    this.current.delete(row.id);
  }

  /** The rows just placed that have no code yet get theirs, in one call. */
  placed() {
    const fresh = [...this.rows.keys()].filter((id) => !this.current.has(id));
    if (fresh.length) this.compute(fresh, Date.now());
  }

  /** The codes change now (a counter moved, the clock correction changed): recompute at the next tick. */
  invalidate() {
    this.recomputeAt = 0;
  }

  /** The code shown in a row (without grouping), or undefined. */
  codeOf(id) {
    return this.rows.get(id)?.code.dataset.code;
  }

  /** Computes the codes of rows `ids` at `now` and shows them; true when a shown code changed. */
  compute(ids, now) {
    let renewed = false;
    // A clock correction the user applied (clock.js) shifts the time the codes are computed for.
    for (const c of this.codesOf(ids, now + correctionMs())) {
      const before = this.current.get(c.id);
      if (before && before.code !== c.code) renewed = true;
      const next = { code: c.code, expiresAt: c.periodMs ? now + c.remainingMs : 0, periodMs: c.periodMs || 1 };
      this.current.set(c.id, next);
      if (next.expiresAt) this.recomputeAt = Math.min(this.recomputeAt, next.expiresAt);
      const r = this.rows.get(c.id);
      if (r) show(r, next);
    }
    return renewed;
  }

  drawRing(r, now) {
    if (!r?.ring || !r.expiresAt) return;
    const left = Math.max(0, r.expiresAt - now);
    const seconds = Math.ceil(left / 1000);
    if (seconds !== r.shown) {
      r.shown = seconds;
      r.ring.update(seconds, left / r.periodMs);
    }
  }

  /** One second: recompute when a step ended (true when a shown code changed), then redraw rings. */
  tick() {
    const now = Date.now();
    if (!this.onSecond(now)) return false;
    let renewed = false;
    if (now >= this.recomputeAt || now < this.computedAt) {
      this.recomputeAt = Infinity;
      this.computedAt = now;
      // Only the rows in the DOM: rows made later (scrolled to, found) get theirs when placed.
      renewed = this.compute([...this.rows.keys()], now);
    }
    for (const id of this.onScreen) this.drawRing(this.rows.get(id), now);
    return renewed;
  }

  /** Runs `tick` at each whole second; `renewed()` is told when shown codes changed. */
  start(renewed) {
    const every = () => {
      if (this.tick()) renewed();
      setTimeout(every, 1000 - (Date.now() % 1000) + 5);
    };
    every();
  }
}

/** Puts an account's current code (and its step) into its row. */
function show(r, c) {
  if (!c) return;
  if (r.code.dataset.code !== c.code) {
    r.code.textContent = grouped(c.code);
    r.code.dataset.code = c.code;
  }
  if (r.ring) {
    r.expiresAt = c.expiresAt;
    r.periodMs = c.periodMs;
    r.shown = -1;
  }
}
