// storage.sync: the browser's own sync (Chrome, Edge: the Google or Microsoft account; Firefox Sync).
// sync.js drives it; the core (through the wasm) decides what is written. The pages' other browser
// APIs are in ext.js.

const api = globalThis.browser ?? globalThis.chrome;

// In storage.local: how sync stands on this browser (sync.js: times, the last report and error).
const SYNC_STATUS_KEY = 'syncStatus';
/** Authbar's keys in storage.sync start with this (the core's `sync::PREFIX`). */
const SYNC_PREFIX = 'authbar:';

/** Everything storage.sync holds (key → value), as the core reads it. */
export async function syncItems() {
  return api.storage.sync.get(null);
}

/** Writes items to storage.sync in one call (one write operation); nothing to write, no call. */
export async function syncSet(items) {
  if (Object.keys(items).length) await api.storage.sync.set(items);
}

/** Removes keys from storage.sync in one call (one write operation); none, no call. */
export async function syncRemove(keys) {
  if (keys.length) await api.storage.sync.remove(keys);
}

/** The bytes storage.sync uses as the browser counts them, or null where it cannot say. */
export async function syncBytesInUse() {
  try {
    return await api.storage.sync.getBytesInUse(null);
  } catch {
    return null;
  }
}

/**
 * Calls `onChange(changes)` when Authbar's keys in storage.sync change (another browser's write as the
 * browser's sync brings it, or this browser's own): `{key: {oldValue, newValue}}`, Authbar's keys only.
 */
export function watchSync(onChange) {
  api.storage.onChanged.addListener((changes, area) => {
    if (area !== 'sync') return;
    const ours = Object.entries(changes).filter(([key]) => key.startsWith(SYNC_PREFIX));
    if (ours.length) onChange(Object.fromEntries(ours));
  });
}

/** How sync stands on this browser (sync.js's record), or `{}`. */
export async function loadSyncStatus() {
  return (await api.storage.local.get(SYNC_STATUS_KEY))[SYNC_STATUS_KEY] ?? {};
}

export async function saveSyncStatus(status) {
  await api.storage.local.set({ [SYNC_STATUS_KEY]: status });
}
