// Unlock with a passkey or security key (issue 26) in headless Chromium, with CDP virtual
// authenticators (WebAuthn domain) standing in for Windows Hello, a phone or a YubiKey: enrolment in
// Settings, "Unlock with passkey" on the lock screen, the failures (cancelled, no PRF, a credential
// gone, a slot that does not open, the same key twice), removal, the window the toolbar popup hands a
// ceremony to, and what storage holds: the slot's fields only, and the same data key as a passphrase.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hkdfSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SHOTS, launch, openPopup, oathtool, shownCodes, storedVault, addText, confirmPreview, axeViolations } from './harness.js';

const T = 1_800_000_010; // 2027-01-15 08:06:50 UTC
const PASS = 'correct horse battery';
const SECRET = 'JBSWY3DPEHPK3PXP';
const URI = `otpauth://totp/ACME:alice@example.com?secret=${SECRET}&issuer=ACME`;
// The stored fields of a passkey slot (crates/core/src/sealed/prf.rs): nothing else may be kept.
const SLOT_FIELDS = ['addedAt', 'credentialId', 'name', 'nonce', 'salt', 'synced', 'type', 'wrappedKey'];
const NOT_USED = 'The passkey was not used: cancelled, or not available here. Nothing was changed; try again, or use your passphrase.';

/** A profile with one account under the passphrase, its popup open (tab) and a CDP session on it. */
async function withVault(fn) {
  const { context, cleanup } = await launch();
  try {
    const page = await openPopup(context, T);
    await addText(page, URI);
    await confirmPreview(page);
    await openSettings(page);
    await page.fill('#set-new', PASS);
    await page.fill('#set-repeat', PASS);
    await page.click('#set-passphrase-form button[type=submit]');
    await page.waitForSelector('#lock-now:not([hidden])');
    // Protected, the vault is published to sync and stored again, linked (sync.js): wait for that round.
    await page.waitForFunction(() => globalThis.authbarSync?.quiet, null, { polling: 20 });
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await fn(page, cdp);
  } finally {
    await cleanup();
  }
}

/** A virtual authenticator: a platform one (`internal`, like Windows Hello) unless `transport` says otherwise. */
async function authenticator(cdp, options = {}) {
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: {
    protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true,
    hasPrf: true, automaticPresenceSimulation: true, ...options,
  } });
  return authenticatorId;
}

const credentials = async (cdp, authenticatorId) => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;

async function openSettings(page) {
  if (await page.isHidden('#settings')) await page.click('#toggle-settings');
}

const passkeyCount = (page) => page.locator('#passkey-list li').count();

/** Adds a passkey in Settings; returns the error shown, or null when the list grew. */
async function addPasskey(page, name, pass = PASS) {
  await openSettings(page);
  const before = await passkeyCount(page);
  await page.fill('#passkey-name', name);
  await page.fill('#passkey-passphrase', pass);
  await page.click('#passkey-add');
  await page.waitForFunction((n) => document.querySelectorAll('#passkey-list li').length !== n
    || !document.querySelector('#passkey-error').hidden, before);
  // A new slot is published to sync, and the vault stored again, linked (sync.js): wait for that round.
  await page.waitForFunction(() => globalThis.authbarSync?.quiet, null, { polling: 20 });
  return (await page.isVisible('#passkey-error')) ? page.textContent('#passkey-error') : null;
}

async function lock(page) {
  await page.click('#lock-now');
  await page.waitForSelector('#lock-screen:not([hidden])');
}

/** Clicks "Unlock with passkey"; returns the error shown, or null when the vault opened. */
async function unlockWithPasskey(page) {
  await page.click('#unlock-passkey');
  await page.waitForFunction(() => document.querySelector('#lock-screen').hidden
    || !document.querySelector('#passkey-unlock-error').hidden);
  return (await page.isVisible('#passkey-unlock-error')) ? page.textContent('#passkey-unlock-error') : null;
}

async function unlockWithPassphrase(page) {
  await page.fill('#unlock-passphrase', PASS);
  await page.click('#unlock-form button[type=submit]');
  await page.waitForSelector('#lock-screen[hidden]', { state: 'attached' });
}

const storedSlots = async (page) => JSON.parse(await storedVault(page)).header.slots.filter((s) => s.type === 'prf');
const sessionStorage = (page) => page.evaluate(() => chrome.storage.session.get(null));
/** Everything in both storage areas, as one string. */
const rawStorage = (page) => page.evaluate(async () => JSON.stringify([await chrome.storage.local.get(null), await chrome.storage.session.get(null)]));

/** Every way a byte string could be written into storage as text. */
const encodings = (bytes) => [bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('latin1')];

async function shot(page, name, selector) {
  mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize({ width: 360, height: 640 });
  // The sticky header would cover the top of a part scrolled into view.
  await (selector ? page.locator(selector) : page).screenshot({ path: join(SHOTS, name), style: 'header { position: static !important; }' });
}

test('a passkey added in Settings unlocks to the same data key as the passphrase, and storage holds only its slot', async () => {
  await withVault(async (page, cdp) => {
    const platform = await authenticator(cdp);
    // The slot's fields as stored before any passkey: a format-1 vault with its passphrase slot alone.
    assert.equal(JSON.parse(await storedVault(page)).version, 1);
    assert.equal(await page.inputValue('#passkey-name'), 'Passkey', 'a sensible name is offered');
    assert.equal(await addPasskey(page, 'Laptop'), null);
    assert.equal((await credentials(cdp, platform)).length, 1);
    assert.deepEqual(await page.$$eval('#passkey-list li .what', (ns) => ns.map((n) => n.innerText.split('\n'))),
      [['Laptop', 'Added Jan 15, 2027', 'Only on this device']]);
    assert.equal(await page.inputValue('#passkey-passphrase'), '', 'the passphrase does not stay in the form');
    assert.equal(await page.inputValue('#passkey-name'), 'Passkey', 'the next name offered');
    await shot(page, 'passkey-settings.png', '#passkeys');
    assert.deepEqual(await axeViolations(page), [], 'Settings with a passkey listed');

    const stored = JSON.parse(await storedVault(page));
    assert.equal(stored.version, 2, 'a vault with a passkey slot is format 2');
    const [slot] = await storedSlots(page);
    assert.deepEqual(Object.keys(slot).sort(), SLOT_FIELDS);
    assert.equal(slot.name, 'Laptop');
    assert.equal(slot.addedAt, T);
    assert.equal(slot.synced, false);

    // The data key a passphrase unlock holds…
    await lock(page);
    await unlockWithPassphrase(page);
    const { dataKey } = await sessionStorage(page);
    await lock(page);
    assert.equal(await page.isVisible('#unlock-passkey'), true);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'unlock-passkey', 'the passkey is offered first');
    assert.equal(await page.isVisible('#unlock-passphrase'), true, 'the passphrase field stays');
    await shot(page, 'passkey-lock-screen.png');
    assert.deepEqual(await axeViolations(page), [], 'the lock screen with its passkey button');

    // …is the one the passkey unlock holds, and the session holds nothing more than before.
    assert.equal(await unlockWithPasskey(page), null);
    assert.deepEqual(await shownCodes(page), [oathtool({ secret: SECRET, time: T })]);
    const held = await sessionStorage(page);
    assert.deepEqual(Object.keys(held).sort(), ['dataKey', 'lockAt']);
    assert.equal(held.dataKey, dataKey);

    // The PRF output, asked of the authenticator here with the slot's salt, and the key HKDF makes
    // of it (crates/core/src/sealed/prf.rs): in neither storage area, in any encoding.
    const prf = Buffer.from(await page.evaluate(async ({ id, salt }) => {
      const bytes = (t) => Uint8Array.from(atob(t.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0));
      const c = await navigator.credentials.get({ publicKey: { challenge: new Uint8Array(32), allowCredentials: [{ type: 'public-key', id: bytes(id) }],
        userVerification: 'required', extensions: { prf: { evalByCredential: { [id]: { first: bytes(salt) } } } } } });
      return [...new Uint8Array(c.getClientExtensionResults().prf.results.first)];
    }, { id: slot.credentialId, salt: slot.salt }));
    assert.equal(prf.length, 32);
    // It is the output the slot was made with: the core opens the slot with it to the held key.
    assert.equal(await page.evaluate(([id, out]) => {
      const core = globalThis.authbarCore();
      core.lock();
      return core.unlockWithPasskey(id, Uint8Array.from(out));
    }, [slot.credentialId, [...prf]]), dataKey);
    const credentialId = Buffer.from(slot.credentialId, 'base64url');
    const kek = Buffer.from(hkdfSync('sha256', prf, Buffer.from(slot.salt, 'base64url'),
      Buffer.concat([Buffer.from('authbar-vault/2 prf slot'), credentialId]), 32));
    const raw = await rawStorage(page);
    for (const [what, bytes] of [['PRF output', prf], ['key from the PRF output', kek]]) {
      for (const form of encodings(bytes)) assert.ok(!raw.includes(form), `the ${what} is in storage (${form.slice(0, 8)}…)`);
    }
  });
});

test('a wrong or missing passphrase, a cancelled ceremony and a key without PRF add nothing, and no credential for a wrong passphrase', async () => {
  await withVault(async (page, cdp) => {
    const noPrf = await authenticator(cdp, { hasPrf: false });
    const before = await storedVault(page);
    assert.equal(await addPasskey(page, 'Laptop', ''), 'Enter your passphrase.');
    assert.equal(await addPasskey(page, 'Laptop', 'not the passphrase'), 'Wrong passphrase. Nothing was changed.');
    assert.equal((await credentials(cdp, noPrf)).length, 0, 'the authenticator is not asked before the passphrase is right');
    assert.equal(await addPasskey(page, 'Old key'),
      'This key cannot unlock Authbar: it lacks the PRF extension (hmac-secret) Authbar needs. Nothing was saved.');
    assert.equal(await storedVault(page), before);
    assert.equal(await passkeyCount(page), 0);
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: noPrf });

    const refusing = await authenticator(cdp, { isUserVerified: false });
    assert.equal(await addPasskey(page, 'Laptop'), NOT_USED, 'user verification failed: the ceremony is cancelled');
    assert.equal(await storedVault(page), before);
    // (Chromium's virtual authenticator refuses every ceremony after a failed verification: a new one.)
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: refusing });
    await authenticator(cdp);
    assert.equal(await addPasskey(page, 'Laptop'), null);
    // One authenticator is enrolled once: it holds one of the vault's credentials already.
    const one = await storedVault(page);
    assert.equal(await addPasskey(page, 'Laptop again'), 'This key already unlocks Authbar. Nothing was added.');
    assert.equal(await storedVault(page), one);
  });
});

test('a cancelled passkey unlock changes nothing, and the passphrase still unlocks', async () => {
  await withVault(async (page, cdp) => {
    const platform = await authenticator(cdp);
    assert.equal(await addPasskey(page, 'Laptop'), null);
    await lock(page);
    const before = await storedVault(page);
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId: platform, isUserVerified: false });
    assert.equal(await unlockWithPasskey(page), NOT_USED);
    assert.equal(await page.isVisible('#lock-screen'), true);
    assert.deepEqual(await sessionStorage(page), {}, 'no key is held');
    assert.equal(await storedVault(page), before);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'unlock-passkey', 'the person can try again');
    await shot(page, 'passkey-lock-cancelled.png');
    await unlockWithPassphrase(page);
    assert.equal(await page.isHidden('#passkey-unlock-error'), true);
    assert.deepEqual(await shownCodes(page), [oathtool({ secret: SECRET, time: T })]);
  });
});

test('a key that gives its PRF output only to get() is enrolled with one more ceremony, and unlocks', async () => {
  await withVault(async (page, cdp) => {
    await authenticator(cdp);
    // As a CTAP2 hmac-secret key without its create-time form (a YubiKey before firmware 5.7) answers:
    // PRF enabled at creation, no output until an assertion.
    await page.evaluate(() => {
      const create = navigator.credentials.create.bind(navigator.credentials);
      navigator.credentials.create = async (options) => {
        const c = await create(options);
        return { id: c.id, rawId: c.rawId, response: c.response, getClientExtensionResults: () => ({ prf: { enabled: true } }) };
      };
    });
    assert.equal(await addPasskey(page, 'YubiKey'), null);
    await lock(page);
    assert.equal(await unlockWithPasskey(page), null);
    assert.deepEqual(await shownCodes(page), [oathtool({ secret: SECRET, time: T })]);
  });
});

test('a passkey gone from its authenticator is reported, and the passphrase still unlocks', async () => {
  await withVault(async (page, cdp) => {
    const platform = await authenticator(cdp);
    assert.equal(await addPasskey(page, 'Laptop'), null);
    await lock(page);
    const [{ credentialId }] = await credentials(cdp, platform);
    await cdp.send('WebAuthn.removeCredential', { authenticatorId: platform, credentialId });
    const before = await storedVault(page);
    assert.equal(await unlockWithPasskey(page), NOT_USED);
    assert.equal(await storedVault(page), before);
    await unlockWithPassphrase(page);
    assert.deepEqual(await shownCodes(page), [oathtool({ secret: SECRET, time: T })]);
  });
});

test('two passkeys: each shows where it works, the passphrase cannot go while they exist, and one removed leaves the other', async () => {
  await withVault(async (page, cdp) => {
    const platform = await authenticator(cdp);
    assert.equal(await addPasskey(page, 'Laptop'), null);
    // A security key whose credential the account syncs (WebAuthn's backup flags set).
    const key = await authenticator(cdp, { transport: 'usb', defaultBackupEligibility: true, defaultBackupState: true });
    assert.equal(await page.inputValue('#passkey-name'), 'Passkey');
    assert.equal(await addPasskey(page, 'Phone'), null);
    assert.equal((await credentials(cdp, key)).length, 1);
    assert.deepEqual(await page.$$eval('#passkey-list .passkey-where', (ns) => ns.map((n) => n.textContent)),
      ['Only on this device', 'Synced with your browser account: works on your other browsers too']);
    assert.deepEqual((await storedSlots(page)).map((s) => [s.name, s.synced]), [['Laptop', false], ['Phone', true]]);
    await shot(page, 'passkey-settings-two.png', '#passkeys');

    // The passphrase is the passkeys' recovery: removing it is refused, with the reason.
    await page.click('#remove-passphrase summary');
    await page.fill('#remove-current', PASS);
    await page.click('#remove-passphrase-form button[type=submit]');
    await page.waitForSelector('#remove-error:not([hidden])');
    assert.equal(await page.textContent('#remove-error'),
      'The passphrase is the recovery of the passkeys that unlock this vault (2): remove them first.');
    assert.equal(JSON.parse(await storedVault(page)).format, 'authbar-vault');

    // Remove asks in place; Escape keeps the passkey, the confirmation removes it.
    const laptop = page.locator('#passkey-list li', { hasText: 'Laptop' });
    await laptop.locator('.passkey-remove').click();
    assert.equal(await laptop.locator('[role=alertdialog]').getAttribute('aria-label'), 'Remove Laptop? It will no longer unlock Authbar.');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'passkey-remove-cancel', 'the safe choice has focus');
    await shot(page, 'passkey-remove-confirm.png', '#passkeys');
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Remove Laptop');
    assert.equal(await page.isVisible('#settings'), true, 'Escape closed the confirmation, not Settings');
    assert.equal((await storedSlots(page)).length, 2);
    await laptop.locator('.passkey-remove').click();
    await page.click('.passkey-remove-confirm');
    await page.waitForFunction(() => document.querySelectorAll('#passkey-list li').length === 1);
    assert.deepEqual((await storedSlots(page)).map((s) => s.name), ['Phone']);

    // The laptop still holds its credential, but no slot asks for it: the phone's key unlocks, and
    // only its credential signed (each assertion counts up the credential's signCount).
    await lock(page);
    const signs = async () => (await Promise.all([platform, key].map((a) => credentials(cdp, a)))).map(([c]) => c.signCount);
    const [laptopBefore, phoneBefore] = await signs();
    assert.equal(await unlockWithPasskey(page), null);
    const [laptopAfter, phoneAfter] = await signs();
    assert.equal(laptopAfter, laptopBefore, 'the removed passkey was not asked');
    assert.ok(phoneAfter > phoneBefore, 'the remaining passkey unlocked');
  });
});

test('a slot that does not open the vault is reported, and the other passkey and the passphrase still unlock', async () => {
  await withVault(async (page, cdp) => {
    const platform = await authenticator(cdp);
    assert.equal(await addPasskey(page, 'Laptop'), null);
    const key = await authenticator(cdp, { transport: 'usb' });
    assert.equal(await addPasskey(page, 'Security key'), null);
    const [laptop] = await storedSlots(page);
    await lock(page);
    const before = await storedVault(page);
    // The laptop answers with another output for its slot (another authenticator's, as a reset or a
    // cloned credential would give): the slot does not open.
    await page.evaluate((id) => {
      const get = navigator.credentials.get.bind(navigator.credentials);
      navigator.credentials.get = async (options) => {
        const c = await get(options);
        const results = c.getClientExtensionResults();
        if (c.id === id) new Uint8Array(results.prf.results.first)[0] ^= 1;
        return { id: c.id, rawId: c.rawId, response: c.response, getClientExtensionResults: () => results };
      };
    }, laptop.credentialId);
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: key, enabled: false });
    assert.equal(await unlockWithPasskey(page),
      'The passkey did not open its slot (another authenticator, or the slot was altered). Your passphrase still unlocks the vault.');
    assert.equal(await storedVault(page), before);
    assert.deepEqual(await sessionStorage(page), {});
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: key, enabled: true });
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: platform, enabled: false });
    assert.equal(await unlockWithPasskey(page), null);
    await lock(page);
    await unlockWithPassphrase(page);
    assert.deepEqual(await shownCodes(page), [oathtool({ secret: SECRET, time: T })]);
  });
});

test('the window the toolbar popup opens for a ceremony starts the unlock itself, or opens the passkey form', async () => {
  await withVault(async (page, cdp) => {
    await authenticator(cdp);
    assert.equal(await addPasskey(page, 'Laptop'), null);
    await lock(page);
    // What ext.js popOut(tab, {passkey: …}) opens; the same tab keeps the virtual authenticator.
    await page.goto(page.url().replace(/popup\.html.*$/, 'popup.html?window=1&passkey=unlock'));
    await page.waitForSelector('body.ready');
    await page.waitForSelector('#accounts .code');
    assert.deepEqual(await shownCodes(page), [oathtool({ secret: SECRET, time: T })]);
    assert.doesNotMatch(page.url(), /passkey=/, 'a reload does not start it again');
    await page.goto(page.url().replace(/popup\.html.*$/, 'popup.html?window=1&passkey=add'));
    await page.waitForSelector('#settings:not([hidden])');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'passkey-passphrase');
    assert.equal(await page.isVisible('#passkey-name'), true, 'the whole form runs here');
  });
});
