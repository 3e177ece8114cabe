// The popup at 360 px in two of its longest languages, German and Ukrainian (issue 28; issue 27's
// header that ran to 418 px): seven accounts with logos, a pin and the search field, then a row's
// menu open and the undo notice. Screenshots go to tests/e2e/screenshots/ (not kept in git); the test
// fails when any element of the header or the list ends past the popup's right edge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launch, openPopup } from './harness.js';
import { ACCOUNTS, seed, rows, rowAction } from './glance-support.js';

const T = 1_700_000_000;
const SHOTS = join(ROOT, 'tests/e2e/screenshots');
const WIDTH = 360;
const MORE = { issuer: 'Krankenversicherung Überweisungsportal', name: 'maximilian.mustermann@example.de', secret: 'MZXW6YTBOI' };

/** The elements of the header, the list and the undo notice whose right edge is past the popup's. */
function overflowing(page) {
  return page.evaluate((width) => [...document.querySelectorAll('header, header *, #accounts, #accounts *, #undo-notice, #undo-notice *')]
    .filter((node) => node.getClientRects().length > 0)
    .map((node) => ({ node, right: node.getBoundingClientRect().right }))
    .filter(({ right }) => right > width + 0.5)
    .map(({ node, right }) => `${node.tagName.toLowerCase()}${node.id ? `#${node.id}` : ''}.${[...node.classList].join('.')} ends at ${right.toFixed(1)} px`),
  WIDTH);
}

/** A message of the extension's `lang`, as its messages.json words it. */
const word = (lang, key) => JSON.parse(readFileSync(join(ROOT, `extension/_locales/${lang}/messages.json`), 'utf8'))[key].message;

for (const [locale, lang] of [['de-DE', 'de'], ['uk-UA', 'uk']]) {
  test(`the popup in ${lang} at 360 px: header and rows fit, with logos and a pin`, async () => {
    const { context, cleanup } = await launch({ locale });
    try {
      const page = await openPopup(context, T);
      await page.setViewportSize({ width: WIDTH, height: 640 });
      await seed(page, [...ACCOUNTS, MORE], { pins: [5], logos: { 3: 'letter' } });
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      assert.equal(await page.textContent('#toggle-add'), word(lang, 'add'));
      assert.equal(await page.isVisible('#search'), true, 'seven accounts: the search field shows');
      assert.equal((await rows(page))[0], 'erin@gmail.com*=google');
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, `popup-${lang}.png`), fullPage: true });
      assert.deepEqual(await overflowing(page), []);
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), WIDTH);

      await rowAction(page, 'maximilian', 'pin');
      await page.click('#accounts li[data-id="7"] .menu summary');
      await page.screenshot({ path: join(SHOTS, `popup-${lang}-menu.png`), fullPage: true });
      assert.deepEqual(await overflowing(page), []);
      await page.click('#accounts li[data-id="7"] .menu-items .delete');
      await page.click('#accounts .confirm-delete');
      await page.waitForSelector('#undo-notice');
      await page.screenshot({ path: join(SHOTS, `popup-${lang}-undo.png`), fullPage: true });
      assert.deepEqual(await overflowing(page), []);
    } finally {
      await cleanup();
    }
  });
}
