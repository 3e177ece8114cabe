// The user's own order: pinning an account to the top, and moving one by keyboard (Alt+Up/Down on
// the focused row) or by dragging its row. Each is stored in the vault (order keys: a move changes
// only the moved account, and travels with sync) and said to screen readers ("Moved GitHub to
// position 3 of 12"). The tab's site's accounts still come first; an account moves among the rows
// of its own group (the site's, the pinned, the others), as the list shows them.
import { msg } from './ext.js';
import { $, label, errorText, showError, status } from './dom.js';

const DRAG_TYPE = 'application/x-authbar-account';

/** Which rows an account moves among: the site's accounts, then the pinned, then the others. */
function group(list, id) {
  return `${list.siteMatches.has(id)}:${list.pinned(id)}`;
}

/** Stores a change the core made; false (the error shown by app.js) when the write failed. */
async function stored(session, list, id) {
  if (!(await session.persist())) return false;
  list.render();
  list.focus(id);
  return true;
}

/** Pins an account to the top (the last of the pinned), or unpins it (the first of the others). */
export async function togglePin(session, list, a) {
  const pinned = !list.pinned(a.id);
  try {
    session.core.setPinned(a.id, pinned);
  } catch (err) {
    showError($('#banner'), errorText(err));
    return;
  }
  if (await stored(session, list, a.id)) status(msg(pinned ? 'pinnedStatus' : 'unpinnedStatus', label(a)));
}

/** Says where an account is now among the rows shown. */
function sayPlace(list, a, key) {
  const at = list.list.indexOf(a.id);
  status(msg(key, label(a), at + 1, list.list.items.length));
}

/**
 * Puts account `a` just before (or `after`) the account `target` in the user's order, when both are
 * in one group; else says it moves no further. The core takes the position in its list.
 */
async function placeBeside(session, list, a, target, after) {
  if (!target || target.id === a.id || group(list, target.id) !== group(list, a.id)) {
    sayPlace(list, a, 'moveNoFurther');
    return;
  }
  const order = [...list.places.keys()].filter((id) => id !== a.id);
  const to = order.indexOf(target.id) + (after ? 1 : 0);
  try {
    session.core.moveEntry(a.id, to);
  } catch (err) {
    showError($('#banner'), errorText(err));
    return;
  }
  if (await stored(session, list, a.id)) sayPlace(list, a, 'movedTo');
}

/** Alt+Up (`by` −1) or Alt+Down (+1): past the neighbouring row shown, in the same group. */
export function moveBy(session, list, a, by) {
  const shown = list.list.items;
  const target = shown[list.list.indexOf(a.id) + by];
  return placeBeside(session, list, a, target, by > 0);
}

/** Dragging a row onto another: dropped on its upper half, before it; on its lower half, after it. */
export function wireDrag(session, list) {
  const ul = $('#accounts');
  let dragged = null;   // the account being dragged
  let marked = null;    // the row marked as the drop place
  const unmark = () => { marked?.classList.remove('drop-before', 'drop-after'); marked = null; };
  /** The row under a drag event and whether the drop goes after it, or null where it cannot go. */
  const place = (e) => {
    const li = e.target.closest?.('li[data-id]');
    if (!dragged || !li) return null;
    const target = list.rows.get(Number(li.dataset.id))?.account;
    if (!target || target.id === dragged.id || group(list, target.id) !== group(list, dragged.id)) return null;
    const box = li.getBoundingClientRect();
    return { li, target, after: e.clientY > box.top + box.height / 2 };
  };
  ul.addEventListener('dragstart', (e) => {
    const li = e.target.closest?.('li[data-id]');
    const row = li && list.rows.get(Number(li.dataset.id));
    if (!row || !document.body.classList.contains('ready')) { e.preventDefault(); return; }
    dragged = row.account;
    e.dataTransfer.setData(DRAG_TYPE, String(row.id));
    e.dataTransfer.effectAllowed = 'move';
    li.classList.add('dragged');
  });
  ul.addEventListener('dragover', (e) => {
    const at = place(e);
    unmark();
    if (!at) return;
    e.preventDefault();
    e.stopPropagation();
    e.dataTransfer.dropEffect = 'move';
    marked = at.li;
    marked.classList.add(at.after ? 'drop-after' : 'drop-before');
  });
  ul.addEventListener('drop', (e) => {
    const at = place(e);
    unmark();
    if (!at) return;
    e.preventDefault();
    e.stopPropagation();
    const a = dragged;
    dragged = null;
    placeBeside(session, list, a, at.target, at.after);
  });
  ul.addEventListener('dragend', (e) => {
    unmark();
    e.target.closest?.('li')?.classList.remove('dragged');
    dragged = null;
  });
}

/** Whether a drag carries a row of the list (not files to import). */
export const isRowDrag = (e) => !!e.dataTransfer?.types?.includes(DRAG_TYPE);
