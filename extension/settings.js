// Settings, and its Security part: setting, changing and removing the passphrase, and the idle lock;
// and its Sync part: the switch, how sync stands, and removing Authbar's data from sync (sync.js runs it).
// The rules and the cryptography are the core's (wasm); this asks, has the session store, and shows.
// Backups, import and exports are transfer.js.
import { msg, LANGUAGE } from './ext.js';
import { $, el, showError, errorText, describe, status, slow, newPassphrase } from './dom.js';
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
  if (session.sync) showSync(session.sync.view);
  if (session.locked || session.readonly) closeSettings();
}

const number = (n) => new Intl.NumberFormat(LANGUAGE).format(n);
const when = (ms) => (ms ? new Intl.DateTimeFormat(LANGUAGE, { dateStyle: 'medium', timeStyle: 'short' }).format(ms) : msg('syncNever'));

/** The lines saying how sync stands: on or off, last change received and sent, accounts, bytes. */
function syncLines({ on, area, status: st }) {
  const lines = [];
  if (area === 'removed' && !on) lines.push(msg('syncStateRemoved'));
  else if (!on) lines.push(msg('syncStateOff'));
  else if (area === 'incomplete') lines.push(msg('syncStateIncomplete'));
  else if (area === 'joinable') lines.push(msg('syncStateJoin'));
  else lines.push(msg('syncStateOn'));
  lines.push(msg('syncLastReceived', when(st.lastReceivedAt)), msg('syncLastSent', when(st.lastSentAt)));
  const report = area === 'removed' ? null : st.report;
  if (report) {
    const { held, total } = report;
    lines.push(held < total
      ? msg('syncHeldSome', number(held), total, number(total))
      : msg('syncHeldAll', total, number(total)));
  }
  if (typeof st.bytes === 'number') lines.push(msg('syncBytes', number(st.bytes), number(report?.quota ?? 102_400)));
  return lines;
}

/** The Sync part of Settings, as `view` (sync.js `SyncDriver.view`) says sync stands. */
function showSync(view) {
  $('#sync-unprotected').hidden = view.protected;
  $('#sync-controls').hidden = !view.protected;
  $('#sync-on').checked = view.on;
  $('#sync-status').replaceChildren(...syncLines(view).map((line) => el('li', {}, line)));
  const { error, report } = view.status;
  const words = error?.code === 'sync_write_failed' ? msg('syncWriteFailed', error.message) : error && describe(error);
  showError($('#sync-error'), view.on && error ? words : '');
  const problems = view.on && view.area === 'synced' ? report?.problems ?? [] : [];
  $('#sync-problems').replaceChildren(...problems.map((p) => el('li', {}, describe(p))));
  $('#sync-problems').hidden = problems.length === 0;
  $('#sync-join-open').hidden = !view.joinable || view.joinPrompt;
}

/** Wires the Sync part: the switch, the join prompt's return, removal (confirmed in place). */
function wireSync(sync) {
  $('#sync-on').addEventListener('change', () => sync.setOn($('#sync-on').checked));
  $('#sync-set-passphrase').addEventListener('click', () => $('#set-new').focus());
  $('#sync-join-open').addEventListener('click', async () => {
    await sync.joinNow();
    closeSettings();
    $('#sync-join-passphrase').focus();
  });
  const confirmBox = $('#sync-remove-confirm');
  $('#sync-remove').addEventListener('click', () => {
    confirmBox.hidden = false;
    $('#sync-remove-cancel').focus();
  });
  $('#sync-remove-cancel').addEventListener('click', () => {
    confirmBox.hidden = true;
    $('#sync-remove').focus();
  });
  $('#sync-remove-go').addEventListener('click', async () => {
    showError($('#sync-error'), '');
    try {
      await sync.remove();
    } catch (err) {
      showError($('#sync-error'), errorText(err));
      return;
    }
    confirmBox.hidden = true;
    status(msg('syncRemoved'));
    $('#sync-remove').focus();
  });
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

/**
 * Wires the Security forms, the Sync part (`sync`: sync.js's driver) and the Settings button.
 * `opening()` closes what Settings replaces.
 */
export function wireSettings(session, opening, sync) {
  wireSync(sync);
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
