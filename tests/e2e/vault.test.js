// The encrypted vault in headless Chromium: passphrase set on an existing plain vault (migrated in
// place), lock and unlock, auto-lock, change and removal, damaged data left untouched, encrypted
// backups and plain export round trips, the first-run offer and its notices, and two popups at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ROOT, launch, openPopup, oathtool, shownCodes, storedVault, addText, confirmPreview, storeUnprotectedOnFirstAdd } from './harness.js';

const T = 1_800_000_010;
const PASS = 'correct horse battery';
const ACCOUNTS = [
  { uri: 'otpauth://totp/ACME:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME', secret: 'JBSWY3DPEHPK3PXP' },
  { uri: 'otpauth://totp/Big%20Bank:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA256&digits=8&period=60&issuer=Big%20Bank', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', algorithm: 'SHA256', digits: 8, period: 60 },
  { uri: 'otpauth://hotp/Mail:carol?secret=KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU&counter=18446744073709551614&issuer=Mail', secret: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU' },
];

/** RFC 4648 base32 → bytes. */
function base32Bytes(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out = [];
  for (const c of text) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 255); bits -= 8; }
  }
  return Buffer.from(out);
}

async function withProfile(fn) {
  const { context, cleanup } = await launch();
  try { await fn(context); } finally { await cleanup(); }
}

async function addAll(page) {
  for (const a of ACCOUNTS) { await addText(page, a.uri); await confirmPreview(page); }
}

async function openSettings(page) {
  if (await page.isHidden('#settings')) await page.click('#toggle-settings');
}

async function setPassphrase(page, pass = PASS) {
  await openSettings(page);
  await page.fill('#set-new', pass);
  await page.fill('#set-repeat', pass);
  await page.click('#set-passphrase-form button[type=submit]');
  await page.waitForSelector('#lock-now:not([hidden])');
  // Protected, the vault is published to sync and stored again, linked (sync.js): wait for that round.
  await page.waitForFunction(() => globalThis.authbarSync?.quiet, null, { polling: 20 });
}

async function unlock(page, pass) {
  await page.fill('#unlock-passphrase', pass);
  await page.click('#unlock-form button[type=submit]');
}

/** Everything in both storage areas, as one string. */
async function rawStorage(page) {
  return page.evaluate(async () => JSON.stringify([await chrome.storage.local.get(null), await chrome.storage.session.get(null)]));
}

function expectedCodes(time) {
  return [
    oathtool({ secret: ACCOUNTS[0].secret, time }),
    oathtool({ secret: ACCOUNTS[1].secret, time, algorithm: 'SHA256', digits: 8, period: 60 }),
    // HOTP: the code of the stored counter, 18446744073709551614 (oathtool checks it in the Rust tests).
  ];
}

test('a passphrase encrypts the vault in place; once locked, neither storage area holds a secret', async () => {
  await withProfile(async (context) => {
    const page = await openPopup(context, T);
    await addAll(page);
    // The plain schema-1 vault this version started with…
    const plain = JSON.parse(await storedVault(page));
    assert.equal(plain.schema, 1);
    const codesBefore = await shownCodes(page);
    // …is encrypted in place without loss.
    await setPassphrase(page);
    const sealed = JSON.parse(await storedVault(page));
    assert.equal(sealed.format, 'authbar-vault');
    assert.equal(sealed.version, 1);
    assert.deepEqual(await shownCodes(page), codesBefore);

    // A second popup opens unlocked with the key held in memory-only storage.
    const second = await openPopup(context, T);
    assert.equal(await second.isHidden('#lock-screen'), true);
    assert.deepEqual(await shownCodes(second), codesBefore);
    await second.close();

    await page.click('#lock-now');
    await page.waitForSelector('#lock-screen:not([hidden])');
    assert.equal(await page.locator('#accounts li').count(), 0);
    const raw = await rawStorage(page);
    for (const { secret } of ACCOUNTS) {
      const bytes = base32Bytes(secret);
      for (const form of [secret, secret.toLowerCase(), bytes.toString('hex'), bytes.toString('base64'), bytes.toString('latin1')]) {
        assert.ok(!raw.includes(form), `a secret (${form.slice(0, 6)}…) is in storage after locking`);
      }
    }
    assert.ok(!raw.includes('dataKey'), 'the data key outlived the lock');

    // Wrong passphrase: a clear message, and nothing changes.
    const before = await storedVault(page);
    await unlock(page, 'not the passphrase');
    await page.waitForSelector('#unlock-error:not([hidden])');
    assert.equal(await page.textContent('#unlock-error'), 'Wrong passphrase. Nothing was changed.');
    assert.equal(await storedVault(page), before);
    await unlock(page, PASS);
    await page.waitForSelector('#lock-screen[hidden]', { state: 'attached' });
    assert.deepEqual((await shownCodes(page)).slice(0, 2), expectedCodes(T));
  });
});

test('a_sync_round_asked_for_while_a_passphrase_is_stored_waits_and_the_vault_reads_back', async () => {
  await withProfile(async (context) => {
    const page = await openPopup(context, T);
    await addAll(page);
    await page.waitForFunction(() => globalThis.authbarSync?.quiet, null, { polling: 20 });
    // The read-back of the new sealed text is held for 2 s, and a round asked for at its start: the
    // round (150 ms later, or 1 s after the last one) finds the vault protected and unlocked in memory
    // while it is stored. Before rounds waited for it, the round changed the vault in between and the
    // data key was not held (the next opening asked for the passphrase).
    await page.evaluate(() => {
      const local = chrome.storage.local;
      const get = local.get.bind(local);
      local.get = async (keys) => {
        if (keys === 'vaultNext') {
          globalThis.authbarSync.request();
          await new Promise((resolve) => { setTimeout(resolve, 2000); });
        }
        return get(keys);
      };
    });
    await setPassphrase(page);
    assert.equal(await page.isHidden('#banner'), true, 'no "Saving failed"');
    const stored = JSON.parse(await storedVault(page));
    assert.equal(stored.format, 'authbar-vault', 'the sealed vault replaced the plain one');
    assert.ok(Object.keys(await page.evaluate(() => chrome.storage.session.get(null))).length > 0, 'the data key is held');
    // The round ran after the passphrase was stored, and linked the vault to sync.
    assert.ok(await page.evaluate(() => globalThis.authbarSync.rounds) > 0);
    assert.ok(Object.keys(await page.evaluate(() => chrome.storage.sync.get(null))).some((k) => k.startsWith('authbar:')));
    await page.reload();
    await page.waitForSelector('body.ready');
    assert.equal((await shownCodes(page)).length, ACCOUNTS.length, 'reopened with the held key, every account shown');
  });
});

test('auto-lock: after the idle time the key is forgotten, by the popup and by the service worker', async () => {
  await withProfile(async (context) => {
    const page = await openPopup(context, T);
    await addText(page, ACCOUNTS[0].uri);
    await confirmPreview(page);
    await setPassphrase(page);
    // The service worker's alarm is set for the default 15 minutes of idle time.
    const alarm = await page.evaluate(() => chrome.alarms.get('autolock'));
    assert.ok(alarm, 'no auto-lock alarm');
    const minutes = (alarm.scheduledTime - Date.now()) / 60_000;
    assert.ok(minutes > 14 && minutes <= 15.01, `alarm in ${minutes} min`);
    // Fourteen minutes later it is still open; sixteen minutes later the popup has locked itself.
    await page.clock.setFixedTime(new Date((T + 14 * 60) * 1000));
    await page.waitForTimeout(1200);
    assert.equal(await page.isHidden('#lock-screen'), true);
    await page.clock.setFixedTime(new Date((T + 16 * 60) * 1000));
    await page.waitForSelector('#lock-screen:not([hidden])');
    assert.equal(await page.evaluate(async () => JSON.stringify(await chrome.storage.session.get(null))), '{}');

    // The service worker clears the key on time with no popup open: fire its alarm now.
    await unlock(page, PASS);
    await page.waitForSelector('#lock-screen[hidden]', { state: 'attached' });
    assert.ok(await page.evaluate(async () => (await chrome.storage.session.get('dataKey')).dataKey));
    const checker = await context.newPage();
    await checker.goto(page.url().replace('popup.html', 'manifest.json'));
    await page.close();
    await checker.evaluate(() => chrome.alarms.create('autolock', { when: Date.now() + 200 }));
    await checker.waitForFunction(async () => !(await chrome.storage.session.get('dataKey')).dataKey, null, { timeout: 60_000, polling: 250 });
  });
});

test('changing the passphrase needs the current one and keeps every account; removing it too', async () => {
  await withProfile(async (context) => {
    const page = await openPopup(context, T);
    await addAll(page);
    await setPassphrase(page);
    const before = await storedVault(page);
    // Wrong current passphrase: refused, nothing stored.
    await page.fill('#change-current', 'not it at all');
    await page.fill('#change-new', 'a brand new passphrase');
    await page.fill('#change-repeat', 'a brand new passphrase');
    await page.click('#change-passphrase-form button[type=submit]');
    await page.waitForSelector('#change-error:not([hidden])');
    assert.equal(await page.textContent('#change-error'), 'Wrong passphrase. Nothing was changed.');
    assert.equal(await storedVault(page), before);
    // Too short: the core's rule, worded.
    await page.fill('#change-current', PASS);
    await page.fill('#change-new', 'short');
    await page.fill('#change-repeat', 'short');
    await page.click('#change-passphrase-form button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#change-error').textContent.includes('at least 8'));
    // Right one: the old passphrase stops working, the new one opens the same accounts.
    await page.fill('#change-current', PASS);
    await page.fill('#change-new', 'a brand new passphrase');
    await page.fill('#change-repeat', 'a brand new passphrase');
    await page.click('#change-passphrase-form button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#status').textContent === 'Passphrase changed');
    assert.notEqual(await storedVault(page), before);
    assert.equal(await page.evaluate(async () => Object.keys(await chrome.storage.local.get('vaultNext')).length), 0);
    await page.click('#lock-now');
    await unlock(page, PASS);
    await page.waitForSelector('#unlock-error:not([hidden])');
    await unlock(page, 'a brand new passphrase');
    await page.waitForSelector('#lock-screen[hidden]', { state: 'attached' });
    assert.equal(await page.locator('#accounts li').count(), 3);

    // Removal needs the current passphrase too; afterwards the plain list is stored again.
    await openSettings(page);
    await page.click('#remove-passphrase summary');
    await page.fill('#remove-current', PASS);
    await page.click('#remove-passphrase-form button[type=submit]');
    await page.waitForSelector('#remove-error:not([hidden])');
    await page.fill('#remove-current', 'a brand new passphrase');
    await page.click('#remove-passphrase-form button[type=submit]');
    await page.waitForSelector('#lock-now[hidden]', { state: 'attached' });
    const plain = JSON.parse(await storedVault(page));
    // Schema 3: the vault was published to sync while protected (uids and versions kept).
    assert.equal(plain.schema, 3);
    assert.deepEqual(plain.entries.map((e) => e.account.secret), ACCOUNTS.map((a) => a.secret));
    assert.equal(await page.isHidden('#unprotected-notice'), false);
  });
});

test('a tampered, truncated or future-version vault is reported and left untouched', async () => {
  await withProfile(async (context) => {
    const page = await openPopup(context, T);
    await addText(page, ACCOUNTS[0].uri);
    await confirmPreview(page);
    await setPassphrase(page);
    const good = await storedVault(page);
    const envelope = JSON.parse(good);
    const flipped = { ...envelope, ciphertext: (envelope.ciphertext[0] === 'A' ? 'B' : 'A') + envelope.ciphertext.slice(1) };
    const cases = [
      ['tampered', JSON.stringify(flipped), '#unlock-error', /integrity check/],
      ['truncated', good.slice(0, good.length - 40), '#banner', /damaged/],
      ['future', JSON.stringify({ ...envelope, version: 3 }), '#banner', /newer version/],
    ];
    for (const [name, text, where, message] of cases) {
      await page.evaluate(async (t) => { await chrome.storage.session.clear(); await chrome.storage.local.set({ vault: t }); }, text);
      const p = await openPopup(context, T);
      if (where === '#unlock-error') await unlock(p, PASS);
      await p.waitForSelector(`${where}:not([hidden])`);
      assert.match(await p.textContent(where), message, name);
      assert.equal(await storedVault(p), text, `${name}: the stored data changed`);
      assert.equal(await p.locator('#accounts li').count(), 0, name);
      await p.close();
    }
  });
});

test('an encrypted backup exports and imports back every field, in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'authbar-backup-'));
  try {
    let file, accounts, codes;
    await withProfile(async (context) => {
      const page = await openPopup(context, T);
      await addAll(page);
      assert.equal(await page.isHidden('#backup-reminder'), false, 'no reminder to back up');
      accounts = await page.evaluate(() => globalThis.authbarCore().accounts());
      codes = await shownCodes(page);
      await openSettings(page);
      await page.fill('#backup-new', 'backup passphrase');
      await page.fill('#backup-repeat', 'backup passphrase');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#backup-form button[type=submit]')]);
      assert.match(download.suggestedFilename(), /^authbar-backup-\d{4}-\d\d-\d\d\.authbar$/);
      file = join(dir, download.suggestedFilename());
      await download.saveAs(file);
      await page.waitForSelector('#backup-reminder[hidden]', { state: 'attached' });
    });
    const text = readFileSync(file, 'utf8');
    assert.equal(JSON.parse(text).format, 'authbar-vault');
    for (const { secret } of ACCOUNTS) assert.ok(!text.includes(secret));

    await withProfile(async (context) => {
      const page = await openPopup(context, T);
      await openSettings(page);
      await page.setInputFiles('#import-file', file);
      await page.waitForSelector('#import-password-form:not([hidden])');
      await page.fill('#import-password', 'wrong passphrase');
      await page.click('#import-password-form button[type=submit]');
      await page.waitForSelector('#import-error:not([hidden])');
      assert.equal(await page.textContent('#import-error'), 'The password does not open this Authbar backup.');
      await page.fill('#import-password', 'backup passphrase');
      await page.click('#import-password-form button[type=submit]');
      await confirmPreview(page);
      const back = await page.evaluate(() => globalThis.authbarCore().accounts());
      assert.deepEqual(back, accounts);
      assert.deepEqual(await shownCodes(page), codes);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('plain export sits behind a warning, and its lines import back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'authbar-plain-'));
  try {
    await withProfile(async (context) => {
      const page = await openPopup(context, T);
      await addAll(page);
      const accounts = await page.evaluate(() => globalThis.authbarCore().accounts());
      await openSettings(page);
      await page.click('#plain-export');
      assert.match(await page.textContent('#plain-export-confirm'), /plain text/);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#plain-export-go')]);
      const file = join(dir, 'accounts.txt');
      await download.saveAs(file);
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      assert.equal(lines.length, 3);
      assert.ok(lines.every((l) => l.startsWith('otpauth://')));
      // The lines, imported into another profile, give the same accounts.
      writeFileSync(file, lines.join('\n'));
      const other = await launch();
      try {
        const p = await openPopup(other.context, T);
        await openSettings(p);
        await p.setInputFiles('#import-file', file);
        await confirmPreview(p);
        assert.deepEqual(await p.evaluate(() => globalThis.authbarCore().accounts()), accounts);
      } finally {
        await other.cleanup();
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('first run offers a passphrase; declining leaves a notice until it is dismissed', async () => {
  await withProfile(async (context) => {
    let page = await openPopup(context, T);
    assert.equal(await page.isHidden('#protect-offer'), false);
    assert.equal(await page.isHidden('#unprotected-notice'), true);
    await page.click('#protect-decline');
    assert.equal(await page.isHidden('#protect-offer'), true);
    assert.equal(await page.isHidden('#unprotected-notice'), false);
    await page.close();
    page = await openPopup(context, T);
    assert.equal(await page.isHidden('#unprotected-notice'), false, 'the notice did not persist');
    // Its link leads to the form that sets one.
    await page.click('#unprotected-notice [data-action=set-passphrase]');
    assert.equal(await page.isHidden('#set-passphrase-form'), false);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'set-new');
    await page.click('#notice-dismiss');
    await page.close();
    page = await openPopup(context, T);
    assert.equal(await page.isHidden('#unprotected-notice'), true);
    assert.equal(await page.isHidden('#protect-offer'), true);
  });
});

test('two popups open at once: a write in one is seen by the other, nothing is overwritten', async () => {
  await withProfile(async (context) => {
    const a = await openPopup(context, T);
    const b = await openPopup(context, T);
    await addText(a, ACCOUNTS[0].uri);
    await confirmPreview(a);
    await b.waitForFunction(() => document.querySelectorAll('#accounts li').length === 1);
    await addText(b, ACCOUNTS[1].uri);
    await confirmPreview(b);
    await a.waitForFunction(() => document.querySelectorAll('#accounts li').length === 2);
    assert.equal(JSON.parse(await storedVault(a)).entries.length, 2);
    // Locking in one locks the other.
    await setPassphrase(a);
    await b.waitForFunction(() => document.querySelectorAll('#accounts li').length === 2);
    await a.click('#lock-now');
    await b.waitForSelector('#lock-screen:not([hidden])');
  });
});

/** Renders SVG text to a PNG and drops it on the popup, as a person would drop a saved image. */
async function dropSvg(page, svg, name) {
  await page.evaluate(async ([text, fileName]) => {
    const img = new Image();
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 600;
    const g = canvas.getContext('2d');
    g.imageSmoothingEnabled = false;
    g.drawImage(img, 0, 0, 600, 600);
    const blob = await new Promise((r) => canvas.toBlob(r, 'image/png'));
    const dt = new DataTransfer();
    dt.items.add(new File([blob], fileName, { type: 'image/png' }));
    document.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [svg, name]);
}

test('an account shown as a QR code, and a Google Authenticator export in parts, read back into Authbar', async () => {
  const many = Array.from({ length: 12 }, (_, i) => `otpauth://totp/Svc${i}:user${i}@example.com?secret=${'JBSWY3DPEHPK3PX' + 'ABCDEFGHIJKL'[i]}&issuer=Svc${i}`);
  await withProfile(async (context) => {
    const page = await openPopup(context, T);
    for (const uri of many) { await addText(page, uri); await confirmPreview(page); }
    // An 8-digit, 60 s account: Google Authenticator cannot hold a 60 s period, so it is named, not changed.
    await addText(page, ACCOUNTS[1].uri);
    await confirmPreview(page);
    const accounts = await page.evaluate(() => globalThis.authbarCore().accounts());

    await page.click('#accounts li:first-child .menu summary');
    await page.click('#accounts li:first-child .qr');
    await page.waitForSelector('#qr-view:not([hidden]) #qr-image svg');
    assert.match(await page.textContent('#qr-title'), /Svc0 – user0@example.com/);
    const single = await page.$eval('#qr-image svg', (n) => n.outerHTML);
    await page.keyboard.press('Escape');
    assert.equal(await page.isHidden('#qr-view'), true);

    await openSettings(page);
    await page.click('#migration-export');
    await page.click('#migration-form button[type=submit]');
    await page.waitForSelector('#qr-view:not([hidden]) #qr-image svg');
    assert.match(await page.textContent('#migration-error'), /Not exported: Big Bank – bob/);
    const parts = [];
    for (;;) {
      parts.push({ svg: await page.$eval('#qr-image svg', (n) => n.outerHTML), part: await page.textContent('#qr-part') });
      if (await page.isDisabled('#qr-next')) break;
      await page.click('#qr-next');
    }
    assert.deepEqual(parts.map((p) => p.part), ['1 of 2', '2 of 2']);

    // Read back by Authbar itself in a fresh profile: the single code, then both parts.
    const other = await launch();
    try {
      const p = await openPopup(other.context, T);
      await dropSvg(p, single, 'one.png');
      await confirmPreview(p);
      assert.deepEqual(await p.evaluate(() => globalThis.authbarCore().accounts()), accounts.slice(0, 1));
      for (const [i, { svg }] of parts.entries()) {
        await dropSvg(p, svg, `part${i}.png`);
        await p.waitForSelector('#preview:not([hidden])');
        await p.click('#preview-commit');
        await storeUnprotectedOnFirstAdd(p);
        await p.waitForSelector('#preview[hidden]', { state: 'attached' });
      }
      const back = await p.evaluate(() => globalThis.authbarCore().accounts());
      assert.deepEqual(back.map(({ id, ...a }) => a), accounts.slice(0, 12).map(({ id, ...a }) => a));
    } finally {
      await other.cleanup();
    }
  });
});

test('one import per format through the popup: every account, every field, the right code', async () => {
  const dir = join(ROOT, 'tests/fixtures/import');
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
  const ae = JSON.parse(readFileSync(join(ROOT, 'tests/peers/ae-8.0.2/accounts.json'), 'utf8'));
  const aePass = readFileSync(join(ROOT, 'tests/peers/ae-8.0.2/README.md'), 'utf8').match(/passphrase is `([^`]+)`/)[1];
  const files = [
    ...Object.entries(expected.files).map(([file, e]) => ({ path: join(dir, file), password: expected.password, accounts: e.accounts.map((a) => ({ issuer: a.issuer, name: a.name, code: a.code })) })),
    ...['ae-8.0.2-plain.json', 'ae-8.0.2-encrypted.json'].map((file) => ({ path: join(ROOT, 'tests/peers/ae-8.0.2', file), password: aePass,
      accounts: ae.accounts.map((a) => ({ issuer: a.issuer || null, name: a.account, code: a.expected_code_at_1700000000 ?? a.expected_code_at_counter })) })),
  ];
  await withProfile(async (context) => {
    const page = await openPopup(context, expected.time);
    const seen = new Map();
    for (const f of files) {
      await openSettings(page);
      await page.setInputFiles('#import-file', f.path);
      await page.waitForSelector('#preview:not([hidden]), #import-password-form:not([hidden]), #import-error:not([hidden])');
      if (await page.isVisible('#import-password-form')) {
        await page.fill('#import-password', f.password);
        await page.click('#import-password-form button[type=submit]');
      }
      await page.waitForSelector('#preview:not([hidden]), #import-error:not([hidden])');
      assert.equal(await page.isVisible('#import-error'), false, `${f.path}: ${await page.textContent('#import-error')}`);
      const labels = await page.$$eval('#preview-list .label', (n) => n.map((x) => x.textContent));
      // The order each format implies (AE: pinned first) is pinned by the core's tests; here, the set.
      assert.deepEqual([...labels].sort(), f.accounts.map((a) => [a.issuer, a.name].filter(Boolean).join(' – ')).sort(), f.path);
      // Add what is new; a file of accounts already added leaves only Cancel.
      const addable = await page.isVisible('#preview-commit') && await page.isEnabled('#preview-commit');
      await page.click(addable ? '#preview-commit' : '#preview-cancel');
      await storeUnprotectedOnFirstAdd(page);
      await page.waitForSelector('#preview[hidden]', { state: 'attached' });
      for (const a of f.accounts) seen.set([a.issuer, a.name].filter(Boolean).join(' – '), a.code);
    }
    // Every account's code on screen at the fixtures' time is the one computed independently. The list
    // renders the rows in and near the view: a window tall enough shows them all.
    await page.setViewportSize({ width: 1280, height: 4000 });
    await page.waitForFunction((n) => document.querySelectorAll('#accounts li').length >= n, seen.size);
    const rowsShown = await page.$$eval('#accounts li', (lis) => lis.map((li) => ({
      label: [li.querySelector('.issuer')?.textContent, li.querySelector('.name')?.textContent].filter(Boolean).join(' – '),
      code: li.querySelector('.code')?.dataset.code,
    })));
    for (const r of rowsShown) assert.equal(r.code, seen.get(r.label), `row "${r.label}"`);
    assert.equal(new Set(rowsShown.map((r) => r.label)).size, seen.size);
  });
});
