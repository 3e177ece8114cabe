// Loads the WebAssembly core in two parts (see crates/wasm): `codes`, all the first paint needs (the
// vault, unlocking, the codes, adding from text), and `tools` (QR decoding and drawing, other apps'
// export files), fetched and compiled only when Add or Settings opens or a tool is first used.
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

/**
 * The tools module (`qrDecodeRgba`, `qrCutAtEdgeRgba`, `readFile`, `qrSvg`), loaded and compiled on
 * first use; later calls share that load. A failed load is not kept, so the next use tries again.
 */
export function loadTools() {
  tools ??= import('./wasm/authbar_tools.js')
    .then(async (module) => { await module.default(); return module; })
    .catch((err) => { tools = null; throw err; });
  return tools;
}

/** Starts loading the tools module ahead of use (Add or Settings opened); a failure shows at the use. */
export function prefetchTools() {
  loadTools().catch(() => {});
}
