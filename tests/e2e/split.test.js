// The split (issue 12): opening the popup loads only the codes module and the modules of the list;
// the Add view and the tools module come when Add or Settings opens, and what the tools module reads
// reaches the codes module's preview.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, EXTENSION, launch, openPopup, shownCodes, oathtool, extensionId, storeUnprotectedOnFirstAdd } from './harness.js';

const T = 1_800_000_010;
const RFC = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

/** The extension files the page requests from now on (Chromium's network events). */
async function watchRequests(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const paths = [];
  cdp.on('Network.requestWillBeSent', (e) => paths.push(new URL(e.request.url).pathname));
  return paths;
}

test('the popup paints its codes with the codes module alone; Add loads its view and the tools module, which reads a QR image', async () => {
  const { context, cleanup } = await launch();
  try {
    let page = await openPopup(context, T);
    await page.evaluate((v) => chrome.storage.local.set({ vault: v }), JSON.stringify({ schema: 1, nextId: 2, entries: [{ id: 1, account: {
      type: 'totp', issuer: 'ACME', name: 'alice', secret: RFC, algorithm: 'SHA1', digits: 6, period: 30, counter: 0 } }] }));
    await page.close();
    page = await context.newPage();
    await page.clock.setFixedTime(new Date(T * 1000));
    const requested = await watchRequests(context, page);
    await page.goto(`chrome-extension://${extensionId()}/popup.html`);
    await page.waitForSelector('body.ready');
    assert.deepEqual(await shownCodes(page), [oathtool({ secret: RFC, time: T })]);
    assert.ok(requested.includes('/wasm/authbar_codes_bg.wasm'), requested.join(' '));
    assert.deepEqual(requested.filter((p) => p.includes('authbar_tools')), [], 'the tools module is not loaded to show codes');
    assert.deepEqual(requested.filter((p) => ['/add.js', '/images.js'].includes(p)), [], 'the Add view is not loaded to show codes');

    await page.click('#toggle-add');
    await page.waitForSelector('#add:not([hidden])');
    assert.ok(requested.includes('/add.js') && requested.includes('/images.js'), requested.join(' '));
    await page.setInputFiles('#add-file', join(ROOT, 'tests/fixtures/qr-totp.png'));
    await page.waitForSelector('#preview:not([hidden])');
    // The tools module runs in its worker (the page itself never fetches it), one worker for every use.
    assert.equal(requested.filter((p) => p === '/tools-worker.js').length, 1, requested.join(' '));
    assert.deepEqual(requested.filter((p) => p.includes('authbar_tools')), [], 'fetched by the worker, not the page');
    await page.click('#preview-commit');
    await storeUnprotectedOnFirstAdd(page);
    await page.waitForSelector('#preview[hidden]', { state: 'attached' });
    assert.equal((await shownCodes(page)).length, 2);
    // A second image is read by the same worker.
    await page.click('#toggle-add');
    await page.setInputFiles('#add-file', join(ROOT, 'tests/fixtures/qr-totp.png'));
    await page.waitForSelector('#preview:not([hidden])');
    assert.equal(requested.filter((p) => p === '/tools-worker.js').length, 1, 'one worker, started once');
  } finally {
    await cleanup();
  }
});

test('a file read by the tools module is previewed and added by the codes module, its skipped lines listed', async () => {
  const { context, cleanup } = await launch();
  try {
    const page = await openPopup(context, T);
    await page.click('#toggle-settings');
    const file = `otpauth://totp/Mail:bob?secret=${RFC}\nnot a link\n`;
    await page.setInputFiles('#import-file', { name: 'links.txt', mimeType: 'text/plain', buffer: Buffer.from(file) });
    await page.waitForSelector('#preview:not([hidden])');
    assert.equal(await page.locator('#preview-list li').count(), 1);
    assert.match(await page.textContent('#preview-problems'), /line 2/);
    await page.click('#preview-commit');
    await storeUnprotectedOnFirstAdd(page);
    await page.waitForSelector('#preview[hidden]', { state: 'attached' });
    assert.deepEqual(await shownCodes(page), [oathtool({ secret: RFC, time: T })]);
  } finally {
    await cleanup();
  }
});

test('popup.html preloads every module the first paint imports, and the codes module\'s bytes', () => {
  // A module found only by parsing its importer costs one more round trip to the extension's files
  // before popup.js can run (measured: ~20 ms of the opening).
  const html = readFileSync(join(EXTENSION, 'popup.html'), 'utf8');
  const preloaded = new Set([...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]));
  const graph = new Set();
  const visit = (file) => {
    const source = readFileSync(join(EXTENSION, file), 'utf8');
    for (const [, spec] of source.matchAll(/^(?:import|export)\b[^;]*?\bfrom '\.\/([^']+)';/gms)) {
      const dep = join(file, '..', spec);
      if (!graph.has(dep)) { graph.add(dep); visit(dep); }
    }
  };
  visit('popup.js');
  assert.ok(graph.has('wasm/authbar_codes.js') && graph.has('list.js'), [...graph].join(' '));
  assert.deepEqual([...graph].filter((f) => !preloaded.has(f)), [], 'modules popup.js imports without a modulepreload');
  assert.match(html, /<link rel="preload" href="wasm\/authbar_codes_bg\.wasm" as="fetch" type="application\/wasm" crossorigin>/);
  assert.doesNotMatch(html, /authbar_tools/, 'the tools module is not preloaded');
});
