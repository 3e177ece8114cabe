// Settings, and its Security part: setting, changing and removing the passphrase, and the idle lock.
// The rules and the cryptography are the core's (wasm); this asks, has the session store, and shows.
// Backups, import and exports are transfer.js.
import { msg } from './ext.js';
import { $, showError, errorText, status, slow, newPassphrase } from './dom.js';
import { prefetchTools } from './wasm.js';

export function openSettings(focus = null) {
  prefetchTools();
  $('#settings').hidden = false;
  $('#toggle-settings').setAttribute('aria-expanded', 'true');
  (focus ? $(focus) : $('#settings-title')).focus?.();
}

export function closeSettings() {
  $('#settings').hidden = true;
  $('#toggle-settings').setAttribute('aria-expanded', 'false');
}

/** Shows the forms that fit the state; Settings closes while locked or read-only. */
export function showSettings(session) {
  const isProtected = session.protected;
  $('#set-passphrase-form').hidden = isProtected;
  $('#protected-settings').hidden = !isProtected;
  $('#auto-lock').value = String(session.settings.autoLockMinutes);
  if (session.locked || session.readonly) closeSettings();
}

/**
 * A passphrase form: runs `change` (slow; false when it showed its own error) and shows its error
 * under the form — or, when storing failed, in the banner — else runs `done()`.
 */
function passphraseForm(form, errorNode, change, done) {
  $(form).addEventListener('submit', async (e) => {
    e.preventDefault();
    showError($(errorNode), '');
    await slow($(`${form} button[type=submit]`), async () => {
      try {
        if ((await change()) === false) return;
      } catch (err) {
        if (err?.saving) showError($('#banner'), msg('saveFailed', err.message));
        else showError($(errorNode), errorText(err));
        return;
      }
      await done();
    });
  });
}

/** Wires the Security forms and the Settings button. `opening()` closes what Settings replaces. */
export function wireSettings(session, opening) {
  passphraseForm('#set-passphrase-form', '#set-error', async () => {
    const pass = newPassphrase('#set-new', '#set-repeat', '#set-error');
    if (pass === null) return false;
    // Accounts stored unprotected before: their copies in the browser's files are purged, and the
    // person is told where copies may remain that no extension reaches.
    $('#remnants-notice').hidden = !(await session.setPassphrase(pass));
    return true;
  }, () => {
    $('#set-new').value = $('#set-repeat').value = '';
    status(msg('passphraseSet'));
    $('#lock-now').focus();
  });
  $('#remnants-dismiss').addEventListener('click', () => { $('#remnants-notice').hidden = true; });
  passphraseForm('#change-passphrase-form', '#change-error', async () => {
    const pass = newPassphrase('#change-new', '#change-repeat', '#change-error');
    if (pass === null) return false;
    await session.changePassphrase($('#change-current').value, pass);
  }, () => {
    for (const id of ['#change-current', '#change-new', '#change-repeat']) $(id).value = '';
    status(msg('passphraseChanged'));
  });
  passphraseForm('#remove-passphrase-form', '#remove-error', () => session.removePassphrase($('#remove-current').value), async () => {
    $('#remove-current').value = '';
    $('#remove-passphrase').open = false;
    await session.updateSettings({ protectDeclined: true, noticeDismissed: false });
    status(msg('passphraseRemoved'));
  });
  $('#auto-lock').addEventListener('change', async () => {
    await session.updateSettings({ autoLockMinutes: Number($('#auto-lock').value) });
    await session.touch(true);
  });
  $('#toggle-settings').addEventListener('click', () => {
    if (!$('#settings').hidden) { closeSettings(); return; }
    opening();
    openSettings();
  });
}
