// The account list: the accounts of the tab's site first, then the user's order (pinned first); search;
// one Tab stop with arrow keys over every account, Alt+Up/Down to move one (rows are made on the way:
// list.js keeps only those near the view in the DOM); each row's logo once the logos are chosen (after
// the first paint, into a box the row keeps from the start); and each row's actions, handed to `act`.
import { msg } from './ext.js';
import { $, label } from './dom.js';
import { VirtualList } from './list.js';
import { makeRow, showPinned } from './row.js';
import { Ticker } from './ticker.js';

const SEARCH_FROM = 5;      // show the search field from this many accounts on

/** What a search matches in an account: its label in lower case (made at the first search). */
const searchText = (a) => (a.searchText ??= label(a).toLowerCase());

export class AccountList {
  /**
   * `session` (session.js) holds the core and the tab; `act(name, account, row)` runs a row's action
   * (`copy`, `fill`, `next`, `qr`, `rename`, `pin`, `delete`, `moveUp`, `moveDown`).
   */
  constructor(session, act) {
    this.session = session;
    this.act = act;
    this.rows = new Map();       // id → row (row.js): the rows in the DOM
    this.ordered = [];           // the accounts in list order (the site's first), before the search
    this.siteMatches = new Map(); // id → 'stored' | 'issuer': the accounts of the tab's site
    this.tabStop = null;         // the id of the account in the Tab order
    this.places = new Map();     // id → its position in the user's order (the vault's list)
    this.choices = new Map();    // id → {pinned, logo}: the user's choices (the codes module's `choices()`)
    this.logos = new Map();      // id → its logo (`logosOf`'s), once chosen after the first paint
    this.onRender = null;        // called after each render (app.js: the logos)
    this.ticker = new Ticker(this.rows, (ids, ms) => session.core.codesOf(ids, ms), (now) => {
      if (session.readonly) return false;
      session.checkIdle(now);
      return !session.locked;
    });
    this.list = new VirtualList($('#accounts'), (a) => this.row(a), (r) => {
      this.ticker.dropped(r);
      this.rows.delete(r.id);
    }, () => {
      this.ticker.placed();
      // The Tab stop scrolled out of the DOM: the first row in it takes the stop, so Tab reaches the list.
      if (!this.rows.has(this.tabStop)) this.rove(null);
    });
    $('#accounts').addEventListener('keydown', (e) => this.onKey(e));
    $('#accounts').addEventListener('focusin', (e) => { if (e.target.classList.contains('entry')) this.rove(e.target); });
    // A new search shows its matches from the top.
    $('#search').addEventListener('input', () => { scrollTo(0, 0); this.filter(); });
  }

  /** Lists the accounts afresh (after any change to them, a lock, an unlock). */
  render() {
    const { session } = this;
    const core = session.core;
    this.ticker.reset();
    const accounts = session.readonly || session.locked ? [] : core.listed();
    this.places = new Map(accounts.map((a, i) => [a.id, i]));
    // The first screen's reader has no pins (it reads only lists that have none).
    this.choices = new Map(accounts.length && core.choices ? core.choices().map((c) => [c.id, c]) : []);
    const host = session.tab?.host;
    // The accounts of the tab's site first (the core decides which), then the rest in the user's order.
    this.siteMatches = new Map(accounts.length && host ? core.matching(host).map((m) => [m.id, m.how]) : []);
    const rank = new Map([...this.siteMatches.keys()].map((id, i) => [id, i]));
    const at = (a) => rank.get(a.id) ?? rank.size;
    this.ordered = rank.size ? [...accounts].sort((a, b) => at(a) - at(b)) : accounts;
    $('#empty').hidden = session.readonly || session.locked || accounts.length > 0;
    $('#search').hidden = accounts.length < SEARCH_FROM;
    this.filter();
    this.onRender?.();
  }

  /**
   * Reads the choices again without a new list: after a logo was picked in an edit view, and when
   * the codes module has taken over from the first paint's (which knows no pins or logo choices; the
   * order it shows is the same). The rows made show their pins in place, keeping the focus.
   */
  refreshChoices() {
    const { core } = this.session;
    this.choices = new Map(core?.choices && !this.session.locked ? core.choices().map((c) => [c.id, c]) : []);
    for (const row of this.rows.values()) showPinned(row, this.pinned(row.id));
    this.onRender?.();
  }

  /** Whether an account is pinned. */
  pinned(id) {
    return !!this.choices.get(id)?.pinned;
  }

  /** Shows the accounts' logos (`logosOf`'s, by id) in their rows' boxes, and in rows made later. */
  showLogos(logos, draw) {
    this.logos = logos;
    this.drawLogo = draw;
    for (const row of this.rows.values()) this.fillLogo(row);
  }

  fillLogo(row) {
    const logo = this.logos.get(row.id);
    if (logo && this.drawLogo) row.slot.replaceChildren(this.drawLogo(logo));
  }

  row(a) {
    const made = makeRow(a, {
      forSite: this.siteMatches.has(a.id),
      canFill: !!this.session.tab?.origin,
      pinned: this.pinned(a.id),
      act: this.act,
    });
    this.fillLogo(made);
    this.rows.set(a.id, made);
    this.ticker.added(made);
    // One tab stop: the row that had it keeps it; a new row has none.
    made.entry.tabIndex = a.id === this.tabStop ? 0 : -1;
    return made;
  }

  /** Shows the accounts whose issuer or name holds the search text (all of them without one). */
  filter() {
    const typed = $('#search').value.trim();
    const q = typed.toLowerCase();
    const shown = q === '' ? this.ordered : this.ordered.filter((a) => searchText(a).includes(q));
    this.list.set(shown);
    this.rove(null);
    const none = q !== '' && shown.length === 0;
    $('#no-match').hidden = !none;
    if (none) $('#no-match').textContent = msg('noMatch', typed);
  }

  /** Makes the search text of every account, so the first keystroke need not (call when idle). */
  prepareSearch() {
    if (this.ordered.length >= SEARCH_FROM) this.ordered.forEach(searchText);
  }

  /**
   * Roving tab stop: one account is in the Tab order (the focused one, else the first shown); arrows
   * move between accounts, and Right/Left reach a row's buttons. 60 or 5,000 accounts stay one stop.
   */
  rove(target) {
    const keep = target ?? this.rows.get(this.tabStop)?.entry ?? this.list.rows()[0]?.entry;
    this.tabStop = keep ? Number(keep.closest('li').dataset.id) : null;
    for (const r of this.rows.values()) r.entry.tabIndex = r.entry === keep ? 0 : -1;
  }

  onKey(e) {
    const entry = e.target.closest('.entry, .actions')?.closest('li')?.querySelector('.entry');
    if (!entry) return;
    const at = this.list.indexOf(Number(entry.closest('li').dataset.id));
    const count = this.list.items.length;
    const go = (i) => {
      const next = this.list.reveal(Math.max(0, Math.min(count - 1, i)))?.entry;
      if (next) { this.rove(next); next.focus(); }
    };
    const inRow = [entry, ...entry.closest('li').querySelectorAll('.actions .next, .actions summary')];
    const col = inRow.indexOf(e.target);
    // Alt+Up/Down on the focused account moves it (arrange.js), and says where it went.
    if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown') && e.target === entry) {
      e.preventDefault();
      const row = this.rows.get(Number(entry.closest('li').dataset.id));
      if (row) this.act(e.key === 'ArrowUp' ? 'moveUp' : 'moveDown', row.account, row);
      return;
    }
    switch (e.key) {
      case 'ArrowDown': go(at + 1); break;
      case 'ArrowUp': go(at - 1); break;
      case 'Home': go(0); break;
      case 'End': go(count - 1); break;
      case 'ArrowRight': if (col >= 0 && col < inRow.length - 1) inRow[col + 1].focus(); else return; break;
      case 'ArrowLeft': if (col > 0) inRow[col - 1].focus(); else return; break;
      default: return;
    }
    e.preventDefault();
  }

  /** Scrolls to an account, renders its row and focuses it; else focuses the first row or Add. */
  focus(id) {
    const row = id === undefined ? null : this.list.reveal(this.list.indexOf(id));
    (row?.entry ?? $('#accounts .entry') ?? $('#toggle-add')).focus();
  }

  /**
   * The popup's opening: focuses the first account of the tab's site, so Enter fills its code; on a
   * site with none, the first account (Enter then asks before filling it there, or copies it).
   */
  focusSite() {
    if (this.session.locked) return;
    const first = this.siteMatches.size ? this.rows.get(this.siteMatches.keys().next().value) : this.list.rows()[0];
    first?.entry.focus();
  }
}
