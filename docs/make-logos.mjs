#!/usr/bin/env node
// Makes Authbar's logos from the curated list crates/core/src/logo/brands.tsv and the simple-icons
// package (node_modules/simple-icons, pinned in package.json). Run from anywhere, after `npm ci`:
//     node docs/make-logos.mjs            writes the files below
//     node docs/make-logos.mjs --check    writes nothing; exits 1 if a file differs from what it would write
//     ... --list FILE                     reads another list (the tests' bad lists)
// It writes, and both are committed so that no build needs node for them:
//   crates/core/src/logo/table.rs   the core's table: each brand's slug, title and colour, and the
//                                   names and domains it is found by (sorted, for binary search),
//                                   packed as one text and the offsets where each entry ends;
//   extension/logos/logos.json      the extension's bundle: each brand's SVG path (24 x 24), by slug;
//   extension/logos/LICENSE.md      Simple Icons' licence (CC0 1.0), with where the icons come from.
// A brand not in simple-icons, an icon under a licence of its own (Simple Icons is CC0 as a whole,
// but some icons carry their owner's licence), a name or domain given to two brands, or a malformed
// line stops the script (exit 2) with the line it is on; nothing is written then.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE = join(ROOT, 'node_modules/simple-icons');
const args = process.argv.slice(2);
const CHECK = args.includes('--check');
const LIST = args.includes('--list') ? resolve(args[args.indexOf('--list') + 1]) : join(ROOT, 'crates/core/src/logo/brands.tsv');
const TABLE = join(ROOT, 'crates/core/src/logo/table.rs');
const BUNDLE_DIR = join(ROOT, 'extension/logos');

const version = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')).version;
const icons = new Map(JSON.parse(readFileSync(join(PACKAGE, 'data/simple-icons.json'), 'utf8')).map((icon) => [icon.slug, icon]));

/** The core's `squashed` (crates/core/src/logo/mod.rs): ASCII letters and digits, lower case. The core's tests check every key. */
const squashed = (text) => [...text].filter((c) => /[A-Za-z0-9]/.test(c)).join('').toLowerCase();

/** A host as the core's `normalize_host` leaves it: lower case letters, digits, dots and dashes, with a dot. */
const isDomain = (text) => /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(text) && !text.startsWith('www.');

const stop = (message) => {
  console.error(`make-logos: ${message}`);
  process.exit(2);
};
const fail = (line, message) => stop(`${LIST} line ${line}: ${message}`);
const list = (field) => (field ?? '').split(',').map((s) => s.trim()).filter(Boolean);

const brands = [];
const nameOwner = new Map();
const domainOwner = new Map();
readFileSync(LIST, 'utf8').split('\n').forEach((text, index) => {
  const line = index + 1;
  if (!text.trim() || text.startsWith('#')) return;
  const fields = text.split('\t');
  if (fields.length !== 3) fail(line, `3 tab-separated fields expected (slug, names, domains), found ${fields.length}`);
  const [slug, names, domains] = fields.map((f) => f.trim());
  const icon = icons.get(slug);
  if (!icon) fail(line, `'${slug}' is not a slug of simple-icons ${version}`);
  if (icon.license && icon.license.type !== 'CC0-1.0') fail(line, `'${slug}' is under ${icon.license.type}, not CC0: leave it out`);
  if (brands.some((b) => b.slug === slug)) fail(line, `'${slug}' is listed twice`);
  const brand = { slug, title: icon.title, hex: icon.hex.toLowerCase() };
  for (const name of [icon.title, ...list(names)]) {
    const key = squashed(name);
    if (!key) fail(line, `the name '${name}' has no ASCII letter or digit, so it cannot match`);
    const owner = nameOwner.get(key);
    if (owner && owner !== slug) fail(line, `the name '${name}' is already ${owner}'s`);
    nameOwner.set(key, slug);
  }
  for (const domain of list(domains)) {
    if (!isDomain(domain)) fail(line, `'${domain}' is not a domain in lower case without www.`);
    if (domainOwner.has(domain)) fail(line, `the domain '${domain}' is already ${domainOwner.get(domain)}'s`);
    domainOwner.set(domain, slug);
  }
  const svg = readFileSync(join(PACKAGE, 'icons', `${slug}.svg`), 'utf8');
  const paths = [...svg.matchAll(/<path d="([^"]+)"/g)];
  if (paths.length !== 1) fail(line, `'${slug}'.svg has ${paths.length} paths, one expected`);
  brand.path = paths[0][1];
  brands.push(brand);
});

// Sorted by bytes, as Rust compares &str (binary search in the core).
const byBytes = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b));
brands.sort((a, b) => byBytes(a.slug, b.slug));
const index = new Map(brands.map((b, i) => [b.slug, i]));
const names = [...nameOwner].sort(([a], [b]) => byBytes(a, b));
const domains = [...domainOwner].sort(([a], [b]) => byBytes(a, b));

// One text of every slug, title, name and domain, each found by where it ends: a few bytes an entry
// where a &str would take eight (the table is in the popup's tools module).
let text = '';
const ends = (texts) => texts.map((t) => { text += t; return Buffer.byteLength(text); });
const slugEnds = ends(brands.map((b) => b.slug));
const titleEnds = ends(brands.map((b) => b.title));
const nameEnds = ends(names.map(([name]) => name));
const domainEnds = ends(domains.map(([domain]) => domain));
if (Buffer.byteLength(text) > 0xffff) stop(`the table's text is ${Buffer.byteLength(text)} bytes, more than a u16 can point into`);
if (/["\\\u0000-\u001f]/.test(text)) stop('a slug, title, name or domain holds a quote, backslash or control character');
/** Items joined by ", " in lines of at most 100 characters, each indented by 4. */
const wrap = (items) => {
  const lines = [''];
  for (const item of items) {
    const line = lines.at(-1);
    if (line && line.length + item.length + 2 > 96) lines.push(item);
    else lines[lines.length - 1] = line ? `${line}, ${item}` : item;
  }
  return `\n    ${lines.join(',\n    ')},\n`;
};
const u16s = (values) => wrap(values.map(String));
/** The text as string literals of at most 90 characters, for concat!. */
const pieces = (all) => { const chars = [...all]; const out = []; for (let i = 0; i < chars.length; i += 90) out.push(`"${chars.slice(i, i + 90).join('')}"`); return out; };
const table = `// @generated by docs/make-logos.mjs from brands.tsv and simple-icons ${version}: edit brands.tsv and run
// \`node docs/make-logos.mjs\` rather than this file.

/// The version of Simple Icons the brands' titles and colours (and the extension's icons) come from.
pub const SIMPLE_ICONS_VERSION: &str = "${version}";

/// How many brands there are.
pub(super) const COUNT: usize = ${brands.length};

/// Every slug (sorted), then every title (in the slugs' order), then every name an issuer may give
/// (letters and digits in lower case, sorted), then every sign-in domain (sorted), one after another.
#[rustfmt::skip]
pub(super) static TEXT: &str = concat!(${wrap(pieces(text))});

/// Where in [\`TEXT\`] each brand's slug ends (it starts where the one before ends, or at 0).
#[rustfmt::skip]
pub(super) static SLUG_ENDS: [u16; ${brands.length}] = [${u16s(slugEnds)}];

/// Where each brand's title ends (the first starts where the last slug ends).
#[rustfmt::skip]
pub(super) static TITLE_ENDS: [u16; ${brands.length}] = [${u16s(titleEnds)}];

/// Each brand's colour: red, green, blue.
#[rustfmt::skip]
pub(super) static HEX: [[u8; 3]; ${brands.length}] = [${wrap(brands.map((b) => `[0x${b.hex.slice(0, 2)}, 0x${b.hex.slice(2, 4)}, 0x${b.hex.slice(4, 6)}]`))}];

/// Where each name ends, and its brand.
#[rustfmt::skip]
pub(super) static NAME_ENDS: [u16; ${names.length}] = [${u16s(nameEnds)}];
#[rustfmt::skip]
pub(super) static NAME_BRANDS: [u16; ${names.length}] = [${u16s(names.map(([, slug]) => index.get(slug)))}];

/// Where each domain ends, and its brand.
#[rustfmt::skip]
pub(super) static DOMAIN_ENDS: [u16; ${domains.length}] = [${u16s(domainEnds)}];
#[rustfmt::skip]
pub(super) static DOMAIN_BRANDS: [u16; ${domains.length}] = [${u16s(domains.map(([, slug]) => index.get(slug)))}];
`;

const bundle = {
  simpleIcons: version,
  licence: 'CC0-1.0 (LICENSE.md)',
  icons: Object.fromEntries(brands.map((b) => [b.slug, b.path])),
};
const licence = `# The logos in logos.json

Each path in \`logos.json\` is an icon of [Simple Icons](https://simpleicons.org) ${version} (npm
\`simple-icons\`), drawn on a 24 x 24 grid, chosen in \`crates/core/src/logo/brands.tsv\` and copied by
\`docs/make-logos.mjs\`, which takes only icons that carry no licence of their own. Simple Icons is
released under CC0 1.0 Universal, whose text follows. The brands' names and logos are trademarks of
their owners; Authbar shows them only to tell which account a code is for.

${readFileSync(join(PACKAGE, 'LICENSE.md'), 'utf8')}`;

const outputs = [[TABLE, table], [join(BUNDLE_DIR, 'logos.json'), `${JSON.stringify(bundle)}\n`], [join(BUNDLE_DIR, 'LICENSE.md'), licence]];
const summary = `${brands.length} brands, ${nameOwner.size} names, ${domainOwner.size} domains from simple-icons ${version}`;
if (CHECK) {
  const stale = outputs.filter(([path, text]) => !existsSync(path) || readFileSync(path, 'utf8') !== text).map(([path]) => path);
  if (stale.length) {
    console.error(`make-logos: not what ${LIST} and simple-icons ${version} make: ${stale.join(', ')}; run node docs/make-logos.mjs`);
    process.exit(1);
  }
  console.log(`up to date: ${summary}`);
} else {
  mkdirSync(BUNDLE_DIR, { recursive: true });
  for (const [path, text] of outputs) writeFileSync(path, text);
  console.log(summary);
}
