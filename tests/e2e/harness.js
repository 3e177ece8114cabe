// Launches headless Chromium with dist/extension loaded, and helpers shared by the browser tests.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const EXTENSION = join(ROOT, 'dist/extension');
/** Where tests put screenshots: an ignored folder, or `docs/` when AUTHBAR_SCREENSHOTS=docs (to refresh the README's). */
export const SHOTS = process.env.AUTHBAR_SCREENSHOTS === 'docs' ? join(ROOT, 'docs') : join(ROOT, 'target/screenshots');

/** Chromium's id for an unpacked extension: sha256 of its path, first 32 hex digits mapped 0-f → a-p. */
export function extensionId(dir = EXTENSION) {
  const hex = createHash('sha256').update(dir).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

/**
 * A copy of the extension that may reach http://127.0.0.1 and http://*.test pages. What it stands for: the activeTab
 * grant of a click on the toolbar button (or the shortcut), which a headless test cannot make. The
 * code paths are the shipped ones; only the grant is given up front. `capture`: `<all_urls>` instead,
 * the only other grant that lets `captureVisibleTab` read a page (the context menu's). Returns the
 * copy's directory.
 */
function withSiteAccess(capture) {
  const dir = mkdtempSync(join(tmpdir(), 'authbar-site-access-'));
  cpSync(EXTENSION, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  manifest.host_permissions = capture ? ['<all_urls>'] : ['http://127.0.0.1/*', 'http://*.test/*'];
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

/** The extension directory the running browser loaded (see `launch`'s `siteAccess`). */
export let loaded = EXTENSION;

/** `siteAccess`: true, or 'capture' (see `withSiteAccess`). */
export async function launch({ userDataDir, locale = 'en-US', siteAccess = false } = {}) {
  const dir = userDataDir ?? mkdtempSync(join(tmpdir(), 'authbar-profile-'));
  const extension = siteAccess ? withSiteAccess(siteAccess === 'capture') : EXTENSION;
  loaded = extension;
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    locale,
    // Extension messages follow the browser's UI language: on Linux, LANGUAGE and a bare --lang.
    env: { ...process.env, LANGUAGE: locale.split('-')[0] },
    args: [
      `--disable-extensions-except=${extension}`, `--load-extension=${extension}`, '--no-sandbox', '--disable-gpu',
      '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', `--lang=${locale.split('-')[0]}`,
      // Named test sites (github.test) are this machine: a site's name is what matches an issuer.
      ...(siteAccess ? ['--host-resolver-rules=MAP *.test 127.0.0.1'] : []),
    ],
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => {});
  return { context, dir, cleanup: async () => {
    await context.close();
    if (!userDataDir) rmSync(dir, { recursive: true, force: true });
    if (siteAccess) rmSync(extension, { recursive: true, force: true });
  } };
}

/**
 * Opens the popup page (as a tab) at a fixed clock, and waits for the first paint. `query` is the
 * page's query string (`tab=ID`: the popup acts on that tab, as the popped-out window does).
 */
export async function openPopup(context, unixSecs, query = '') {
  const page = await context.newPage();
  if (unixSecs !== undefined) await page.clock.setFixedTime(new Date(unixSecs * 1000));
  page.on('pageerror', (e) => { throw e; });
  await page.goto(`chrome-extension://${extensionId(loaded)}/popup.html${query ? `?${query}` : ''}`);
  await page.waitForSelector('body.ready');
  return page;
}

/** oathtool's code: the reference. */
export function oathtool({ secret, time, digits = 6, period = 30, algorithm = 'SHA1' }) {
  return execFileSync('oathtool', [`--totp=${algorithm}`, '-b', `--digits=${digits}`, `--time-step-size=${period}s`, '-N', `@${time}`, secret]).toString().trim();
}

/** The codes shown, in list order, without the grouping space. */
export async function shownCodes(page) {
  return page.$$eval('#accounts .code', (nodes) => nodes.map((n) => n.textContent.replace(/\s/g, '')));
}

/** Polls `check` (async, in node) until it returns a truthy value, which it returns; fails after 15 s. */
export async function until(check, what = 'the condition') {
  const end = Date.now() + 15_000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The stored vault text (chrome.storage.local), read from an extension page. */
export async function storedVault(page) {
  return page.evaluate(async () => (await chrome.storage.local.get('vault')).vault ?? null);
}

/** Adds by pasting text into the add field and confirming the preview. */
export async function addText(page, text, fields = {}) {
  if (await page.isHidden('#add')) await page.click('#toggle-add');
  // Add's view loads on first use: wait until it is open.
  await page.waitForSelector('#add:not([hidden])');
  await page.fill('#add-text', text);
  if (['add-type', 'add-algorithm', 'add-digits', 'add-period', 'add-counter'].some((id) => id in fields)) {
    await page.$eval('#advanced', (d) => { d.open = true; });
  }
  for (const [id, value] of Object.entries(fields)) {
    if (id === 'add-type' || id === 'add-algorithm') await page.selectOption(`#${id}`, value);
    else await page.fill(`#${id}`, value);
  }
  await page.click('#text-form button[type=submit]');
}

export async function confirmPreview(page) {
  await page.waitForSelector('#preview:not([hidden])');
  await page.click('#preview-commit');
  await storeUnprotectedOnFirstAdd(page);
  await page.waitForSelector('#preview[hidden]', { state: 'attached' });
}

/**
 * The first accounts of a new profile wait for the person's choice (a passphrase, or none): the
 * tests that are not about protection answer "Add without a passphrase".
 */
export async function storeUnprotectedOnFirstAdd(page) {
  if (await page.isVisible('#preview-protect')) await page.click('#preview-plain');
}

const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');

/** axe-core's violations on the page as it is now (rule id → the offending nodes' selectors). */
export async function axeViolations(page) {
  const { readFileSync } = await import('node:fs');
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(readFileSync(AXE, 'utf8'));
  const violations = await page.evaluate(async () => (await globalThis.axe.run(document, { resultTypes: ['violations'] })).violations
    .map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) })));
  return violations;
}
