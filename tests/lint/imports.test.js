// No import circles: a module never imports, directly or through others, a module that imports it.
// - extension/: ES module imports (`import … from`, `export … from`, `import()`), file to file.
// - crates/*/src: every path a file names (`use crate::…`, `use super::…`, `use child::…`, and paths
//   written inline such as `crate::db::Unavailable` or a macro's `crate::params!`), resolved to the
//   file of the module that defines the item — through `pub use` re-exports, so `crate::Account` is
//   account.rs, not the crate root that re-exports it. A module and its ancestors are its facade,
//   not its peers: a parent declares and re-exports its children, and a child implements its
//   parent's types, so references between a module and its own ancestors are not counted. A circle
//   is between modules where neither contains the other: `params.rs` naming every error type while
//   each error's module imports from `params.rs`, or `error.rs` → `html.rs` → `session.rs` →
//   `error.rs`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function files(dir, ending) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path, ending));
    else if (path.endsWith(ending)) out.push(path);
  }
  return out;
}

/** The circles of a graph (Map file → Set of files): each strongly connected part of two or more. */
export function circles(graph) {
  let index = 0;
  const stack = [], on = new Set(), idx = new Map(), low = new Map(), found = [];
  const visit = (v) => {
    idx.set(v, index); low.set(v, index); index += 1;
    stack.push(v); on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const part = [];
      let w;
      do { w = stack.pop(); on.delete(w); part.push(w); } while (w !== v);
      if (part.length > 1) found.push(part.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

/** The extension's module graph. */
export function jsGraph(dir = join(ROOT, 'extension')) {
  const graph = new Map();
  for (const file of files(dir, '.js')) {
    const text = readFileSync(file, 'utf8');
    const targets = new Set();
    const re = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;
    for (const m of text.matchAll(re)) targets.add(resolve(dirname(file), m[1]));
    graph.set(file, targets);
  }
  return graph;
}

/** Rust source without comments, string and character literals (paths in them are not imports). */
function code(text) {
  let out = '';
  for (let i = 0; i < text.length;) {
    const c = text[i], next = text[i + 1];
    if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if ((c === 'r' || (c === 'b' && next === 'r')) && !/\w/.test(text[i - 1] ?? '') && /^b?r#*"/.test(text.slice(i, i + 40))) {
      const [open] = text.slice(i).match(/^b?r(#*)"/);
      const hashes = open.length - open.indexOf('"') - 1 === 0 ? '' : open.slice(open.indexOf('r') + 1, -1);
      const end = text.indexOf(`"${hashes}`, i + open.length);
      i = end < 0 ? text.length : end + 1 + hashes.length;
      out += '""';
    } else if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      i++;
      out += '""';
    } else if (c === "'" && /^'(?:[^'\\]|\\[^']*)'/.test(text.slice(i, i + 12))) {
      // A character literal ('x', '\n', '\u{feff}'); a lifetime ('a) has no closing quote.
      i += text.slice(i, i + 12).match(/^'(?:[^'\\]|\\[^']*)'/)[0].length;
      out += "' '";
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The text without its inline modules (`mod tests { … }`): their `super` is this file's module. */
function withoutInlineModules(text) {
  let out = text;
  for (let m; (m = /\bmod\s+\w+\s*\{/.exec(out));) {
    let depth = 0, i = m.index + m[0].length - 1;
    for (; i < out.length; i++) {
      if (out[i] === '{') depth++;
      else if (out[i] === '}' && --depth === 0) break;
    }
    out = out.slice(0, m.index) + out.slice(i + 1);
  }
  return out;
}

/** A crate's modules: path (`crate::a::b`) → {file, reexports: name → full path}. */
function crateModules(src) {
  const modules = new Map();
  for (const file of files(src, '.rs')) {
    const rel = relative(src, file).replace(/\.rs$/, '').split('/');
    if (rel.at(-1) === 'mod' || ((rel.at(-1) === 'lib' || rel.at(-1) === 'main') && rel.length === 1)) rel.pop();
    if (rel[0] === 'bin' || rel.includes('tests')) continue;
    const path = ['crate', ...rel].join('::');
    if (modules.has(path)) continue; // lib.rs and main.rs: the library is the crate the others use
    modules.set(path, { file, text: withoutInlineModules(code(readFileSync(file, 'utf8'))), reexports: new Map() });
  }
  // `pub use a::b::{C, D as E};` and `pub use a::b::C;` re-exports, relative to the module.
  for (const [path, m] of modules) {
    for (const u of m.text.matchAll(/\bpub(?:\([^)]*\))?\s+use\s+([^;]+);/g)) {
      for (const { full, name } of useTree(u[1].replace(/\s+/g, ''))) {
        // A re-export of another crate's item (`pub use authbar_qr as qr`) leads out of this crate.
        m.reexports.set(name, absolute(path, full, modules) ?? OUTSIDE);
      }
    }
  }
  return modules;
}

/** The paths a `use` tree names: `a::{b,c::{d as e}}` → a::b (b), a::c::d (e). */
function useTree(tree, prefix = []) {
  const out = [];
  const brace = tree.indexOf('{');
  if (brace < 0) {
    const [path, alias] = tree.split(/as(?=[A-Za-z_])/);
    const parts = [...prefix, ...path.split('::').filter(Boolean)];
    if (parts.at(-1) === 'self') parts.pop();
    if (parts.length) out.push({ full: parts, name: alias ?? parts.at(-1) });
    return out;
  }
  const head = [...prefix, ...tree.slice(0, brace).split('::').filter(Boolean)];
  const inner = tree.slice(brace + 1, tree.lastIndexOf('}'));
  let depth = 0, start = 0;
  for (let i = 0; i <= inner.length; i++) {
    const c = inner[i];
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if ((c === ',' || i === inner.length) && depth === 0) {
      const part = inner.slice(start, i);
      if (part === 'self') out.push({ full: head, name: head.at(-1) });
      else if (part) out.push(...useTree(part, head));
      start = i + 1;
    }
  }
  return out;
}

/** A path as written in module `at` made absolute (`crate::…`), or null for an outside crate. */
function absolute(at, parts, modules) {
  let base = at.split('::');
  let rest = [...parts];
  if (rest[0] === 'crate') return rest;
  if (rest[0] === 'self') rest = rest.slice(1);
  else if (rest[0] === 'super') {
    while (rest[0] === 'super') { base = base.slice(0, -1); rest = rest.slice(1); }
  } else if (!modules.has([...base, rest[0]].join('::'))) {
    return null; // another crate, or std
  }
  return [...base, ...rest];
}

const OUTSIDE = Symbol('another crate');

/** The module file an absolute path's item is defined in, following re-exports (null: elsewhere). */
function defining(parts, modules, seen = 0) {
  if (!parts || parts === OUTSIDE || seen > 20) return null;
  let i = parts.length;
  while (i > 0 && !modules.has(parts.slice(0, i).join('::'))) i -= 1;
  if (i === 0) return null;
  const module = modules.get(parts.slice(0, i).join('::'));
  const next = parts[i];
  if (next !== undefined && module.reexports.has(next)) {
    const target = module.reexports.get(next);
    return target === OUTSIDE ? null : defining([...target, ...parts.slice(i + 1)], modules, seen + 1);
  }
  return module.file;
}

/** Whether module path `a` contains `b` or is contained by it (`crate::x` and `crate::x::y`). */
const related = (a, b) => a === b || b.startsWith(`${a}::`) || a.startsWith(`${b}::`);

/** The crates' module graphs, file to file (between modules where neither contains the other). */
export function rustGraph() {
  const graph = new Map();
  for (const crate of readdirSync(join(ROOT, 'crates'))) {
    const src = join(ROOT, 'crates', crate, 'src');
    if (!existsSync(src)) continue;
    const modules = crateModules(src);
    const pathOf = new Map([...modules].map(([path, m]) => [m.file, path]));
    // `#[macro_export]` macros live at the crate root by path, but in the file that defines them.
    const macros = new Map();
    for (const m of modules.values()) for (const d of m.text.matchAll(/macro_rules!\s*(\w+)/g)) macros.set(d[1], m.file);
    for (const [path, m] of modules) {
      const targets = new Set();
      const add = (parts) => {
        const file = macros.get(parts.at(-1)) && parts[0] === 'crate' && parts.length === 2
          ? macros.get(parts.at(-1))
          : defining(absolute(path, parts, modules), modules);
        if (file && !related(path, pathOf.get(file))) targets.add(file);
      };
      for (const u of m.text.matchAll(/\buse\s+([^;]+);/g)) {
        for (const { full } of useTree(u[1].replace(/\s+/g, ''))) add(full);
      }
      // Paths written inline: from the crate, from the parent, or from a child (`lists::PROBE`).
      for (const p of m.text.matchAll(/(?<![:\w])[a-z_][a-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)+/g)) {
        const parts = p[0].split('::');
        if (parts[0] === 'crate' || parts[0] === 'super' || modules.has(`${path}::${parts[0]}`)) add(parts);
      }
      graph.set(m.file, targets);
    }
  }
  return graph;
}

const shown = (parts) => parts.map((p) => relative(ROOT, p)).join(' ⇄ ');

test('no_import_circle_in_the_extension', () => {
  const found = circles(jsGraph());
  assert.deepEqual(found.map(shown), []);
});

test('no_import_circle_in_the_crates', () => {
  const found = circles(rustGraph());
  assert.deepEqual(found.map(shown), []);
});

test('the_checker_finds_a_circle_through_a_reexport', () => {
  const graph = new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['a'])]]);
  assert.deepEqual(circles(graph), [['a', 'b', 'c']]);
  // The extension's real graph has edges (the checker reads imports at all).
  assert.ok([...jsGraph().values()].some((targets) => targets.size > 3));
  assert.ok([...rustGraph().values()].some((targets) => targets.size > 3));
});
