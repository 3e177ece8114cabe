// One account's row in the list: the logo's box (empty in the first paint, filled once the logos are
// chosen, so nothing moves), the entry (issuer, name, code: a click copies, Enter fills), the
// countdown ring, and the actions (HOTP's next code, and a menu of the rarely used ones). A row can
// be dragged to another place (arrange.js listens on the list).
import { msg } from './ext.js';
import { el, label, breakAfterAt } from './dom.js';

const LOW_SECONDS = 5;      // the ring turns red in the last seconds
const SVG = 'http://www.w3.org/2000/svg';

const svgEl = (tag, attrs) => {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
};

/** The countdown ring: the arc left is the fraction of the step left, with the seconds inside. */
function ring() {
  const r = 11, c = 2 * Math.PI * r;
  const svg = svgEl('svg', { viewBox: '0 0 28 28', class: 'ring', 'aria-hidden': 'true' });
  const left = svgEl('circle', { class: 'left', cx: 14, cy: 14, r, 'stroke-dasharray': c });
  const text = svgEl('text', { x: 14, y: 14 });
  svg.append(svgEl('circle', { class: 'track', cx: 14, cy: 14, r }), left, text);
  return { svg, update(s, f) {
    left.setAttribute('stroke-dashoffset', String(c * (1 - f)));
    text.textContent = String(s);
    svg.classList.toggle('low', s <= LOW_SECONDS);
  } };
}

/** The pin's mark beside the issuer: an image named "Pinned", so the row's name says it. */
function pinMark() {
  const svg = svgEl('svg', { viewBox: '0 0 16 16', class: 'pin-mark', role: 'img', 'aria-label': msg('pinnedLabel') });
  svg.append(svgEl('path', { d: 'M6 1.5h4l-.6 4.2 2.6 2.3v1.3H4V8l2.6-2.3zM8 9.3v5.2' }));
  return svg;
}

/**
 * A row for account `a` (`listed()`'s `{id, type, issuer, name, site}`). `forSite`: it belongs to the
 * tab's site; `canFill`: the popup has a page to fill; `pinned`: it is pinned; `act(name, a, row)`
 * runs an action (`copy`, `fill`, `next`, `qr`, `rename`, `pin`, `delete`, `moveUp`, `moveDown`).
 * Returns `{id, li, entry, code, ring, slot, account}`: `slot` is the logo's box.
 */
export function makeRow(a, { forSite, canFill, pinned = false, act }) {
  const code = el('span', { className: 'code' });
  const slot = el('span', { className: 'logo-slot', attrs: { 'aria-hidden': 'true' } });
  const row = { id: a.id, li: null, code, ring: null, slot, account: a, entry: null, expiresAt: 0, periodMs: 1, shown: -1 };
  // The row's name comes from its content (issuer, name, code), so a screen reader reads the digits;
  // the whole name wraps rather than being cut.
  const entry = el('div', { className: 'entry', tabIndex: -1, title: `${label(a)}\n${msg('moveHint')}`, attrs: { role: 'button', 'aria-describedby': 'copy-hint' } },
    el('span', { className: 'issuer' }, a.issuer ?? ''),
    el('span', { className: 'name' }, breakAfterAt(a.name || (a.issuer ? '' : '—'))),
    code,
    el('span', { className: 'copied-badge', attrs: { 'aria-hidden': 'true' } }));
  if (forSite) entry.append(el('span', { className: 'site-badge' }, msg('forThisSite')));
  entry.addEventListener('click', () => act('copy', a, row));
  // Enter fills the code into the page when there is one (choosing this account explicitly); Space copies.
  entry.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    act(e.key === 'Enter' && canFill ? 'fill' : 'copy', a, row);
  });
  const actions = el('div', { className: 'actions' });
  if (a.type === 'hotp') {
    actions.append(el('button', { type: 'button', className: 'next', tabIndex: -1, textContent: msg('next'), onclick: () => act('next', a, row) }));
  }
  const item = (className, key, action) => el('button', { type: 'button', className, textContent: msg(key), onclick: () => act(action, a, row) });
  // Rarely used actions sit behind one menu button, so the name keeps its room.
  const menu = el('details', { className: 'menu' },
    el('summary', { tabIndex: -1, attrs: { 'aria-label': msg('actionsFor', label(a)) } }, '⋯'),
    el('div', { className: 'menu-items' },
      canFill ? item('fill', 'fill', 'fill') : null,
      item('qr', 'showQr', 'qr'),
      item('pin', 'pin', 'pin'),
      item('rename', 'edit', 'rename'),
      item('delete', 'delete', 'delete')));
  // Any pick closes the menu; so does Escape.
  menu.addEventListener('click', (e) => { if (e.target.closest('.menu-items button')) menu.open = false; });
  menu.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && menu.open) { e.stopPropagation(); menu.open = false; menu.querySelector('summary').focus(); }
  });
  actions.append(menu);
  const li = el('li', { className: forSite ? 'match' : '', draggable: true, attrs: { 'data-id': String(a.id) } });
  li.append(slot, entry);
  // TOTP and Steam codes roll with time: a countdown; HOTP waits for "next".
  if (a.type !== 'hotp') {
    row.ring = ring();
    li.append(row.ring.svg);
  }
  li.append(actions);
  row.li = li;
  row.entry = entry;
  showPinned(row, pinned);
  return row;
}

/**
 * Shows whether a row's account is pinned: its mark (named "Pinned") before the issuer, and its
 * menu's "Pin" or "Unpin". In place, so a row of the first paint (whose reader knows no pins'
 * marks) keeps its focus when the codes module says it is pinned.
 */
export function showPinned(row, pinned) {
  const { li } = row;
  if (li.classList.contains('pinned') === pinned) return;
  li.classList.toggle('pinned', pinned);
  const issuer = li.querySelector('.issuer');
  if (pinned) issuer.prepend(pinMark());
  else issuer.querySelector('.pin-mark')?.remove();
  li.querySelector('.menu-items .pin').textContent = msg(pinned ? 'unpin' : 'pin');
}
