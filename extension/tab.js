// The tab the popup was opened on and its site, all the first paint needs of it (what Authbar does in
// its page, a fill or a clock sample, is inpage.js, loaded after the first paint).

import { getTab, isInTab } from './ext.js';

/**
 * The tab the popup acts on (`siteOf`): the one named by `?tab=` (the popped-out window remembers the
 * tab it came from), else the active tab of this window.
 */
export async function targetTab() {
  const named = new URLSearchParams(location.search).get('tab');
  const tab = await getTab(named ? Number(named) : undefined);
  return tab?.id === undefined ? null : siteOf(tab);
}

/**
 * A browser tab as Authbar acts on it: `{id, windowId, host, origin}`, `host` and `origin` null when
 * the page is not a web page or its address is not ours to see (no activeTab grant).
 */
export function siteOf(tab) {
  let url = null;
  try { url = tab.url ? new URL(tab.url) : null; } catch { url = null; }
  const web = url !== null && (url.protocol === 'https:' || url.protocol === 'http:');
  return { id: tab.id, windowId: tab.windowId, host: web ? url.hostname : null, origin: web ? url.origin : null };
}

/** Whether this page is the toolbar's popup (not a window of its own, not a tab): it closes after a fill. */
export async function isToolbarPopup() {
  if (new URLSearchParams(location.search).has('window')) return false;
  return !(await isInTab());
}
