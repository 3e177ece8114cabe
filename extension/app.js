// Everything interactive, loaded right after the first paint together with the codes module: the row
// actions (actions.js, edit.js), pins and moves (arrange.js), undo (undo.js), the rows' logos
// (logos.js, into the boxes the first paint kept), the lock screen's form and the notices (lockscreen.js), passkeys
// (passkeys.js), Settings (settings.js, transfer.js), the import preview (preview.js), the QR viewer
// (qrview.js), the clock check (clock.js), sync (sync.js), and Add (add.js, loaded when first used).
import { msg, popOut } from './ext.js';
import { $, showError, errorText } from './dom.js';
import { codesModule } from './wasm.js';
import * as clock from './clock.js';
import { copy, fill, nextHotp } from './actions.js';
import { startRename, confirmRemove } from './edit.js';
import { togglePin, moveBy, wireDrag, isRowDrag } from './arrange.js';
import { offerUndo, endUndo, wireUndoKey } from './undo.js';
import { loadLogos, loadLogoStyles, logoElement } from './logos.js';
import { showLock, wireLock, focusUnlock } from './lockscreen.js';
import { showPasskeys, wirePasskeys, resumePasskey } from './passkeys.js';
import { showSettings, wireSettings, openSettings, closeSettings } from './settings.js';
import { wireTransfer } from './transfer.js';
import { PreviewView } from './preview.js';
import { showAccountQr, wireQrView } from './qrview.js';
import { startSync } from './sync.js';
import { receiveFromWorker } from './handoff.js';

// The Add view (add.js, and images.js with it), loaded when first used: the first paint needs neither.
let adding = null;
let addLoad = null;

/** Everything that depends on the session's state, shown afresh. */
export function showState(session) {
  showLock(session);
  showSettings(session);
  showPasskeys(session);
  if (session.readonly) showError($('#banner'), errorText(session.problem));
}

function wire(session, list, preview, sync) {
  const closeAdd = () => adding?.closeAdd();
  const addView = () => (addLoad ??= import('./add.js').then((module) => {
    module.start({ session, showPreview: (p, problems, site) => preview.show(p, problems, site), closeSettings });
    adding = module;
    return module;
  }));
  wireLock(session, list, (focus) => { closeAdd(); openSettings(focus); }, sync);
  wireSettings(session, closeAdd, sync);
  wirePasskeys(session, list);
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
  // Files dropped anywhere are imported; a row dragged within the list is arrange.js's.
  document.addEventListener('dragover', (e) => { e.preventDefault(); if (!isRowDrag(e)) document.body.classList.add('dragging'); });
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
    const locking = change.type === 'lock' && session.locked;
    if (locking) {
      closeAdd();
      preview.close();
      endUndo();
    }
    showState(session);
    if (locking) focusUnlock();
  });
  // For tests and the benchmark: the scan entry point with an injected screenshot.
  // What the fill shortcut and the context menu left for the popup.
  receiveFromWorker(session, addView);
  globalThis.authbarScanPage = async (screenshot) => (await addView()).scanPage(screenshot);
}

/**
 * The rows' logos, chosen by the core (`logosOf`: the user's choice, else the site's or the issuer's
 * brand, else the letter) and drawn from the packaged bundle once it and logos.css are loaded: after
 * the first paint, into the boxes its rows kept. Nothing is fetched from the network.
 */
async function showLogos(list) {
  const rows = list.ordered.map((a) => ({ id: a.id, issuer: a.issuer, name: a.name, site: a.site, logo: list.choices.get(a.id)?.logo ?? null }));
  const logos = new Map(codesModule().logosOf(rows).map((m) => [m.id, m]));
  try {
    await Promise.all([loadLogoStyles(), loadLogos()]);
  } catch {
    return; // the package is damaged: the rows keep their empty boxes
  }
  performance.mark('authbar:logos');
  list.showLogos(logos, logoElement);
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
      case 'pin': return togglePin(session, list, a);
      case 'moveUp': return moveBy(session, list, a, -1);
      case 'moveDown': return moveBy(session, list, a, 1);
      case 'delete': return confirmRemove(session, list, a);
      default: return undefined;
    }
  };
}

/**
 * Makes the popup interactive once the codes module holds the vault: wires every view, follows other
 * pages, starts the clock check. Returns the row actions (`act(name, account, row)`).
 */
export function start(session, list) {
  const act = actions(session, list);
  // An import that replaced accounts can be undone for a while.
  const preview = new PreviewView(session, list, () => { adding?.closeAdd(); closeSettings(); },
    (report, done) => { if (report.replaced.length) offerUndo(session, list, done); });
  const sync = startSync(session, list);
  wire(session, list, preview, sync);
  sync.listen(() => showState(session));
  wireDrag(session, list);
  wireUndoKey();
  $('#copy-hint').append(` ${msg('moveHint')}`);
  // The first paint's rows get their pins and logos, from the codes module's choices.
  list.onRender = () => showLogos(list);
  list.refreshChoices();
  session.watch();
  showState(session);
  // The clock check; a correction recomputes the codes.
  clock.start(session.tab, () => { list.ticker.invalidate(); list.ticker.tick(); });
  if (session.locked) focusUnlock();
  // A window popped out to run a passkey ceremony (the toolbar popup cannot) runs it now.
  resumePasskey(session, list, (focus) => { adding?.closeAdd(); openSettings(focus); });
  // A vault opened protected is remembered as such: a plain one in its place later is reported.
  session.markProtected().catch(() => {});
  return act;
}
