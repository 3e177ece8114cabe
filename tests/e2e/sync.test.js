// Sync between two Chromium profiles through a relay standing for the browser's sync (sync-pair.js):
// a fresh profile joins, then edits made apart merge (adds on both, rename against delete, HOTP used on
// both), relays interrupted, duplicated and reordered converge, an edit in progress survives an incoming
// change, a locked popup keeps what arrives until unlock, and a passphrase changed on one browser opens
// the other. Every scenario ends with both profiles showing the same accounts, codes from oathtool.
// One launch of the two profiles; each scenario starts from the joined pair's stored state.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { T, PASS, Profile, Relay, account, ACME, BANK, MAIL, DAVE, ERIN, link, assertBothShow, addAccounts, rename, remove, unlock, restorePair } from './sync-pair.js';

const START = [ACME, BANK, MAIL];

let A;
let B;
let relay;
let joined = null;   // both profiles' storage once B has joined A's accounts

before(async () => {
  [A, B] = await Promise.all([Profile.launch('A'), Profile.launch('B')]);
  relay = new Relay(A, B);
});

after(async () => {
  await Promise.all([A?.quit(), B?.quit()]);
});

/** Each scenario after the first starts from the joined pair, both popups open and unlocked. */
beforeEach(async () => {
  if (joined) await restorePair([A, B], relay, joined);
});

test('a fresh profile opens on the lock screen and the other browser’s passphrase brings every account', async () => {
  await A.open();
  await addAccounts(A.page, START, PASS);
  await A.quiet();
  assert.ok((await A.items())['authbar:header'], 'A published its accounts when the passphrase was set');
  const area = JSON.stringify(await A.items());
  for (const plain of ['ACME', 'alice', 'Big Bank', 'JBSWY3DPEHPK3PXP', 'carol']) assert.ok(!area.includes(plain), `${plain} is not readable in sync`);
  await relay.push(A);
  await relay.pull(B);

  await B.open();
  await B.page.waitForSelector('#lock-screen:not([hidden])');
  assert.equal(await B.page.textContent('#lock-title'), 'Your accounts are in sync');
  assert.ok(await B.page.isVisible('#lock-sync-hint'));
  assert.equal(await B.page.evaluate(() => document.activeElement.id), 'unlock-passphrase');
  // A wrong passphrase is a clear error and changes nothing.
  const itemsBefore = await B.items();
  await unlock(B.page, 'not the passphrase');
  await B.page.waitForSelector('#unlock-error:not([hidden])');
  assert.equal(await B.page.textContent('#unlock-error'), 'Wrong passphrase. Nothing was changed.');
  assert.equal(await B.vault(), null);
  assert.deepEqual(await B.items(), itemsBefore);

  await unlock(B.page, PASS);
  await B.page.waitForSelector('#accounts .entry');
  await B.quiet();
  await relay.settle(A, B);
  await assertBothShow([A, B], START);
  // B's vault is sealed with the sync passphrase: locked, it opens with it.
  assert.match(await B.vault(), /"format": *"authbar-vault"/);
  await B.page.click('#lock-now');
  await unlock(B.page, PASS);
  await B.page.waitForSelector('#accounts .entry');
  await B.quiet();
  joined = { A: await A.snapshot(), B: await B.snapshot() };
});

test('both add while apart, then the relay: both accounts on both', async () => {
  await addAccounts(A.page, [DAVE]);
  await addAccounts(B.page, [ERIN]);
  await Promise.all([A.quiet(), B.quiet()]);
  await relay.settle(A, B);
  await assertBothShow([A, B], [...START, DAVE, ERIN], { anyOrder: true });
});

test('rename on one and delete on the other: the renamed account stays (the delete did not see the rename)', async () => {
  await rename(A.page, 0, 'ACME Corp', 'alice@example.com');
  await remove(B.page, 0);
  await Promise.all([A.quiet(), B.quiet()]);
  await relay.settle(A, B);
  await assertBothShow([A, B], [{ ...START[0], issuer: 'ACME Corp' }, START[1], START[2]]);
});

test('delete on one and edit on the other: the edit keeps it; deleted again after seeing the edit, it goes', async () => {
  await remove(A.page, 1);
  await rename(B.page, 1, 'Big Bank', 'robert');
  await Promise.all([A.quiet(), B.quiet()]);
  await relay.settle(A, B);
  await assertBothShow([A, B], [START[0], { ...START[1], name: 'robert' }, START[2]]);
  await remove(A.page, 1);
  await A.quiet();
  await relay.settle(A, B);
  await assertBothShow([A, B], [START[0], START[2]]);
});

test('HOTP used on both browsers: the counter merges to the highest, no code shown twice', async () => {
  const next = async (p) => {
    const code = (await p.shown())[2];
    await p.page.click('#accounts li:nth-child(3) .next');
    await p.page.waitForFunction((c) => document.querySelector('#accounts li:nth-child(3) .entry .code').textContent.replace(/\s/g, '') !== c.split('|')[2], code);
    await p.quiet();
  };
  await next(A);
  await next(A);
  await next(B);
  await relay.settle(A, B);
  await assertBothShow([A, B], [START[0], START[1], { ...START[2], counter: 7 }]);
});

test('an interrupted relay (half of the changed keys, then the rest) is never read as a smaller vault', async () => {
  const more = Array.from({ length: 12 }, (_, i) => account(`Site ${i}`, `user${i}@example.com`, `${'ABCDEFGHIJKLMNOP'.slice(i, i + 4)}GEZDGNBVGY3TQOJQ`.slice(0, 16)));
  await addAccounts(A.page, more);
  await A.quiet();
  await relay.push(A);
  const changed = relay.pending(B);
  assert.ok(changed.length >= 4, `the adds change several items: ${changed}`);
  const half = new Set(changed.slice(0, Math.ceil(changed.length / 2)));
  await relay.pull(B, (key) => half.has(key));
  const midway = (await B.shown()).length;
  assert.ok(midway > START.length && midway < START.length + more.length, `B has part of the new accounts (${midway}) and all its own`);
  assert.equal(relay.pending(B).length, changed.length - half.size);
  await relay.pull(B);
  await relay.settle(A, B);
  await assertBothShow([A, B], [...START, ...more]);
});

test('duplicated and reordered relays converge: a stale item after a newer one, items one by one in reverse', async () => {
  await addAccounts(A.page, [DAVE]);
  await A.quiet();
  const first = await A.items();
  await rename(A.page, 3, 'Forge', 'dave@forge.example');
  await A.quiet();
  const second = await A.items();
  const deliverEach = async (items, keys) => {
    for (const key of keys) {
      if ((await B.items())[key] === items[key]) continue;
      const heard = await B.heard();
      await B.deliver({ [key]: items[key] });
      await B.page.waitForFunction((n) => globalThis.authbarSync.heard > n, heard, { polling: 20 });
      await B.quiet();
    }
  };
  const keys = Object.keys(second).filter((k) => second[k] !== joined.A.sync[k]).sort().reverse();
  await deliverEach(second, keys);
  await deliverEach(first, keys);    // the older state again, after the newer
  await deliverEach(second, keys);   // and the newer once more
  await relay.reset(A, B);           // what B holds now is what the relay delivered
  await relay.settle(A, B);
  await assertBothShow([A, B], [...START, { ...DAVE, name: 'dave@forge.example' }]);
});

test('an incoming change keeps a rename being typed, the search text, focus and an open Add preview', async () => {
  // B starts renaming and types, without saving.
  await B.page.click('#accounts li:nth-child(2) .menu summary');
  await B.page.click('#accounts li:nth-child(2) .rename');
  await B.page.fill('.rename-form input:nth-of-type(2)', 'bob the builder');
  await addAccounts(A.page, [DAVE]);
  await A.quiet();
  await relay.push(A);
  await relay.pull(B);
  assert.equal(await B.page.inputValue('.rename-form input:nth-of-type(2)'), 'bob the builder', 'the typed name is still there');
  assert.equal(await B.page.evaluate(() => document.activeElement.closest('.rename-form') !== null), true, 'focus stays in the form');
  await B.page.click('.rename-form button[type=submit]');
  await B.page.waitForSelector('.rename-form', { state: 'detached' });
  await B.quiet();
  // Then the list shows both: the merged account and the rename.
  await relay.settle(A, B);
  await assertBothShow([A, B], [START[0], { ...START[1], name: 'bob the builder' }, START[2], DAVE]);

  // An Add preview open, and the search text, survive an incoming change.
  await B.page.click('#toggle-add');
  await B.page.fill('#add-text', link(ERIN));
  await B.page.click('#text-form button[type=submit]');
  await B.page.waitForSelector('#preview:not([hidden])');
  await rename(A.page, 0, 'ACME', 'alice@acme.example');
  await A.quiet();
  await relay.push(A);
  await relay.pull(B);
  assert.ok(await B.page.isVisible('#preview'), 'the preview stays open');
  await B.page.click('#preview-commit');
  await B.page.waitForSelector('#preview[hidden]', { state: 'attached' });
  await B.quiet();
  await relay.settle(A, B);
  const renamed = { ...START[0], name: 'alice@acme.example' };
  await assertBothShow([A, B], [renamed, { ...START[1], name: 'bob the builder' }, START[2], DAVE, ERIN], { anyOrder: true });
});

test('a locked popup keeps incoming changes as they are and merges them at unlock', async () => {
  await B.page.click('#lock-now');
  await B.page.waitForSelector('#lock-screen:not([hidden])');
  const lockedVault = await B.vault();
  await addAccounts(A.page, [DAVE]);
  await A.quiet();
  await relay.push(A);
  const delivered = relay.pending(B);
  await relay.pull(B);
  assert.equal(await B.vault(), lockedVault, 'nothing merged while locked');
  const items = await B.items();
  for (const key of delivered) assert.equal(items[key], relay.server.get(key), `${key} kept as it came`);
  await unlock(B.page, PASS);
  await B.page.waitForSelector('#accounts .entry');
  await B.quiet();
  await relay.settle(A, B);
  await assertBothShow([A, B], [...START, DAVE]);
});

test('the passphrase changed on one browser: the other unlocks with the new one, then takes its slots', async () => {
  const NEW = 'a brand new passphrase';
  await B.page.click('#lock-now');
  await A.settings();
  await A.page.fill('#change-current', PASS);
  await A.page.fill('#change-new', NEW);
  await A.page.fill('#change-repeat', NEW);
  await A.page.click('#change-passphrase-form button[type=submit]');
  await A.page.waitForSelector('#change-passphrase-form button[type=submit]:not([disabled])');
  await A.quiet();
  await relay.push(A);
  await relay.pull(B);
  // Locked and not yet holding the new slots, B opens with the new passphrase (the sync area's).
  await unlock(B.page, NEW);
  await B.page.waitForSelector('#accounts .entry');
  await B.quiet();
  await relay.settle(A, B);
  await assertBothShow([A, B], START);
  // From now on B's own vault opens with the new passphrase only.
  await B.page.click('#lock-now');
  await unlock(B.page, PASS);
  await B.page.waitForSelector('#unlock-error:not([hidden])');
  await unlock(B.page, NEW);
  await B.page.waitForSelector('#accounts .entry');
});
