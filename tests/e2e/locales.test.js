// The extension's languages (extension/_locales) against English, and the plural blocks their
// messages use (extension/plural.js). No browser: `node --test tests/e2e/locales.test.js`.
// When English gains a message, every other language fails here, its missing keys listed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolvePlurals, pluralBlocks, withoutPluralSyntax } from '../../extension/plural.js';

const LOCALES = fileURLToPath(new URL('../../extension/_locales/', import.meta.url));
const EXPECTED = ['en', 'cs', 'de', 'sk', 'pl', 'fr', 'es', 'it', 'pt_BR', 'uk'];

const present = readdirSync(LOCALES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const messages = Object.fromEntries(present.map((locale) => [locale, JSON.parse(readFileSync(`${LOCALES}${locale}/messages.json`, 'utf8'))]));
const en = messages.en;
const others = present.filter((locale) => locale !== 'en');
/** The BCP 47 tag of a _locales folder (`pt_BR` → `pt-BR`), as Intl and <html lang> spell it. */
const tag = (locale) => locale.replaceAll('_', '-');

/** Fails with one line per locale (and what is wrong there) when `found` has any. */
function noneIn(found, what) {
  const lines = Object.entries(found).filter(([, list]) => list.length).map(([locale, list]) => `${locale}: ${list.join('; ')}`);
  assert.equal(lines.length, 0, `${what}:\n${lines.join('\n')}`);
}

/** For each locale, what `check(key, entry, locale)` says is wrong with each message it shares with en. */
function perMessage(locales, check) {
  return Object.fromEntries(locales.map((locale) => [locale, Object.entries(messages[locale])
    .filter(([key]) => key in en)
    .flatMap(([key, entry]) => check(key, entry, locale).map((problem) => `${key}: ${problem}`))]));
}

/** chrome.i18n placeholders a text names (`$ACCOUNT$`, case-insensitive), sorted, without repeats. */
const dollarNames = (text) => [...new Set([...text.replaceAll('$$', '').matchAll(/\$(\w+)\$/g)].map((m) => m[1].toLowerCase()))].sort();

/** The parameters a text names: plural selectors that are names, and `{name}` inside or outside branches. */
function paramNames(text) {
  const selectors = pluralBlocks(text).blocks.map((b) => b.selector).filter((s) => /^[A-Za-z_]\w*$/.test(s));
  const simple = [...withoutPluralSyntax(text).matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  return [...new Set([...selectors, ...simple])].sort();
}

/** The plural categories Intl gives a language's integers 0…1000. */
function integerCategories(locale) {
  const rules = new Intl.PluralRules(tag(locale));
  const found = new Set();
  for (let n = 0; n <= 1000; n += 1) found.add(rules.select(n));
  return found;
}

test('the_ten_languages_are_all_present', () => {
  assert.deepEqual(EXPECTED.filter((locale) => !present.includes(locale)), [], `present: ${present.join(', ')}`);
});

test('every_locale_has_every_key_of_en_and_no_key_en_lacks', () => {
  noneIn(Object.fromEntries(others.map((locale) => [locale, Object.keys(en).filter((key) => !(key in messages[locale]))])), 'keys of en missing');
  noneIn(Object.fromEntries(others.map((locale) => [locale, Object.keys(messages[locale]).filter((key) => !(key in en))])), 'keys en does not have');
});

test('no_message_is_empty', () => {
  noneIn(perMessage(present, (key, entry) => (typeof entry?.message === 'string' && entry.message.trim() ? [] : ['empty or not text'])), 'empty messages');
});

test('the_locale_message_names_its_own_language', () => {
  noneIn(perMessage(present, (key, entry, locale) => (key === 'locale' && entry.message !== tag(locale) ? [`"${entry.message}", not "${tag(locale)}"`] : [])), 'wrong locale tags');
});

test('chrome_i18n_placeholders_are_those_of_en', () => {
  noneIn(perMessage(others, (key, entry) => {
    const problems = [];
    const want = dollarNames(en[key].message);
    const got = dollarNames(entry.message);
    if (want.join() !== got.join()) problems.push(`text names $${got.join('$ $')}$, en $${want.join('$ $')}$`);
    const norm = (p) => JSON.stringify(Object.entries(p ?? {}).map(([k, v]) => [k.toLowerCase(), v?.content]).sort());
    if (norm(entry.placeholders) !== norm(en[key].placeholders)) problems.push(`placeholders ${norm(entry.placeholders)}, en ${norm(en[key].placeholders)}`);
    return problems;
  }), 'chrome.i18n placeholders that differ from en');
  // Within en itself: every $NAME$ of a text has its placeholder.
  const undeclared = Object.entries(en).flatMap(([key, entry]) => dollarNames(entry.message)
    .filter((name) => !Object.keys(entry.placeholders ?? {}).some((k) => k.toLowerCase() === name)).map((name) => `${key}: $${name}$`));
  assert.deepEqual(undeclared, [], 'en names placeholders it does not declare');
});

test('error_word_params_are_those_of_en', () => {
  noneIn(perMessage(others, (key, entry) => {
    const want = paramNames(en[key].message);
    const got = paramNames(entry.message);
    return want.join() === got.join() ? [] : [`names {${got.join('} {')}}, en {${want.join('} {')}}`];
  }), '{param} names that differ from en');
});

test('every_plural_block_parses_and_has_a_branch_for_each_integer_category_of_its_language', () => {
  noneIn(perMessage(present, (key, entry, locale) => {
    const { blocks, problems } = pluralBlocks(entry.message);
    const found = problems.map((p) => `does not parse at ${p.at}: ${p.problem}`);
    const categories = integerCategories(locale);
    for (const block of blocks) {
      const keys = new Set(block.keys.filter((k) => !k.startsWith('=')));
      if (!block.selector) found.push('a block has no number or parameter');
      if (!keys.has('other')) found.push(`{${block.selector}, plural} has no "other"`);
      const missing = [...categories].filter((c) => !keys.has(c));
      if (missing.length) found.push(`{${block.selector}, plural} lacks ${missing.join(', ')}`);
      const extra = [...keys].filter((k) => k !== 'other' && !categories.has(k));
      if (extra.length) found.push(`{${block.selector}, plural} has ${extra.join(', ')}, which ${tag(locale)} integers never take`);
    }
    return found;
  }), 'plural blocks that are broken or incomplete');
});

test('every_plural_message_reads_without_plural_syntax_for_any_count', () => {
  const counts = [0, 1, 2, 3, 4, 5, 11, 12, 21, 22, 25, 101, 1000, 3000];
  noneIn(perMessage(present, (key, entry, locale) => {
    const { blocks } = pluralBlocks(entry.message);
    if (!blocks.length) return [];
    // The chrome.i18n substitution first ($N$ → a number), then the parameters by name.
    const names = paramNames(entry.message);
    return counts.flatMap((n) => {
      const text = resolvePlurals(entry.message.replace(/\$\w+\$/g, String(n)), tag(locale), Object.fromEntries(names.map((name) => [name, String(n)])));
      return /[{,]\s*plural\s*,|#/.test(text.replace(/\{\w+\}/g, '')) ? [`for ${n}: ${text}`] : [];
    });
  }), 'plural blocks left unresolved');
});

// resolvePlurals itself.

const accounts = {
  cs: '{N, plural, one {# účet} few {# účty} other {# účtů}}',
  pl: '{N, plural, one {# konto} few {# konta} many {# kont} other {# konta}}',
  uk: '{N, plural, one {# акаунт} few {# акаунти} many {# акаунтів} other {# акаунта}}',
  en: '{N, plural, one {# account} other {# accounts}}',
};
const say = (locale, n) => resolvePlurals(accounts[locale].replace('N', String(n)), locale);

test('czech_counts_take_one_few_and_other', () => {
  assert.deepEqual([1, 3, 5].map((n) => say('cs', n)), ['1 účet', '3 účty', '5 účtů']);
});

test('polish_counts_take_one_few_and_many_by_their_last_digits', () => {
  assert.deepEqual([1, 2, 5, 22, 25, 12].map((n) => say('pl', n)), ['1 konto', '2 konta', '5 kont', '22 konta', '25 kont', '12 kont']);
});

test('ukrainian_counts_take_one_few_and_many_and_eleven_is_not_one', () => {
  assert.deepEqual([1, 2, 5, 11, 21].map((n) => say('uk', n)), ['1 акаунт', '2 акаунти', '5 акаунтів', '11 акаунтів', '21 акаунт']);
});

test('english_counts_take_one_and_other', () => {
  assert.deepEqual([1, 2, 0].map((n) => say('en', n)), ['1 account', '2 accounts', '0 accounts']);
});

test('an_exact_branch_wins_over_the_category', () => {
  const text = (n) => `{${n}, plural, =0 {aucun compte} one {# compte} other {# comptes}}`;
  // French 0 is "one": =0 must still win.
  assert.equal(resolvePlurals(text(0), 'fr'), 'aucun compte');
  assert.equal(resolvePlurals(text(1), 'fr'), '1 compte');
  assert.equal(resolvePlurals(text(7), 'fr'), '7 comptes');
});

test('hash_is_the_number_only_inside_a_branch_and_of_its_own_block', () => {
  assert.equal(resolvePlurals('No. # {2, plural, one {# key} other {# keys of {3, plural, one {# vault} other {# vaults}}}}', 'en'), 'No. # 2 keys of 3 vaults');
});

test('params_are_found_by_name_and_nested_placeholders_are_left_for_the_caller', () => {
  const words = "{length, plural, one {# znak base32 nedává} few {# znaky base32 nedávají} other {# znaků base32 nedává}} celé bajty ve '{format}'";
  assert.equal(resolvePlurals(words, 'cs', { length: '3', format: 'aegis' }), "3 znaky base32 nedávají celé bajty ve '{format}'");
  assert.equal(resolvePlurals('{n, plural, one {{who} has # key} other {{who} has # keys}}', 'en', { n: 2 }), '{who} has 2 keys');
});

test('a_block_counting_a_param_not_given_waits_for_the_call_that_has_it', () => {
  // msg() resolves first (no params), then describe() with the error's params.
  const words = "Position {index} is past the end of the list of {len, plural, one {# account} other {# accounts}} ({2, plural, one {# try} other {# tries}}).";
  const first = resolvePlurals(words, 'en');
  assert.equal(first, 'Position {index} is past the end of the list of {len, plural, one {# account} other {# accounts}} (2 tries).');
  assert.equal(resolvePlurals(first, 'en', { len: '1', index: '3' }), 'Position {index} is past the end of the list of 1 account (2 tries).');
});

test('a_param_that_is_not_a_number_takes_other_and_shows_its_value', () => {
  assert.equal(resolvePlurals('{len, plural, one {# account} other {# accounts}}', 'en', { len: 'many' }), 'many accounts');
});

test('an_integer_longer_than_a_double_still_takes_its_category_by_its_last_digits', () => {
  const block = (n) => `{${n}, plural, one {# konto} few {# konta} many {# kont} other {# konta}}`;
  assert.equal(resolvePlurals(block('22222222222222222222'), 'pl'), '22222222222222222222 konta');
  assert.equal(resolvePlurals(block('18446744073709551615'), 'pl'), '18446744073709551615 kont');
});

test('text_without_blocks_is_untouched', () => {
  for (const text of ["'{character}' (position {position}) is not base32.", 'Use # and {x} freely', '', 'plural, {a, b}']) {
    assert.equal(resolvePlurals(text, 'cs', { character: '1' }), text);
  }
  assert.equal(resolvePlurals(undefined, 'en'), undefined);
});

test('malformed_blocks_never_throw_and_stay_as_written_or_take_other', () => {
  const cases = [
    ['{5, plural, one {# a}}', 'en', '{5, plural, one {# a}}'], // no other, category missing
    ['{1, plural, one {# a}}', 'en', '1 a'], // no other, category present
    ['x {3, plural, one {# a} other {# b}', 'en', 'x {3, plural, one {# a} other {# b}'], // not closed
    ['{3, plural, one {# a} other {# b}}}', 'en', '3 b}'], // one brace too many: the rest is text
    ['{3, plural, one # a other {# b}}', 'en', '{3, plural, one # a other {# b}}'], // branch without braces
    ['{3, plural, single {# a} other {# b}}', 'en', '{3, plural, single {# a} other {# b}}'], // unknown key
    ['{3, plural}', 'en', '{3, plural}'],
    ['{3, plural, }', 'en', '{3, plural, }'],
    ['{3, plural, other {# b}}', 'no such locale!', '3 b'],
    ['{3, plural, one {# a} other {# b}}', undefined, '3 b'],
  ];
  for (const [text, locale, want] of cases) assert.equal(resolvePlurals(text, locale), want, text);
});

test('the_locale_check_sees_every_malformed_block', () => {
  const withoutOther = '{5, plural, one {# a}}';
  assert.deepEqual(pluralBlocks(withoutOther).blocks.map((b) => b.keys), [['one']]);
  for (const text of ['x {3, plural, one {# a} other {# b}', '{3, plural, one # a other {# b}}', '{3, plural, single {# a} other {# b}}',
    '{3, plural}', '{3, plural, }', '{3, plural, one {# a} one {# b} other {# c}}', '{3, plural, other {# b {x}}']) {
    assert.ok(pluralBlocks(text).problems.length > 0, text);
  }
});
