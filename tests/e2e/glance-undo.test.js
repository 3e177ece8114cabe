// Undo (issue 27, fix first): for ten seconds after a deletion and after "Replace the existing one",
// a notice with "Undo" (and Ctrl+Z) brings back exactly what was there — the same account (its codes,
// checked with oathtool), site, pin, place and logo — and said so to screen readers; after the time,
// nothing is left to undo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPopup, addText, oathtool, shownCodes, storedVault, until } from './harness.js';
import { ACCOUNTS, seed, logosDrawn, rows, names, announced, rowAction } from './glance-support.js';

const T = 1_700_000_000;

/** Deletes the account named `name` through its row: the menu, then the confirmation. */
async function remove(page, name) {
  await rowAction(page, name, 'delete');
  await page.click('#accounts .confirm-delete');
  await page.waitForSelector('#undo-notice');
}

test('a deleted account comes back with Undo or Ctrl+Z, exactly as it was; after ten seconds undo is gone', async () => {
  const { context, cleanup } = await launch();
  try {
    const page = await openPopup(context, T);
    await seed(page, ACCOUNTS, { pins: [3], logos: { 2: 'gitlab' }, sites: { 2: 'zyxel.example' } });
    await page.evaluate(() => document.querySelector('#accounts .entry').focus());
    const before = { rows: await rows(page), codes: await shownCodes(page) };
    const stored = await storedVault(page);
    assert.deepEqual(before.codes, (await names(page)).map((n) => oathtool({ secret: ACCOUNTS.find((a) => a.name === n).secret, time: T })));

    // Undo by its button (keyboard: reachable by Tab, named "Undo").
    await remove(page, 'dave');
    assert.equal((await names(page)).includes('dave'), false);
    assert.equal(await page.textContent('#undo-notice span'), 'Deleted Zyxel Credit Union – dave.');
    await announced(page, /^Deleted Zyxel Credit Union – dave\. Undo with Ctrl\+Z for a few seconds\.$/);
    const undo = page.locator('#undo-notice button');
    assert.equal(await undo.textContent(), 'Undo');
    await undo.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#undo-notice', { state: 'detached' });
    await announced(page, /^Undone: Zyxel Credit Union – dave is back\.$/);
    await logosDrawn(page);
    assert.deepEqual(await rows(page), before.rows, 'the same place and logo');
    assert.deepEqual(await shownCodes(page), before.codes, 'the same secret');
    assert.equal(await storedVault(page), stored, 'stored exactly as before: site, pin, order, logo');
    assert.equal(await page.evaluate(() => document.activeElement.closest('li')?.querySelector('.name').textContent), 'dave');

    // The pinned account, undone with Ctrl+Z from the list.
    await remove(page, 'carol@proton.me');
    await page.evaluate(() => document.querySelector('#accounts .entry').focus());
    await page.keyboard.press('Control+z');
    await page.waitForSelector('#undo-notice', { state: 'detached' });
    await until(async () => (await rows(page))[0] === before.rows[0]);
    assert.equal(await storedVault(page), stored);

    // Past ten seconds: the notice goes and the core holds nothing to bring back.
    await remove(page, 'heidi');
    assert.equal(await page.evaluate(() => globalThis.authbarCore().canUndo), true);
    await page.waitForSelector('#undo-notice', { state: 'detached', timeout: 20_000 });
    assert.equal(await page.evaluate(() => globalThis.authbarCore().canUndo), false);
    await page.keyboard.press('Control+z');
    assert.equal((await names(page)).includes('heidi'), false);
  } finally {
    await cleanup();
  }
});

test('"Replace the existing one" is undone: the old account back, the new one gone', async () => {
  const { context, cleanup } = await launch();
  try {
    const page = await openPopup(context, T);
    await seed(page, ACCOUNTS, { logos: { 5: 'letter' } });
    const before = { rows: await rows(page), codes: await shownCodes(page) };
    const stored = await storedVault(page);
    const fresh = 'GEZDGNBVGY3TQOJQ';
    await addText(page, `otpauth://totp/Google:erin%40gmail.com?secret=${fresh}&issuer=Google`);
    await page.waitForSelector('#preview:not([hidden])');
    await page.selectOption('#preview-list select.how', { label: 'Replace the existing one' });
    await page.click('#preview-commit');
    await page.waitForSelector('#undo-notice');
    const at = (await names(page)).indexOf('erin@gmail.com');
    assert.equal(at, 4, 'the replacement keeps the place');
    assert.equal((await shownCodes(page))[at], oathtool({ secret: fresh, time: T }));
    await announced(page, /Undo with Ctrl\+Z for a few seconds\.$/);
    await page.click('#undo-notice button');
    await page.waitForSelector('#undo-notice', { state: 'detached' });
    await announced(page, /^Undone: Google – erin@gmail\.com is back\.$/);
    assert.deepEqual(await rows(page), before.rows);
    assert.deepEqual(await shownCodes(page), before.codes);
    assert.equal((await shownCodes(page))[at], oathtool({ secret: ACCOUNTS[4].secret, time: T }));
    assert.equal(await storedVault(page), stored);
  } finally {
    await cleanup();
  }
});
