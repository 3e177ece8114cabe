// Sync in headless Firefox ESR (geckodriver): the same sync.js through browser.storage.sync. One
// profile sets a passphrase with its first account and publishes it encrypted (nothing readable in the
// area); after a restart, with the local vault gone, the popup opens on the join offer and the
// passphrase brings the account back from the area, its code equal to oathtool's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oathtool } from '../e2e/harness.js';
import { launch, newProfile, removeProfile } from './firefox.js';

const PASS = 'correct horse battery';
const SECRET = 'JBSWY3DPEHPK3PXP';
const syncArea = (browser) => browser.runAsync('return browser.storage.sync.get(null);');

test('Firefox: one profile writes the encrypted sync area and reads it back', async () => {
  const profile = newProfile();
  try {
    let area;
    const first = await launch(profile);
    try {
      await first.openPopup();
      await first.click('#toggle-add');
      await first.type('#add-text', `otpauth://totp/ACME:alice@example.com?secret=${SECRET}&issuer=ACME`);
      await first.click('#text-form button[type=submit]');
      await first.click('#preview-commit');
      await first.type('#preview-protect-new', PASS);
      await first.type('#preview-protect-repeat', PASS);
      await first.click('#preview-protect-go');
      area = await first.waitFor(async () => {
        const items = await syncArea(first);
        return items['authbar:header'] && Object.keys(items).some((k) => /^authbar:r\d\d$/.test(k)) ? items : null;
      }, 'the area published');
      const text = JSON.stringify(area);
      for (const plain of ['ACME', 'alice', SECRET]) assert.ok(!text.includes(plain), `${plain} is not readable in sync`);
      assert.equal(JSON.parse(area['authbar:header']).format, 'authbar-sync');
    } finally {
      await first.quit();
    }

    const second = await launch(profile);
    try {
      await second.openPopup();
      assert.deepEqual(await syncArea(second), area, 'the area is kept across a restart');
      // This browser's own vault gone: the area alone brings the account back.
      await second.runAsync('await browser.storage.local.clear(); await browser.storage.session.clear();');
      await second.run('location.reload();');
      await second.waitFor(() => second.run('return document.readyState === "complete" && document.body.classList.contains("ready")'), 'body.ready');
      await second.visible('#lock-sync-hint');
      await second.type('#unlock-passphrase', PASS);
      await second.click('#unlock-form button[type=submit]');
      const { shown, expected } = await second.waitFor(async () => {
        const r = await second.run(`const t = Date.now(); const c = document.querySelector('#accounts .code');
          return { s: Math.floor(t / 1000), e: Math.floor(Date.now() / 1000), code: c?.dataset.code ?? null };`);
        if (!r.code || Math.floor(r.s / 30) !== Math.floor(r.e / 30) || r.s % 30 < 1) return null;
        return { shown: r.code, expected: oathtool({ secret: SECRET, time: r.s }) };
      }, 'the joined account’s code');
      assert.equal(shown, expected);
      assert.equal(await second.run('return document.querySelector("#accounts .issuer").textContent'), 'ACME');
      assert.match((await second.runAsync("return (await browser.storage.local.get('vault')).vault;")), /"format": *"authbar-vault"/);
    } finally {
      await second.quit();
    }
  } finally {
    removeProfile(profile);
  }
});
