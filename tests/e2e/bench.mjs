// Extension benchmarks (numbers only, run by ./build.sh bench): what each WebAssembly module weighs,
// and QR decoding of a 1280×800 page screenshot in the tools module (payloads → the codes module's
// preview, as the popup does). Opening the popup is tests/e2e/popup-bench.mjs.
import { readdirSync, statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION, ROOT, launch, openPopup } from './harness.js';

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
let total = 0;
for (const file of readdirSync(join(EXTENSION, 'wasm')).filter((f) => f.endsWith('.wasm')).sort()) {
  const size = statSync(join(EXTENSION, 'wasm', file)).size;
  const glue = statSync(join(EXTENSION, 'wasm', file.replace(/_bg\.wasm$/, '.js'))).size;
  total += size;
  console.log(`extension: ${file} after wasm-opt ${size} bytes (${(size / 1024).toFixed(1)} KiB), its JS glue ${glue} bytes`);
}
console.log(`extension: all wasm ${total} bytes (${(total / 1024).toFixed(1)} KiB; target <= 250 KB)`);

const { context, cleanup } = await launch();
try {
  const page = await openPopup(context);
  // A 1280×800 screenshot of a page with a QR code, decoded in the wasm.
  const site = await context.newPage();
  await site.setViewportSize({ width: 1280, height: 800 });
  const png = readFileSync(join(ROOT, 'tests/fixtures/qr-totp.png')).toString('base64');
  await site.setContent(`<body style="margin:0;font:16px sans-serif"><h1 style="margin:40px">Set Up Authentication</h1>
    <p style="margin:40px;width:600px">Scan the QR code with your authenticator.</p><img style="margin:40px" src="data:image/png;base64,${png}"></body>`);
  const shot = (await site.screenshot()).toString('base64');
  const times = await page.evaluate(async (b64) => {
    const { Authbar, loadTools } = await import('./wasm.js');
    const t0 = performance.now();
    const tools = await loadTools();
    const load = performance.now() - t0;
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
      const p = a.previewPayloads(await tools.qrDecodeRgba(data, bitmap.width, bitmap.height), false);
      out.push(performance.now() - t);
      if (p.accounts.length !== 1) throw new Error('QR not found');
    }
    return { out, load, w: bitmap.width, h: bitmap.height };
  }, shot);
  console.log(`extension: tools module load + compile on first use: ${times.load.toFixed(1)} ms`);
  console.log(`extension: QR decode of a ${times.w}x${times.h} screenshot in the wasm: median ${median(times.out).toFixed(1)} ms`);
} finally {
  await cleanup();
}
