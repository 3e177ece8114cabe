// The fill shortcut and the context menu in headless Firefox ESR: both registered, and the event
// page's own listeners (background.js `authbarWorker`, reached through runtime.getBackgroundPage) read
// a QR image of a page into the open popup's preview, then fill the page's code field. WebDriver
// cannot press a browser shortcut or open a context menu, and so cannot make their activeTab grant:
// the extension copy has the page's host permission instead. Firefox opens the popup only from a user
// action's listener before anything is awaited: the menu's listener asks first (here it opens; the
// popup page open in a tab would take the codes as well), the shortcut's only once it knows it cannot
// fill, too late, so it falls back to the badge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, oathtool } from '../e2e/harness.js';
import { serveForms } from '../e2e/forms.js';
import { launch, newProfile, removeProfile, extensionWithAccess } from './firefox.js';

const RFC = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // tests/fixtures/qr-totp.png's secret (ACME Co)
const PAGE = '<body style="margin:40px"><h1>Set up</h1><img id="qr" src="/qr-totp.png">'
  + '<form><input id="otp" autocomplete="one-time-code" inputmode="numeric"></form></body>';

test('Firefox: the command and menu are registered; Add to Authbar reads a page\'s QR, and the shortcut fills its code', async () => {
  const server = await serveForms({
    '/qr-totp.png': ['image/png', readFileSync(join(ROOT, 'tests/fixtures/qr-totp.png'))],
    '/setup.html': ['text/html', PAGE],
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  const extension = extensionWithAccess(['http://127.0.0.1/*', 'http://localhost/*']);
  const profile = newProfile();
  const browser = await launch(profile, { extension });
  try {
    await browser.openPopup();
    const popup = await browser.command('GET', '/window');
    const registered = await browser.runAsync(`
      const fill = (await browser.commands.getAll()).find((c) => c.name === 'fill-code');
      const menus = await Promise.all(['authbar-add-image', 'authbar-scan-page']
        .map((id) => browser.contextMenus.update(id, {}).then(() => 'there', (e) => String(e))));
      return { shortcut: fill?.shortcut, menus };`);
    assert.deepEqual(registered, { shortcut: 'Alt+Shift+F', menus: ['there', 'there'] });

    // The set-up page in a tab of its own.
    const { handle: site } = await browser.command('POST', '/window/new', { type: 'tab' });
    await browser.command('POST', '/window', { handle: site });
    await browser.command('POST', '/url', { url: `${origin}/setup.html` });
    await browser.waitFor(() => browser.run('const i = document.querySelector("#qr"); return i.complete && i.naturalWidth > 0;'), 'the image');

    // From the popup's page: the listeners, with the site's tab as the browser passes it.
    await browser.command('POST', '/window', { handle: popup });
    const call = (url, listener, ...args) => browser.runAsync(`
      const [listener, url, given] = args;
      const tab = (await browser.tabs.query({})).find((t) => t.url === url);  // a match pattern takes no port
      const worker = (await browser.runtime.getBackgroundPage()).authbarWorker;
      const done = await worker[listener](...given, tab);
      const badge = { text: await browser.action.getBadgeText({ tabId: tab.id }), title: await browser.action.getTitle({ tabId: tab.id }) };
      return JSON.parse(JSON.stringify({ done, badge }));`, listener, url, args);

    const menu = await call(`${origin}/setup.html`, 'onMenu', { menuItemId: 'authbar-add-image', frameId: 0, srcUrl: `${origin}/qr-totp.png`, pageUrl: `${origin}/setup.html` });
    assert.equal(menu.done.found, 1);
    assert.equal(menu.done.problem, null);
    // The popup the listener opened, or the popup page open in its tab, took the code into its
    // preview: it is added there.
    const shown = () => browser.run(`return browser.extension.getViews()
      .filter((w) => w.document.querySelector('#preview') && !w.document.querySelector('#preview').hidden)
      .map((w) => [...w.document.querySelectorAll('#preview-list .label')].map((n) => n.textContent));`);
    assert.deepEqual((await browser.waitFor(async () => (await shown()).length > 0 && shown(), 'the preview'))[0], ['ACME Co – alice@example.com']);
    assert.equal(await browser.runAsync("return (await browser.storage.session.get('scanned')).scanned ?? null;"), null, 'taken from memory-only storage');
    await browser.run(`const w = browser.extension.getViews().find((v) => v.document.querySelector('#preview') && !v.document.querySelector('#preview').hidden);
      w.document.querySelector('#preview-commit').click();
      if (!w.document.querySelector('#preview-protect').hidden) w.document.querySelector('#preview-plain').click();`);
    await browser.waitFor(async () => (await browser.runAsync("return (await browser.storage.local.get('vault')).vault ?? null;")) !== null, 'the account stored');
    const vault = JSON.parse(await browser.runAsync("return (await browser.storage.local.get('vault')).vault;"));
    assert.equal(vault.entries[0].site, '127.0.0.1', 'the account remembers the page it was read on');

    // The shortcut on the page: its one account's code, in its one-time-code field.
    const before = Math.floor(Date.now() / 1000);
    const fill = await call(`${origin}/setup.html`, 'onCommand', 'fill-code');
    const after = Math.floor(Date.now() / 1000);
    assert.deepEqual(fill.done, { done: 'filled', how: 'one-time-code', by: 'value' });
    assert.equal(fill.badge.text, '');
    await browser.command('POST', '/window', { handle: site });
    const filled = await browser.run('return document.querySelector("#otp").value');
    assert.ok([before, after].map((time) => oathtool({ secret: RFC, time })).includes(filled), filled);

    // On a page of no account's site nothing is filled, and the badge says why.
    const elsewhere = `http://localhost:${server.address().port}/setup.html`;
    await browser.command('POST', '/url', { url: elsewhere });
    await browser.command('POST', '/window', { handle: popup });
    const none = await call(elsewhere, 'onCommand', 'fill-code');
    assert.deepEqual(none.done, { done: 'badge', why: 'none', count: 0 });
    assert.deepEqual(none.badge, { text: '?', title: `No account is known to belong to localhost: open Authbar to choose one.` });
    await browser.command('POST', '/window', { handle: site });
    assert.equal(await browser.run('return document.querySelector("#otp").value'), '');
  } finally {
    await browser.quit();
    removeProfile(profile);
    removeProfile(extension);
    server.close();
  }
});
