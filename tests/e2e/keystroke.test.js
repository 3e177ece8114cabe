// The fill shortcut and the context menu (issue 27 points 1 and 3) in Chromium. A headless browser
// cannot press a browser shortcut or open a context menu, so each test calls the service worker's
// own listeners (background.js `authbarWorker`: the functions it gave `commands.onCommand` and
// `contextMenus.onClicked`) with the tab the browser passes them. The extension copy has `<all_urls>`
// (harness.js `siteAccess: 'capture'`), standing for the activeTab grant the shortcut or the menu
// click gives: the only grant that lets it capture the tab. Sites are http://NAME.test, this machine.
// The popup the worker opens (`action.openPopup`) is read through `chrome.extension.getViews` from an
// extension page that runs none of Authbar's scripts (its manifest, shown as a page).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launch, openPopup, extensionId, loaded, oathtool, until } from './harness.js';
import { SIX, CORPUS, serveForms, reading } from './forms.js';

const FIX = join(ROOT, 'tests/fixtures');
const PASS = 'correct horse battery';
const GITHUB = { issuer: 'GitHub', name: 'alice', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' };
const GITHUB_2 = { issuer: 'GitHub', name: 'work', secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' };
const BANK = { issuer: 'Bank', name: 'bob', secret: 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF' };
const png = (name) => ['image/png', readFileSync(join(FIX, name))];
const dataUrl = (name) => `data:image/png;base64,${readFileSync(join(FIX, name)).toString('base64')}`;
// The QR pages: the image of this origin, of another origin (img.test: only a capture reads it), as a
// data: URL, an image without a code, and a page with two codes.
const QR_PAGES = {
  '/qr-totp.png': png('qr-totp.png'),
  '/qr-two.png': png('qr-two.png'),
  '/no-qr.png': png('no-qr.png'),
  '/same.html': ['text/html', '<body style="margin:40px"><h1>Set up</h1><img id="qr" src="/qr-totp.png"></body>'],
  '/data.html': ['text/html', `<body style="margin:40px"><img id="qr" src="${dataUrl('qr-totp.png')}"></body>`],
  '/none.html': ['text/html', '<body style="margin:40px"><img id="qr" src="/no-qr.png"></body>'],
  // A frame of the page's origin, moved and bordered, that shows an image (set by the test) of
  // another origin; beside it, two more codes, which only a capture not cut to the image would read.
  '/framed.html': ['text/html', '<body style="margin:0"><div style="height:80px"></div>'
    + '<iframe src="/inner.html" style="margin-left:150px;width:480px;height:460px;border:7px solid #ccc"></iframe>'
    + '<img src="/qr-two.png" style="position:absolute;left:665px;top:80px;width:330px"></body>'],
  '/inner.html': ['text/html', '<body style="margin:30px 0 0 40px"><img id="qr"></body>'],
  // The code below the fold, cut off by the window's bottom edge.
  '/cut.html': ['text/html', '<body style="margin:0"><div style="height:480px"></div><img src="/qr-totp.png"></body>'],
  // Two pictures, each showing one of the two codes of qr-two.png (612×318: GitHub left, Bank right).
  '/two.html': ['text/html', '<body style="margin:20px;display:flex;gap:60px">'
    + '<div style="width:306px;overflow:hidden"><img src="/qr-two.png"></div>'
    + '<div style="width:306px;overflow:hidden"><img src="/qr-two.png" style="margin-left:-306px"></div></body>'],
};

let context, cleanup, server, worker, helper, site;
const at = (host, path) => `http://${host}.test:${server.address().port}/${path}`;

before(async () => {
  server = await serveForms({
    ...QR_PAGES,
    '/github.html': ['text/html', '<form><input id="otp" autocomplete="one-time-code" inputmode="numeric"></form>'
      + '<script>otp.addEventListener("input", () => { document.body.dataset.received = otp.value; });</script>'],
  });
  ({ context, cleanup } = await launch({ siteAccess: 'capture' }));
  [worker] = context.serviceWorkers();
  worker ??= await context.waitForEvent('serviceworker');
  helper = await context.newPage();
  await helper.goto(`chrome-extension://${extensionId(loaded)}/manifest.json`);
  site = await context.newPage();
  await site.setViewportSize({ width: 1000, height: 700 });
});

after(async () => {
  await cleanup?.();
  server?.close();
});

beforeEach(async () => {
  await closePopups();
  await helper.evaluate(() => chrome.storage.session.remove(['scanned', 'notice']));
});

/** Stores a plain vault of these accounts (`{issuer, name, secret, digits}`), and `settings`. */
async function store(accounts, settings = {}) {
  const entries = accounts.map((a, i) => ({ id: i + 1, account: {
    type: 'totp', issuer: a.issuer ?? 'Forms', name: a.name, secret: a.secret, algorithm: 'SHA1', digits: a.digits ?? 6, period: 30, counter: 0,
  } }));
  await helper.evaluate(([vault, s]) => chrome.storage.local.set({ vault, settings: s }),
    [JSON.stringify({ schema: 1, nextId: entries.length + 1, entries }), { protectDeclined: true, ...settings }]);
}

/** Sets a passphrase on the stored vault in a popup (the data key stays held: unlocked). */
async function protect() {
  const setup = await openPopup(context);
  await setup.click('#toggle-settings');
  await setup.fill('#set-new', PASS);
  await setup.fill('#set-repeat', PASS);
  await setup.click('#set-passphrase-form button[type=submit]');
  await setup.waitForSelector('#lock-now:not([hidden])');
  await setup.close();
}

/** Locks: the held data key leaves memory-only storage (as the idle alarm or Lock do). */
const lock = () => helper.evaluate(() => chrome.storage.session.remove(['dataKey', 'lockAt']));

/** The tab of `page` as the browser hands it to a listener. */
async function tabOf(page) {
  return helper.evaluate(async (url) => (await chrome.tabs.query({})).find((t) => t.url === url), page.url());
}

/** Presses the fill shortcut on `page`: the worker's command listener, with that tab. */
async function shortcut(page) {
  await page.bringToFront();
  const tab = await tabOf(page);
  const t0 = Math.floor(Date.now() / 1000);
  const done = await worker.evaluate(([t]) => globalThis.authbarWorker.onCommand('fill-code', t), [tab]);
  return { ...done, t0, t1: Math.floor(Date.now() / 1000) };
}

/** The codes an account had between `t0` and `t1` (the fill's own clock is the worker's). */
const codesBetween = (a, t0, t1) => [...new Set([t0, t1].map((time) => oathtool({ secret: a.secret, time, digits: a.digits ?? 6 })))];

/** Clicks a context-menu item on `page`: the worker's menu listener, with what the browser passes. */
async function menuClick(page, info) {
  await page.bringToFront();
  const tab = await tabOf(page);
  return worker.evaluate(([i, t]) => globalThis.authbarWorker.onMenu(i, t), [{ frameId: 0, pageUrl: page.url(), ...info }, tab]);
}

/**
 * In the popup the worker opened, on what `selector` picks: `op` 'count', 'hidden' (the first's),
 * 'text' (the first's), 'texts', 'classed' (whether each has class `value`), 'click', 'fill' (with
 * `value`), 'submit' (a form). Undefined when no popup is open.
 */
function inPopup(selector, op, value) {
  return helper.evaluate(([s, o, v]) => {
    const [popup] = chrome.extension.getViews({ type: 'popup' });
    if (!popup) return undefined;
    const all = [...popup.document.querySelectorAll(s)];
    switch (o) {
      case 'count': return all.length;
      case 'hidden': return all[0]?.hidden;
      case 'text': return all[0]?.textContent;
      case 'texts': return all.map((n) => n.textContent);
      case 'classed': return all.map((n) => n.classList.contains(v));
      case 'click': all[0].click(); return true;
      case 'fill': all[0].value = v; return true;
      case 'submit': all[0].requestSubmit(); return true;
      default: throw new Error(`no op ${o}`);
    }
  }, [selector, op, value]);
}

/** Waits until the popup the worker opened has painted. */
const popupReady = () => until(async () => (await inPopup('body.ready', 'count')) === 1, 'the popup to open');

/**
 * Opens `url` in a window that does not have the focus, where Chromium opens no popup ("inactive
 * window"), and returns its tab once loaded; `close()` removes the window.
 */
async function inBackgroundWindow(url) {
  const tab = await worker.evaluate(async (u) => {
    const { tabs: [t] } = await chrome.windows.create({ url: u, focused: false });
    for (let waited = 0; waited < 10_000; waited += 50) {
      const now = await chrome.tabs.get(t.id);
      if (now.status === 'complete' && now.url === u) return now;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${u} did not load`);
  }, url);
  return { tab, close: () => worker.evaluate((id) => chrome.windows.remove(id), tab.windowId) };
}

const popupOpen = async () => (await helper.evaluate(() => chrome.extension.getViews({ type: 'popup' }).length)) === 1;
const closePopups = () => helper.evaluate(() => chrome.extension.getViews({ type: 'popup' }).forEach((w) => w.close()));
const badge = (tabId) => worker.evaluate(async (id) => ({
  text: await chrome.action.getBadgeText({ tabId: id }), title: await chrome.action.getTitle({ tabId: id }),
}), tabId);
const stored = (key) => helper.evaluate(async (k) => (await chrome.storage.session.get(k))[k] ?? null, key);

test('the command and both menu items are registered', async () => {
  const commands = await worker.evaluate(() => chrome.commands.getAll());
  const fill = commands.find((c) => c.name === 'fill-code');
  assert.equal(fill.shortcut, 'Alt+Shift+F');
  assert.equal(fill.description, 'Fill in the code of this site’s account');
  for (const id of ['authbar-add-image', 'authbar-scan-page']) {
    // update() fails for an item that does not exist: Chromium has no way to list them.
    assert.equal(await worker.evaluate((i) => chrome.contextMenus.update(i, {}).then(() => 'there', (e) => String(e)), id), 'there');
  }
  const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8'));
  assert.ok(manifest.permissions.includes('contextMenus'));
  assert.equal(manifest.host_permissions, undefined, 'no host permission: the shortcut and the menu grant activeTab');
});

test('the shortcut fills the one account of the site, and nothing on another origin or with none', async () => {
  await store([GITHUB, BANK]);
  await site.goto(at('github', 'github.html'));
  const done = await shortcut(site);
  assert.deepEqual({ done: done.done, how: done.how, by: done.by }, { done: 'filled', how: 'one-time-code', by: 'value' });
  assert.ok(codesBetween(GITHUB, done.t0, done.t1).includes(await reading(site)), 'the page read the account’s code');
  assert.equal(await popupOpen(), false, 'filled without the popup');
  assert.deepEqual(await badge((await tabOf(site)).id), { text: '', title: 'Authbar' });

  // Another origin, where no account belongs: nothing is filled, and the popup opens on the choice.
  await site.goto(at('other', 'github.html'));
  const elsewhere = await shortcut(site);
  assert.equal(elsewhere.done, 'popup');
  assert.equal(elsewhere.why, 'none');
  assert.equal(await site.inputValue('#otp'), '');
  await popupReady();
  assert.equal(await inPopup('#accounts li', 'count'), 2);

  // No account at all.
  await closePopups();
  await store([]);
  await site.goto(at('github', 'github.html'));
  assert.deepEqual((({ done: d, why }) => ({ d, why }))(await shortcut(site)), { d: 'popup', why: 'none' });
  assert.equal(await site.inputValue('#otp'), '');
});

test('two accounts of the site: the popup opens with both first, and nothing is filled', async () => {
  await store([BANK, GITHUB, GITHUB_2]);
  await site.goto(at('github', 'github.html'));
  const done = await shortcut(site);
  assert.deepEqual({ done: done.done, why: done.why, count: done.count }, { done: 'popup', why: 'several', count: 2 });
  assert.equal(await site.inputValue('#otp'), '');
  await popupReady();
  assert.deepEqual(await inPopup('#accounts li .name', 'texts'), ['alice', 'work', 'bob']);
  assert.deepEqual(await inPopup('#accounts li', 'classed', 'match'), [true, true, false], 'the site’s two first, marked');
});

test('where the browser will not open the popup, the badge says what to do', async () => {
  await store([BANK, GITHUB, GITHUB_2]);
  const { tab, close } = await inBackgroundWindow(at('github', 'github.html'));
  try {
    const onCommand = (t) => worker.evaluate(([x]) => globalThis.authbarWorker.onCommand('fill-code', x), [t]);
    assert.deepEqual(await onCommand(tab), { done: 'badge', why: 'several', count: 2 });
    assert.deepEqual(await badge(tab.id), { text: '2', title: '2 accounts belong to github.test: open Authbar to choose one.' });
    await store([]);
    assert.deepEqual(await onCommand(tab), { done: 'badge', why: 'none', count: 0 });
    assert.deepEqual(await badge(tab.id), { text: '?', title: 'No account is known to belong to github.test: open Authbar to choose one.' });
    // The popup opened on that tab clears it.
    const popup = await openPopup(context, undefined, `tab=${tab.id}`);
    await until(async () => (await badge(tab.id)).text === '', 'the badge to clear');
    assert.equal((await badge(tab.id)).title, 'Authbar');
    await popup.close();
  } finally {
    await close();
  }
});

test('locked: the popup opens on its lock screen, nothing is filled; unlocked, the key fills', async () => {
  await store([GITHUB]);
  await protect();

  // Unlocked (the data key held in memory-only storage): the shortcut fills.
  await site.goto(at('github', 'github.html'));
  const filled = await shortcut(site);
  assert.equal(filled.done, 'filled');
  assert.ok(codesBetween(GITHUB, filled.t0, filled.t1).includes(await reading(site)));

  // Locked: no key, so no code.
  await lock();
  await site.goto(at('github', 'github.html'));
  const locked = await shortcut(site);
  assert.deepEqual({ done: locked.done, why: locked.why }, { done: 'popup', why: 'locked' });
  assert.equal(await site.inputValue('#otp'), '');
  await popupReady();
  assert.equal(await inPopup('#lock-screen', 'hidden'), false);
  await closePopups();
  await store([]);  // the next tests start plain
});

test('the stored clock correction applies to the code the shortcut fills', async () => {
  await store([GITHUB], { clockCorrection: { offsetMs: 3_600_000, host: 'github.test' } });
  await site.goto(at('github', 'github.html'));
  const done = await shortcut(site);
  assert.equal(done.done, 'filled');
  assert.ok(codesBetween(GITHUB, done.t0 + 3600, done.t1 + 3600).includes(await reading(site)), 'the code of the corrected clock');
});

test('a page where nothing is filled: the popup opens and says why', async () => {
  await store([{ ...SIX }]);
  const cases = [
    ['none.html', 'none', 'No code field found on this page. In Authbar, Enter on the account copies its code.'],
    ['several.html', 'several', 'Several fields could take the code: click the right one and press the shortcut again.'],
    ['refusing.html', 'refused', 'This page did not take the code. In Authbar, Enter on the account copies its code.'],
  ];
  for (const [form, reason, words] of cases) {
    await closePopups();
    await site.goto(at('forms', form));
    const done = await shortcut(site);
    assert.deepEqual({ done: done.done, why: done.why, reason: done.reason }, { done: 'popup', why: 'notFilled', reason }, form);
    await until(async () => (await inPopup('#banner', 'hidden')) === false, 'the banner');
    assert.equal(await inPopup('#banner', 'text'), words, form);
    assert.equal(await stored('notice'), null, 'the notice was taken');
    assert.deepEqual(await site.$$eval('input', (inputs) => inputs.map((i) => i.value).filter(Boolean)), [], `${form}: nothing filled`);
  }
});

test('a stored vault that cannot be read, or a page that is no web page: nothing is filled, the badge says so', async () => {
  await helper.evaluate(() => chrome.storage.local.set({ vault: '{"schema":1,"entries":' }));
  const { tab, close } = await inBackgroundWindow(at('github', 'github.html'));
  try {
    const onCommand = (t) => worker.evaluate(([x]) => globalThis.authbarWorker.onCommand('fill-code', x), [t]);
    assert.deepEqual(await onCommand(tab), { done: 'badge', why: 'unreadable' });
    assert.deepEqual(await badge(tab.id), { text: '!', title: 'Authbar cannot read its stored accounts: open it to see why.' });
    await store([GITHUB]);
    // A navigation clears the tab's badge: the shortcut is pressed once the blank page is there.
    const blank = await worker.evaluate(async (id) => {
      await chrome.tabs.update(id, { url: 'about:blank' });
      for (let waited = 0; waited < 10_000; waited += 50) {
        const t = await chrome.tabs.get(id);
        // No host permission covers about:blank: its address may be hidden (undefined).
        if (t.status === 'complete' && (t.url ?? 'about:blank') === 'about:blank') return t;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('about:blank did not load');
    }, tab.id);
    assert.deepEqual(await onCommand(blank), { done: 'badge', why: 'none', count: 0 });
    assert.deepEqual(await badge(tab.id), { text: '?', title: 'This is not a web page Authbar can fill in.' });
  } finally {
    await close();
  }
});

for (const { form, how, by, account = SIX } of CORPUS) {
  test(`${form}: the page reads the code filled by the shortcut (found by ${how}, taken by ${by})`, async () => {
    // The form's account is the only one of forms.test.
    await store([account]);
    await site.goto(at('forms', form));
    const done = await shortcut(site);
    assert.deepEqual({ done: done.done, how: done.how, by: done.by }, { done: 'filled', how, by });
    assert.ok(codesBetween(account, done.t0, done.t1).includes(await reading(site)), `${form}: ${await reading(site)}`);
    if (form === 'password.html') assert.equal(await site.inputValue('#pass'), '', 'never the password');
    if (form === 'decoy.html') assert.equal(await reading(site, 'decoy'), undefined, 'never a hidden field');
  });
}

// ---- the context menu ----

/** Waits for the popup the menu opened to show its preview, and returns the labels listed. */
async function previewed() {
  await until(async () => (await inPopup('#preview', 'hidden')) === false, 'the preview');
  return inPopup('#preview-list .label', 'texts');
}

test('Add to Authbar on an image of the page\'s origin: its code in the preview, the account tied to the site', async () => {
  await store([]);
  await site.goto(at('setup', 'same.html'));
  const srcUrl = at('setup', 'qr-totp.png');
  const done = await menuClick(site, { menuItemId: 'authbar-add-image', mediaType: 'image', srcUrl });
  assert.deepEqual(done, { found: 1, problem: null, opened: true });
  assert.deepEqual(await previewed(), ['ACME Co – alice@example.com']);
  assert.equal(await stored('scanned'), null, 'the secrets left memory-only storage once the popup took them');
  await inPopup('#preview-commit', 'click');
  await until(async () => JSON.parse((await helper.evaluate(async () => (await chrome.storage.local.get('vault')).vault)) ?? '{}').entries?.length === 1, 'the account stored');
  const vault = JSON.parse(await helper.evaluate(async () => (await chrome.storage.local.get('vault')).vault));
  assert.equal(vault.entries[0].site, 'setup.test', 'the account remembers the page it was read on');
});

test('Add to Authbar on another origin\'s image reads it from the capture; a data: image from itself', async () => {
  await store([]);
  // The page at setup.test shows the image of img.test: the page may not read its pixels.
  const srcUrl = at('img', 'qr-totp.png');
  await site.goto(at('setup', 'none.html'));
  await site.evaluate((src) => { document.querySelector('#qr').src = src; }, srcUrl);
  await site.waitForFunction(() => document.querySelector('#qr').complete && document.querySelector('#qr').naturalWidth > 0);
  assert.deepEqual(await menuClick(site, { menuItemId: 'authbar-add-image', mediaType: 'image', srcUrl }), { found: 1, problem: null, opened: true });
  assert.deepEqual(await previewed(), ['ACME Co – alice@example.com']);
  await closePopups();

  // Scrolled out of view, the capture cannot show it: said so.
  await site.evaluate(() => { document.body.style.paddingTop = '3000px'; });
  assert.deepEqual(await menuClick(site, { menuItemId: 'authbar-add-image', mediaType: 'image', srcUrl }), { found: 0, problem: 'imageNotVisible', opened: true });
  await closePopups();

  await site.goto(at('setup', 'data.html'));
  const data = await site.$eval('#qr', (i) => i.src);
  assert.deepEqual(await menuClick(site, { menuItemId: 'authbar-add-image', mediaType: 'image', srcUrl: data }), { found: 1, problem: null, opened: true });
  assert.deepEqual(await previewed(), ['ACME Co – alice@example.com']);
});

test('the menu where nothing can be read: an image gone from the page, a page the browser protects', async () => {
  await store([]);
  await site.goto(at('setup', 'same.html'));
  assert.deepEqual(await menuClick(site, { menuItemId: 'authbar-add-image', mediaType: 'image', srcUrl: at('setup', 'gone.png') }),
    { found: 0, problem: 'imageGone', opened: true });
  await until(async () => (await inPopup('#qr-error', 'hidden')) === false, 'the message');
  assert.equal(await inPopup('#qr-error', 'text'), 'The image is no longer on the page.');
  await closePopups();
  await site.goto('chrome://version');
  assert.deepEqual(await menuClick(site, { menuItemId: 'authbar-scan-page' }), { found: 0, problem: 'captureFailed', opened: true });
  await until(async () => (await inPopup('#qr-error', 'hidden')) === false, 'the message');
  assert.match(await inPopup('#qr-error', 'text'), /cannot be captured/);
});

test('Add to Authbar on another origin\'s image inside a frame: its box is found through the frame', async () => {
  await store([]);
  await site.goto(at('setup', 'framed.html'));
  const srcUrl = at('img', 'qr-totp.png');
  const frame = site.frames().find((f) => f.url().endsWith('/inner.html'));
  await frame.evaluate((src) => { document.querySelector('#qr').src = src; }, srcUrl);
  await frame.waitForFunction(() => document.querySelector('#qr').complete && document.querySelector('#qr').naturalWidth > 0);
  // The frame's id, as the browser hands it to the menu's listener.
  const tab = await tabOf(site);
  const frameId = await worker.evaluate(async (id) => (await chrome.scripting.executeScript({ target: { tabId: id, allFrames: true }, func: () => location.pathname }))
    .find((r) => r.result === '/inner.html').frameId, tab.id);
  assert.ok(frameId > 0);
  assert.deepEqual(await menuClick(site, { menuItemId: 'authbar-add-image', mediaType: 'image', srcUrl, frameId }), { found: 1, problem: null, opened: true });
  assert.deepEqual(await previewed(), ['ACME Co – alice@example.com']);
  // The whole tab holds three: the image's own was cut out of the capture.
  await closePopups();
  assert.equal((await menuClick(site, { menuItemId: 'authbar-scan-page' })).found, 3);
});

test('Add to Authbar on an image without a code: the popup says so', async () => {
  await store([]);
  await site.goto(at('setup', 'none.html'));
  const done = await menuClick(site, { menuItemId: 'authbar-add-image', mediaType: 'image', srcUrl: at('setup', 'no-qr.png') });
  assert.deepEqual(done, { found: 0, problem: 'noQrInPicture', opened: true });
  await until(async () => (await inPopup('#qr-error', 'hidden')) === false, 'the message');
  assert.equal(await inPopup('#qr-error', 'text'), 'There is no readable QR code in this image.');
  assert.equal(await inPopup('#preview', 'hidden'), true);
});

test('Scan this page for QR codes: two codes, both in the preview; one cut off or none says so', async () => {
  await store([]);
  await site.goto(at('setup', 'two.html'));
  await site.waitForFunction(() => [...document.images].every((i) => i.complete && i.naturalWidth > 0));
  assert.deepEqual(await menuClick(site, { menuItemId: 'authbar-scan-page' }), { found: 2, problem: null, opened: true });
  assert.deepEqual(await previewed(), ['GitHub – bob', 'Bank – carol']);
  await closePopups();

  // A code cut off by the window's edge: told to scroll.
  await site.goto(at('setup', 'cut.html'));
  await site.waitForFunction(() => document.images[0].complete);
  assert.deepEqual(await menuClick(site, { menuItemId: 'authbar-scan-page' }), { found: 0, problem: 'qrCutOff', opened: true });
  await closePopups();

  await site.goto(at('setup', 'github.html'));
  assert.deepEqual(await menuClick(site, { menuItemId: 'authbar-scan-page' }), { found: 0, problem: 'noQrOnPage', opened: true });
  await until(async () => (await inPopup('#qr-error', 'hidden')) === false, 'the message');
  assert.equal(await inPopup('#qr-error', 'text'), 'There is no QR code on this page.');
});

test('three scans of a page at once: each waits for the browser\'s capture quota, none is told the page cannot be captured', async () => {
  await store([]);
  await site.goto(at('setup', 'two.html'));
  await site.waitForFunction(() => [...document.images].every((i) => i.complete && i.naturalWidth > 0));
  await site.bringToFront();
  const tab = await tabOf(site);
  // Chromium allows two captures a second: the third of three at once is refused by the browser.
  const done = await worker.evaluate((t) => Promise.all([0, 1, 2].map(() => globalThis.authbarWorker.onMenu({ menuItemId: 'authbar-scan-page', frameId: 0, pageUrl: t.url }, t))), tab);
  assert.deepEqual(done.map((d) => [d.found, d.problem]), [[2, null], [2, null], [2, null]]);
  await closePopups();
});

test('the menu while locked: what was read waits in memory for the unlock, then shows', async () => {
  await store([]);
  await protect();
  await lock();

  await site.goto(at('setup', 'same.html'));
  const done = await menuClick(site, { menuItemId: 'authbar-add-image', mediaType: 'image', srcUrl: at('setup', 'qr-totp.png') });
  assert.equal(done.found, 1);
  await popupReady();
  assert.equal(await inPopup('#lock-screen', 'hidden'), false);
  assert.notEqual(await stored('scanned'), null, 'kept until the vault can take it');
  await inPopup('#unlock-passphrase', 'fill', PASS);
  await inPopup('#unlock-form', 'submit');
  assert.deepEqual(await previewed(), ['ACME Co – alice@example.com']);
  assert.equal(await stored('scanned'), null);
  assert.equal((await badge((await tabOf(site)).id)).text, '');
  await closePopups();
  await store([]);
});

test('what no popup takes is dropped by the worker\'s alarm', async () => {
  await store([]);
  const { tab, close } = await inBackgroundWindow(at('setup', 'same.html'));
  try {
    const done = await worker.evaluate(([t]) => globalThis.authbarWorker.onMenu({ menuItemId: 'authbar-add-image', frameId: 0, srcUrl: t.url.replace('same.html', 'qr-totp.png') }, t), [tab]);
    assert.deepEqual(done, { found: 1, problem: null, opened: false });
    assert.deepEqual(await badge(tab.id), { text: '+1', title: '1 QR code read: click Authbar to add the accounts.' });
    assert.ok((await worker.evaluate(() => chrome.alarms.get('scanned')))?.scheduledTime > Date.now());
    // The alarm rings (as it would after five minutes): the payloads and the badge go.
    await worker.evaluate(() => chrome.alarms.create('scanned', { when: Date.now() }));
    await until(async () => (await stored('scanned')) === null, 'the payloads dropped');
    await until(async () => (await badge(tab.id)).text === '', 'the badge cleared');
  } finally {
    await close();
  }
});
