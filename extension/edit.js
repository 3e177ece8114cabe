// Changing one account from its row: its edit view in place (issuer, name, and its logo: a picker over
// the bundled logos, the letter, or the automatic one), and deleting it after a confirmation in the
// row itself (no browser dialog), with undo for a while after.
import { msg } from './ext.js';
import { el, label, errorText, showError, status } from './dom.js';
import { codesModule } from './wasm.js';
import { logoElement, pickLogo } from './logos.js';
import { offerUndo } from './undo.js';

let brands = null;   // logoBrands(), for the picker: made once

/** The picker's words in the user's language. */
const pickerWords = () => ({
  title: msg('logoPickerTitle'), search: msg('logoSearch'), letter: msg('logoLetter'),
  automatic: msg('logoAutomatic'), current: msg('logoCurrent'), none: msg('logoNone'),
});

/** The name of an account's logo choice: Automatic (and what it gives), Letter, or the brand's. */
function choiceName(choice, shown) {
  if (choice === 'letter') return msg('logoLetter');
  if (choice) return shown?.kind === 'brand' ? shown.title : choice;
  return shown?.kind === 'brand' ? `${msg('logoAutomatic')} (${shown.title})` : msg('logoAutomatic');
}

/**
 * The edit view's "Logo" button: shows the account's logo and choice; opens the picker, and stores
 * the choice (`setLogo`) as soon as it is made. `error` shows what went wrong.
 */
function logoButton(session, list, a, error) {
  const button = el('button', { type: 'button', className: 'logo-choice', attrs: { 'aria-haspopup': 'dialog' } });
  const row = { id: a.id, issuer: a.issuer, name: a.name, site: a.site };
  const show = () => {
    const choice = list.choices.get(a.id)?.logo ?? null;
    const [shown] = codesModule().logosOf([{ ...row, logo: choice }]);
    const words = `${msg('logo')}: ${choiceName(choice, shown)}`;
    button.replaceChildren(logoElement(shown), el('span', {}, words));
    button.setAttribute('aria-label', words);
  };
  button.addEventListener('click', async () => {
    const { logosOf, logoBrands } = codesModule();
    const [letter, automatic] = logosOf([{ ...row, logo: 'letter' }, { ...row, logo: null }]);
    const current = list.choices.get(a.id)?.logo ?? 'auto';
    const picked = await pickLogo(button, current, brands ??= logoBrands(), { letter, automatic, words: pickerWords() });
    if (picked === null || picked === current) return;
    try {
      session.core.setLogo(a.id, picked === 'auto' ? null : picked);
    } catch (err) {
      showError(error, errorText(err));
      return;
    }
    showError(error, '');
    if (!(await session.persist())) return;
    list.refreshChoices();
    show();
    status(button.getAttribute('aria-label'));
  });
  show();
  return button;
}

/** Replaces the row's entry with its edit view; Escape or Cancel keeps the names. */
export function startRename(session, list, a) {
  const r = list.rows.get(a.id);
  const issuer = el('input', { value: a.issuer ?? '', attrs: { 'aria-label': msg('issuer') } });
  const name = el('input', { value: a.name, attrs: { 'aria-label': msg('accountName') } });
  const error = el('p', { className: 'error', hidden: true, attrs: { role: 'alert' } });
  const back = () => { list.render(); list.rows.get(a.id)?.entry.focus(); };
  const form = el('form', { className: 'rename-form' }, issuer, name, logoButton(session, list, a, error), error,
    el('div', {}, el('button', { type: 'submit', textContent: msg('save') }), ' ',
      el('button', { type: 'button', textContent: msg('cancel'), onclick: back })));
  form.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); back(); } });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    session.core.rename(a.id, issuer.value, name.value);
    if (await session.persist()) back();
  });
  r.entry.replaceWith(form);
  issuer.focus();
}

/** Asks in the row itself; Escape or Cancel keeps the account. After deleting, undo is offered. */
export function confirmRemove(session, list, a) {
  const r = list.rows.get(a.id);
  const cancel = el('button', { type: 'button', className: 'cancel-delete', textContent: msg('cancel') });
  const confirmBar = el('li', { className: 'confirm-bar' }, el('div', { attrs: { role: 'alertdialog', 'aria-label': msg('confirmDelete', label(a)) } },
    el('span', {}, msg('confirmDelete', label(a))),
    el('button', { type: 'button', className: 'confirm-delete danger', textContent: msg('delete'), onclick: async () => {
      session.core.remove(a.id);
      if (!(await session.persist())) return;
      list.render();
      list.focus();
      offerUndo(session, list, msg('deletedNamed', label(a)));
      await session.purge();
    } }),
    cancel));
  const restore = () => { confirmBar.remove(); r.li.hidden = false; r.entry.focus(); };
  cancel.addEventListener('click', restore);
  confirmBar.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); restore(); } });
  r.li.hidden = true;
  r.li.after(confirmBar);
  cancel.focus();
}
