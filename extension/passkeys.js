// Passkeys and security keys (issue 26): "Unlock with passkey" on the lock screen, and Settings' list
// of the vault's passkeys with adding (needs the current passphrase) and removing. The slots and their
// rules are the core's; the ceremonies are webauthn.js; this asks, has the session store, and shows.
// Where the browser's passkey dialog would close the toolbar popup, the ceremony runs in the
// popped-out window (`?window=1&passkey=unlock|add`).
import { msg, LANGUAGE, PASSKEYS_IN_EXTENSION_PAGES, isInTab, popOut } from './ext.js';
import { $, el, showError, errorText, status, slow } from './dom.js';
import { webauthnAvailable, evaluate, enrol } from './webauthn.js';

// A ceremony's own failures (webauthn.js), in the words of the locale.
const CEREMONY_WORDS = {
  passkey_not_used: 'passkeyNotUsed',
  passkey_already_added: 'passkeyAlreadyAdded',
  passkey_unsupported: 'passkeyUnsupported',
};

/** Whether passkeys can be used on this page: Firefox refuses WebAuthn to extension pages. */
const usable = () => PASSKEYS_IN_EXTENSION_PAGES && webauthnAvailable();

/** A failed unlock or enrolment in words: the ceremony's, or the core's (`passkey_rejected`, …). */
function failure(err, enrolling) {
  if (err?.code === 'passkey_no_prf') return msg(enrolling ? 'passkeyNoPrf' : 'passkeyNoPrfUnlock');
  const key = CEREMONY_WORDS[err?.code];
  return key ? msg(key) : errorText(err);
}

let runsHere = null; // a promise, asked once

/**
 * Whether a ceremony can run on this page. The toolbar popup closes when the browser's or the
 * system's passkey dialog takes focus, which ends the ceremony: there it runs in a window of its own.
 */
function ceremonyRunsHere() {
  runsHere ??= new URLSearchParams(location.search).has('window') ? Promise.resolve(true) : isInTab();
  return runsHere;
}

/** Opens the popped-out window to run `then` (`unlock` or `add`) there, and closes the toolbar popup. */
async function continueInWindow(session, then) {
  await popOut(session.tab?.id, { passkey: then });
  window.close();
}

/** "Passkey", or "Passkey 2" (3, …) when that name is taken. */
function defaultName(slots) {
  const base = msg('passkeyDefaultName');
  const taken = new Set(slots.map((s) => s.name));
  let name = base;
  for (let n = 2; taken.has(name); n += 1) name = `${base} ${n}`;
  return name;
}

let shownSlots = null; // the slots the Settings list shows, as JSON: redrawn only when they change

/** Shows the lock screen's passkey button and Settings' passkey part as the state and the browser allow. */
export function showPasskeys(session) {
  const slots = session.passkeys;
  const canUse = usable();
  const offer = session.locked && slots.length > 0;
  $('#passkey-unlock').hidden = !offer || !canUse;
  $('#passkey-unlock-unavailable').hidden = !offer || canUse;
  $('#passkey-form').hidden = !canUse;
  $('#passkeys-unavailable').hidden = canUse;
  const name = $('#passkey-name');
  if (!name.dataset.edited) name.value = defaultName(slots);
  const json = JSON.stringify(slots);
  if (json !== shownSlots) {
    shownSlots = json;
    renderList(session, slots);
  }
}

function renderList(session, slots) {
  const list = $('#passkey-list');
  const date = new Intl.DateTimeFormat(LANGUAGE, { dateStyle: 'medium' });
  list.replaceChildren(...slots.map((slot) => {
    const li = el('li', { className: 'passkey' });
    const remove = el('button', { type: 'button', className: 'passkey-remove', textContent: msg('passkeyRemove'),
      attrs: { 'aria-label': msg('passkeyRemoveNamed', slot.name) } });
    const row = el('div', { className: 'passkey-row' },
      el('div', { className: 'what' },
        el('span', { className: 'passkey-name', textContent: slot.name }),
        el('span', { className: 'hint', textContent: msg('passkeyAddedOn', date.format(new Date(slot.addedAt * 1000))) }),
        el('span', { className: `hint passkey-where${slot.synced ? ' synced' : ''}`, textContent: msg(slot.synced ? 'passkeySynced' : 'passkeyDeviceOnly') })),
      remove);
    remove.addEventListener('click', () => confirmRemove(session, li, row, slot));
    li.append(row);
    return li;
  }));
  list.hidden = slots.length === 0;
}

/** Asks in the list item itself, as the account list does; Escape or Cancel keeps the passkey. */
function confirmRemove(session, li, row, slot) {
  const question = msg('passkeyConfirmRemove', slot.name);
  const cancel = el('button', { type: 'button', className: 'passkey-remove-cancel', textContent: msg('cancel') });
  const bar = el('div', { className: 'confirm-bar', attrs: { role: 'alertdialog', 'aria-label': question } },
    el('span', {}, question),
    el('button', { type: 'button', className: 'passkey-remove-confirm danger', textContent: msg('passkeyRemove'), onclick: async (e) => {
      showError($('#passkey-error'), '');
      await slow(e.currentTarget, async () => {
        try {
          await session.removePasskey(slot.credentialId);
        } catch (err) {
          restore();
          reportError(err);
          return;
        }
        status(msg('passkeyRemoved'));
        $('#passkey-name').focus();
      });
    } }),
    cancel);
  const restore = () => { bar.remove(); row.hidden = false; row.querySelector('.passkey-remove')?.focus(); };
  cancel.addEventListener('click', restore);
  bar.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); restore(); } });
  row.hidden = true;
  li.append(bar);
  cancel.focus();
}

/** An error of adding or removing: a failed write in the banner (nothing changed), the rest under the list. */
function reportError(err, enrolling = false) {
  if (err?.saving) showError($('#banner'), msg('saveFailed', err.message));
  else showError($('#passkey-error'), failure(err, enrolling));
}

/** Unlocks with a passkey of the vault; on failure says why, and nothing has changed. */
async function unlockWithPasskey(session, list) {
  const errorNode = $('#passkey-unlock-error');
  showError(errorNode, '');
  showError($('#unlock-error'), '');
  if (!(await ceremonyRunsHere())) {
    await continueInWindow(session, 'unlock');
    return;
  }
  await slow($('#unlock-passkey'), async () => {
    try {
      const { credentialId, prfOutput } = await evaluate(session.passkeys);
      try {
        await session.unlockWithPasskey(credentialId, prfOutput);
      } finally {
        prfOutput.fill(0);
      }
    } catch (err) {
      showError(errorNode, failure(err, false));
      return;
    }
    status(msg('unlocked'));
    list.focus();
  });
  if (session.locked) $('#unlock-passkey').focus();
}

/**
 * Adds a passkey: the current passphrase is checked first (so a wrong one leaves no stray credential
 * on the authenticator), then the authenticator creates the credential and gives its PRF output, and
 * the core wraps the data key in a new slot, stored only once it reads back.
 */
async function addPasskey(session) {
  const errorNode = $('#passkey-error');
  showError(errorNode, '');
  if (!(await ceremonyRunsHere())) {
    await continueInWindow(session, 'add');
    return;
  }
  const passphrase = $('#passkey-passphrase').value;
  if (passphrase === '') {
    showError(errorNode, msg('enterPassphrase'));
    $('#passkey-passphrase').focus();
    return;
  }
  const slots = session.passkeys;
  const name = $('#passkey-name').value.trim() || defaultName(slots);
  await slow($('#passkey-add'), async () => {
    try {
      await session.checkPassphrase(passphrase);
      const created = await enrol(slots.map((s) => s.credentialId));
      try {
        await session.addPasskey(passphrase, { ...created, name });
      } finally {
        created.prfOutput.fill(0);
      }
    } catch (err) {
      reportError(err, true);
      if (err?.code === 'wrong_passphrase') $('#passkey-passphrase').select();
      return;
    }
    $('#passkey-passphrase').value = '';
    delete $('#passkey-name').dataset.edited;
    showPasskeys(session);
    status(msg('passkeyAdded', name));
  });
}

/** Wires the lock screen's passkey button and Settings' passkey form. */
export function wirePasskeys(session, list) {
  $('#unlock-passkey').addEventListener('click', () => unlockWithPasskey(session, list));
  $('#passkey-form').addEventListener('submit', (e) => {
    e.preventDefault();
    addPasskey(session);
  });
  $('#passkey-name').addEventListener('input', (e) => { e.currentTarget.dataset.edited = '1'; });
  // In the toolbar popup the form only opens the window: its fields would be typed in vain.
  ceremonyRunsHere().then((here) => document.body.classList.toggle('passkey-elsewhere', !here));
}

/**
 * In a window opened to run a ceremony (`passkey=unlock|add`): starts the unlock at once (the window
 * has the focus the dialog needs), or opens Settings at the passkey form. Runs once: the query goes.
 */
export function resumePasskey(session, list, openSettings) {
  const params = new URLSearchParams(location.search);
  const then = params.get('passkey');
  if (!then) return;
  params.delete('passkey');
  history.replaceState(null, '', `${location.pathname}?${params}`);
  if (!usable()) return;
  if (then === 'unlock' && session.locked && session.passkeys.length > 0) unlockWithPasskey(session, list);
  if (then === 'add' && !session.locked && session.protected) openSettings('#passkey-passphrase');
}
