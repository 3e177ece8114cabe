// Undo, for ten seconds after a deletion or an import that replaced accounts (issue 27): a notice
// with "Undo" (also Ctrl+Z, or ⌘Z, outside text fields), said to screen readers. What undo brings
// back stays in the codes module's memory (`Authbar.undo()`: never stored, never here as secrets) and
// is dropped when the time is over, the vault locks, or the popup closes.
import { msg } from './ext.js';
import { $, el, label, errorText, showError, status } from './dom.js';

const UNDO_MS = 10_000;

let offered = null;   // {node, timer, session} while undo is offered

/** Ends the offer: the notice goes, and the core forgets what undo would bring back. */
export function endUndo() {
  if (!offered) return;
  clearTimeout(offered.timer);
  offered.node.remove();
  document.body.classList.remove('undoable');
  offered.session.core?.dropUndo?.();
  offered = null;
}

/**
 * Offers undo of the change the core just made (`done`: what was done, in words), when the core
 * holds one; says so to screen readers.
 */
export function offerUndo(session, list, done) {
  endUndo();
  if (!session.core?.canUndo) {
    status(done);
    return;
  }
  const button = el('button', { type: 'button', id: 'undo', textContent: msg('undo'), onclick: () => undo(session, list) });
  const node = el('div', { id: 'undo-notice', className: 'notice', attrs: { role: 'group', 'aria-label': msg('undo') } },
    el('span', {}, done), button);
  document.body.append(node);
  document.body.classList.add('undoable');
  offered = { node, session, timer: setTimeout(endUndo, UNDO_MS) };
  status(`${done} ${msg('undoHint')}`);
}

/** Undoes: what the change took out comes back (focused), and what it put in goes. */
async function undo(session, list) {
  let ids;
  try {
    ids = session.core.undo();
  } catch (err) {
    endUndo();
    showError($('#banner'), err?.code === 'nothing_to_undo' ? msg('undoExpired') : errorText(err));
    return;
  }
  endUndo();
  if (!(await session.persist())) return;
  list.render();
  // The account brought back takes the focus, so the next key acts on it.
  list.focus(ids[0]);
  const back = list.rows.get(ids[0])?.account;
  status(msg('undone', back ? label(back) : ''));
}

/** Ctrl+Z (⌘Z) undoes while the offer stands, except in a text field (where it undoes typing). */
export function wireUndoKey() {
  document.addEventListener('keydown', (e) => {
    if (!offered || e.key.toLowerCase() !== 'z' || !(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey) return;
    if (e.target.closest?.('input, textarea, select, [contenteditable]')) return;
    e.preventDefault();
    offered.node.querySelector('#undo').click();
  });
}
