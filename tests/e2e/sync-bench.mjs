// Sync's numbers (issue 25; printed, nothing passes or fails), in headless Chromium with two profiles
// and the relay of sync-pair.js: bytes per typical account in storage.sync and how many fit; the wasm
// merging 800 incoming accounts (one Authbar.sync call); the whole round that brings them (delivery to
// the list re-rendered, the vault stored); opening the popup with a linked vault of 801 accounts (to
// the codes shown, and to the opening round done).
//
// Usage: node tests/e2e/sync-bench.mjs (after ./build.sh extension). AUTHBAR_BENCH_RUNS shortens it.
import { openPopup } from './harness.js';
import { Profile, Relay, account, joinPair } from './sync-pair.js';

const RUNS = Number(process.env.AUTHBAR_BENCH_RUNS ?? 5);
const N = 800;
const QUOTA = 102_400;

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
const fmt = (xs) => `median ${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)}, ${xs.length} runs)`;

/** `n` typical accounts: a short issuer, an e-mail as name, a 160-bit secret, default parameters. */
function typical(n) {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let x = 0x9e3779b9;
  const next = () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) % 32; };
  const word = (len) => Array.from({ length: len }, next).map((v) => letters[v].toLowerCase()).join('');
  return Array.from({ length: n }, (_, i) => account(`Service ${i % 97}`, `${word(12)}@example.com`,
    Array.from({ length: 32 }, next).map((v) => letters[v]).join('')));
}

async function addMany(page, accounts) {
  const buffer = Buffer.from(`${accounts.map((a) => `otpauth://totp/${encodeURIComponent(a.issuer)}:${encodeURIComponent(a.name)}?secret=${a.secret}&issuer=${encodeURIComponent(a.issuer)}`).join('\n')}\n`);
  await page.setInputFiles('#import-file', { name: 'accounts.txt', mimeType: 'text/plain', buffer });
  await page.waitForSelector('#preview:not([hidden])');
  await page.click('#preview-commit');
  await page.waitForSelector('#preview[hidden]', { state: 'attached' });
}

const [A, B] = await Promise.all([Profile.launch('A'), Profile.launch('B')]);
try {
  const relay = new Relay(A, B);
  await joinPair(A, B, relay, typical(1));
  const before = { A: await A.snapshot(), B: await B.snapshot() };
  const bytesOne = await A.worker.evaluate(() => chrome.storage.sync.getBytesInUse(null));

  await addMany(A.page, typical(N + 1).slice(1));
  await A.quiet();
  const bytes = await A.worker.evaluate(() => chrome.storage.sync.getBytesInUse(null));
  const perAccount = (bytes - bytesOne) / N;
  console.log(`storage.sync with ${N + 1} accounts: ${bytes.toLocaleString('en-US')} bytes of ${QUOTA.toLocaleString('en-US')}; `
    + `${perAccount.toFixed(1)} bytes per typical account (${(bytes / (N + 1)).toFixed(1)} with the header); `
    + `about ${Math.floor((QUOTA - bytesOne) / perAccount + 1).toLocaleString('en-US')} accounts fit`);
  await relay.push(A);
  const incoming = Object.fromEntries(relay.server);

  // The wasm alone: B, holding one account, merges the 800 it lacks (one Authbar.sync call).
  const merge = [];
  for (let i = 0; i < RUNS; i += 1) {
    await B.close();
    await B.restore(before.B);
    await B.open();
    merge.push(await B.page.evaluate((items) => {
      const { core } = globalThis.authbarSync.session;
      const t = performance.now();
      const out = core.sync(items, Date.now());
      const ms = performance.now() - t;
      if (!out.vaultChanged) throw new Error('nothing merged');
      return ms;
    }, incoming));
  }
  console.log(`wasm merge of ${N} incoming accounts (Authbar.sync): ${fmt(merge)}`);

  // The whole round: delivered to B, merged, stored, the list re-rendered.
  const round = [];
  const total = [];
  for (let i = 0; i < RUNS; i += 1) {
    await B.close();
    await B.restore(before.B);
    await relay.reset(A, B);
    relay.server = new Map(Object.entries(incoming));
    await B.open();
    await B.page.waitForTimeout(1_100);   // past the opening round's gap (GAP_MS): the change is heard at once
    await B.page.evaluate(() => {
      const d = globalThis.authbarSync;
      const run = d.round.bind(d);
      d.roundMs = [];
      const hear = d.incoming.bind(d);
      d.round = async () => { await run(); d.roundMs.push(performance.now() - d.heardAt); };
      d.incoming = (changes) => { d.heardAt ??= performance.now(); hear(changes); };
    });
    const t = performance.now();
    await relay.pull(B);
    total.push(performance.now() - t);
    round.push(await B.page.evaluate(() => globalThis.authbarSync.roundMs[0]));
    if (await B.page.evaluate(() => globalThis.authbarSync.session.size) !== N + 1) throw new Error('the round did not bring every account');
  }
  console.log(`a round bringing ${N} accounts, from storage.onChanged to merged, stored, re-rendered and written: ${fmt(round)}; `
    + `with the relay's set of the items and the test's polling: ${fmt(total)}`);

  // Opening with sync on: B now holds the linked vault of 801 accounts. Wall time from the page asked
  // for (a new tab) to its codes in the DOM, and to its opening round done.
  const painted = [];
  const settled = [];
  for (let i = 0; i < RUNS; i += 1) {
    await B.close();
    const t = performance.now();
    B.page = await openPopup(B.context);
    await B.page.waitForFunction(() => document.querySelector('#accounts .code')?.textContent, null, { polling: 'raf' });
    painted.push(performance.now() - t);
    await B.quiet();
    settled.push(performance.now() - t);
  }
  console.log(`opening the popup with a linked vault of ${N + 1} accounts: codes shown ${fmt(painted)}; `
    + `its opening round done ${fmt(settled)} (both from the tab asked for)`);
} finally {
  await Promise.all([A.quit(), B.quit()]);
}
