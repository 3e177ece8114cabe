// Drives Firefox ESR with dist/extension installed, over plain WebDriver HTTP (geckodriver) from node's
// fetch: no npm dependency. W3C WebDriver: https://www.w3.org/TR/webdriver2/ ; geckodriver's own
// commands (moz/addon/install, moz/context): https://firefox-source-docs.mozilla.org/testing/geckodriver/
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXTENSION } from '../e2e/harness.js';

const FIREFOX = process.env.AUTHBAR_FIREFOX ?? '/usr/bin/firefox-esr';
const GECKODRIVER = process.env.AUTHBAR_GECKODRIVER ?? 'geckodriver';
/** manifest.json's browser_specific_settings.gecko.id. */
export const GECKO_ID = 'authbar@authbar.invalid';
/**
 * The extension's moz-extension:// host. Firefox picks a random one per profile; the
 * `extensions.webextensions.uuids` pref fixes it, so the popup's URL is known before install.
 */
const UUID = 'a0a0a0a0-0000-4000-8000-0000a0a0a0a0';
export const POPUP_URL = `moz-extension://${UUID}/popup.html`;
/** A W3C WebDriver element reference's key (WebDriver §12.1). */
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const WAIT_MS = 15_000;

/**
 * The profile: the fixed extension host, and no network at all (no updates, telemetry, safe browsing,
 * add-on metadata, connectivity checks): the tests must not wait on, or leak to, the internet.
 */
const PREFS = {
  'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: UUID }),
  'app.update.enabled': false,
  'app.update.auto': false,
  'app.normandy.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
  'toolkit.telemetry.archive.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.captive-portal-service.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'extensions.getAddons.cache.enabled': false,
  'extensions.update.enabled': false,
  'extensions.systemAddon.update.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.aboutwelcome.enabled': false,
  'browser.newtabpage.enabled': false,
  'browser.topsites.contile.enabled': false,
  'browser.ping-centre.telemetry': false,
  'services.settings.server': 'http://127.0.0.1:9/',
  'nimbus.rollouts.enabled': false,
  'app.shield.optoutstudies.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  // The popup follows the browser's language (_locales); the tests read English text.
  'intl.locale.requested': 'en-US',
};

async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** A new, empty Firefox profile directory holding PREFS; the caller removes it. */
export function newProfile() {
  const dir = mkdtempSync(join(tmpdir(), 'authbar-firefox-'));
  const lines = Object.entries(PREFS).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`);
  writeFileSync(join(dir, 'user.js'), `${lines.join('\n')}\n`);
  return dir;
}

class WebDriverError extends Error {}

/**
 * A copy of the extension that may reach `origins` (match patterns), for a test that stands in for
 * the activeTab grant of a shortcut or a menu click, which WebDriver cannot make. Returns its
 * directory; the caller removes it (`removeProfile`).
 */
export function extensionWithAccess(origins) {
  const dir = mkdtempSync(join(tmpdir(), 'authbar-firefox-ext-'));
  cpSync(EXTENSION, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  manifest.host_permissions = origins;
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

/**
 * Starts geckodriver and a headless Firefox on `profile` (used in place, so a second launch on the same
 * directory is a browser restart) with the extension (`extension`: its directory) installed as a
 * temporary add-on.
 */
export async function launch(profile, { extension = EXTENSION } = {}) {
  const port = await freePort();
  // --allow-system-access: the chrome context, needed to open a moz-extension:// page (see openPopup).
  const driver = spawn(GECKODRIVER, ['--port', String(port), '--allow-system-access', '--log', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MOZ_HEADLESS: '1' },
  });
  let log = '';
  let missing = null;
  driver.on('error', (e) => { missing = e; });
  driver.stdout.on('data', (d) => { log += d; });
  driver.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new WebDriverError(`${method} ${path}: ${json.value?.error}: ${json.value?.message}\n${log.slice(-2000)}`);
    return json.value;
  };
  const started = Date.now();
  for (;;) {
    if (missing) throw new Error(`cannot run ${GECKODRIVER} (${missing.code}): ./build.sh setup installs it`);
    try { await call('GET', '/status'); break; } catch (e) {
      if (e instanceof WebDriverError || Date.now() - started > WAIT_MS) throw new Error(`geckodriver did not start: ${e.message}\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  let session;
  try {
    session = await call('POST', '/session', {
      capabilities: { alwaysMatch: {
        browserName: 'firefox',
        'moz:firefoxOptions': { binary: FIREFOX, args: ['-headless', '-profile', profile] },
      } },
    });
  } catch (e) {
    driver.kill();
    throw e;
  }
  const browser = new Browser(call, `/session/${session.sessionId}`, driver);
  try {
    await browser.command('POST', '/moz/addon/install', { path: extension, temporary: true });
  } catch (e) {
    // A manifest Firefox refuses: say so, and leave no browser running.
    await browser.quit();
    throw e;
  }
  return browser;
}

class Browser {
  constructor(call, prefix, driver) {
    this.call = call;
    this.prefix = prefix;
    this.driver = driver;
  }

  command(method, path, body) {
    // Every POST carries a JSON body, even an empty one (WebDriver §6.3).
    return this.call(method, `${this.prefix}${path}`, body ?? (method === 'POST' ? {} : undefined));
  }

  /** Runs `script` (a function body; `arguments` are `args`) in the current context. */
  run(script, ...args) {
    return this.command('POST', '/execute/sync', { script, args });
  }

  /** Runs an async function body in the page: it gets `args` and returns a promise. */
  runAsync(script, ...args) {
    return this.command('POST', '/execute/async', {
      script: `const done = arguments[arguments.length - 1];
        (async (...args) => { ${script} })(...Array.from(arguments).slice(0, -1))
          .then((v) => done({ ok: v }), (e) => done({ err: String(e) }));`,
      args,
    }).then((r) => { if ('err' in r) throw new Error(r.err); return r.ok; });
  }

  /**
   * Opens the popup page in a new tab and waits for its first paint. WebDriver refuses to navigate a
   * content tab to moz-extension://, so the tab is opened from the browser's chrome with the system
   * principal, as the toolbar button would.
   */
  async openPopup() {
    const before = new Set(await this.command('GET', '/window/handles'));
    await this.command('POST', '/moz/context', { context: 'chrome' });
    await this.run(`gBrowser.selectedTab = gBrowser.addTab(arguments[0],
      { triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal() });`, POPUP_URL);
    await this.command('POST', '/moz/context', { context: 'content' });
    const handle = (await this.command('GET', '/window/handles')).find((h) => !before.has(h));
    await this.command('POST', '/window', { handle });
    await this.waitFor(() => this.run('return document.readyState === "complete" && document.body.classList.contains("ready")'), 'body.ready');
  }

  /** Polls `check` until it returns a truthy value, which is returned. */
  async waitFor(check, what) {
    const started = Date.now();
    for (;;) {
      const value = await check().catch((e) => (e instanceof WebDriverError ? null : Promise.reject(e)));
      if (value) return value;
      if (Date.now() - started > WAIT_MS) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits for an element that is present and not [hidden], and returns its reference. */
  async visible(selector) {
    return this.waitFor(
      () => this.run('const e = document.querySelector(arguments[0]); return e && !e.closest("[hidden]") ? e : null;', selector),
      `${selector} to show`,
    );
  }

  /** A real WebDriver click (pointer events, focus, form submission) on a visible element. */
  async click(selector) {
    const el = await this.visible(selector);
    await this.command('POST', `/element/${el[ELEMENT]}/click`);
  }

  /** Clears a field and types `text` into it with WebDriver's key input. */
  async type(selector, text) {
    const el = await this.visible(selector);
    await this.command('POST', `/element/${el[ELEMENT]}/clear`);
    await this.command('POST', `/element/${el[ELEMENT]}/value`, { text });
  }

  /** Picks files in an <input type=file> (WebDriver "Element Send Keys" with absolute paths). */
  async upload(selector, ...paths) {
    const el = await this.waitFor(() => this.run('return document.querySelector(arguments[0]);', selector), selector);
    await this.command('POST', `/element/${el[ELEMENT]}/value`, { text: paths.join('\n') });
  }

  /** Ends the session: Firefox quits as a user would close it, and geckodriver stops. */
  async quit() {
    try {
      await this.command('DELETE', '');
    } finally {
      this.driver.kill();
    }
  }
}

/** Removes a profile directory made by newProfile. */
export function removeProfile(dir) {
  rmSync(dir, { recursive: true, force: true });
}
