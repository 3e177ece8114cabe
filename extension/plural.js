// Plural forms in message texts: a subset of ICU MessageFormat that chrome.i18n lacks.
//
// A message says a phrase that agrees with a number as a plural block:
//   "{$N$, plural, one {# account added} other {# accounts added}}"       (chrome.i18n message)
//   "{length, plural, one {# character is} other {# characters are}} …"   (an err_* word, by param)
// After chrome.i18n has put the number in place of $N$ the block reads `{3, plural, …}`.
//
// Usage:
//   msg():      resolvePlurals(chrome.i18n.getMessage(key, subs), msg('locale'))
//               — the locale of the messages chosen (the `locale` message), not the browser's UI
//               language: an unsupported UI language falls back to English words and needs English rules.
//   describe(): resolvePlurals(words, locale, params), then fill the `{name}` placeholders as before
//               (a branch may hold them: they are left for the caller).
//
// The branch is the one `new Intl.PluralRules(locale).select(n)` names: an exact `=N` first, then the
// category (zero one two few many other), then `other`. `#` in a branch is the number, as given.
// A block counting a parameter that is not given stays for a later call (msg() first, describe() with
// the error's parameters). Nothing here throws: a block that does not parse stays as it was, and so
// does one without `other` that lacks the number's category; tests/e2e/locales.test.js fails on both.
// Apostrophes are plain text (unlike ICU, where they quote).

const KEYS = /^(?:=\d+|zero|one|two|few|many|other)$/;
const HEADER = /\{\s*([^\s{},]*)\s*,\s*plural\s*,/y;

/**
 * The text with every plural block replaced by its branch for the block's number: a number literal,
 * or the parameter of that name in `params`. A block whose parameter is not in `params` stays as it
 * is, for a later call that has it (msg() resolves an err_* word's literal numbers, describe() its
 * parameters); one whose parameter is not a number takes `other`, `#` showing the value.
 */
export function resolvePlurals(text, locale, params = {}) {
  if (typeof text !== 'string' || !text.includes('plural')) return text;
  return resolve(text, rulesFor(locale), params, null);
}

/**
 * Every plural block of `text` (nested ones too), each as `{ selector, keys, branches, start, end }`,
 * and the problems that keep a block from being read: `{ at, problem }`. For checks, not for the popup.
 */
export function pluralBlocks(text) {
  const blocks = [];
  const problems = [];
  scan(text, (block) => {
    blocks.push(block);
    for (const content of Object.values(block.branches)) {
      const inner = pluralBlocks(content);
      blocks.push(...inner.blocks);
      problems.push(...inner.problems);
    }
  }, (problem) => problems.push(problem));
  return { blocks, problems };
}

/**
 * The text outside plural syntax: each block's header and branch keys removed, its branches kept
 * (with their `#`), so `{name}` placeholders inside and outside branches can be listed from it.
 */
export function withoutPluralSyntax(text) {
  let out = '';
  let from = 0;
  scan(text, (block) => {
    out += text.slice(from, block.start) + Object.values(block.branches).map(withoutPluralSyntax).join(' ');
    from = block.end;
  });
  return out + text.slice(from);
}

function resolve(text, rules, params, hash) {
  let out = '';
  let from = 0;
  const plain = (part) => (hash === null ? part : part.replaceAll('#', hash));
  scan(text, (block) => {
    out += plain(text.slice(from, block.start));
    from = block.end;
    const value = valueOf(block.selector, params);
    const branch = value && pick(block.branches, value.number, rules);
    // A parameter not given, or no branch for this number and no `other`: the block stays as written.
    out += branch === undefined || branch === null ? text.slice(block.start, block.end) : resolve(branch, rules, params, value.shown);
  });
  return out + plain(text.slice(from));
}

/** Calls `found` with each top-level block (in order) and `failed` with each block that does not parse. */
function scan(text, found, failed = () => {}) {
  let i = 0;
  while ((i = text.indexOf('{', i)) !== -1) {
    const block = parseBlock(text, i);
    if (block === null) {
      i += 1;
    } else if (block.problem) {
      failed({ at: i, problem: block.problem });
      i += 1;
    } else {
      found(block);
      i = block.end;
    }
  }
}

/** The plural block starting at `start` (a `{`), `{ problem }`, or null where no block starts (`{name}`). */
function parseBlock(text, start) {
  HEADER.lastIndex = start;
  const header = HEADER.exec(text);
  if (!header) {
    // `{x, plural` with something wrong after `plural` is a broken block, not a placeholder.
    return /^\{\s*[^\s{},]*\s*,\s*plural\b/.test(text.slice(start, start + 80)) ? { problem: 'no comma after "plural"' } : null;
  }
  const branches = {};
  const keys = [];
  let i = HEADER.lastIndex;
  for (;;) {
    while (/\s/.test(text[i] ?? '')) i += 1;
    if (i >= text.length) return { problem: 'the block is not closed' };
    if (text[i] === '}') break;
    const key = /^[^\s{}]+/.exec(text.slice(i))?.[0];
    if (!key || !KEYS.test(key)) return { problem: `"${key ?? text[i]}" is not a plural key` };
    i += key.length;
    while (/\s/.test(text[i] ?? '')) i += 1;
    if (text[i] !== '{') return { problem: `no "{" after the key ${key}` };
    const close = matching(text, i);
    if (close === -1) return { problem: `the branch ${key} is not closed` };
    if (key in branches) return { problem: `the key ${key} appears twice` };
    branches[key] = text.slice(i + 1, close);
    keys.push(key);
    i = close + 1;
  }
  if (!keys.length) return { problem: 'the block has no branch' };
  return { problem: null, selector: header[1], keys, branches, start, end: i + 1 };
}

/** The index of the `}` that closes the `{` at `open`, or -1. */
function matching(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    if (text[i] === '{') depth += 1;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

const NUMBER = /^[+-]?\d+(?:\.\d+)?$/;

/** The block's number (NaN when its value is not one) and the text `#` shows; null for a parameter not given. */
function valueOf(selector, params) {
  let shown = selector;
  if (!NUMBER.test(selector)) {
    if (!/^[A-Za-z_]\w*$/.test(selector)) return { number: NaN, shown };
    if (!Object.hasOwn(params ?? {}, selector) || params[selector] == null) return null;
    shown = String(params[selector]).trim();
    if (!NUMBER.test(shown)) return { number: NaN, shown };
  }
  return { number: numeric(shown), shown };
}

/**
 * The number to choose a plural form by. An integer too long for a double keeps its last six digits
 * (above 10^6): integer plural rules look at most at n % 1000000 and whether n is 0 or 1.
 */
function numeric(text) {
  const digits = text.replace(/^[+-]/, '');
  if (!digits.includes('.') && digits.replace(/^0+/, '').length > 15) return 1_000_000 + Number(digits.slice(-6));
  return Number(text);
}

function pick(branches, number, rules) {
  if (!Number.isNaN(number)) {
    const exact = Object.keys(branches).find((key) => key.startsWith('=') && Number(key.slice(1)) === number);
    if (exact) return branches[exact];
    const category = rules(number);
    if (category in branches) return branches[category];
  }
  return branches.other;
}

const cache = new Map();

/** The plural category function of `locale`; one that says `other` for a locale Intl cannot read. */
function rulesFor(locale) {
  const tag = String(locale ?? '').replaceAll('_', '-');
  if (!cache.has(tag)) {
    let rules;
    try {
      const plural = new Intl.PluralRules(tag || undefined);
      rules = (n) => plural.select(n);
    } catch {
      rules = () => 'other';
    }
    cache.set(tag, rules);
  }
  return cache.get(tag);
}
