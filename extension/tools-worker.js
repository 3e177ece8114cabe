// The tools module (QR decoding and drawing, other apps' export files) in a worker of its own: reading
// a large file or a photo, or deriving an export's key (scrypt, PBKDF2, Argon2id), never stops the
// popup from answering. Stateless: each message names an export and its arguments; the answer carries
// the result, or the error's fields (a thrown Error's own properties do not survive postMessage).
import init, * as tools from './wasm/authbar_app.js';

// The app module holds the tools beside the vault's code: this worker uses only its stateless tools.
const TOOLS = new Set(['qrDecodeRgba', 'qrCutAtEdgeRgba', 'readFile', 'qrSvg', 'logosOf', 'logoBrands']);
const ready = init({ module_or_path: new URL('./wasm/authbar_app_bg.wasm', import.meta.url) });

self.onmessage = async ({ data: { id, name, args } }) => {
  try {
    await ready;
    if (!TOOLS.has(name)) throw new Error(`no tool ${name}`);
    self.postMessage({ id, result: tools[name](...args) });
  } catch (err) {
    const { message = String(err), code, key, params } = err ?? {};
    self.postMessage({ id, error: { message, code, key, params } });
  }
};
