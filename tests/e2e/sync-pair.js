// Two browser profiles and the sync service between them, for the sync tests (sync*.test.js). The
// browser's sync cannot run here, so a relay stands for it: it uploads a profile's storage.sync changes
// (sets and removals) to a server copy, last writer wins per key, and delivers them to the other
// profile, with the same API calls Chrome's sync makes arrive through (storage.onChanged fires).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, openPopup, oathtool, until } from './harness.js';

export const T = 1_800_000_010;
export const PASS = 'correct horse battery';

/** An account the tests add, and how oathtool computes its code. */
export const account = (issuer, name, secret, extra = {}) => ({ issuer, name, secret, ...extra });

/** The accounts the scenarios use. */
export const ACME = account('ACME', 'alice@example.com', 'JBSWY3DPEHPK3PXP');
export const BANK = account('Big Bank', 'bob', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', { algorithm: 'SHA256', digits: 8, period: 60 });
export const MAIL = account('Mail', 'carol', 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU', { type: 'hotp', counter: 5 });
export const DAVE = account('Forge', 'dave@example.org', 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U');
export const ERIN = account('Shop', 'erin', 'ONSWG4TFOQYTEMZUGU3DOOBZGA2TMNZQ');

/** Its otpauth:// link. */
export function link({ issuer, name, secret, type = 'totp', counter, algorithm, digits, period }) {
  const params = new URLSearchParams({ secret, issuer });
  if (counter !== undefined) params.set('counter', String(counter));
  if (algorithm) params.set('algorithm', algorithm);
  if (digits) params.set('digits', String(digits));
  if (period) params.set('period', String(period));
  return `otpauth://${type}/${encodeURIComponent(issuer)}:${encodeURIComponent(name)}?${params}`;
}

/** oathtool's code for an account at the tests' clock (HOTP: at its counter). */
export function expectedCode(a, time = T) {
  if (a.type === 'hotp') {
    return execFileSync('oathtool', ['--hotp', '-b', `--digits=${a.digits ?? 6}`, '-c', String(a.counter), a.secret]).toString().trim();
  }
  return oathtool({ secret: a.secret, time, digits: a.digits, period: a.period, algorithm: a.algorithm });
}

/** A persistent Chromium profile with the extension: its popup page and its storage, read in node. */
export class Profile {
  static async launch(name) {
    const launched = await launch();
    const worker = launched.context.serviceWorkers()[0] ?? await launched.context.waitForEvent('serviceworker');
    return new Profile(name, launched, worker);
  }

  constructor(name, launched, worker) {
    this.name = name;
    this.launched = launched;
    this.context = launched.context;
    this.worker = worker;
    this.page = null;
  }

  /** (Re)opens the popup at `time` and waits for its opening round. */
  async open(time = T) {
    await this.page?.close();
    this.page = await openPopup(this.context, time);
    await this.quiet();
    return this.page;
  }

  async close() {
    await this.page?.close();
    this.page = null;
  }

  /** Everything of an area of this profile's extension storage. */
  storage(area) {
    return this.worker.evaluate((a) => chrome.storage[a].get(null), area);
  }

  items() {
    return this.storage('sync');
  }

  /** Writes to storage.sync as the sync service delivers: one set, one remove (each only when needed). */
  async deliver(set, remove = []) {
    await this.worker.evaluate(async ([s, r]) => {
      if (Object.keys(s).length) await chrome.storage.sync.set(s);
      if (r.length) await chrome.storage.sync.remove(r);
    }, [set, remove]);
  }

  /** The stored vault text (storage.local). */
  async vault() {
    return (await this.storage('local')).vault ?? null;
  }

  /** Replaces every storage area with a snapshot (`{local, session, sync}`); the popup must be closed. */
  async restore(snapshot) {
    await this.worker.evaluate(async (s) => {
      await Promise.all(['local', 'session', 'sync'].map((a) => chrome.storage[a].clear()));
      await Promise.all(['local', 'session', 'sync'].map((a) => chrome.storage[a].set(s[a])));
    }, snapshot);
  }

  async snapshot() {
    const [local, session, sync] = await Promise.all(['local', 'session', 'sync'].map((a) => this.storage(a)));
    return { local, session, sync };
  }

  /** Waits until the popup's sync driver has no round running or asked for. */
  async quiet() {
    await this.page.waitForFunction(() => globalThis.authbarSync?.quiet, null, { polling: 20 });
  }

  /** How many other writers' changes the popup has heard. */
  heard() {
    return this.page.evaluate(() => globalThis.authbarSync.heard);
  }

  /** The accounts shown: `issuer|name|code` each, in list order. */
  shown() {
    return this.page.$$eval('#accounts li .entry', (entries) => entries.map((e) => [
      e.querySelector('.issuer').textContent, e.querySelector('.name').textContent, e.querySelector('.code').textContent.replace(/\s/g, ''),
    ].join('|')));
  }

  async settings() {
    if (await this.page.isHidden('#settings')) await this.page.click('#toggle-settings');
  }

  /** Back to the list from Settings. */
  async list() {
    if (await this.page.isVisible('#settings')) await this.page.click('#toggle-settings');
  }

  /** Flips "Sync this browser's accounts" in Settings. */
  async toggleSync() {
    await this.settings();
    await this.page.click('#sync-on');
    await this.quiet();
  }

  /** The Sync part of Settings as text: its status lines, error and problems. */
  async syncText() {
    await this.settings();
    return this.page.$eval('#sync', (n) => [...n.querySelectorAll('#sync-status li, #sync-error:not([hidden]), #sync-problems li')].map((x) => x.textContent).join('\n'));
  }

  async quit() {
    await this.launched.cleanup();
  }
}

/**
 * The sync service: a server copy of the items; each profile's copy as of its last exchange. `push`
 * uploads what a profile changed since (last writer wins per key), `pull` delivers what the server has
 * that the profile has not seen. `only(key)` limits either to some keys (an interrupted relay).
 */
export class Relay {
  constructor(...profiles) {
    this.server = new Map();
    this.seen = new Map(profiles.map((p) => [p, new Map()]));
  }

  /** Takes the profiles' current areas as already exchanged (after a restore). */
  async reset(...profiles) {
    this.server = new Map(Object.entries(await profiles[0].items()));
    for (const p of profiles) this.seen.set(p, new Map(Object.entries(await p.items())));
  }

  /** Uploads `p`'s changes; returns how many keys changed on the server. */
  async push(p, only = () => true) {
    const now = await p.items();
    const seen = this.seen.get(p);
    let changed = 0;
    for (const key of new Set([...Object.keys(now), ...seen.keys()])) {
      const value = now[key];
      if (!only(key) || value === seen.get(key)) continue;
      if (value === undefined) { this.server.delete(key); seen.delete(key); } else { this.server.set(key, value); seen.set(key, value); }
      changed += 1;
    }
    return changed;
  }

  /** The keys the server holds newer than `p` has seen. */
  pending(p) {
    const seen = this.seen.get(p);
    return [...new Set([...this.server.keys(), ...seen.keys()])].filter((key) => this.server.get(key) !== seen.get(key)).sort();
  }

  /**
   * Delivers to `p` (set and remove) what it has not seen; waits until its popup has heard it and run
   * its round (a locked popup only hears it). Returns how many keys were delivered.
   */
  async pull(p, only = () => true) {
    const seen = this.seen.get(p);
    const current = await p.items();
    const set = {};
    const remove = [];
    for (const key of this.pending(p).filter(only)) {
      const value = this.server.get(key);
      if (value === undefined) seen.delete(key); else seen.set(key, value);
      // The browser fires no change for a value it already holds.
      if (current[key] === value) continue;
      if (value === undefined) remove.push(key); else set[key] = value;
    }
    if (!Object.keys(set).length && !remove.length) return 0;
    const heard = p.page ? await p.heard() : 0;
    await p.deliver(set, remove);
    // The popup hears Authbar's keys only.
    if (p.page && [...Object.keys(set), ...remove].some((key) => key.startsWith('authbar:'))) {
      await p.page.waitForFunction((n) => globalThis.authbarSync.heard > n, heard, { polling: 20 });
      await p.quiet();
    }
    return Object.keys(set).length + remove.length;
  }

  /** Relays until neither profile has anything left to send or receive. */
  async settle(a, b) {
    for (let i = 0; i < 8; i += 1) {
      await a.quiet();
      await b.quiet();
      const moved = (await this.push(a)) + (await this.push(b)) + (await this.pull(a)) + (await this.pull(b));
      if (!moved) return;
    }
    throw new Error('the relay did not settle');
  }
}

/**
 * Both profiles show `accounts` (issuer, name, oathtool's code) in one order: this one, or with
 * `anyOrder` any (two accounts added apart may sort either way), the same on both.
 */
export async function assertBothShow([a, b], accounts, { anyOrder = false } = {}) {
  const want = accounts.map((x) => `${x.issuer}|${x.name}|${expectedCode(x)}`);
  const fits = (shown) => JSON.stringify(anyOrder ? [...shown].sort() : shown) === JSON.stringify(anyOrder ? [...want].sort() : want);
  for (const p of [a, b]) {
    await p.list();
    await until(async () => fits(await p.shown()), `${p.name} to show ${accounts.length} accounts`)
      .catch(async () => assert.deepEqual(await p.shown(), want, `${p.name}'s accounts`));
  }
  assert.deepEqual(await b.shown(), await a.shown(), 'both in the same order');
}

/**
 * Adds accounts (one: its link pasted in Add; more: a text file of their links imported in Settings),
 * confirming the preview; the first add of a profile sets `passphrase`.
 */
export async function addAccounts(page, accounts, passphrase = null) {
  if (accounts.length === 1) {
    if (await page.isHidden('#add')) await page.click('#toggle-add');
    await page.waitForSelector('#add:not([hidden])');
    await page.fill('#add-text', link(accounts[0]));
    await page.click('#text-form button[type=submit]');
  } else {
    const buffer = Buffer.from(`${accounts.map(link).join('\n')}\n`);
    await page.setInputFiles('#import-file', { name: 'accounts.txt', mimeType: 'text/plain', buffer });
  }
  await page.waitForSelector('#preview:not([hidden])');
  await page.click('#preview-commit');
  if (await page.isVisible('#preview-protect')) {
    await page.fill('#preview-protect-new', passphrase);
    await page.fill('#preview-protect-repeat', passphrase);
    await page.click('#preview-protect-go');
  }
  await page.waitForSelector('#preview[hidden]', { state: 'attached' });
}

/** Renames the account shown at `index` from its row menu. */
export async function rename(page, index, issuer, name) {
  const row = `#accounts li:nth-child(${index + 1})`;
  await page.click(`${row} .menu summary`);
  await page.click(`${row} .rename`);
  await page.fill('.rename-form input:nth-of-type(1)', issuer);
  await page.fill('.rename-form input:nth-of-type(2)', name);
  await page.click('.rename-form button[type=submit]');
  await page.waitForSelector('.rename-form', { state: 'detached' });
}

/** Deletes the account shown at `index` (confirmed in its row). */
export async function remove(page, index) {
  const row = `#accounts li:nth-child(${index + 1})`;
  await page.click(`${row} .menu summary`);
  await page.click(`${row} .delete`);
  await page.click('.confirm-bar .confirm-delete');
  await page.waitForSelector('.confirm-bar', { state: 'detached' });
}

/** Enters a passphrase on the lock screen. */
export async function unlock(page, passphrase) {
  await page.fill('#unlock-passphrase', passphrase);
  await page.click('#unlock-form button[type=submit]');
}

/**
 * The pair the scenarios start from: A adds `accounts` and sets `PASS` (so publishes them), the relay
 * carries them to B, and B joins them on its lock screen. Both popups stay open and unlocked.
 */
export async function joinPair(a, b, relay, accounts) {
  await a.open();
  await addAccounts(a.page, accounts, PASS);
  await a.quiet();
  await relay.push(a);
  await relay.pull(b);
  await b.open();
  await b.page.waitForSelector('#lock-screen:not([hidden])');
  await unlock(b.page, PASS);
  await b.page.waitForSelector('#accounts .entry');
  await b.quiet();
  await relay.settle(a, b);
}

/** Both profiles back to `saved` (their snapshots), the relay taking it as exchanged, popups reopened. */
export async function restorePair([a, b], relay, saved) {
  await Promise.all([a.close(), b.close()]);
  await a.restore(saved.A);
  await b.restore(saved.B);
  await relay.reset(a, b);
  await Promise.all([a.open(), b.open()]);
}

