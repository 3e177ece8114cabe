// Opening the popup, the numbers of issue 12 (numbers only; nothing here passes or fails). For each
// account count, the popup is opened RUNS times in headless Chromium with that many accounts stored:
// from navigation start to popup.js starting (its `authbar:start` mark), to every code in the DOM
// (the `authbar:painted` mark, set right after the codes are written) and to the first frame painted
// after that; the main thread's busy time per second while it stays open; the wasm and JS it loaded
// before that frame; and the stored vault's size.
//
// Usage: node tests/e2e/popup-bench.mjs [NAME=EXTENSION_DIR ...] (default: this build's dist/extension).
// ./build.sh bench passes the previous build (AUTHBAR_BENCH_BASELINE) beside this one, so both are
// measured in one run on one machine. AUTHBAR_BENCH_COUNTS (e.g. "0,50"), AUTHBAR_BENCH_RUNS and
// AUTHBAR_BENCH_IDLE_MS shorten a run.
import { mkdtempSync, rmSync, statSync, existsSync, cpSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { EXTENSION, extensionId } from './harness.js';

const COUNTS = (process.env.AUTHBAR_BENCH_COUNTS ?? '0,50,200,500,5000').split(',').map(Number);
const RUNS = Number(process.env.AUTHBAR_BENCH_RUNS ?? 10);
// The idle window starts this long before a 30 s step ends and lasts IDLE_MS, so it holds one step
// change (every code recomputed) and the once-a-second countdown: a pessimistic average.
const IDLE_MS = Number(process.env.AUTHBAR_BENCH_IDLE_MS ?? 10_000);
const IDLE_LEAD_MS = 3_000;

const builds = process.argv.slice(2).map((arg) => {
  const at = arg.indexOf('=');
  return at < 0 ? { name: arg, dir: resolve(arg) } : { name: arg.slice(0, at), dir: resolve(arg.slice(at + 1)) };
});
if (builds.length === 0) builds.push({ name: 'this build', dir: EXTENSION });
for (const b of builds) {
  if (!existsSync(join(b.dir, 'popup.html'))) throw new Error(`${b.dir}: no popup.html (build the extension first)`);
}

// Chromium's own floor on this machine: the last build with one more page, whose one-line module
// script writes a code and marks. No popup can show its codes sooner than this page runs its script.
const floorDir = mkdtempSync(join(tmpdir(), 'authbar-floor-'));
cpSync(builds.at(-1).dir, floorDir, { recursive: true });
writeFileSync(join(floorDir, 'floor.html'), '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>floor</title>'
  + '<script type="module" src="floor.js"></script></head><body><p class="code"></p></body></html>');
writeFileSync(join(floorDir, 'floor.js'), "performance.mark('authbar:start'); document.querySelector('.code').textContent = '123 456';"
  + " performance.mark('authbar:painted'); document.body.classList.add('ready');");
const floor = { name: 'Chromium floor: a one-line module page', dir: floorDir, page: 'floor.html' };

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
// The nearest-rank 95th percentile: with 10 runs, the slowest.
const p95 = (xs) => sorted(xs)[Math.min(xs.length - 1, Math.ceil(0.95 * xs.length) - 1)];

/** A stored vault (schema 1) of `n` TOTP accounts with distinct secrets, issuers and names. */
function vaultOf(n) {
  const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const entries = [];
  for (let i = 0; i < n; i++) {
    let secret = '';
    // xorshift32 seeded by the index: distinct, valid base32 secrets of 160 bits.
    for (let k = 0, x = (i + 1) * 2654435761 | 0; k < 32; k++) {
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      secret += B32[(x >>> 0) % 32];
    }
    entries.push({ id: i + 1, account: {
      type: 'totp', issuer: `Service ${i % 97}`, name: `user${i}@example.com`, secret,
      algorithm: 'SHA1', digits: 6, period: 30, counter: 0,
    } });
  }
  return JSON.stringify({ schema: 1, nextId: n + 1, entries });
}

// Runs in the popup before its scripts: when the codes are in the DOM (the mark), note the end of the
// next frame (a task queued from requestAnimationFrame runs after that frame's paint).
function watchFirstPaint() {
  const mark = performance.mark.bind(performance);
  performance.mark = (name, ...rest) => {
    const entry = mark(name, ...rest);
    if (name === 'authbar:painted') {
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => mark('bench:frame');
        channel.port2.postMessage(0);
      });
    }
    return entry;
  };
}

/** A browser with `build` loaded and `vaultText` stored (null: none), ready to open the popup. */
async function prepare(build, vaultText) {
  const profile = mkdtempSync(join(tmpdir(), 'authbar-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [`--disable-extensions-except=${build.dir}`, `--load-extension=${build.dir}`, '--no-sandbox', '--disable-gpu',
      '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const url = `chrome-extension://${extensionId(build.dir)}/${build.page ?? 'popup.html'}`;
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('body.ready');
  await page.evaluate((text) => (text === null ? chrome.storage.local.clear() : chrome.storage.local.set({ vault: text })), vaultText);
  const stored = await page.evaluate(() => chrome.storage.local.getBytesInUse('vault'));
  await page.addInitScript(watchFirstPaint);
  // Extension files are not in the page's resource timing: Chromium's network events list them.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const session = { build, context, page, cdp, url, stored, requested: [], opens: [],
    close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); } };
  cdp.on('Network.requestWillBeSent', (e) => session.requested.push({ path: new URL(e.request.url).pathname, at: e.wallTime * 1000 }));
  return session;
}

/** One opening of the popup: its marks, and the files requested before the first paint. */
async function open(session, count) {
  const { page, build } = session;
  session.requested = [];
  await page.goto(session.url);
  await page.waitForSelector('body.ready');
  await page.waitForFunction(() => performance.getEntriesByName('bench:frame').length > 0);
  const shown = await page.locator('.code').evaluateAll((nodes) => nodes.filter((n) => n.textContent).length);
  if (shown < Math.min(count, 1)) throw new Error(`${build.name}: ${count} accounts stored, no code shown`);
  const marks = await page.evaluate(() => {
    const at = (name) => performance.getEntriesByName(name)[0].startTime;
    return { start: at('authbar:start'), codes: at('authbar:painted'), paint: at('bench:frame'), paintedAt: performance.timeOrigin + at('bench:frame') };
  });
  marks.before = session.requested.filter((r) => r.at < marks.paintedAt).map((r) => r.path);
  session.opens.push(marks);
}

/** Main-thread time while open: Chromium's own task accounting over a window holding a step change. */
async function idle(session) {
  const { page, cdp } = session;
  await cdp.send('Network.disable');
  await cdp.send('Performance.enable');
  await page.waitForTimeout((30_000 - IDLE_LEAD_MS - (Date.now() % 30_000) + 30_000) % 30_000);
  const busy = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  const t0 = Date.now(), b0 = await busy();
  await page.waitForTimeout(IDLE_MS);
  return ((await busy()) - b0) * 1000 / ((Date.now() - t0) / 1000);
}

const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
const ms = (x) => `${x.toFixed(0)}`;
const rows = [];
for (const count of COUNTS) {
  const vaultText = count === 0 ? null : vaultOf(count);
  // Every build's browser is open at once and the openings alternate, so a burst of load elsewhere
  // on the machine falls on all builds alike.
  const sessions = [];
  for (const build of count === COUNTS[0] ? [floor, ...builds] : builds) sessions.push(await prepare(build, vaultText));
  try {
    for (let run = 0; run < RUNS; run++) for (const s of sessions) await open(s, count);
    for (const s of sessions) {
      const files = [...new Set(s.opens[0].before)];
      const bytes = (ext) => files.filter((p) => p.endsWith(ext)).reduce((sum, p) => sum + statSync(join(s.build.dir, p)).size, 0);
      rows.push({
        count, build: s.build.name, idle: await idle(s), stored: s.stored, wasm: bytes('.wasm'), js: bytes('.js'),
        start: s.opens.map((o) => o.start), codes: s.opens.map((o) => o.codes), paint: s.opens.map((o) => o.paint),
      });
      console.error(`popup bench: ${s.build.name}, ${count} accounts: before the first paint: ${files.join(' ')}`);
    }
  } finally {
    for (const s of sessions) await s.close();
  }
}

rmSync(floorDir, { recursive: true, force: true });

console.log(`\nPopup open, headless Chromium, ${RUNS} runs each: navigation start -> every code in the DOM, and -> the first frame painted after it (median / p95, ms);`);
console.log(`main-thread busy ms per second while open (${IDLE_MS / 1000} s holding one step change); wasm and JS loaded before that frame; stored vault.`);
console.log('"Chromium floor" is an extension page whose one module script writes a code at once: what opening any extension page costs here.\n');
console.log('| accounts | build | popup.js starts | codes in DOM (median / p95) | first paint (median / p95) | idle ms/s | wasm before paint | JS before paint | stored vault |');
console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const perAccount = r.count ? ` (${(r.stored / r.count).toFixed(0)} B/account)` : '';
  console.log(`| ${r.count.toLocaleString('en')} | ${r.build} | ${ms(median(r.start))} | ${ms(median(r.codes))} / ${ms(p95(r.codes))} | ${ms(median(r.paint))} / ${ms(p95(r.paint))} | ` +
    `${r.idle.toFixed(1)} | ${kib(r.wasm)} | ${kib(r.js)} | ${kib(r.stored)}${perAccount} |`);
}
