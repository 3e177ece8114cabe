// What each part of a WebAssembly module weighs: its sections, and its code and data by the crate
// they come from (a `twiggy`-like breakdown without another tool to install).
//
//   node tests/wasm-size.mjs MODULE.wasm [--crates N] [--top N]
//
// The module must keep its "name" section (wasm-bindgen keeps it; wasm-opt only with -g). Each
// function's body is charged to the crate its (demangled) Rust path names first. Data segments can't
// be told apart by crate: they are one line. Used by ./build.sh bench and the closing notes.
import { readFileSync } from 'node:fs';

const SECTION_NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export',
  'start', 'element', 'code', 'data', 'data count', 'tag'];

function reader(bytes, pos = 0) {
  return {
    pos,
    byte() { return bytes[this.pos++]; },
    u32() {
      let result = 0, shift = 0, b;
      do { b = bytes[this.pos++]; result |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
      return result >>> 0;
    },
    name() { const n = this.u32(); const s = Buffer.from(bytes.subarray(this.pos, this.pos + n)).toString('utf8'); this.pos += n; return s; },
  };
}

/** Sections with their sizes, the size of every function body, and the function names. */
export function parse(bytes) {
  if (bytes.readUInt32LE(0) !== 0x6d736100) throw new Error('not a WebAssembly module');
  const r = reader(bytes, 8);
  const sections = [];
  let importedFunctions = 0;
  const bodies = [];
  const names = new Map();
  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const start = r.pos;
    let label = SECTION_NAMES[id] ?? `section ${id}`;
    if (id === 0) {
      const inner = reader(bytes, start);
      const custom = inner.name();
      label = `custom "${custom}"`;
      if (custom === 'name') {
        while (inner.pos < start + size) {
          const sub = inner.byte();
          const subSize = inner.u32();
          const subEnd = inner.pos + subSize;
          if (sub === 1) {
            const count = inner.u32();
            for (let i = 0; i < count; i++) { const index = inner.u32(); names.set(index, inner.name()); }
          }
          inner.pos = subEnd;
        }
      }
    } else if (id === 2) {
      const inner = reader(bytes, start);
      const count = inner.u32();
      for (let i = 0; i < count; i++) {
        inner.name(); inner.name();
        const kind = inner.byte();
        if (kind === 0) { inner.u32(); importedFunctions++; }
        else if (kind === 1) { inner.byte(); const flags = inner.u32(); inner.u32(); if (flags & 1) inner.u32(); }
        else if (kind === 2) { const flags = inner.u32(); inner.u32(); if (flags & 1) inner.u32(); }
        else if (kind === 3) { inner.byte(); inner.byte(); }
        else if (kind === 4) { inner.byte(); inner.u32(); }
      }
    } else if (id === 10) {
      const inner = reader(bytes, start);
      const count = inner.u32();
      for (let i = 0; i < count; i++) {
        const bodySize = inner.u32();
        bodies.push({ index: importedFunctions + i, size: bodySize + 1 });
        inner.pos += bodySize;
      }
    }
    sections.push({ label, size: r.pos - start + size + 1 + (size >= 128 ? 1 : 0) });
    r.pos = start + size;
  }
  return { sections, bodies, names };
}

/**
 * The crate a function belongs to, from its (demangled) Rust path: the first path segment, or in
 * `<T as Trait>::f` the crate of `T`. wasm-bindgen's and the linker's own functions are named as such.
 */
export function crateOf(name) {
  if (!name) return '(no name)';
  if (/^(__wbg|__wbindgen|__externref|wasm_bindgen)/.test(name)) return 'wasm_bindgen';
  const s = name.replace(/^(<|&mut |&|\*const |\*mut |\[|dyn )+/, '');
  const crate = /^([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::/.exec(s);
  if (crate) return crate[1];
  if (/^(u8|u16|u32|u64|u128|i8|i16|i32|i64|i128|usize|isize|f32|f64|char|str|bool|T|A|Z|D)\b/.test(s)) return 'core';
  if (/^(memcmp|memcpy|memset|memmove|__multi3|fmin|fmax|__rustc|__rdl|__rg)/.test(s)) return 'core';
  return '(exports and shims)';
}

export function breakdown(bytes) {
  const { sections, bodies, names } = parse(bytes);
  const crates = new Map();
  for (const { index, size } of bodies) {
    const crate = crateOf(names.get(index));
    const entry = crates.get(crate) ?? { size: 0, functions: 0 };
    entry.size += size; entry.functions++;
    crates.set(crate, entry);
  }
  return { sections, crates: [...crates].map(([crate, v]) => ({ crate, ...v })).sort((a, b) => b.size - a.size),
    functions: bodies.map(({ index, size }) => ({ name: names.get(index) ?? `#${index}`, size })).sort((a, b) => b.size - a.size) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  const option = (name) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : 0);
  const top = option('--top');
  const crateLines = option('--crates') || Infinity;
  const bytes = readFileSync(file);
  const { sections, crates, functions } = breakdown(bytes);
  const kb = (n) => (n / 1000).toFixed(1).padStart(7);
  console.log(`${file}: ${bytes.length} bytes`);
  console.log('  sections:');
  for (const { label, size } of sections) console.log(`  ${kb(size)} KB  ${label}`);
  console.log('  code by crate:');
  for (const { crate, size, functions: n } of crates.slice(0, crateLines)) console.log(`  ${kb(size)} KB  ${crate} (${n} functions)`);
  const rest = crates.slice(crateLines);
  if (rest.length) console.log(`  ${kb(rest.reduce((sum, c) => sum + c.size, 0))} KB  ${rest.length} more crates`);
  if (top) {
    console.log(`  largest ${top} functions:`);
    for (const { name, size } of functions.slice(0, top)) console.log(`  ${kb(size)} KB  ${name.slice(0, 140)}`);
  }
}
