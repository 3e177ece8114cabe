// Changing one account from its row: renaming it in place, and deleting it after a confirmation in the
// row itself (no browser dialog).
import { msg } from './ext.js';
import { el, label, status } from './dom.js';

/** Replaces the row's entry with a rename form; Escape or Cancel keeps the names. */
export function startRename(session, list, a) {
  const r = list.rows.get(a.id);
  const issuer = el('input', { value: a.issuer ?? '', attrs: { 'aria-label': msg('issuer') } });
  const name = el('input', { value: a.name, attrs: { 'aria-label': msg('accountName') } });
  const back = () => { list.render(); list.rows.get(a.id)?.entry.focus(); };
  const form = el('form', { className: 'rename-form' }, issuer, name,
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

/** Asks in the row itself; Escape or Cancel keeps the account. */
export function confirmRemove(session, list, a) {
  const r = list.rows.get(a.id);
  const cancel = el('button', { type: 'button', className: 'cancel-delete', textContent: msg('cancel') });
  const confirmBar = el('li', { className: 'confirm-bar' }, el('div', { attrs: { role: 'alertdialog', 'aria-label': msg('confirmDelete', label(a)) } },
    el('span', {}, msg('confirmDelete', label(a))),
    el('button', { type: 'button', className: 'confirm-delete danger', textContent: msg('delete'), onclick: async () => {
      session.core.remove(a.id);
      if (!(await session.persist())) return;
      list.render();
      status(msg('deleted'));
      list.focus();
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
