// The fill shortcut (Alt+Shift+F unless rebound), handled in the service worker: the code of the one
// account that belongs to the tab's site goes into that page without the popup. The command grants
// activeTab on that tab, as the toolbar click does; the vault opens with the data key held in memory-
// only storage (never a passphrase here), the core decides which accounts belong to the site, and the
// fill is the popup's own (fill.js through tab.js, the same origin rule). Anything else — no account
// or several, locked, nothing filled — opens the popup on that choice, or where the browser will not
// open it (Firefox outside a user action's first moment), puts a badge on the button saying what to do.
// A service worker may not `import()`: the app module is imported here, and compiled on first use.
import initApp, * as app from './wasm/authbar_app.js';
import { storedCore } from './wasm.js';
import { msg, loadStart, holdKey, openPopup, setBadge, leaveNotice } from './ext.js';
import { siteOf } from './tab.js';
import { fillCode } from './inpage.js';

let codesReady = null;

/**
 * The account to fill on `site` (`{host}`): `{code}`, or why there is none to fill without asking:
 * `{why: 'locked' | 'none' | 'several' | 'unreadable', count}`.
 */
async function choose(site, now) {
  codesReady ??= initApp().catch((err) => { codesReady = null; throw err; });
  const [, stored] = await Promise.all([codesReady, loadStart(now)]);
  let core;
  try {
    core = storedCore(app, stored.vault);
  } catch {
    return { why: 'unreadable' };  // the popup shows why and writes nothing
  }
  try {
    if (core.protected) {
      if (!stored.heldKey) return { why: 'locked' };
      try { core.unlockWithKey(stored.heldKey); } catch { return { why: 'locked' }; }
    }
    const matches = site.host ? core.matching(site.host) : [];
    if (matches.length !== 1) return { why: matches.length ? 'several' : 'none', count: matches.length };
    // The code of the clock the popup shows: with the correction the user applied.
    const [{ code }] = core.codesOf([matches[0].id], now + (stored.settings.clockCorrection?.offsetMs ?? 0));
    // A fill is use: the idle lock starts again, as when the popup opens.
    if (core.protected) await holdKey(stored.heldKey, stored.settings.autoLockMinutes, now);
    return { code };
  } finally {
    core.free();
  }
}

// What the badge says (its text, and its tooltip in words), for each reason the shortcut asks.
const NOT_FILLED = { none: 'shortcutNoField', several: 'shortcutSeveralFields', navigated: 'shortcutNavigated' };
function badge({ why, count, reason }, host) {
  switch (why) {
    case 'locked': return ['!', msg('shortcutLocked')];
    case 'several': return [String(count), msg('shortcutSeveral', count, host)];
    case 'none': return ['?', host ? msg('shortcutNoAccount', host) : msg('shortcutNotAPage')];
    case 'unreadable': return ['!', msg('shortcutUnreadable')];
    default: return ['!', msg(NOT_FILLED[reason] ?? 'shortcutRefused')];
  }
}

/**
 * The fill command on `tab` (the listener's argument). Returns what it did, for tests: `{done:
 * 'filled', how, by}` (fill.js's answer), or `{done: 'popup' | 'badge', why, count?, reason?}`.
 */
export async function fillFromShortcut(tab, now = Date.now()) {
  const site = siteOf(tab);
  const chosen = await choose(site, now);
  let asked = chosen;
  if (chosen.code) {
    let result;
    try {
      result = await fillCode(site, chosen.code);
    } catch {
      result = { filled: false, reason: 'failed' };  // a page no extension may script
    }
    if (result.filled) {
      await setBadge(site.id, '', '');
      return { done: 'filled', how: result.how, by: result.by };
    }
    asked = { why: 'notFilled', reason: result.reason };
    // The popup opened next says why: the person then copies the code with Enter.
    await leaveNotice(site.id, NOT_FILLED[result.reason] ?? 'shortcutRefused');
  }
  if (await openPopup(site.windowId)) {
    await setBadge(site.id, '', '');
    return { done: 'popup', ...asked };
  }
  const [text, title] = badge(asked, site.host);
  await setBadge(site.id, text, title);
  return { done: 'badge', ...asked };
}
