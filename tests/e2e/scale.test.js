// 5,000 accounts (issue 12): only the rows in view are in the DOM; search, keyboard, copy and the codes
// work across the whole list; the vault is stored without a storage error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPopup, oathtool } from './harness.js';

const T = 1_800_000_010;
const N = 5000;
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A distinct 160-bit secret per account. */
function secret(i) {
  let s = 'JBSWY3DPEHPK3PXP';
  for (let n = i, k = 0; k < 16; k++, n = Math.floor(n / 32)) s += B32[n % 32];
  return s;
}

/** The stored form of N accounts (the core's schema 1), written straight into storage. */
function vaultOf(n) {
  const entries = [];
  for (let i = 0; i < n; i++) {
    entries.push({ id: i + 1, account: { type: 'totp', issuer: `Service ${i}`, name: `user${i}@example.com`, secret: secret(i), algorithm: 'SHA1', digits: 6, period: 30, counter: 0 } });
  }
  return JSON.stringify({ schema: 1, nextId: n + 1, entries });
}

test('5,000 accounts: a few dozen rows in the DOM, and search, keys, copy and codes reach all of them', async () => {
  const { context, cleanup } = await launch();
  try {
    let page = await openPopup(context, T);
    const stored = vaultOf(N);
    await page.evaluate((v) => chrome.storage.local.set({ vault: v }), stored);
    await page.reload();
    await page.waitForSelector('body.ready');
    const rendered = await page.locator('#accounts li').count();
    assert.ok(rendered > 5 && rendered < 120, `${rendered} rows in the DOM for ${N} accounts`);
    assert.equal(await page.textContent('#accounts li:first-child .name'), 'user0@example.com');
    assert.equal(await page.$eval('#accounts li:first-child .code', (c) => c.dataset.code), oathtool({ secret: secret(0), time: T }));

    // End goes to the last account (rendered on the way), with its code; still one Tab stop.
    await page.focus('#accounts li:first-child .entry');
    await page.keyboard.press('End');
    const last = await page.evaluate(() => document.activeElement.closest('li').querySelector('.name').textContent);
    assert.equal(last, `user${N - 1}@example.com`);
    assert.equal(await page.$eval(`#accounts li[data-id="${N}"] .code`, (c) => c.dataset.code), oathtool({ secret: secret(N - 1), time: T }));
    assert.equal(await page.locator('#accounts .entry[tabindex="0"]').count(), 1);
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.evaluate(() => document.activeElement.closest('li').dataset.id), String(N - 1));
    assert.ok(await page.locator('#accounts li').count() < 120, 'scrolling keeps the DOM small');

    // Search narrows 5,000 to the matches; copy gives the right code.
    await page.fill('#search', 'user4321@');
    assert.deepEqual(await page.$$eval('#accounts li .name', (n) => n.map((x) => x.textContent)), ['user4321@example.com']);
    await page.click('#accounts li .entry');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), oathtool({ secret: secret(4321), time: T }));
    await page.fill('#search', 'Service 123');
    assert.equal(await page.$$eval('#accounts li', (n) => n.length), 11, 'Service 123 and 1230–1239');
    await page.fill('#search', '');

    // The codes roll over for rows that come into view after the step changed.
    await page.clock.setFixedTime(new Date((T + 30) * 1000));
    await page.waitForFunction((c) => document.querySelector('#accounts li:first-child .code').dataset.code === c, oathtool({ secret: secret(0), time: T + 30 }));
    await page.focus('#accounts li:first-child .entry');
    await page.keyboard.press('End');
    assert.equal(await page.$eval(`#accounts li[data-id="${N}"] .code`, (c) => c.dataset.code), oathtool({ secret: secret(N - 1), time: T + 30 }));

    // A change to one of 5,000 is stored without a storage error, and the size per account is sane.
    const li = page.locator(`#accounts li[data-id="${N}"]`);
    await li.locator('.menu summary').click();
    await li.locator('.delete').click();
    await page.click('.confirm-bar .confirm-delete');
    await page.waitForFunction(async () => !(await chrome.storage.local.get('vault')).vault.includes('user4999@'));
    const size = await page.evaluate(async () => (await chrome.storage.local.get('vault')).vault.length);
    assert.ok(size / (N - 1) < 250, `${(size / (N - 1)).toFixed(0)} bytes per account`);
    assert.equal(await page.isHidden('#banner'), true);
  } finally {
    await cleanup();
  }
});
