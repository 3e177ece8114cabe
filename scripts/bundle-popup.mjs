// Joins the popup's ES modules with esbuild, for dist only (the sources in extension/ stay plain ES
// modules, each loadable on its own). Measured by `./build.sh bench` (popup-bench): with fifteen
// modules before the first paint, popup.js started 20-30 ms later than with the joined files.
//
// Entries: popup.js (all the first paint runs), app.js (imported right after it) and add.js (imported
// when Add opens). Code they share goes into chunks, so each module still has one instance in the page.
// The wasm-bindgen glue (wasm/) stays a file of its own: its `new URL(..., import.meta.url)` finds the
// .wasm beside it. The service worker and the tools worker load the plain modules (another realm).
// popup.html's modulepreload list is rewritten to what the joined popup.js imports.
//
// Usage: node scripts/bundle-popup.mjs SOURCE_DIR OUT_DIR (OUT_DIR already holds the copied sources).
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const [source, out] = process.argv.slice(2);
if (!source || !out) {
  console.error('usage: node scripts/bundle-popup.mjs SOURCE_DIR OUT_DIR');
  process.exit(2);
}

const ENTRIES = ['popup.js', 'app.js', 'add.js'];
const result = await build({
  entryPoints: ENTRIES.map((name) => join(source, name)),
  outbase: source,
  outdir: out,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  external: ['./wasm/*'],
  // Whitespace and syntax only: names stay, so an error's stack still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  chunkNames: 'popup-[hash]',
  metafile: true,
  logLevel: 'warning',
});

// What popup.js imports statically, directly or through its chunks (the chunks, the paint glue):
// preloaded by popup.html, so none waits for the file that names it.
const outputs = result.metafile.outputs;
const popupPath = Object.keys(outputs).find((path) => outputs[path].entryPoint?.endsWith('/popup.js'));
if (!popupPath) throw new Error('esbuild wrote no popup.js');
const preload = [];
const walk = (path) => {
  for (const i of outputs[path].imports) {
    if (i.kind !== 'import-statement') continue;
    const name = i.external ? i.path.replace(/^\.\//, '') : relative(out, i.path);
    if (preload.includes(name)) continue;
    preload.push(name);
    if (!i.external) walk(i.path);
  }
};
walk(popupPath);
const htmlPath = join(out, 'popup.html');
const lines = readFileSync(htmlPath, 'utf8').split('\n');
const isPreload = (line) => /^ *<link rel="modulepreload" href="[^"]+">$/.test(line);
const first = lines.findIndex(isPreload);
if (first < 0) throw new Error('popup.html has no modulepreload list to rewrite');
const indent = lines[first].match(/^ */)[0];
const list = preload.map((p) => `${indent}<link rel="modulepreload" href="${p}">`);
const html = [...lines.slice(0, first).filter((l) => !isPreload(l)), ...list, ...lines.slice(first).filter((l) => !isPreload(l))];
writeFileSync(htmlPath, html.join('\n'));
const bytes = Object.entries(outputs).map(([path, o]) => `${relative(out, path)} ${o.bytes}`);
console.log(`popup modules joined: ${bytes.join(', ')}; popup.html preloads ${preload.join(', ')}`);
