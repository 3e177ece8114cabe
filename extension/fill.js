// The fill: puts a one-time code into the page in a tab so that the page's own script takes it. The
// popup runs it (Enter on an account, "Fill in page") and so can the service worker (a shortcut that
// fills without the popup): `chrome.scripting.executeScript({func: fillInPage})` copies the
// function's text into the page, so it is self-contained — no imports, nothing from this module.

/**
 * Runs in the page. Finds the field(s) a person would type `code` into, fills them the way the page
 * listens, and reads back what they hold.
 *
 * Which fields: never a password field (nor one whose `autocomplete` says username, e-mail or
 * password), and only a field a person can see — rendered, not `visibility:hidden`, not `opacity:0`
 * on it or an ancestor, at least 4×4 px, not wholly outside the page's scrollable area, not clipped
 * away (`clip`, `clip-path`, an `overflow:hidden` ancestor), not `inert` nor behind a modal
 * `<dialog>`. Same-origin frames and open shadow roots are searched too. In order: the
 * `autocomplete="one-time-code"` field (one, or one box per character); split boxes (one group of
 * one-character fields in document order, as many as the code has characters, with or without
 * autocomplete); the focused field; the one field whose name, id, label, placeholder, title or
 * aria-label says "code" in one of the ten languages Authbar ships; the one `inputmode=numeric`
 * field of a plausible length.
 *
 * How: each technique in turn until the fields hold the code (or the page submits its form) —
 * `value`: the native value setter (frameworks that track the value, React, see the change) and
 * `input`/`change`; `keys`: each character as a keystroke (`keydown`, `keypress`, `beforeinput`,
 * the value, `input`, `keyup`), for pages that build the code from `e.key`; `paste`: a `paste`
 * event carrying the code on the first field, for boxes that split a pasted code themselves.
 *
 * Returns `{filled: true, how, by}` (`how`: which rule found the field; `by`: the technique the
 * page took), or `{filled: false, reason}`: `navigated` (the tab is no longer at `origin`, the
 * origin the popup looked at: nothing is given to another site), `none`, `several` (no one field
 * stands out), `refused` (the field was found, but the page kept none of the techniques' values).
 */
export async function fillInPage(code, origin) {
  if (location.origin !== origin) return { filled: false, reason: 'navigated' };
  const MIN_PX = 4;

  // ---- what a person can see ----
  const length = (value, whole) => (value.endsWith('%') ? (parseFloat(value) / 100) * whole : parseFloat(value) || 0);
  /** Whether `clip: rect()` or `clip-path` leaves less than MIN_PX of a `width`×`height` box. */
  const clippedAway = (style, width, height) => {
    if ((style.position === 'absolute' || style.position === 'fixed') && style.clip.startsWith('rect(')) {
      const [top, right, bottom, left] = style.clip.slice(5, -1).split(/[\s,]+/);
      const at = (v, auto) => (v === 'auto' ? auto : parseFloat(v));
      if (at(right, width) - at(left, 0) < MIN_PX || at(bottom, height) - at(top, 0) < MIN_PX) return true;
    }
    const path = style.clipPath;
    if (path.startsWith('inset(')) {
      const [top, right = top, bottom = top, left = right] = path.slice(6, -1).split(' round ')[0].trim().split(/\s+/);
      return width - length(right, width) - length(left, width) < MIN_PX || height - length(top, height) - length(bottom, height) < MIN_PX;
    }
    return /^(circle|ellipse)\(0(px|%)?[\s)]/.test(path);
  };
  // The element a box hangs from, across a shadow root's boundary.
  const up = (e) => e.parentElement ?? e.parentNode?.host ?? null;
  const seen = (e) => {
    const win = e.ownerDocument.defaultView;
    if (e.getClientRects().length === 0 || win.getComputedStyle(e).visibility !== 'visible') return false;
    const box = e.getBoundingClientRect();
    if (box.width < MIN_PX || box.height < MIN_PX) return false;
    const page = e.ownerDocument.documentElement;
    if (box.right + win.scrollX <= 0 || box.bottom + win.scrollY <= 0
      || box.left + win.scrollX >= page.scrollWidth || box.top + win.scrollY >= page.scrollHeight) return false;
    // An ancestor's overflow clips a box only along its containing blocks: an absolutely positioned
    // box escapes static ancestors, a fixed one escapes them all. <html> and <body> pass theirs to
    // the viewport, which the scrollable area above stands for.
    let escapes = null;
    for (let a = e; a; a = up(a)) {
      const style = win.getComputedStyle(a);
      if (parseFloat(style.opacity) < 0.1) return false;
      const rect = a === e ? box : a.getBoundingClientRect();
      if (clippedAway(style, rect.width, rect.height)) return false;
      if (a === e) {
        escapes = style.position;
        continue;
      }
      const positioned = style.position !== 'static';
      const clips = escapes === 'fixed' ? false : escapes === 'absolute' ? positioned : true;
      if (clips && a !== page && a !== e.ownerDocument.body) {
        if (/hidden|clip/.test(style.overflowX) && Math.min(box.right, rect.right) - Math.max(box.left, rect.left) < MIN_PX) return false;
        if (/hidden|clip/.test(style.overflowY) && Math.min(box.bottom, rect.bottom) - Math.max(box.top, rect.top) < MIN_PX) return false;
      }
      if (escapes !== 'fixed' && (escapes !== 'absolute' || positioned)) escapes = style.position;
    }
    return true;
  };

  // ---- the fields: every document of this origin (frames), every open shadow root ----
  const TEXT = new Set(['text', 'tel', 'number', 'search']);
  const NOT_A_CODE = new Set(['username', 'email', 'current-password', 'new-password']);
  const tokens = (e) => (e.getAttribute('autocomplete') ?? '').toLowerCase().split(/\s+/);
  // Behind a modal dialog, or under `inert`, a field takes no typing (`:modal`: Chromium 105, Firefox 103).
  const modals = new Map();
  const modalOf = (doc) => {
    if (!modals.has(doc)) {
      let modal = null;
      try { modal = doc.querySelector('dialog:modal'); } catch { modal = null; }
      modals.set(doc, modal);
    }
    return modals.get(doc);
  };
  const outermost = (e) => (e.getRootNode().host ? outermost(e.getRootNode().host) : e);
  const reachable = (e) => !outermost(e).closest('[inert]') && !e.closest('[inert]') && (modalOf(e.ownerDocument)?.contains(outermost(e)) ?? true);
  const fillable = (e) => TEXT.has(e.type) && !e.disabled && !e.readOnly && !tokens(e).some((t) => NOT_A_CODE.has(t)) && reachable(e);
  // Whether a person sees a field is asked only of the fields a rule looks at (the layout queries
  // are most of the fill's time on a page of many fields), once each.
  const seenOnce = new Map();
  const visible = (e) => {
    if (!seenOnce.has(e)) seenOnce.set(e, seen(e));
    return seenOnce.get(e);
  };
  const documents = [];
  const fields = [];          // the fillable fields, in document order; `visible` says which count
  const labels = new Map();   // field → its <label>s' text (`e.labels` searches the document per field)
  const visit = (root) => {
    if (root.nodeType === Node.DOCUMENT_NODE) documents.push(root);
    for (const e of root.querySelectorAll('*')) {
      if (e.tagName === 'INPUT' && fillable(e)) fields.push(e);
      if (e.tagName === 'LABEL' && e.control) labels.set(e.control, `${labels.get(e.control) ?? ''} ${e.textContent}`);
      if (e.shadowRoot) visit(e.shadowRoot);
      if (e.tagName === 'IFRAME' || e.tagName === 'FRAME') {
        let inner = null;
        try { inner = e.contentDocument; } catch { inner = null; } // another origin's frame: not ours
        if (inner?.documentElement && seen(e)) visit(inner);
      }
    }
  };
  visit(document);

  // Split boxes: runs of visible one-character fields of one form that no other visible field splits.
  const isBox = (e) => e.maxLength === 1;
  const runs = [];
  let run = null;
  for (const e of fields) {
    if (!isBox(e)) {
      if (run && visible(e)) run = null;
    } else if (visible(e)) {
      if (run && run[0].form === e.form && run[0].ownerDocument === e.ownerDocument) run.push(e);
      else runs.push(run = [e]);
    }
  }
  const runOf = (e) => runs.find((r) => r.includes(e));
  // Whether visible fields follow one another with no other visible field between them.
  const adjacent = (list) => list.every((e, i) => i === 0 || (e.ownerDocument === list[0].ownerDocument
    && fields.slice(fields.indexOf(list[i - 1]) + 1, fields.indexOf(e)).every((between) => !visible(between))));

  // ---- filling so the page sees it, and checking that it kept it ----
  const native = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value');
  const valueOf = (e) => native.get.call(e);
  const setValue = (e, value) => native.set.call(e, value);
  const events = (e) => e.ownerDocument.defaultView;
  const input = (e, type, inputType, data) => e.dispatchEvent(new (events(e).InputEvent)(type, {
    inputType, data, bubbles: true, cancelable: type === 'beforeinput', composed: true,
  }));
  const change = (e) => e.dispatchEvent(new (events(e).Event)('change', { bubbles: true }));
  const clear = (e) => {
    if (valueOf(e) === '') return;
    setValue(e, '');
    input(e, 'input', 'deleteContentBackward', null);
  };
  /** The native setter (React's value tracker does not see it, so React takes the `input`), then the events. */
  const byValue = (e, text) => {
    setValue(e, text);
    input(e, 'input', 'insertText', text);
    change(e);
  };
  /** One character as a keyboard types it: the page may take it from the key and cancel the rest. */
  const keystroke = (e, ch) => {
    const upper = ch.toUpperCase();
    const key = (type) => new (events(e).KeyboardEvent)(type, {
      key: ch, code: /\d/.test(ch) ? `Digit${ch}` : `Key${upper}`, keyCode: upper.charCodeAt(0), which: upper.charCodeAt(0),
      charCode: type === 'keypress' ? ch.charCodeAt(0) : 0, bubbles: true, cancelable: true, composed: true,
    });
    if (e.dispatchEvent(key('keydown')) && e.dispatchEvent(key('keypress')) && input(e, 'beforeinput', 'insertText', ch)) {
      const old = valueOf(e);
      if (e.maxLength < 0 || old.length < e.maxLength) {
        setValue(e, old + ch);
        input(e, 'input', 'insertText', ch);
      }
    }
    e.dispatchEvent(key('keyup'));
  };
  /** A paste of `text` into `e`: the page may split it itself; else the browser's insertion. */
  const paste = (e, text) => {
    const win = events(e);
    e.focus();
    const clipboardData = new win.DataTransfer();
    clipboardData.setData('text/plain', text);
    if (!e.dispatchEvent(new win.ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true, composed: true }))) return;
    if (!input(e, 'beforeinput', 'insertFromPaste', text)) return;
    setValue(e, (valueOf(e) + text).slice(0, e.maxLength < 0 ? undefined : e.maxLength));
    input(e, 'input', 'insertFromPaste', text);
    change(e);
  };
  // One macrotask: a page's reaction to the events (a framework's re-render) has run by then.
  // A message, not a timer: timers of a background tab are slowed to one a second.
  const settle = () => new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { channel.port1.close(); resolve(); };
    channel.port2.postMessage(null);
  });

  const put = async (targets, how) => {
    const split = targets.length > 1;
    const each = (technique) => () => targets.forEach((e, i) => { e.focus(); technique(e, split ? code[i] : code); });
    const techniques = [
      ['value', each(byValue)],
      ['keys', each((e, text) => { for (const ch of text) keystroke(e, ch); change(e); })],
      ['paste', () => paste(targets[0], code)],
    ];
    let submitted = false;
    const onSubmit = () => { submitted = true; };
    documents.forEach((d) => d.addEventListener('submit', onSubmit, true));
    try {
      for (const [by, technique] of techniques) {
        targets.forEach(clear);
        technique();
        targets.at(-1).focus();
        await settle();
        // A page that submits as the last box fills has taken the code, whatever it shows now.
        if (submitted || targets.map(valueOf).join('').replace(/[\s-]/g, '') === code) return { filled: true, how, by };
      }
    } finally {
      documents.forEach((d) => d.removeEventListener('submit', onSubmit, true));
    }
    return { filled: false, reason: 'refused', how };
  };

  // ---- which field ----
  let several = false;
  const marked = fields.filter((e) => tokens(e).includes('one-time-code') && visible(e));
  if (marked.length === 1) {
    const group = runOf(marked[0]);
    if (!group) return put(marked, 'one-time-code');
    // Often only the first box is marked: its group is the field, if it has one box per character.
    if (group.length === code.length) return put(group, 'one-time-code');
  } else if (marked.length > 1) {
    const group = runOf(marked[0]);
    if (group?.length === code.length && marked.every((e) => group.includes(e))) return put(group, 'one-time-code');
    if (marked.length === code.length && adjacent(marked)) return put(marked, 'one-time-code');
    // Marked fields that each take a whole code, and none stands out (boxes for another length do not count).
    several = marked.some((e) => !isBox(e));
  }

  const groups = runs.filter((r) => r.length === code.length && r.length > 1);
  if (groups.length === 1) return put(groups[0], 'boxes');
  if (groups.length > 1) several = true;

  // The focused element, inside a focused frame or shadow root.
  const deepest = (e) => {
    let inner = null;
    try { inner = e?.shadowRoot?.activeElement ?? e?.contentDocument?.activeElement ?? null; } catch { inner = null; }
    return inner ? deepest(inner) : e;
  };
  const focused = deepest(document.activeElement);
  if (fields.includes(focused) && !isBox(focused) && visible(focused)) return put([focused], 'focused');

  // The words for a code field in English, Czech, German, Slovak, Polish, French, Spanish, Italian,
  // Portuguese and Ukrainian; and the other codes a form asks for, which are not this one.
  const CODE_WORDS = /one.?time|otp|2fa|mfa|token|code|k[oó]d|c[oó]dig|codice|код|v[eé]rif|weryfik|ov[eě][rř]ov|best[aä]tig|підтвердж|authenticat/iu;
  const OTHER_CODES = /post|zip|promo|coupon|voucher|gift|discount|rabatt|gutschein|sconto|cupom|cup[oó]n|country|phone|captcha|invit|referr|bar.?code|pocztow|psč|poštov|поштов/iu;
  const labelledBy = (e) => (e.getAttribute('aria-labelledby') ?? '').split(/\s+/)
    .map((id) => (id && e.getRootNode().getElementById?.(id)?.textContent) ?? '').join(' ');
  const said = (e) => [e.name, e.id, e.placeholder, e.title, e.getAttribute('aria-label'), labelledBy(e),
    labels.get(e)].join(' ');
  const singles = fields.filter((e) => !isBox(e));
  const named = singles.filter((e) => CODE_WORDS.test(said(e)) && !OTHER_CODES.test(said(e)) && visible(e));
  if (named.length === 1) return put(named, 'likely');
  if (named.length > 1) return { filled: false, reason: 'several' };

  const numeric = singles.filter((e) => (e.getAttribute('inputmode') ?? '').toLowerCase() === 'numeric'
    && (e.maxLength === -1 ? /\\d|0-9/.test(e.pattern) : e.maxLength >= code.length && e.maxLength <= 10) && visible(e));
  if (numeric.length === 1) return put(numeric, 'numeric');
  return { filled: false, reason: several || numeric.length > 1 ? 'several' : 'none' };
}
