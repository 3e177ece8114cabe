// The popup and the page in the tab (issue 9): the site's accounts first, the code filled in, the
// clock checked against the site. The browser loads the extension with the access a toolbar click's
// activeTab grant gives (harness.js `siteAccess`); sites are a small page server here and the
// companion server started with a shifted clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { spawn, execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, SHOTS, launch, openPopup, extensionId, loaded, addText, confirmPreview, oathtool, storedVault, axeViolations, until } from './harness.js';

const RFC = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const WORK = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const BANK = 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF';

const PAGES = {
  '/otp': '<form><input name="user" autocomplete="username"><input type="password" id="password">'
    + '<input id="otp" autocomplete="one-time-code" inputmode="numeric"></form>',
  '/plain': '<form><label for="c">Verification code</label><input id="c" name="c"><input type="password" id="p"></form>',
  '/none': '<p>Nothing to fill here.</p><input type="password" id="p" autofocus>',
  '/two': '<input name="otp_a" placeholder="code"><input name="otp_b" placeholder="code">',
};

/**
 * A page server. `skewMs` shifts its Date header (as a site with a wrong clock would). `refuse`:
 * 'page' drops the clock requests of its own pages (as a page whose service worker or firewall drops
 * them) and answers other origins' (the popup's); 'all' drops every clock request.
 */
function pageServer(skewMs = 0, { refuse = null } = {}) {
  const server = createServer((req, res) => {
    // The page's own requests name it as their referrer; the popup's come from the extension.
    const fromPage = req.headers.referer?.startsWith(`http://${req.headers.host}/`);
    if (req.method === 'HEAD' && (refuse === 'all' || (refuse === 'page' && fromPage))) {
      req.socket.destroy();
      return;
    }
    res.setHeader('Date', new Date(Date.now() + skewMs).toUTCString());
    const page = PAGES[req.url];
    res.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(req.method === 'HEAD' ? undefined : `<!doctype html><title>t</title>${page ?? 'not found'}`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port })));
}

let context, cleanup, pages, site;

before(async () => {
  pages = await pageServer();
  ({ context, cleanup } = await launch({ siteAccess: true }));
  site = await context.newPage();
});

after(async () => {
  await cleanup?.();
  pages?.server.close();
});

/** The browser's id of the tab showing `page` (the popup acts on it as on the tab it was opened on). */
async function tabIdOf(popup, page) {
  return popup.evaluate(async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)?.id, page.url());
}

/** The browser's id of the tab showing `page`, asked from a popup opened for the purpose. */
async function tabIdFor(page) {
  const probe = await openPopup(context);
  const id = await tabIdOf(probe, page);
  await probe.close();
  return id;
}

/** Opens the popup for the tab of `page`, as a click on the toolbar button over that page does. */
async function popupFor(page) {
  return openPopup(context, undefined, `tab=${await tabIdFor(page)}`);
}

const names = (popup) => popup.$$eval('#accounts li', (lis) => lis.map((li) => `${li.querySelector('.issuer').textContent}:${li.querySelector('.name').textContent}${li.classList.contains('match') ? '*' : ''}`));

test('the site\'s accounts come first and marked; Enter fills the one-time-code field; a fill never ties the account to the site by itself', async () => {
  const popup = await openPopup(context);
  await addText(popup, `otpauth://totp/Bank:carol?secret=${BANK}&issuer=Bank`);
  await confirmPreview(popup);
  await addText(popup, `otpauth://totp/GitHub:octocat?secret=${RFC}&issuer=GitHub`);
  await confirmPreview(popup);
  await addText(popup, `otpauth://totp/GitHub:work?secret=${WORK}&issuer=GitHub`);
  await confirmPreview(popup);
  await popup.close();

  await site.goto(`http://github.test:${pages.port}/otp`);
  let tabPopup = await popupFor(site);
  // The issuer names the site: both GitHub accounts first, marked; Bank after them.
  assert.deepEqual(await names(tabPopup), ['GitHub:octocat*', 'GitHub:work*', 'Bank:carol']);
  assert.equal(await tabPopup.evaluate(() => document.activeElement.closest('li')?.dataset.id), '2', 'the first of the site\'s accounts has focus');
  const time = Math.floor(Date.now() / 1000);
  await tabPopup.keyboard.press('Enter');
  await site.waitForFunction(() => document.querySelector('#otp').value !== '');
  const filled = await site.inputValue('#otp');
  assert.ok([time, time + 1].map((t) => oathtool({ secret: RFC, time: t })).includes(filled), `the code for now: ${filled}`);
  assert.equal(await site.inputValue('#password'), '', 'never into a password field');
  const stored = JSON.parse(await storedVault(tabPopup));
  assert.ok(stored.entries.every((e) => !e.site), 'no account was tied to a site without the person saying so');
  await tabPopup.close();

  // Bank is filled into github.test only when the user picks it (its menu) and says yes to the
  // question naming both; then into the one field a label names.
  await site.goto(`http://github.test:${pages.port}/plain`);
  tabPopup = await popupFor(site);
  assert.deepEqual(await names(tabPopup), ['GitHub:octocat*', 'GitHub:work*', 'Bank:carol']);
  const bank = tabPopup.locator('#accounts li', { hasText: 'carol' });
  await bank.locator('.menu summary').click();
  await bank.locator('.fill').click();
  assert.match(await tabPopup.textContent('.confirm-bar'), /Bank.*github\.test/);
  await tabPopup.click('#fill-confirm');
  await site.waitForFunction(() => document.querySelector('#c').value !== '');
  assert.equal(await site.inputValue('#p'), '');
  await tabPopup.close();
});

test('filling_on_a_look_alike_site_asks_first_and_never_rebinds_the_account', async () => {
  // The probe's case: a GitHub account with no site yet, on evil.test.
  await site.goto(`http://evil.test:${pages.port}/otp`);
  let popup = await popupFor(site);
  assert.deepEqual(await names(popup), ['Bank:carol', 'GitHub:octocat', 'GitHub:work'], 'not offered on evil.test');
  const octocat = () => popup.locator('#accounts li', { hasText: 'octocat' });
  await octocat().locator('.menu summary').click();
  await octocat().locator('.fill').click();
  const question = await popup.textContent('.confirm-bar');
  assert.match(question, /GitHub/, question);
  assert.match(question, /evil\.test/, question);
  assert.equal(await popup.evaluate(() => document.activeElement.id), 'fill-cancel', 'the safe answer has focus');
  // Enter on the question cancels; nothing reaches the page.
  await popup.keyboard.press('Enter');
  assert.equal(await popup.$('.confirm-bar'), null);
  assert.equal(await site.inputValue('#otp'), '');
  // "Fill once" fills, and the account keeps no site.
  await octocat().locator('.menu summary').click();
  await octocat().locator('.fill').click();
  await popup.click('#fill-confirm');
  await site.waitForFunction(() => document.querySelector('#otp').value !== '');
  assert.ok(JSON.parse(await storedVault(popup)).entries.every((e) => !e.site), 'the fill did not rebind the account');
  await popup.close();
  // On the real site it is still offered first.
  await site.goto(`http://github.test:${pages.port}/otp`);
  popup = await popupFor(site);
  assert.deepEqual(await names(popup), ['GitHub:octocat*', 'GitHub:work*', 'Bank:carol']);
  await popup.close();
  // Only the person's own choice ties the account to evil.test.
  await site.goto(`http://evil.test:${pages.port}/otp`);
  popup = await popupFor(site);
  await octocat().locator('.menu summary').click();
  await octocat().locator('.fill').click();
  await popup.click('#fill-remember');
  const octocatSite = async () => JSON.parse(await storedVault(popup)).entries.find((e) => e.account.name === 'octocat').site;
  assert.equal(await until(octocatSite, 'the site to be stored'), 'evil.test');
  await popup.close();
  // Its stored site now differs from github.test: there the question names both sites.
  await site.goto(`http://github.test:${pages.port}/otp`);
  popup = await popupFor(site);
  assert.deepEqual(await names(popup), ['GitHub:work*', 'Bank:carol', 'GitHub:octocat']);
  await octocat().locator('.menu summary').click();
  await octocat().locator('.fill').click();
  assert.match(await popup.textContent('.confirm-bar'), /evil\.test.*github\.test/);
  await popup.keyboard.press('Escape');
  await popup.close();
  // Set back, for the tests after this one.
  popup = await openPopup(context);
  await popup.evaluate(async () => {
    const core = globalThis.authbarCore();
    const id = core.listed().find((a) => a.name === 'octocat').id;
    core.setSite(id, null);
    await chrome.storage.local.set({ vault: core.toJson() });
  });
  await popup.close();
});

test('no field, several fields, or a page that moved on: nothing is filled, and the popup says why', async () => {
  for (const [path, words] of [['/none', /No code field found on this page: the code was copied instead/], ['/two', /Several fields could take the code/]]) {
    await site.goto(`http://github.test:${pages.port}${path}`);
    const popup = await popupFor(site);
    await popup.locator('#accounts li .entry').first().focus();
    await popup.keyboard.press('Enter');
    await popup.waitForSelector('#banner:not([hidden])');
    assert.match(await popup.textContent('#banner'), words);
    assert.deepEqual(await site.$$eval('input', (inputs) => inputs.map((i) => i.value)), path === '/none' ? [''] : ['', '']);
    await popup.close();
  }
  // The tab goes to another site after the popup looked at it: the code is not given to that site.
  await site.goto(`http://github.test:${pages.port}/otp`);
  const popup = await popupFor(site);
  await site.goto(`http://127.0.0.1:${pages.port}/otp`);
  await popup.locator('#accounts li .entry').first().focus();
  await popup.keyboard.press('Enter');
  await popup.waitForSelector('#banner:not([hidden])');
  assert.match(await popup.textContent('#banner'), /The page changed since Authbar opened: nothing was filled/);
  assert.equal(await site.inputValue('#otp'), '');
  await popup.close();
});

test('a site\'s Date header gives its clock to below a second: 20.4 s behind is reported and warned about', async () => {
  const skewed = await pageServer(-20_400);
  try {
    await site.goto(`http://127.0.0.1:${skewed.port}/otp`);
    const popup = await popupFor(site);
    await popup.waitForSelector('#clock:not([hidden])', { timeout: 20_000 });
    const offset = Number(await popup.getAttribute('#clock', 'data-offset-ms'));
    const uncertainty = Number(await popup.getAttribute('#clock', 'data-uncertainty-ms'));
    assert.equal(await popup.getAttribute('#clock', 'data-source'), 'date');
    assert.ok(Math.abs(offset + 20_400) <= 1000, `offset ${offset} ms`);
    assert.ok(uncertainty < 500, `timed around the site's second ticks, the Date header's 1 s resolution is beaten: ±${uncertainty} ms`);
    assert.match(await popup.textContent('#clock'), /This computer's clock is 20 s ahead of 127\.0\.0\.1\.Codes may be rejected; activation fails past 30 s\./);
    await popup.close();
  } finally {
    skewed.server.close();
  }
});

/**
 * The popup for the tab of `page`, with the browser's permission calls watched: `contains` is false
 * until a request is granted, and `request` answers `answer` (as the user would) and records whether
 * it came during a user gesture (`window.accessAsked`). A browser refuses it outside one.
 */
async function popupWatchingAccess(page, answer) {
  const id = await tabIdFor(page);
  const popup = await context.newPage();
  popup.on('pageerror', (e) => { throw e; });
  await popup.addInitScript((answer) => {
    let given = false;
    window.accessAsked = [];
    chrome.permissions.contains = async () => given;
    chrome.permissions.request = async ({ origins }) => {
      window.accessAsked.push({ origins, gesture: navigator.userActivation.isActive });
      given = answer;
      return answer;
    };
  }, answer);
  await popup.goto(`chrome-extension://${extensionId(loaded)}/popup.html?tab=${id}`);
  await popup.waitForSelector('body.ready');
  return popup;
}

test('a page that refuses the clock request: the popup offers to ask the site itself, and asks only on the click', async () => {
  const refusing = await pageServer(-20_400, { refuse: 'page' });
  try {
    await site.goto(`http://github.test:${refusing.port}/otp`);
    const popup = await popupWatchingAccess(site, true);
    await popup.waitForSelector('#clock-allow', { timeout: 20_000 });
    assert.match(await popup.textContent('#clock'), /github\.test does not let its page tell Authbar its clock\. Authbar can ask the site itself, with your permission\./);
    assert.deepEqual(await popup.evaluate(() => window.accessAsked), [], 'nothing is asked without the user');
    await popup.setViewportSize({ width: 360, height: 600 });
    await popup.screenshot({ path: join(SHOTS, 'popup-clock-access.png') });
    assert.deepEqual(await axeViolations(popup), [], 'the offer to ask the site');
    await popup.click('#clock-allow');
    await popup.waitForSelector('#clock[data-source="date"]', { timeout: 20_000 });
    assert.deepEqual(await popup.evaluate(() => window.accessAsked), [{ origins: ['http://github.test/*'], gesture: true }]);
    const offset = Number(await popup.getAttribute('#clock', 'data-offset-ms'));
    const uncertainty = Number(await popup.getAttribute('#clock', 'data-uncertainty-ms'));
    assert.ok(Math.abs(offset + 20_400) <= 1000, `offset ${offset} ms`);
    assert.ok(uncertainty < 500, `the popup's own requests are timed like the page's: ±${uncertainty} ms`);
    assert.match(await popup.textContent('#clock'), /This computer's clock is 20 s ahead of github\.test\./);
    await popup.close();

    // Refused: the popup says the clock cannot be checked, and does not ask again by itself.
    const refused = await popupWatchingAccess(site, false);
    await refused.click('#clock-allow', { timeout: 20_000 });
    await refused.waitForFunction(() => /Without access to github\.test, its clock cannot be checked\./.test(document.querySelector('#clock').textContent));
    assert.equal(await refused.evaluate(() => window.accessAsked.length), 1);
    await refused.close();
  } finally {
    refusing.server.close();
  }
  // Given, but the site does not answer the popup either: the popup says so instead of leaving the offer.
  const silent = await pageServer(0, { refuse: 'all' });
  try {
    await site.goto(`http://github.test:${silent.port}/otp`);
    const popup = await popupWatchingAccess(site, true);
    await popup.click('#clock-allow', { timeout: 20_000 });
    await popup.waitForFunction(() => /github\.test did not tell its time: its clock cannot be checked\./.test(document.querySelector('#clock').textContent));
    assert.equal(await popup.locator('#clock-allow').count(), 0);
    await popup.close();
  } finally {
    silent.server.close();
  }
});

// ---- the companion server, its clock 47 s ahead ----

const SERVER_BIN = join(ROOT, 'target/debug/authbar-server');

function startServer(db, offsetSecs) {
  const child = spawn(SERVER_BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--clock-offset-secs', String(offsetSecs)], {
    env: { ...process.env, AUTHBAR_ADMIN_PASSWORD: 'admin-password-1' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`authbar-server exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = line.match(/^listening on (http:\/\/\S+)/);
      if (m) resolve({ child, base: m[1] });
    });
  });
}

test('against the companion server 47 s ahead: the offset is reported within 1 s; the uncorrected code is refused, the corrected one activates', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'authbar-clock-'));
  const db = join(dir, 'flexi.sqlite');
  const { child, base } = await startServer(db, 47);
  try {
    execFileSync(SERVER_BIN, ['user', 'add', 'kral', '--password', 'kral-password', '--db', db], { env: { ...process.env, AUTHBAR_PASSWORD: '' } });
    await site.goto(`${base}/login`);
    await site.fill('#login', 'kral');
    await site.fill('#password', 'kral-password');
    await site.click('button[type=submit]');
    await site.goto(`${base}/settings/profile/2fa`);
    const popup = await popupFor(site);
    await popup.waitForSelector('#clock:not([hidden])', { timeout: 20_000 });
    const offset = Number(await popup.getAttribute('#clock', 'data-offset-ms'));
    assert.equal(await popup.getAttribute('#clock', 'data-source'), 'api');
    assert.ok(Math.abs(offset - 47_000) <= 1000, `offset ${offset} ms`);
    assert.match(await popup.textContent('#clock'), /This computer's clock is 47 s behind 127\.0\.0\.1\.Codes may be rejected; activation fails past 30 s\./);

    // Scanned from this page, the account is tied to it and comes first.
    const shot = `data:image/png;base64,${(await site.screenshot()).toString('base64')}`;
    await popup.evaluate((s) => globalThis.authbarScanPage(s), shot);
    await confirmPreview(popup);
    const stored = JSON.parse(await storedVault(popup));
    const kral = stored.entries.find((e) => e.account.name === 'kral');
    assert.equal(kral.site, '127.0.0.1');

    // 47 s is one step and 17 s: the server is two steps ahead while the local clock is 13–29 s into its step.
    while (![15, 16, 17, 18, 19, 20].includes(Math.floor(Date.now() / 1000) % 30)) await new Promise((r) => setTimeout(r, 200));
    await popup.bringToFront();
    await popup.reload();
    await popup.waitForSelector('body.ready');
    await popup.waitForSelector('#clock-apply');
    assert.deepEqual((await names(popup))[0], 'Authbar Flexi:kral*');
    await popup.setViewportSize({ width: 360, height: 420 });
    mkdirSync(SHOTS, { recursive: true });
    await popup.screenshot({ path: join(SHOTS, 'popup-clock.png') });
    assert.deepEqual(await axeViolations(popup), [], 'the clock warning and the site\'s marked account');
    await popup.locator('#accounts li .entry').first().focus();
    await popup.keyboard.press('Enter');
    await site.waitForFunction(() => document.querySelector('#code').value !== '');
    await site.click('main form button[type=submit]');
    assert.match(await site.textContent('main'), /clock is between \d+ and \d+ seconds behind the server's/);

    // Corrected: the codes are computed for the site's time, and marked.
    await popup.bringToFront();
    await popup.click('#clock-apply');
    await popup.waitForSelector('body.corrected');
    assert.deepEqual(await axeViolations(popup), [], 'corrected codes');
    assert.match(await popup.textContent('#clock'), /\* Codes corrected by \+47 s to the clock of 127\.0\.0\.1\./);
    const now = Math.floor(Date.now() / 1000);
    const corrected = await popup.$eval('#accounts li .code', (c) => c.dataset.code);
    assert.ok([now + 47, now + 48].map((t) => oathtool({ secret: kral.account.secret, time: t })).includes(corrected));
    await popup.locator('#accounts li .entry').first().focus();
    await popup.keyboard.press('Enter');
    await site.waitForFunction((c) => document.querySelector('#code').value === c, corrected);
    await site.click('main form button[type=submit]');
    assert.match(await site.textContent('main'), /Two-factor authentication is now on for kral/);

    // Stopping the correction goes back to this computer's clock.
    await popup.bringToFront();
    await popup.click('#clock-undo');
    await popup.waitForFunction(() => !document.body.classList.contains('corrected'));
    await popup.close();
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
