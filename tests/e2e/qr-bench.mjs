// QR decode rate and time of the extension's wasm in headless Chromium, over the shared benchmark set
// (AUTHBAR_QR_DIR, by default ../shared/qr/dev), scored as its README says. Numbers only (run by
// ./build.sh bench after build_extension). Each image is decoded to RGBA by the browser
// (createImageBitmap + OffscreenCanvas, as the popup does) and timed around the wasm call alone.
// Prints the README's table: its rqrr+invert anchor, the previous run (target/qr-bench-wasm.row)
// and this run. AUTHBAR_QR_VERBOSE=1 lists the images not decoded exactly,
// AUTHBAR_QR_SLOWEST=N the N slowest.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launch, openPopup } from './harness.js';

const COLUMNS = [
  ['clean_large', 'clean_lg'], ['clean_small', 'clean_sm'], ['webpage', 'webpage'], ['rot_small', 'rot_sm'],
  ['rot_any', 'rot_any'], ['perspective', 'persp'], ['photo_monitor', 'photo'], ['blur', 'blur'], ['noise', 'noise'],
  ['jpeg', 'jpeg'], ['low_contrast', 'lowcon'], ['inverted', 'invert'], ['illumination', 'light'], ['ecc_logo', 'logo'],
  ['high_version', 'hi_ver'], ['quiet_zone', 'quiet'], ['migration', 'migr'], ['utf8_label', 'utf8'], ['no_qr', 'no_qr'],
  ['two_qr', 'two_qr'],
];

const dir = process.env.AUTHBAR_QR_DIR ?? join(ROOT, '../shared/qr/dev');
if (!existsSync(join(dir, 'manifest.jsonl'))) {
  console.log(`qr (wasm): skipped: no ${dir}/manifest.jsonl`);
  process.exit(0);
}
const verbose = !!process.env.AUTHBAR_QR_VERBOSE;
const entries = readFileSync(join(dir, 'manifest.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

const { context, cleanup } = await launch();
const perCategory = new Map();
const times = [];
const timed = [];
let ok = 0;
let misreads = 0;
const wall = performance.now();
try {
  const page = await openPopup(context);
  await page.evaluate(async () => {
    const wasm = await import('./wasm/authbar_app.js');
    await wasm.default();
    globalThis.qrBench = async (b64, type) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type }), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(bitmap, 0, 0);
      const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      const t = performance.now();
      const found = wasm.qrDecodeRgba(data, bitmap.width, bitmap.height);
      return { found, ms: performance.now() - t };
    };
  });
  for (const e of entries) {
    const type = e.file.endsWith('.jpg') || e.file.endsWith('.jpeg') ? 'image/jpeg' : 'image/png';
    const b64 = readFileSync(join(dir, e.file)).toString('base64');
    const { found, ms } = await page.evaluate(([b, t]) => globalThis.qrBench(b, t), [b64, type]);
    times.push(ms);
    timed.push([ms, e.file]);
    const expected = new Set(e.payloads);
    const got = new Set(found);
    const wrong = [...got].filter((p) => !expected.has(p)).length;
    const right = got.size === expected.size && [...got].every((p) => expected.has(p));
    misreads += wrong;
    ok += right ? 1 : 0;
    const slot = perCategory.get(e.category) ?? [0, 0];
    perCategory.set(e.category, [slot[0] + (right ? 1 : 0), slot[1] + 1]);
    if (wrong) console.log(`qr (wasm): MISREAD in ${e.file}`);
    else if (verbose && !right) console.log(`qr (wasm):   missed ${e.file} (${got.size} of ${expected.size} found, ${ms.toFixed(1)} ms)`);
  }
} finally {
  await cleanup();
}

const sorted = [...times].sort((a, b) => a - b);
// The slow tail is what the p95 is made of: AUTHBAR_QR_SLOWEST=N names the N slowest images.
const slowest = Number(process.env.AUTHBAR_QR_SLOWEST ?? 0);
for (const [ms, file] of timed.sort((a, b) => b[0] - a[0]).slice(0, slowest)) console.log(`qr (wasm): slow ${file} ${ms.toFixed(1)} ms`);
const pct = (p) => sorted[Math.round((sorted.length - 1) * p)] ?? 0;
const cell = (c) => { const s = perCategory.get(c); return s ? (100 * s[0] / s[1]).toFixed(0) : '-'; };
const row = `| authbar (wasm) | **${(100 * ok / Math.max(1, entries.length)).toFixed(1)}** | ${COLUMNS.map(([c]) => cell(c)).join(' | ')} | ${misreads} | ` +
  `${pct(0.5).toFixed(1)} | ${pct(0.95).toFixed(1)} | ${(times.reduce((a, b) => a + b, 0) / 1000).toFixed(1)} | ${((performance.now() - wall) / 1000).toFixed(1)} |`;
console.log(`qr (wasm): ${ok}/${entries.length} images decoded exactly, misreads ${misreads} (headless Chromium)`);
console.log(`\n| decoder | overall | ${COLUMNS.map(([, h]) => h).join(' | ')} | misread | med ms | p95 ms | decode s | wall s |`);
console.log(`|---|---:|${'---:|'.repeat(COLUMNS.length)}---:|---:|---:|---:|---:|`);
const readme = join(dir, '../README.md');
const anchor = existsSync(readme) && readFileSync(readme, 'utf8').split('\n').find((l) => l.startsWith('| rqrr+invert '));
if (anchor) console.log(anchor);
const previous = join(ROOT, 'target/qr-bench-wasm.row');
if (existsSync(previous)) console.log(readFileSync(previous, 'utf8').trimEnd().replace('| authbar (wasm)', '| previous (wasm)'));
console.log(`${row}\n`);
mkdirSync(join(ROOT, 'target'), { recursive: true });
writeFileSync(previous, `${row}\n`);
