// The whole journey of a person with Authbar installed on a Flexi-like site (issue 5): headless Chromium
// with dist/extension loaded and authbar-server on a temporary SQLite file, both started here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, SHOTS, launch, openPopup, addText, confirmPreview, storedVault } from './harness.js';

const SERVER_BIN = join(ROOT, 'target/debug/authbar-server');
const ADMIN_PASSWORD = 'admin-password-1';
let dir, server, base, context, cleanupBrowser, popup, site;

function startServer(db) {
  const child = spawn(SERVER_BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0'], {
    env: { ...process.env, AUTHBAR_ADMIN_PASSWORD: ADMIN_PASSWORD }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`authbar-server exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = line.match(/^listening on (http:\/\/\S+)/);
      if (m) resolve({ child, base: m[1] });
    });
  });
}

function cli(...args) {
  return execFileSync(SERVER_BIN, ['user', ...args, '--db', join(dir, 'flexi.sqlite')], { env: { ...process.env, AUTHBAR_PASSWORD: '' } }).toString();
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'authbar-journey-'));
  ({ child: server, base } = await startServer(join(dir, 'flexi.sqlite')));
  ({ context, cleanup: cleanupBrowser } = await launch());
  popup = await openPopup(context);
  site = await context.newPage();
  await site.setViewportSize({ width: 1280, height: 800 });
});

after(async () => {
  await cleanupBrowser?.();
  server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

// ---- helpers: what a person does ----

async function logIn(login, password) {
  await site.goto(`${base}/login`);
  await site.fill('#login', login);
  await site.fill('#password', password);
  await site.click('button[type=submit]');
}

async function logOut() {
  await site.click('header form button');
  await site.waitForURL(/\/login$/);
}

async function enterCode(code, button = 'button[type=submit]') {
  await site.fill('#code', code);
  await site.click(button);
}

/** The popup's current code for an account (issuer + name), as shown, without the grouping space.
 *  The popup is reopened first, as a person opens it from the toolbar (a background tab's timers are
 *  throttled, so its display may lag). */
async function popupCode(issuer, name) {
  await popup.bringToFront();
  await popup.reload();
  await popup.waitForSelector('body.ready');
  return popup.evaluate(([i, n]) => {
    for (const li of document.querySelectorAll('#accounts li')) {
      if (li.querySelector('.issuer').textContent === i && li.querySelector('.name').textContent === n) {
        return li.querySelector('.code').dataset.code;
      }
    }
    return null;
  }, [issuer, name]);
}

/** The popup's "scan this page" on the site's visible tab (the capture injected; see popup.test.js). */
async function scanSiteIntoPopup() {
  const shot = `data:image/png;base64,${(await site.screenshot()).toString('base64')}`;
  await popup.bringToFront();
  await popup.evaluate((s) => globalThis.authbarScanPage(s), shot);
  await confirmPreview(popup);
}

async function mainText() {
  return site.textContent('main');
}

/** Waits until the current 30-second step has at least `secs` seconds left (codes are stable then). */
async function stableStep(secs = 8) {
  const left = 30 - (Math.floor(Date.now() / 1000) % 30);
  if (left < secs) await new Promise((r) => setTimeout(r, left * 1000 + 200));
}

/** Waits for the next 30-second step: a step used for activation or login is not accepted again. */
async function nextStep() {
  await new Promise((r) => setTimeout(r, (30 - (Math.floor(Date.now() / 1000) % 30)) * 1000 + 300));
}

async function deleteFromPopup(issuer, name) {
  await popup.bringToFront();
  const li = popup.locator('#accounts li', { has: popup.locator('.name', { hasText: name }) }).filter({ has: popup.locator('.issuer', { hasText: issuer }) });
  await li.locator('.menu summary').click();
  await li.locator('.delete').click();
  await popup.click('.confirm-bar .confirm-delete');
  await popup.waitForFunction(([i, n]) => ![...document.querySelectorAll('#accounts li')].some((li) => li.querySelector('.issuer').textContent === i && li.querySelector('.name').textContent === n), [issuer, name]);
}

// ---- the journey ----

test('1-3: novak scans the set-up QR from the page, activates, logs in with the popup code; a replay is refused', async () => {
  // The administrator creates novak on the web.
  await logIn('admin', ADMIN_PASSWORD);
  await site.goto(`${base}/admin/users`);
  await site.fill('#new-login', 'novak');
  await site.fill('#new-password', 'novak-password');
  await site.click('button:has-text("Create user")');
  assert.match(await mainText(), /User novak created\./);
  await logOut();

  await logIn('novak', 'novak-password');
  assert.match(await mainText(), /signed in as novak/);
  await site.click('text=Settings > User Profile');
  await site.click('text=Set Up Authentication');
  assert.match(await mainText(), /Two-factor authentication is off/);
  mkdirSync(SHOTS, { recursive: true });
  await site.screenshot({ path: join(SHOTS, 'activation.png') });

  await scanSiteIntoPopup();
  assert.equal(await popup.textContent('#accounts li:last-child .issuer'), 'Authbar Flexi');
  assert.equal(await popup.textContent('#accounts li:last-child .name'), 'novak');
  await stableStep();
  const code = await popupCode('Authbar Flexi', 'novak');
  await site.bringToFront();
  await enterCode(code);
  assert.match(await mainText(), /Two-factor authentication is now on for novak/);
  await logOut();

  await nextStep(); // the activation used this step's code
  await logIn('novak', 'novak-password');
  assert.match(await mainText(), /Password accepted for novak/);
  const loginCode = await popupCode('Authbar Flexi', 'novak');
  await site.bringToFront();
  await enterCode(loginCode);
  assert.match(await mainText(), /signed in as novak/);
  assert.match(await mainText(), /Two-factor authentication is on/);
  await logOut();

  // The same code in a second login within the same step.
  await logIn('novak', 'novak-password');
  await enterCode(loginCode);
  assert.match(await mainText(), /This code has already been used/);
});

test('4: a second user activates by pasting the page\'s text code into the popup', async () => {
  cli('add', 'svoboda', '--password', 'svoboda-password');
  await logIn('svoboda', 'svoboda-password');
  await site.goto(`${base}/settings/profile/2fa`);
  const text = (await site.textContent('#text-code')).trim();
  assert.match(text, /^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
  await addText(popup, text, { 'add-issuer': 'Authbar Flexi', 'add-name': 'svoboda' });
  await confirmPreview(popup);
  await stableStep();
  const code = await popupCode('Authbar Flexi', 'svoboda');
  await site.bringToFront();
  await enterCode(code);
  assert.match(await mainText(), /Two-factor authentication is now on for svoboda/);
  await logOut();
});

test('5-6: a third user imports the API\'s QR PNG file; its Secret header is what the popup stored; otp= is enforced', async () => {
  cli('add', 'dvorak', '--password', 'dvorak-password');
  const auth = 'Basic ' + Buffer.from('dvorak:dvorak-password').toString('base64');
  const resp = await fetch(`${base}/u/dvorak/qrcode-2fa.png`, { headers: { authorization: auth } });
  assert.equal(resp.status, 200);
  const secret = resp.headers.get('secret');
  const file = join(dir, 'dvorak-qrcode-2fa.png');
  (await import('node:fs')).writeFileSync(file, Buffer.from(await resp.arrayBuffer()));
  await popup.bringToFront();
  if (await popup.isHidden('#add')) await popup.click('#toggle-add');
  await popup.setInputFiles('#add-file', file);
  await confirmPreview(popup);
  const stored = JSON.parse(await storedVault(popup));
  const entry = stored.entries.find((e) => e.account.name === 'dvorak');
  assert.equal(entry.account.secret, secret, 'the Secret header equals the secret the popup stored');
  await stableStep();
  const act = await fetch(`${base}/api/2fa/activate`, {
    method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify({ code: await popupCode('Authbar Flexi', 'dvorak') }),
  });
  assert.equal(act.status, 200);

  // 6: novak's REST call without otp is refused; with the popup's code it succeeds.
  const novak = 'Basic ' + Buffer.from('novak:novak-password').toString('base64');
  const refused = await fetch(`${base}/u/novak.json`, { headers: { authorization: novak } });
  assert.equal(refused.status, 401);
  assert.match((await refused.json()).error.message, /add \?otp=<current code>/);
  await nextStep(); // a code is used up once, on the web or the API: take the next step's
  const ok = await fetch(`${base}/u/novak.json?otp=${await popupCode('Authbar Flexi', 'novak')}`, { headers: { authorization: novak } });
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).winstrom.uzivatel[0].twoPhaseAuthEnabled, 'true');
});

test('7: with the browser clock 45 s ahead activation fails and says so; at 20 s it succeeds', async () => {
  cli('add', 'cerny', '--password', 'cerny-password');
  await logIn('cerny', 'cerny-password');
  await site.goto(`${base}/settings/profile/2fa`);
  await scanSiteIntoPopup();
  // 45 s ahead is two steps ahead when the server is 15–29 s into its step; wait for that.
  while ((Math.floor(Date.now() / 1000) % 30) < 16 || (Math.floor(Date.now() / 1000) % 30) > 25) await new Promise((r) => setTimeout(r, 250));
  await popup.clock.setFixedTime(new Date(Date.now() + 45_000));
  await popup.waitForTimeout(400);
  const ahead = await popupCode('Authbar Flexi', 'cerny');
  await site.bringToFront();
  await enterCode(ahead);
  const text = await mainText();
  const m = text.match(/clock is between (\d+) and (\d+) seconds ahead of the server's/);
  assert.ok(m, text);
  assert.ok(Number(m[1]) <= 45 && 45 <= Number(m[2]), `45 s lies in the range the page gives: ${m[0]}`);
  assert.match(text, /Two-factor authentication is off/);

  await stableStep();
  await popup.clock.setFixedTime(new Date(Date.now() + 20_000));
  await popup.waitForTimeout(400);
  await site.bringToFront();
  await enterCode(await popupCode('Authbar Flexi', 'cerny'));
  assert.match(await mainText(), /Two-factor authentication is now on for cerny/);
  // Back to the real clock for the rest of the journey (Playwright's clock is the whole context's).
  await popup.clock.setSystemTime(new Date());
  await logOut();
});

test('8: novak deactivates with the popup\'s code; the next login needs the password only', async () => {
  await nextStep();
  await logIn('novak', 'novak-password');
  await enterCode(await popupCode('Authbar Flexi', 'novak'));
  await site.goto(`${base}/settings/profile/2fa`);
  await nextStep(); // the login used this step's code
  await site.fill('#deactivation-code', await popupCode('Authbar Flexi', 'novak'));
  await site.click('button:has-text("Deactivate")');
  assert.match(await mainText(), /Two-factor authentication is now off\. Future logins need only your password/);
  await logOut();
  await logIn('novak', 'novak-password');
  assert.match(await mainText(), /signed in as novak/);
  await logOut();
  await deleteFromPopup('Authbar Flexi', 'novak');
});

test('9: lost phone — the administrator disables 2FA, the entry is deleted, re-activation gives a new QR and the old code fails', async () => {
  // svoboda (2FA on since step 4) loses the phone.
  const oldVault = JSON.parse(await storedVault(popup));
  const oldSecret = oldVault.entries.find((e) => e.account.name === 'svoboda').account.secret;
  await logIn('admin', ADMIN_PASSWORD);
  await site.goto(`${base}/admin/users`);
  assert.match(await site.textContent('tr[data-login="svoboda"]'), /svobodauseron/);
  await site.click('tr[data-login="svoboda"] >> text=Disable Two-Factor Authentication');
  await site.click('button:has-text("Disable Two-Factor Authentication")'); // the confirmation page
  assert.match(await mainText(), /Two-factor authentication is disabled for svoboda/);
  assert.match(await site.textContent('tr[data-login="svoboda"] .twofa'), /off/);
  await logOut();
  await deleteFromPopup('Authbar Flexi', 'svoboda');

  await logIn('svoboda', 'svoboda-password');
  assert.match(await mainText(), /signed in as svoboda/);
  await site.goto(`${base}/settings/profile/2fa`);
  const newText = (await site.textContent('#text-code')).replace(/\s/g, '');
  assert.notEqual(newText, oldSecret, 'a new QR / key');
  await scanSiteIntoPopup();
  await stableStep();
  await site.bringToFront();
  await enterCode(await popupCode('Authbar Flexi', 'svoboda'));
  assert.match(await mainText(), /is now on for svoboda/);
  await logOut();

  // The old authenticator's code no longer works.
  await nextStep();
  const oldCode = execFileSync('oathtool', ['--totp', '-b', oldSecret]).toString().trim();
  await logIn('svoboda', 'svoboda-password');
  await enterCode(oldCode);
  assert.match(await mainText(), /That verification code is not right/);
  await enterCode(await popupCode('Authbar Flexi', 'svoboda'));
  assert.match(await mainText(), /signed in as svoboda/);
  await logOut();
});

test('10: a locked-out administrator is recovered with the help page\'s SQL', async () => {
  await stableStep();
  await logIn('admin', ADMIN_PASSWORD);
  await site.goto(`${base}/settings/profile/2fa`);
  await scanSiteIntoPopup();
  await site.bringToFront();
  await enterCode(await popupCode('Authbar Flexi', 'admin'));
  assert.match(await mainText(), /is now on for admin/);
  await logOut();
  await deleteFromPopup('Authbar Flexi', 'admin'); // the phone is gone
  await logIn('admin', ADMIN_PASSWORD);
  assert.match(await mainText(), /Password accepted for admin/);

  execFileSync('sqlite3', [join(dir, 'flexi.sqlite'), "update csuzivatel set otpsecret = null, otpprefix = null where jmeno = 'admin';"]);
  await logIn('admin', ADMIN_PASSWORD);
  assert.match(await mainText(), /signed in as admin/);
  assert.match(await mainText(), /Two-factor authentication is off/);
  await popup.bringToFront();
  await popup.setViewportSize({ width: 360, height: 300 });
  await popup.screenshot({ path: join(SHOTS, 'popup-journey.png') });
});
