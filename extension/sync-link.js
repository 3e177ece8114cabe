// The joining and linking half of the sync driver (sync.js): a browser with no accounts offered the
// accounts in sync on its lock screen, a browser with its own joining them, unlocking through the area
// (a passphrase changed on another browser), the Settings switch, and removing Authbar's data from sync.
// Mixed into SyncDriver (`this` is the driver).
import { loadVault } from './ext.js';
import { syncItems, syncRemove, syncBytesInUse } from './ext-sync.js';
import { codesModule } from './wasm.js';
import { focusUnlock } from './lockscreen.js';

const JOIN_LATER_MS = 24 * 3_600_000;   // "Not now" on a join offer: asked again after this

export const linking = {
  /**
   * A browser with no accounts and no passphrase that finds another browser's accounts in sync opens
   * on the lock screen: that browser's passphrase brings them (`join`). "Not now" waits a day.
   */
  async offerJoinOnLockScreen() {
    const s = this.session;
    if (!s.full || s.readonly || s.protected || s.size > 0 || s.settings.syncOff) return;
    if ((this.status.joinLaterUntil ?? 0) > Date.now()) return;
    try {
      if (s.core.syncPeek(await syncItems()).kind !== 'vault') return;
    } catch {
      return;
    }
    s.joining = true;
    s.emit({ type: 'lock' });
    focusUnlock();
  },

  /** "Not now" on a join offer (the lock screen's or the list's): asked again in a day. */
  async joinLater() {
    this.session.joining = false;
    await this.note({ joinLaterUntil: Date.now() + JOIN_LATER_MS });
    this.session.emit({ type: 'lock' });
  },

  /** Shows the join prompt again (Settings). */
  async joinNow() {
    await this.note({ joinLaterUntil: 0 });
  },

  /**
   * Joins the accounts in sync with their passphrase: both sets merge, and this browser's vault takes
   * the area's key and slots (one passphrase opens both from then on). A wrong passphrase throws the
   * core's `wrong_passphrase`, and nothing changed.
   */
  async join(passphrase) {
    const s = this.session;
    const items = await syncItems();
    const previous = await loadVault();
    const before = JSON.stringify(s.core.accounts());
    const out = s.core.syncJoin(items, passphrase, Date.now());
    this.storing = true;
    try {
      await s.replace(previous);
    } finally {
      this.storing = false;
    }
    s.joining = false;
    if (s.settings.syncOff) await s.updateSettings({ syncOff: false });
    await s.opened(s.core.heldKey());
    await s.markProtected();
    await this.note({ joinLaterUntil: 0 });
    // Stored; the old text (another key's, or a plain one) may stay in the browser's files.
    await this.finish({ ...out, vaultChanged: false }, before, previous !== null);
  },

  /**
   * The lock screen's passphrase: joins when the lock screen offers the accounts in sync; while sync is
   * on, unlocks with this vault's passphrase or the sync area's (changed on another browser, until the
   * next round takes the new slots). Throws the core's error; nothing changed then.
   */
  async unlock(passphrase) {
    const s = this.session;
    if (s.joining) return this.join(passphrase);
    let items = null;
    if (!s.settings.syncOff) items = await syncItems().catch(() => null);
    return s.unlock(passphrase, items);
  },

  /** The "Sync this browser's accounts" switch. */
  async setOn(on) {
    // Not quiet until the switch is stored and, switched on, its round asked for.
    this.switching += 1;
    try {
      await this.session.updateSettings({ syncOff: !on });
      if (on) {
        await this.note({ area: this.status.area === 'removed' ? null : this.status.area, error: null });
        this.request();
      }
    } finally {
      this.switching -= 1;
    }
  },

  /**
   * "Remove Authbar's data from sync": every key of Authbar's in storage.sync goes. Every browser keeps
   * its accounts; this one unlinks and stops, the others when they see the area gone.
   */
  async remove() {
    const keys = codesModule().Authbar.syncRemoval(await syncItems());
    if (keys.length) this.spend(1);
    for (const key of keys) this.own.set(key, undefined);
    await syncRemove(keys);
    const s = this.session;
    if (s.full && !s.readonly && s.protected && !s.locked) {
      const out = s.core.sync(await syncItems(), Date.now());
      if (out.kind === 'removed') await this.store(false);
    }
    await s.updateSettings({ syncOff: true });
    await this.note({ area: 'removed', error: null, removedAt: Date.now(), report: null, bytes: (await syncBytesInUse()) ?? null });
  },
};
