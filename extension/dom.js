// Small DOM helpers and i18n of the static HTML.
import { msg, LANGUAGE } from './ext.js';
import { resolvePlurals } from './plural.js';

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

/** An account as one line of text: "Issuer – name", either alone when the other is empty, or '—'. */
export const label = (a) => (a.issuer && a.name ? `${a.issuer} – ${a.name}` : a.issuer || a.name || '—');

/** Says `text` to screen readers (the polite status region), also when it repeats. */
export function status(text) {
  const node = $('#status');
  node.textContent = '';
  requestAnimationFrame(() => { node.textContent = text; });
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
 * An error worded in the user's language. Errors from the core (thrown, or a skipped entry's or a
 * problem's reason: the core's `ErrorView`) carry the `key` of their words in the locale and the
 * values they name (`params`: the bad character, its position, the value found); `{name}` in the
 * words is filled from the params. An error without words (a browser or storage failure) keeps its
 * own message.
 */
export function describe(err) {
  const key = err?.key;
  const params = err?.params ?? {};
  const found = key ? msg(key) : key;
  if (!key || found === key) return err?.message ?? String(err);
  // Plural blocks that count one of the error's values ({length, plural, …}), then its values.
  const words = resolvePlurals(found, LANGUAGE, params);
  return words.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in params)) return whole;
    // An import format is named by its id (`aegis`, `google-migration`), worded like the rest.
    return name === 'format' ? formatName(params.format) : params[name];
  });
}

/** Words an error for the user: the vault's own errors with what to do next, the rest by `describe`. */
export function errorText(err) {
  const known = {
    wrong_passphrase: 'wrongPassphrase',
    passphrase_too_short: 'passphraseTooShort',
    sealed_tampered: 'vaultTampered',
    sealed_corrupt: 'vaultCorrupt',
    vault_corrupt: 'vaultCorrupt',
    sealed_future_version: 'futureSchema',
    vault_future_schema: 'futureSchema',
    key_rejected: 'keyRejected',
    random_failed: 'randomFailed',
  };
  const key = known[err?.code];
  return key ? msg(key) : describe(err);
}

/** An import format's name in the user's language, from the core's id (`aegis`, `google-migration`). */
export function formatName(id) {
  return msg(`format_${id.replaceAll('-', '_')}`);
}

/**
 * Resolves once the browser painted the next frame (a task queued from requestAnimationFrame runs after
 * it); with `atMostMs`, then at the latest, where the page paints no frame (a window in the background).
 */
export function afterPaint(atMostMs) {
  return new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    if (atMostMs !== undefined) setTimeout(resolve, atMostMs);
  });
}

/** Runs a slow (Argon2id) step after the browser painted the "working" state of `button`. */
export async function slow(button, fn) {
  const text = button.textContent;
  button.disabled = true;
  button.textContent = msg('working');
  await afterPaint();
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.textContent = text;
  }
}

/** Two entries of a new passphrase (selectors): the same, or null with the error shown. The core
 * checks the rest (its length). */
export function newPassphrase(a, b, errorNode) {
  if ($(a).value !== $(b).value) {
    showError($(errorNode), msg('passphrasesDiffer'));
    return null;
  }
  return $(a).value;
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
