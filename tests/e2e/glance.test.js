// Finding an account at a glance (issue 28, points 1-2) in the real popup: each row's logo (the
// issuer's brand, else a letter), drawn after the first paint into a box the row already had, with
// no request to the network; the picker in the row's edit view; pins; moves by keyboard and by
// dragging; the order kept after reopening and after a backup is restored into a new profile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, openPopup, confirmPreview, oathtool, shownCodes, until } from './harness.js';
import { ACCOUNTS, seed, reopen, logosDrawn, logoOf, rows, names, announced, rowAction, entryOf } from './glance-support.js';

const T = 1_700_000_000;

/** Every URL the browser requests (pages, workers) and, through CDP, the popup page's own. */
async function watchRequests(context, page) {
  const urls = [];
  context.on('request', (request) => urls.push(request.url()));
  const cdp = await context.newCDPSession(page);
  cdp.on('Network.requestWillBeSent', (e) => urls.push(e.request.url));
  await cdp.send('Network.enable');
  return urls;
}

test('rows show the issuer\'s logo or a letter, after the first paint and in the box it kept, with nothing from the network', async () => {
  const { context, cleanup } = await launch();
  try {
    // No test clock here: a fixed clock stops the page's performance entries, which time the logos.
    const page = await openPopup(context);
    const urls = await watchRequests(context, page);
    await seed(page);
    assert.deepEqual(await rows(page), ['octocat=github', 'dave=letter Z', 'carol@proton.me=protonmail',
      'frank@example.com=letter M', 'erin@gmail.com=google', 'heidi=wise']);
    // Each tile is the bundle's icon on the brand's colour, hidden from screen readers (the row names it).
    const github = await page.$eval('#accounts li[data-id="1"] .logo', (tile) => ({
      hidden: tile.getAttribute('aria-hidden'), path: !!tile.querySelector('svg path'), bg: getComputedStyle(tile).backgroundColor,
    }));
    assert.deepEqual(github, { hidden: 'true', path: true, bg: 'rgb(24, 23, 23)' });
    // The first paint loads no logo: logos.css and the bundle are asked for only after the app
    // module (which the first paint does not wait for: split.test.js), and drawn after the paint.
    const opened = urls.slice(urls.findLastIndex((u) => u.endsWith('/popup.html')));
    const asked = (end) => opened.findIndex((u) => u.endsWith(end));
    assert.ok(asked('/wasm/authbar_app_bg.wasm') > 0, opened.join(' '));
    for (const end of ['/logos.css', '/logos/logos.json']) assert.ok(asked(end) > asked('/wasm/authbar_app_bg.wasm'), `${end}: ${opened.join(' ')}`);
    const timing = await page.evaluate(() => ({
      painted: performance.getEntriesByName('authbar:painted')[0]?.startTime,
      drawn: performance.getEntriesByName('authbar:logos')[0]?.startTime,
    }));
    assert.ok(timing.painted > 0 && timing.drawn > timing.painted, JSON.stringify(timing));
    // No layout shift: without their logos the rows' names and codes sit exactly where they are now.
    const places = () => page.$$eval('#accounts .entry', (nodes) => nodes.map((n) => JSON.stringify(n.getBoundingClientRect())));
    const withLogos = await places();
    await page.$$eval('#accounts .logo-slot', (slots) => slots.forEach((s) => s.replaceChildren()));
    assert.deepEqual(await places(), withLogos);
    assert.deepEqual(await page.$eval('.logo-slot', (s) => [s.offsetWidth, s.offsetHeight]), [28, 28]);
    assert.ok(urls.some((u) => u.endsWith('/logos/logos.json')), `the watch sees the extension's own requests: ${urls.join(' ')}`);
    assert.deepEqual(urls.filter((u) => /^https?:/i.test(u)), [], 'no http(s) request');
  } finally {
    await cleanup();
  }
});

test('the edit view\'s picker chooses a logo, the letter or the automatic one, and the choice is kept', async () => {
  const { context, cleanup } = await launch();
  try {
    const page = await openPopup(context, T);
    const urls = await watchRequests(context, page);
    await seed(page);
    await rowAction(page, 'dave', 'rename');
    const button = page.locator('.rename-form .logo-choice');
    assert.equal(await button.getAttribute('aria-label'), 'Logo: Automatic');
    // By keyboard: the button, then the search field; Enter chooses.
    await button.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('.logo-picker');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Search logos');
    assert.equal(await page.locator('.logo-picker [role=option][data-value=auto]').count(), 1, 'Automatic is offered');
    await page.keyboard.type('gitlab');
    await page.keyboard.press('Enter');
    await until(async () => (await button.getAttribute('aria-label')) === 'Logo: GitLab');
    assert.equal(await page.evaluate(() => document.activeElement.classList.contains('logo-choice')), true, 'focus back on the button');
    await announced(page, /^Logo: GitLab$/);
    assert.match(await page.evaluate(() => chrome.storage.local.get('vault').then((s) => s.vault)), /"logo":"gitlab"/);
    await page.keyboard.press('Escape');
    await reopen(page);
    assert.equal((await rows(page))[1], 'dave=gitlab', 'kept after reopening');

    // The letter on an account that has a brand, then back to the automatic one.
    await rowAction(page, 'octocat', 'rename');
    await page.click('.rename-form .logo-choice');
    await page.keyboard.type('letter');
    await page.keyboard.press('Enter');
    await until(async () => (await logoOf(page, 1)) === 'letter G');
    await page.click('.rename-form .logo-choice');
    assert.equal(await page.getAttribute('.logo-picker [role=option].current', 'data-value'), 'letter');
    await page.click('.logo-picker [data-value=auto]');
    await until(async () => (await logoOf(page, 1)) === 'github');
    await page.click('.rename-form button[type=submit]');
    assert.doesNotMatch(await page.evaluate(() => chrome.storage.local.get('vault').then((s) => s.vault)), /"logo":"letter"/);

    // A slug Authbar does not ship is refused by the core, in words naming it.
    const refused = await page.evaluate(async () => {
      const { errorText } = await import('/dom.js');
      try {
        globalThis.authbarCore().setLogo(1, 'nosuchbrand');
        return null;
      } catch (err) {
        return { code: err.code, words: errorText(err) };
      }
    });
    assert.deepEqual(refused, { code: 'unknown_logo', words: '“nosuchbrand” is not one of the logos Authbar ships: choose one from its list, or “letter” for the letter.' });
    assert.deepEqual(urls.filter((u) => /^https?:/i.test(u)), []);
  } finally {
    await cleanup();
  }
});

test('pins, moves by keyboard and by dragging are stored, said, and kept after reopening and a restored backup', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'authbar-glance-'));
  let file;
  let shown;
  let codes;
  try {
    {
      const { context, cleanup } = await launch();
      try {
        const page = await openPopup(context, T);
        await seed(page);
        // Pin Google: first, marked, named "Pinned", announced; its menu offers "Unpin".
        await rowAction(page, 'erin@gmail.com', 'pin');
        await announced(page, /^Google – erin@gmail\.com pinned to the top$/);
        assert.deepEqual((await rows(page)).slice(0, 2), ['erin@gmail.com*=google', 'octocat=github']);
        assert.equal(await page.getAttribute('#accounts li.pinned .pin-mark', 'aria-label'), 'Pinned');
        assert.equal(await page.textContent('#accounts li.pinned .menu-items .pin'), 'Unpin');
        assert.equal(await page.evaluate(() => document.activeElement.closest('li')?.querySelector('.name').textContent), 'erin@gmail.com');

        // By keyboard: Alt+Up twice takes Wise from 6th to 4th; the hint is in the rows' description.
        assert.match(await page.textContent('#copy-hint'), /Alt\+Up and Alt\+Down move the account/);
        await entryOf(page, 'heidi').focus();
        await page.keyboard.press('Alt+ArrowUp');
        await announced(page, /^Moved Wise – heidi to position 5 of 6$/);
        await page.keyboard.press('Alt+ArrowUp');
        await announced(page, /^Moved Wise – heidi to position 4 of 6$/);
        assert.equal(await page.evaluate(() => document.activeElement.closest('li').querySelector('.name').textContent), 'heidi', 'focus stays on it');
        // The first account below the pinned one goes no higher: said so, nothing changes.
        const before = await names(page);
        await entryOf(page, 'octocat').focus();
        await page.keyboard.press('Alt+ArrowUp');
        await announced(page, /^GitHub – octocat stays at position 2 of 6/);
        assert.deepEqual(await names(page), before);
        await page.keyboard.press('Alt+ArrowDown');
        await announced(page, /^Moved GitHub – octocat to position 3 of 6$/);
        assert.deepEqual(await names(page), ['erin@gmail.com', 'dave', 'octocat', 'heidi', 'carol@proton.me', 'frank@example.com']);

        // Dragged: Microsoft's row dropped on the upper half of Zyxel's goes just before it.
        await page.dragAndDrop('#accounts li[data-id="4"] .entry', '#accounts li[data-id="2"]', { targetPosition: { x: 40, y: 4 } });
        await announced(page, /^Moved Microsoft – frank@example\.com to position 2 of 6$/);
        shown = await rows(page);
        assert.deepEqual(shown, ['erin@gmail.com*=google', 'frank@example.com=letter M', 'dave=letter Z', 'octocat=github',
          'heidi=wise', 'carol@proton.me=protonmail']);
        // A row dropped among the pinned does not move there.
        await page.dragAndDrop('#accounts li[data-id="1"] .entry', '#accounts li[data-id="5"]', { targetPosition: { x: 40, y: 4 } });
        assert.deepEqual(await rows(page), shown);

        await reopen(page);
        assert.deepEqual(await rows(page), shown, 'kept after reopening');
        codes = await shownCodes(page);
        const byName = Object.fromEntries(ACCOUNTS.map((a) => [a.name, a]));
        assert.deepEqual(codes, (await names(page)).map((n) => oathtool({ secret: byName[n].secret, time: T })));

        await page.click('#toggle-settings');
        await page.fill('#backup-new', 'backup passphrase');
        await page.fill('#backup-repeat', 'backup passphrase');
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('#backup-form button[type=submit]')]);
        file = join(dir, 'glance.authbar');
        await download.saveAs(file);
      } finally {
        await cleanup();
      }
    }
    // A new profile restores the backup: the same order, pin and logos.
    const { context, cleanup } = await launch();
    try {
      const page = await openPopup(context, T);
      await page.click('#toggle-settings');
      await page.setInputFiles('#import-file', file);
      await page.waitForSelector('#import-password-form:not([hidden])');
      await page.fill('#import-password', 'backup passphrase');
      await page.click('#import-password-form button[type=submit]');
      await confirmPreview(page);
      await logosDrawn(page);
      assert.deepEqual(await rows(page), shown);
      assert.deepEqual(await shownCodes(page), codes);
    } finally {
      await cleanup();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
