// Passkey unlock in headless Firefox ESR (geckodriver): Firefox refuses WebAuthn to an extension page
// (no `rp.id`: SecurityError; an `rp.id` must be a web domain the extension holds a host permission
// for, and Authbar has none), so the popup hides the passkey button and the enrolment form and says
// why in one line. A vault with a passkey slot (added in Chromium, arrived by sync) still unlocks with
// the passphrase here, and the slot can be removed. If Firefox ever lets the ceremony run, the first
// assertion fails: then offer passkeys here too (extension/ext.js PASSKEYS_IN_EXTENSION_PAGES).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHOTS } from '../e2e/harness.js';
import { launch, newProfile, removeProfile } from './firefox.js';

const PASS = 'correct horse battery';
const WHY = 'Firefox does not let extensions use passkeys, so Authbar unlocks with the passphrase here. Passkeys work in Chrome, Edge and other Chromium browsers.';

const shown = (browser, selector) => browser.run('const e = document.querySelector(arguments[0]); return !!e && !e.closest("[hidden]");', selector);
const text = (browser, selector) => browser.run('return document.querySelector(arguments[0]).textContent;', selector);

test('Firefox: WebAuthn is refused to the popup, so passkeys are hidden with the reason and the passphrase unlocks', async () => {
  const profile = newProfile();
  const browser = await launch(profile);
  try {
    await browser.openPopup();
    // A platform authenticator with PRF (WebDriver's virtual authenticator, WebAuthn §11.3): the
    // refusal is the browser's, not a missing authenticator's.
    await browser.command('POST', '/webauthn/authenticator', {
      protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, extensions: ['prf'],
    });
    const refusal = await browser.runAsync(`
      try {
        await navigator.credentials.create({ publicKey: { rp: { name: 'Authbar' },
          user: { id: new Uint8Array(16), name: 'Authbar vault', displayName: 'Authbar' }, challenge: new Uint8Array(32),
          pubKeyCredParams: [{ type: 'public-key', alg: -7 }], authenticatorSelection: { userVerification: 'required' },
          extensions: { prf: { eval: { first: new Uint8Array(32) } } } } });
        return 'created';
      } catch (e) { return e.name; }`);
    assert.equal(refusal, 'SecurityError', 'Firefox now runs WebAuthn on extension pages: offer passkeys here (and test them)');

    await browser.click('#toggle-add');
    await browser.type('#add-text', 'otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME');
    await browser.click('#text-form button[type=submit]');
    await browser.click('#preview-commit');
    await browser.type('#preview-protect-new', PASS);
    await browser.type('#preview-protect-repeat', PASS);
    await browser.click('#preview-protect-go');
    await browser.visible('#lock-now');
    await browser.click('#toggle-settings');
    await browser.visible('#passkeys');
    assert.equal(await shown(browser, '#passkeys-unavailable'), true);
    assert.equal(await text(browser, '#passkeys-unavailable'), WHY);
    assert.equal(await shown(browser, '#passkey-form'), false, 'no enrolment where it cannot run');

    // A slot made in Chromium (as sync brings it): listed, and removable, here too.
    await browser.runAsync(`
      const core = globalThis.authbarCore();
      core.addPasskey(args[0], new Uint8Array([1, 2, 3, 4]), 'Chrome laptop', Date.now(), true, new Uint8Array(32).fill(7), new Uint8Array(32).fill(9));
      await browser.storage.local.set({ vault: core.toJson() });`, PASS);
    await browser.visible('#passkey-list li');
    const where = await text(browser, '#passkey-list .passkey-where');
    assert.equal(where, 'Synced with your browser account: works on your other browsers too');
    const part = await browser.visible('#passkeys');
    mkdirSync(SHOTS, { recursive: true });
    const png = await browser.command('GET', `/element/${Object.values(part)[0]}/screenshot`);
    writeFileSync(join(SHOTS, 'passkey-settings-firefox.png'), Buffer.from(png, 'base64'));

    await browser.click('#lock-now');
    await browser.visible('#lock-screen');
    assert.equal(await shown(browser, '#unlock-passkey'), false);
    assert.equal(await text(browser, '#passkey-unlock-unavailable'), WHY);
    assert.equal(await shown(browser, '#passkey-unlock-unavailable'), true);
    await browser.type('#unlock-passphrase', PASS);
    await browser.click('#unlock-form button[type=submit]');
    await browser.visible('#accounts .code');

    await browser.click('#toggle-settings');
    await browser.click('#passkey-list .passkey-remove');
    await browser.click('.passkey-remove-confirm');
    await browser.waitFor(() => browser.run('return document.querySelectorAll("#passkey-list li").length === 0'), 'the passkey removed');
    const slots = await browser.runAsync(`
      return JSON.parse((await browser.storage.local.get('vault')).vault).header.slots.map((s) => s.type);`);
    assert.deepEqual(slots.filter((type) => type === 'prf'), []);
  } finally {
    await browser.quit();
    removeProfile(profile);
  }
});
