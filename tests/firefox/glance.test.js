// Logos and pins in Firefox ESR (issue 28): the rows show the issuers' logos from the package (a letter
// where there is none), and pinning through a row's menu puts the account first, stored and kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newProfile, removeProfile } from './firefox.js';

const URIS = [
  'otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub',
  'otpauth://totp/Zyxel%20Credit%20Union:dave?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Zyxel%20Credit%20Union',
  'otpauth://totp/Google:erin?secret=MFRGGZDFMZTWQ2LKNNWG23TPOA&issuer=Google',
];

/** The rows as shown: name, `*` when pinned, and the logo drawn (`=slug` or `=letter X`). */
const ROWS = `return [...document.querySelectorAll('#accounts li[data-id]')].map((li) => {
  const logo = li.querySelector('.logo-slot .logo');
  const drawn = !logo ? '' : logo.dataset.slug ? '=' + logo.dataset.slug : '=letter ' + logo.textContent;
  return li.querySelector('.name').textContent + (li.classList.contains('pinned') ? '*' : '') + drawn;
});`;

test('Firefox: logos show in the rows, and a pin puts an account first and is kept', async () => {
  const profile = newProfile();
  const browser = await launch(profile);
  try {
    await browser.openPopup();
    // The vault made by the extension's own core, stored as the popup stores it.
    await browser.runAsync(`const app = await import('/wasm/authbar_app.js');
      await app.default(); // at once if the popup has it already
      const { Authbar } = app;
      const core = new Authbar(null);
      for (const uri of arguments[0]) { core.previewText(uri); core.commit(null); }
      await browser.storage.local.set({ vault: core.toJson(), settings: { protectDeclined: true, noticeDismissed: true } });`, URIS);
    const reopen = async () => {
      await browser.run('window.authbarStale = true; setTimeout(() => location.reload(), 0);');
      await browser.waitFor(() => browser.run(`return !window.authbarStale && document.body.classList.contains('ready')
        && [...document.querySelectorAll('#accounts li[data-id]')].every((li) => li.querySelector('.logo-slot .logo svg, .logo-slot .logo-letter'))`), 'the logos');
    };
    await reopen();
    assert.deepEqual(await browser.run(ROWS), ['octocat=github', 'dave=letter Z', 'erin=google']);
    assert.equal(await browser.run("return !!document.querySelector('#accounts li[data-id=\"1\"] .logo svg path')"), true);

    await browser.click('#accounts li[data-id="3"] .menu summary');
    await browser.click('#accounts li[data-id="3"] .menu-items .pin');
    await browser.waitFor(async () => (await browser.run(ROWS))[0] === 'erin*=google', 'Google pinned first');
    assert.match(await browser.runAsync("return (await browser.storage.local.get('vault')).vault;"), /"pinned":true/);
    await reopen();
    assert.deepEqual(await browser.run(ROWS), ['erin*=google', 'octocat=github', 'dave=letter Z']);
  } finally {
    await browser.quit();
    removeProfile(profile);
  }
});
