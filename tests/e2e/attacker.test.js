// The vault against an attacker with the browser profile or a crafted file (issue 24): no account is
// stored in the clear before the person has chosen, a plain vault put in place of a protected one is
// reported, and an import reads only what it bounds, off the popup's thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, openPopup, addText, storedVault, shownCodes, oathtool } from './harness.js';

const SECRET = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';
const PASS = 'a long passphrase';

/** Every value the page's storage.local was given, as the page saw it (from here on). */
async function watchWrites(page) {
  await page.evaluate(() => {
    globalThis.written = [];
    chrome.storage.onChanged.addListener((changes, area) => {
      if (area === 'local') for (const [key, { newValue }] of Object.entries(changes)) globalThis.written.push([key, JSON.stringify(newValue ?? null)]);
    });
  });
  return () => page.evaluate(() => globalThis.written);
}

test('the_first_accounts_are_never_stored_in_the_clear_before_the_person_chooses', async () => {
  const { context, cleanup } = await launch();
  try {
    const page = await openPopup(context, 1_700_000_000);
    const writes = await watchWrites(page);
    await addText(page, `otpauth://totp/ACME:alice?secret=${SECRET}&issuer=ACME`);
    await page.waitForSelector('#preview:not([hidden])');
    await page.click('#preview-commit');
    // The choice comes first; nothing is stored while it is open.
    await page.waitForSelector('#preview-protect:not([hidden])');
    assert.equal(await page.isHidden('#preview-commit'), true);
    assert.equal(await storedVault(page), null, 'nothing stored before the choice');
    // A mistyped repeat is said, and still nothing is stored.
    await page.fill('#preview-protect-new', PASS);
    await page.fill('#preview-protect-repeat', 'something else');
    await page.click('#preview-protect-go');
    assert.match(await page.textContent('#preview-protect-error'), /differ/);
    await page.fill('#preview-protect-repeat', PASS);
    await page.click('#preview-protect-go');
    await page.waitForSelector('#preview[hidden]', { state: 'attached' });
    assert.deepEqual(await shownCodes(page), [oathtool({ secret: SECRET, time: 1_700_000_000 })]);
    const stored = await storedVault(page);
    assert.match(stored, /"format": *"authbar-vault"/);
    // No value ever written held the secret, the issuer or the name.
    const all = await writes();
    assert.ok(all.length > 0);
    for (const [key, value] of all) {
      for (const word of [SECRET, 'alice', 'ACME']) assert.ok(!value.includes(word), `${key} was written with ${word}`);
    }
    // Nothing was ever stored unprotected: no purge, and no notice about copies left on disk.
    assert.equal(await page.isHidden('#remnants-notice'), true);
    // The passphrase is remembered as protecting this browser's vault.
    assert.equal(await page.evaluate(async () => (await chrome.storage.local.get('settings')).settings.wasProtected), true);
  } finally {
    await cleanup();
  }
});

test('a_plain_vault_put_in_place_of_a_protected_one_is_reported', async () => {
  const { context, cleanup } = await launch();
  try {
    let page = await openPopup(context, 1_700_000_000);
    await addText(page, `otpauth://totp/ACME:alice?secret=${SECRET}&issuer=ACME`);
    await page.click('#preview-commit');
    await page.fill('#preview-protect-new', PASS);
    await page.fill('#preview-protect-repeat', PASS);
    await page.click('#preview-protect-go');
    await page.waitForSelector('#preview[hidden]', { state: 'attached' });
    assert.equal(await page.isHidden('#replaced-notice'), true);
    // Someone with the profile puts a plain list of their own in its place.
    const planted = JSON.stringify({ schema: 1, nextId: 2, entries: [{ id: 1, account: {
      type: 'totp', issuer: 'ACME', name: 'alice', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', algorithm: 'SHA1', digits: 6, period: 30, counter: 0,
    } }] });
    await page.evaluate(async (text) => { await chrome.storage.session.clear(); await chrome.storage.local.set({ vault: text }); }, planted);
    await page.close();
    page = await openPopup(context, 1_700_000_000);
    assert.equal(await page.isVisible('#replaced-notice'), true, 'the replacement is said');
    assert.match(await page.textContent('#replaced-notice'), /protected by a passphrase/);
    assert.equal(await page.isHidden('#unprotected-notice'), true);
    // The person says they removed it: the notice goes, and stays gone.
    await page.click('#replaced-dismiss');
    assert.equal(await page.isHidden('#replaced-notice'), true);
    await page.close();
    page = await openPopup(context, 1_700_000_000);
    assert.equal(await page.isHidden('#replaced-notice'), true);
    // Removing a passphrase in Settings is no replacement: no notice after it.
    await page.click('#toggle-settings');
    await page.fill('#set-new', PASS);
    await page.fill('#set-repeat', PASS);
    await page.click('#set-passphrase-form button[type=submit]');
    await page.waitForSelector('#lock-now:not([hidden])');
    await page.click('#remove-passphrase summary');
    await page.fill('#remove-current', PASS);
    await page.click('#remove-passphrase-form button[type=submit]');
    await page.waitForSelector('#set-passphrase-form:not([hidden])');
    await page.close();
    page = await openPopup(context, 1_700_000_000);
    assert.equal(await page.isHidden('#replaced-notice'), true, 'a passphrase removed by the person is no replacement');
  } finally {
    await cleanup();
  }
});

test('a_200000_line_import_is_refused_naming_the_limit_and_read_off_the_popups_thread', async () => {
  const { context, cleanup } = await launch();
  const dir = mkdtempSync(join(tmpdir(), 'authbar-big-'));
  try {
    // The probe's file: 200,000 otpauth:// lines, about 10 MB (under the size limit: the count refuses it).
    const file = join(dir, 'many.txt');
    writeFileSync(file, Array.from({ length: 200_000 }, (_, i) => `otpauth://totp/S:u${i}?secret=JBSWY3DPEHPK3PXP\n`).join(''));
    const page = await openPopup(context, 1_700_000_000);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const requested = [];
    cdp.on('Network.requestWillBeSent', (e) => requested.push(new URL(e.request.url).pathname));
    await page.click('#toggle-settings');
    await page.setInputFiles('#import-file', file);
    await page.waitForSelector('#import-error:not([hidden])');
    assert.match(await page.textContent('#import-error'), /200000 entries; one import takes at most 5000/);
    assert.equal(await page.isHidden('#preview'), true);
    // The file was read by the tools in their worker: the page's thread stayed free to answer.
    assert.ok(requested.includes('/tools-worker.js'), requested.join(' '));
  } finally {
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});
