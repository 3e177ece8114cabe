// The popup's entry: opens the vault (session.js) and puts the views together — the account list
// (accounts.js), the lock screen and notices (lockscreen.js), Settings (settings.js, transfer.js), the
// import preview (preview.js), the QR viewer (qrview.js), and Add (add.js, loaded when first used).
// Codes come from the WebAssembly core; this page only reads the clock.
import { loadCodes } from './wasm.js';
import { msg, LANGUAGE, loadStart, popOut } from './ext.js';
import { $, localize, showError, errorText, status } from './dom.js';
import { targetTab } from './tab.js';
import * as clock from './clock.js';
import { Session } from './session.js';
import { AccountList } from './accounts.js';
import { copy, fill, nextHotp } from './actions.js';
import { startRename, confirmRemove } from './edit.js';
import { showLock, wireLock } from './lockscreen.js';
import { showSettings, wireSettings, openSettings, closeSettings } from './settings.js';
import { wireTransfer } from './transfer.js';
import { PreviewView } from './preview.js';
import { showAccountQr, wireQrView } from './qrview.js';
import { receiveFromWorker } from './handoff.js';

performance.mark('authbar:start');

// The Add view (add.js, and images.js with it), loaded when first used: the first paint needs neither.
let adding = null;
let addLoad = null;

/** Everything that depends on the session's state, shown afresh. */
function showState(session) {
  showLock(session);
  showSettings(session);
  if (session.readonly) showError($('#banner'), errorText(session.problem));
}

function wire(session, list, preview) {
  const closeAdd = () => adding?.closeAdd();
  const addView = () => (addLoad ??= import('./add.js').then((module) => {
    module.start({ session, showPreview: (p, problems, site) => preview.show(p, problems, site), closeSettings });
    adding = module;
    return module;
  }));
  wireLock(session, list, (focus) => { closeAdd(); openSettings(focus); });
  wireSettings(session, closeAdd);
  wireTransfer(session, preview);
  wireQrView();
  $('#toggle-add').addEventListener('click', async () => {
    const view = await addView();
    if ($('#add').hidden) view.openAdd(); else view.closeAdd();
  });
  // In its own window the popup needs no pop-out button; from the toolbar it closes after opening one.
  if (new URLSearchParams(location.search).has('window')) { $('#pop-out').hidden = true; document.body.classList.add('window'); }
  $('#pop-out').addEventListener('click', async () => { await popOut(session.tab?.id); window.close(); });
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    // The innermost open thing closes first; focus goes back to what opened it.
    if (!$('#qr-view').hidden) $('#qr-close').click();
    else if (!$('#region').hidden) $('#region-cancel').click();
    else if (preview.open) preview.cancel();
    else if (!$('#add').hidden) { closeAdd(); $('#toggle-add').focus(); }
    else if (!$('#settings').hidden) { closeSettings(); $('#toggle-settings').focus(); }
    else return;
    e.preventDefault();
  });
  document.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dragging'); });
  document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  document.addEventListener('drop', async (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length) await (await addView()).importBlobs(files);
  });
  document.addEventListener('paste', async (e) => {
    const files = [...(e.clipboardData?.items ?? [])].filter((i) => i.kind === 'file' && i.type.startsWith('image/')).map((i) => i.getAsFile());
    if (files.length) { e.preventDefault(); await (await addView()).importBlobs(files); }
  });
  session.on((change) => {
    if (change.type === 'error' && change.purging) {
      showError($('#banner'), errorText(change.error));
      return;
    }
    if (change.type === 'error') {
      // A write failed: the stored accounts are as they were, and so is what the popup shows.
      showError($('#banner'), msg('saveFailed', errorText(change.error)));
      preview.close();
      return;
    }
    if (change.type === 'saved') showError($('#banner'), '');
    if (change.type === 'accounts') list.render();
    if (change.type === 'lock' && session.locked) {
      closeAdd();
      preview.close();
      $('#unlock-passphrase').focus();
    }
    showState(session);
  });
  // What the fill shortcut and the context menu left for the popup.
  receiveFromWorker(session, addView);
  // For tests and the benchmark: the scan entry point with an injected screenshot.
  globalThis.authbarScanPage = async (screenshot) => (await addView()).scanPage(screenshot);
}

/** A row's action (row.js): the list, its session and the views it opens. */
function actions(session, list) {
  return (name, a, row) => {
    switch (name) {
      case 'copy': return copy(list, row);
      case 'fill': return fill(session, list, row);
      case 'next': return nextHotp(session, list, row);
      case 'qr': return showAccountQr(session.core, a).catch((err) => showError($('#banner'), errorText(err)));
      case 'rename': return startRename(session, list, a);
      case 'delete': return confirmRemove(session, list, a);
      default: return undefined;
    }
  };
}

async function main() {
  document.documentElement.lang = LANGUAGE;
  localize();
  // Compile the wasm, read storage and ask for the tab at the same time.
  const [, stored, tab] = await Promise.all([loadCodes(), loadStart(), targetTab()]);
  clock.init(stored.settings.clockCorrection);
  if (tab?.origin) $('#copy-hint').textContent = msg('copyHintFill');
  const session = new Session(stored, tab);
  let act = () => {};
  const list = new AccountList(session, (...args) => act(...args));
  act = actions(session, list);
  const preview = new PreviewView(session, list, () => { adding?.closeAdd(); closeSettings(); });
  wire(session, list, preview);
  session.watch();
  showState(session);
  list.render();
  // The site's own accounts are first: focus the first, so Enter fills its code.
  list.focusSite();
  performance.mark('authbar:painted');
  performance.measure('authbar:open', 'authbar:start', 'authbar:painted');
  document.body.classList.remove('loading');
  document.body.classList.add('ready');
  list.ticker.start(() => {
    // Announce renewals once, not every second.
    if (document.activeElement?.closest?.('#accounts')) status(msg('codesRenewed'));
  });
  // Search text for every account, made while the popup is idle, so the first keystroke needn't.
  requestIdleCallback(() => list.prepareSearch());
  // The clock check runs after the first paint; a correction recomputes the codes.
  clock.start(tab, () => { list.ticker.invalidate(); list.ticker.tick(); });
  if (session.locked) $('#unlock-passphrase').focus();
  // A vault opened protected is remembered as such: a plain one in its place later is reported.
  session.markProtected().catch(() => {});
  // For tests: the account views (no secrets) as the popup holds them.
  globalThis.authbarCore = () => session.core;
}

main();
