// Loads the WebAssembly core (see crates/wasm), two modules: `paint`, all the first paint needs (the
// stored vault read by the core's first-screen reader, the rows, the codes of the rows in view, the
// site's accounts: no serde, nothing that writes), and `app`, loaded right after the first paint: the
// vault and every change to it (`Authbar`), unlocking, adding, sync, the exports — and the stateless
// tools (QR decoding and drawing, other apps' export files, logos), which run in a worker of their own
// (tools-worker.js) with another instance of the same module. Instances share nothing in memory: the
// tools hand their results to `Authbar` as text.
import initPaint, { Paint } from './wasm/authbar_paint.js';

const utf8 = new TextEncoder();

/** The stored text as the core takes it: UTF-8 bytes (a string crosses one character at a time). */
const bytesOf = (text) => (text == null ? null : utf8.encode(text));

/** Compiles the paint module (popup.html preloads its bytes). */
export async function loadPaint() {
  await initPaint({ module_or_path: new URL('./wasm/authbar_paint_bg.wasm', import.meta.url) });
}

/**
 * The first screen over a stored text and the held data key (base64, or null), or null when the
 * first-screen reader declines the text (the `codes` module then opens it and says why).
 */
export function openFirstScreen(text, heldKey) {
  try {
    return new Paint(bytesOf(text), heldKey ?? null);
  } catch {
    return null;
  }
}

let codes = null;
let codesLoaded = null;

/** Loads and compiles the app module (once, marked `authbar:app` for the bench; a failed load is not kept). */
export function loadCodes() {
  if (!codes) performance.mark('authbar:app');
  codes ??= import('./wasm/authbar_app.js')
    .then(async (module) => {
      await module.default({ module_or_path: new URL('./wasm/authbar_app_bg.wasm', import.meta.url) });
      codesLoaded = module;
      return module;
    })
    .catch((err) => { codes = null; throw err; });
  return codes;
}

/** The codes module's exports (`Authbar`, `estimateSkew`, `nextProbeAt`), once `loadCodes` has resolved. */
export function codesModule() {
  if (!codesLoaded) throw new Error('the codes module is not loaded yet');
  return codesLoaded;
}

/**
 * The core over a stored vault text (null or undefined: none yet), from the codes module. Throws the
 * core's error for a text it cannot read (a newer version's, a damaged one): never overwrite it.
 */
export async function openStored(text) {
  return storedCore(await loadCodes(), text);
}

/**
 * The same from an app module loaded by the caller: the service worker, where `import()` is not
 * allowed, imports it statically (shortcut.js).
 */
export function storedCore(app, text) {
  return new app.Authbar(bytesOf(text));
}

let tools = null;

/** The error a worker sent back, as the Error the core threw (its code, words key and params). */
const asError = ({ message, ...fields }) => Object.assign(new Error(message), fields);

/**
 * The tools module, run in a worker (tools-worker.js) so that a large file, a photo or a key
 * derivation never stops the popup. Its exports are async here: `qrDecodeRgba(data, width, height)`,
 * `qrCutAtEdgeRgba(data, width, height)`, `readFile(bytes, password)`, `qrSvg(text)`. Pixels and file
 * bytes are copied to the worker. Loaded on first use; later calls share that load, and a failed
 * load is not kept, so the next use tries again.
 */
export function loadTools() {
  tools ??= startTools().catch((err) => { tools = null; throw err; });
  return tools;
}

function startTools() {
  const worker = new Worker(new URL('./tools-worker.js', import.meta.url), { type: 'module' });
  const waiting = new Map();
  let next = 0;
  const failAll = (error) => {
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  worker.onmessage = ({ data }) => {
    const call = waiting.get(data.id);
    waiting.delete(data.id);
    if (data.error) call?.reject(asError(data.error));
    else call?.resolve(data.result);
  };
  worker.onerror = (e) => {
    e.preventDefault();
    failAll(new Error(e.message || 'the tools worker failed to start'));
    tools = null;
  };
  const call = (name) => (...args) => new Promise((resolve, reject) => {
    const id = next++;
    waiting.set(id, { resolve, reject });
    worker.postMessage({ id, name, args });
  });
  const api = {
    qrDecodeRgba: call('qrDecodeRgba'),
    qrCutAtEdgeRgba: call('qrCutAtEdgeRgba'),
    readFile: call('readFile'),
    qrSvg: call('qrSvg'),
    logosOf: call('logosOf'),
    logoBrands: call('logoBrands'),
  };
  // The worker has compiled its module once it answers: a failed load shows here, at the first use.
  return api.qrSvg('authbar').then(() => api);
}

/** Starts loading the tools module ahead of use (Add or Settings opened); a failure shows at the use. */
export function prefetchTools() {
  loadTools().catch(() => {});
}
