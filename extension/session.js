// The vault this page holds and everything that keeps it in step with storage: the core (the wasm's
// lock state and accounts), writes (the old text kept until a new protection reads back), other
// popups' writes and locks, the held data key and the idle lock. No DOM: views read the session and
// listen for its changes (`on`).
//
// The first screen is painted from the small `paint` module (`core` is then a read-only `Paint`:
// rows, codes, the site's accounts); `upgrade()` hands over to the `codes` module's `Authbar`, which
// every change goes through, right after the first paint and before anything can be clicked.
import { openFirstScreen, openStored } from './wasm.js';
import {
  saveVault, loadVault, replaceVault, holdKey, forgetKey, loadHeldKey, loadSettings, saveSettings, watchStorage,
  purgeOldValues,
} from './ext.js';

const TOUCH_MS = 20_000;     // the idle timer restarts at most this often while the user works

export class Session {
  /** `stored`: ext.js `loadStart()`'s `{vault, settings, heldKey}`; `tab`: tab.js `targetTab()`. */
  constructor(stored, tab) {
    this.stored = stored;
    this.tab = tab;
    this.settings = stored.settings;
    this.core = null;         // Paint, then Authbar (wasm); null when the stored text cannot be read
    this.full = false;        // whether `core` is the codes module's Authbar
    this.problem = null;      // why the stored text cannot be read (then nothing is written)
    this.held = null;         // the data key (base64) while unlocked and protected
    this.lockAt = 0;          // ms; 0: no idle lock
    this.lastTouch = 0;
    this.ownWrites = new Set(); // texts this page stored (storage.onChanged reports them too)
    this.listeners = new Set();
    this.sync = null;         // sync.js's driver, once the app module runs
    this.replaced = null;     // called after a protection change is stored (sync.js: a round)
    this.replacing = null;    // a promise while a protection change is being stored (see settled())
    this.joining = false;     // the lock screen offers the accounts in sync to a browser with none (sync.js)
  }

  /**
   * The session over what storage holds, with the first screen's core: the `paint` module's, or the
   * `codes` module's when the first-screen reader declines the text.
   */
  static async open(stored, tab) {
    const session = new Session(stored, tab);
    session.core = openFirstScreen(stored.vault, stored.heldKey);
    if (!session.core) await session.upgrade();
    return session;
  }

  /**
   * Hands over to the codes module: the stored text opened again by `Authbar`, unlocked with the held
   * key. A key that no longer opens the vault (re-keyed elsewhere) is forgotten.
   */
  async upgrade() {
    if (this.full) return;
    const { vault, heldKey } = this.stored;
    await this.open(vault);
    this.full = true;
    if (this.core?.protected && heldKey) {
      if (this.tryKey(heldKey)) this.touch(true).catch(() => {});
      // The vault was re-keyed elsewhere or the key is stale: ask for the passphrase.
      else forgetKey().catch(() => {});
    }
  }

  /**
   * This browser's vault was protected, and what is stored now is a plain list: it was replaced
   * outside Authbar (removing the passphrase in Settings clears the mark first).
   */
  get replacedByPlain() {
    return !this.readonly && !this.protected && this.settings.wasProtected;
  }

  /** Remembers that a passphrase protects this browser's vault (once; older versions did not). */
  async markProtected() {
    if (this.protected && !this.settings.wasProtected) await this.updateSettings({ wasProtected: true });
  }

  /** The stored text cannot be read: shown, never written. */
  get readonly() { return this.core === null; }
  get locked() { return !!this.core?.locked; }
  get protected() { return !!this.core?.protected; }
  /** The accounts' count, 0 while locked or read-only. */
  get size() { return this.core?.size ?? 0; }

  /** Calls `listener(change)` on every change: `{type: 'accounts' | 'lock' | 'passkeys' | 'settings' | 'error', error}`. */
  on(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(change) {
    for (const listener of this.listeners) listener(change);
  }

  /** Opens a stored text; false (read-only, `problem` says why) when it cannot be read. */
  async open(text) {
    try {
      this.core = await openStored(text);
      this.problem = null;
      return true;
    } catch (err) {
      this.core = null;
      this.problem = err;
      return false;
    }
  }

  tryKey(key) {
    try {
      this.core.unlockWithKey(key);
      this.held = key;
      return true;
    } catch {
      return false;
    }
  }

  /** Stores the accounts; on failure reloads what is really stored, reports why, and returns false. */
  async persist() {
    try {
      const text = this.core.toJson();
      this.ownWrites.add(text);
      await saveVault(text);
      this.emit({ type: 'saved' });
      return true;
    } catch (error) {
      // The old value is still stored (one storage.set is atomic): show that, not the unsaved change.
      this.emit({ type: 'error', error, saving: true });
      await this.reload(await loadVault());
      return false;
    }
  }

  /**
   * Stores a vault whose protection changed: the old text (`previous`) stays until the new one is
   * written beside it and reads back. On failure everything goes back to `previous`, and the error
   * thrown is marked `saving`.
   */
  async replace(previous) {
    let done;
    this.replacing = new Promise((resolve) => { done = resolve; });
    try {
      const text = this.core.toJson();
      this.ownWrites.add(text);
      await replaceVault(text, (back) => this.core.readsBack(back));
      this.replaced?.();
    } catch (error) {
      await this.reload(previous);
      throw Object.assign(error instanceof Error ? error : new Error(String(error)), { saving: true });
    } finally {
      this.replacing = null;
      done();
    }
  }

  /**
   * Resolves once no protection change is being stored. A sync round waits for it before it changes
   * the vault: a change in between would make the stored text not read back as the vault in memory.
   */
  async settled() {
    while (this.replacing) await this.replacing;
  }

  /** Loads a stored text (another page's write, or after a failed one), unlocked with a held key. */
  async reload(text) {
    const core = this.core;
    const held = this.held;
    if (await this.open(text)) await this.adopt(held);
    else if (core) this.held = null;
    // Whether a plain text replaced a protected one is judged by the settings as stored now.
    this.settings = await loadSettings();
    this.emit({ type: 'accounts' });
    this.emit({ type: 'lock' });
  }

  /** Opens the freshly loaded vault with the key this page held, or the one another page holds. */
  async adopt(held) {
    this.held = null;
    if (!this.core.protected) return;
    for (const key of [held, await loadHeldKey()]) {
      if (key && this.tryKey(key)) return;
    }
  }

  /**
   * Unlocks with the passphrase (slow: Argon2id); throws the core's error (nothing changed). With
   * `syncItems` (storage.sync's, while sync is on) the sync area's passphrase opens it too.
   */
  async unlock(passphrase, syncItems = null) {
    await this.opened(syncItems ? this.core.syncUnlock(syncItems, passphrase) : this.core.unlock(passphrase));
  }

  /**
   * Unlocks with a passkey: its credential id (base64url) and the PRF output its authenticator gave
   * for the slot's salt. Throws the core's error (`no_such_passkey`, `passkey_rejected`; nothing
   * changed). The data key is held as after a passphrase: nothing derived from the output is kept.
   */
  async unlockWithPasskey(credentialId, prfOutput) {
    await this.opened(this.core.unlockWithPasskey(credentialId, prfOutput));
  }

  /** After an unlock: holds the data key (memory-only storage, the idle timer) and shows the accounts. */
  async opened(key) {
    this.held = key;
    await this.touch(true);
    this.emit({ type: 'lock' });
    this.emit({ type: 'accounts' });
  }

  /** The passkeys that unlock the vault (`[{credentialId, name, addedAt, synced, salt}]`, also while locked). */
  get passkeys() {
    return this.protected ? this.core.passkeys() : [];
  }

  /**
   * Checks the passphrase of the unlocked vault (slow: Argon2id), throwing `wrong_passphrase`. Opening
   * the stored vault again changes nothing: every change is stored as it is made.
   */
  async checkPassphrase(passphrase) {
    this.core.unlock(passphrase);
  }

  /**
   * Adds a passkey slot (`{credentialId, name, synced, salt, prfOutput}` as bytes; needs the current
   * passphrase: Argon2id) and stores it as a protection change: the old text stays until the new one
   * reads back. Throws the core's error or the store's (nothing changed).
   */
  async addPasskey(passphrase, { credentialId, name, synced, salt, prfOutput }) {
    const previous = await loadVault();
    this.core.addPasskey(passphrase, credentialId, name, Date.now(), synced, salt, prfOutput);
    await this.replace(previous);
    this.emit({ type: 'passkeys' });
  }

  /** Removes a passkey slot (base64url credential id); stored as `addPasskey` is. */
  async removePasskey(credentialId) {
    const previous = await loadVault();
    this.core.removePasskey(credentialId);
    await this.replace(previous);
    this.emit({ type: 'passkeys' });
    // The data key stays: an old copy of the vault, still holding the slot, opens with the removed key.
    await this.purge();
  }

  /**
   * Has the browser drop the stored vault's old values from its files (ext.js `purgeOldValues`): after
   * a passphrase is set, changed or removed, and after an account is deleted or replaced. A purge
   * that cannot run is reported (`{type: 'error', purging: true}`), never thrown.
   */
  purge() {
    return purgeOldValues().catch((error) => this.emit({ type: 'error', error, purging: true }));
  }

  /** Locks: the accounts and the key leave memory (and memory-only storage). */
  async lock() {
    this.core?.lock();
    this.held = null;
    this.lockAt = 0;
    await forgetKey();
    this.emit({ type: 'lock' });
    this.emit({ type: 'accounts' });
  }

  /** Restarts the idle timer (at most every 20 s unless `force`) while the user works. */
  async touch(force = false) {
    if (!this.held || this.locked) return;
    const now = Date.now();
    if (!force && now - this.lastTouch < TOUCH_MS) return;
    this.lastTouch = now;
    this.lockAt = await holdKey(this.held, this.settings.autoLockMinutes, now);
  }

  /** Locks when the idle time is over (the popup's clock calls this once a second). */
  checkIdle(now = Date.now()) {
    if (this.held && this.lockAt && now >= this.lockAt) this.lock();
  }

  async updateSettings(patch) {
    this.settings = { ...this.settings, ...patch };
    await saveSettings(this.settings);
    this.emit({ type: 'settings' });
  }

  /**
   * Protects the vault with a new passphrase; throws the core's error or the store's (nothing
   * changed). Returns whether accounts had been stored unprotected before (their old copies were then
   * purged from the browser's files, and the person is told what no extension can reach).
   */
  async setPassphrase(passphrase) {
    const previous = await loadVault();
    const held = this.core.setPassphrase(passphrase);
    await this.replace(previous);
    this.held = held;
    await this.touch(true);
    await this.markProtected();
    this.emit({ type: 'lock' });
    if (previous === null) return false;
    await this.purge();
    return true;
  }

  async changePassphrase(current, next) {
    const previous = await loadVault();
    this.core.changePassphrase(current, next);
    await this.replace(previous);
    // The data key stays: an old sealed copy opens with the old passphrase.
    await this.purge();
  }

  async removePassphrase(current) {
    const previous = await loadVault();
    this.core.removePassphrase(current);
    // Removed here, by the person: the plain vault that follows is no replacement.
    await this.updateSettings({ wasProtected: false });
    await this.replace(previous);
    this.held = null;
    this.lockAt = 0;
    await forgetKey();
    this.emit({ type: 'lock' });
    await this.purge();
  }

  /** Follows other pages: their vault writes, locks and unlocks. */
  watch() {
    watchStorage({
      onVault: (text) => { if (!this.ownWrites.delete(text)) this.reload(text); },
      // Another popup locked the vault (or the service worker did): follow.
      onLocked: () => { if (this.held) this.lock(); },
      // Another popup unlocked the vault (or protected it): follow, with the key it holds.
      onUnlocked: (key) => {
        if (!this.protected || !this.locked || key === this.held || !this.tryKey(key)) return;
        this.emit({ type: 'lock' });
        this.emit({ type: 'accounts' });
      },
    });
  }
}
