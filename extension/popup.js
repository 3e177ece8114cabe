// The popup: the account list with rolling codes, managing the accounts, and the preview of what an
// import would add. The Add view is add.js, Settings vault.js. Codes come from the WebAssembly core;
// this page only reads the clock.
import { openStored, loadCodes, loadTools } from './wasm.js';
import { msg, loadVault, loadStart, saveVault, watchStorage, popOut, purgeOldValues } from './ext.js';
import { $, el, localize, showError, describe, breakAfterAt } from './dom.js';
import * as vault from './vault.js';
import { targetTab, fillCode, isToolbarPopup } from './tab.js';
import * as clock from './clock.js';
import { VirtualList } from './list.js';

performance.mark('authbar:start');

const SEARCH_FROM = 5;      // show the search field from this many accounts on
const LOW_SECONDS = 5;      // the ring turns red in the last seconds

let core;                   // Authbar (wasm): the account list and any pending import
let readonly = false;       // the stored list is from a newer version: show it as untouchable
let rows = new Map();       // id → {id, li, code, ring, account, entry}: the rows in the DOM (list.js)
let current = new Map();    // id → {code, expiresAt, periodMs}: the codes of the rows in the DOM
let ordered = [];           // the accounts in list order (the site's first), before the search
let list = null;            // VirtualList over #accounts
let choices = new Map();    // preview: index → 'add' | {replace: entryId}
const ownWrites = new Set(); // vault texts this popup stored (storage.onChanged reports them too)
let tab = null;             // the page the popup was opened on: {id, host, origin} (tab.js)
let siteMatches = new Map(); // id → 'stored' | 'issuer': the accounts of the tab's site, shown first
let previewSite = null;     // the host a shown preview was scanned from (recorded on its accounts)

const status = (text) => { $('#status').textContent = ''; requestAnimationFrame(() => { $('#status').textContent = text; }); };
// Issuer – name, either alone when the other is empty, or '—' (made for every account by a search).
const label = (a) => (a.issuer && a.name ? `${a.issuer} – ${a.name}` : a.issuer || a.name || '—');
const grouped = (code) => code.length === 6 || code.length === 8 ? `${code.slice(0, code.length / 2)} ${code.slice(code.length / 2)}` : code.replace(/(\d{3})(?=\d)/g, '$1 ');

/** Stores the list; on failure shows why, reloads what is really stored, and returns false. */
async function persist() {
  try {
    const text = core.toJson();
    ownWrites.add(text);
    await saveVault(text);
    showError($('#banner'), '');
    vault.show();
    return true;
  } catch (e) {
    // The old value is still stored (one storage.set is atomic): show that, not the unsaved change.
    showError($('#banner'), msg('saveFailed', vault.errorText(e)));
    await reload(await loadVault());
    $('#preview').hidden = true;
    return false;
  }
}

/** Loads stored text (after a failed write, or another popup's write), unlocked with a held key. */
async function reload(text) {
  try {
    const next = openStored(text);
    await vault.adopt(next);
    core = next;
    readonly = false;
    document.body.classList.remove('readonly');
  } catch (err) {
    readonly = true;
    document.body.classList.add('readonly');
    showError($('#banner'), vault.errorText(err));
  }
  vault.show();
  render();
}

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

function render() {
  list ??= new VirtualList($('#accounts'), row, (r) => {
    visibility.unobserve(r.li);
    onScreen.delete(r.id);
    rows.delete(r.id);
    current.delete(r.id);
  }, () => {
    // The rows just made get their codes, in one call: only the rows in the DOM have one.
    const fresh = [...rows.keys()].filter((id) => !current.has(id));
    if (fresh.length) computeCodes(fresh, Date.now());
    // The Tab stop scrolled out of the DOM: the first row in it takes the stop, so Tab reaches the list.
    if (!rows.has(tabStop)) rove(null);
  });
  // filter() makes every row afresh; their codes, computed as they are placed, set the next change.
  recomputeAt = Infinity;
  computedAt = Date.now();
  const accounts = readonly || core.locked ? [] : core.listed();
  // The accounts of the tab's site first (the core decides which), then the rest in the user's order.
  siteMatches = new Map(accounts.length && tab?.host ? core.matching(tab.host).map((m) => [m.id, m.how]) : []);
  const rank = new Map([...siteMatches.keys()].map((id, i) => [id, i]));
  const at = (a) => rank.get(a.id) ?? rank.size;
  ordered = rank.size ? [...accounts].sort((a, b) => at(a) - at(b)) : accounts;
  $('#empty').hidden = readonly || core.locked || accounts.length > 0;
  $('#search').hidden = accounts.length < SEARCH_FROM;
  filter();
}

function row(a) {
  const code = el('span', { className: 'code' });
  // The row's name comes from its content (issuer, name, code), so a screen reader reads the digits;
  // the whole name wraps rather than being cut.
  const entry = el('div', { className: 'entry', tabIndex: -1, title: label(a), attrs: { role: 'button', 'aria-describedby': 'copy-hint' } },
    el('span', { className: 'issuer' }, a.issuer ?? ''),
    el('span', { className: 'name' }, breakAfterAt(a.name || (a.issuer ? '' : '—'))),
    code,
    el('span', { className: 'copied-badge', attrs: { 'aria-hidden': 'true' } }));
  if (siteMatches.has(a.id)) entry.append(el('span', { className: 'site-badge' }, msg('forThisSite')));
  entry.addEventListener('click', () => copy(a.id, entry));
  // Enter fills the code into the page when there is one (choosing this account explicitly); Space copies.
  entry.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    if (e.key === 'Enter' && tab?.origin) fill(a.id, entry); else copy(a.id, entry);
  });
  const actions = el('div', { className: 'actions' });
  if (a.type === 'hotp') {
    actions.append(el('button', { type: 'button', className: 'next', tabIndex: -1, textContent: msg('next'), onclick: () => nextHotp(a.id) }));
  }
  // Rarely used actions sit behind one menu button, so the name keeps its room.
  const menu = el('details', { className: 'menu' },
    el('summary', { tabIndex: -1, attrs: { 'aria-label': msg('actionsFor', label(a)) } }, '⋯'),
    el('div', { className: 'menu-items' },
      tab?.origin ? el('button', { type: 'button', className: 'fill', textContent: msg('fill'), onclick: () => fill(a.id, entry) }) : null,
      el('button', { type: 'button', className: 'qr', textContent: msg('showQr'), onclick: () => showAccountQr(a) }),
      el('button', { type: 'button', className: 'rename', textContent: msg('rename'), onclick: () => startRename(a) }),
      el('button', { type: 'button', className: 'delete', textContent: msg('delete'), onclick: () => remove(a) })));
  // Any pick closes the menu; so does Escape.
  menu.addEventListener('click', (e) => { if (e.target.closest('.menu-items button')) menu.open = false; });
  menu.addEventListener('keydown', (e) => { if (e.key === 'Escape' && menu.open) { e.stopPropagation(); menu.open = false; menu.querySelector('summary').focus(); } });
  actions.append(menu);
  const li = el('li', { className: siteMatches.has(a.id) ? 'match' : '', attrs: { 'data-id': String(a.id) } });
  let r = null;
  if (a.type === 'totp') {
    r = ring();
    li.append(r.svg);
  }
  li.append(entry, actions);
  const made = { id: a.id, li, code, ring: r, account: a, entry, expiresAt: 0, periodMs: 1, shown: -1 };
  rows.set(a.id, made);
  if (r) visibility.observe(li);
  // One tab stop: the row that had it keeps it; a new row has none.
  entry.tabIndex = a.id === tabStop ? 0 : -1;
  return made;
}

/** Puts an account's current code (and its step) into its row. */
function show(r, c) {
  if (!c) return;
  if (r.code.dataset.code !== c.code) {
    r.code.textContent = grouped(c.code);
    r.code.dataset.code = c.code;
  }
  if (r.ring) {
    r.expiresAt = c.expiresAt;
    r.periodMs = c.periodMs;
    r.shown = -1;
  }
}

let tabStop = null;          // the id of the account in the Tab order

/** Roving tab stop: one account is in the Tab order (the focused one, else the first shown); arrows
 * move between accounts, and Right/Left reach a row's buttons. 60 or 5,000 accounts stay one Tab stop. */
function rove(target) {
  const shown = list.rows();
  const keep = target ?? rows.get(tabStop)?.entry ?? shown[0]?.entry;
  tabStop = keep ? Number(keep.closest('li').dataset.id) : null;
  for (const r of rows.values()) r.entry.tabIndex = r.entry === keep ? 0 : -1;
}

function onListKey(e) {
  const entry = e.target.closest('.entry, .actions')?.closest('li')?.querySelector('.entry');
  if (!entry) return;
  const at = list.indexOf(Number(entry.closest('li').dataset.id));
  const count = list.items.length;
  const go = (i) => {
    const next = list.reveal(Math.max(0, Math.min(count - 1, i)))?.entry;
    if (next) { rove(next); next.focus(); }
  };
  const inRow = [entry, ...entry.closest('li').querySelectorAll('.actions .next, .actions summary')];
  const col = inRow.indexOf(e.target);
  switch (e.key) {
    case 'ArrowDown': go(at + 1); break;
    case 'ArrowUp': go(at - 1); break;
    case 'Home': go(0); break;
    case 'End': go(count - 1); break;
    case 'ArrowRight': if (col >= 0 && col < inRow.length - 1) inRow[col + 1].focus(); else return; break;
    case 'ArrowLeft': if (col > 0) inRow[col - 1].focus(); else return; break;
    default: return;
  }
  e.preventDefault();
}

let recomputeAt = 0;         // ms: when the next shown code changes (the earliest step end)
let computedAt = 0;          // ms: when the codes were last computed (a clock that moves back recomputes)
const onScreen = new Set();  // ids of rows in view: only their rings are redrawn each second
const visibility = new IntersectionObserver((entries) => {
  const now = Date.now();
  for (const e of entries) {
    const id = Number(e.target.dataset.id);
    if (e.isIntersecting) { onScreen.add(id); drawRing(rows.get(id), now); } else onScreen.delete(id);
  }
});

function drawRing(r, now) {
  if (!r?.ring || !r.expiresAt) return;
  const left = Math.max(0, r.expiresAt - now);
  const seconds = Math.ceil(left / 1000);
  if (seconds !== r.shown) {
    r.shown = seconds;
    r.ring.update(seconds, left / r.periodMs);
  }
}

/**
 * Once a second: codes are recomputed by the core only when a step has ended (or the clock moved
 * back); otherwise only the countdown of rows in view changes, and only where its seconds changed.
 */
function tick() {
  if (readonly || !core) return;
  const now = Date.now();
  vault.checkIdle(now);
  if (core.locked) return;
  if (now >= recomputeAt || now < computedAt) {
    recomputeAt = Infinity;
    computedAt = now;
    // Only the rows in the DOM: rows made later (scrolled to, found) get theirs when placed.
    const renewed = computeCodes([...rows.keys()], now);
    // Announce renewals once, not every second.
    if (renewed && document.activeElement?.closest?.('#accounts')) status(msg('codesRenewed'));
  }
  for (const id of onScreen) drawRing(rows.get(id), now);
}

/** Computes the codes of the rows `ids` at `now` and shows them; true when a shown code changed. */
function computeCodes(ids, now) {
  let renewed = false;
  // A clock correction the user applied (clock.js) shifts the time the codes are computed for.
  for (const c of core.codesOf(ids, now + clock.correctionMs())) {
    const before = current.get(c.id);
    if (before && before.code !== c.code) renewed = true;
    const next = { code: c.code, expiresAt: c.periodMs ? now + c.remainingMs : 0, periodMs: c.periodMs || 1 };
    current.set(c.id, next);
    if (next.expiresAt) recomputeAt = Math.min(recomputeAt, next.expiresAt);
    const r = rows.get(c.id);
    if (r) show(r, next);
  }
  return renewed;
}

/** Runs `tick` at each whole second of the clock (one timer, no drift). */
function everySecond() {
  tick();
  setTimeout(everySecond, 1000 - (Date.now() % 1000) + 5);
}

async function copy(id, entry) {
  const code = rows.get(id)?.code.dataset.code;
  if (!code) return;
  try {
    await navigator.clipboard.writeText(code);
    entry.classList.add('copied');
    entry.querySelector('.copied-badge').textContent = msg('copiedShort');
    setTimeout(() => { entry.classList.remove('copied'); entry.querySelector('.copied-badge').textContent = ''; }, 1200);
    status(msg('copied'));
  } catch {
    status(msg('copyFailed'));
  }
}

/**
 * Puts an account's current code into the tab's page. Filling the account the user picked is always
 * allowed; the page must still be at the origin the popup saw. The first fill from a site ties the
 * account to it. Without a field to fill, the code is copied instead, and the popup says why.
 */
async function fill(id, entry) {
  const code = rows.get(id)?.code.dataset.code;
  if (!code) return;
  let result;
  try {
    result = await fillCode(tab, code);
  } catch {
    result = { filled: false, reason: 'failed' };
  }
  if (result.filled) {
    showError($('#banner'), '');
    status(msg('filled'));
    const account = rows.get(id)?.account;
    if (account && !account.site && tab.host) {
      core.setSite(id, tab.host);
      await persist();
    }
    if (await isToolbarPopup()) window.close();
    return;
  }
  if (result.reason === 'navigated') { showError($('#banner'), msg('fillNavigated')); return; }
  await copy(id, entry);
  showError($('#banner'), msg({ several: 'fillSeveral', none: 'fillNone' }[result.reason] ?? 'fillFailed'));
}

async function nextHotp(id) {
  core.nextHotp(id);
  recomputeAt = 0;
  if (await persist()) tick();
}

function startRename(a) {
  const r = rows.get(a.id);
  const issuer = el('input', { value: a.issuer ?? '', attrs: { 'aria-label': msg('issuer') } });
  const name = el('input', { value: a.name, attrs: { 'aria-label': msg('accountName') } });
  const form = el('form', { className: 'rename-form' }, issuer, name,
    el('div', {}, el('button', { type: 'submit', textContent: msg('save') }), ' ',
      el('button', { type: 'button', textContent: msg('cancel'), onclick: render })));
  const back = () => { render(); rows.get(a.id)?.entry.focus(); };
  form.querySelector('button[type=button]').onclick = back;
  form.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); back(); } });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    core.rename(a.id, issuer.value, name.value);
    if (await persist()) back();
  });
  r.entry.replaceWith(form);
  issuer.focus();
}

/** Asks in the row itself (no browser dialog); Escape or Cancel keeps the account. */
function remove(a) {
  const r = rows.get(a.id);
  const cancel = el('button', { type: 'button', className: 'cancel-delete', textContent: msg('cancel') });
  const confirmBar = el('li', { className: 'confirm-bar' }, el('div', { attrs: { role: 'alertdialog', 'aria-label': msg('confirmDelete', label(a)) } },
    el('span', {}, msg('confirmDelete', label(a))),
    el('button', { type: 'button', className: 'confirm-delete danger', textContent: msg('delete'), onclick: async () => {
      core.remove(a.id);
      if (!(await persist())) return;
      render();
      status(msg('deleted'));
      ($('#accounts .entry') ?? $('#toggle-add')).focus();
      await purgeOldValues().catch((e) => showError($('#banner'), vault.errorText(e)));
    } }),
    cancel));
  const restore = () => { confirmBar.remove(); r.li.hidden = false; r.entry.focus(); };
  cancel.addEventListener('click', restore);
  confirmBar.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); restore(); } });
  r.li.hidden = true;
  r.li.after(confirmBar);
  cancel.focus();
}

/** The QR viewer: one code, or the parts of an export one at a time ("1 of 3"). */
function showQrs(title, items) {
  let at = 0;
  const view = $('#qr-view');
  const draw = () => {
    const svg = new DOMParser().parseFromString(items[at].svg, 'image/svg+xml').documentElement;
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', items[at].label);
    $('#qr-image').replaceChildren(svg);
    $('#qr-part').textContent = items.length > 1 ? msg('partOf', at + 1, items.length) : '';
    $('#qr-prev').hidden = $('#qr-next').hidden = items.length < 2;
    $('#qr-prev').disabled = at === 0;
    $('#qr-next').disabled = at === items.length - 1;
  };
  $('#qr-title').textContent = title;
  $('#qr-prev').onclick = () => { at -= 1; draw(); };
  $('#qr-next').onclick = () => { at += 1; draw(); };
  draw();
  view.hidden = false;
  $('#qr-close').focus();
}

async function showAccountQr(a) {
  try {
    showQrs(msg('qrOf', label(a)), [{ svg: (await loadTools()).qrSvg(core.accountUri(a.id)), label: label(a) }]);
  } catch (err) {
    showError($('#banner'), vault.errorText(err));
  }
}

/** What a search matches in an account: its label in lower case (made at the first search). */
const searchText = (a) => (a.searchText ??= label(a).toLowerCase());

/** Shows the accounts whose issuer or name holds the search text (all of them without one). */
function filter() {
  const q = $('#search').value.trim().toLowerCase();
  const shown = q === '' ? ordered : ordered.filter((a) => searchText(a).includes(q));
  list.set(shown);
  rove(null);
  const none = q !== '' && shown.length === 0;
  $('#no-match').hidden = !none;
  if (none) $('#no-match').textContent = msg('noMatch', $('#search').value.trim());
}

// ---- The preview of an import ----

/** Shows what an import would add; `site`: the host it was scanned from, which its accounts record. */
function showPreview(preview, extraProblems = [], site = null) {
  previewSite = site ?? null;
  closeAdd();
  vault.closeSettings();
  const list = $('#preview-list');
  list.replaceChildren();
  // index → the choice for it: 'add', or {replace: entryId} for an account whose name is already used.
  choices = new Map();
  const update = () => { $('#preview-commit').disabled = choices.size === 0; };
  for (const a of preview.accounts) {
    const box = el('input', { type: 'checkbox', checked: !a.duplicate, disabled: a.duplicate, attrs: { 'aria-label': label(a) } });
    if (!a.duplicate) choices.set(a.index, 'add');
    const notes = [];
    if (a.duplicate) notes.push(el('span', { className: 'dup' }, msg('alreadyAdded')));
    if (a.weakSecret) notes.push(el('span', { className: 'weak' }, msg('weakSecret', a.secretBits)));
    let how = null;
    if (a.status === 'sameName') {
      // Two entries with one name cannot be told apart: say so, and offer to replace the old one.
      notes.push(el('span', { className: 'dup' }, msg('sameNameExists')));
      how = el('select', { className: 'how', attrs: { 'aria-label': `${msg('sameNameChoice')}: ${label(a)}` } },
        el('option', { value: 'add', textContent: msg('keepBoth') }),
        ...a.entryIds.map((id, n) => el('option', { value: String(id), textContent: a.entryIds.length > 1 ? msg('replaceNth', n + 1) : msg('replaceExisting') })));
      how.addEventListener('change', () => {
        if (choices.has(a.index)) choices.set(a.index, how.value === 'add' ? 'add' : { replace: Number(how.value) });
      });
    }
    box.addEventListener('change', () => {
      if (box.checked) choices.set(a.index, !how || how.value === 'add' ? 'add' : { replace: Number(how.value) });
      else choices.delete(a.index);
      update();
    });
    list.append(el('li', {}, box, el('div', { className: 'what' }, el('span', { className: 'label' }, label(a)), ...notes, how)));
  }
  const problems = $('#preview-problems');
  problems.replaceChildren();
  for (const s of preview.skipped) problems.append(el('p', { className: 'error' }, `${msg('skipped')}: ${label(s)}: ${describe(s)}`));
  for (const p of preview.problems) {
    problems.append(el('p', { className: 'error' }, p.code === 'not_authenticator' ? `${msg('notAuthenticator')} ${p.text}` : describe(p)));
  }
  for (const text of extraProblems) problems.append(el('p', { className: 'error' }, text));
  update();
  $('#preview-commit').hidden = preview.accounts.length === 0;
  $('#preview').hidden = false;
  $('#preview-commit').focus();
}

async function commit() {
  const picked = [...choices].map(([index, choice]) => ({ index, choice }));
  let report;
  try {
    report = core.commit(picked);
  } catch (err) {
    showError($('#banner'), vault.errorText(err));
    return;
  }
  // Accounts scanned from a page remember its site.
  if (previewSite) for (const id of [...report.ids, ...report.replaced]) core.setSite(id, previewSite);
  if (!(await persist())) return;
  $('#preview').hidden = true;
  render();
  const focusId = report.ids[0] ?? report.replaced[0];
  (list.reveal(list.indexOf(focusId))?.entry ?? $('#accounts .entry') ?? $('#toggle-add')).focus();
  const parts = [msg('added', report.ids.length)];
  if (report.replaced.length) parts.push(msg('replaced', report.replaced.length));
  if (report.duplicates) parts.push(msg('duplicates', report.duplicates));
  status(parts.join('. '));
  if (report.replaced.length) await purgeOldValues().catch((e) => showError($('#banner'), vault.errorText(e)));
}

// The Add view (add.js, and images.js with it), loaded when first used: the first paint needs neither.
let adding = null;           // add.js once loaded
let addLoad = null;
const addView = () => (addLoad ??= import('./add.js').then((module) => {
  module.start({ core: () => core, tab: () => tab, showPreview });
  adding = module;
  return module;
}));
// Add cannot be open before add.js has loaded.
const closeAdd = () => adding?.closeAdd();

function wire() {
  $('#toggle-add').addEventListener('click', async () => {
    const view = await addView();
    if ($('#add').hidden) view.openAdd(); else view.closeAdd();
  });
  $('#preview-commit').addEventListener('click', commit);
  $('#preview-cancel').addEventListener('click', () => { core.discard(); $('#preview').hidden = true; $('#toggle-add').focus(); });
  // A new search shows its matches from the top.
  $('#search').addEventListener('input', () => { scrollTo(0, 0); filter(); });
  // In its own window the popup needs no pop-out button; from the toolbar it closes after opening one.
  if (new URLSearchParams(location.search).has('window')) { $('#pop-out').hidden = true; document.body.classList.add('window'); }
  $('#pop-out').addEventListener('click', async () => { await popOut(tab?.id); window.close(); });
  $('#accounts').addEventListener('keydown', onListKey);
  $('#accounts').addEventListener('focusin', (e) => { if (e.target.classList.contains('entry')) rove(e.target); });
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    // The innermost open thing closes first; focus goes back to what opened it.
    if (!$('#qr-view').hidden) $('#qr-close').click();
    else if (!$('#region').hidden) $('#region-cancel').click();
    else if (!$('#preview').hidden) { $('#preview-cancel').click(); }
    else if (!$('#add').hidden) { closeAdd(); $('#toggle-add').focus(); }
    else if (!$('#settings').hidden) { vault.closeSettings(); $('#toggle-settings').focus(); }
    else return;
    e.preventDefault();
  });
  $('#qr-close').addEventListener('click', () => { $('#qr-view').hidden = true; $('#qr-image').replaceChildren(); });
  $('#qr-view').addEventListener('keydown', (e) => { if (e.key === 'Escape') $('#qr-close').click(); });
  document.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dragging'); });
  document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  document.addEventListener('drop', async (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length) await (await addView()).importBlobs(files);
  });
  document.addEventListener('paste', async (e) => {
    const files = [...(e.clipboardData?.items ?? [])].filter((i) => i.kind === 'file' && i.type.startsWith('image/')).map((i) => i.getAsFile());
    if (files.length) { e.preventDefault(); await (await addView()).importBlobs(files); }
  });
}

async function main() {
  document.documentElement.lang = msg('locale');
  localize();
  wire();
  // Compile the wasm, read storage and ask for the tab at the same time.
  const [, stored, opened] = await Promise.all([loadCodes(), loadStart(), targetTab()]);
  tab = opened;
  clock.init(stored.settings.clockCorrection);
  if (tab?.origin) $('#copy-hint').textContent = msg('copyHintFill');
  try {
    core = openStored(stored.vault);
  } catch (err) {
    // Never overwrite what we cannot read: no writes happen in read-only mode.
    readonly = true;
    document.body.classList.add('readonly');
    showError($('#banner'), vault.errorText(err));
  }
  vault.start({
    core: () => core, reload, ownWrite: (text) => ownWrites.add(text), render, showPreview, showQrs, status, closeAdd,
  }, stored);
  watchStorage({
    onVault: (text) => { if (!ownWrites.delete(text)) reload(text); },
    onLocked: vault.lockedElsewhere,
    onUnlocked: vault.unlockedElsewhere,
  });
  render();
  // The site's own accounts are first: focus the first, so Enter fills its code.
  if (siteMatches.size && !core?.locked) rows.get(siteMatches.keys().next().value)?.entry.focus();
  performance.mark('authbar:painted');
  performance.measure('authbar:open', 'authbar:start', 'authbar:painted');
  document.body.classList.remove('loading');
  document.body.classList.add('ready');
  everySecond();
  // Search text for every account, made while the popup is idle, so the first keystroke needn't.
  if (ordered.length >= SEARCH_FROM) requestIdleCallback(() => ordered.forEach(searchText));
  // The clock check runs after the first paint; a correction recomputes the codes.
  clock.start(tab, () => { recomputeAt = 0; tick(); });
  if (core?.locked) $('#unlock-passphrase').focus();
}

main();
// For tests and the benchmark: the scan entry point with an injected screenshot.
globalThis.authbarScanPage = async (screenshot) => (await addView()).scanPage(screenshot);
// For tests: the account views (no secrets) as the popup holds them.
globalThis.authbarCore = () => core;
