// What a row does with its code: copy it, fill it into the tab's page (asking first where the page is
// not the account's site), or (HOTP) move to the next.
import { msg } from './ext.js';
import { $, el, label, showError, status } from './dom.js';
import { isToolbarPopup } from './tab.js';
import { fillCode } from './inpage.js';

/** Copies a row's code to the clipboard and says so (a badge on the row, and to screen readers). */
export async function copy(list, row) {
  const code = list.ticker.codeOf(row.id);
  if (!code) return;
  try {
    await navigator.clipboard.writeText(code);
    const badge = row.entry.querySelector('.copied-badge');
    row.entry.classList.add('copied');
    badge.textContent = msg('copiedShort');
    setTimeout(() => { row.entry.classList.remove('copied'); badge.textContent = ''; }, 1200);
    status(msg('copied'));
  } catch {
    status(msg('copyFailed'));
  }
}

/**
 * Puts an account's current code into the tab's page, when the page is the account's site (the core
 * decides: its stored site, or for an account with none, its issuer naming the site). On any other
 * page it asks first, naming both (`confirmFill`): a look-alike site gets a code only when the person
 * says so, and the account's site changes only when they choose to remember it. The page must still
 * be at the origin the popup saw. Without a field to fill, the code is copied instead, and the popup
 * says why.
 */
export async function fill(session, list, row) {
  if (!list.siteMatches.has(row.id)) {
    confirmFill(session, list, row);
    return;
  }
  await fillNow(session, list, row, false);
}

/** Asks in the list, below the row, whether to fill on a site that is not the account's. */
function confirmFill(session, list, row) {
  // One question at a time: an earlier one is answered "Cancel".
  $('#fill-cancel')?.click();
  const { tab } = session;
  const a = row.account;
  const who = a.issuer || label(a);
  const question = a.site ? msg('fillOtherSite', who, a.site, tab.host) : msg('fillUnknownSite', who, tab.host);
  const cancel = el('button', { type: 'button', id: 'fill-cancel', textContent: msg('cancel') });
  const answer = (remember) => async () => {
    bar.remove();
    row.li.hidden = false;
    await fillNow(session, list, row, remember);
  };
  const bar = el('li', { className: 'confirm-bar' }, el('div', { attrs: { role: 'alertdialog', 'aria-label': question } },
    el('span', {}, question),
    el('button', { type: 'button', id: 'fill-confirm', textContent: msg('fillAnyway'), onclick: answer(false) }),
    el('button', { type: 'button', id: 'fill-remember', textContent: msg('fillRemember', tab.host), onclick: answer(true) }),
    cancel));
  const restore = () => { bar.remove(); row.li.hidden = false; row.entry.focus(); };
  cancel.addEventListener('click', restore);
  bar.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); restore(); } });
  row.li.hidden = true;
  row.li.after(bar);
  // The safe answer has focus: Enter pressed twice never gives a look-alike site a code.
  cancel.focus();
}

/** Fills the code; `remember`: the person chose to tie the account to this site. */
async function fillNow(session, list, row, remember) {
  const code = list.ticker.codeOf(row.id);
  if (!code) return;
  const { tab } = session;
  let result;
  try {
    result = await fillCode(tab, code);
  } catch {
    result = { filled: false, reason: 'failed' };
  }
  if (result.filled) {
    showError($('#banner'), '');
    status(msg('filled'));
    if (remember && tab.host) {
      session.core.setSite(row.id, tab.host);
      if (!(await session.persist())) return;
    }
    if (await isToolbarPopup()) window.close();
    return;
  }
  if (result.reason === 'navigated') { showError($('#banner'), msg('fillNavigated')); return; }
  await copy(list, row);
  showError($('#banner'), msg({ several: 'fillSeveral', none: 'fillNone' }[result.reason] ?? 'fillFailed'));
}

/** HOTP: moves the counter on and shows the new code. */
export async function nextHotp(session, list, row) {
  session.core.nextHotp(row.id);
  list.ticker.invalidate();
  if (await session.persist()) list.ticker.tick();
}
