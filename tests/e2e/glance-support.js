// What the glance tests (logos, pins, order, undo, the 360 px screenshots) share: their accounts, a
// vault stored through the extension's own core, and the list as a person sees it.
import { until } from './harness.js';

/** Accounts with logos (GitHub, Google, Proton Mail), without (Zyxel, Microsoft: letters), and more. */
export const ACCOUNTS = [
  { issuer: 'GitHub', name: 'octocat', secret: 'JBSWY3DPEHPK3PXP' },
  { issuer: 'Zyxel Credit Union', name: 'dave', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' },
  { issuer: 'Proton Mail', name: 'carol@proton.me', secret: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU' },
  { issuer: 'Microsoft', name: 'frank@example.com', secret: 'ONSWG4TFOQQGC3TEEBZWKY3SMV2CAMJS' },
  { issuer: 'Google', name: 'erin@gmail.com', secret: 'MFRGGZDFMZTWQ2LKNNWG23TPOA' },
  { issuer: 'Wise', name: 'heidi', secret: 'KRUGS4ZANFZSAYJAORSXG5A' },
];

export const uriOf = (a) => `otpauth://totp/${encodeURIComponent(a.issuer)}:${encodeURIComponent(a.name)}?secret=${a.secret}&issuer=${encodeURIComponent(a.issuer)}`;

/**
 * Stores a vault of `accounts` (ids from 1, in order) made by the extension's own core in the open
 * popup, with `pins` (ids), `logos` (id → choice) and `sites` (id → host), and no notices; then
 * opens the popup afresh.
 */
export async function seed(page, accounts = ACCOUNTS, { pins = [], logos = {}, sites = {} } = {}) {
  await page.evaluate(async ({ uris, pins, logos, sites }) => {
    const { Authbar } = await import('/wasm/authbar_app.js');
    const core = new Authbar(null);
    for (const uri of uris) {
      core.previewText(uri);
      core.commit(null);
    }
    for (const id of pins) core.setPinned(id, true);
    for (const [id, logo] of Object.entries(logos)) core.setLogo(Number(id), logo);
    for (const [id, host] of Object.entries(sites)) core.setSite(Number(id), host);
    const settings = { protectDeclined: true, noticeDismissed: true, reminderDismissed: true };
    await chrome.storage.local.set({ vault: core.toJson(), settings });
  }, { uris: accounts.map(uriOf), pins, logos, sites });
  await reopen(page);
}

/** Loads the popup page again (a new opening) and waits until it is interactive and its logos drawn. */
export async function reopen(page) {
  await page.reload();
  await page.waitForSelector('body.ready');
  await logosDrawn(page);
}

/** Waits until every row shows its logo. */
export function logosDrawn(page) {
  return until(() => page.evaluate(() => [...document.querySelectorAll('#accounts li[data-id]')]
    .every((li) => li.querySelector('.logo-slot .logo'))), 'the logos');
}

/** The rows as shown: `name` (and `*` when pinned, `=slug` or `=letter X` for the logo). */
export function rows(page) {
  return page.$$eval('#accounts li[data-id]', (lis) => lis.map((li) => {
    const logo = li.querySelector('.logo-slot .logo');
    const drawn = !logo ? '' : logo.dataset.slug ? `=${logo.dataset.slug}` : `=letter ${logo.textContent}`;
    return `${li.querySelector('.name').textContent}${li.classList.contains('pinned') ? '*' : ''}${drawn}`;
  }));
}

/** The logo drawn in the row of account `id` (`slug` or `letter X`; '' before it is drawn), also while the row is edited. */
export function logoOf(page, id) {
  return page.$eval(`#accounts li[data-id="${id}"] .logo-slot`, (slot) => {
    const logo = slot.querySelector('.logo');
    return !logo ? '' : logo.dataset.slug ?? `letter ${logo.textContent}`;
  });
}

/** The names in list order. */
export async function names(page) {
  return (await rows(page)).map((r) => r.replace(/[*=].*$/, ''));
}

/** The polite live region's text once it says something matching `pattern`. */
export function announced(page, pattern) {
  return until(async () => {
    const text = await page.textContent('#status');
    return pattern.test(text) ? text : null;
  }, `the live region to say ${pattern}`);
}

/** Opens the row menu of the account named `name` and clicks its item `className`. */
export async function rowAction(page, name, className) {
  const li = page.locator('#accounts li[data-id]', { has: page.locator('.name', { hasText: name }) });
  await li.locator('.menu summary').click();
  await li.locator(`.menu-items .${className}`).click();
}

/** The entry (role=button) of the account named `name`. */
export function entryOf(page, name) {
  return page.locator('#accounts li[data-id]', { has: page.locator('.name', { hasText: name }) }).locator('.entry');
}
