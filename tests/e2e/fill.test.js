// The fill against the one-time-code forms people meet (issue 27 point 2, issue 24 point 5): every
// page of tests/fixtures/forms/ reads its code the way that kind of site does and writes what it got
// into `document.body.dataset.received`. Each is filled from the popup, whose clock is fixed, and the
// page's own reading must be oathtool's code for that time. The in-page function (extension/fill.js)
// is also called directly through `chrome.scripting.executeScript` from an extension page, where its
// answer — which rule found the field (`how`), which technique the page took (`by`), or why nothing
// was filled — is the point. The browser has the access a toolbar click's activeTab grant gives
// (harness.js `siteAccess`); the pages are served as http://forms.test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { launch, openPopup, addText, confirmPreview, oathtool } from './harness.js';
import { FORMS, SIX, EIGHT, CORPUS, serveForms, reading as pageReading } from './forms.js';

// The popup's fixed clock. In the past: the clock check's in-page requests, timed by the popup's
// clock, are then due at once and never wait in the page.
const T = 1_700_000_015;
const codeOf = (account) => oathtool({ secret: account.secret, time: T, digits: account.digits });

// The code field's words in the ten languages Authbar ships, as sites put them.
const LABELS = {
  en: 'Verification code', cs: 'Ověřovací kód', de: 'Bestätigungscode', sk: 'Overovací kód', pl: 'Kod weryfikacyjny',
  fr: 'Code de vérification', es: 'Código de verificación', it: 'Codice di verifica', pt_BR: 'Código de verificação',
  uk: 'Код підтвердження',
};

let context, cleanup, server, site, tabId, helper;
const origin = () => `http://forms.test:${server.address().port}`;

before(async () => {
  server = await serveForms();
  ({ context, cleanup } = await launch({ siteAccess: true }));
  helper = await openPopup(context);
  for (const a of [SIX, EIGHT]) {
    await addText(helper, `otpauth://totp/Forms:${a.name}?secret=${a.secret}&issuer=Forms&digits=${a.digits}`);
    await confirmPreview(helper);
  }
  site = await context.newPage();
  await site.goto(`${origin()}/plain.html`);
  tabId = await helper.evaluate(async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)?.id, site.url());
});

after(async () => {
  await cleanup?.();
  server?.close();
});

const reading = (key) => pageReading(site, key);

/**
 * Opens `form` in the tab, then the popup for that tab at the fixed clock, and fills `account`'s code
 * from its row: Enter, or "Fill in page" in its menu. Returns the popup's banner (empty when filled).
 */
async function fillFromPopup(form, { account = SIX, via = 'enter' } = {}) {
  await site.goto(`${origin()}/${form}`);
  const popup = await openPopup(context, T, `tab=${tabId}`);
  const row = popup.locator('#accounts li', { hasText: account.name });
  if (via === 'enter') {
    await row.locator('.entry').focus();
    await popup.keyboard.press('Enter');
  } else {
    await row.locator('.menu summary').click();
    await row.locator('.fill').click();
  }
  await popup.waitForFunction(() => document.querySelector('#status').textContent !== '' || !document.querySelector('#banner').hidden);
  const banner = await popup.isVisible('#banner') ? await popup.textContent('#banner') : '';
  await popup.close();
  return banner;
}

/** Opens `form` in the tab and runs fill.js's `fillInPage(code, origin)` there as the popup does. */
async function fillDirect(form, code, { world = 'ISOLATED', expectOrigin = origin() } = {}) {
  await site.goto(`${origin()}/${form}`);
  return helper.evaluate(async ({ tabId, code, expectOrigin, world }) => {
    const { fillInPage } = await import('./fill.js');
    const [done] = await chrome.scripting.executeScript({ target: { tabId }, func: fillInPage, args: [code, expectOrigin], world });
    return done.result;
  }, { tabId, code, expectOrigin, world });
}

for (const { form, how, by, account = SIX } of CORPUS) {
  test(`${form}: the page reads the code filled from the popup (found by ${how}, taken by ${by})`, async () => {
    const code = codeOf(account);
    assert.equal(await fillFromPopup(form, { account }), '', 'no banner: filled');
    assert.equal(await reading(), code);
    assert.deepEqual(await fillDirect(form, code), { filled: true, how, by });
    assert.equal(await reading(), code);
  });
}

test('every page of the corpus is filled by a test here', () => {
  const tested = new Set([...CORPUS.map((c) => c.form.split('?')[0]), 'refusing.html', 'several.html', 'none.html']);
  const pages = readdirSync(FORMS).filter((f) => f.endsWith('.html') && f !== 'iframe-frame.html');
  assert.ok(pages.length >= 12, `${pages.length} forms`);
  assert.deepEqual(pages.filter((f) => !tested.has(f)), []);
});

test('password_field_beside_the_code_is_never_filled', async () => {
  // The password field has the focus: the focused-field rule must not take it.
  assert.equal(await fillFromPopup('password.html'), '');
  assert.equal(await reading(), codeOf(SIX));
  assert.equal(await site.inputValue('#pass'), '');
  assert.equal(await reading('password'), undefined, 'the page saw no input in the password field');
  assert.equal(await site.inputValue('#user'), 'alice');
});

test('hidden_decoy_field_is_never_filled', async () => {
  const code = codeOf(SIX);
  const kinds = ['opacity', 'offscreen', 'tiny', 'visibility', 'display', 'clip', 'clip-path', 'above', 'ancestor-opacity', 'ancestor-overflow'];
  for (const kind of [...kinds, 'all']) {
    assert.deepEqual(await fillDirect(`decoy.html?hide=${kind}`, code), { filled: true, how: 'likely', by: 'value' }, kind);
    assert.equal(await reading(), code, kind);
    assert.equal(await reading('decoy'), undefined, `the ${kind} decoy received nothing`);
    assert.deepEqual(await site.$$eval('input[autocomplete]', (inputs) => inputs.map((i) => i.value).filter(Boolean)), [], kind);
  }
  // From the popup too, with every decoy on the page.
  assert.equal(await fillFromPopup('decoy.html', { via: 'menu' }), '');
  assert.equal(await reading(), code);
  assert.equal(await reading('decoy'), undefined);
});

test('field_behind_a_modal_dialog_is_never_filled', async () => {
  // modal.html: the page behind is `inert`, the dialog fixed in a zero-height portal that hides its
  // overflow; dialog.html: a native modal <dialog>, and behind it a field marked one-time-code.
  for (const form of ['modal.html', 'dialog.html']) {
    assert.equal(await fillFromPopup(form), '', form);
    assert.equal(await reading(), codeOf(SIX), form);
    assert.equal(await reading('behind'), undefined, `${form}: the field behind the dialog received nothing`);
  }
});

test('paste_only_boxes_receive_the_whole_code', async () => {
  const code = codeOf(SIX);
  assert.equal(await fillFromPopup('boxes-paste.html', { via: 'menu' }), '');
  assert.equal(await reading(), code);
  assert.deepEqual(await site.$$eval('.boxes input', (boxes) => boxes.map((b) => b.value).join('')), code);
  // The page refuses values and keys (see the corpus test below): the fill came to the paste.
  assert.deepEqual(await fillDirect('boxes-paste.html', code), { filled: true, how: 'boxes', by: 'paste' });
});

test('keydown_only_boxes_receive_each_digit_as_a_key', async () => {
  const code = codeOf(SIX);
  assert.deepEqual(await fillDirect('boxes-keydown.html', code), { filled: true, how: 'boxes', by: 'keys' });
  assert.equal(await reading(), code);
});

test('react_controlled_field_keeps_a_value_set_through_the_native_setter_even_in_the_page_s_own_world', async () => {
  // In the page's world the page's own `value` setter (React's tracker) is what `field.value = …`
  // reaches: only the native setter makes the input event a change. The isolated world (the
  // popup's default) never sees the page's setter; both must work.
  const code = codeOf(SIX);
  for (const world of ['MAIN', 'ISOLATED']) {
    assert.deepEqual(await fillDirect('react.html', code, { world }), { filled: true, how: 'one-time-code', by: 'value' }, world);
    assert.equal(await reading(), code, world);
  }
});

test('boxes_that_submit_by_themselves_are_submitted_once', async () => {
  // The page empties its boxes as it submits: what the fields hold no longer shows the code, the
  // submission does. Another technique would send the code again.
  const code = codeOf(SIX);
  assert.deepEqual(await fillDirect('boxes-submit.html', code), { filled: true, how: 'one-time-code', by: 'value' });
  assert.equal(await reading(), code);
  assert.equal(await reading('submits'), '1');
  assert.equal(await fillFromPopup('boxes-submit.html'), '');
  assert.equal(await reading('submits'), '1');
});

test('code_labels_in_the_ten_languages_find_the_field', async () => {
  for (const [lang, text] of Object.entries(LABELS)) {
    const code = codeOf(SIX);
    assert.deepEqual(await fillDirect(`label.html?lang=${lang}&text=${encodeURIComponent(text)}`, code), { filled: true, how: 'likely', by: 'value' }, lang);
    assert.equal(await reading(), code, lang);
    assert.equal(await site.inputValue('#f1'), '', `${lang}: the Name field stays empty`);
  }
  // The words may be anywhere a page puts a field's name.
  for (const via of ['aria-label', 'aria-labelledby', 'placeholder', 'title']) {
    assert.deepEqual(await fillDirect(`label.html?via=${via}&text=${encodeURIComponent(LABELS.pl)}`, '123456'), { filled: true, how: 'likely', by: 'value' }, via);
    assert.equal(await reading(), '123456', via);
  }
  // A code that is not this one: nothing is filled.
  assert.deepEqual(await fillDirect(`label.html?text=${encodeURIComponent('Postal code')}`, '123456'), { filled: false, reason: 'none' });
});

test('eight_digit_code_goes_one_digit_per_box_and_six_boxes_do_not_take_it', async () => {
  const code = codeOf(EIGHT);
  assert.equal(code.length, 8);
  assert.equal(await fillFromPopup('boxes-8.html', { account: EIGHT, via: 'menu' }), '');
  assert.equal(await reading(), code);
  assert.deepEqual(await site.$$eval('.digits input', (boxes) => boxes.map((b) => b.value)), [...code]);
  assert.deepEqual(await fillDirect('boxes-otc.html', code), { filled: false, reason: 'none' });
  assert.equal(await reading(), undefined);
});

test('a_page_that_refuses_every_technique_is_not_reported_filled: the popup copies the code instead', async () => {
  const code = codeOf(SIX);
  assert.deepEqual(await fillDirect('refusing.html', code), { filled: false, reason: 'refused', how: 'one-time-code' });
  assert.equal(await reading(), undefined);
  assert.match(await fillFromPopup('refusing.html'), /This page cannot be filled: the code was copied instead/);
  assert.equal(await site.inputValue('#otp'), '');
});

test('two_code_fields_or_none_are_left_to_the_user', async () => {
  assert.deepEqual(await fillDirect('several.html', '123456'), { filled: false, reason: 'several' });
  assert.deepEqual(await fillDirect('none.html', '123456'), { filled: false, reason: 'none' });
  assert.deepEqual(await site.$$eval('input', (inputs) => inputs.map((i) => i.value)), ['', '']);
  assert.match(await fillFromPopup('several.html'), /Several fields could take the code/);
  assert.deepEqual(await site.$$eval('input', (inputs) => inputs.map((i) => i.value)), ['', '']);
});

test('a_tab_that_moved_to_another_origin_is_not_filled', async () => {
  const elsewhere = origin().replace('forms.test', 'other.test');
  assert.deepEqual(await fillDirect('plain.html', '123456', { expectOrigin: elsewhere }), { filled: false, reason: 'navigated' });
  assert.equal(await site.inputValue('#app_otp'), '');
});

test('the corpus pages refuse what their kind of site refuses (so the fill\'s techniques are each needed)', async () => {
  // Each check runs in the page's own world, as the page's other scripts would.
  const native = (selector, value) => site.$$eval(selector, (fields, v) => {
    const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    fields.forEach((f, i) => { set.call(f, fields.length > 1 ? v[i] : v); f.dispatchEvent(new Event('input', { bubbles: true })); });
  }, value);
  const keys = (selector, value) => site.$$eval(selector, (fields, v) => fields.forEach((f, i) => {
    for (const type of ['keydown', 'keypress', 'keyup']) f.dispatchEvent(new KeyboardEvent(type, { key: v[i], bubbles: true, cancelable: true }));
  }), value);

  // React: `field.value = code` goes through the tracker, and the render undoes it.
  await site.goto(`${origin()}/react.html`);
  await site.$eval('#code', (f) => { f.value = '123456'; f.dispatchEvent(new Event('input', { bubbles: true })); });
  assert.equal(await reading(), '');
  assert.equal(await site.inputValue('#code'), '');
  await native('#code', '123456');
  assert.equal(await reading(), '123456');

  // Keydown-only boxes: values are undone; keys are taken.
  await site.goto(`${origin()}/boxes-keydown.html`);
  await native('.code input', '123456');
  assert.equal(await reading(), '');
  await keys('.code input', '123456');
  assert.equal(await reading(), '123456');

  // Paste-only boxes: neither values nor keys.
  await site.goto(`${origin()}/boxes-paste.html`);
  await native('.boxes input', '123456');
  await keys('.boxes input', '123456');
  assert.equal(await reading(), '');

  // The refusing page: not even a paste made by a script.
  await site.goto(`${origin()}/refusing.html`);
  await site.$eval('#otp', (f) => {
    const clipboardData = new DataTransfer();
    clipboardData.setData('text/plain', '123456');
    f.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
  });
  await native('#otp', '123456');
  assert.equal(await reading(), undefined);
});
