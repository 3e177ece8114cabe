// Authbar's service worker (Firefox: its event page): the auto-lock, the fill shortcut and the
// context menu. When the idle time set at unlock runs out, the data key leaves memory-only storage,
// even if the popup is never opened again. The shortcut fills the site's code (shortcut.js); the menu
// reads QR codes for the popup's preview (pageqr.js).
import {
  FILL_COMMAND, forgetKeyOnAlarm, forgetScannedOnAlarm, listenToUser, registerMenus, openPopup, getTab,
} from './ext.js';
import { fillFromShortcut } from './shortcut.js';
import { menus, readForPopup } from './pageqr.js';

/** A keyboard shortcut other than the popup's own (`_execute_action`, which the browser handles). */
async function onCommand(name, tab) {
  if (name !== FILL_COMMAND) return null;
  return fillFromShortcut(tab ?? await getTab());
}

/** A click on one of the context menu's items. */
async function onMenu(info, tab) {
  // First of all, in the click's own moment: Firefox opens the popup only then. The popup waits for
  // what is read; where it does not open, the badge says to click the button.
  const opened = openPopup(tab?.windowId);
  const read = await readForPopup(info, tab ?? await getTab());
  return { ...read, opened: await opened };
}

forgetKeyOnAlarm();
forgetScannedOnAlarm();
registerMenus(menus());
listenToUser({ onCommand, onMenu });
// For tests: the listeners themselves (a headless browser cannot press a shortcut or open a menu).
globalThis.authbarWorker = { onCommand, onMenu };
