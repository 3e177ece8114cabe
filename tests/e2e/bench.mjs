// Extension benchmarks (numbers only, run by ./build.sh bench): wasm size, popup open → codes painted
// with 50 accounts, and QR decoding of a 1280×800 page screenshot inside the wasm.
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION, ROOT, launch, openPopup, extensionId } from './harness.js';

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const wasm = statSync(join(EXTENSION, 'wasm/authbar_wasm_bg.wasm')).size;
console.log(`extension: wasm after wasm-opt ${wasm} bytes (${(wasm / 1024).toFixed(1)} KiB; target <= 250 KB)`);

const { context, cleanup } = await launch();
try {
  // 50 accounts in storage, then repeated popup opens.
  let page = await openPopup(context);
  const vault = await page.evaluate(async () => {
    const { Authbar } = await import('./wasm/authbar_wasm.js');
    const a = new Authbar(null);
    for (let i = 0; i < 50; i++) {
      const secret = 'JBSWY3DPEHPK3PXP' + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[i % 32] + 'A'.repeat(15);
      a.previewText(`otpauth://totp/Service${i}:user${i}@example.com?secret=${secret}&issuer=Service${i}`);
      a.commit(null);
    }
    return a.toJson();
  });
  await page.evaluate((v) => chrome.storage.local.set({ vault: v }), vault);
  const opens = [];
  for (let i = 0; i < 15; i++) {
    await page.goto(`chrome-extension://${extensionId()}/popup.html`);
    await page.waitForSelector('body.ready');
    const count = await page.locator('#accounts li').count();
    if (count !== 50) throw new Error(`expected 50 accounts, got ${count}`);
    opens.push(await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const painted = performance.getEntriesByName('authbar:painted')[0];
      return { fromNavigation: painted.startTime - nav.startTime, fromScript: performance.getEntriesByName('authbar:open')[0].duration };
    }));
  }
  console.log(`extension: popup open -> 50 codes painted: median ${median(opens.map((o) => o.fromNavigation)).toFixed(1)} ms from navigation start, ` +
    `${median(opens.map((o) => o.fromScript)).toFixed(1)} ms from the module's start (wasm init + storage + render); target <= 50 ms`);

  // A 1280×800 screenshot of a page with a QR code, decoded in the wasm.
  const site = await context.newPage();
  await site.setViewportSize({ width: 1280, height: 800 });
  const png = readFileSync(join(ROOT, 'tests/fixtures/qr-totp.png')).toString('base64');
  await site.setContent(`<body style="margin:0;font:16px sans-serif"><h1 style="margin:40px">Set Up Authentication</h1>
    <p style="margin:40px;width:600px">Scan the QR code with your authenticator.</p><img style="margin:40px" src="data:image/png;base64,${png}"></body>`);
  const shot = (await site.screenshot()).toString('base64');
  const times = await page.evaluate(async (b64) => {
    const { Authbar } = await import('./wasm/authbar_wasm.js');
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    const a = new Authbar(null);
    const out = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      const p = a.previewQr(data, bitmap.width, bitmap.height, false);
      out.push(performance.now() - t);
      if (p.accounts.length !== 1) throw new Error('QR not found');
    }
    return { out, w: bitmap.width, h: bitmap.height };
  }, shot);
  console.log(`extension: QR decode of a ${times.w}x${times.h} screenshot in the wasm: median ${median(times.out).toFixed(1)} ms`);
} finally {
  await cleanup();
}
