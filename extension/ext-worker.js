// The toolbar button, the keyboard shortcuts and the context menu (the service worker listens to them),
// and what they leave in memory for the next popup. The pages' own browser APIs are in ext.js.

const api = globalThis.browser ?? globalThis.chrome;

/** The fill shortcut's command (manifest.json `commands`). */
export const FILL_COMMAND = 'fill-code';
// In chrome.storage.session (memory only): QR payloads the context menu read, until a popup takes them
// (they hold secrets); and a notice for the next popup (why the shortcut filled nothing).
const SCANNED_KEY = 'scanned';
const NOTICE_KEY = 'notice';
const SCANNED_ALARM = 'scanned';
const SCANNED_MINUTES = 5;

/** Calls `onCommand(name, tab)` on a keyboard shortcut and `onMenu(info, tab)` on a click in the context menu. */
export function listenToUser({ onCommand, onMenu }) {
  api.commands.onCommand.addListener(onCommand);
  api.contextMenus.onClicked.addListener(onMenu);
}

/**
 * Puts `items` (`[{id, title, contexts}]`) in the page's context menu when the extension is installed or
 * updated and when the browser starts (the browser keeps them while the worker sleeps).
 */
export function registerMenus(items) {
  const create = async () => {
    await api.contextMenus.removeAll();
    // A callback, so that an error lands in lastError rather than unhandled.
    for (const item of items) api.contextMenus.create(item, () => void api.runtime.lastError);
  };
  api.runtime.onInstalled.addListener(create);
  api.runtime.onStartup.addListener(create);
}

/**
 * Opens the toolbar popup over window `windowId`; true when it opened. Firefox opens it only when called
 * straight from a user action's listener (nothing awaited before); Chromium (127 on) over the window
 * that has the focus, at any time.
 */
export function openPopup(windowId) {
  try {
    return api.action.openPopup(windowId === undefined ? undefined : { windowId }).then(() => true, () => false);
  } catch {
    return Promise.resolve(false);
  }
}

/** Shows `text` on the toolbar button over tab `tabId`, with `title` as its tooltip ('' clears both). */
export async function setBadge(tabId, text, title) {
  await Promise.all([
    api.action.setBadgeText({ tabId, text }),
    api.action.setTitle({ tabId, title: title || api.runtime.getManifest().action.default_title }),
  ]);
}

/** Runs a self-contained function in one frame of a tab (`frameId` 0: the page itself) and returns its result. */
export async function runInFrame(tabId, frameId, func, args) {
  const [result] = await api.scripting.executeScript({ target: { tabId, frameIds: [frameId ?? 0] }, func, args });
  return result?.result;
}

/**
 * Leaves what the context menu read for the popup: `{tabId, site, payloads, problem}`. It holds
 * secrets, so it stays only in memory, and only for a few minutes if no popup takes it.
 */
export async function leaveScanned(scanned) {
  await api.storage.session.set({ [SCANNED_KEY]: scanned });
  await api.alarms.create(SCANNED_ALARM, { delayInMinutes: SCANNED_MINUTES });
}

/** Takes (reads and removes) what the context menu read, or null. */
export async function takeScanned() {
  const scanned = (await api.storage.session.get(SCANNED_KEY))[SCANNED_KEY] ?? null;
  if (scanned) await Promise.all([api.storage.session.remove(SCANNED_KEY), api.alarms.clear(SCANNED_ALARM)]);
  return scanned;
}

/** Calls `arrived()` whenever the context menu leaves something new for the popup. */
export function watchScanned(arrived) {
  api.storage.onChanged.addListener((changes, area) => {
    if (area === 'session' && changes[SCANNED_KEY]?.newValue) arrived();
  });
}

/** Leaves a notice (a message key) for the next popup on tab `tabId`. */
export async function leaveNotice(tabId, key) {
  await api.storage.session.set({ [NOTICE_KEY]: { tabId, key } });
}

/** Takes (reads and removes) the notice left for the popup: `{tabId, key}`, or null. */
export async function takeNotice() {
  const notice = (await api.storage.session.get(NOTICE_KEY))[NOTICE_KEY] ?? null;
  if (notice) await api.storage.session.remove(NOTICE_KEY);
  return notice;
}

/** The service worker's part of the handover: what no popup took within a few minutes is dropped. */
export function forgetScannedOnAlarm() {
  api.alarms.onAlarm.addListener(async (alarm) => {
    if (alarm.name !== SCANNED_ALARM) return;
    const scanned = await takeScanned();
    if (scanned?.tabId !== undefined) await setBadge(scanned.tabId, '', '').catch(() => {}); // the tab may be gone
  });
}
