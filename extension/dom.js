// Small DOM helpers and i18n of the static HTML.
import { msg } from './ext.js';

export const $ = (selector, root = document) => root.querySelector(selector);

/** Creates an element with properties, attributes (`attrs`) and children. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  const { attrs, ...rest } = props;
  Object.assign(node, rest);
  for (const [k, v] of Object.entries(attrs ?? {})) node.setAttribute(k, v);
  for (const child of children.flat()) {
    if (child != null) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** Text with a line break allowed after each "@": a long e-mail name wraps there, not mid-word. */
export function breakAfterAt(text) {
  return text.split(/(?<=@)/).flatMap((part, i) => (i ? [document.createElement('wbr'), part] : [part]));
}

/** Fills `data-i18n` texts, placeholders and labels from _locales. */
export function localize(root = document) {
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = msg(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) node.placeholder = msg(node.dataset.i18nPlaceholder);
  for (const node of root.querySelectorAll('[data-i18n-label]')) node.setAttribute('aria-label', msg(node.dataset.i18nLabel));
  for (const node of root.querySelectorAll('[data-i18n-title]')) node.title = msg(node.dataset.i18nTitle);
}

/**
 * An error worded in the user's language. Errors from the core carry a stable `code` and the values
 * they name (`params`: the bad character, its position, the value found); the words are the locale's
 * `err_<code>` — or `err_<code>_<variant>` where variants of one code break the rule differently (the
 * core's `Params::word_key`) — with `{name}` filled from the params. An error without words (a browser
 * or storage failure) keeps its own message.
 */
export function describe(err) {
  const code = err?.code;
  const params = err?.params ?? {};
  const key = `err_${params.variant ? `${code}_${params.variant}` : code}`;
  const words = code ? msg(key) : key;
  if (words === key) return err?.message ?? String(err);
  return words.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in params)) return whole;
    // An import format is named by its id (`aegis`, `google-migration`), worded like the rest.
    return name === 'format' ? formatName(params.format) : params[name];
  });
}

/** An import format's name in the user's language, from the core's id (`aegis`, `google-migration`). */
export function formatName(id) {
  return msg(`format_${id.replaceAll('-', '_')}`);
}

/** Shows an error under a field (or hides it with an empty message). */
export function showError(node, message) {
  node.textContent = message ?? '';
  node.hidden = !message;
}

/** Saves text as a file through the browser's download (no permission needed). */
export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
