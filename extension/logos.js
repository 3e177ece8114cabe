// The accounts' logos, drawn from what ships in the extension: nothing is fetched from the network,
// so no icon server learns which sites the user has a second factor for. Which logo an account
// gets is the core's rule (the tools module's `logosOf`, `crates/core/src/logo`); this module draws
// it: a brand's icon (Simple Icons, `logos/logos.json`, loaded once on first use) on a tile of the
// brand's colour, or the letter avatar, and offers a picker to choose another. Styles: logos.css,
// added by `loadLogoStyles` after the first paint.
// No browser-extension API is used here.

const SVG = 'http://www.w3.org/2000/svg';

let loading = null;
/** The bundle's icons (slug → SVG path on a 24 × 24 grid), once loaded. */
let icons = null;

/**
 * Loads the icons from the extension's own `logos/logos.json` (a relative URL inside the package),
 * once; later calls share that load. A failed load is not kept, so the next call tries again.
 */
export function loadLogos() {
  loading ??= fetch(new URL('./logos/logos.json', import.meta.url))
    .then((response) => {
      if (!response.ok) throw new Error(`logos/logos.json: HTTP ${response.status}`);
      return response.json();
    })
    .then((bundle) => { icons = bundle.icons; return icons; })
    .catch((err) => { loading = null; throw err; });
  return loading;
}

let styles = null;

/**
 * Adds logos.css to the page, once (the first paint needs none of it: its rows only keep a logo's
 * box, popup.css's `.logo-slot`); resolves when it applies. A failed load is not kept.
 */
export function loadLogoStyles() {
  styles ??= new Promise((resolve, reject) => {
    const link = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: new URL('./logos.css', import.meta.url).href });
    link.onload = resolve;
    link.onerror = () => { link.remove(); styles = null; reject(new Error('logos.css did not load')); };
    document.head.append(link);
  });
  return styles;
}

/**
 * The element showing a logo as `logosOf` (or `logoBrands`, with `kind: 'brand'`) gives it:
 * `{kind: 'brand', slug, title, hex, foreground}` or `{kind: 'letter', letter, background,
 * foreground}`. A 28 px tile, hidden from assistive technology (the row names the issuer). A brand's
 * icon appears when the bundle is loaded (at once if it is); without it, the brand's initial.
 */
export function logoElement(match) {
  const tile = document.createElement('span');
  tile.className = `logo logo-${match.kind}`;
  tile.setAttribute('aria-hidden', 'true');
  tile.style.color = match.foreground;
  if (match.kind !== 'brand') {
    tile.style.backgroundColor = match.background;
    tile.textContent = match.letter;
    return tile;
  }
  tile.style.backgroundColor = match.hex;
  tile.dataset.slug = match.slug;
  const draw = (paths) => {
    const d = paths[match.slug];
    if (!d) { tile.textContent = [...(match.title ?? match.slug)][0]; return; }
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('focusable', 'false');
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    path.setAttribute('fill', 'currentColor');
    svg.append(path);
    tile.replaceChildren(svg);
  };
  if (icons) draw(icons);
  else loadLogos().then(draw, () => draw({}));
  return tile;
}

/** Letters and digits in lower case, as the core compares names: `Proton Mail` → `protonmail`. */
const squashed = (text) => text.toLowerCase().replace(/[^\p{Alphabetic}\p{N}]/gu, '');

let pickers = 0;

/**
 * Opens a searchable list of logos under `anchor` (above it when there is no room below) and
 * resolves to the slug chosen, `'letter'` for the letter avatar, or null when cancelled (Escape, or
 * a click outside). `current` (a slug or `'letter'`) is marked and starts active; `brands` is
 * `logoBrands()`'s list. Keyboard: type to search, Up/Down/Page Up/Page Down to move, Enter to
 * choose; focus goes back to `anchor`. `letter` is the account's letter avatar (a `logosOf` match)
 * to preview; `automatic` (a `logosOf` match: the logo the rule gives) adds a first option,
 * `'auto'`, for going back to it; `words` overrides the English texts: {title, search, letter,
 * automatic, current, none}.
 */
export function pickLogo(anchor, current, brands, { letter = null, automatic = null, words = {} } = {}) {
  const w = { title: 'Choose a logo', search: 'Search logos', letter: 'Letter', automatic: 'Automatic', current: 'current', none: 'No logo matches', ...words };
  const id = `logo-picker-${++pickers}`;
  const input = Object.assign(document.createElement('input'), { type: 'search', placeholder: w.search, autocomplete: 'off', spellcheck: false });
  for (const [name, value] of Object.entries({ role: 'combobox', 'aria-label': w.search, 'aria-expanded': 'true', 'aria-controls': id, 'aria-autocomplete': 'list' })) {
    input.setAttribute(name, value);
  }
  const list = Object.assign(document.createElement('ul'), { id });
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', w.title);
  const none = Object.assign(document.createElement('p'), { className: 'logo-none', textContent: w.none, hidden: true });
  const dialog = Object.assign(document.createElement('div'), { className: 'logo-picker' });
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-modal', 'true');
  dialog.setAttribute('aria-label', w.title);
  dialog.append(input, list, none);

  const letterMatch = letter ?? { kind: 'letter', letter: 'A', background: '#5b6472', foreground: '#ffffff' };
  const byTitle = [...brands].sort((a, b) => a.title.localeCompare(b.title, undefined, { sensitivity: 'base' }));
  const options = [...(automatic ? [{ value: 'auto', label: w.automatic, match: automatic }] : []),
    { value: 'letter', label: w.letter, match: letterMatch },
    ...byTitle.map((b) => ({ value: b.slug, label: b.title, match: { kind: 'brand', ...b } }))]
    .map((option, i) => {
      const node = document.createElement('li');
      node.id = `${id}-${i}`;
      node.setAttribute('role', 'option');
      node.setAttribute('aria-selected', 'false');
      node.dataset.value = option.value;
      const label = Object.assign(document.createElement('span'), { textContent: option.label });
      node.append(logoElement(option.match), label);
      if (option.value === current) {
        node.classList.add('current');
        label.append(Object.assign(document.createElement('span'), { className: 'logo-current', textContent: ` (${w.current})` }));
      }
      return { ...option, node, keys: [squashed(option.label), option.value] };
    });

  let shown = [];
  let active = -1;
  let activeNode = null;
  /** Makes option `index` of those shown the active one, scrolled into view (to the middle: `centre`). */
  const activate = (index, centre = false) => {
    activeNode?.setAttribute('aria-selected', 'false');
    activeNode?.classList.remove('active');
    active = shown.length ? Math.max(0, Math.min(index, shown.length - 1)) : -1;
    activeNode = shown[active]?.node ?? null;
    if (!activeNode) { input.removeAttribute('aria-activedescendant'); return; }
    activeNode.setAttribute('aria-selected', 'true');
    activeNode.classList.add('active');
    input.setAttribute('aria-activedescendant', activeNode.id);
    // Scrolls the list alone (scrollIntoView would scroll the popup too).
    const { offsetTop: top, offsetHeight: height } = activeNode;
    if (centre) list.scrollTop = top - (list.clientHeight - height) / 2;
    else if (top < list.scrollTop) list.scrollTop = top;
    else if (top + height > list.scrollTop + list.clientHeight) list.scrollTop = top + height - list.clientHeight;
  };
  // Names that begin with the search first, then names that contain it; in title order within each.
  const filter = () => {
    const query = squashed(input.value);
    const starts = options.filter((o) => o.keys.some((k) => k.startsWith(query)));
    const contains = options.filter((o) => !starts.includes(o) && o.keys.some((k) => k.includes(query)));
    shown = [...starts, ...contains];
    for (const option of options) option.node.hidden = true;
    for (const option of shown) { option.node.hidden = false; list.append(option.node); }
    none.hidden = shown.length > 0;
    if (query) activate(0);
    else activate(Math.max(0, shown.findIndex((o) => o.value === current)), true);
  };

  return new Promise((resolve) => {
    const close = (value) => {
      document.removeEventListener('pointerdown', outside, true);
      dialog.remove();
      if (anchor.isConnected) anchor.focus();
      resolve(value);
    };
    const outside = (event) => { if (!dialog.contains(event.target)) close(null); };
    input.addEventListener('input', filter);
    input.addEventListener('keydown', (event) => {
      const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: 8, PageUp: -8 };
      if (event.key in moves) activate(active + moves[event.key]);
      else if (event.key === 'Enter' && shown[active]) close(shown[active].value);
      else if (event.key === 'Escape') close(null);
      // The list is reached through the field (aria-activedescendant): Tab stays in the dialog.
      else if (event.key !== 'Tab') return;
      event.preventDefault();
      event.stopPropagation();
    });
    // A click chooses without taking the focus from the field.
    list.addEventListener('pointerdown', (event) => event.preventDefault());
    list.addEventListener('click', (event) => {
      const node = event.target.closest('[role=option]');
      if (node) close(node.dataset.value);
    });
    document.addEventListener('pointerdown', outside, true);
    document.body.append(dialog);
    filter();
    place(dialog, anchor);
    input.focus();
  });
}

/** Puts the picker under the anchor, or above it when there is more room there, inside the window. */
function place(dialog, anchor) {
  const rect = anchor.getBoundingClientRect();
  const margin = 8;
  const width = dialog.offsetWidth;
  dialog.style.left = `${Math.max(margin, Math.min(rect.left, innerWidth - width - margin))}px`;
  if (innerHeight - rect.bottom >= dialog.offsetHeight + margin || rect.top < innerHeight - rect.bottom) {
    dialog.style.top = `${rect.bottom + 4}px`;
  } else {
    dialog.style.bottom = `${innerHeight - rect.top + 4}px`;
  }
}
