// The vault's protection and the ways accounts come and go as files: passphrase (set, change, remove),
// lock and unlock, auto-lock, the first-run offer and its notices, encrypted backups, import from a
// file, plain export. The rules and the cryptography are the core's (wasm); this module only asks,
// stores and shows.
import {
  msg, saveSettings, loadHeldKey, holdKey, forgetKey, replaceVault, loadVault, purgeOldValues,
} from './ext.js';
import { $, el, showError, download, describe, formatName } from './dom.js';
import { loadTools, prefetchTools } from './wasm.js';

let app;              // {core(), reload(text), ownWrite(text), render(), showPreview(p), showQrs(title, items), status(t), closeAdd()}
let settings;         // ext.js DEFAULT_SETTINGS shape
let held = null;      // the data key (base64) while unlocked and protected
let lockAt = 0;       // ms; 0: no idle lock
let lastTouch = 0;
let importBytes = null;

/** Words an error for the user: the vault's own errors with what to do next, the rest by `describe`. */
export function errorText(err) {
  const known = {
    wrong_passphrase: 'wrongPassphrase',
    passphrase_too_short: 'passphraseTooShort',
    sealed_tampered: 'vaultTampered',
    sealed_corrupt: 'vaultCorrupt',
    vault_corrupt: 'vaultCorrupt',
    sealed_future_version: 'futureSchema',
    vault_future_schema: 'futureSchema',
    key_rejected: 'keyRejected',
    random_failed: 'randomFailed',
  };
  const key = known[err?.code];
  return key ? msg(key) : describe(err);
}

const touchMs = 20_000;

/** Restarts the idle timer (at most every 20 s) while the user works in the popup. */
async function touch(force = false) {
  const core = app.core();
  if (!held || core.locked) return;
  const now = Date.now();
  if (!force && now - lastTouch < touchMs) return;
  lastTouch = now;
  lockAt = await holdKey(held, settings.autoLockMinutes, now);
}

/** Called once a second by the popup's clock: locks when the idle time is over. */
export function checkIdle(now = Date.now()) {
  if (held && lockAt && now >= lockAt) lockNow();
}

/** Locks: the accounts and the key leave memory (and memory-only storage). */
export async function lockNow() {
  const core = app.core();
  core.lock();
  app.closeAdd();
  $('#preview').hidden = true;
  held = null;
  lockAt = 0;
  await forgetKey();
  show();
  app.render();
  $('#unlock-passphrase').focus();
}

/** After the popup loaded the vault: unlock with a held key, or show the lock screen. */
export function start(context, { settings: stored, heldKey }) {
  app = context;
  settings = stored;
  const core = app.core();
  if (core && core.protected && heldKey) {
    try {
      core.unlockWithKey(heldKey);
      held = heldKey;
      // Restarting the idle timer needs no wait: until it is stored, the previous deadline holds.
      touch(true).catch(() => {});
    } catch {
      // The vault was re-keyed elsewhere or the key is stale: ask for the passphrase.
      forgetKey().catch(() => {});
    }
  }
  wire();
  show();
}

/** Shows what fits the state: lock screen, offer, notices, the settings' forms. */
export function show() {
  const core = app.core();
  const readonly = document.body.classList.contains('readonly');
  const locked = !!core && core.locked;
  const isProtected = !!core && core.protected;
  document.body.classList.toggle('locked', locked);
  $('#lock-screen').hidden = !locked;
  $('#lock-now').hidden = !isProtected || locked;
  const hasAccounts = !locked && !readonly && core.size > 0;
  $('#protect-offer').hidden = readonly || locked || isProtected || settings.protectDeclined;
  $('#unprotected-notice').hidden = readonly || isProtected || !settings.protectDeclined || settings.noticeDismissed;
  $('#backup-reminder').hidden = readonly || locked || !hasAccounts || settings.lastBackupAt > 0 || settings.reminderDismissed;
  if (!$('#backup-reminder').hidden) $('#backup-reminder-text').textContent = msg('backupReminder');
  $('#set-passphrase-form').hidden = isProtected;
  $('#protected-settings').hidden = !isProtected;
  $('#auto-lock').value = String(settings.autoLockMinutes);
  if (locked || readonly) closeSettings();
}

async function updateSettings(patch) {
  settings = { ...settings, ...patch };
  await saveSettings(settings);
  show();
}

export function openSettings(focus = null) {
  prefetchTools();
  app.closeAdd();
  $('#settings').hidden = false;
  $('#toggle-settings').setAttribute('aria-expanded', 'true');
  (focus ? $(focus) : $('#settings-title')).focus?.();
}

export function closeSettings() {
  $('#settings').hidden = true;
  $('#toggle-settings').setAttribute('aria-expanded', 'false');
}

/** Runs a slow (Argon2id) step after the browser painted the "working" state of `button`. */
async function slow(button, fn) {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = msg('working');
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

/** Two entries of a new passphrase: the same, and what the core accepts (it checks the length). */
function newPassphrase(a, b, errorNode) {
  if ($(a).value !== $(b).value) {
    showError($(errorNode), msg('passphrasesDiffer'));
    return null;
  }
  return $(a).value;
}

/** Stores a vault whose protection changed: the old text stays until the new one reads back. */
async function storeReplacing(previous) {
  const core = app.core();
  try {
    const text = core.toJson();
    app.ownWrite(text);
    await replaceVault(text, (back) => core.readsBack(back));
    return true;
  } catch (e) {
    // Back to exactly what is stored.
    app.reload(previous);
    showError($('#banner'), msg('saveFailed', e.message));
    return false;
  }
}

async function unlock(e) {
  e.preventDefault();
  const errorNode = $('#unlock-error');
  showError(errorNode, '');
  const button = $('#unlock-form button[type=submit]');
  await slow(button, async () => {
    try {
      held = app.core().unlock($('#unlock-passphrase').value);
    } catch (err) {
      showError(errorNode, errorText(err));
      $('#unlock-passphrase').select();
      return;
    }
    $('#unlock-passphrase').value = '';
    await touch(true);
    show();
    app.render();
    app.status(msg('unlocked'));
    ($('#accounts .entry') ?? $('#toggle-add')).focus();
  });
}

async function setPassphrase(e) {
  e.preventDefault();
  showError($('#set-error'), '');
  const pass = newPassphrase('#set-new', '#set-repeat', '#set-error');
  if (pass === null) return;
  const previous = await currentText();
  await slow($('#set-passphrase-form button[type=submit]'), async () => {
    try {
      held = app.core().setPassphrase(pass);
    } catch (err) {
      showError($('#set-error'), errorText(err));
      return;
    }
    if (!(await storeReplacing(previous))) { held = null; return; }
    await touch(true);
    $('#set-new').value = $('#set-repeat').value = '';
    show();
    app.status(msg('passphraseSet'));
    $('#lock-now').focus();
    await purgeOldValues().catch((err) => showError($('#banner'), errorText(err)));
  });
}

async function changePassphrase(e) {
  e.preventDefault();
  showError($('#change-error'), '');
  const pass = newPassphrase('#change-new', '#change-repeat', '#change-error');
  if (pass === null) return;
  const previous = await currentText();
  await slow($('#change-passphrase-form button[type=submit]'), async () => {
    try {
      app.core().changePassphrase($('#change-current').value, pass);
    } catch (err) {
      showError($('#change-error'), errorText(err));
      return;
    }
    if (!(await storeReplacing(previous))) return;
    for (const id of ['#change-current', '#change-new', '#change-repeat']) $(id).value = '';
    app.status(msg('passphraseChanged'));
    await purgeOldValues().catch((err) => showError($('#banner'), errorText(err)));
  });
}

async function removePassphrase(e) {
  e.preventDefault();
  showError($('#remove-error'), '');
  const previous = await currentText();
  await slow($('#remove-passphrase-form button[type=submit]'), async () => {
    try {
      app.core().removePassphrase($('#remove-current').value);
    } catch (err) {
      showError($('#remove-error'), errorText(err));
      return;
    }
    if (!(await storeReplacing(previous))) return;
    held = null;
    lockAt = 0;
    await forgetKey();
    $('#remove-current').value = '';
    $('#remove-passphrase').open = false;
    await updateSettings({ protectDeclined: true, noticeDismissed: false });
    app.status(msg('passphraseRemoved'));
    await purgeOldValues().catch((err) => showError($('#banner'), errorText(err)));
  });
}

const currentText = loadVault;

async function exportBackup(e) {
  e.preventDefault();
  showError($('#backup-error'), '');
  const pass = newPassphrase('#backup-new', '#backup-repeat', '#backup-error');
  if (pass === null) return;
  await slow($('#backup-form button[type=submit]'), async () => {
    let text;
    try {
      text = app.core().exportBackup(pass);
    } catch (err) {
      showError($('#backup-error'), errorText(err));
      return;
    }
    download(`authbar-backup-${new Date().toISOString().slice(0, 10)}.authbar`, text, 'application/octet-stream');
    $('#backup-new').value = $('#backup-repeat').value = '';
    await updateSettings({ lastBackupAt: Date.now() });
    app.status(msg('backupSaved'));
  });
}

async function chooseImport(e) {
  const file = e.target.files[0];
  e.target.value = '';
  if (!file) return;
  importBytes = new Uint8Array(await file.arrayBuffer());
  $('#import-password').value = '';
  await previewImport(null);
}

async function previewImport(password) {
  showError($('#import-error'), '');
  try {
    const tools = await loadTools();
    const preview = app.core().previewRead(tools.readFile(importBytes, password));
    $('#import-password-form').hidden = true;
    importBytes = null;
    closeSettings();
    app.showPreview(preview);
  } catch (err) {
    if (err.code === 'password_required') {
      $('#import-password-label').textContent = err.params?.format ? msg('filePasswordFor', formatName(err.params.format)) : msg('filePassword');
      $('#import-password-form').hidden = false;
      $('#import-password').focus();
      return;
    }
    showError($('#import-error'), errorText(err));
    if (err.code === 'wrong_passphrase' || err.code === 'wrong_password') $('#import-password').select();
  }
}

function plainExport() {
  const text = app.core().exportOtpauth(null);
  download('authbar-accounts.txt', text, 'text/plain');
  $('#plain-export-confirm').hidden = true;
  app.status(msg('plainExported'));
}

/** Lists the accounts to pick for a Google Authenticator export (all picked). */
function startMigration() {
  const list = $('#migration-list');
  list.replaceChildren(...app.core().listed().map((a) => el('li', {}, el('label', {},
    el('input', { type: 'checkbox', checked: true, value: String(a.id) }), ' ', [a.issuer, a.name].filter(Boolean).join(' – ')))));
  showError($('#migration-error'), '');
  $('#migration-form').hidden = false;
  $('#migration-form button[type=submit]').focus();
}

async function showMigration(e) {
  e.preventDefault();
  const ids = [...document.querySelectorAll('#migration-list input:checked')].map((b) => Number(b.value));
  if (ids.length === 0) { showError($('#migration-error'), msg('pickOne')); return; }
  let exported, tools;
  try {
    tools = await loadTools();
    exported = app.core().exportMigration(Float64Array.from(ids), crypto.getRandomValues(new Int32Array(1))[0]);
  } catch (err) {
    showError($('#migration-error'), errorText(err));
    return;
  }
  // Accounts Google Authenticator cannot hold are named, never silently changed.
  showError($('#migration-error'), exported.refused.map((r) => msg('migrationRefused', [r.issuer, r.name].filter(Boolean).join(' – '), describe(r))).join('\n'));
  if (exported.parts.length === 0) return;
  app.showQrs(msg('migrationExportTitle'), exported.parts.map((p) => ({ svg: tools.qrSvg(p.uri), label: msg('partOf', p.index + 1, p.size) })));
}

function wire() {
  $('#unlock-form').addEventListener('submit', unlock);
  $('#lock-now').addEventListener('click', lockNow);
  $('#set-passphrase-form').addEventListener('submit', setPassphrase);
  $('#change-passphrase-form').addEventListener('submit', changePassphrase);
  $('#remove-passphrase-form').addEventListener('submit', removePassphrase);
  $('#backup-form').addEventListener('submit', exportBackup);
  $('#import-file').addEventListener('change', chooseImport);
  $('#import-password-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = $('#import-password-form button[type=submit]');
    await slow(button, () => previewImport($('#import-password').value));
  });
  $('#plain-export').addEventListener('click', () => { $('#plain-export-confirm').hidden = false; $('#plain-export-go').focus(); });
  $('#plain-export-cancel').addEventListener('click', () => { $('#plain-export-confirm').hidden = true; $('#plain-export').focus(); });
  $('#plain-export-go').addEventListener('click', plainExport);
  $('#migration-export').addEventListener('click', startMigration);
  $('#migration-form').addEventListener('submit', showMigration);
  $('#auto-lock').addEventListener('change', async () => {
    await updateSettings({ autoLockMinutes: Number($('#auto-lock').value) });
    await touch(true);
  });
  $('#toggle-settings').addEventListener('click', () => ($('#settings').hidden ? openSettings() : closeSettings()));
  for (const b of document.querySelectorAll('[data-action=set-passphrase]')) {
    b.addEventListener('click', () => openSettings('#set-new'));
  }
  for (const b of document.querySelectorAll('[data-action=backup]')) {
    b.addEventListener('click', () => openSettings('#backup-new'));
  }
  $('#protect-decline').addEventListener('click', () => updateSettings({ protectDeclined: true }));
  $('#notice-dismiss').addEventListener('click', () => updateSettings({ noticeDismissed: true }));
  $('#reminder-dismiss').addEventListener('click', () => updateSettings({ reminderDismissed: true }));
  for (const type of ['pointerdown', 'keydown']) document.addEventListener(type, () => touch(), { passive: true });
}

/** Another popup locked the vault (or the service worker did): follow. */
export function lockedElsewhere() {
  if (held) lockNow();
}

/** Another popup unlocked the vault (or protected it): follow, with the key it holds. */
export async function unlockedElsewhere(key) {
  const core = app.core();
  if (!core?.protected || !core.locked || key === held) return;
  try {
    core.unlockWithKey(key);
    held = key;
    show();
    app.render();
  } catch { /* a key for another vault text: stay locked */ }
}

/**
 * Opens a freshly loaded vault (another popup's write, or a reload after a failed one) with the key
 * this popup holds, or the one another popup put in memory-only storage.
 */
export async function adopt(next) {
  if (!next.protected) {
    held = null;
    return;
  }
  for (const key of [held, await loadHeldKey()]) {
    if (!key) continue;
    try {
      next.unlockWithKey(key);
      held = key;
      return;
    } catch { /* re-keyed elsewhere: try the other, else stay locked */ }
  }
  held = null;
}
