// What the service worker left for the popup: the QR codes the context menu read (pageqr.js), shown
// in the preview as soon as the vault can take them, and why the fill shortcut filled nothing
// (shortcut.js), shown in the banner. Opening the popup also clears the badge that sent the person here.
import { msg, takeScanned, watchScanned, takeNotice, setBadge } from './ext.js';
import { $, showError } from './dom.js';

/**
 * Takes what was left now and whatever arrives while the popup is open (the menu opens the popup
 * before it has read the page). `addView()` loads the Add view (add.js).
 */
export function receiveFromWorker(session, addView) {
  let taking = false;
  const take = async () => {
    // Only into a vault that can take accounts: while it is locked, what was read waits in memory-only
    // storage (a few minutes at most) for the unlock.
    if (session.readonly || session.locked || taking) return;
    taking = true;
    try {
      const scanned = await takeScanned();
      if (!scanned) return;
      setBadge(scanned.tabId, '', '').catch(() => {});  // its tab may be gone
      (await addView()).showScanned(scanned);
    } finally {
      taking = false;
    }
  };
  session.on((change) => { if (change.type === 'lock') take(); });
  watchScanned(take);
  take();
  const tabId = session.tab?.id;
  if (tabId === undefined) return;
  setBadge(tabId, '', '').catch(() => {});
  takeNotice().then((notice) => {
    if (notice?.tabId === tabId) showError($('#banner'), msg(notice.key));
  });
}
