// The only module that touches the browser's extension APIs (chrome.* / browser.*).

const api = globalThis.browser ?? globalThis.chrome;

/** A localized message, or the key itself when it is missing. */
export function msg(key, ...subs) {
  return api?.i18n?.getMessage(key, subs.map(String)) || key;
}

const VAULT_KEY = 'vault';

/** The stored account list text, or null when there is none. */
export async function loadVault() {
  const items = await api.storage.local.get(VAULT_KEY);
  return typeof items[VAULT_KEY] === 'string' ? items[VAULT_KEY] : null;
}

/** Stores the account list text. One storage.set call is atomic: on failure the old value stays. */
export async function saveVault(text) {
  await api.storage.local.set({ [VAULT_KEY]: text });
}

/** A PNG data URL of the visible part of the active tab (needs the activeTab grant of the toolbar click). */
export async function captureVisibleTab() {
  return api.tabs.captureVisibleTab({ format: 'png' });
}
