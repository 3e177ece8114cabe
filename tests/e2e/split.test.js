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

test('the popup paints its codes with the paint module alone; the app module follows the first paint; Add loads its view, and the tools worker reads a QR image', async () => {
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
    assert.ok(requested.includes('/wasm/authbar_paint_bg.wasm'), requested.join(' '));
    // The app module (every change, unlocking, the tools) is asked for only after the first paint,
    // seen in a browser without the test clock (a fixed clock stops the page's performance entries).
    const plain = await launch();
    try {
      const real = await plain.context.newPage();
      await real.goto(`chrome-extension://${extensionId()}/popup.html`);
      await real.evaluate((v) => chrome.storage.local.set({ vault: v }), JSON.stringify({ schema: 1, nextId: 2, entries: [{ id: 1, account: {
        type: 'totp', issuer: 'ACME', name: 'alice', secret: RFC, algorithm: 'SHA1', digits: 6, period: 30, counter: 0 } }] }));
      await real.reload();
      await real.waitForSelector('body.ready');
      const { painted, app } = await real.evaluate(() => ({
        painted: performance.getEntriesByName('authbar:painted')[0]?.startTime,
        app: performance.getEntriesByName('authbar:app')[0]?.startTime,
      }));
      assert.ok(painted > 0 && app > painted, `the app module asked for at ${app} ms, the first paint at ${painted} ms`);
    } finally {
      await plain.cleanup();
    }
    assert.deepEqual(requested.filter((p) => ['/add.js', '/images.js', '/tools-worker.js'].includes(p)), [], 'neither Add nor the tools are loaded to show codes');

    await page.click('#toggle-add');
    await page.waitForSelector('#add:not([hidden])');
    // add.js, with images.js joined into it in dist (scripts/bundle-popup.mjs).
    assert.ok(requested.includes('/add.js'), requested.join(' '));
    await page.setInputFiles('#add-file', join(ROOT, 'tests/fixtures/qr-totp.png'));
    await page.waitForSelector('#preview:not([hidden])');
    // The tools run in their worker, one worker for every use.
    assert.equal(requested.filter((p) => p === '/tools-worker.js').length, 1, requested.join(' '));
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

test('popup.html preloads every module the first paint imports, and the paint module\'s bytes', () => {
  // A module found only by parsing its importer costs one more round trip to the extension's files
  // before popup.js can run (measured: ~20 ms of the opening). dist's popup.js is the joined one
  // (scripts/bundle-popup.mjs): its chunks and the paint glue are all it imports.
  const html = readFileSync(join(EXTENSION, 'popup.html'), 'utf8');
  const preloaded = new Set([...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]));
  const graph = new Set();
  const visit = (file) => {
    const source = readFileSync(join(EXTENSION, file), 'utf8');
    // Static imports only, as written (`from './x.js'`) or as esbuild writes them (`from"./x.js"`).
    for (const [, spec] of source.matchAll(/(?:^|[;}\s])(?:import|export)\s*[^;'"()]*?\bfrom\s*["']\.\/([^"']+)["']/gm)) {
      const dep = join(file, '..', spec);
      if (!graph.has(dep)) { graph.add(dep); visit(dep); }
    }
  };
  visit('popup.js');
  assert.ok(graph.has('wasm/authbar_paint.js'), [...graph].join(' '));
  assert.ok(graph.size <= 4, `the first paint's modules are joined into a few files: ${[...graph].join(' ')}`);
  assert.deepEqual([...graph].filter((f) => !preloaded.has(f)), [], 'modules popup.js imports without a modulepreload');
  assert.deepEqual([...preloaded].filter((f) => !graph.has(f)), [], 'modules preloaded that the first paint does not import');
  assert.match(html, /<link rel="preload" href="wasm\/authbar_paint_bg\.wasm" as="fetch" type="application\/wasm" crossorigin>/);
  assert.doesNotMatch(html, /authbar_app/, 'the app module is not preloaded: it follows the first paint');
});
