// The driver of sync through the browser's storage.sync (docs/sync-format.md): when to run a round,
// and its I/O. The core decides everything else (what to merge, write and remove, what is wrong).
//
// A round: storage.sync.get(null) → Authbar.sync(items, now) → store the local vault when it changed
// (through the session: a protection change when the area's slots were taken, old copies purged
// when accounts went) → one set of `write`, one remove of `remove`. It runs while this popup is open
// and the vault unlocked, protected and syncing here: at opening, at unlock, after every local change,
// and when another browser's change arrives. Rounds are spaced (GAP_MS) and counted against Chrome's
// write limits; a failed write is retried with backoff and reported. Nothing here changes the local
// vault on a failure: the core changes it only when a round succeeds. Joining, unlocking through the
// area, the switch and removal are sync-link.js, mixed into the driver.
import { loadVault } from './ext.js';
import { syncItems, syncSet, syncRemove, syncBytesInUse, watchSync, loadSyncStatus, saveSyncStatus } from './ext-sync.js';
import { linking } from './sync-link.js';

const COALESCE_MS = 150;     // changes arriving together make one round
const GAP_MS = 1_000;        // between two rounds of this page: ≤ 2 writes each, ≤ 120 a minute at most
// Chrome allows 120 write operations a minute and 1,800 an hour (Firefox none): this page keeps under
// these, leaving room for another popup of this browser.
const LIMITS = [{ ms: 60_000, max: 100 }, { ms: 3_600_000, max: 1_500 }];
const LIMIT_WAIT_MS = 5_000;
const RETRY_MS = [5_000, 20_000, 60_000, 300_000];   // after a failed write: the next tries

/** An error as the status keeps it (the core's `ErrorView` fields, or a browser error's message). */
const viewOf = (err) => ({ code: err?.code ?? 'sync_failed', key: err?.key ?? null, params: err?.params ?? {}, message: err?.message ?? String(err) });

/** Whether an account of `before` (accounts() as JSON) is not in `after`: its old copies are purged. */
function wentAway(before, after) {
  const ids = new Set(JSON.parse(after).map((a) => a.id));
  return JSON.parse(before).some((a) => !ids.has(a.id));
}

/** Codes of an area this browser cannot sync with until it joins it with that vault's passphrase. */
const JOINABLE = new Set(['sync_other_vault', 'sync_header_rejected']);

/** Whether an edit is in progress in the list (a rename form, an in-row confirmation, an open row menu). */
const editing = () => !!document.querySelector('#accounts .rename-form, #accounts .confirm-bar, #accounts details.menu[open]');

export class SyncDriver {
  /** `session` (session.js) holds the vault; `list` (accounts.js) shows it. */
  constructor(session, list) {
    this.session = session;
    this.list = list;
    this.status = {};          // ext.js loadSyncStatus(): times, report, error, area, joinLaterUntil
    this.listeners = new Set();
    this.wanted = false;       // a round is asked for
    this.timer = null;
    this.running = false;
    this.cooling = false;
    this.storing = false;      // the vault is being stored by a round: its 'saved' asks for no round
    this.failures = 0;         // failed writes in a row (the backoff)
    this.retry = null;
    this.writes = LIMITS.map(() => 0); // write operations made in each limit's window
    this.own = new Map();      // key → value this page wrote (undefined: removed), to tell its own changes
    this.deferred = false;     // a list re-render waits for an edit to end
    this.heard = 0;            // other writers' changes heard (tests wait on these two)
    this.rounds = 0;           // rounds run
    this.started = false;
    this.switching = 0;        // "Sync this browser's accounts" changes being stored (setOn)
  }

  /** No round running, waiting or asked for (a retry after a failure aside), no switch being stored. */
  get quiet() {
    return this.started && !this.switching && !this.wanted && !this.running && !this.timer;
  }

  /** Loads the status, follows the session and storage.sync, and runs the opening round. */
  async start() {
    this.status = await loadSyncStatus().catch(() => ({}));
    this.session.on((change) => this.onSession(change));
    this.session.replaced = () => { if (!this.storing) this.request(); };
    watchSync((changes) => this.incoming(changes));
    new MutationObserver(() => {
      if (this.deferred && !editing()) this.refresh();
    }).observe(document.querySelector('#accounts'), { childList: true, subtree: true });
    this.changed();
    await this.offerJoinOnLockScreen();
    this.started = true;
    this.request();
  }

  /** Calls `listener()` whenever what the views show of sync changed. */
  listen(listener) {
    this.listeners.add(listener);
  }

  changed() {
    for (const listener of this.listeners) listener();
  }

  async note(patch) {
    this.status = { ...this.status, ...patch };
    this.changed();
    await saveSyncStatus(this.status).catch(() => {});
  }

  /** Whether this browser syncs now: the vault open, protected, readable, and sync on here. */
  get active() {
    const s = this.session;
    return s.full && !s.readonly && s.protected && !s.locked && !s.settings.syncOff;
  }

  /** What the views show: `{protected, on, area, joinPrompt, status}`. */
  get view() {
    const s = this.session;
    const joinable = this.status.area === 'joinable';
    return {
      protected: s.protected,
      on: !s.settings.syncOff,
      area: this.status.area ?? null,
      joinPrompt: joinable && this.active && !((this.status.joinLaterUntil ?? 0) > Date.now()),
      joinable: joinable && this.active,
      status: this.status,
    };
  }

  onSession(change) {
    if (change.type === 'saved' && !this.storing) this.request();
    if (change.type === 'lock' && !this.session.locked) this.request();
    if (change.type === 'lock' || change.type === 'settings') this.changed();
  }

  /** storage.sync changed: a round, unless every change is this page's own write. */
  incoming(changes) {
    let foreign = false;
    for (const [key, { newValue }] of Object.entries(changes)) {
      if (!this.own.has(key) || this.own.get(key) !== newValue) foreign = true;
      this.own.delete(key);
    }
    // A locked popup runs no round (`active`): the area keeps the change, and the round at unlock merges it.
    if (!foreign) return;
    this.heard += 1;
    this.request();
  }

  /** Asks for a round: soon, after changes arriving together, and never closer than GAP_MS to the last. */
  request() {
    this.wanted = true;
    this.kick();
  }

  kick() {
    if (!this.wanted || this.running || this.timer || this.cooling) return;
    this.timer = setTimeout(() => { this.timer = null; this.run(); }, COALESCE_MS);
  }

  async run() {
    this.wanted = false;
    this.running = true;
    try {
      await this.round();
    } catch (err) {
      await this.note({ error: viewOf(err), errorAt: Date.now() });
    } finally {
      this.rounds += 1;
      this.running = false;
      this.cooling = true;
      setTimeout(() => { this.cooling = false; this.kick(); }, GAP_MS);
    }
  }

  /** Whether `ops` more write operations stay under every limit. */
  room(ops) {
    return LIMITS.every((limit, i) => this.writes[i] + ops <= limit.max);
  }

  /** Counts `ops` write operations, each for its limit's window. */
  spend(ops) {
    LIMITS.forEach((limit, i) => {
      this.writes[i] += ops;
      setTimeout(() => { this.writes[i] -= ops; }, limit.ms);
    });
  }

  /** One round (see the top of this file). */
  async round() {
    if (!this.active) return;
    // A round writes at most twice: it waits while that would pass a limit.
    if (!this.room(2)) {
      setTimeout(() => this.request(), LIMIT_WAIT_MS);
      return;
    }
    const items = await syncItems();
    // A passphrase or passkey change being stored: the round changes the vault only after it. Waited
    // for after the read, so nothing awaits between the check and the change; what reaches the area
    // meanwhile asks for the next round.
    await this.session.settled();
    if (!this.active) return;
    const core = this.session.core;
    const before = JSON.stringify(core.accounts());
    let out;
    try {
      const seen = core.syncPeek(items);
      // A write still arriving, or a removal cut short: waited for, never written over.
      if (seen.kind === 'incomplete') {
        await this.note({ area: 'incomplete', error: null });
        return;
      }
      out = core.sync(items, Date.now());
      if (out.kind === 'empty') out = core.syncPublish(items, Date.now());
    } catch (err) {
      // Nothing merged, nothing written (the core changed nothing): a newer format, bad data, another vault.
      await this.note({ area: JOINABLE.has(err?.code) ? 'joinable' : 'error', error: viewOf(err), errorAt: Date.now() });
      return;
    }
    if (out.kind === 'removed') {
      await this.removed();
      return;
    }
    await this.finish(out, before);
  }

  /**
   * After a merge: stores the vault when it changed (a protection change when the area's slots were
   * taken; old copies purged when accounts went), re-renders the list, writes the area, notes how it stands.
   */
  async finish(out, before, purge = out.slotsChanged) {
    const now = Date.now();
    if (out.vaultChanged && !(await this.store(out.slotsChanged))) return;
    // The accounts as the list shows them (no secrets), before and after: what was received.
    const after = JSON.stringify(this.session.core.accounts());
    const received = before !== after;
    if (received) this.refresh();
    // Old copies of the vault stay in the browser's files: those under other slots, deleted accounts.
    if (purge || (received && wentAway(before, after))) this.session.purge();
    const patch = { area: 'synced', error: null, report: out.report };
    if (received) patch.lastReceivedAt = now;
    try {
      if (await this.write(out.write, out.remove)) patch.lastSentAt = now;
    } catch (err) {
      this.failures += 1;
      const wait = RETRY_MS[Math.min(this.failures, RETRY_MS.length) - 1];
      clearTimeout(this.retry);
      this.retry = setTimeout(() => this.request(), wait);
      await this.note({ ...patch, error: { ...viewOf(err), code: 'sync_write_failed', key: null }, errorAt: now });
      return;
    }
    this.failures = 0;
    patch.bytes = (await syncBytesInUse()) ?? out.report.bytes;
    await this.note(patch);
  }

  /** Stores the merged vault; false when storing failed (the session then shows what is stored). */
  async store(slotsChanged) {
    this.storing = true;
    try {
      if (!slotsChanged) return await this.session.persist();
      // The area's key slots: the old text stays until the new one reads back.
      await this.session.replace(await loadVault());
      return true;
    } catch (error) {
      this.session.emit({ type: 'error', error });
      return false;
    } finally {
      this.storing = false;
    }
  }

  /** One set and one remove; true when something was written. Counted against the limits. */
  async write(write, remove) {
    const ops = (Object.keys(write).length ? 1 : 0) + (remove.length ? 1 : 0);
    if (!ops) return false;
    this.spend(ops);
    for (const [key, value] of Object.entries(write)) this.own.set(key, value);
    for (const key of remove) this.own.set(key, undefined);
    await syncSet(write);
    await syncRemove(remove);
    return true;
  }

  /** The area this vault synced with is gone ("remove from sync", here or elsewhere): unlinked, sync off here. */
  async removed() {
    await this.store(false);
    await this.session.updateSettings({ syncOff: true });
    await this.note({ area: 'removed', error: null, removedAt: Date.now() });
  }

  /** Shows merged accounts: the list afresh, unless an edit is in progress (then when it ends). */
  refresh() {
    const { list } = this;
    list.ticker.invalidate();
    if (editing()) {
      this.deferred = true;
      list.ticker.tick();
      return;
    }
    this.deferred = false;
    const focused = document.activeElement?.closest?.('#accounts li')?.dataset.id;
    list.render();
    if (focused !== undefined) list.focus(Number(focused));
  }
}

Object.assign(SyncDriver.prototype, linking);

/** Starts sync for the popup (app.js): the driver, held by the session for the views. */
export function startSync(session, list) {
  const driver = new SyncDriver(session, list);
  session.sync = driver;
  driver.start();
  // For tests: the driver (`quiet`, `heard`, `rounds`; no secrets).
  globalThis.authbarSync = driver;
  return driver;
}
