// With ext-worker.js and ext-sync.js, the only modules that touch the browser's extension APIs (chrome.* / browser.*):
// this one the pages' (messages, storage, the held key, tabs), ext-worker.js the toolbar button's, the
// shortcuts' and the context menu's, ext-sync.js the browser's own sync area.
import { resolvePlurals } from './plural.js';

const api = globalThis.browser ?? globalThis.chrome;

/** The language of the messages the browser chose (its UI language, or English as the fallback). */
export const LANGUAGE = api?.i18n?.getMessage('locale') || 'en';

/**
 * A localized message with its plural forms resolved for the numbers given, or the key itself when it
 * is missing. `params`: the values of `{name}` plural blocks (an error's, for `dom.js` `describe`).
 */
export function msg(key, ...subs) {
  const text = api?.i18n?.getMessage(key, subs.map(String));
  return text ? resolvePlurals(text, LANGUAGE) : key;
}

const VAULT_KEY = 'vault';
// A new vault text waits here until it has been read back; the `vault` key is replaced only then.
const NEXT_KEY = 'vaultNext';
const SETTINGS_KEY = 'settings';
// In chrome.storage.session (memory only, gone when the browser closes): the data key while unlocked.
const HELD_KEY = 'dataKey';
const LOCK_AT = 'lockAt';
export const AUTOLOCK_ALARM = 'autolock';

export const DEFAULT_SETTINGS = Object.freeze({
  autoLockMinutes: 15,     // 0: only when the browser closes
  protectDeclined: false,  // "Not now" on the first-run offer
  noticeDismissed: false,  // the "not protected" notice closed
  lastBackupAt: 0,         // ms; 0: never
  reminderDismissed: false,
  clockCorrection: null,   // {offsetMs, host}: added to this computer's clock for the codes shown
  wasProtected: false,     // a passphrase protected this browser's vault (until removed in Settings)
  syncOff: false,          // "Sync this browser's accounts" switched off (sync.js), or sync was removed
});

/** The stored account list text in `items` (of storage.local), or null when there is none. */
async function vaultIn(items) {
  // A write that stopped half way left only the unconfirmed copy: the stored vault is still the old one.
  if (NEXT_KEY in items) await api.storage.local.remove(NEXT_KEY);
  return typeof items[VAULT_KEY] === 'string' ? items[VAULT_KEY] : null;
}

/** The stored account list text, or null when there is none. */
export async function loadVault() {
  return vaultIn(await api.storage.local.get([VAULT_KEY, NEXT_KEY]));
}

/**
 * All the first paint reads, one request per storage area, made together: the vault text, the
 * settings (the clock correction is part of the first code shown) and the held data key.
 */
export async function loadStart(now = Date.now()) {
  const [local, session] = await Promise.all([
    api.storage.local.get([VAULT_KEY, NEXT_KEY, SETTINGS_KEY]),
    api.storage.session.get([HELD_KEY, LOCK_AT]),
  ]);
  const [vault, heldKey] = await Promise.all([vaultIn(local), heldKeyIn(session, now)]);
  return { vault, settings: settingsIn(local), heldKey };
}

/** Stores the account list text. One storage.set call is atomic: on failure the old value stays. */
export async function saveVault(text) {
  await api.storage.local.set({ [VAULT_KEY]: text });
}

/**
 * Replaces the stored vault only after the new text was written beside it and read back intact
 * (`readsBack(text)` checks it opens to the same accounts): until then the old text stays.
 */
export async function replaceVault(text, readsBack) {
  await api.storage.local.set({ [NEXT_KEY]: text });
  const back = (await api.storage.local.get(NEXT_KEY))[NEXT_KEY];
  if (back !== text || !readsBack(back)) {
    await api.storage.local.remove(NEXT_KEY);
    throw new Error(msg('readBackFailed'));
  }
  await api.storage.local.set({ [VAULT_KEY]: back });
  await api.storage.local.remove(NEXT_KEY);
}

// Chromium keeps storage.local in LevelDB, which leaves an overwritten or removed value in its files
// until a compaction merges it with the newer one (docs/remnants.md: the mechanism, measured).
// Filler under two keys that sort before and after all of ours ('!' < letters < '~'): every table it
// fills spans all our keys, so it overlaps every table holding an old value.
const FILL_LOW = '!purge';
const FILL_HIGH = '~purge';
const FILL_CHUNK = 1 << 20;
const FILL_MIN_CHUNK = 64 << 10;
// LevelDB's write buffer is 4 MiB: 5 MiB of filler flushes the memtable holding the old values into a
// table and retires the log that held them. The first purge of a profile writes 9 MiB: that table may
// be the first one, with nothing under it to merge with, so a second flush lays a table over it.
const FILL_BYTES = 5 << 20;
const FIRST_FILL_BYTES = 9 << 20;
// Set once a purge has finished: from then on the bottom table spans the filler keys.
const PURGED_KEY = 'purged';
// A read that looks into two tables charges the first; at 100 charges (LevelDB's least allowed_seeks)
// it is merged into the tables under it, and the old values meet the new ones and are dropped. Keys
// that no table holds: the reads cost no transfer. Two merges at most; rounds leave time for each.
const PROBE_KEYS = Array.from({ length: 400 }, (_, i) => `${VAULT_KEY}-probe-${i}`);
const PROBE_ROUNDS = 6;
const PROBE_PAUSE_MS = 30;
const QUOTA_BYTES = 10 * 1024 * 1024; // storage.local without the unlimitedStorage permission
let purging = Promise.resolve();

/** Resolves after `ms`. */
const pause = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/** The error of a purge without room for its filler: `code` and `params` as the core's errors have. */
function noRoom(bytes) {
  const kib = Math.ceil(bytes / 1024);
  return Object.assign(new Error(`Old copies of your accounts may stay on disk: storage needs ${kib} KiB more room to remove them`), {
    code: 'purge_no_room', key: 'err_purge_no_room', params: { kib },
  });
}

/**
 * Makes the browser drop the old values of storage.local from its files: the plain vault a passphrase
 * replaced, a deleted account's. Writes filler keys only, removed at the end (a run stopped half way
 * leaves them to the next one): the vault is never rewritten. Calls made during a run wait for it.
 * Nothing to do outside Chromium.
 */
export function purgeOldValues() {
  const run = purging.then(purge, purge);
  purging = run.catch(() => {});
  return run;
}

/** For tests: settles when the purges asked for so far have run (starts none). */
export const purgesDone = () => purging;

async function purge() {
  if (!api.runtime.getURL('').startsWith('chrome-extension:')) return;
  const local = api.storage.local;
  await local.remove([FILL_LOW, FILL_HIGH]);
  const total = (await local.get(PURGED_KEY))[PURGED_KEY] ? FILL_BYTES : FIRST_FILL_BYTES;
  const room = QUOTA_BYTES - (await local.getBytesInUse(null)) - 1024;
  const chunk = Math.min(FILL_CHUNK, Math.floor(room / 2));
  if (chunk < FILL_MIN_CHUNK) throw noRoom(2 * FILL_MIN_CHUNK - room);
  // Each write must change the value: storage.local skips a write of the value already stored.
  const filler = ['0'.repeat(chunk), '1'.repeat(chunk)];
  try {
    for (let i = 0; i * chunk < total; i += 1) {
      await local.set({ [i % 2 ? FILL_HIGH : FILL_LOW]: filler[(i >> 1) % 2] });
    }
  } finally {
    await local.remove([FILL_LOW, FILL_HIGH]);
  }
  for (let round = 0; round < PROBE_ROUNDS; round += 1) {
    await pause(PROBE_PAUSE_MS);
    await local.get(PROBE_KEYS);
  }
  await local.set({ [PURGED_KEY]: true });
}

const settingsIn = (items) => ({ ...DEFAULT_SETTINGS, ...(items[SETTINGS_KEY] ?? {}) });

export async function loadSettings() {
  return settingsIn(await api.storage.local.get(SETTINGS_KEY));
}

export async function saveSettings(settings) {
  await api.storage.local.set({ [SETTINGS_KEY]: settings });
}

/** The data key held while unlocked, or null (none, or its idle time is over). */
export async function loadHeldKey(now = Date.now()) {
  return heldKeyIn(await api.storage.session.get([HELD_KEY, LOCK_AT]), now);
}

async function heldKeyIn(items, now) {
  if (typeof items[HELD_KEY] !== 'string') return null;
  if (items[LOCK_AT] && now >= items[LOCK_AT]) {
    await forgetKey();
    return null;
  }
  return items[HELD_KEY];
}

/**
 * Holds the data key in memory-only storage and (re)starts the idle timer: the service worker's alarm
 * removes the key on time even if the popup is never opened again.
 */
export async function holdKey(key, minutes, now = Date.now()) {
  const lockAt = minutes > 0 ? now + minutes * 60_000 : 0;
  await api.storage.session.set({ [HELD_KEY]: key, [LOCK_AT]: lockAt });
  await api.alarms.clear(AUTOLOCK_ALARM);
  if (lockAt) await api.alarms.create(AUTOLOCK_ALARM, { delayInMinutes: minutes });
  return lockAt;
}

/** Forgets the data key (lock). */
export async function forgetKey() {
  await api.storage.session.remove([HELD_KEY, LOCK_AT]);
  await api.alarms.clear(AUTOLOCK_ALARM);
}

/**
 * Follows other popups: `onVault(text)` when the stored vault changes, `onLocked()` when the held key
 * goes, `onUnlocked(key)` when one is put there.
 */
export function watchStorage({ onVault, onLocked, onUnlocked }) {
  api.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && changes[VAULT_KEY]) onVault(changes[VAULT_KEY].newValue ?? null);
    const key = area === 'session' && changes[HELD_KEY];
    if (key && key.newValue === undefined) onLocked();
    else if (key) onUnlocked(key.newValue);
  });
}

/** The page's own URL, with `query` (`popup.html?window=1`). */
export function pageUrl(path) {
  return api.runtime.getURL(path);
}

/**
 * Opens the popup in a window of its own, which stays open while the user switches tabs. `then`: more
 * of the query, what the window does first (`{passkey: 'unlock'}`).
 */
export async function popOut(tabId, then = {}) {
  // The window acts on the tab it was opened from (tab.js reads `tab`), not on itself.
  const query = new URLSearchParams({ window: '1', ...(tabId === undefined ? {} : { tab: String(tabId) }), ...then });
  const url = pageUrl(`popup.html?${query}`);
  await api.windows.create({ url, type: 'popup', width: 380, height: 640 });
}

/**
 * Whether this browser lets an extension page use WebAuthn as its own relying party. Chromium does
 * (the RP id is the extension's id). Firefox refuses: SecurityError without an explicit `rp.id`, and
 * an `rp.id` must be a web domain the extension has host permission for, which Authbar has none of
 * (tests/firefox/passkey.test.js pins this).
 */
export const PASSKEYS_IN_EXTENSION_PAGES = api?.runtime?.getURL?.('').startsWith('chrome-extension:') ?? false;

/** The browser's capture quota is two a second: a wait of a half-second slot, up to three times. */
const CAPTURE_QUOTA_WAIT_MS = 550;
const CAPTURE_RETRIES = 3;

/**
 * A PNG data URL of the visible part of the active tab of window `windowId` (default: this one). Needs
 * the activeTab grant of the toolbar click, the shortcut or the context menu.
 */
export async function captureVisibleTab(windowId) {
  const options = { format: 'png' };
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await (windowId === undefined ? api.tabs.captureVisibleTab(options) : api.tabs.captureVisibleTab(windowId, options));
    } catch (error) {
      // Chromium allows two captures a second (MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND): a second
      // right-click soon after the first waits its turn instead of being told the page cannot be captured.
      if (attempt >= CAPTURE_RETRIES || !/MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND/.test(error?.message ?? '')) throw error;
      await pause(CAPTURE_QUOTA_WAIT_MS);
    }
  }
}

/** The service worker's part of the auto-lock: when the alarm rings, the held key leaves memory. */
export function forgetKeyOnAlarm() {
  api.alarms.onAlarm.addListener(async (alarm) => {
    if (alarm.name === AUTOLOCK_ALARM) await api.storage.session.remove([HELD_KEY, LOCK_AT]);
  });
}

// ---- The tab the popup acts on (tab.js decides what to do there) ----

/** A tab by id, or the active tab of this window (`id` undefined); null when there is none. */
export async function getTab(id) {
  try {
    return id === undefined ? (await api.tabs.query({ active: true, currentWindow: true }))[0] ?? null : await api.tabs.get(id);
  } catch {
    return null;
  }
}

/** Whether this page is a tab (or a window of its own) rather than the toolbar's popup. */
export async function isInTab() {
  return (await api.tabs.getCurrent()) !== undefined;
}

/** Runs a self-contained function in a tab's page (`scripting`; needs activeTab or the host's
 * permission) and returns its result. */
export async function runInTab(tabId, func, args) {
  const [result] = await api.scripting.executeScript({ target: { tabId }, func, args });
  return result?.result;
}

/** Whether the extension may itself request `origins` (`{origins: [...]}`). */
export function hasAccess(origins) {
  return api.permissions.contains(origins);
}

/** Asks the user for `origins`: only straight from a click (browsers refuse it otherwise). */
export function requestAccess(origins) {
  return api.permissions.request(origins);
}
