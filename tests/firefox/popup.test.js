// The extension in headless Firefox ESR (geckodriver): the popup's codes for a typed secret, a pasted
// otpauth:// URI and a QR image equal oathtool's, and the accounts survive a browser restart.
// Firefox's clock cannot be fixed from WebDriver, so codes are compared at the page's own time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, oathtool } from '../e2e/harness.js';
import { launch, newProfile, removeProfile } from './firefox.js';

const FIX = join(ROOT, 'tests/fixtures');
const RFC = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
/** The three accounts the test adds, as oathtool needs them, in list order. */
const ACCOUNTS = [
  { secret: 'JBSWY3DPEHPK3PXP' },
  { secret: RFC, algorithm: 'SHA256', digits: 8, period: 60 },
  { secret: RFC }, // tests/fixtures/qr-totp.png: otpauth://totp/ACME%20Co:… with the RFC 6238 secret
];
const STEP = 30; // every period above is a multiple of it: all codes change only on its boundaries

/** Adds by typing into the add field (and issuer, account) and confirming the preview. */
async function addText(browser, text, fields = {}) {
  if (await browser.run('return document.querySelector("#add").hidden')) await browser.click('#toggle-add');
  await browser.type('#add-text', text);
  for (const [id, value] of Object.entries(fields)) await browser.type(`#${id}`, value);
  await browser.click('#text-form button[type=submit]');
  await confirmPreview(browser);
}

async function confirmPreview(browser) {
  await browser.click('#preview-commit');
  // The first accounts of a new profile wait for the choice of a passphrase or none.
  if (await browser.run('return !document.querySelector("#preview-protect").hidden')) await browser.click('#preview-plain');
  await browser.waitFor(() => browser.run('return document.querySelector("#preview").hidden'), 'the preview to close');
}

/**
 * The codes shown (data-code, in list order) with oathtool's at the page's clock. Read again when the
 * reading straddles a step boundary or falls in a step's first second (the popup may not have redrawn).
 */
async function codesNow(browser, count) {
  return browser.waitFor(async () => {
    const r = await browser.run(`const t0 = Date.now();
      const codes = [...document.querySelectorAll('#accounts .code')].map((n) => n.dataset.code);
      return { t0, t1: Date.now(), codes };`);
    const [s0, s1] = [Math.floor(r.t0 / 1000), Math.floor(r.t1 / 1000)];
    if (r.codes.length !== count || Math.floor(s0 / STEP) !== Math.floor(s1 / STEP) || s0 % STEP < 1) return null;
    return { shown: r.codes, expected: ACCOUNTS.slice(0, count).map((a) => oathtool({ ...a, time: s0 })) };
  }, `${count} codes`);
}

const storedVault = (browser) => browser.runAsync("return (await browser.storage.local.get('vault')).vault ?? null;");

test('Firefox: codes for a typed secret, a pasted URI and an uploaded QR equal oathtool, and survive a restart', async () => {
  const profile = newProfile();
  try {
    let stored;
    const first = await launch(profile);
    try {
      await first.openPopup();
      await addText(first, 'jbsw y3dp ehpk 3pxp', { 'add-issuer': 'ACME', 'add-name': 'alice' });
      await addText(first, `otpauth://totp/Big:bob?secret=${RFC}&algorithm=SHA256&digits=8&period=60`);
      await first.upload('#add-file', join(FIX, 'qr-totp.png'));
      await confirmPreview(first);
      const { shown, expected } = await codesNow(first, 3);
      assert.deepEqual(shown, expected);
      assert.deepEqual(await first.run('return [...document.querySelectorAll("#accounts .issuer")].map((n) => n.textContent)'),
        ['ACME', 'Big', 'ACME Co']);
      stored = await storedVault(first);
      assert.match(stored, /"schema":1/);
    } finally {
      await first.quit();
    }

    // The same profile again: a browser restart. The add-on is installed again (a temporary add-on
    // lasts one session) under the same id, so it finds its storage.local.
    const second = await launch(profile);
    try {
      await second.openPopup();
      const { shown, expected } = await codesNow(second, 3);
      assert.deepEqual(shown, expected);
      assert.equal(await storedVault(second), stored);
    } finally {
      await second.quit();
    }
  } finally {
    removeProfile(profile);
  }
});

test('Firefox: bad input shows the specific error and stores nothing', async () => {
  const profile = newProfile();
  const browser = await launch(profile);
  try {
    await browser.openPopup();
    const error = async (selector) => browser.run('return arguments[0].textContent', await browser.visible(selector));
    await browser.click('#toggle-add');
    await browser.type('#add-text', 'JBSWY31P');
    await browser.click('#text-form button[type=submit]');
    assert.equal(await error('#add-text-error'),
      "'1' (position 7) is not a base32 character: a secret uses only the letters A–Z and the digits 2–7.");
    // Firefox's own image decoding (createImageBitmap) behind the same messages as Chromium's.
    await browser.upload('#add-file', join(FIX, 'no-qr.png'));
    assert.equal(await error('#qr-error'), 'No QR code was found in no-qr.png.');
    const qrError = (text) => browser.waitFor(
      () => browser.run('return document.querySelector("#qr-error").textContent === arguments[0]', text), `"${text}"`);
    // Bytes that are no image at all: Firefox's createImageBitmap refuses them, as Chromium's does.
    const dir = mkdtempSync(join(tmpdir(), 'authbar-ff-'));
    writeFileSync(join(dir, 'notes.png'), 'otpauth://totp/X:y?secret=JBSWY3DPEHPK3PXP\n');
    await browser.upload('#add-file', join(dir, 'notes.png'));
    await qrError('notes.png is not an image the browser can read.');
    rmSync(dir, { recursive: true, force: true });
    // A PNG cut off inside its image data: unlike Chromium, Firefox decodes what is there (the rest
    // transparent), so the popup reports no QR code rather than an unreadable image. Still an error
    // naming the file, and nothing is added.
    await browser.upload('#add-file', join(FIX, 'corrupt.png'));
    await qrError('No QR code was found in corrupt.png.');
    assert.equal(await browser.run('return document.querySelectorAll("#accounts li").length'), 0);
    assert.equal(await storedVault(browser), null);
  } finally {
    await browser.quit();
    removeProfile(profile);
  }
});
