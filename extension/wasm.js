// Loads the WebAssembly core in two parts (see crates/wasm): `codes`, all the first paint needs (the
// vault, unlocking, the codes, adding from text), and `tools` (QR decoding and drawing, other apps'
// export files), run in a worker and started only when Add or Settings opens or a tool is first used.
// The two share nothing in memory: tools hand their results to `Authbar` as text.
import initCodes, { Authbar } from './wasm/authbar_codes.js';

export { Authbar, estimateSkew, nextProbeAt } from './wasm/authbar_codes.js';

const utf8 = new TextEncoder();

/**
 * The core over a stored vault text (null or undefined: none yet). The text crosses as UTF-8 bytes,
 * copied at once: wasm-bindgen copies a string one character at a time in JavaScript, several ms for
 * the megabyte of 5,000 accounts.
 */
export function openStored(text) {
  return new Authbar(text == null ? null : utf8.encode(text));
}

/** Compiles the codes module (popup.html preloads its bytes). */
export async function loadCodes() {
  await initCodes();
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
  };
  // The worker has compiled its module once it answers: a failed load shows here, at the first use.
  return api.qrSvg('authbar').then(() => api);
}

/** Starts loading the tools module ahead of use (Add or Settings opened); a failure shows at the use. */
export function prefetchTools() {
  loadTools().catch(() => {});
}
