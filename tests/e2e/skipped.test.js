// Every reason an import skips an entry, worded as a person reads it in the preview, in English and
// Czech: the reason's values (the type found, the bad character and its position, the field and its
// rule) reach the words through the tools module, the codes module and the popup (issue 23: they were
// lost on the way, and the preview read "Its type '{found}' is not one Authbar computes…").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, launch, openPopup, addText } from './harness.js';

const messages = (locale) => Object.fromEntries(Object.entries(JSON.parse(readFileSync(join(ROOT, 'extension/_locales', locale, 'messages.json'), 'utf8'))).map(([k, v]) => [k, v.message]));

/** The words of `key` with `{name}` filled, as a person reads them. */
const words = (m, key, params) => m[key].replace(/\{(\w+)\}/g, (whole, name) => params[name] ?? whole);

const template = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/import/aegis-plain.json'), 'utf8'));

/** An Aegis vault whose entries break one rule each; `[issuer, change, key, params]`. */
const AEGIS = [
  ['Motp', (e) => { e.type = 'motp'; }, 'err_unsupported_type', { found: 'motp' }],
  ['Md5', (e) => { e.info.algo = 'MD5'; }, 'err_unknown_algorithm', { found: 'MD5' }],
  ['Nosecret', (e) => { e.info.secret = ''; }, 'err_missing_secret_entry', {}],
  ['Badchar', (e) => { e.info.secret = 'JBSW1'; }, 'err_bad_base32', { character: '1', position: '5' }],
  ['Fivedigits', (e) => { e.info.digits = 5; }, 'err_bad_digits', { found: '5', min: '6', max: '10' }],
  ['Noperiod', (e) => { e.info.period = 0; }, 'err_bad_period', { found: '0' }],
  ['Wordy', (e) => { e.info.digits = 'six'; }, 'err_bad_field_number', { field: 'digits', found: "'six'" }],
];

/** A text file of links: `[line, key, params]` (a line's label is "line N"). */
const LINES = [
  ['hello world', 'err_not_authenticator_line', {}],
  ['otpauth://hotp/X:y?secret=JBSWY3DPEHPK3PXP', 'err_missing_counter', {}],
  ['otpauth-migration://offline?data=', 'err_bad_field_migration', { field: 'otpauth-migration link', found: 'missing_data' }],
];

function files(dir) {
  const vault = structuredClone(template);
  const base = vault.db.entries[0];
  vault.db.entries = AEGIS.map(([issuer, change]) => {
    const e = structuredClone(base);
    e.issuer = issuer;
    e.name = 'bob';
    change(e);
    return e;
  });
  const aegis = join(dir, 'aegis.json');
  writeFileSync(aegis, JSON.stringify(vault));
  const list = join(dir, 'links.txt');
  writeFileSync(list, `otpauth://totp/Good:alice?secret=JBSWY3DPEHPK3PXP\n${LINES.map(([line]) => line).join('\n')}\n`);
  return { aegis, list };
}

async function problems(page) {
  return page.$$eval('#preview-problems p', (ps) => ps.map((p) => p.textContent));
}

for (const locale of ['en', 'cs']) {
  test(`every_skip_reason_is_worded_with_its_values_in_${locale}`, async () => {
    const m = messages(locale);
    const dir = mkdtempSync(join(tmpdir(), 'authbar-skipped-'));
    const { context, cleanup } = await launch({ locale: locale === 'cs' ? 'cs-CZ' : 'en-US' });
    try {
      const { aegis, list } = files(dir);
      const page = await openPopup(context, 1_700_000_000);
      // A file read by the tools module: the Aegis vault.
      await page.click('#toggle-settings');
      await page.setInputFiles('#import-file', aegis);
      await page.waitForSelector('#preview:not([hidden])');
      const expected = AEGIS.map(([issuer, , key, params]) => `${m.skipped}: ${issuer} – bob: ${words(m, key, params)}`);
      assert.deepEqual(await problems(page), expected);
      await page.click('#preview-cancel');
      // A text file of links, read the same way.
      await page.click('#toggle-settings');
      await page.setInputFiles('#import-file', list);
      await page.waitForSelector('#preview:not([hidden])');
      const lines = LINES.map(([, key, params], i) => `${m.skipped}: line ${i + 2}: ${words(m, key, params)}`);
      assert.deepEqual(await problems(page), lines);
      await page.click('#preview-cancel');
      // A pasted Google Authenticator export with an MD5 entry: skipped by the codes module itself.
      const mig = readFileSync(join(ROOT, 'tests/vectors/migration.jsonl'), 'utf8').split('\n').filter(Boolean).map(JSON.parse).find((x) => x.id === 'mig-18');
      await addText(page, mig.uri);
      await page.waitForSelector('#preview:not([hidden])');
      const shown = await problems(page);
      assert.equal(shown.length, 1, shown.join('\n'));
      assert.ok(shown[0].endsWith(m.err_unsupported_md5), shown[0]);
      // Nothing the person reads has a placeholder left in it.
      for (const text of [...expected, ...lines, ...shown]) assert.doesNotMatch(text, /\{\w+\}|\$\w+\$/, text);
    } finally {
      await cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
