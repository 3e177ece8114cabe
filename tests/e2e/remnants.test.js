// No plain-text remnant of a secret on disk (issue 24, point 1): the whole profile directory, every file,
// read as bytes after a browser restart, holds no secret, issuer or name that the vault no longer holds
// in the clear: not in base32, hex or base64, nor as raw bytes. Chromium's storage.local is LevelDB,
// which keeps overwritten values in its log and tables until a compaction drops them; ext.js's
// purgeOldValues makes that happen (docs/remnants.md has the mechanism and the measurements).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { launch, openPopup, addText, confirmPreview, storedVault } from './harness.js';

const T = 1_800_000_010;
const PASS = 'remnant probe passphrase';

/** RFC 4648 base32 of `bytes`, without padding. */
function base32(bytes) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0, out = '';
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) { out += alphabet[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  return bits ? out + alphabet[(value << (5 - bits)) & 31] : out;
}

/** An account with strings found nowhere else: 20 random-looking secret bytes, and unusual names. */
function account(label) {
  const bytes = createHash('sha1').update(`authbar remnants: ${label}`).digest();
  const issuer = `Wombatbank${label}`;
  const name = `quokka.${label}@remnant.example`;
  return {
    uri: `otpauth://totp/${issuer}:${encodeURIComponent(name)}?secret=${base32(bytes)}&issuer=${issuer}`,
    // Every form the probe looked for: the base32 text, its bytes as hex, as base64, and raw.
    needles: {
      base32: base32(bytes), hex: bytes.toString('hex'), base64: bytes.toString('base64'),
      base64url: bytes.toString('base64url'), raw: bytes, issuer, name,
    },
  };
}

/** Every file under `dir` (recursively, as bytes) holding one of `needles`: ["label in path", …]. */
function foundIn(dir, needles) {
  const hits = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) { walk(path); continue; }
      if (!entry.isFile()) continue;
      const bytes = readFileSync(path);
      for (const [label, needle] of Object.entries(needles)) {
        if (bytes.includes(needle)) hits.push(`${label} in ${path.slice(dir.length + 1)}`);
      }
    }
  };
  walk(dir);
  return hits;
}

async function withProfile(fn) {
  const profile = mkdtempSync(join(tmpdir(), 'authbar-remnants-'));
  try { await fn(profile); } finally { rmSync(profile, { recursive: true, force: true }); }
}

/** One browser session on `profile`: `fn(page)` in a fresh popup, then the browser is closed. */
async function session(profile, fn) {
  const { context } = await launch({ userDataDir: profile });
  try { await fn(await openPopup(context, T)); } finally { await context.close(); }
}

async function add(page, a) {
  await addText(page, a.uri);
  await confirmPreview(page);
}

/**
 * Waits for the purges the popup started (the step just done started one, after its UI changed);
 * starts none itself, so a step that forgot to purge leaves its remnants for the test to find.
 */
async function purged(page) {
  await page.evaluate(() => globalThis.authbarPurgesDone());
}

async function openSettings(page) {
  if (await page.isHidden('#settings')) await page.click('#toggle-settings');
}

async function setPassphrase(page) {
  await openSettings(page);
  await page.fill('#set-new', PASS);
  await page.fill('#set-repeat', PASS);
  await page.click('#set-passphrase-form button[type=submit]');
  await page.waitForSelector('#lock-now:not([hidden])');
  await purged(page);
  // Accounts were stored unprotected before: the person is told where copies may remain that no
  // extension reaches (backups of the computer, the disk's free space).
  await page.waitForSelector('#remnants-notice:not([hidden])');
  assert.match(await page.textContent('#remnants-notice'), /backups or snapshots of this computer/);
}

async function removePassphrase(page) {
  await openSettings(page);
  await page.$eval('#remove-passphrase', (d) => { d.open = true; });
  await page.fill('#remove-current', PASS);
  await page.click('#remove-passphrase-form button[type=submit]');
  await page.waitForSelector('#set-passphrase-form:not([hidden])');
  await purged(page);
}

async function unlock(page) {
  await page.fill('#unlock-passphrase', PASS);
  await page.click('#unlock-form button[type=submit]');
  await page.waitForSelector('#lock-now:not([hidden])');
}

/** Deletes the account shown with `issuer`. */
async function remove(page, issuer) {
  const row = page.locator('#accounts li', { hasText: issuer });
  await row.locator('.menu summary').click();
  await row.locator('.delete').click();
  await page.click('.confirm-bar .confirm-delete');
  // Until the deletion is stored, the question's bar names the account too (beside its hidden row).
  await page.locator('.confirm-bar').waitFor({ state: 'detached' });
  await page.locator('#accounts li', { hasText: issuer }).waitFor({ state: 'detached' });
  await purged(page);
}

/** A restart as the outside probe made it: open and unlock (when locked), then close again. */
async function reopen(profile) {
  await session(profile, async (page) => {
    if (await page.isVisible('#unlock-form')) await unlock(page);
  });
}

test('a secret added before the passphrase was set is left nowhere in the profile after a restart', async () => {
  await withProfile(async (profile) => {
    const early = account('EarlyPlain');
    await session(profile, async (page) => {
      await add(page, early);
      // The check can see plain text: the unprotected vault is on disk, in every form.
      assert.deepEqual(new Set(foundIn(profile, early.needles).map((h) => h.split(' ')[0])), new Set(Object.keys(early.needles).filter((k) => ['base32', 'issuer', 'name'].includes(k))));
      await setPassphrase(page);
    });
    await reopen(profile);
    assert.deepEqual(foundIn(profile, early.needles), []);
  });
});

test('a deleted account is left nowhere in the profile after a restart, unprotected or protected', async () => {
  await withProfile(async (profile) => {
    const gone = account('DeletedPlain');
    const kept = account('KeptPlain');
    const goneLocked = account('DeletedSealed');
    let sealedWithIt = null;
    await session(profile, async (page) => {
      await add(page, gone);
      await add(page, kept);
      await remove(page, gone.needles.issuer);
      await setPassphrase(page);
      await add(page, goneLocked);
      sealedWithIt = (await storedVault(page)).match(/"ciphertext":\s*"([A-Za-z0-9+/]{64})/)[1];
      await remove(page, goneLocked.needles.issuer);
    });
    await reopen(profile);
    // The last is never written in the clear; the sealed text that held it opens with the passphrase.
    assert.deepEqual([...foundIn(profile, gone.needles), ...foundIn(profile, { sealedWithIt }), ...foundIn(profile, goneLocked.needles)], []);
  });
});

test('nothing of a time without a passphrase is left in the profile once one is set again', async () => {
  await withProfile(async (profile) => {
    const first = account('BeforeRemoval');
    const between = account('AddedUnprotected');
    await session(profile, async (page) => {
      await add(page, first);
      await setPassphrase(page);
      await removePassphrase(page);
      await add(page, between);
    });
    await reopen(profile);
    await session(profile, async (page) => { await setPassphrase(page); });
    await reopen(profile);
    assert.deepEqual([...foundIn(profile, first.needles), ...foundIn(profile, between.needles)], []);
  });
});

test('a purge without room for its filler says so, and the deletion it follows stands', async () => {
  await withProfile(async (profile) => {
    const gone = account('NoRoom');
    const spare = account('Spare');
    await session(profile, async (page) => {
      await add(page, gone);
      await add(page, spare);
      // Other data leaves less than the 128 KiB the smallest filler needs.
      await page.evaluate(async () => {
        const room = 10 * 1024 * 1024 - (await chrome.storage.local.getBytesInUse(null));
        await chrome.storage.local.set({ ballast: 'b'.repeat(room - 100 * 1024) });
      });
      await remove(page, gone.needles.issuer);
      assert.match(await page.textContent('#banner'), /^Old copies of your accounts may stay in the browser’s files: its storage needs \d+ KiB more room to remove them\./);
      const stored = await storedVault(page);
      assert.ok(!stored.includes(gone.needles.name) && stored.includes(spare.needles.name));
    });
  });
});
