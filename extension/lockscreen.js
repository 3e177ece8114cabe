// The vault's protection as the main view shows it: the lock screen and its unlock form (passkeys.js
// adds its button), the Lock button, and the notices (the first-run offer of a passphrase, "not protected", the backup reminder).
// With sync (sync.js): the lock screen of a browser with no accounts offers the accounts in sync, and
// the list asks a browser with accounts of its own to join them.
import { msg } from './ext.js';
import { $, showError, errorText, status, slow } from './dom.js';

/** Shows what fits the state: the lock screen, the Lock button, the notices. */
export function showLock(session) {
  const { settings } = session;
  const { readonly } = session;
  const isProtected = session.protected;
  // A browser with no accounts, offered the accounts in sync: the lock screen asks for their passphrase.
  const joining = session.joining && !readonly && !session.locked;
  const locked = session.locked || joining;
  document.body.classList.toggle('locked', locked);
  document.body.classList.toggle('readonly', readonly);
  $('#lock-screen').hidden = !locked;
  $('#lock-title').textContent = msg(joining ? 'syncLockTitle' : 'lockedTitle');
  $('#lock-sync-hint').hidden = !joining;
  $('#lock-sync-later').hidden = !joining;
  $('#lock-now').hidden = !isProtected || locked;
  const hasAccounts = !locked && !readonly && session.size > 0;
  $('#protect-offer').hidden = readonly || locked || isProtected || settings.protectDeclined;
  $('#replaced-notice').hidden = !session.replacedByPlain;
  $('#unprotected-notice').hidden = readonly || isProtected || !settings.protectDeclined || settings.noticeDismissed
    || session.replacedByPlain;
  $('#backup-reminder').hidden = readonly || locked || !hasAccounts || settings.lastBackupAt > 0 || settings.reminderDismissed;
  if (!$('#backup-reminder').hidden) $('#backup-reminder-text').textContent = msg('backupReminder');
  $('#sync-join').hidden = !session.sync?.view.joinPrompt;
}

/** Focuses the first way to unlock: "Unlock with passkey" when the vault has one, else the passphrase. */
export function focusUnlock() {
  ($('#passkey-unlock').hidden ? $('#unlock-passphrase') : $('#unlock-passkey')).focus();
}

/**
 * Wires the unlock form, Lock, the notices' buttons (`openSettings(focus)` opens Settings) and the
 * join prompt; `sync` (sync.js) unlocks (with the sync area's passphrase too) and joins.
 */
export function wireLock(session, list, openSettings, sync) {
  $('#unlock-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const errorNode = $('#unlock-error');
    showError(errorNode, '');
    showError($('#passkey-unlock-error'), '');
    // Nothing typed is not a wrong passphrase: say what is missing.
    if ($('#unlock-passphrase').value === '') {
      showError(errorNode, msg('enterPassphrase'));
      $('#unlock-passphrase').focus();
      return;
    }
    const joining = session.joining;
    await slow($('#unlock-form button[type=submit]'), async () => {
      try {
        await sync.unlock($('#unlock-passphrase').value);
      } catch (err) {
        showError(errorNode, err?.saving ? msg('saveFailed', errorText(err)) : errorText(err));
        $('#unlock-passphrase').select();
        return;
      }
      $('#unlock-passphrase').value = '';
      status(msg(joining ? 'syncJoined' : 'unlocked'));
      list.focus();
    });
  });
  $('#lock-sync-later').addEventListener('click', async () => {
    await sync.joinLater();
    list.focus();
  });
  $('#sync-join-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const field = $('#sync-join-passphrase');
    showError($('#sync-join-error'), '');
    if (field.value === '') {
      showError($('#sync-join-error'), msg('enterPassphrase'));
      field.focus();
      return;
    }
    await slow($('#sync-join-form button[type=submit]'), async () => {
      try {
        await sync.join(field.value);
      } catch (err) {
        showError($('#sync-join-error'), err?.saving ? msg('saveFailed', errorText(err)) : errorText(err));
        field.select();
        return;
      }
      field.value = '';
      status(msg('syncJoined'));
      list.focus();
    });
  });
  $('#sync-join-later').addEventListener('click', async () => {
    await sync.joinLater();
    list.focus();
  });
  $('#lock-now').addEventListener('click', async () => {
    await session.lock();
    focusUnlock();
  });
  for (const b of document.querySelectorAll('[data-action=set-passphrase]')) {
    b.addEventListener('click', () => openSettings('#set-new'));
  }
  for (const b of document.querySelectorAll('[data-action=backup]')) {
    b.addEventListener('click', () => openSettings('#backup-new'));
  }
  $('#protect-decline').addEventListener('click', () => session.updateSettings({ protectDeclined: true }));
  $('#notice-dismiss').addEventListener('click', () => session.updateSettings({ noticeDismissed: true }));
  $('#replaced-dismiss').addEventListener('click', () => session.updateSettings({ wasProtected: false }));
  $('#reminder-dismiss').addEventListener('click', () => session.updateSettings({ reminderDismissed: true }));
  // Work in the popup restarts the idle timer.
  for (const type of ['pointerdown', 'keydown']) document.addEventListener(type, () => session.touch(), { passive: true });
}
