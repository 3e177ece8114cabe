// Accounts coming and going as files, in Settings: an encrypted backup, import of a file (a backup or
// another app's export: read by the tools module, previewed before anything is written), the plain
// `otpauth://` export behind its warning, and Google Authenticator export QR codes.
import { msg } from './ext.js';
import { $, el, label, showError, download, describe, errorText, formatName, status, slow, newPassphrase } from './dom.js';
import { loadTools } from './wasm.js';
import { closeSettings } from './settings.js';
import { showQrs } from './qrview.js';

let importBytes = null;   // the chosen file, while its password is asked for

/** Wires Settings' backup, import and export. `preview` is the preview view (preview.js). */
export function wireTransfer(session, preview) {
  $('#backup-form').addEventListener('submit', (e) => exportBackup(e, session));
  $('#import-file').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (!file) return;
    importBytes = new Uint8Array(await file.arrayBuffer());
    // A new file: nothing is asked of it before it has said what it is.
    $('#import-password').value = '';
    $('#import-password-form').hidden = true;
    await previewImport(session, preview, null);
  });
  $('#import-password-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    await slow($('#import-password-form button[type=submit]'), () => previewImport(session, preview, $('#import-password').value));
  });
  $('#plain-export').addEventListener('click', () => { $('#plain-export-confirm').hidden = false; $('#plain-export-go').focus(); });
  $('#plain-export-cancel').addEventListener('click', () => { $('#plain-export-confirm').hidden = true; $('#plain-export').focus(); });
  $('#plain-export-go').addEventListener('click', () => {
    download('authbar-accounts.txt', session.core.exportOtpauth(null), 'text/plain');
    $('#plain-export-confirm').hidden = true;
    status(msg('plainExported'));
  });
  $('#migration-export').addEventListener('click', () => startMigration(session));
  $('#migration-form').addEventListener('submit', (e) => showMigration(e, session));
}

async function exportBackup(e, session) {
  e.preventDefault();
  showError($('#backup-error'), '');
  const pass = newPassphrase('#backup-new', '#backup-repeat', '#backup-error');
  if (pass === null) return;
  await slow($('#backup-form button[type=submit]'), async () => {
    let text;
    try {
      text = session.core.exportBackup(pass);
    } catch (err) {
      showError($('#backup-error'), errorText(err));
      return;
    }
    download(`authbar-backup-${new Date().toISOString().slice(0, 10)}.authbar`, text, 'application/octet-stream');
    $('#backup-new').value = $('#backup-repeat').value = '';
    await session.updateSettings({ lastBackupAt: Date.now() });
    status(msg('backupSaved'));
  });
}

/** Reads the chosen file (with `password` when it asked for one) into the preview. */
async function previewImport(session, preview, password) {
  showError($('#import-error'), '');
  try {
    const tools = await loadTools();
    const shown = session.core.previewRead(await tools.readFile(importBytes, password));
    $('#import-password-form').hidden = true;
    importBytes = null;
    closeSettings();
    preview.show(shown);
  } catch (err) {
    if (err.code === 'password_required') {
      $('#import-password-label').textContent = err.params?.format ? msg('filePasswordFor', formatName(err.params.format)) : msg('filePassword');
      $('#import-password-form').hidden = false;
      $('#import-password').focus();
      return;
    }
    showError($('#import-error'), errorText(err));
    // Only a wrong password asks again; any other answer is about the file, and the form goes.
    if (err.code === 'wrong_passphrase' || err.code === 'wrong_password') $('#import-password').select();
    else $('#import-password-form').hidden = true;
  }
}

/** Lists the accounts to pick for a Google Authenticator export (all picked). */
function startMigration(session) {
  $('#migration-list').replaceChildren(...session.core.listed().map((a) => el('li', {}, el('label', {},
    el('input', { type: 'checkbox', checked: true, value: String(a.id) }), ' ', label(a)))));
  showError($('#migration-error'), '');
  $('#migration-form').hidden = false;
  $('#migration-form button[type=submit]').focus();
}

async function showMigration(e, session) {
  e.preventDefault();
  const ids = [...document.querySelectorAll('#migration-list input:checked')].map((b) => Number(b.value));
  if (ids.length === 0) { showError($('#migration-error'), msg('pickOne')); return; }
  let exported, tools;
  try {
    tools = await loadTools();
    exported = session.core.exportMigration(Float64Array.from(ids), crypto.getRandomValues(new Int32Array(1))[0]);
  } catch (err) {
    showError($('#migration-error'), errorText(err));
    return;
  }
  // Accounts Google Authenticator cannot hold are named, never silently changed.
  showError($('#migration-error'), exported.refused.map((r) => msg('migrationRefused', label(r), describe(r))).join('\n'));
  if (exported.parts.length === 0) return;
  const svgs = await Promise.all(exported.parts.map((p) => tools.qrSvg(p.uri)));
  showQrs(msg('migrationExportTitle'), exported.parts.map((p, i) => ({ svg: svgs[i], label: msg('partOf', p.index + 1, p.size) })));
}
