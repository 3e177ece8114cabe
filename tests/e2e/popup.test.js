// The extension in headless Chromium: codes equal oathtool's, every way of adding an account, bad input,
// management, persistence, languages. Each test starts its own browser profile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ROOT, SHOTS, until, launch, openPopup, oathtool, shownCodes, storedVault, addText, confirmPreview, extensionId, axeViolations, storeUnprotectedOnFirstAdd } from './harness.js';

const FIX = join(ROOT, 'tests/fixtures');
const T = 1_800_000_010; // 10 s into a step
const RFC = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

async function withPopup(fn, { time = T, locale } = {}) {
  const { context, cleanup } = await launch({ locale });
  try {
    const page = await openPopup(context, time);
    await fn(page, context);
  } finally {
    await cleanup();
  }
}

async function upload(page, ...files) {
  if (await page.isHidden('#add')) await page.click('#toggle-add');
  await page.setInputFiles('#add-file', files);
}

async function errorText(page, selector) {
  await page.waitForSelector(`${selector}:not([hidden])`);
  return page.textContent(selector);
}

test('codes for a pasted secret, a pasted URI and an uploaded QR equal oathtool, and roll over at the boundary', async () => {
  await withPopup(async (page) => {
    await addText(page, 'jbsw y3dp ehpk 3pxp', { 'add-issuer': 'ACME', 'add-name': 'alice' });
    await confirmPreview(page);
    await addText(page, `otpauth://totp/Big:bob?secret=${RFC}&algorithm=SHA256&digits=8&period=60`);
    await confirmPreview(page);
    await upload(page, join(FIX, 'qr-totp.png'));
    await confirmPreview(page);
    const expected = [
      oathtool({ secret: 'JBSWY3DPEHPK3PXP', time: T }),
      oathtool({ secret: RFC, time: T, algorithm: 'SHA256', digits: 8, period: 60 }),
      oathtool({ secret: RFC, time: T }),
    ];
    assert.deepEqual(await shownCodes(page), expected);
    // Grouped for reading.
    assert.match(await page.textContent('#accounts li:first-child .code'), /^\d{3} \d{3}$/);
    // The countdown shows the seconds left in the step: 20 at 10 s in.
    assert.equal(await page.textContent('#accounts li:first-child .ring text'), '20');

    // One second before the boundary: same code, 1 s left; at the boundary: the next code.
    const boundary = Math.ceil((T + 1) / 30) * 30;
    await page.clock.setFixedTime(new Date((boundary - 1) * 1000));
    await page.waitForFunction(() => document.querySelector('#accounts li .ring text').textContent === '1');
    assert.equal((await shownCodes(page))[0], oathtool({ secret: 'JBSWY3DPEHPK3PXP', time: boundary - 1 }));
    await page.clock.setFixedTime(new Date(boundary * 1000));
    const next = oathtool({ secret: 'JBSWY3DPEHPK3PXP', time: boundary });
    await page.waitForFunction((c) => document.querySelector('#accounts .code').dataset.code === c, next);
    assert.equal(await page.textContent('#accounts li:first-child .ring text'), '30');
  });
});

test('drag-and-drop and clipboard paste of an image import the account', async () => {
  await withPopup(async (page) => {
    const b64 = readFileSync(join(FIX, 'qr-two.png')).toString('base64');
    await page.evaluate(async (data) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const file = new File([bytes], 'two.png', { type: 'image/png' });
      const dt = new DataTransfer();
      dt.items.add(file);
      document.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, b64);
    await page.waitForSelector('#preview:not([hidden])');
    assert.equal(await page.locator('#preview-list li').count(), 2);
    await confirmPreview(page);
    assert.deepEqual(await page.$$eval('#accounts .issuer', (n) => n.map((x) => x.textContent)), ['GitHub', 'Bank']);

    const inverted = readFileSync(join(FIX, 'qr-inverted.png')).toString('base64');
    await page.evaluate(async (data) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, inverted);
    await confirmPreview(page);
    assert.equal(await page.locator('#accounts li').count(), 3);
    assert.equal((await shownCodes(page))[2], oathtool({ secret: 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U', time: T }));
  });
});

test('scan this page: the QR on a localhost page is imported (capture injected, same code path)', async () => {
  const html = `<!doctype html><title>Set Up Authentication</title><body style="margin:40px">
    <h1>Set Up Authentication</h1><img src="/qr.png" alt="QR"></body>`;
  const server = createServer((req, res) => {
    if (req.url === '/qr.png') { res.writeHead(200, { 'content-type': 'image/png' }); res.end(readFileSync(join(FIX, 'qr-totp.png'))); }
    else { res.writeHead(200, { 'content-type': 'text/html' }); res.end(html); }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    await withPopup(async (page, context) => {
      const site = await context.newPage();
      await site.setViewportSize({ width: 1280, height: 800 });
      await site.goto(`http://127.0.0.1:${server.address().port}/`);
      // captureVisibleTab needs the activeTab grant of a real toolbar click, which a headless test
      // cannot make: the test captures the same visible area and hands it to the popup's scan function.
      const shot = `data:image/png;base64,${(await site.screenshot()).toString('base64')}`;
      await page.bringToFront();
      await page.evaluate((s) => globalThis.authbarScanPage(s), shot);
      await confirmPreview(page);
      assert.equal(await page.textContent('#accounts .issuer'), 'ACME Co');
      assert.equal((await shownCodes(page))[0], oathtool({ secret: RFC, time: T }));
      // A page without a QR says so.
      await site.setContent('<h1>No code here</h1>');
      const blank = `data:image/png;base64,${(await site.screenshot()).toString('base64')}`;
      await page.evaluate((s) => globalThis.authbarScanPage(s), blank);
      assert.equal(await errorText(page, '#qr-error'), 'There is no QR code on this page.');
      // A laptop window that cuts the code off at its bottom edge: told to scroll, not "no QR code".
      await site.setContent(`<body style="margin:0"><div style="height:430px"></div><img src="data:image/png;base64,${readFileSync(join(FIX, 'qr-totp.png')).toString('base64')}"></body>`);
      await site.setViewportSize({ width: 1366, height: 640 });
      const cut = `data:image/png;base64,${(await site.screenshot()).toString('base64')}`;
      await page.evaluate((s) => globalThis.authbarScanPage(s), cut);
      assert.match(await errorText(page, '#qr-error'), /cut off at the edge of the window: scroll/);
      // Without the grant, the real button says the toolbar click is missing (not "browser pages").
      await page.click('#scan-page');
      assert.match(await errorText(page, '#qr-error'), /right after its toolbar button was clicked/);
    });
  } finally {
    server.close();
  }
});

test('a Google Authenticator export imports all its accounts after a preview', async () => {
  const sample = readFileSync(join(ROOT, 'tests/vectors/migration.jsonl'), 'utf8').split('\n').filter(Boolean).map(JSON.parse).find((m) => m.id === 'mig-03');
  await withPopup(async (page) => {
    await addText(page, sample.uri);
    await page.waitForSelector('#preview:not([hidden])');
    assert.equal(await page.locator('#preview-list li').count(), sample.expected.accounts.length);
    await confirmPreview(page);
    const names = await page.$$eval('#accounts .name', (n) => n.map((x) => x.textContent));
    assert.deepEqual(names, sample.expected.accounts.map((a) => a.name));
    const codes = await shownCodes(page);
    sample.expected.accounts.forEach((a, i) => assert.equal(codes[i], oathtool({ secret: a.secret_base32, time: T, algorithm: a.algorithm, digits: a.digits })));
    // Importing it again adds nothing: every entry is marked as already added.
    await addText(page, sample.uri);
    await page.waitForSelector('#preview:not([hidden])');
    assert.equal(await page.locator('#preview-list .dup').count(), 3);
    assert.equal(await page.isDisabled('#preview-commit'), true);
  });
});

test('bad input shows a specific error and changes nothing', async () => {
  await withPopup(async (page) => {
    await addText(page, 'JBSWY3DPEHPK3PXP', { 'add-name': 'keep' });
    await confirmPreview(page);
    const before = await storedVault(page);

    await addText(page, 'JBSWY31P');
    assert.equal(await errorText(page, '#add-text-error'),
      "'1' (position 7) is not a base32 character: a secret uses only the letters A–Z and the digits 2–7.");
    assert.equal(await page.getAttribute('#add-text', 'aria-invalid'), 'true');
    await addText(page, 'otpauth://totp/X:y?secret=JBSWY3DPEHPK3PXP&algorithm=MD5');
    assert.equal(await errorText(page, '#add-text-error'), "The algorithm must be SHA1, SHA256 or SHA512, not 'MD5'.");
    await addText(page, 'JBSWY3DPEHPK3PXP', { 'add-digits': '5' });
    assert.match(await errorText(page, '#add-text-error'), /The number of digits must be a whole number from 6 to 10, not '5'\./);

    await upload(page, join(FIX, 'no-qr.png'));
    assert.equal(await errorText(page, '#qr-error'), 'No QR code was found in no-qr.png.');
    await upload(page, join(FIX, 'corrupt.png'));
    assert.equal(await errorText(page, '#qr-error'), 'corrupt.png is not an image the browser can read.');
    await upload(page, join(FIX, 'qr-url.png'));
    await page.waitForSelector('#preview:not([hidden])');
    assert.match(await page.textContent('#preview-problems'), /This QR code is not an authenticator code: https:\/\/example.com\/login/);
    assert.equal(await page.isHidden('#preview-commit'), true);
    await page.click('#preview-cancel');
    const dir = mkdtempSync(join(tmpdir(), 'authbar-big-'));
    const big = join(dir, 'huge.png');
    const bytes = Buffer.alloc(20 * 1024 * 1024);
    readFileSync(join(FIX, 'qr-totp.png')).copy(bytes);
    writeFileSync(big, bytes);
    await upload(page, big);
    assert.equal(await errorText(page, '#qr-error'), 'huge.png is 20.0 MB; images up to 10 MB are accepted.');
    rmSync(dir, { recursive: true, force: true });

    assert.equal(await page.locator('#accounts li').count(), 1);
    assert.equal(await storedVault(page), before);
  });
});

test('manage: copy, HOTP next code, rename, delete with confirmation, search, duplicates', async () => {
  await withPopup(async (page) => {
    await addText(page, `otpauth://hotp/Bank:carol?secret=${RFC}&counter=0`);
    await confirmPreview(page);
    assert.deepEqual(await shownCodes(page), ['755224']); // RFC 4226 counter 0
    await page.click('#accounts .next');
    await page.waitForFunction(() => document.querySelector('#accounts .code').dataset.code === '287082');
    // The ticker may show the new code before the write lands: the stored counter is waited for.
    await until(async () => /"counter":1/.test(await storedVault(page)), 'the counter to be stored');

    // Copy with Enter on the focused entry.
    await page.focus('#accounts .entry');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#status').textContent === 'Code copied');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), '287082');

    await page.click('#accounts .menu summary');
    await page.click('#accounts .rename');
    await page.fill('.rename-form input:nth-of-type(1)', 'My Bank');
    await page.fill('.rename-form input:nth-of-type(2)', 'carol@bank');
    await page.click('.rename-form button[type=submit]');
    assert.equal(await page.textContent('#accounts .issuer'), 'My Bank');

    // Same secret + issuer + account is not added twice; the user is told.
    await addText(page, `otpauth://hotp/My%20Bank:carol@bank?secret=${RFC}&counter=0`);
    await page.waitForSelector('#preview:not([hidden])');
    assert.match(await page.textContent('#preview-list'), /already added/);
    await page.click('#preview-cancel');

    for (const n of ['a', 'b', 'c', 'd']) {
      await addText(page, `otpauth://totp/Svc${n}:${n}?secret=JBSWY3DPEHPK3PX${'ABCD'.indexOf(n.toUpperCase()) + 2}`);
      await confirmPreview(page);
    }
    assert.equal(await page.isVisible('#search'), true, 'search appears from 5 accounts');
    await page.fill('#search', 'svcb');
    assert.equal(await page.locator('#accounts li:not([hidden])').count(), 1);
    await page.fill('#search', '');

    // Delete asks in the popup (no browser dialog): Cancel and Escape keep the account.
    await page.click('#accounts li:first-child .menu summary');
    await page.click('#accounts li:first-child .delete');
    assert.match(await page.textContent('.confirm-bar'), /Delete My Bank – carol@bank\?/);
    assert.equal(await page.evaluate(() => document.activeElement.className), 'cancel-delete');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('.confirm-bar').count(), 0);
    assert.equal(await page.locator('#accounts li:not([hidden])').count(), 5, 'dismissed: nothing deleted');
    await page.click('#accounts li:first-child .menu summary');
    await page.click('#accounts li:first-child .delete');
    await page.click('.confirm-bar .confirm-delete');
    await page.waitForFunction(() => document.querySelectorAll('#accounts li').length === 4);
    assert.doesNotMatch(await storedVault(page), /carol/);
  });
});

test('accounts and HOTP counters persist across popup close and browser restart; a future schema is left alone', async () => {
  const profile = mkdtempSync(join(tmpdir(), 'authbar-persist-'));
  try {
    let { context } = await launch({ userDataDir: profile });
    let page = await openPopup(context, T);
    await addText(page, `otpauth://hotp/Bank:carol?secret=${RFC}&counter=4`);
    await confirmPreview(page);
    await page.click('#accounts .next');
    await page.waitForFunction(() => document.querySelector('#accounts .code').dataset.code === '254676');
    await page.close();
    page = await openPopup(context, T);
    assert.deepEqual(await shownCodes(page), ['254676']);
    await context.close();

    ({ context } = await launch({ userDataDir: profile }));
    page = await openPopup(context, T);
    assert.deepEqual(await shownCodes(page), ['254676'], 'after a browser restart');

    const future = JSON.stringify({ schema: 99, sealed: 'opaque data from a newer version' });
    await page.evaluate((v) => chrome.storage.local.set({ vault: v }), future);
    await page.reload();
    await page.waitForSelector('body.ready');
    assert.match(await page.textContent('#banner'), /saved by a newer version of Authbar/);
    assert.equal(await page.isVisible('#toggle-add'), false);
    await page.waitForTimeout(300);
    assert.equal(await storedVault(page), future, 'not overwritten');
    await context.close();
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});

test('a write that fails leaves the stored accounts as they were, and says so', async () => {
  await withPopup(async (page) => {
    await addText(page, 'JBSWY3DPEHPK3PXP', { 'add-name': 'kept' });
    await confirmPreview(page);
    const before = await storedVault(page);
    await page.evaluate(() => {
      chrome.storage.local.set = () => Promise.reject(new Error('QUOTA_BYTES quota exceeded'));
    });
    await addText(page, `otpauth://totp/New:lost?secret=${RFC}`);
    await page.waitForSelector('#preview:not([hidden])');
    await page.click('#preview-commit');
    await storeUnprotectedOnFirstAdd(page);
    await page.waitForSelector('#banner:not([hidden])');
    assert.match(await page.textContent('#banner'), /Saving failed; your accounts are as they were before\. \(QUOTA_BYTES quota exceeded\)/);
    // The list shows what is really stored: the new account is not pretended to be saved.
    assert.deepEqual(await page.$$eval('#accounts .name', (n) => n.map((x) => x.textContent)), ['kept']);
    assert.equal(await storedVault(page), before);
  });
});

test('Czech browsers get the Czech interface', async () => {
  await withPopup(async (page) => {
    assert.equal(await page.textContent('#toggle-add'), 'Přidat');
    assert.equal(await page.getAttribute('html', 'lang'), 'cs');
    assert.match(await page.textContent('#empty'), /Zatím žádné účty/);
  }, { locale: 'cs-CZ' });
});

test('screenshot of the popup for the README', async () => {
  await withPopup(async (page) => {
    await page.setViewportSize({ width: 360, height: 300 });
    await addText(page, `otpauth://totp/GitHub:octocat?secret=${RFC}&issuer=GitHub`);
    await confirmPreview(page);
    await addText(page, 'otpauth://totp/Authbar%20Flexi:novak?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Authbar%20Flexi');
    await confirmPreview(page);
    await page.waitForTimeout(100);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'popup.png') });
    assert.ok(extensionId().length === 32);
  });
});

test('scan this page finds nothing on a busy page: a box dragged around the small code reads it', async () => {
  const png = readFileSync(join(FIX, 'qr-totp.png')).toString('base64');
  await withPopup(async (page, context) => {
    const site = await context.newPage();
    await site.setViewportSize({ width: 1280, height: 800 });
    // A small code (about 3 px a module) among thousands of black squares: too much for the whole page.
    await site.setContent(`<body style="margin:0;background:repeating-linear-gradient(45deg,#fff 0 3px,#ddd 3px 6px)">
      ${'<span style="display:inline-block;width:9px;height:9px;margin:2px;background:#000"></span>'.repeat(1500)}
      <img style="position:absolute;left:900px;top:500px;width:80px;image-rendering:pixelated" src="data:image/png;base64,${png}"></body>`);
    const shot = `data:image/png;base64,${(await site.screenshot()).toString('base64')}`;
    await page.bringToFront();
    await page.evaluate((s) => globalThis.authbarScanPage(s), shot);
    assert.equal(await errorText(page, '#qr-error'), 'There is no QR code on this page.');
    await page.waitForSelector('#region:not([hidden])');
    assert.deepEqual(await axeViolations(page), []);
    const img = await page.locator('#region-image').boundingBox();
    const scale = img.width / 1280;
    const drag = async (x0, y0, x1, y1) => {
      await page.mouse.move(img.x + x0 * scale, img.y + y0 * scale);
      await page.mouse.down();
      await page.mouse.move(img.x + x1 * scale, img.y + y1 * scale, { steps: 4 });
      await page.mouse.up();
    };
    // A box over the clutter: nothing there, said plainly; a tiny box: too small.
    await drag(100, 100, 300, 300);
    assert.match(await errorText(page, '#region-error'), /no readable QR code in the box/);
    await drag(100, 100, 103, 103);
    assert.match(await errorText(page, '#region-error'), /too small/);
    // Around the code, with a margin: read from the capture's own pixels.
    await drag(880, 480, 1000, 600);
    await confirmPreview(page);
    assert.equal(await page.textContent('#accounts .issuer'), 'ACME Co');
    assert.equal((await shownCodes(page))[0], oathtool({ secret: RFC, time: T }));
    assert.equal(await page.isHidden('#region'), true);
  });
});
