// The extension's modules stay split by job: none over 350 lines, and only the ext*.js modules touch
// the browser's extension APIs (chrome.* / browser.*), so every other module runs in node or a plain
// page with those few replaced. `node --test tests/lint/modules.test.js`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const EXTENSION = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'extension');
const MAX_LINES = 350;
const modules = readdirSync(EXTENSION).filter((name) => name.endsWith('.js'));
const text = Object.fromEntries(modules.map((name) => [name, readFileSync(join(EXTENSION, name), 'utf8')]));

/** A module's code without its comments and string literals (what it does, not what it says). */
function code(source) {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:\\])\/\/.*$/gm, '$1')
    .replace(/'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g, "''");
}

test('the_extension_has_modules_to_check', () => {
  assert.ok(modules.length > 20, `found ${modules.length} modules in ${EXTENSION}`);
});

test('no_extension_module_is_over_350_lines', () => {
  const long = modules
    .map((name) => [name, text[name].split('\n').length - (text[name].endsWith('\n') ? 1 : 0)])
    .filter(([, lines]) => lines > MAX_LINES)
    .map(([name, lines]) => `${name}: ${lines} lines`);
  assert.deepEqual(long, [], `split these by job (at most ${MAX_LINES} lines each)`);
});

test('only_the_ext_modules_touch_the_browser_extension_apis', () => {
  const touching = modules
    .filter((name) => !/^ext(-[\w-]+)?\.js$/.test(name))
    .filter((name) => /(^|[^\w.$])(chrome|browser)\s*\??\.\s*[a-zA-Z]/m.test(code(text[name])))
    .sort();
  assert.deepEqual(touching, [], 'these modules use chrome.* or browser.*: go through ext.js');
});

test('the_comment_stripper_sees_code_and_not_words', () => {
  assert.match(code('const a = chrome.storage.local;'), /chrome\.storage/);
  assert.doesNotMatch(code('// the browser.storage area\nconst s = "chrome.tabs";'), /chrome\.|browser\./);
  assert.doesNotMatch(code('/* chrome.runtime */ x();'), /chrome\./);
  assert.match(code("const u = 'https://x.test'; chrome.tabs.query({});"), /chrome\.tabs/);
});
